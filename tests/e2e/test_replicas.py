"""Two Spin replicas sharing one Redis, as the chart deploys them: requests spread over both,
and what one replica learns (a value, a back-off, a 404, a package in the index) the other
knows. Needs the Spin CLI: the key-value store in Redis is Spin's, not the shim's."""

import asyncio

import httpx
import pytest

from testkit import services
from testkit.load import cold_packages, first_reads, hammer, missing_from_metrics, mix, report
from tests.e2e.conftest import LAVISH
from testkit.served import Served, engine

pytestmark = pytest.mark.skipif(engine() != "spin", reason="two Spin replicas sharing Redis: needs Spin (spin on the PATH, GHCR_STATS_ENGINE not wasmtime)")

TTL = 3600


@pytest.fixture(scope="module")
def replicas(upstream):
    with services.redis() as redis:
        url = services.redis_url(redis)
        variables = {"upstream": upstream.url, "cache_ttl": str(TTL), "fetch_timeout": "10", **LAVISH}
        with Served(variables, clock=True, redis=url) as a, Served(variables, clock=True, redis=url) as b:
            yield a, b


@pytest.fixture(autouse=True)
def empty_store(replicas):
    replicas[0].clear_store()  # the clock stays: both replicas read it from Redis


def test_load_spread_over_both_replicas(replicas, upstream):
    a, b = replicas
    assert httpx.get(f"{a.url}/stats", timeout=60).status_code == 200
    for i in range(7):
        assert httpx.get(f"{b.url}/stats/missing-{i}").status_code == 404
    upstream.reset_counts()
    paths = [(f"{(a, b)[i % 2].url}{path}", want) for i, (path, want) in enumerate(mix(2000))]
    statuses, wrong, latencies, elapsed = asyncio.run(hammer(a.url, paths))
    report("two-replicas", statuses, latencies, elapsed)
    assert wrong == []
    assert upstream.count() == 0  # what one replica stored, the other served


def test_fifty_cold_clients_over_both_replicas_make_at_most_two_reads(replicas, upstream):
    a, b = replicas
    with cold_packages(upstream, ["cold-for-two"]) as (p,):
        upstream.delay(2.0)
        paths = [(f"{(a, b)[i % 2].url}/stats/{p.name}", 200) for i in range(50)]
        statuses, _, _, _ = asyncio.run(hammer(a.url, paths))
        assert upstream.count(f"/package/{p.name}") <= 2
        assert set(statuses) <= {200, 503} and statuses[200] >= 1


def test_a_back_off_one_replica_meets_holds_on_the_other(replicas, upstream):
    a, b = replicas
    assert httpx.get(f"{a.url}/stats/flux-cli").status_code == 200
    a.advance(TTL)  # stale on both: they share the clock
    upstream.fail("*", "429-retry-after")
    assert httpx.get(f"{a.url}/stats/flux-cli").json()["stale_reason"]["code"] == "refreshing"
    a.settled("package:fluxcd/flux-cli")  # the refresh behind that answer met the 429
    upstream.heal()
    upstream.reset_counts()
    r = httpx.get(f"{b.url}/stats/flux-cli").json()
    assert r["stale"] is True and r["stale_reason"]["code"] == "rate-limited"
    assert upstream.count() == 0


def test_a_404_one_replica_met_is_remembered_by_the_other(replicas, upstream):
    a, b = replicas
    assert httpx.get(f"{a.url}/stats/no-such-package").status_code == 404
    upstream.reset_counts()
    assert httpx.get(f"{b.url}/stats/no-such-package").status_code == 404
    assert upstream.count() == 0


def test_two_hundred_first_reads_over_both_replicas_lose_no_entry(replicas, upstream):
    a, b = replicas
    names = [f"replicated-{i:03}" for i in range(200)]
    with cold_packages(upstream, names):
        assert first_reads(upstream, [a.url, b.url], names) == []
        for served in (a, b):
            missing = missing_from_metrics(served.url, names)
            assert missing == [], f"{len(missing)} of {len(names)} packages missing from /metrics"
        for name in names[::10]:
            assert len(httpx.get(f"{b.url}/stats/{name}/history").json()["points"]) == 1
