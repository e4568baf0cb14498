"""Load for the served app: many requests with a bounded number in flight, each checked for the
status it must get; and packages the fake GitHub gains for one test."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections import Counter
from contextlib import contextmanager

import httpx

from testkit.fakegithub.pages import Package, fluxcd_catalog
from testkit.served import BUILD

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


def cold_package(upstream, name: str) -> Package:
    """A package not linked to a repository (its page is one request, no redirect), added to
    the upstream for one test."""
    p = Package("fluxcd", name, 4242, fluxcd_catalog()[0].daily)
    upstream.packages[(p.owner, p.name)] = p
    return p


@contextmanager
def cold_packages(upstream, names: list[str]):
    """`cold_package` for each of `names`, taken off the upstream again at the end."""
    try:
        yield [cold_package(upstream, name) for name in names]
    finally:
        for name in names:
            upstream.packages.pop(("fluxcd", name), None)


def first_reads(upstream, urls: list[str], names: list[str]) -> list[tuple[str, int, int]]:
    """A first read of each of `names` (packages of the upstream, each a little slow, so that
    the reads overlap), spread over the servers at `urls`, IN_FLIGHT at once: the reads that
    did not answer 200, as (url, 200, status)."""
    upstream.delay(0.05)
    try:
        paths = [(f"{urls[i % len(urls)]}/stats/{name}", 200) for i, name in enumerate(names)]
        return asyncio.run(hammer(urls[0], paths))[1]
    finally:
        upstream.delay(0)


def missing_from_metrics(url: str, names: list[str], owner: str = "fluxcd") -> list[str]:
    """Which of `names` have no downloads series in the /metrics of the server at `url`."""
    text = httpx.get(f"{url}/metrics", timeout=60).text
    return [n for n in names if f'ghcr_stats_downloads_total{{owner="{owner}",package="{n}"}}' not in text]
