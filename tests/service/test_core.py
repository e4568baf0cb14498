"""The service core in CPython with the real parser component (through wasmtime), a dict
for the store and a clock the tests move: what needs time to pass, without waiting."""

import asyncio
import json
import re
from dataclasses import replace

import pytest

from ghcr_stats import service
from testkit.parser import WasmtimeParser
from ghcr_stats.config import Settings
from ghcr_stats.host import Fetched, Host
from ghcr_stats.store import Store
from ghcr_stats.model import PackageRef
from testkit.fakegithub.pages import Package, fluxcd_catalog, tagged_versions
from testkit.fakegithub.server import FakeGitHub
from testkit.cpython import Clock, DictKV, HttpxHttp, serve, sleeper

DAY = 86400.0


@pytest.fixture(scope="module")
def parser():
    return WasmtimeParser()


@pytest.fixture(scope="module")
def upstream():
    user = Package("stefanprodan", "podinfo", 31_415_926, fluxcd_catalog()[0].daily, owner_kind="users")
    with FakeGitHub(fluxcd_catalog() + [user]) as gh:
        yield gh


@pytest.fixture
def host(upstream, parser):
    upstream.heal()
    upstream.delay(0)
    upstream.reset_counts()
    clock = Clock()
    return Host(Settings(upstream=upstream.url, history_limit=5), HttpxHttp(), DictKV(), parser, clock, sleeper(clock))


def get(host: Host, path: str, **headers) -> service.Response:
    return serve(host, service.Request("GET", path, headers))


def body(r: service.Response) -> dict:
    return json.loads(r.body)


def test_within_the_ttl_the_store_answers(host, upstream):
    assert get(host, "/stats/flux-cli").status == 200
    assert upstream.count() == 2  # the owner URL, then the repository URL it redirects to
    host.clock.advance(host.settings.cache_ttl - 1)
    assert body(get(host, "/stats/flux-cli"))["age_seconds"] == host.settings.cache_ttl - 1
    assert upstream.count() == 2
    host.clock.advance(1)
    # Expired: answered from the store at once, and measured again behind the answer.
    stale = body(get(host, "/stats/flux-cli"))
    assert (stale["age_seconds"], stale["stale"], stale["stale_reason"]["code"]) == (host.settings.cache_ttl, True, "refreshing")
    assert upstream.count() == 3
    assert body(get(host, "/stats/flux-cli"))["age_seconds"] == 0
    assert upstream.count() == 3


def test_latest_version_recent_versions_and_last_published_in_utc(host):
    pkg = fluxcd_catalog()[1]
    b = body(get(host, f"/stats/{pkg.name}"))
    # The page writes it with an offset ("…-08:00"); the API answers the same instant in UTC.
    assert b["last_published"] == pkg.last_published and b["last_published"].endswith("Z")
    assert (b["latest_version"], b["latest_version_downloads"]) == pkg.versions[0]
    assert [(v["id"], v["tags"], v["downloads"]) for v in b["recent_versions"]] == [tuple(v) for v in tagged_versions(pkg)[:5]]
    assert b["recent_versions"][0]["tags"] == ["latest", pkg.latest_version]


def test_history_and_daily_deltas_over_days(host, upstream):
    totals = [100, 250, 400, 1000, 1100, 1300, 1600]
    for total in totals:
        host.clock.advance(DAY)
        upstream.packages[("fluxcd", "flagger")] = replace(upstream.packages[("fluxcd", "flagger")], total=total)
        get(host, "/stats/flagger")
    h = body(get(host, "/stats/flagger/history"))  # within the TTL: no new measurement
    assert [p["total_downloads"] for p in h["points"]] == totals[-5:]  # history_limit = 5
    assert [d["downloads"] for d in h["daily_deltas"]] == [600, 100, 200, 300]
    assert h["limit"] == 5


def test_a_404_is_remembered_for_the_ttl(host, upstream):
    host.settings = replace(host.settings, cache_ttl=600)  # not max_backoff's 3600: the TTL is what counts
    assert get(host, "/stats/nothing-here").status == 404
    assert get(host, "/stats/nothing-there").status == 404  # remembered beside the first, not instead
    asked = upstream.count()  # each as an org's package, then as a user's
    host.clock.advance(host.settings.cache_ttl - 1)
    assert get(host, "/stats/nothing-here").status == 404
    assert get(host, "/stats/nothing-there").status == 404
    assert upstream.count() == asked
    host.clock.advance(1)
    assert get(host, "/stats/nothing-here").status == 404
    assert upstream.count() == asked + 1  # forgotten after the TTL: asked again (the owner's kind is known)


def test_users_are_found_after_orgs_and_remembered(host, upstream):
    assert body(get(host, "/stats/stefanprodan/podinfo"))["total_downloads"] == 31_415_926
    # The package is no org's, and the owner no org (its orgs listing, asked once): a user's.
    assert [p.split("/")[1] for p in upstream.requests] == ["orgs", "orgs", "users"]
    assert upstream.requests[1] == "/orgs/stefanprodan/packages"
    host.clock.advance(DAY)
    get(host, "/stats/stefanprodan/podinfo")
    assert upstream.requests[-1].startswith("/users/")
    assert upstream.count("/orgs/") == 2  # only the first time


