"""The JSON the API answers: plain dicts built from the use cases' results.

`age` gives a value's `age_seconds` from the time it was read: the seconds since, or a mark the
service fills in as the answer is sent (an answer kept ready is sent again as it ages).
"""

from __future__ import annotations

from typing import Callable

from ..history import daily_deltas
from ..model import AppError, OwnerReading, PackageRef, ParseWarning, Point, Reading, Versions
from ..numbers import iso


def error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def package(r: Reading, age: Callable[[float], object]) -> dict:
    m, page = r.measurement, r.measurement.page
    body = {
        "owner": m.owner,
        "package": m.package,
        "total_downloads": page.total_downloads,
        "total_exact": page.total_exact,
        "total_fell": m.total_fell,
        "display_total": page.display_total,
        # Dicts made field by field: dataclasses.asdict deep-copies, and costs most of an answer.
        "last_30_days": [{"date": d.date, "count": d.count} for d in page.daily_downloads],
        "last_30_days_total": page.last_30_days,
        "repository": page.repository,
        "latest_version": page.latest_version,
        "latest_version_downloads": latest.downloads if (latest := page.latest()) else None,
        "recent_versions": [{"id": v.id, "tags": v.tags, "downloads": v.downloads} for v in page.recent_versions],
        "last_published": page.last_published_utc(),
        "parse_warnings": _warnings(page.warnings),
        "url": m.url,
        "fetched_at": iso(m.fetched_at),
        "age_seconds": age(m.fetched_at),
        "stale": r.stale,
    }
    if r.error is not None:
        body["stale_reason"] = _reason(r.error)
    return body


def owner(o: OwnerReading, age: Callable[[float], object]) -> dict:
    packages = [package(r, age) for r in sorted(o.readings, key=lambda r: r.measurement.package)]
    body = {
        "owner": o.owner,
        "package_count": len(o.listing.packages),
        "total_downloads": o.total_downloads,
        "last_30_days_total": o.last_30_days,
        # Sums over every listed package, each read exactly; otherwise a lower bound.
        "complete": not o.gaps(),
        "stale": o.stale,
        "listing_fetched_at": iso(o.listing.fetched_at),
        "packages": packages,
        "errors": [{"package": name, "error": _reason(e)} for name, e in sorted(o.failed.items())],
    }
    if o.listing_error is not None:
        body["stale_reason"] = _reason(o.listing_error)
    return body


def history(ref: PackageRef, points: list[Point], limit: int) -> dict:
    return {
        "owner": ref.owner,
        "package": ref.name,
        "limit": limit,
        "points": [{"time": iso(p.at), "total_downloads": p.total, "total_fell": p.fell} for p in points],
        "daily_deltas": [{"date": d, "downloads": delta} for d, delta in daily_deltas(points)],
    }


def versions(v: Versions, failure: AppError | None, age: Callable[[float], object], histories: dict[str, list[tuple[float, int]]]) -> dict:
    """`histories[tag]`: that tag's (time, downloads) readings."""
    stamps: dict[float, str] = {}  # every tag was read at the same few times: each written once

    def stamp(t: float) -> str:
        if (s := stamps.get(t)) is None:
            s = stamps[t] = iso(t)
        return s

    body = {
        "owner": v.owner,
        "package": v.package,
        "versions": [
            {"tag": tag, "downloads": n, "history": [{"time": stamp(t), "downloads": d} for t, d in histories.get(tag, [])]}
            for tag, n in v.versions
        ],
        "complete": v.complete,
        "parse_warnings": _warnings(v.warnings),
        "fetched_at": iso(v.fetched_at),
        "age_seconds": age(v.fetched_at),
        "stale": failure is not None,
    }
    if failure is not None:
        body["stale_reason"] = _reason(failure)
    return body


def shields(label: str, message: str, stale: bool) -> dict:
    """The schema shields.io's endpoint badge reads (https://shields.io/badges/endpoint-badge)."""
    return {"schemaVersion": 1, "label": label, "message": message, "color": "lightgrey" if stale else "blue"}


def shields_error(label: str) -> dict:
    """What shields.io shows when the endpoint cannot answer: its schema with `isError`
    (only the keys it knows: it refuses others), not a 5xx page."""
    return {"schemaVersion": 1, "label": label, "message": "unavailable", "color": "lightgrey", "isError": True}


def _warnings(warnings: list[ParseWarning]) -> list[dict]:
    return [{"field": w.field, "message": w.message} for w in warnings]


def _reason(e: AppError) -> dict:
    return error(e.code, e.message)["error"]
