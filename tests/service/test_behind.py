"""Nobody waits on GitHub: what is stored is answered at once, a stale value is refreshed once
the response is complete (`service.after`), and `POST /refresh` measures every package once a
`refresh_interval`, whoever asks. On the test clock, with the real parser."""

import asyncio
import json
import re
from dataclasses import replace

import pytest

from ghcr_stats import service
from ghcr_stats.config import Settings
from ghcr_stats.host import Host
from ghcr_stats.store import Store
from ghcr_stats.model import PackageRef
from testkit.cpython import Clock, DictKV, HttpxHttp, serve, sleeper
from testkit.fakegithub.pages import Package, fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub
from testkit.parser import WasmtimeParser

HOUR = 3600.0
DAY = 86400.0
DAILY = fluxcd_catalog()[0].daily


@pytest.fixture(scope="module")
def parser():
    return WasmtimeParser()


@pytest.fixture(scope="module")
def upstream():
    other = Package("stefanprodan", "podinfo", 31_415_926, DAILY, owner_kind="users")
    with FakeGitHub(fluxcd_catalog() + [other]) as gh:
        yield gh


@pytest.fixture
def host(upstream, parser):
    upstream.heal()
    upstream.reset_counts()
    clock = Clock()
    return Host(Settings(upstream=upstream.url), HttpxHttp(), DictKV(), parser, clock, sleeper(clock))


def handle(host: Host, path: str, method: str = "GET") -> service.Response:
    """The response alone: what the client has before anything behind it runs."""
    return asyncio.run(service.handle(host, service.Request(method, path)))


def get(host: Host, path: str) -> service.Response:
    return serve(host, service.Request("GET", path))


def body(r: service.Response) -> dict:
    return json.loads(r.body)


def listed(upstream: FakeGitHub) -> list[str]:
    return sorted(p.name for p in upstream.packages.values() if p.owner == "fluxcd")


def instance(host: Host) -> Host:
    """Another instance of the app: the same store and clock, work behind of its own."""
    return replace(host, behind={})


def test_a_stale_value_is_answered_before_the_upstream_is_asked(host, upstream):
    fresh = body(get(host, "/stats/flux-cli"))
    host.clock.advance(host.settings.cache_ttl)
    asked = upstream.count()
    r = handle(host, "/stats/flux-cli")
    assert upstream.count() == asked  # the answer is out; nothing asked yet
    stale = body(r)
    assert stale["stale"] is True and stale["age_seconds"] == host.settings.cache_ttl
    assert stale["total_downloads"] == fresh["total_downloads"]
    assert stale["stale_reason"] == {"code": "refreshing", "message": "read 3600 s ago, past the cache TTL of 3600 s; a refresh is under way"}
    assert r.headers["cache-control"] == "public, max-age=60"
    assert list(host.behind) == ["package:fluxcd/flux-cli"]
    asyncio.run(service.after(host))
    assert upstream.count() == asked + 1 and host.behind == {}
    assert body(handle(host, "/stats/flux-cli"))["age_seconds"] == 0


def test_many_clients_that_see_it_stale_make_one_refresh(host, upstream):
    get(host, "/stats/flux-cli")
    host.clock.advance(host.settings.cache_ttl)
    asked = upstream.count()
    instances = [instance(host) for _ in range(30)]
    answers = [handle(h, "/badge/flux-cli.svg" if i % 2 else "/stats/flux-cli") for i, h in enumerate(instances)]
    assert all(r.status == 200 for r in answers) and upstream.count() == asked
    assert sum(bool(h.behind) for h in instances) == 1  # the first claimed the lease as it answered

    async def all_behind():
        await asyncio.gather(*(service.after(h) for h in instances))

    asyncio.run(all_behind())
    assert upstream.count() == asked + 1  # the lease: one refresh, not thirty
    assert len(Store(host.kv, 10).history(PackageRef("fluxcd", "flux-cli"))) == 2


def test_a_package_never_read_is_the_one_request_that_waits(host, upstream):
    r = handle(host, "/stats/flux-cli")
    assert r.status == 200 and body(r)["stale"] is False and upstream.count() == 2
    assert host.behind == {}


