"""What lasts: the store outlives the server (a restart keeps history, cache and back-off), and
concurrent instances writing the same store never leave a broken or partial value, nor lose
another's entry."""

import asyncio
import json
import tempfile
from pathlib import Path

import httpx

from ghcr_stats import keys, ready
from testkit.fakegithub.server import repository_path
from testkit.load import cold_packages, first_reads, missing_from_metrics
from tests.e2e.conftest import LAVISH
from testkit.served import Served, eventually

PACKAGE_PAGE = "/packages/container/package/"


def test_history_cache_and_back_off_survive_a_restart(upstream):
    state = Path(tempfile.mkdtemp(prefix="ghcr-stats-restart-"))
    with Served({"upstream": upstream.url, **LAVISH}, state=state, clock=True) as served:
        first = httpx.get(f"{served.url}/stats/notification-controller")
        assert first.status_code == 200
        history = httpx.get(f"{served.url}/stats/notification-controller/history").json()["points"]
    assert len(history) == 1
    upstream.reset_counts()
    with Served({"upstream": upstream.url, **LAVISH}, state=state, clock=True) as served:
        assert httpx.get(f"{served.url}/stats/notification-controller/history").json()["points"] == history
        again = httpx.get(f"{served.url}/stats/notification-controller")
        assert again.json() == {**first.json(), "age_seconds": again.json()["age_seconds"]}
    assert upstream.count(PACKAGE_PAGE + "notification-controller") == 0  # served from the store
    # A back-off recorded before a restart still holds after it.
    with Served({"upstream": upstream.url, **LAVISH, "cache_ttl": "3600"}, state=state, clock=True) as served:
        served.advance(3600)  # the stored value has expired: the upstream is asked
        upstream.fail("*", "429-retry-after")
        assert httpx.get(f"{served.url}/stats/notification-controller").json()["stale_reason"]["code"] == "refreshing"
        # The refresh behind that answer meets the 429.
        eventually(lambda: httpx.get(f"{served.url}/stats/notification-controller").json()["stale_reason"]["code"] == "rate-limited")
    upstream.heal()
    upstream.reset_counts()
    with Served({"upstream": upstream.url, **LAVISH, "cache_ttl": "3600"}, state=state, clock=True) as served:
        assert httpx.get(f"{served.url}/stats/notification-controller").json()["stale_reason"]["code"] == "rate-limited"
    assert upstream.count() == 0


def test_concurrent_writers_leave_every_value_whole(upstream, expected):
    names = [name for (owner, name) in expected if owner == "fluxcd"]

    async def burst(url: str) -> list[int]:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            rs = await asyncio.gather(*(client.get(f"/stats/{n.replace('/', '%2F')}") for n in names * 4))
        return [r.status_code for r in rs]

    with Served({"upstream": upstream.url, **LAVISH}) as served:
        upstream.delay(0.1)  # cold store: every request fetches and writes at about the same time
        assert set(asyncio.run(burst(served.url))) == {200}
        assert served.store.leftovers() == []  # no temporary file left
        for key in served.store.get_keys():  # every value whole
            if key.startswith(keys.READY):
                assert ready.Ready.decode(served.store.get(key)) is not None
            elif key != keys.READY_GENERATION:
                assert json.loads(served.store.get(key))["schema"]
        for name in names:
            points = httpx.get(f"{served.url}/stats/{name.replace('/', '%2F')}/history").json()["points"]
            # A point for each read of its page, none lost: one read, or two where a second
            # instance found the lease free just as the first took it.
            reads = upstream.requests.count(repository_path(expected[("fluxcd", name)]))
            assert len(points) == reads and reads in (1, 2), (name, len(points), reads)


def test_two_hundred_concurrent_first_reads_are_all_indexed(upstream):
    """Every package ever read is in the index that /metrics lists: concurrent first reads of
    different packages each add theirs, and none overwrites another's."""
    names = [f"concurrent-{i:03}" for i in range(200)]
    with cold_packages(upstream, names), Served({"upstream": upstream.url, **LAVISH}, clock=True) as served:
        assert first_reads(upstream, [served.url], names) == []
        missing = missing_from_metrics(served.url, names)
        assert missing == [], f"{len(missing)} of {len(names)} packages missing from /metrics"
        for name in names[::20]:
            assert len(httpx.get(f"{served.url}/stats/{name}/history").json()["points"]) == 1
