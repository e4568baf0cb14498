"""The pages, the text view, CSV, the version and tag badges, and errors in each endpoint's
format: the service core with a clock the tests move, so history spans days."""

import asyncio
import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from ghcr_stats import service
from testkit.parser import WasmtimeParser
from ghcr_stats.config import Settings
from ghcr_stats.host import Host
from testkit.fakegithub.pages import display_count, fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub
from testkit.cpython import Clock, DictKV, HttpxHttp, serve

DAY = 86400.0
HTML = {"accept": "text/html,application/xhtml+xml", "host": "stats.example"}
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def parser():
    return WasmtimeParser()


@pytest.fixture(scope="module")
def upstream():
    with FakeGitHub(fluxcd_catalog()) as gh:
        yield gh


@pytest.fixture
def host(upstream, parser):
    upstream.heal()
    upstream.reset_counts()
    return Host(Settings(upstream=upstream.url), HttpxHttp(), DictKV(), parser, Clock())


def get(host: Host, path: str, headers: dict | None = None) -> service.Response:
    return serve(host, service.Request("GET", path, headers or {}))


def days_of_history(host, upstream, name: str, totals: list[int]) -> None:
    key = ("fluxcd", name)
    original = upstream.packages[key]
    try:
        for total in totals:
            upstream.packages[key] = replace(original, total=total)
            assert get(host, f"/stats/{name}").status == 200
            host.clock.advance(DAY)
    finally:
        upstream.packages[key] = original


def test_a_package_page_shows_its_numbers_history_versions_and_badge(host, upstream):
    days_of_history(host, upstream, "flagger", [1000, 1400, 2100])
    get(host, "/stats/flagger")  # the last day's TTL is over: read again behind this answer
    r = get(host, "/packages/fluxcd/flagger", HTML)
    assert r.status == 200 and r.headers["content-type"].startswith("text/html")
    page = r.body.decode()
    pkg = upstream.packages[("fluxcd", "flagger")]
    assert f'id="total">{pkg.total:,}<' in page and f'id="display">{display_count(pkg.total)}<' in page
    assert re.findall(r'data-date="([\d-]+)" data-count="(\d+)"', page)[:30] == [(d, str(c)) for d, c in pkg.daily]
    values = [int(v) for v in re.findall(r'data-value="(\d+)"', page)]
    assert values == [1000, 1400, 2100, pkg.total]  # every measurement, oldest first
    deltas = re.findall(r'data-date="([\d-]+)" data-count="(\d+)"', page)[30:]
    assert [int(c) for _, c in deltas] == [400, 700, pkg.total - 2100]
    for tag, n in pkg.versions[:3]:
        assert f">{tag}<" in page and f">{n:,}<" in page
    assert "![downloads](http://stats.example/badge/fluxcd/flagger.svg)" in page
    assert f'href="{upstream.url}/{pkg.repository}/pkgs/container/flagger"' in page
    assert "<script" not in page


def test_the_text_view_is_what_curl_gets(host, upstream):
    r = get(host, "/", {"accept": "*/*", "host": "stats.example"})
    assert r.headers["content-type"].startswith("text/plain")
    text = r.body.decode()
    catalog = fluxcd_catalog()
    assert f"{sum(p.total for p in catalog):,} downloads" in text
    rows = {line.split()[0]: line.split()[1] for line in text.splitlines()[3:3 + len(catalog)]}
    assert rows == {p.name: f"{p.total:,}" for p in catalog}
    by_name = get(host, "/?sort=name", {"accept": "*/*"}).body.decode().splitlines()[3:3 + len(catalog)]
    assert [line.split()[0] for line in by_name] == sorted(p.name for p in catalog)
    one = get(host, "/packages/fluxcd/flux-cli", {"accept": "*/*", "host": "stats.example"}).body.decode()
    assert f"total downloads  {catalog[0].total:,}" in one and "http://stats.example/packages/fluxcd/flux-cli" in one


