"""The stats service end to end: caching, history, staleness through every kind of upstream
failure, owner-wide totals, badges, metrics."""

import time
import xml.etree.ElementTree as ET

import pytest
from prometheus_client.parser import text_string_to_metric_families

from testkit.fakegithub.pages import display_count
from testkit.served import Served
import httpx

PACKAGE_PAGE = "/packages/container/package/"


def test_a_cached_value_does_not_reach_the_upstream(app, upstream):
    first = app.get("/stats/kustomize-controller")
    assert first.status_code == 200
    assert upstream.count(PACKAGE_PAGE + "kustomize-controller") == 1
    for _ in range(3):
        again = app.get("/stats/kustomize-controller")
        assert again.json()["total_downloads"] == first.json()["total_downloads"]
    assert upstream.count(PACKAGE_PAGE + "kustomize-controller") == 1
    assert "max-age=" in again.headers["cache-control"]


def test_conditional_requests_get_304(app):
    r = app.get("/stats/helm-controller")
    etag = r.headers["etag"]
    again = app.get("/stats/helm-controller", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert app.get("/stats/helm-controller", headers={"if-none-match": 'W/"other"'}).status_code == 200


def test_head_has_headers_and_no_body(app):
    r = app.head("/stats/helm-controller")
    assert r.status_code == 200 and r.content == b"" and r.headers["etag"]


def test_owner_totals_sum_a_multi_page_listing(app, upstream, expected):
    upstream.delay(0.2)  # slow enough that concurrent requests overlap at the upstream
    r = app.get("/stats")
    assert r.status_code == 200, r.text
    body = r.json()
    flux = {name: p for (owner, name), p in expected.items() if owner == "fluxcd"}
    assert upstream.count("/orgs/fluxcd/packages?page=") >= 3  # followed "next" over several pages
    assert sorted(p["package"] for p in body["packages"]) == sorted(flux), body["errors"]
    assert body["package_count"] == len(flux)
    assert body["total_downloads"] == sum(p.total for p in flux.values())
    assert body["complete"] is True and body["errors"] == []
    assert 1 < upstream.max_in_flight <= 8  # concurrent, and bounded by max_concurrency
    assert app.get("/stats/stefanprodan/").json()["total_downloads"] == expected[("stefanprodan", "podinfo")].total


def test_badge_shields_and_api_show_githubs_own_display_value(app, expected):
    r = app.get("/badge/source-controller.svg")
    assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
    svg = ET.fromstring(r.content)
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    shown = display_count(expected[("fluxcd", "source-controller")].total)  # what the page's h3 says
    assert shown == "27.1B"  # truncated, where rounding would say 27.2B
    assert shown in texts and "downloads" in texts
    assert app.get("/stats/source-controller").json()["display_total"] == shown
    shields = app.get("/shields/source-controller").json()
    assert shields == {"schemaVersion": 1, "label": "downloads", "message": texts[-1], "color": "blue"}


def test_metrics_parse_and_carry_every_package(app, expected):
    app.get("/stats")
    r = app.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = {
        (s.name, s.labels.get("package")): s.value
        for f in text_string_to_metric_families(r.text)
        for s in f.samples
        if s.labels.get("owner") == "fluxcd"
    }
    for (owner, name), p in expected.items():
        if owner == "fluxcd":
            assert samples[("ghcr_stats_downloads_total", name)] == float(p.total)
            assert samples[("ghcr_stats_recent_downloads", name)] == sum(c for _, c in p.daily)


FAILURES = ["500", "503", "timeout", "garbage", "truncated", "huge", "reset"]


@pytest.fixture(scope="module")
def short_ttl(upstream):
    """An app whose cache expires after a second, so each read asks the upstream."""
    variables = {"upstream": upstream.url, "cache_ttl": "1", "fetch_timeout": "1", "history_limit": "3", "failure_backoff": "1"}
    with Served(variables) as served:
        with httpx.Client(base_url=served.url, timeout=30) as client:
            yield client


@pytest.mark.parametrize("mode", FAILURES)
def test_stale_value_is_served_through_each_failure(short_ttl, upstream, expected, mode):
    name = "image-reflector-controller"
    good = short_ttl.get(f"/stats/{name}")
    assert good.status_code == 200 and good.json()["stale"] is False
    history = short_ttl.get(f"/stats/{name}/history").json()["points"]
    time.sleep(1.1)
    upstream.fail(name, mode)
    r = short_ttl.get(f"/stats/{name}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stale"] is True and body["age_seconds"] >= 1
    assert body["total_downloads"] == expected[("fluxcd", name)].total
    assert body["stale_reason"]["code"] in {"upstream-status", "upstream-unreachable", "unparseable", "truncated"}
    assert short_ttl.get(f"/stats/{name}/history").json()["points"] == history  # nothing replaced
    upstream.heal()
    time.sleep(1.1)
    assert short_ttl.get(f"/stats/{name}").json()["stale"] is False


def test_history_grows_by_one_per_fetch_and_keeps_its_bound(short_ttl, upstream):
    name = "image-automation-controller"
    lengths = []
    for _ in range(5):
        short_ttl.get(f"/stats/{name}")
        lengths.append(len(short_ttl.get(f"/stats/{name}/history").json()["points"]))
        time.sleep(1.05)
    assert lengths == [1, 2, 3, 3, 3]  # history_limit = 3
    # The owner URL redirected once; then the app went straight to where it led.
    assert upstream.count(PACKAGE_PAGE + name) == 1
    assert upstream.count(f"/pkgs/container/{name}") == 5


@pytest.mark.parametrize("mode", ["429", "429-retry-after"])
def test_rate_limits_serve_stale_and_leave_the_upstream_alone(upstream, expected, mode):
    with Served({"upstream": upstream.url, "cache_ttl": "1"}) as served, httpx.Client(base_url=served.url) as app:
        assert app.get("/stats/flux-cli").status_code == 200
        time.sleep(1.1)
        upstream.fail("*", mode)
        r = app.get("/stats/flux-cli")
        assert r.status_code == 200 and r.json()["stale"] is True
        assert r.json()["stale_reason"]["code"] == "rate-limited"
        asked = upstream.count()
        upstream.heal()
        # Backing off (Retry-After: 120, or 60 s without it): nothing reaches the upstream.
        assert app.get("/stats/flux-cli").json()["stale"] is True
        assert app.get("/stats/helm-controller").status_code == 502  # nothing stored for it
        assert upstream.count() == asked
