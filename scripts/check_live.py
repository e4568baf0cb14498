"""Reads one package from GitHub through the app's own fetch and parse path, and says which
fields came back. What a maintainer runs first when a number looks wrong after GitHub
changes its pages:

    make check-live PACKAGE=fluxcd/flux-cli

Prints every field read, and what the parser could not read and left out (its warnings);
exits 1 when a field is missing or a warning was given, 2 when the page could not be read.
`--upstream` points it elsewhere (the tests use a local stand-in for github.com).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import time

from ghcr_stats.config import Settings
from ghcr_stats.host import Host
from ghcr_stats.model import AppError, PackageRef
from ghcr_stats.names import InvalidName, check_owner, check_package
from ghcr_stats.stats import Stats
from testkit.cpython import DictKV, HttpxHttp
from testkit.parser import WasmtimeParser


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("package", help="owner/name, e.g. fluxcd/flux-cli (nested: fluxcd/charts/flagger)")
    args.add_argument("--upstream", default=Settings.upstream)
    a = args.parse_args()
    try:
        owner, _, name = a.package.partition("/")
        owner, name = check_owner(owner), check_package(name)
    except InvalidName as e:
        print(f"check-live: {e}", file=sys.stderr)
        return 2
    settings = Settings(owner=owner, upstream=a.upstream)
    host = Host(settings, HttpxHttp(), DictKV(), WasmtimeParser(), time.time)
    try:
        m = asyncio.run(Stats(host).package(PackageRef(owner, name))).measurement
    except AppError as e:
        print(f"check-live: {e.code}: {e.message}", file=sys.stderr)
        return 2
    print(f"{'url':>16}  {m.url}")
    missing = []
    for f in dataclasses.fields(m.page):
        if f.name == "warnings":
            continue
        value = getattr(m.page, f.name)
        if value is None or value == []:
            missing.append(f.name)
        if f.name == "daily_downloads":
            days = [(d.date, d.count) for d in value]
            value = f"{len(days)} days, {days[0][0] if days else '-'} .. {days[-1][0] if days else '-'}, sum {m.page.last_30_days}"
        print(f"{f.name:>16}  {'MISSING' if f.name in missing else value}")
    for w in m.page.warnings:
        print(f"{'warning':>16}  {w.field}: {w.message}")
    if missing or m.page.warnings:
        print(f"check-live: missing: {', '.join(missing)}; not read: {', '.join(w.field for w in m.page.warnings) or 'nothing'}", file=sys.stderr)
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
