"""The stats service end to end: caching, history, staleness through every kind of upstream
failure, owner-wide totals, badges, metrics."""

import socket
import xml.etree.ElementTree as ET

import pytest
from prometheus_client.parser import text_string_to_metric_families

from testkit.fakegithub.pages import display_count
from testkit.served import Served
from tests.e2e.conftest import TTL
import httpx

PACKAGE_PAGE = "/packages/container/package/"


def test_a_cached_value_does_not_reach_the_upstream_and_its_max_age_counts_down(app, served, upstream):
    first = app.get("/stats/kustomize-controller")
    assert first.status_code == 200
    assert first.headers["cache-control"] == f"public, max-age={TTL}"
    read_at = served.now()
    for elapsed in (1, 600, TTL - 1):
        served.set_clock(read_at + elapsed)
        again = app.get("/stats/kustomize-controller")
        assert again.json()["total_downloads"] == first.json()["total_downloads"]
        assert again.json()["age_seconds"] == elapsed
        assert again.headers["cache-control"] == f"public, max-age={TTL - elapsed}"
    assert upstream.count(PACKAGE_PAGE + "kustomize-controller") == 1
    served.set_clock(read_at + TTL)  # expired: answered from the store, read again behind it
    stale = app.get("/stats/kustomize-controller")
    assert (stale.json()["age_seconds"], stale.json()["stale_reason"]["code"]) == (TTL, "refreshing")
    served.settled("package:fluxcd/kustomize-controller")
    r = app.get("/stats/kustomize-controller")  # fresh for a whole TTL
    assert r.json()["age_seconds"] == 0 and r.headers["cache-control"] == f"public, max-age={TTL}"
    assert upstream.count("/pkgs/container/kustomize-controller") == 2


