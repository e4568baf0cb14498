"""One fetch per package at a time: concurrent requests for a cold package share one upstream
read (ghcr_stats.lease), in CPython with the store shared as instances share Spin's."""

import asyncio
import json

import pytest

from ghcr_stats import lease, service
from testkit.parser import WasmtimeParser
from ghcr_stats.config import Settings
from ghcr_stats.host import Host
from ghcr_stats.model import Lease
from ghcr_stats.store import Store
from testkit.fakegithub.pages import fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub
from testkit.cpython import Clock, DictKV, HttpxHttp, serve, sleeper


@pytest.fixture(scope="module")
def upstream():
    with FakeGitHub(fluxcd_catalog()) as gh:
        gh.parser = WasmtimeParser()
        yield gh


@pytest.fixture
def host(upstream):
    upstream.heal()
    upstream.delay(0)
    upstream.reset_counts()
    clock = Clock()
    return Host(Settings(upstream=upstream.url), HttpxHttp(), DictKV(), upstream.parser, clock, sleeper(clock))


async def many(host: Host, path: str, n: int) -> list[service.Response]:
    return await asyncio.gather(*(service.handle(host, service.Request("GET", path)) for _ in range(n)))


def test_fifty_concurrent_requests_for_a_cold_package_make_one_upstream_read(host, upstream):
    host.sleep = asyncio.sleep  # the waiters really wait for the real fetch, on a clock that stands still
    upstream.delay(0.3)
    answers = asyncio.run(many(host, "/stats/flux-cli", 50))
    assert [r.status for r in answers] == [200] * 50
    assert upstream.count() == 2  # the owner URL and the repository URL it redirects to: one read
    assert not any(k.startswith("lease:") for k in host.kv)  # given back


def test_a_lease_overwritten_before_it_is_read_back_belongs_to_the_last_writer(host):
    store = Store(host.kv, 10)

    async def race():
        mine = asyncio.create_task(lease.take(host, store, "package:fluxcd/x", 60))
        await asyncio.sleep(0)  # it has written its token and is pausing
        store.set_lease("package:fluxcd/x", Lease("theirs", host.clock() + 60))
        return await mine

    assert asyncio.run(race()) is None
    mine = asyncio.run(lease.take(host, store, "package:fluxcd/y", 60))
    assert store.lease("package:fluxcd/y") == Lease(mine, host.clock() - 2 * 0.05 + 60)  # free: taken, and this one's


def test_a_request_waits_out_a_lease_its_holder_never_gave_back_then_fetches_itself(host, upstream):
    # An instance that died mid-fetch: its lease runs out after one fetch's length, no later.
    store = Store(host.kv, 10)
    store.set_lease("package:fluxcd/flux-cli", Lease("died", host.clock() + lease.length(host.settings)))
    started = host.clock()
    r = serve(host, service.Request("GET", "/stats/flux-cli"))
    assert r.status == 200
    assert host.clock() - started == pytest.approx(host.settings.fetch_deadline + 2, abs=2 * 0.2)  # the lease: the fetch deadline and 2 s
    assert upstream.count() == 2


def test_a_lease_that_claims_to_outlast_any_fetch_is_not_honoured(host, upstream):
    # Written before the clock went back (or by hand): nobody waits for it.
    Store(host.kv, 10).set_lease("package:fluxcd/flux-cli", Lease("stuck", host.clock() + 3600))
    started = host.clock()
    assert serve(host, service.Request("GET", "/stats/flux-cli")).status == 200
    assert host.clock() - started == pytest.approx(2 * 0.05)  # read back twice, 50 ms apart


def test_when_the_waited_for_fetch_left_nothing_and_another_took_over_the_answer_is_in_progress(host, upstream):
    key = "package:fluxcd/flux-cli"
    store = Store(host.kv, 10)

    async def while_waiting(seconds):  # the first fetch failed; a third instance took the lease
        host.sleep = sleeper(host.clock)
        store.set_lease(key, Lease("third", host.clock() + lease.length(host.settings)))

    store.set_lease(key, Lease("first", host.clock() + lease.length(host.settings)))
    host.sleep = while_waiting
    r = serve(host, service.Request("GET", "/stats/flux-cli"))
    assert r.status == 503 and json.loads(r.body)["error"] == {
        "code": "fetch-in-progress",
        "message": "another request is reading this from the upstream; ask again in a few seconds",
    }
    assert upstream.count() == 0


def test_with_a_value_stored_a_request_does_not_wait_and_serves_it_stale(host, upstream):
    assert serve(host, service.Request("GET", "/stats/flux-cli")).status == 200
    host.clock.advance(host.settings.cache_ttl)
    Store(host.kv, 10).set_lease("package:fluxcd/flux-cli", Lease("busy", host.clock() + lease.length(host.settings)))
    started = host.clock()
    r = json.loads(serve(host, service.Request("GET", "/stats/flux-cli")).body)
    assert r["stale"] is True and r["stale_reason"]["code"] == "refreshing"
    assert host.clock() == started  # not one pause: no settling, no poll