@pytest.mark.parametrize("path,accept,content_type", [
    ("/", "text/html", "text/html; charset=utf-8"),
    ("/", "*/*", "text/plain; charset=utf-8"),
    ("/packages/fluxcd/flux-cli", "text/html", "text/html; charset=utf-8"),
    ("/packages/fluxcd/flux-cli", "*/*", "text/plain; charset=utf-8"),
    ("/stats", "*/*", "application/json"),
    ("/stats/fluxcd/", "*/*", "application/json"),
    ("/stats/flux-cli", "*/*", "application/json"),
    ("/stats/flux-cli/history", "*/*", "application/json"),
    ("/stats/flux-cli/history.csv", "*/*", "text/csv; charset=utf-8"),
    ("/stats/flux-cli/versions", "*/*", "application/json"),
    ("/stats/fluxcd/flux-cli/history.csv", "*/*", "text/csv; charset=utf-8"),  # the owner named too
    ("/stats/fluxcd/flux-cli/history", "*/*", "application/json"),
    ("/stats/fluxcd/flux-cli/versions", "*/*", "application/json"),
    ("/badge/flux-cli.svg", "*/*", "image/svg+xml"),
    ("/shields/flux-cli", "*/*", "application/json"),
])
def test_each_endpoint_answers_in_its_type_with_a_weak_etag(host, upstream, path, accept, content_type):
    r = get(host, path, {"accept": accept})
    assert r.status == 200 and r.headers["content-type"] == content_type
    assert r.headers["cache-control"] == f"public, max-age={host.settings.cache_ttl}"
    assert re.fullmatch(r'W/"[0-9a-f]{32}"', r.headers["etag"])
    if path.startswith("/stats/") and path.endswith(("flux-cli", "history", "versions")):
        assert (json.loads(r.body)["owner"], json.loads(r.body)["package"]) == ("fluxcd", "flux-cli")


def test_metrics_read_the_owner_first_and_are_never_cached(host, upstream):
    r = get(host, "/metrics")
    assert r.headers == {"content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store"}
    assert f'ghcr_stats_downloads_total{{owner="fluxcd",package="flux-cli"}} {fluxcd_catalog()[0].total}' in r.body.decode()


def test_the_owner_page_marks_its_sort_and_its_qr_code_holds_its_url(host, upstream):
    from tests.unit.test_views import read_qr_svg

    page = get(host, "/?sort=name", HTML).body.decode()
    assert '<p class="sort">Sort by <a href="?sort=total">downloads</a> · <a href="?sort=recent">last 30 days</a> · <strong>name</strong></p>' in page
    assert read_qr_svg(page) == "http://stats.example/?sort=name"  # what a phone reads from the page's code


def test_the_text_view_of_a_package_lists_its_versions(host, upstream):
    text = get(host, "/packages/fluxcd/flux-cli", {"accept": "*/*"}).body.decode()
    tag, n = upstream.packages[("fluxcd", "flux-cli")].versions[0]
    assert re.search(rf"^tag +downloads$", text, re.M) and re.search(rf"^{re.escape(tag)} +{n:,}$", text, re.M)


def test_history_as_csv(host, upstream):
    days_of_history(host, upstream, "flux-cli", [10, 25])
    r = get(host, "/stats/flux-cli/history.csv")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.body.decode())))
    assert rows[0] == ["time", "total_downloads", "added_since_previous", "total_fell"]
    assert [row[1:] for row in rows[1:]] == [["10", "", "false"], ["25", "15", "false"]]
    # The last day's TTL is over: that answer was the store's, and it was read again behind it.
    total = upstream.packages[("fluxcd", "flux-cli")].total
    rows = list(csv.reader(io.StringIO(get(host, "/stats/flux-cli/history.csv").body.decode())))
    assert [row[1:] for row in rows[1:]] == [["10", "", "false"], ["25", "15", "false"], [str(total), str(total - 25), "false"]]


def texts(svg: bytes) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_version_and_tag_badges_and_their_shields(host, upstream):
    pkg = upstream.packages[("fluxcd", "flux-cli")]
    assert pkg.latest_version in texts(get(host, "/badge/flux-cli/version.svg").body)
    tag, n = pkg.versions[1]
    r = get(host, f"/badge/fluxcd/flux-cli/tag/{tag}.svg")
    assert r.status == 200 and tag in texts(r.body)
    assert json.loads(get(host, f"/shields/flux-cli/tag/{tag}").body)["label"] == tag
    assert json.loads(get(host, "/shields/flux-cli/version").body)["message"] == pkg.latest_version
    missing = get(host, "/badge/flux-cli/tag/no-such-tag.svg")
    assert missing.status == 404 and "unavailable" in texts(missing.body)


