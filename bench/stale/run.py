"""`make bench-stale`: what a client waits for while GitHub is slow and everything is stale.

The served app (Spin when on the PATH, else `wasmtime serve`) over a fake GitHub that takes
`--delay` seconds (5) for every page, for an owner of `--packages` (60) packages, all read once,
then all past the cache TTL again before each path is asked `--requests` times, one after
another, while the refreshes that the first stale answers left behind run; the reference is
the same requests a moment before, while every value was fresh. The listing has 30 packages a
page, as GitHub's. Figures: p50, p99 and the slowest in ms, and the load average
before and after; then how long the refreshes took behind the answers, and how many upstream
requests they made.

    python -m bench.stale.run [--packages 60] [--delay 5] [--requests 50] [--badges 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import httpx

from testkit.fakegithub.pages import Package, fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub
from testkit.served import Served, engine

TTL = 3600


def latencies(client: httpx.Client, path: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        r = client.get(path)
        times.append(time.perf_counter() - started)
        assert r.status_code == 200, (path, r.status_code, r.text[:200])
    return times


def p(times: list[float], q: float) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[q - 1] * 1000 if q < 100 else max(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", type=int, default=60)
    parser.add_argument("--delay", type=float, default=5.0)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--badges", type=int, default=200)
    args = parser.parse_args()
    daily = fluxcd_catalog()[0].daily
    names = [f"package-{i:03}" for i in range(args.packages)]
    catalog = [Package("fluxcd", n, 1000 + i, daily) for i, n in enumerate(names)]
    paths = {"badge": f"/badge/{names[0]}.svg", "/": "/", "/stats": "/stats", "/metrics": "/metrics"}
    variables = {"cache_ttl": str(TTL), "upstream_budget": "100000", "fetch_timeout": str(int(args.delay) + 5)}
    with FakeGitHub(catalog, per_page=30) as upstream, Served({"upstream": upstream.url, **variables}, clock=True) as served, httpx.Client(
        base_url=served.url, timeout=600
    ) as client:
        assert client.get("/stats").status_code == 200  # every package read once
        load_before = os.getloadavg()
        fresh = {k: latencies(client, v, args.badges if k == "badge" else args.requests) for k, v in paths.items()}
        upstream.delay(args.delay)
        upstream.reset_counts()
        started = time.perf_counter()
        stale = {}
        for k, v in paths.items():
            served.advance(TTL)  # all stale again, whatever the last path's refreshes did
            stale[k] = latencies(client, v, args.badges if k == "badge" else args.requests)
        answered = time.perf_counter() - started
        while client.get("/stats").json()["stale"]:
            time.sleep(0.5)
        refreshed = time.perf_counter() - started
        load_after = os.getloadavg()
        asked = upstream.count()
    print(f"{engine()}, {args.packages} packages all stale, the upstream {args.delay:g} s a page"
          f" (load average {load_before[0]:.2f} {load_before[1]:.2f} -> {load_after[0]:.2f} {load_after[1]:.2f}, {os.cpu_count()} cores):")
    print("| path | requests | fresh p50 ms | fresh p99 ms | stale p50 ms | stale p99 ms | stale max ms | stale p99 / fresh p99 |")
    print("|---|---|---|---|---|---|---|---|")
    for k in paths:
        f, s = fresh[k], stale[k]
        print(f"| `{paths[k]}` | {len(s)} | {p(f, 50):.1f} | {p(f, 99):.1f} | {p(s, 50):.1f} | {p(s, 99):.1f} | {max(s) * 1000:.1f} | {p(s, 99) / p(f, 99):.2f} |")
    print(f"every stale request answered within {answered:.1f} s; every package fresh again {refreshed:.1f} s after the first,"
          f" behind the answers, with {asked} upstream requests")


if __name__ == "__main__":
    main()