class Gathering:
    """Counts the app's GETs in flight, exactly (one event loop), and holds each package page
    until `n` are in flight at once (then none again), or for 10 s at most: concurrency shown
    whatever the machine's speed, and its bound exactly."""

    def __init__(self, real, n: int):
        self.real, self.n, self.in_flight, self.max_in_flight = real, n, 0, 0
        self.gathered = asyncio.Event()

    async def get(self, url: str, **kw) -> Fetched:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.in_flight >= self.n:
                self.gathered.set()
            if "/package/" in url or "/pkgs/container/" in url:  # a package's page, not the listing
                try:
                    await asyncio.wait_for(self.gathered.wait(), 10)
                except asyncio.TimeoutError:
                    self.gathered.set()  # never that many at once: max_in_flight says so
            return await self.real.get(url, **kw)
        finally:
            self.in_flight -= 1


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_owner_requests_keep_within_max_concurrency(host, upstream, limit):
    host.settings = replace(host.settings, max_concurrency=limit)
    host.http = gathering = Gathering(host.http, limit)
    r = body(get(host, "/stats"))
    assert r["package_count"] == len(fluxcd_catalog())
    assert gathering.max_in_flight == limit


def test_head_and_304_answers_have_no_body_and_the_gets_headers(host):
    got = get(host, "/stats/flux-cli")
    head = serve(host, service.Request("HEAD", "/stats/flux-cli", {}))
    assert (head.status, head.body, head.headers) == (200, b"", got.headers)
    not_modified = get(host, "/stats/flux-cli", **{"if-none-match": got.headers["etag"]})
    assert (not_modified.status, not_modified.body) == (304, b"")
    assert not_modified.headers == {"etag": got.headers["etag"], "cache-control": got.headers["cache-control"]}
    # Weakly compared (RFC 9110 13.1.2): the strong form and a list naming it match too.
    strong = got.headers["etag"].removeprefix("W/")
    for inm in (strong, f'"other", {strong}', f'"other",{strong}', "*"):
        assert get(host, "/stats/flux-cli", **{"if-none-match": inm}).status == 304
    assert get(host, "/stats/flux-cli", **{"if-none-match": '"other"'}).status == 200


class Answering:
    """The upstream, but `url` answered by `answer(the real response)`."""

    def __init__(self, http, url: str, answer):
        self.http, self.url, self.answer = http, url, answer

    async def get(self, url: str, **kw) -> Fetched:
        r = await self.http.get(url, **kw)
        return self.answer(r) if url == self.url else r


def next_link_to(elsewhere: str):
    """A listing page's answer with its "next" link leading to another host."""

    def answer(r: Fetched) -> Fetched:
        body = r.body.replace(b'href="/orgs/fluxcd/packages?page=2"', f'href="{elsewhere}/orgs/fluxcd/packages?page=2"'.encode())
        assert body != r.body
        return Fetched(r.status, r.headers, body)

    return answer


def test_a_listings_next_link_off_the_upstream_is_refused_not_followed(host, upstream):
    host.http = Answering(host.http, f"{upstream.url}/orgs/fluxcd/packages", next_link_to(upstream.elsewhere.url))
    r = get(host, "/stats")
    assert r.status == 502 and body(r)["error"]["code"] == "unparseable"
    assert upstream.elsewhere.url in body(r)["error"]["message"]
    assert upstream.elsewhere.requests == []


def test_a_429_without_retry_after_backs_off_for_60_seconds(host, upstream):
    upstream.fail("*", "429")
    r = get(host, "/stats/flux-cli")
    assert r.status == 502
    assert body(r)["error"] == {
        "code": "rate-limited",
        "message": f"{upstream.url}/orgs/fluxcd/packages/container/package/flux-cli answered 429 (rate limited)",
    }
    asked = upstream.count()
    upstream.heal()
    host.clock.advance(59)
    assert body(get(host, "/stats/flux-cli"))["error"] == {
        "code": "rate-limited",
        "message": "the upstream answered 429 (rate limited); not asking the upstream again for 1 s",
    }
    assert upstream.count() == asked  # backing off, 60 s by default
    host.clock.advance(2)
    assert get(host, "/stats/flux-cli").status == 200