def title(svg: bytes) -> str:
    return ET.fromstring(svg).find(f"{SVG}title").text


def test_badges_name_their_package_either_way_and_say_why_they_fail(host, upstream):
    pkg = upstream.packages[("fluxcd", "flux-cli")]
    assert title(get(host, "/badge/fluxcd/flux-cli.svg").body) == f"downloads: {display_count(pkg.total)}"  # GitHub's own
    assert title(get(host, "/badge/fluxcd/flux-cli/version.svg").body) == f"version: {pkg.latest_version}"
    missing = get(host, "/badge/fluxcd/flux-cli/tag/v0.0.0-nope.svg")
    assert missing.status == 404 and missing.headers["content-type"] == "image/svg+xml"
    assert title(missing.body) == "downloads: unavailable (no-such-tag: fluxcd/flux-cli lists no tagged version 'v0.0.0-nope')"
    key = ("fluxcd", "flagger")
    original = upstream.packages[key]
    upstream.packages[key] = replace(original, latest_version=None, versions=[])
    try:
        r = get(host, "/badge/flagger/version.svg")
    finally:
        upstream.packages[key] = original
    assert r.status == 404 and title(r.body) == "downloads: unavailable (no-version: the page of fluxcd/flagger shows no latest version)"


def test_a_tag_badge_turns_grey_while_its_versions_are_stale(host, upstream):
    key = ("fluxcd", "flux-cli")
    original = upstream.packages[key]
    upstream.packages[key] = replace(original, versions=[("v3.0.0", 1_240_000), ("v2.0.0", 999)])
    try:
        fresh = get(host, "/badge/flux-cli/tag/v3.0.0.svg")
        assert title(fresh.body) == "v3.0.0: 1.2M" and b"#007ec6" in fresh.body
        host.clock.advance(host.settings.cache_ttl)
        upstream.fail("*", "503")
        stale = get(host, "/badge/flux-cli/tag/v2.0.0.svg")
        assert stale.status == 200 and title(stale.body) == "v2.0.0: 999 (stale)" and b"#007ec6" not in stale.body
    finally:
        upstream.packages[key] = original


def test_stale_badges_and_shields_say_so_and_expire_quickly(host, upstream):
    fresh_badge, fresh_shields = get(host, "/badge/flux-cli.svg"), get(host, "/shields/flux-cli")
    assert json.loads(fresh_shields.body)["color"] == "blue"
    host.clock.advance(host.settings.cache_ttl)
    upstream.fail("flux-cli", "503")
    badge, shields = get(host, "/badge/flux-cli.svg"), get(host, "/shields/flux-cli")
    assert title(badge.body).endswith(" (stale)") and json.loads(shields.body)["color"] == "lightgrey"
    for fresh, stale in ((fresh_badge, badge), (fresh_shields, shields)):
        assert stale.status == 200 and stale.headers["cache-control"] == "public, max-age=60"
        assert stale.headers["etag"] != fresh.headers["etag"]