@pytest.mark.parametrize("path", ["/stats", "/", "/metrics"])
def test_owner_wide_answers_come_from_the_store_and_refresh_behind(host, upstream, path):
    get(host, "/stats")
    host.clock.advance(host.settings.cache_ttl)
    mark = len(upstream.requests)
    r = handle(host, path)
    assert r.status == 200 and len(upstream.requests) == mark
    assert sorted(host.behind) == sorted(["listing:fluxcd"] + [f"package:fluxcd/{n}" for n in listed(upstream)])
    gathering = Gathering(host.http)
    host.http = gathering
    asyncio.run(service.after(host))
    assert measured_once_each(upstream.requests[mark:], upstream)  # the listing, and each package once
    assert gathering.most == host.settings.max_concurrency  # bounded, and used
    assert body(handle(host, "/stats"))["stale"] is False


def measured_once_each(requests: list[str], upstream: FakeGitHub) -> bool:
    """Whether `requests` read the owner's listing and each of its packages' pages, once each."""
    pages = [r for r in requests if "/pkgs/container/" in r]
    listing = [r for r in requests if r.startswith("/orgs/fluxcd/packages") and "/package/" not in r]
    return len(set(requests)) == len(requests) and len(pages) == len(listed(upstream)) and listing[:1] == ["/orgs/fluxcd/packages"] and len(pages) + len(listing) == len(requests)


class Gathering:
    """The host's HTTP, counting how many requests are in flight at once. Each is held for many
    turns of the event loop first, so that every request that may start has started before one
    ends: the most in flight is the bound, whatever the machine's speed, and no wall clock."""

    def __init__(self, real):
        self.real, self.now, self.most = real, 0, 0

    async def get(self, url: str, **kw):
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            for _ in range(200):
                await asyncio.sleep(0)
            return await self.real.get(url, **kw)
        finally:
            self.now -= 1


def test_a_refresh_that_fails_behind_changes_nothing_stored_is_counted_and_said(host, upstream):
    get(host, "/stats/flux-cli")
    store = Store(host.kv, 10)
    kept = (store.latest(PackageRef("fluxcd", "flux-cli")), store.history(PackageRef("fluxcd", "flux-cli")))
    host.clock.advance(host.settings.cache_ttl)
    upstream.fail("flux-cli", "garbage")
    assert body(get(host, "/stats/flux-cli"))["stale_reason"]["code"] == "refreshing"
    assert (store.latest(PackageRef("fluxcd", "flux-cli")), store.history(PackageRef("fluxcd", "flux-cli"))) == kept
    said = body(get(host, "/stats/flux-cli"))  # and asked again behind this one, failing again
    assert said["stale"] is True and said["stale_reason"]["code"] == "unparseable"
    assert "wrong-page" in said["stale_reason"]["message"]
    metrics = handle(host, "/metrics").body.decode()
    assert re.search(r'ghcr_stats_fetch_failures_total\{owner="fluxcd",package="flux-cli",reason="parse-wrong-page"\} 2\n', metrics)
    upstream.heal()
    get(host, "/stats/flux-cli")
    assert body(get(host, "/stats/flux-cli"))["stale"] is False


def test_while_the_upstream_is_left_alone_nothing_is_left_behind(host, upstream):
    get(host, "/stats/flux-cli")
    host.clock.advance(host.settings.cache_ttl)
    upstream.fail("*", "429")
    get(host, "/stats/flux-cli")  # the refresh meets the 429
    asked = upstream.count()
    r = body(handle(host, "/stats/flux-cli"))
    assert r["stale_reason"]["code"] == "rate-limited" and host.behind == {}
    assert upstream.count() == asked


def test_a_store_that_takes_no_writes_is_said_and_nothing_is_fetched(host, upstream):
    get(host, "/stats/flux-cli")
    host.clock.advance(host.settings.cache_ttl)
    host.kv = ReadOnly(host.kv)
    asked = upstream.count()
    r = body(get(host, "/stats/flux-cli"))
    assert r["stale"] is True and r["stale_reason"]["code"] == "store-unwritable"
    assert upstream.count() == asked


