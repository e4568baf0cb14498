"""`make bench-versions`: what `/stats/<package>/versions` costs with a long history, against
the way it used to be answered (each tag's history read again from the store), in one run.

The service core in CPython (the routes, the store's decoding, the JSON rendering), a store
holding 1,000 readings of 500 tags, the newest `--changing` of them downloaded between every two
readings (as recent releases are) and the rest not, and no upstream: the versions are fresh, so
the answer is the store's alone. The reference renders the same body with the versions history read once per
tag, as before. Each figure is the median of `--rounds`, taken with the load average beside it.

    python -m bench.versions.run [--tags 500] [--readings 1000] [--changing 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from functools import partial

from ghcr_stats import service
from ghcr_stats.config import Settings
from ghcr_stats.host import Host
from ghcr_stats.model import PackageRef, Versions
from ghcr_stats.numbers import age
from ghcr_stats.render import api
from ghcr_stats.store import Store
from testkit.cpython import Clock, DictKV


def filled(tags: int, readings: int, changing: int, clock: Clock) -> DictKV:
    kv = DictKV()
    store = Store(kv, history_limit=readings)
    for r in range(readings):
        versions = [(f"v1.{i}.0", 1_000_000 + i + (r * 7 if i < changing else 0)) for i in range(tags)]
        store.record_versions(Versions("fluxcd", "flux-cli", versions, clock.now - (readings - r) * 60, True))
    return kv


def timed(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tags", type=int, default=500)
    parser.add_argument("--readings", type=int, default=1000)
    parser.add_argument("--changing", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    clock = Clock()
    kv = filled(args.tags, args.readings, args.changing, clock)
    host = Host(Settings(upstream="http://127.0.0.1:9", history_limit=args.readings), None, kv, None, clock)
    load_before = os.getloadavg()[0]

    def now() -> None:
        r = asyncio.run(service.handle(host, service.Request("GET", "/stats/flux-cli/versions")))
        assert r.status == 200 and len(json.loads(r.body)["versions"]) == args.tags

    def reference() -> None:
        store = Store(kv, args.readings)
        v = store.versions(PackageRef("fluxcd", "flux-cli"))
        per_tag = {tag: Store(kv, args.readings).tag_histories(PackageRef("fluxcd", "flux-cli")).get(tag, []) for tag, _ in v.versions}
        json.dumps(api.versions(v, None, partial(age, now=clock()), per_tag), separators=(",", ":"))

    app = timed(now, args.rounds)
    ref = timed(reference, max(1, args.rounds // 5))
    load_after = os.getloadavg()[0]
    print(f"/versions, {args.tags} tags x {args.readings} readings, {args.changing} tags changing"
          f" (load average {load_before:.2f} -> {load_after:.2f}):")
    print(f"  now (history read once):       {app * 1000:9.1f} ms   1.00x")
    print(f"  reference (read once per tag): {ref * 1000:9.1f} ms   {ref / app:.1f}x")


if __name__ == "__main__":
    main()
