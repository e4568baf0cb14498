import xml.etree.ElementTree as ET

from prometheus_client.parser import text_string_to_metric_families

from ghcr_stats.render import badge, metrics
from ghcr_stats.model import DailyCount, Failures, Measurement, PackagePage, PackageRef, Tracked

SVG = "{http://www.w3.org/2000/svg}"


def test_badge_is_svg_showing_label_and_message():
    svg = ET.fromstring(badge.render("downloads", "1.2M"))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts.count("downloads") == 2 and texts.count("1.2M") == 2  # text and its shadow
    assert svg.get("aria-label") == "downloads: 1.2M"
    assert int(svg.get("width")) > badge.text_width("downloads1.2M")


def test_badge_grows_with_its_text_and_escapes_it():
    narrow = ET.fromstring(badge.render("downloads", "9"))
    wide = ET.fromstring(badge.render("downloads", "999.9M"))
    assert int(wide.get("width")) > int(narrow.get("width"))
    assert ET.fromstring(badge.render("a<b", "&")).get("aria-label") == "a<b: &"


def test_stale_badge_says_so():
    svg = ET.fromstring(badge.render("downloads", "5", stale=True))
    assert "stale" in svg.find(f"{SVG}title").text


def test_metrics_parse_with_prometheus_client():
    page = PackagePage(2**40, True, "1.1T", [DailyCount("d1", 3), DailyCount("d2", 4)])
    tracked = [
        Tracked(PackageRef("fluxcd", "charts/flagger"), Measurement("fluxcd", "charts/flagger", page, "u", 1.5),
                Failures({"parse-not-found": 2, "upstream-status": 1})),
        Tracked(PackageRef('my"org', "gone"), None, Failures({"truncated": 1})),
    ]
    families = {f.name: f for f in text_string_to_metric_families(metrics.render(tracked))}
    samples = {
        (s.name, s.labels["owner"], s.labels["package"], s.labels.get("reason")): s.value
        for f in families.values() for s in f.samples
    }
    assert families["ghcr_stats_downloads"].type == "counter"  # the client strips _total from a counter's family
    assert samples[("ghcr_stats_downloads_total", "fluxcd", "charts/flagger", None)] == 2**40
    assert samples[("ghcr_stats_recent_downloads", "fluxcd", "charts/flagger", None)] == 7
    assert samples[("ghcr_stats_fetch_failures_total", "fluxcd", "charts/flagger", "parse-not-found")] == 2
    assert samples[("ghcr_stats_fetch_failures_total", "fluxcd", "charts/flagger", "upstream-status")] == 1
    assert samples[("ghcr_stats_fetch_failures_total", 'my"org', "gone", "truncated")] == 1
    assert samples[("ghcr_stats_last_success_timestamp_seconds", "fluxcd", "charts/flagger", None)] == 1.5
    assert ("ghcr_stats_downloads_total", 'my"org', "gone", None) not in samples  # never measured: no total


def test_shields_json_is_the_endpoint_badges_schema():
    from ghcr_stats.render import api

    # https://shields.io/badges/endpoint-badge: schemaVersion 1, label, message, color; isError
    # for a failure (any other key makes shields.io refuse the answer).
    assert api.shields("downloads", "1.2M", stale=False) == {"schemaVersion": 1, "label": "downloads", "message": "1.2M", "color": "blue"}
    assert api.shields("v1", "3", stale=True) == {"schemaVersion": 1, "label": "v1", "message": "3", "color": "lightgrey"}
    assert api.shields_error("downloads") == {
        "schemaVersion": 1, "label": "downloads", "message": "unavailable", "color": "lightgrey", "isError": True,
    }
