"""What lasts between requests, kept in the key-value store as versioned JSON.

Every value carries `"schema": SCHEMA`; a value of another schema, or one that does not decode
(cut short, the wrong shape), is treated as absent and logged, never misread: it affects only
its own key. A history that does not decode is kept aside before a new one is begun. Nothing
here deletes but the answers kept ready, after each change to what they are made from (`ready`):
a failed fetch adds to a failure count and leaves the last good measurement and the history as
they were.

The store has no compare-and-swap that every host provides, so nothing that concurrent requests
add to is one value read, changed and written back: each package tracked is a key of its own
(`tracked:<owner>/<package>`), and the index is the store's list of keys. Every key is made in
`keys`.
"""

from __future__ import annotations

import json
import secrets
import sys
from dataclasses import asdict, dataclass, replace
from typing import Any, Callable, TypeVar

from . import keys, ready
from .host import KeyValue
from .model import CODES, AppError, Backoff, Failures, Lease, Listing, Measurement, PackageRef, Point, Versions, build

SCHEMA = 1
MISSING_LIMIT = 256  # 404s remembered at once (about 15 KB)

T = TypeVar("T")


@dataclass
class Store:
    kv: KeyValue
    history_limit: int

    # -- measurements -------------------------------------------------------------------

    def latest(self, ref: PackageRef) -> Measurement | None:
        return self._read(keys.latest(ref), _measurement)

    def record(self, m: Measurement) -> Measurement:
        """Keep `m` as the latest value and append it to the package's bounded history; an exact
        total below one in the history is kept too, flagged `total_fell` (download counts only
        grow, so GitHub's page or our reading of it went wrong). Returns `m` as kept."""
        ref = m.ref
        points = self.history(ref)
        if not points:
            self._keep_aside(keys.history(ref), m.fetched_at)
        total = m.page.total_downloads
        fell = m.page.total_exact and any(p.total > total for p in points)
        m = replace(m, total_fell=fell)
        self._put(keys.latest(ref), asdict(m))
        points.append(Point(m.fetched_at, total, fell))
        # As [time, total], with `true` after the total where it fell.
        self._put(keys.history(ref), [list(p) if p.fell else list(p[:2]) for p in points[-self.history_limit:]])
        self._remember(ref)
        ready.forget(self.kv)
        return m

    def history(self, ref: PackageRef) -> list[Point]:
        """The package's measured totals, oldest first."""
        return self._read(keys.history(ref), _points) or []

    def index(self) -> list[PackageRef]:
        """Every package ever measured or tried, for /metrics, in name order."""
        legacy = self._read(keys.LEGACY_INDEX, lambda v: {str(k) for k in v} if isinstance(v, list) else _invalid(v)) or set()
        tracked = {k.removeprefix(keys.TRACKED) for k in self.kv.get_keys() if k.startswith(keys.TRACKED)}
        return [PackageRef.parse(k) for k in sorted(tracked | legacy)]

    def versions(self, ref: PackageRef) -> Versions | None:
        return self._read(keys.versions(ref), lambda v: build(Versions, v, dict.get))

    def record_versions(self, v: Versions) -> None:
        """Keep `v` as the latest versions, and each tag's count in the bounded history."""
        ref = v.ref
        self._put(keys.versions(ref), asdict(v))
        readings = self._read(keys.versions_history(ref), _readings)
        if readings is None:
            readings = []
            self._keep_aside(keys.versions_history(ref), v.fetched_at)
        readings.append([v.fetched_at, dict(v.versions)])
        self._put(keys.versions_history(ref), readings[-self.history_limit:])
        ready.forget(self.kv)

    def tag_histories(self, ref: PackageRef) -> dict[str, list[tuple[float, int]]]:
        """Each tag's (time, downloads) over the readings of the versions that listed it, a run
        of readings with the same count as its first and last (an old tag's count stays put
        for months: its history is a few points, not one a reading, and nothing is lost). The
        versions history is read once, whatever the number of tags."""
        histories: dict[str, list[tuple[float, int]]] = {}
        for at, counts in self._read(keys.versions_history(ref), _readings) or []:
            for tag, n in counts.items():
                points = histories.setdefault(tag, [])
                if len(points) >= 2 and points[-1][1] == n == points[-2][1]:
                    points[-1] = (at, n)  # the run goes on: its last point moves
                else:
                    points.append((at, n))
        return histories

    # -- failures -----------------------------------------------------------------------

    def failures(self, ref: PackageRef) -> Failures:
        return self._read(keys.failures(ref), _failures) or Failures()

    def note_failure(self, ref: PackageRef, reason: str) -> None:
        counts = self.failures(ref).by_reason
        counts[reason] = counts.get(reason, 0) + 1
        self._put(keys.failures(ref), asdict(Failures(counts)))
        self._remember(ref)
        ready.forget(self.kv)

    def last_failure(self, fetched: str) -> tuple[float, AppError] | None:
        """When a refresh of `fetched` last failed, and why (what answers say while it stays stale)."""
        return self._read(keys.last_failure(fetched), lambda v: (float(v["at"]), AppError(_code(v["code"]), str(v["message"]), str(v["reason"]))))

    def set_last_failure(self, fetched: str, at: float, e: AppError) -> None:
        # The status too, for a replica still on a version that reads it.
        self._put(keys.last_failure(fetched), {"at": at, "status": e.status, "code": e.code, "message": e.message, "reason": e.reason})

    # -- 404s -----------------------------------------------------------------------------
    # Any client can name a package that does not exist, so the 404s kept are one bounded map
    # (what was fetched, `keys.fetched_*` -> when), the oldest evicted first.

    def missing_since(self, fetched: str) -> float:
        """When the upstream last answered 404 for `fetched` (0 if it did not, or it is forgotten)."""
        return float(self._missing().get(fetched, 0.0))

    def set_missing(self, fetched: str, at: float, forget_before: float) -> None:
        """Remember a 404 for `fetched`, dropping those older than `forget_before` and, past
        MISSING_LIMIT, the oldest."""
        kept = {k: t for k, t in self._missing().items() if t >= forget_before and k != fetched}
        newest = sorted(kept.items(), key=lambda kv: kv[1])[-(MISSING_LIMIT - 1):]
        self._put(keys.MISSING, dict(newest + [(fetched, at)]))

    def _missing(self) -> dict[str, float]:
        return self._read(keys.MISSING, lambda v: {str(k): float(t) for k, t in v.items()}) or {}

    # -- owners -------------------------------------------------------------------------

    def listing(self, owner: str) -> Listing | None:
        return self._read(keys.listing(owner), lambda v: build(Listing, v, dict.get))

    def record_listing(self, listing: Listing) -> None:
        self._put(keys.listing(listing.owner), asdict(listing))
        ready.forget(self.kv)

    def owner_kind(self, owner: str) -> str | None:
        return self._read(keys.owner_kind(owner), lambda v: v if v in ("orgs", "users") else _invalid(v))

    def set_owner_kind(self, owner: str, kind: str) -> None:
        self._put(keys.owner_kind(owner), kind)

    def backoff(self, now: float, longest: float) -> Backoff | None:
        """The back-off in force at `now`, if any: after a 429, or after the upstream failed.
        One further off than `longest` (written before the ceiling, or by hand) is not honoured."""
        b = self._read(keys.BACKOFF, _backoff)
        return b if b is not None and now < b.until <= now + longest else None

    def set_backoff(self, b: Backoff) -> None:
        self._put(keys.BACKOFF, asdict(b))

    def note_upstream_failure(self, now: float, window: float) -> int:
        """Count a failure of the upstream; returns how many there were in the current window
        (which starts at the first failure and lasts `window` seconds)."""
        count, since = self._read(keys.UPSTREAM_FAILURES, lambda v: (int(v["count"]), float(v["since"]))) or (0, now)
        if not 0 <= now - since < window:  # over, or begun "in the future" (the clock went back)
            count, since = 0, now
        self._put(keys.UPSTREAM_FAILURES, {"count": count + 1, "since": since})
        return count + 1

    # -- the upstream budget -----------------------------------------------------------------
    # One key per upstream request, never a counter read and written back: concurrent instances
    # would lose each other's counts.

    def spend(self, now: float, window: float) -> tuple[str, int]:
        """Record an upstream request at `now`: (its key, how many the `window`-second window it
        falls in now holds, this one included). Keys of other windows are dropped."""
        current = keys.budget_window(now, window)
        mine = f"{current}{secrets.token_hex(8)}"
        self._put(mine, True)
        listed = [k for k in self.kv.get_keys() if k.startswith(keys.BUDGET)]
        for k in listed:
            if not k.startswith(current):
                self.kv.delete(k)
        # All of the window's requests seen, this one's included, not only those before it: with
        # concurrent spenders that refuses one too many rather than allows one.
        spent = [k for k in listed if k.startswith(current)]
        return mine, len(spent) + (mine not in spent)

    def unspend(self, key: str) -> None:
        self.kv.delete(key)

    def probe(self, now: float) -> None:
        """Write to the store, to know that it takes writes (StoreError if not)."""
        self._put(keys.HEALTH, now)

    # -- leases -----------------------------------------------------------------------------------

    def lease(self, fetched: str) -> Lease | None:
        return self._read(keys.lease(fetched), lambda v: build(Lease, v, dict.get))

    def set_lease(self, fetched: str, lease: Lease) -> None:
        self._put(keys.lease(fetched), asdict(lease))

    def drop_lease(self, fetched: str) -> None:
        self.kv.delete(keys.lease(fetched))

    def _remember(self, ref: PackageRef) -> None:
        # One key looked up, not the store's keys listed: this runs on every first measurement.
        if self.kv.get(keys.tracked(ref)) is None:
            self._put(keys.tracked(ref), True)

    # -- encoding -----------------------------------------------------------------------

    def _keep_aside(self, key: str, at: float) -> None:
        """Before a value that did not decode is begun anew: a copy of it, under
        `unreadable:<key>@<at>`, so that nothing is lost to the new one."""
        if (raw := self.kv.get(key)) is not None:
            self.kv.set(keys.unreadable(key, at), raw)

    def _read(self, key: str, decode: Callable[[Any], T]) -> T | None:
        """The value under `key`, decoded; None if absent or if it does not decode (logged)."""
        d = self._get(key)
        if d is None:
            return None
        try:
            return decode(d["value"])
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            print(f"ghcr-stats: the stored value {key!r} does not decode ({type(e).__name__}: {e}); treated as absent", file=sys.stderr)
            return None

    def _get(self, key: str) -> dict | None:
        raw = self.kv.get(key)
        if raw is None:
            return None
        try:
            d = json.loads(raw)
        except ValueError:
            return None
        return d if isinstance(d, dict) and d.get("schema") == SCHEMA else None

    def _put(self, key: str, value) -> None:
        self.kv.set(key, json.dumps({"schema": SCHEMA, "value": value}, separators=(",", ":")).encode())


