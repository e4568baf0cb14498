"""Every page, picture and JSON body, byte for byte, rendered from fixed readings and compared
with a file in golden/ that a person has looked at (the .html and .svg open in a browser).

The other render tests check what the output means; these pin the rest (words, markup, style,
each coordinate), so any change to what users see fails here on purpose. Look at the change,
then `make golden` rewrites the files and `git diff` shows it for review.
"""

from __future__ import annotations

import json
import os
from functools import partial
from pathlib import Path

import pytest

from ghcr_stats.model import (
    AppError, DailyCount, Failures, Listing, Measurement, OwnerReading, PackagePage, ParseWarning, Reading,
    PackageRef, Point, TaggedVersion, Tracked, Versions,
)
from ghcr_stats.render import api, badge, charts, dashboard, layout, metrics, package_view, qr, text_view
from ghcr_stats.numbers import age
from ghcr_stats.service import ROUTES

GOLDEN = Path(__file__).parent / "golden"
AT = 1_780_000_000.0  # 2026-05-28T20:26:40Z
DAY = 86400.0
BASE = "http://127.0.0.1:3000"


def daily(level: int) -> list[DailyCount]:
    """30 days, 2026-04-28 to 2026-05-27, a weekly dip and one zero day."""
    return [DailyCount(f"2026-{4 + (d + 27) // 30:02d}-{(d + 27) % 30 + 1:02d}",
                       0 if d == 12 else level * (7 + d % 7 - 3 * (d % 7 == 5)) // 10) for d in range(30)]


FLUX_CLI = Measurement(
    "fluxcd", "flux-cli",
    PackagePage(412_733_118, True, "412M", daily(890_000), "2026-05-20T07:13:00-07:00", "fluxcd/flux2", "v2.7.5",
                [TaggedVersion(1002, ["latest", "v2.7.5"], 120_345), TaggedVersion(1001, ["v2.7.4"], 998_001)]),
    "https://github.com/fluxcd/flux2/pkgs/container/flux-cli", AT,
)
# GitHub's rounded total only, no repository or latest version, and markup-breaking text;
# two values the page gave that could not be read.
ROUNDED = Measurement(
    "fluxcd", "charts/flagger",
    PackagePage(1_200_000, False, "1.2M<&>", daily(14_200), warnings=[
        ParseWarning("last-published", '"Nov 19, 2026, 3:04 PM <UTC>" is not an ISO 8601 instant with an offset'),
        ParseWarning("latest-version", 'no install command, and no version tagged "latest"'),
    ]),
    "https://github.com/orgs/fluxcd/packages/container/package/charts%2Fflagger", AT - 7200,
)
FELL = Measurement("fluxcd", "source-watcher", PackagePage(950, True, "950", daily(31)), "https://github.com/x", AT - 60, total_fell=True)
FAILED = AppError("upstream-status", "the upstream answered 503 <Service Unavailable>")

POINTS = [Point(AT - 4 * DAY, 409_100_000), Point(AT - 3 * DAY, 410_050_123), Point(AT - 2 * DAY + 3600, 411_000_000, True),
          Point(AT - DAY, 411_800_500), Point(AT, 412_733_118)]
# One more than the page shows.
VERSIONS = Versions("fluxcd", "flux-cli", [(f"v2.{7 - i // 10}.{9 - i % 10}", 2_000_000 - 97_531 * i) for i in range(16)], AT - 300)
# New packages: a chart of two days, and none yet.
YOUNG = Measurement("fluxcd", "young", PackagePage(7, True, "7", [DailyCount("2026-05-26", 3), DailyCount("2026-05-27", 4)]), "https://github.com/y", AT)
NEWBORN = Measurement("fluxcd", "newborn", PackagePage(0, True, "0", []), "https://github.com/n", AT)
OWNER = OwnerReading(
    "fluxcd",
    Listing("fluxcd", ["charts/flagger", "flux-cli", "ghost", "newborn", "source-watcher", "young"], AT - 600, complete=False),
    [Reading(FLUX_CLI), Reading(ROUNDED, stale=True, error=FAILED), Reading(FELL), Reading(YOUNG), Reading(NEWBORN)],
    failed={"ghost": AppError("unparseable", "the page had no <main>")},
    listing_error=AppError("rate-limited", "the upstream answered 429 (rate limited)"),
)


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {name}: run `make golden`, look at it, and commit it"
    assert text == path.read_text(encoding="utf-8"), f"{name} is not its golden file: look at the change, then `make golden`"


def as_json(body: dict) -> str:
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


PAGES = {
    "package.html": lambda: package_view.render(
        Reading(FLUX_CLI), POINTS, VERSIONS, self_url=f"{BASE}/packages/fluxcd/flux-cli", base_url=BASE, url_for=ROUTES.url_for),
    "package-stale-rounded.html": lambda: package_view.render(
        Reading(ROUNDED, stale=True, error=FAILED), POINTS[:1], Versions("fluxcd", "charts/flagger", [("v1", 0)], AT),
        self_url="https://Stats.eXample/packages/fluxcd/charts/flagger", base_url="https://Stats.eXample", url_for=ROUTES.url_for),  # as the client spelled it
    "package-few-versions.html": lambda: package_view.render(
        Reading(FELL), [], Versions("fluxcd", "source-watcher", VERSIONS.versions[:15], AT),
        self_url=f"{BASE}/packages/fluxcd/source-watcher", base_url=BASE, url_for=ROUTES.url_for),
    "package-no-versions.html": lambda: package_view.render(
        Reading(FELL), POINTS[:2], None, self_url=f"{BASE}/packages/fluxcd/source-watcher", base_url=BASE, url_for=ROUTES.url_for),
    "owner-by-total.html": lambda: dashboard.render(OWNER, *dashboard.sort(OWNER.readings, None), f"{BASE}/", ROUTES.url_for),
    "owner-by-name.html": lambda: dashboard.render(OWNER, *dashboard.sort(OWNER.readings, "name"), f"{BASE}/?sort=name", ROUTES.url_for),
    "owner-empty.html": lambda: dashboard.render(OwnerReading("nobody", Listing("nobody", [], AT), []), "recent", [], f"{BASE}/", ROUTES.url_for),
    "error.html": lambda: layout.error_page(404, "not-found", "no container package 'x<y>' for owner 'fluxcd'", "/"),
    "owner.txt": lambda: text_view.owner(OWNER, dashboard.sort(OWNER.readings, "recent")[1]),
    "package.txt": lambda: text_view.package(Reading(FLUX_CLI), POINTS, VERSIONS, f"{BASE}/packages/fluxcd/flux-cli"),
    "package-stale-rounded.txt": lambda: text_view.package(
        Reading(ROUNDED, stale=True, error=FAILED), [], None, f"{BASE}/packages/fluxcd/charts/flagger"),
    "qr.txt": lambda: qr.text(f"{BASE}/packages/fluxcd/flux-cli"),
    "badge.svg": lambda: badge.render("downloads", "412.7M"),
    "badge-stale.svg": lambda: badge.render("v2.7.5 <&>", "1.2M", stale=True),
    "badge-error.svg": lambda: badge.render("downloads", "unavailable", why="no-such-tag: fluxcd/flux-cli lists no tagged version 'v<9>'"),
    "bars-all-zero.svg": lambda: charts.bars([("2026-05-26", 0), ("2026-05-27", 0)], label="nothing yet"),
    "bars-one-day.svg": lambda: charts.bars([("2026-05-27", 5)], label="one day"),
    "line-one-point.svg": lambda: charts.line([(AT, 5)], label="one point"),
    "metrics.txt": lambda: metrics.render([
        Tracked(PackageRef("fluxcd", "charts/flagger"), ROUNDED, Failures({"upstream-status": 2, "parse-not-found": 1})),
        Tracked(PackageRef("fluxcd", "flux-cli"), FLUX_CLI, Failures()),
        Tracked(PackageRef("fluxcd", "source-watcher"), FELL, Failures()),
        Tracked(PackageRef('my"org\\x', "ghost\n"), None, Failures({"truncated": 1})),
    ]),
    "package.json": lambda: as_json(api.package(Reading(FLUX_CLI), partial(age, now=AT + 90))),
    "package-stale-rounded.json": lambda: as_json(api.package(Reading(ROUNDED, stale=True, error=FAILED), partial(age, now=AT))),
    "owner.json": lambda: as_json(api.owner(OWNER, partial(age, now=AT))),
    "history.json": lambda: as_json(api.history(PackageRef("fluxcd", "flux-cli"), POINTS, 5)),
    "versions.json": lambda: as_json(api.versions(VERSIONS, None, partial(age, now=AT), {"v2.7.9": [(AT - DAY, 5), (AT, 7)]})),
    # Read by a replica whose clock is ahead of this one's: an age of 0, never negative.
    "versions-stale.json": lambda: as_json(api.versions(Versions("fluxcd", "flux-cli", [("v1", 3)], AT - 10, complete=False), FAILED, partial(age, now=AT - 20), {})),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_rendered_exactly(name):
    check(name, PAGES[name]())


def test_every_golden_file_is_rendered():
    # A golden file whose case was removed would go on being looked at and never checked.
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(PAGES)