def test_a_lease_that_ends_now_is_not_waited_for():
    from testkit.cpython import Clock, DictKV, sleeper

    clock = Clock()
    slept = []

    async def sleep(seconds):
        slept.append(seconds)

    host = Host(Settings(), None, DictKV(), None, clock, sleep)
    store = Store(host.kv, 5)
    store.set_lease("k", Lease("other", clock.now))  # runs out at this very second
    asyncio.run(lease.wait(host, store, "k", 30))
    assert slept == []
    store.set_lease("k", Lease("other", clock.now + 1))
    asyncio.run(lease.wait(host, store, "k", 30))
    assert slept == [0.2] * int(30 / 0.2)  # the clock stands still: every poll


class Recording(DictKV):
    """The store, noting each write and delete in order."""

    def __init__(self):
        super().__init__()
        self.log: list[str] = []

    def set(self, key: str, value: bytes) -> None:
        self.log.append(f"set {key}")
        super().set(key, value)

    def delete(self, key: str) -> None:
        self.log.append(f"delete {key}")
        super().delete(key)


def test_the_value_is_kept_before_the_lease_is_given_back(host):
    # A waiter polls for the lease to go, then reads the value: were the lease dropped first,
    # it would find none, and answer 503.
    host.kv = Recording()
    assert serve(host, service.Request("GET", "/stats/flux-cli")).status == 200
    log = host.kv.log
    assert log.index("set latest:fluxcd/flux-cli") < log.index("delete lease:package:fluxcd/flux-cli")



def test_a_lease_that_ends_now_can_be_taken_and_giving_back_one_gone_or_not_ours_is_harmless(host):
    store = Store(host.kv, 10)
    t0 = host.clock()
    store.set_lease("k", Lease("other", t0))  # runs out at this very second
    mine = asyncio.run(lease.take(host, store, "k", 60))
    assert mine is not None and store.lease("k") == Lease(mine, t0 + 60)
    lease.give_back(store, "k", "not-mine")
    assert store.lease("k").token == mine
    lease.give_back(store, "k", mine)
    assert store.lease("k") is None
    lease.give_back(store, "k", mine)  # already given back (or run out and dropped): nothing to do


class Peeking(HttpxHttp):
    """Outbound HTTP that notes, at each request, how long the lease on the package has left."""

    def __init__(self, host):
        super().__init__()
        self.host, self.left = host, []

    async def get(self, url, **kw):
        held = Store(self.host.kv, 10).lease("package:fluxcd/flux-cli")
        self.left.append(held.until - self.host.clock())
        return await super().get(url, **kw)


def test_a_fetch_holds_the_lease_for_its_deadline_and_a_margin(host):
    # Long enough for the fetch, short enough that a crashed instance blocks nobody for long.
    host.http = Peeking(host)
    assert serve(host, service.Request("GET", "/stats/flux-cli")).status == 200
    assert host.http.left[0] == pytest.approx(host.settings.fetch_deadline + 2 - 2 * 0.05)  # taken, then settled


def test_a_waiter_answers_with_what_the_fetch_it_waited_for_found(host, upstream):
    key = "package:fluxcd/flux-cli"
    store = Store(host.kv, 10)
    other = Host(host.settings, HttpxHttp(), host.kv, host.parser, host.clock, sleeper(host.clock))

    async def while_waiting(seconds):  # the other instance's fetch ends meanwhile
        host.sleep = sleeper(host.clock)
        store.drop_lease(key)
        assert (await service.handle(other, service.Request("GET", "/stats/flux-cli"))).status == 200

    store.set_lease(key, Lease("other", host.clock() + 60))
    host.sleep = while_waiting
    r = serve(host, service.Request("GET", "/stats/flux-cli"))
    assert r.status == 200 and json.loads(r.body)["stale"] is False
    assert upstream.count() == 2  # the other's read only

    async def while_waiting_404(seconds):  # the other instance's fetch found nothing
        host.sleep = sleeper(host.clock)
        store.set_missing("package:fluxcd/gone", host.clock(), forget_before=0)
        store.drop_lease("package:fluxcd/gone")

    store.set_lease("package:fluxcd/gone", Lease("other", host.clock() + 60))
    host.sleep = while_waiting_404
    r = serve(host, service.Request("GET", "/stats/gone"))
    assert r.status == 404 and json.loads(r.body)["error"]["message"] == "no container package 'gone' for owner 'fluxcd'"


def test_a_lease_overwritten_after_the_first_read_back_belongs_to_the_later_writer(host):
    # The later writer found it free before this one wrote, and wrote after this one's first look.
    store = Store(host.kv, 10)
    looks = []

    async def sleep(seconds):
        looks.append(seconds)
        if len(looks) == 2:
            store.set_lease("k", Lease("later", host.clock() + 60))

    host.sleep = sleep
    assert asyncio.run(lease.take(host, store, "k", 60)) is None
    assert store.lease("k").token == "later"