def raw(served, method: str, path: str, headers: str = "") -> tuple[bytes, bytes]:
    """(status line and headers, every byte after them) of one request over a bare socket:
    httpx reads no body after HEAD or a 304, so it cannot tell whether one was sent."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as s:
        s.sendall(f"{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{headers}\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def test_conditional_requests_get_304_and_no_body(app, served):
    r = app.get("/stats/helm-controller")
    etag = r.headers["etag"]
    head, rest = raw(served, "GET", "/stats/helm-controller", f"If-None-Match: {etag}\r\n")
    assert head.startswith(b"HTTP/1.1 304") and f"etag: {etag}".lower().encode() in head.lower()
    assert rest == b""
    assert app.get("/stats/helm-controller", headers={"if-none-match": 'W/"other"'}).status_code == 200


def test_head_has_the_get_headers_and_no_body(app, served):
    get = app.get("/stats/helm-controller")
    head, rest = raw(served, "HEAD", "/stats/helm-controller")
    assert head.startswith(b"HTTP/1.1 200") and rest == b""
    assert f"etag: {get.headers['etag']}".lower().encode() in head.lower()


def test_owner_totals_sum_a_multi_page_listing(app, upstream, expected):
    upstream.gather(8)  # the packages' pages wait for company: concurrency, whatever the machine's speed
    r = app.get("/stats")
    assert r.status_code == 200, r.text
    body = r.json()
    flux = {name: p for (owner, name), p in expected.items() if owner == "fluxcd"}
    assert upstream.count("/orgs/fluxcd/packages?page=") == -(-len(flux) // 3) - 1  # "next" over every page, 3 to a page
    assert sorted(p["package"] for p in body["packages"]) == sorted(flux), body["errors"]
    assert body["package_count"] == len(flux)
    assert body["total_downloads"] == sum(p.total for p in flux.values())
    assert body["complete"] is True and body["errors"] == []
    assert upstream.max_in_flight == 8  # as many at once as max_concurrency allows, and no more
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


# What each failure of the upstream is, as the API's code and in the message, and as /metrics
# counts it (the code, or the parser's error kind).
FAILURES = {
    "500": ("upstream-status", "answered 500", "upstream-status"),
    "503": ("upstream-status", "answered 503", "upstream-status"),
    "timeout": ("upstream-unreachable", "", "upstream-unreachable"),
    "reset": ("upstream-unreachable", "", "upstream-unreachable"),
    "truncated": ("upstream-unreachable", "", "upstream-unreachable"),  # the connection drops mid-body
    "cut": ("truncated", "ends before </html>", "truncated"),  # a whole response of half a page
    "huge": ("too-large", "larger than 5000000 bytes", "too-large"),  # the app's own cap
    "garbage": ("unparseable", "", "parse-wrong-page"),
}


@pytest.mark.parametrize("mode", FAILURES)
def test_stale_value_is_served_through_each_failure_and_counted(app, served, upstream, expected, mode):
    code, words, reason = FAILURES[mode]
    name = "image-reflector-controller"
    good = app.get(f"/stats/{name}")
    assert good.status_code == 200 and good.json()["stale"] is False
    served.advance(TTL)
    upstream.fail(name, mode)
    assert app.get(f"/stats/{name}").json()["stale_reason"]["code"] == "refreshing"
    served.settled(f"package:fluxcd/{name}")  # the refresh behind that answer failed
    upstream.heal()
    r = app.get(f"/stats/{name}")  # says why, and is read again behind the answer
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stale"] is True and body["age_seconds"] == TTL
    assert body["total_downloads"] == expected[("fluxcd", name)].total
    assert body["stale_reason"]["code"] == code and words in body["stale_reason"]["message"]
    assert body["fetched_at"] == good.json()["fetched_at"]  # the stored value, not replaced
    served.settled(f"package:fluxcd/{name}")
    failures = {
        s.labels["reason"]: s.value
        for f in text_string_to_metric_families(app.get("/metrics").text)
        for s in f.samples
        if s.name == "ghcr_stats_fetch_failures_total" and s.labels["package"] == name
    }
    assert failures == {reason: 1}
    assert app.get(f"/stats/{name}").json()["stale"] is False


def test_the_apps_own_cap_refuses_a_page_over_page_max_bytes(upstream, expected):
    repository = expected[("fluxcd", "flux-cli")].repository
    page = len(httpx.get(f"{upstream.url}/{repository}/pkgs/container/flux-cli").content)
    cap = page - 1
    with Served({"upstream": upstream.url, "page_max_bytes": str(cap)}, clock=True) as served:
        r = httpx.get(f"{served.url}/stats/flux-cli", timeout=30)
    assert r.status_code == 502 and r.json()["error"]["code"] == "too-large"
    assert f"larger than {cap} bytes" in r.json()["error"]["message"]
    with Served({"upstream": upstream.url, "page_max_bytes": str(page)}, clock=True) as served:
        assert httpx.get(f"{served.url}/stats/flux-cli", timeout=30).status_code == 200  # the cap itself is allowed


def test_history_grows_by_one_per_fetch_and_keeps_its_bound(app, served, upstream):
    name = "image-automation-controller"
    lengths = []
    for _ in range(5):
        app.get(f"/stats/{name}")
        served.settled(f"package:fluxcd/{name}")
        lengths.append(len(app.get(f"/stats/{name}/history").json()["points"]))
        served.advance(TTL)
    assert lengths == [1, 2, 3, 3, 3]  # history_limit = 3
    # The owner URL redirected once; then the app went straight to where it led.
    assert upstream.count(PACKAGE_PAGE + name) == 1
    assert upstream.count(f"/pkgs/container/{name}") == 5


@pytest.mark.parametrize("mode, wait", [("429", 60), ("429-retry-after", 120)])  # no Retry-After: 60 s
def test_rate_limits_serve_stale_and_leave_the_upstream_alone_as_long_as_asked(app, served, upstream, mode, wait):
    assert app.get("/stats/flux-cli").status_code == 200
    served.advance(TTL)
    upstream.fail("*", mode)
    app.get("/stats/flux-cli")
    served.settled("package:fluxcd/flux-cli")
    r = app.get("/stats/flux-cli")
    assert r.status_code == 200 and r.json()["stale"] is True
    assert r.json()["stale_reason"]["code"] == "rate-limited"
    asked = upstream.count()
    upstream.heal()
    served.advance(wait - 1)
    assert app.get("/stats/flux-cli").json()["stale_reason"]["code"] == "rate-limited"
    assert app.get("/stats/helm-controller").json()["error"]["code"] == "rate-limited"  # nothing stored for it
    assert upstream.count() == asked
    served.advance(1)
    app.get("/stats/flux-cli")  # the back-off is over: read again behind this answer
    served.settled("package:fluxcd/flux-cli")
    assert app.get("/stats/flux-cli").json()["stale"] is False


def test_versions_over_every_page_and_a_tags_badge(app, upstream, expected):
    pkg = expected[("fluxcd", "flux-cli")]
    r = app.get("/stats/flux-cli/versions")
    assert r.status_code == 200, r.text
    v = r.json()
    assert [(x["tag"], x["downloads"]) for x in v["versions"]] == pkg.versions
    assert v["complete"] is True and v["stale"] is False
    assert upstream.count("/versions") > 1  # followed "next" over several pages
    tag, n = pkg.versions[1]
    assert 10**6 <= n < 10**8
    shields = app.get(f"/shields/flux-cli/tag/{tag}").json()
    # Millions to one decimal, rounded (the page lists a tag's exact count: this rounding is the app's).
    assert (shields["label"], shields["message"]) == (tag, f"{n / 10**6:.1f}M")


def test_owner_totals_are_incomplete_while_a_listed_package_fails(app, upstream, expected):
    upstream.fail("flagger", "503")
    body = app.get("/stats").json()
    assert body["complete"] is False
    assert [e["package"] for e in body["errors"]] == ["flagger"]
    assert body["errors"][0]["error"]["code"] == "upstream-status"
    flux = [p for (owner, name), p in expected.items() if owner == "fluxcd" and name != "flagger"]
    assert body["total_downloads"] == sum(p.total for p in flux)