def _backoff(value: Any) -> Backoff:
    b = build(Backoff, value, dict.get)
    _code(b.code)
    return b


def _code(value: Any) -> str:
    """An error code this version answers with (a value written by another may hold others)."""
    return value if value in CODES else _invalid(value)


def _invalid(value: Any):
    raise ValueError(f"unexpected value {value!r}")


def _points(value: Any) -> list[Point]:
    points = []
    for p in value:
        if len(p) not in (2, 3) or not isinstance(p[1], int) or isinstance(p[1], bool):
            _invalid(p)
        points.append(Point(float(p[0]), p[1], bool(p[2:] and p[2])))
    return points


def _readings(value: Any) -> list[list]:
    return [[float(at), {str(tag): int(n) for tag, n in counts.items()}] for at, counts in value]


def _failures(value: Any) -> Failures:
    if "by_reason" not in value:  # counted before reasons were kept
        return Failures({"unknown": int(value["count"])})
    return Failures({str(k): int(n) for k, n in value["by_reason"].items()})


def _measurement(d: dict) -> Measurement:
    if "page" not in d:  # stored before the page was kept whole: its fields sat beside owner and url
        d = {**d, "page": _flat_page(d)}
    return build(Measurement, d, dict.get)


def _flat_page(d: dict) -> dict:
    return {
        "total_downloads": d["total"],
        "total_exact": d["exact"],
        "display_total": d["display"],
        "daily_downloads": [{"date": day, "count": n} for day, n in d["daily"]],
        "last_published": d.get("last_published"),
        "repository": d.get("repository"),
        "latest_version": d.get("latest_version"),
        "recent_versions": [{"id": i, "tags": tags, "downloads": n} for i, tags, n in d.get("recent_versions", [])],
    }