def test_errors_come_in_the_endpoints_format(host, upstream):
    upstream.fail("*", "503")
    badge = get(host, "/badge/flux-cli.svg")
    assert badge.status == 502 and badge.headers == {"cache-control": "no-store", "content-type": "image/svg+xml"}
    assert texts(badge.body)[0] == "downloads" and texts(badge.body)[-1] == "unavailable" and b"#007ec6" not in badge.body
    shields = get(host, "/shields/flux-cli")
    assert shields.headers == {"cache-control": "no-store", "content-type": "application/json"}
    assert json.loads(shields.body) == {"schemaVersion": 1, "label": "downloads", "message": "unavailable", "color": "lightgrey", "isError": True}
    page = get(host, "/packages/fluxcd/flux-cli", HTML)
    assert page.status == 502 and page.headers["cache-control"] == "no-store"
    assert page.body.startswith(b"<!doctype html>") and b"<h1>502: upstream-status</h1>" in page.body
    api = get(host, "/stats/flux-cli")
    assert api.headers == {"content-type": "application/json", "cache-control": "no-store"}
    bad = get(host, "/stats/fluxcd/Flux-CLI")
    assert bad.status == 400 and json.loads(bad.body)["error"]["code"] == "invalid-name"
    assert json.loads(bad.body)["error"]["message"].startswith("invalid package 'Flux-CLI': container package names are")
    unknown = get(host, "/X")  # no route: the API's format, whatever the path looks like
    assert unknown.status == 404 and json.loads(unknown.body)["error"]["code"] == "no-route"
    # The badge, shields and the page each met a 503: three failures, and the upstream is left
    # alone; the reason says so.
    assert get(host, "/", {"accept": "*/*"}).body.startswith(b"502 upstream-backoff: the upstream answered 503; not asking the upstream again for 30 s")
    assert json.loads(get(host, "/stats/flux-cli").body)["error"]["code"] == "upstream-backoff"


def test_a_page_behind_a_proxy_shows_the_url_its_reader_used(host, upstream):
    host.settings = replace(host.settings, forwarded_headers="trust")
    forwarded = {**HTML, "x-forwarded-proto": "https", "x-forwarded-host": "stats.fluxcd.io"}
    page = get(host, "/packages/fluxcd/flux-cli?from=readme", forwarded).body.decode()
    assert "<code>https://stats.fluxcd.io/packages/fluxcd/flux-cli?from=readme</code>" in page
    plain = get(host, "/packages/fluxcd/flux-cli", HTML).body.decode()
    assert "<code>http://stats.example/packages/fluxcd/flux-cli</code>" in plain


@pytest.mark.parametrize("headers", [
    {"x-forwarded-host": "evil.example", "x-forwarded-proto": "https"},  # no proxy says so: ignored
    {"host": "stats.example", "x-forwarded-host": "evil.example/<script>"},
])
def test_forwarded_headers_are_not_taken_from_anyone(host, upstream, headers):
    page = get(host, "/packages/fluxcd/flux-cli", {**HTML, **headers}).body.decode()
    assert "evil.example" not in page
    assert "<code>http://stats.example/packages/fluxcd/flux-cli</code>" in page


def test_a_forwarded_host_that_is_no_host_is_not_used_even_behind_a_proxy(host, upstream):
    host.settings = replace(host.settings, forwarded_headers="trust")
    page = get(host, "/packages/fluxcd/flux-cli", {**HTML, "x-forwarded-host": 'a" onload="x', "x-forwarded-proto": "javascript"}).body.decode()
    assert "<code>http://stats.example/packages/fluxcd/flux-cli</code>" in page


@pytest.mark.parametrize("path", ["/", "/packages/fluxcd/flux-cli", "/packages/fluxcd/no-such"])
def test_pages_negotiated_by_accept_say_so_to_caches(host, upstream, path):
    for headers in (HTML, {}):
        r = get(host, path, headers)
        assert r.headers["vary"] == "Accept", (path, r.status)
    etag = get(host, path, HTML).headers.get("etag")
    if etag:
        assert get(host, path, {**HTML, "if-none-match": etag}).headers["vary"] == "Accept"
    assert "vary" not in get(host, "/stats/flux-cli").headers


def test_each_tags_downloads_have_a_history(host, upstream):
    key = ("fluxcd", "flux-cli")
    original = upstream.packages[key]
    tag, n = original.versions[0]
    try:
        for bump in (0, 7, 19):
            upstream.packages[key] = replace(original, versions=[(tag, n + bump), *original.versions[1:]])
            assert get(host, "/stats/flux-cli/versions").status == 200
            host.clock.advance(DAY)
    finally:
        upstream.packages[key] = original
    get(host, "/stats/flux-cli/versions")  # stale: read again behind this answer
    first = json.loads(get(host, "/stats/flux-cli/versions").body)["versions"][0]
    assert first["tag"] == tag
    assert [h["downloads"] for h in first["history"]] == [n, n + 7, n + 19, n]
