"""A few thousand requests, 50 in flight, at the served app: no status but those provoked; and
what concurrency must not do: fifty clients for a cold package are one upstream read (two at
most), and a trickling fetch holds up no other request."""

import asyncio
import concurrent.futures
import time

import httpx

from testkit.load import cold_package, hammer, mix, report
from testkit.served import Served

def test_load(upstream):
    """A fresh instance per request, as under Spin: all that lasts is in the store."""
    with Served({"upstream": upstream.url}, clock=True) as served:
        # Warm the cache: every package, and every missing name once.
        assert httpx.get(f"{served.url}/stats", timeout=60).status_code == 200
        for i in range(7):
            assert httpx.get(f"{served.url}/stats/missing-{i}").status_code == 404
        upstream.reset_counts()
        statuses, wrong, latencies, elapsed = asyncio.run(hammer(served.url, mix(3000)))
    assert wrong == []
    assert statuses[200] > 2000 and set(statuses) == {200, 400, 404}
    report("fresh-instance", statuses, latencies, elapsed)
    # The cache held, for 404s too: nothing reached the upstream.
    assert upstream.count() == 0


def test_fifty_clients_for_a_cold_package_behind_a_slow_upstream_make_at_most_two_reads(upstream):
    p = cold_package(upstream, "cold-and-slow")
    with Served({"upstream": upstream.url}, clock=True) as served:
        upstream.delay(2.0)
        statuses, wrong, latencies, elapsed = asyncio.run(hammer(served.url, [(f"/stats/{p.name}", 200)] * 50))
    report("cold-package", statuses, latencies, elapsed)
    # One read, or two where a second instance found the lease free just as the first took it;
    # the others waited for the stored result (or were told a read is in progress).
    assert upstream.count(f"/package/{p.name}") <= 2
    assert set(statuses) <= {200, 503} and statuses[200] >= 1


def test_healthz_answers_within_a_second_while_a_fetch_trickles(upstream):
    p = cold_package(upstream, "trickling")
    with Served({"upstream": upstream.url, "fetch_timeout": "5", "fetch_deadline": "20"}, clock=True) as served:
        upstream.fail(p.name, "trickle")
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            slow = pool.submit(httpx.get, f"{served.url}/stats/{p.name}", timeout=60)
            time.sleep(1.0)  # the fetch is under way, a byte every half second
            assert not slow.done()
            started = time.perf_counter()
            r = httpx.get(f"{served.url}/healthz", timeout=30)
            waited = time.perf_counter() - started
            assert r.status_code == 200
            assert slow.result().status_code == 502
    # spin up and wasmtime serve run requests concurrently, each in an instance of its own.
    assert waited < 1.0, f"/healthz took {waited:.1f} s behind a trickling fetch"