@pytest.mark.parametrize("retry_after", ["99999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_a_retry_after_is_clamped_to_max_backoff(host, upstream, retry_after):
    host.settings = replace(host.settings, max_backoff=600)
    upstream.retry_after = retry_after
    upstream.fail("*", "429-retry-after-huge")
    assert get(host, "/stats/flux-cli").status == 502
    upstream.heal()
    host.clock.advance(599)
    assert body(get(host, "/stats/flux-cli"))["error"]["code"] == "rate-limited"
    host.clock.advance(2)
    assert get(host, "/stats/flux-cli").status == 200


def test_a_backoff_stored_beyond_the_ceiling_is_not_honoured(host, upstream):
    from ghcr_stats.model import Backoff
    from ghcr_stats.store import Store

    Store(host.kv, 5).set_backoff(Backoff(1e20, "rate-limited", "x"))  # as the unclamped app stored it
    assert get(host, "/stats/flux-cli").status == 200


def test_a_trickling_upstream_is_cut_off_at_the_fetch_deadline(host, upstream):
    # One byte every half second: never a gap for the between-bytes time-out (3 s) to see.
    host.settings = replace(host.settings, fetch_timeout=3, fetch_deadline=1)
    upstream.fail("flux-cli", "trickle")
    r = get(host, "/stats/flux-cli")  # real time: about a second
    assert r.status == 502
    assert body(r)["error"]["code"] == "upstream-unreachable"
    assert "took longer than 1 s" in body(r)["error"]["message"]


def test_an_upstream_that_says_nothing_is_given_up_on_after_the_fetch_timeout(host, upstream):
    # Well inside the deadline: the time-out between bytes ends it, not the deadline.
    host.settings = replace(host.settings, fetch_timeout=0.2, fetch_deadline=2)
    upstream.fail("flux-cli", "timeout")
    r = get(host, "/stats/flux-cli")  # real time: a fifth of a second
    assert r.status == 502 and body(r)["error"]["code"] == "upstream-unreachable"
    assert "Timeout" in body(r)["error"]["message"] and "took longer" not in body(r)["error"]["message"]


def test_max_age_never_passes_the_ttl_when_the_clock_steps_back_during_a_read(host, upstream):
    class SteppingBack(DictKV):
        """A store whose writing of a measurement sees the wall clock step back 10 s."""

        def set(self, key, value):
            super().set(key, value)
            if key.startswith("latest:"):
                host.clock.advance(-10)

    host.kv = SteppingBack()
    r = get(host, "/stats/helm-controller")
    assert (body(r)["stale"], r.headers["cache-control"]) == (False, f"public, max-age={host.settings.cache_ttl}")


def test_a_body_over_the_cap_is_refused_not_parsed(host, upstream):
    host.settings = replace(host.settings, page_max_bytes=100_000)
    r = get(host, "/stats/flux-cli")
    assert r.status == 502 and "larger than 100000 bytes" in body(r)["error"]["message"]


def test_stale_answers_expire_quickly_and_fresh_ones_with_the_ttl(host, upstream):
    ttl = host.settings.cache_ttl
    fresh = get(host, "/stats/helm-controller")
    assert fresh.headers["cache-control"] == f"public, max-age={ttl}"
    host.clock.advance(100)  # counts down with the stored value's age
    assert get(host, "/stats/helm-controller").headers["cache-control"] == f"public, max-age={ttl - 100}"
    host.clock.advance(ttl - 100.5)
    assert get(host, "/stats/helm-controller").headers["cache-control"] == "public, max-age=0"
    host.clock.advance(5.5)
    upstream.fail("helm-controller", "503")
    stale = get(host, "/stats/helm-controller")
    assert body(stale)["stale"] is True and body(stale)["age_seconds"] == host.settings.cache_ttl + 5
    assert stale.headers["cache-control"] == "public, max-age=60"
    assert stale.headers["etag"] != fresh.headers["etag"]


def test_versions_over_every_page_cached_and_stale_on_failure(host, upstream):
    pkg = upstream.packages[("fluxcd", "flux-cli")]
    r = get(host, "/stats/flux-cli/versions")
    assert r.status == 200
    v = body(r)
    assert [(x["tag"], x["downloads"]) for x in v["versions"]] == pkg.versions
    assert v["complete"] is True and v["stale"] is False
    # 24 versions, 10 to a page: 3 pages, each linked at the owner's URL and redirected to the repository's.
    assert upstream.count("/versions") == 3 * 2
    asked = upstream.count()
    assert body(get(host, "/stats/flux-cli/versions")) == v  # from the store
    assert upstream.count() == asked
    host.clock.advance(host.settings.cache_ttl)
    upstream.fail("flux-cli", "503")
    assert body(get(host, "/stats/flux-cli/versions"))["stale_reason"]["code"] == "refreshing"  # failed behind it
    stale_r = get(host, "/stats/flux-cli/versions")
    stale = body(stale_r)
    assert stale["stale"] is True and stale["versions"] == v["versions"]
    assert stale["stale_reason"]["code"] == "upstream-status"
    assert stale_r.headers["cache-control"] == "public, max-age=60"
    assert stale_r.headers["etag"] != r.headers["etag"]


def test_the_url_a_package_resolved_to_is_remembered(host, upstream):
    repo = upstream.packages[("fluxcd", "flux-cli")].repository
    r = body(get(host, "/stats/flux-cli"))
    assert r["url"] == f"{upstream.url}/{repo}/pkgs/container/flux-cli"
    assert upstream.requests == ["/orgs/fluxcd/packages/container/package/flux-cli", f"/{repo}/pkgs/container/flux-cli"]
    host.clock.advance(host.settings.cache_ttl)
    upstream.reset_counts()
    get(host, "/stats/flux-cli")
    assert body(get(host, "/stats/flux-cli"))["age_seconds"] == 0
    assert upstream.requests == [f"/{repo}/pkgs/container/flux-cli"]  # one request, not two


def test_a_package_that_moved_is_looked_up_again_from_its_owner(host, upstream):
    key = ("fluxcd", "flagger")
    old = upstream.packages[key]
    get(host, "/stats/flagger")
    upstream.packages[key] = replace(old, repository="fluxcd/flagger-next")
    try:
        host.clock.advance(host.settings.cache_ttl)
        upstream.reset_counts()
        get(host, "/stats/flagger")
        r = body(get(host, "/stats/flagger"))
        assert r["url"] == f"{upstream.url}/fluxcd/flagger-next/pkgs/container/flagger"
        assert upstream.requests == [
            f"/{old.repository}/pkgs/container/flagger",  # 404: not there any more
            "/orgs/fluxcd/packages/container/package/flagger",
            "/fluxcd/flagger-next/pkgs/container/flagger",
        ]
    finally:
        upstream.packages[key] = old


def test_versions_pages_follow_redirects_too(host, upstream):
    repo = upstream.packages[("fluxcd", "flux-cli")].repository
    assert get(host, "/stats/flux-cli/versions").status == 200
    assert any(p.startswith(f"/{repo}/pkgs/container/flux-cli/versions?") for p in upstream.requests)


def test_a_redirect_off_the_upstream_is_refused_before_it_is_asked(host, upstream):
    upstream.fail("flux-cli", "redirect-off-host")
    r = get(host, "/stats/flux-cli")
    assert r.status == 502 and body(r)["error"]["code"] == "redirect-refused"
    assert upstream.elsewhere.requests == []


def test_failures_reach_metrics_by_reason_and_parse_kind(host, upstream):
    assert get(host, "/stats/flux-cli").status == 200
    for mode in ("garbage", "503", "garbage"):
        host.clock.advance(host.settings.cache_ttl)
        upstream.fail("flux-cli", mode)
        assert body(get(host, "/stats/flux-cli"))["stale"] is True
    upstream.heal()
    text = get(host, "/metrics").body.decode()
    assert 'ghcr_stats_fetch_failures_total{owner="fluxcd",package="flux-cli",reason="parse-wrong-page"} 2' in text
    assert 'ghcr_stats_fetch_failures_total{owner="fluxcd",package="flux-cli",reason="upstream-status"} 1' in text


def test_a_nested_package_reaches_metrics_under_its_whole_name(host, upstream):
    assert get(host, "/stats/fluxcd/charts/flagger").status == 200
    text = get(host, "/metrics").body.decode()
    assert 'ghcr_stats_downloads_total{owner="fluxcd",package="charts/flagger"} 9876543' in text


def test_names_read_from_a_listing_pass_the_same_rules_as_clients(host, upstream):
    daily = fluxcd_catalog()[0].daily
    bad = ["Bad..Name", "../../x", "a b", "x" * 300]
    added = [Package("evilorg", n, 7, daily) for n in ["ok-one", *bad]]
    upstream.packages.update({(p.owner, p.name): p for p in added})
    host.settings = replace(host.settings, other_owners="all")
    try:
        r = body(get(host, "/stats/evilorg/"))
        assert [p["package"] for p in r["packages"]] == ["ok-one"] and r["package_count"] == 1
        assert r["complete"] is False  # the sums leave out what the listing named and was refused
        assert not any("package/ok-one" not in p for p in upstream.requests if "/package/" in p)
    finally:
        for p in added:
            del upstream.packages[(p.owner, p.name)]


def test_owner_names_are_folded_to_one_spelling(host, upstream):
    spellings = {"".join(c.upper() if i >> k & 1 else c for k, c in enumerate("fluxcd")) for i in range(64)}
    assert len(spellings) == 64
    for owner in sorted(spellings):
        r = get(host, f"/stats/{owner}/flux-cli")
        assert r.status == 200 and body(r)["owner"] == "fluxcd"
    assert upstream.count() == 2  # one read (the owner URL and where it redirects), not 64
    assert all("/fluxcd/" in p for p in upstream.requests)
    assert get(host, "/stats/Flux-CLI").status == 400  # package names are lower case on GHCR


def test_the_configured_owner_is_folded_too():
    from ghcr_stats.config import Settings as S

    assert S.load({**{k: str(v.default) for k, v in S.__dataclass_fields__.items()}, "owner": "FluxCD"}.__getitem__).owner == "fluxcd"


def test_a_404_after_a_good_read_is_remembered_and_the_stored_value_served_stale(host, upstream):
    good = body(get(host, "/stats/flux-cli"))
    host.clock.advance(host.settings.cache_ttl)
    upstream.fail("flux-cli", "404")
    assert body(get(host, "/stats/flux-cli"))["stale_reason"]["code"] == "refreshing"  # and the refresh finds a 404
    r = get(host, "/stats/flux-cli")
    assert r.status == 200
    assert body(r)["stale"] is True and body(r)["total_downloads"] == good["total_downloads"]
    gone = "no container package 'flux-cli' for owner 'fluxcd'"
    assert body(r)["stale_reason"] == {"code": "not-found", "message": f"{gone} (the upstream answered 404 0 s ago)"}
    asked = upstream.count()
    host.clock.advance(30)
    assert body(get(host, "/stats/flux-cli"))["stale_reason"]["message"] == f"{gone} (the upstream answered 404 30 s ago)"
    for path in ("/stats/flux-cli", "/badge/flux-cli.svg", "/shields/flux-cli"):
        assert get(host, path).status == 200
    # A 404 is an answer, not a failure of the upstream: it counts as no fetch failure (which
    # feeds /metrics and the alerts).
    assert Store(host.kv, 10).failures(PackageRef("fluxcd", "flux-cli")).by_reason == {}
    history = get(host, "/stats/flux-cli/history")
    assert history.status == 200 and len(body(history)["points"]) == 1  # still reachable
    assert upstream.count() == asked  # the 404 is remembered for the TTL
    host.clock.advance(host.settings.cache_ttl)
    upstream.heal()
    get(host, "/stats/flux-cli")  # forgotten: asked again, behind the answer
    assert body(get(host, "/stats/flux-cli"))["stale"] is False


@pytest.mark.parametrize("path", ["/stats/nobody-at-all/", "/stats/nothing-here/versions", "/stats/nothing-here"])
def test_listing_versions_and_package_404s_are_remembered(host, upstream, path):
    host.settings = replace(host.settings, other_owners="all")
    for _ in range(5):
        assert get(host, path).status == 404
    assert upstream.count() == 2  # as an org's, then as a user's: once, not five times


def test_one_failure_is_not_an_outage(host, upstream):
    upstream.fail("flux-cli", "503")
    assert get(host, "/stats/flux-cli").status == 502
    assert get(host, "/stats/helm-controller").status == 200  # asked: no back-off after one 503


# Any 5xx is an outage, and so is no answer at all; the back-off says which.
@pytest.mark.parametrize("mode,reason", [("500", "the upstream answered 500"), ("503", "the upstream answered 503"), ("reset", "the upstream failed: ")])
def test_during_an_outage_an_expired_package_asks_a_few_times_per_failure_backoff(host, upstream, mode, reason):
    get(host, "/stats/flux-cli")
    host.clock.advance(host.settings.cache_ttl)
    upstream.reset_counts()
    upstream.fail("*", mode)
    for _ in range(20):
        r = body(get(host, "/stats/flux-cli"))
        assert r["stale"] is True
    assert upstream.count() == 3  # three failures start the back-off; not 20
    assert r["stale_reason"]["code"] == "upstream-backoff"
    assert r["stale_reason"]["message"].startswith(reason)
    assert re.search(r"; not asking the upstream again for \d+ s$", r["stale_reason"]["message"])
    assert get(host, "/stats/helm-controller").status == 502  # nothing stored: the outage, said
    assert upstream.count() == 3
    host.clock.advance(host.settings.failure_backoff)
    upstream.heal()
    last = {"500": "upstream-status", "503": "upstream-status", "reset": "upstream-unreachable"}[mode]
    assert body(get(host, "/stats/flux-cli"))["stale_reason"]["code"] == last  # the last failure, and asked again
    assert body(get(host, "/stats/flux-cli"))["stale"] is False


def kv_bytes(host) -> int:
    # Not the budget's keys: a minute's worth at most, bounded by upstream_budget (test_production).
    return sum(len(k) + len(v) for k, v in host.kv.items() if not k.startswith("budget:"))


class MadeUpNames:
    """The upstream for names a client made up: 404, or 503 while `failing`; in memory, since
    a thousand real round trips would only slow the test."""

    def __init__(self, real):
        self.real, self.failing, self.asked = real, False, 0

    async def get(self, url: str, **kw) -> Fetched:
        if "made-up-" not in url and "not-there-" not in url:
            return await self.real.get(url, **kw)
        self.asked += 1
        return Fetched(503 if self.failing else 404, {}, b"<html></html>")


def test_client_chosen_names_do_not_grow_state_or_metrics(host, upstream):
    host.settings = replace(host.settings, upstream_budget=100_000)  # 1,300 requests in one minute
    get(host, "/stats")  # the owner's packages, as a running service has them
    series = get(host, "/metrics").body.count(b"\n")
    host.http = fake = MadeUpNames(host.http)
    fake.failing = True
    for i in range(300):
        host.clock.advance(host.settings.failure_backoff)  # every one of them asks, and fails
        assert get(host, f"/stats/made-up-{i}").status == 502
    assert fake.asked == 300
    fake.failing = False
    host.clock.advance(host.settings.failure_backoff)
    before = kv_bytes(host)
    for i in range(1000):
        assert get(host, f"/stats/not-there-{i}").status == 404
    # The 404s kept are bounded, the oldest forgotten (1,000 names used to add 75 KB).
    assert kv_bytes(host) - before < 20_000
    asked = fake.asked
    assert get(host, "/stats/not-there-999").status == 404 and fake.asked == asked  # remembered
    assert get(host, "/stats/not-there-0").status == 404 and fake.asked == asked + 1  # forgotten
    host.clock.advance(host.settings.cache_ttl)
    metrics = get(host, "/metrics").body
    assert b"made-up" not in metrics and b"not-there" not in metrics
    assert metrics.count(b"\n") == series


def test_health_and_the_owner_page_and_compact_json(host, upstream):
    for path in ("/healthz", "/livez"):
        health = get(host, path)
        assert (health.status, health.body) == (200, b'{"status":"ok"}')
        assert health.headers == {"content-type": "application/json", "cache-control": "no-store"}
    page = get(host, "/", accept="text/html")
    assert page.headers["content-type"] == "text/html; charset=utf-8" and page.body.startswith(b"<!doctype html>")
    api = get(host, "/stats/flux-cli").body
    assert api == json.dumps(json.loads(api), separators=(",", ":")).encode()  # no spaces to send


def test_an_unparseable_page_is_named_in_the_error(host, upstream):
    upstream.fail("flux-cli", "garbage")
    r = get(host, "/stats/flux-cli")
    e = body(r)["error"]
    assert r.status == 502
    assert e["code"] == "unparseable" and e["message"].startswith(f"{upstream.url}/orgs/fluxcd/packages/container/package/flux-cli: wrong-page: ")
    upstream.heal()
    upstream.fail("listing", "garbage")
    e = body(get(host, "/stats"))["error"]
    assert e["code"] == "unparseable" and e["message"].startswith(f"{upstream.url}/orgs/fluxcd/packages: wrong-page: ")


def test_failures_of_listed_packages_are_counted(host, upstream):
    get(host, "/stats")
    host.clock.advance(host.settings.cache_ttl)
    upstream.fail("flagger", "garbage")
    assert body(get(host, "/stats/flagger"))["stale"] is True
    metrics = get(host, "/metrics").body
    assert b'ghcr_stats_fetch_failures_total{owner="fluxcd",package="flagger",reason="parse-wrong-page"} 1\n' in metrics


def test_a_falling_total_is_kept_but_flagged_everywhere(host, upstream):
    key = ("fluxcd", "source-watcher")
    old = upstream.packages[key]
    try:
        assert body(get(host, "/stats/source-watcher"))["total_downloads"] == 950
        host.clock.advance(DAY)
        upstream.packages[key] = replace(old, total=10)
        get(host, "/stats/source-watcher")
        r = body(get(host, "/stats/source-watcher"))
        assert r["total_downloads"] == 10 and r["total_fell"] is True and r["stale"] is False
        h = body(get(host, "/stats/source-watcher/history"))
        assert [(p["total_downloads"], p["total_fell"]) for p in h["points"]] == [(950, False), (10, True)]
        assert [d["downloads"] for d in h["daily_deltas"]] == [0]  # counted from the highest before: never negative
        assert b'ghcr_stats_downloads_fell{owner="fluxcd",package="source-watcher"} 1' in get(host, "/metrics").body
    finally:
        upstream.packages[key] = old


def test_a_listing_that_links_repository_urls_lists_every_package(parser):
    with FakeGitHub(fluxcd_catalog(), listing={"link": "repository"}) as gh:
        host = Host(Settings(upstream=gh.url), HttpxHttp(), DictKV(), parser, Clock())
        r = body(get(host, "/stats"))
        assert r["package_count"] == len(fluxcd_catalog()) and r["errors"] == []
        assert any("/pkgs/container/" in p for p in gh.requests if "?" not in p)


def test_an_invalid_owner_of_an_owner_route_is_a_400_that_names_it(host, upstream):
    r = get(host, "/stats/-bad-owner-/")
    assert r.status == 400
    assert body(r)["error"]["code"] == "invalid-name" and "-bad-owner-" in body(r)["error"]["message"]
    assert upstream.requests == []


def test_an_owner_answers_etag_follows_its_data_and_a_stale_one_expires_quickly(host, upstream):
    first = get(host, "/stats")
    assert get(host, "/stats").headers["etag"] == first.headers["etag"]  # the same data
    host.clock.advance(host.settings.cache_ttl)
    key = ("fluxcd", "flagger")
    old = upstream.packages[key]
    upstream.packages[key] = replace(old, total=old.total + 1)
    try:
        assert get(host, "/stats").headers["etag"] != first.headers["etag"]  # stale, now refreshed behind it
        changed = get(host, "/stats")
    finally:
        upstream.packages[key] = old
    assert changed.headers["etag"] != first.headers["etag"]
    # Fresh for the TTL from its oldest read, the listing's or a package's (the leases' pauses
    # move this clock a little between reads: about a second and a half for the owner's packages).
    store = Store(host.kv, 10)
    listing = store.listing("fluxcd")
    oldest = min([listing.fetched_at] + [store.latest(PackageRef("fluxcd", n)).fetched_at for n in listing.packages])
    assert 0 < host.clock() - oldest < 2
    assert changed.headers["cache-control"] == f"public, max-age={int(host.settings.cache_ttl - (host.clock() - oldest))}"
    host.clock.advance(host.settings.cache_ttl)
    upstream.fail("flagger", "503")
    stale = get(host, "/stats")
    assert body(stale)["stale"] is True and stale.headers["etag"] != changed.headers["etag"]
    assert stale.headers["cache-control"] == "public, max-age=60"


@pytest.mark.parametrize(
    "path, says",
    [
        ("/stats/nobody-at-all/", "no owner 'nobody-at-all'"),
        ("/stats/nothing-here/versions", "no container package 'nothing-here' for owner 'fluxcd'"),
        ("/stats/nothing-here", "no container package 'nothing-here' for owner 'fluxcd'"),
    ],
)
def test_a_404_says_what_is_missing_also_when_remembered(host, path, says):
    host.settings = replace(host.settings, other_owners="all")
    for _ in range(2):  # asked, then remembered
        r = get(host, path)
        assert r.status == 404 and says in body(r)["error"]["message"]


def test_a_listed_package_that_fails_before_any_good_read_is_counted(host, upstream):
    upstream.fail("flagger", "503")
    assert [e["package"] for e in body(get(host, "/stats"))["errors"]] == ["flagger"]
    upstream.heal()
    metrics = get(host, "/metrics").body
    assert b'ghcr_stats_fetch_failures_total{owner="fluxcd",package="flagger",reason="upstream-status"} 1' in metrics


def test_a_failing_listing_makes_the_owner_answer_stale_with_the_reason(host, upstream):
    assert body(get(host, "/stats"))["stale"] is False
    host.clock.advance(host.settings.cache_ttl)
    upstream.fail("listing", "503")
    assert body(get(host, "/stats"))["stale_reason"]["code"] == "refreshing"
    r = body(get(host, "/stats"))
    assert r["stale"] is True and r["stale_reason"]["code"] == "upstream-status"


def test_a_users_listing_is_found_after_the_orgs_and_remembered(host, upstream):
    from ghcr_stats import scrape
    from ghcr_stats.stats import Stats

    stats = Stats(host)
    names, complete = asyncio.run(scrape.listing(host, stats.memory, "stefanprodan"))  # the listing alone, no package read
    assert (names, complete) == (["podinfo"], True)
    assert upstream.requests == ["/orgs/stefanprodan/packages", "/users/stefanprodan/packages"]
    assert stats.store.owner_kind("stefanprodan") == "users"


class RelativeNext:
    """The upstream, but the first listing page's "next" link is relative to that page."""

    def __init__(self, real):
        self.real = real

    async def get(self, url: str, **kw) -> Fetched:
        r = await self.real.get(url, **kw)
        if url.endswith("/orgs/fluxcd/packages"):
            body = r.body.replace(b'href="/orgs/fluxcd/packages?page=2"', b'href="?page=2"')
            assert body != r.body
            return Fetched(r.status, r.headers, body)
        return r


def test_a_relative_next_link_is_read_from_the_page_it_is_on(host, upstream):
    host.http = RelativeNext(host.http)
    r = body(get(host, "/stats"))
    assert r["package_count"] == len(fluxcd_catalog()) and r["errors"] == []


class Rewritten:
    """The real parser, with what it read changed by `change(method, page)`: rows and links
    the fake GitHub's pages do not have."""

    def __init__(self, real, change):
        self.real, self.change = real, change

    def __getattr__(self, method):
        return lambda html: self.change(method, getattr(self.real, method)(html))


def test_a_listing_keeps_container_packages_once_each(host):
    from ghcr_stats.model import ListedPackage

    def change(method, page):
        if method != "parse_listing_page":
            return page
        first = page.packages[0]
        npm = ListedPackage("left-pad", "/orgs/fluxcd/packages/npm/package/left-pad")
        # Each skipped row ahead of others, which must still be read.
        return replace(page, packages=[first, npm, *page.packages])

    host.parser = Rewritten(host.parser, change)
    r = body(get(host, "/stats"))
    assert r["package_count"] == len(fluxcd_catalog()) and r["complete"] is True
    assert "left-pad" not in [p["package"] for p in r["packages"]]


@pytest.mark.parametrize("method,path", [("parse_listing_page", "/stats"), ("parse_versions_page", "/stats/flux-cli/versions")])
def test_a_list_longer_than_max_pages_is_cut_off_and_marked_incomplete(host, upstream, method, path):

    host.settings = replace(host.settings, upstream_budget=100_000)  # fifty pages in one minute
    parsed = []

    def change(m, page):
        if m != method:
            return page
        parsed.append(page)
        return replace(page, next_page=page.next_page or "?page=2")  # a next page, forever

    host.parser = Rewritten(host.parser, change)
    r = body(get(host, path))
    assert r["complete"] is False
    assert len(parsed) == 50  # docs/operations.md: cut off at 50 pages
    # Pages, not the redirect to the versions' first: no 51st asked for, only to be dropped.
    pages = [p for p in upstream.requests if p.split("?")[0].endswith(("/orgs/fluxcd/packages", "/pkgs/container/flux-cli/versions"))]
    assert len(pages) == 50


def test_a_relative_next_link_on_a_versions_page_is_read_from_that_page(host, upstream):
    def change(method, page):
        if method == "parse_versions_page" and page.next_page:
            return replace(page, next_page="?" + page.next_page.split("?", 1)[1])
        return page

    host.parser = Rewritten(host.parser, change)
    v = body(get(host, "/stats/flux-cli/versions"))
    assert [(x["tag"], x["downloads"]) for x in v["versions"]] == upstream.packages[("fluxcd", "flux-cli")].versions
    assert v["complete"] is True


def test_a_versions_read_remembers_the_owners_kind(host, upstream):
    assert get(host, "/stats/stefanprodan/podinfo/versions").status == 200
    upstream.reset_counts()
    assert get(host, "/stats/stefanprodan/podinfo").status == 200
    assert not any(p.startswith("/orgs/") for p in upstream.requests)  # a user, known from the versions read


class Hops:
    """The upstream with the package's URL redirecting `n` times before it reaches its page."""

    def __init__(self, http, upstream: str, n: int):
        self.http, self.upstream, self.n = http, upstream, n

    async def get(self, url: str, **kw) -> Fetched:
        hop = 0 if url.endswith("/package/flux-cli") else int(url.rsplit("/", 1)[1]) if "/hop/" in url else None
        if hop is None:
            return await self.http.get(url, **kw)
        last = hop + 1 == self.n
        # After the first, each hop's Location is relative: read against the URL that redirected.
        nxt = f"/hop/{hop + 1}" if hop == 0 else str(hop + 1)
        return Fetched(302, {"location": f"{self.upstream}/fluxcd/flux2/pkgs/container/flux-cli" if last else nxt}, b"")


@pytest.mark.parametrize("n,status", [(5, 200), (6, 502)])  # "at most 5 in a row"
def test_redirects_are_followed_up_to_the_limit(host, upstream, n, status):
    host.http = Hops(host.http, upstream.url, n)
    r = get(host, "/stats/flux-cli")
    assert r.status == status
    if status == 502:
        assert body(r)["error"] == {
            "code": "too-many-redirects",
            "message": f"{upstream.url}/orgs/fluxcd/packages/container/package/flux-cli: more than 5 redirects",
        }


def test_a_redirect_without_a_location_is_the_upstreams_error(host, upstream):
    path = "/orgs/fluxcd/packages/container/package/flux-cli"
    host.http = Answering(host.http, f"{upstream.url}{path}", lambda r: Fetched(302, {}, b""))
    r = get(host, "/stats/flux-cli")
    assert r.status == 502
    assert body(r)["error"] == {"code": "upstream-status", "message": f"{upstream.url}{path} answered 302 without a Location"}


def test_a_redirect_off_the_upstream_names_both_ends(host, upstream):
    upstream.fail("flux-cli", "redirect-off-host")
    path = "/orgs/fluxcd/packages/container/package/flux-cli"
    assert body(get(host, "/stats/flux-cli"))["error"]["message"] == (
        f"{upstream.url}{path} redirects off the upstream, to {upstream.elsewhere.url}{path}"
    )


def ending(pad: int):
    """A page answer cut just after its </html>, then `pad` spaces."""

    def answer(r: Fetched) -> Fetched:
        end = r.body.lower().rindex(b"</html>") + len(b"</html>")
        return Fetched(r.status, r.headers, r.body[:end] + b" " * pad)

    return answer


# The end is looked for in the last 4,096 bytes: </html> starting exactly there is found, one
# byte further back it is not.
@pytest.mark.parametrize("pad,status", [(4096 - 7, 200), (4097 - 7, 502)])
def test_a_page_must_end_with_html_near_its_end(host, upstream, pad, status):
    repo = upstream.packages[("fluxcd", "flux-cli")].repository
    path = f"/{repo}/pkgs/container/flux-cli"
    host.http = Answering(host.http, f"{upstream.url}{path}", ending(pad))
    r = get(host, "/stats/flux-cli")
    assert r.status == status
    if status == 502:
        assert body(r)["error"] == {"code": "truncated", "message": f"{upstream.url}{path}: the page ends before </html>"}


def test_a_next_page_that_answers_404_is_the_upstreams_error_not_the_packages(host, upstream):
    repo = upstream.packages[("fluxcd", "flux-cli")].repository
    path = f"/{repo}/pkgs/container/flux-cli/versions?filters%5Bversion_type%5D=tagged&page=2"
    host.http = Answering(host.http, f"{upstream.url}{path}", lambda r: Fetched(404, {}, b"<html><body>Not Found</body></html>"))
    r = get(host, "/stats/flux-cli/versions")
    assert r.status == 502
    assert body(r)["error"] == {"code": "upstream-status", "message": f"{upstream.url}{path} answered 404"}
    host.http = host.http.http
    assert get(host, "/stats/flux-cli/versions").status == 200  # not remembered as missing


def test_other_methods_get_a_405_naming_the_allowed_ones_and_an_unreadable_target_a_400(host):
    r = serve(host, service.Request("POST", "/stats/flux-cli", {}))
    assert r.status == 405 and r.headers["allow"] == "GET, HEAD" and body(r)["error"]["code"] == "method-not-allowed"
    head = serve(host, service.Request("HEAD", "//[", {}))
    assert (head.status, head.body, head.headers) == (400, b"", {"content-type": "application/json", "cache-control": "no-store"})
    assert body(get(host, "//["))["error"]["message"].startswith("the request target cannot be read: ")
    assert get(host, "/stats/X").status == 400  # an invalid package, not the owner's listing
