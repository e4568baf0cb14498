"""A store with days of history, written by the app's core in CPython (real parser, the
local upstream, a clock moved a day at a time) into the store the served app reads
(`store_of(state)`, then `Served(state=…)`): what a few days of `make run` would leave, in a
few seconds."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from urllib.parse import quote

from ghcr_stats import service
from ghcr_stats.config import Settings
from ghcr_stats.host import Host, KeyValue
from testkit.cpython import Clock, HttpxHttp, serve

DAY = 86400.0
# The daily totals the page tests and `make screenshots` seed: a few days of two packages.
HISTORY = {"flagger": [98_000_000, 98_400_000, 98_700_000, 98_765_432], "flux-cli": [412_000_000, 412_733_118]}


def seed(store: KeyValue, upstream, parser, now: float, days: dict[str, list[int]]) -> None:
    """For each package, one reading a day with the totals given (the last one `now`), then
    the owner page and each package's versions as of `now`. The upstream is left as it was."""
    clock = Clock(now - DAY * (max(len(t) for t in days.values()) - 1))
    host = Host(Settings(upstream=upstream.url, upstream_budget=1_000_000), HttpxHttp(), store, parser, clock)  # many reads in one (moved) minute
    original = dict(upstream.packages)
    try:
        for day in range(max(len(t) for t in days.values())):
            for name, totals in days.items():
                if day < len(totals):
                    key = ("fluxcd", name)
                    upstream.packages[key] = replace(original[key], total=totals[day])
                    _ok(host, f"/stats/{quote(name, safe='')}")
            clock.advance(DAY)
        clock.now = now
        upstream.packages.update(original)
        _ok(host, "/stats")
        for name in days:
            _ok(host, f"/stats/{quote(name, safe='')}/versions")
    finally:
        upstream.packages.update(original)


def _ok(host: Host, path: str) -> None:
    r = serve(host, service.Request("GET", path, {}))
    assert r.status == 200, (path, r.status, r.body[:300])
