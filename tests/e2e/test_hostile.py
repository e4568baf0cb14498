"""What an adversarial pass over the served app found, each as a request through HTTP."""

import json
import re
import time
from dataclasses import replace

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings

from ghcr_stats import service
from ghcr_stats.model import CODES
from testkit.fakegithub.pages import Package, fluxcd_catalog
from testkit.served import Served, engine
from tests.e2e.conftest import TTL
from tests.service.test_router_fuzz import HEADERS, METHODS, PATHS, assert_error_in_the_endpoints_format


@pytest.mark.parametrize("path", ["/badge", "/badge/", "/shields", "/shields/"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_route_without_a_name_is_answered(app, upstream, method, path):
    r = app.request(method, path, timeout=15)  # it used to hang until the client gave up
    assert r.status_code == 404
    if method == "GET" and path.startswith("/badge"):
        assert r.headers["content-type"] == "image/svg+xml" and b">unavailable<" in r.content
    elif method == "GET":
        assert r.json()["isError"] is True  # shields' error schema
    assert upstream.requests == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=METHODS, path=PATHS, headers=HEADERS)
def test_a_sample_of_the_fuzzed_router_is_answered_when_served(app, method, path, headers):
    # Only requests an HTTP client will send: a method token, ASCII header values; and a Host a
    # client could have connected to (Spin closes the connection on any other, unanswered, before
    # the app sees the request; the service tests send the app every one).
    assume(method.isalpha() and all(v.isascii() for v in headers.values()))
    assume(re.fullmatch(r"[A-Za-z0-9.-]+(:[0-9]+)?", headers.get("host", "localhost")))
    try:
        request = app.build_request(method, path, headers=headers, timeout=30)
    except (httpx.InvalidURL, UnicodeError):
        assume(False)
    r = app.send(request)
    if r.status_code < 400:
        assert r.status_code == 200 or (r.status_code == 304 and "if-none-match" in headers), (r.status_code, r.text)
    elif method != "HEAD":
        served = service.Response(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content)
        sent = request.url.raw_path.decode("ascii")  # as httpx sent it: dot segments resolved
        code = assert_error_in_the_endpoints_format(sent, headers, served)
        assert code is None or r.status_code == CODES[code] != 500, (r.status_code, code)


def test_a_retry_after_of_the_year_3_trillion_ends_after_max_backoff(upstream):
    with Served({"upstream": upstream.url, "max_backoff": "600"}, clock=True) as served, httpx.Client(base_url=served.url, timeout=30) as app:
        upstream.fail("*", "429-retry-after-huge")
        assert app.get("/stats/flux-cli").json()["error"]["code"] == "rate-limited"
        upstream.heal()
        served.advance(599)
        assert app.get("/stats/flux-cli").json()["error"]["code"] == "rate-limited"  # backing off
        served.advance(1)
        assert app.get("/stats/flux-cli").status_code == 200


def test_a_trickling_upstream_is_cut_off_at_the_fetch_deadline(upstream):
    variables = {"upstream": upstream.url, "fetch_timeout": "3", "fetch_deadline": "2"}
    with Served(variables, clock=True) as served, httpx.Client(base_url=served.url, timeout=30) as app:
        upstream.fail("flux-cli", "trickle")  # a byte every half second, for as long as it is read
        started = time.monotonic()
        r = app.get("/stats/flux-cli")
        elapsed = time.monotonic() - started
    assert r.status_code == 502
    assert "took longer than 2 s" in r.json()["error"]["message"]
    # Without the deadline it went on for as long as the upstream liked (45 s and more);
    # with it, the deadline and at most one between-bytes wait, with a generous margin.
    assert elapsed < 2 + 3 + 5


@pytest.mark.parametrize("mode", ["reset", "truncated", "timeout", "500", "garbage", "huge"])
def test_errors_say_what_failed_in_words(app, upstream, mode):
    p = Package("wordsorg", f"pkg-{mode}", 7, fluxcd_catalog()[0].daily)  # nothing stored for it
    upstream.packages[(p.owner, p.name)] = p
    upstream.fail(p.name, mode)
    r = app.get(f"/stats/{p.owner}/{p.name}")
    assert r.status_code == 502
    message = r.json()["error"]["message"]
    assert re.search(r"\b[a-z]{4,}\b", message), message  # words, not a code alone
    assert not re.search(r"0x[0-9a-f]|object at|[<>]|Error\(|Payload\(", message), message


def test_names_read_from_a_listing_pass_the_same_rules_as_clients(app, upstream):
    daily = fluxcd_catalog()[0].daily
    added = [Package("evilorg", n, 7, daily) for n in ["ok-one", "Bad..Name", "../../x", "a b"]]
    upstream.packages.update({(p.owner, p.name): p for p in added})
    try:
        r = app.get("/stats/evilorg/").json()
        assert [p["package"] for p in r["packages"]] == ["ok-one"] and r["complete"] is False
        assert [p for p in upstream.requests if "/package/" in p] == ["/orgs/evilorg/packages/container/package/ok-one"]
    finally:
        for p in added:
            del upstream.packages[(p.owner, p.name)]


def test_owner_names_are_folded_to_one_spelling(app, upstream):
    for owner in ["fluxcd", "FluxCD", "FLUXCD", "fLuXcD", "Fluxcd", "fluxCD", "FlUxCd", "fluxcD"]:
        r = app.get(f"/stats/{owner}/kustomize-controller")
        assert r.status_code == 200 and r.json()["owner"] == "fluxcd"
    assert upstream.count() == 2  # one read: the owner URL, and the repository's it redirects to
    assert app.get("/stats/FluxCD/").json()["owner"] == "fluxcd"


def test_a_404_after_a_good_read_is_remembered_and_the_stored_value_served_stale(upstream):
    with Served({"upstream": upstream.url, "cache_ttl": "2"}, clock=True) as served, httpx.Client(base_url=served.url, timeout=30) as app:
        good = app.get("/stats/flagger").json()
        served.advance(2)
        upstream.fail("flagger", "404")
        upstream.reset_counts()
        assert app.get("/stats/flagger").json()["stale_reason"]["code"] == "refreshing"
        served.settled("package:fluxcd/flagger")  # the refresh behind it met the 404
        r = app.get("/stats/flagger")
        assert r.status_code == 200 and r.json()["stale"] is True
        assert r.json()["total_downloads"] == good["total_downloads"]
        assert r.json()["stale_reason"]["code"] == "not-found"
        asked = upstream.count()
        assert app.get("/stats/flagger/history").status_code == 200  # the history stays reachable
        assert app.get("/stats/flagger").json()["stale"] is True
        assert upstream.count() == asked  # remembered: every request used to go upstream


@pytest.mark.parametrize("path", ["/stats/nobody-at-all/", "/stats/nothing-here/versions"])
def test_listing_and_versions_404s_are_remembered(app, upstream, path):
    assert app.get(path).status_code == 404
    asked = upstream.count()
    assert asked == 2  # the listing as an org's, then a user's; or the versions as fluxcd's, then its listing
    for _ in range(4):
        assert app.get(path).status_code == 404
    assert upstream.count() == asked  # once, not five times


def test_during_an_outage_an_expired_package_is_asked_about_a_few_times(upstream):
    with Served({"upstream": upstream.url, "cache_ttl": "1", "failure_backoff": "60"}, clock=True) as served, httpx.Client(base_url=served.url, timeout=30) as app:
        assert app.get("/stats/flux-cli").status_code == 200
        served.advance(1)
        upstream.fail("*", "503")
        upstream.reset_counts()
        answers = []
        for _ in range(20):
            answers.append(app.get("/stats/flux-cli").json())
            served.settled("package:fluxcd/flux-cli")  # each refresh over before the next request
        assert all(a["stale"] for a in answers)
        assert answers[-1]["stale_reason"]["code"] == "upstream-backoff"
        assert upstream.count() == 3  # three failures, then left alone; was 20 of 20


def test_names_nobody_has_seen_on_github_do_not_grow_metrics(upstream):
    with Served({"upstream": upstream.url, "failure_backoff": "1"}, clock=True) as served, httpx.Client(base_url=served.url, timeout=30) as app:
        assert app.get("/stats/flux-cli").status_code == 200
        upstream.fail("*", "503")
        for i in range(5):
            assert app.get(f"/stats/made-up-{i}").status_code == 502
            served.advance(1)  # past the back-off, so that each asks the failing upstream
        upstream.heal()
        for i in range(20):
            assert app.get(f"/stats/not-there-{i}").status_code == 404
        metrics = app.get("/metrics").text
    assert "made-up" not in metrics and "not-there" not in metrics
    assert 'package="flux-cli"' in metrics


def test_a_falling_total_is_kept_but_flagged(upstream):
    key = ("fluxcd", "source-watcher")
    old = upstream.packages[key]
    try:
        with Served({"upstream": upstream.url, "cache_ttl": "1"}, clock=True) as served, httpx.Client(base_url=served.url, timeout=30) as app:
            assert app.get("/stats/source-watcher").json()["total_downloads"] == 950
            upstream.packages[key] = replace(old, total=10)
            served.advance(86400)  # the next day
            app.get("/stats/source-watcher")
            served.settled("package:fluxcd/source-watcher")
            r = app.get("/stats/source-watcher").json()
            assert r["total_downloads"] == 10 and r["total_fell"] is True
            h = app.get("/stats/source-watcher/history").json()
            assert [p["total_fell"] for p in h["points"]] == [False, True]
            assert [d["downloads"] for d in h["daily_deltas"]] == [0]  # counted from the highest before: never negative
            metrics = app.get("/metrics").text
            assert 'ghcr_stats_downloads_fell{owner="fluxcd",package="source-watcher"} 1' in metrics
    finally:
        upstream.packages[key] = old


@pytest.mark.parametrize("mode, status, code", [
    ("redirect-with-space", 200, None),  # wasi:http refuses a URL with a space: it is re-encoded
    ("gzip", 502, "undecodable-encoding"),
    ("huge", 502, "too-large"),
])
def test_a_page_the_app_cannot_use_as_sent_is_no_500(app, upstream, mode, status, code):
    upstream.fail("flux-cli", mode)
    r = app.get("/stats/flux-cli")
    assert r.status_code == status, r.text
    if code:
        assert r.json()["error"]["code"] == code


def test_leases_a_killed_instance_left_hold_up_no_answer_that_has_something_stored(app, served, upstream):
    """An instance killed mid-fetch leaves its leases behind: requests for what is stored answer
    at once (stale), /metrics too, and a package with nothing stored waits no longer than the
    lease, then is read."""
    assert app.get("/stats", timeout=60).status_code == 200
    served.advance(TTL)
    leases = {f"lease:package:fluxcd/{name}" for (owner, name) in upstream.packages if owner == "fluxcd"}
    until = served.now() + 32  # fetch_deadline's default, and the margin
    for key in leases | {"lease:listing:fluxcd", "lease:package:fluxcd/never-read"}:
        served.store.set(key, json.dumps({"schema": 1, "value": {"token": "killed", "until": until}}).encode())
    for path in ("/stats/flux-cli", "/badge/flux-cli.svg", "/metrics", "/stats"):
        # Waiting out a lease would take its 32 s (the clock stands still: it never runs out
        # sooner); the client gives up after 10.
        assert app.get(path, timeout=10).status_code == 200, path
    assert app.get("/stats/flux-cli").json()["stale_reason"]["code"] == "refreshing"


def test_the_upstream_budget_holds_through_the_served_store(upstream):
    """The budget is counted in the store every instance shares: a burst of made-up names,
    each request in an instance of its own, asks the upstream no more than the budget allows."""
    with Served({"upstream": upstream.url, "upstream_budget": "8"}, clock=True) as served, httpx.Client(base_url=served.url, timeout=30) as app:
        assert app.get("/stats/flux-cli").status_code == 200
        upstream.reset_counts()
        statuses = [app.get(f"/stats/made-up-{i}").status_code for i in range(20)]
    assert upstream.count() == 8 - 2  # flux-cli took two (the redirect); one each made-up name while the budget lasted
    assert statuses == [404] * 6 + [503] * 14


def test_a_valid_name_too_long_for_the_store_is_a_503_that_says_so(app, upstream):
    # 250 characters is a valid package name; its keys are too long for a file name in the
    # shim's store (Spin's SQLite and Redis take them).
    name = "a" * 250
    r = app.get(f"/stats/{name}")
    if engine() == "spin":
        assert r.status_code == 404, r.text  # no such package upstream: asked, and answered
    else:
        # The shim's store: its first read of the package's keys fails, before any write.
        assert (r.status_code, r.json()["error"]["code"]) == (503, "store-unavailable"), r.text
        assert "too long" in r.json()["error"]["message"]
