"""A few thousand requests, 50 in flight, at the served app: no status but those provoked."""

import asyncio
import json
import statistics
import time
from collections import Counter

import httpx

from tests.served import BUILD, Served

IN_FLIGHT = 50


async def hammer(base_url: str, paths: list[tuple[str, int]]) -> tuple[Counter, list[tuple[str, int, int]], list[float], float]:
    limit = asyncio.Semaphore(IN_FLIGHT)
    latencies: list[float] = []
    wrong: list[tuple[str, int, int]] = []
    statuses: Counter = Counter()
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:

        async def one(path: str, want: int) -> None:
            async with limit:
                t = time.perf_counter()
                r = await client.get(path)
                latencies.append(time.perf_counter() - t)
                statuses[r.status_code] += 1
                if r.status_code != want:
                    wrong.append((path, want, r.status_code))

        start = time.perf_counter()
        await asyncio.gather(*(one(p, want) for p, want in paths))
        return statuses, wrong, latencies, time.perf_counter() - start


def mix(n: int) -> list[tuple[str, int]]:
    """Mostly reads of cached packages; every 10th provokes a 404, every 25th a 400."""
    names = ["flux-cli", "source-controller", "helm-controller", "charts%2Fflagger", "kustomize-controller"]
    paths = []
    for i in range(n):
        if i % 25 == 0:
            paths.append(("/stats/..%2Fetc", 400))
        elif i % 10 == 0:
            paths.append((f"/stats/missing-{i % 7}", 404))
        elif i % 3 == 0:
            paths.append((f"/badge/{names[i % len(names)]}.svg", 200))
        else:
            paths.append((f"/stats/{names[i % len(names)]}", 200))
    return paths + [("/stats", 200), ("/metrics", 200), ("/", 200)]


def report(label: str, statuses: Counter, latencies: list[float], elapsed: float) -> dict:
    q = statistics.quantiles(latencies, n=100)
    figures = {
        "requests": len(latencies), "in_flight": IN_FLIGHT, "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(q[49] * 1000, 1), "p99_ms": round(q[98] * 1000, 1), "statuses": dict(statuses),
    }
    BUILD.mkdir(exist_ok=True)
    (BUILD / f"load-{label}.json").write_text(json.dumps(figures, indent=2))
    print(f"\nload ({label}): {figures}")
    return figures


def test_load(upstream):
    """A fresh instance per request, as under Spin: all that lasts is in the store."""
    with Served({"upstream": upstream.url}) as served:
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