class ReadOnly(DictKV):
    def __init__(self, kv):
        super().__init__(kv)

    def set(self, key, value):
        from ghcr_stats.host import StoreError

        raise StoreError("the store is full")


# --- the schedule ---------------------------------------------------------------------------


def refresh(host: Host) -> dict:
    r = serve(host, service.Request("POST", "/refresh"))
    assert r.status == 202
    return body(r)


def test_three_days_of_an_hourly_schedule_measure_every_package_every_hour(parser):
    catalog = fluxcd_catalog()[:3] + [Package("stefanprodan", "podinfo", 31_415_926, DAILY, owner_kind="users")]
    with FakeGitHub(catalog) as upstream:
        clock = Clock(1_780_000_000.0)
        host = Host(Settings(upstream=upstream.url), HttpxHttp(), DictKV(), parser, clock, sleeper(clock))
        names = listed(upstream)
        get(host, "/stats/stefanprodan/podinfo")  # another owner's package, read once
        start = clock()
        # Every twenty minutes for three days, as a CronJob would ask; no client in between.
        for tick in range(3 * 24 * 3):
            clock.now = start + tick * 1200
            for n in names:
                p = upstream.packages[("fluxcd", n)]
                upstream.packages[("fluxcd", n)] = replace(p, total=p.total + 7)
            refresh(host)
    # From 20:26 UTC on the first day to 20:06 on the fourth: 73 clock hours, a point in each. A
    # day's downloads are 3 asks an hour of 7 each: 504; the last day's, to 20:06, 21 hours' worth.
    for n in names:
        h = body(handle(host, f"/stats/fluxcd/{n}/history"))
        assert len(h["points"]) == 73, n
        deltas = [(d["date"], d["downloads"]) for d in h["daily_deltas"]]
        assert deltas == [("2026-05-29", 504), ("2026-05-30", 504), ("2026-05-31", 441)], n  # every day, no gap
    podinfo = body(handle(host, "/stats/stefanprodan/podinfo/history"))["points"]
    assert len(podinfo) == 73


def test_asked_again_within_a_period_the_schedule_asks_nothing_more(host, upstream):
    host.clock.now = 100 * HOUR + 1  # just after a period begins
    first = refresh(host)
    assert first["due"] == [] and first["refresh_interval"] == 3600  # nothing known yet: the listing first
    store = Store(host.kv, 10)
    assert [n for n in listed(upstream) if store.latest(PackageRef("fluxcd", n)) is None] == []  # then each package it lists
    asked = upstream.count()
    for _ in range(20):
        host.clock.advance(150)
        assert refresh(host)["due"] == []
    assert upstream.count() == asked
    host.clock.now = 101 * HOUR
    mark = len(upstream.requests)
    assert refresh(host)["due"] == [f"fluxcd/{n}" for n in store.listing("fluxcd").packages]
    assert measured_once_each(upstream.requests[mark:], upstream)


def test_the_schedule_retries_what_failed_within_the_period(host, upstream):
    host.clock.now = 100 * HOUR
    refresh(host)
    host.clock.now = 101 * HOUR
    upstream.fail("flagger", "503")
    assert "fluxcd/flagger" in refresh(host)["due"]
    host.clock.advance(600)
    upstream.heal()
    assert refresh(host)["due"] == ["fluxcd/flagger"]  # only what is still due
    assert refresh(host)["due"] == []


def test_other_owners_packages_are_scheduled_only_once_read(host, upstream):
    host.settings = replace(host.settings, other_owners="all")
    assert handle(host, "/stats/nobody-at-all/nothing").status == 404  # tried, never read
    get(host, "/stats/stefanprodan/podinfo")
    host.clock.advance(HOUR)
    due = refresh(host)["due"]
    assert due == ["stefanprodan/podinfo"]  # not nobody-at-all's; fluxcd's are not listed yet (its listing is read behind)


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT"])
def test_refresh_is_a_post(host, upstream, method):
    r = serve(host, service.Request(method, "/refresh"))
    assert r.status == 405 and r.headers["allow"] == "POST"
    assert upstream.count() == 0
