"""What lasts between requests, kept in the key-value store as versioned JSON.

Every value carries `"schema": SCHEMA`; a value of another schema, or one that does not decode
(cut short, the wrong shape), is treated as absent and logged, never misread: it affects only
its own key. A history that does not decode is kept aside before a new one is begun. Nothing
here deletes: a failed fetch adds to a failure count and leaves the last good measurement and
the history as they were.

The store has no compare-and-swap that every host provides, so nothing that concurrent requests
add to is one value read, changed and written back: each package tracked is a key of its own
(`tracked:<owner>/<package>`), and the index is the store's list of keys.
"""

from __future__ import annotations

import json
import secrets
import sys
from dataclasses import asdict, dataclass, replace
from typing import Any, Callable, TypeVar

from .host import KeyValue
from .model import AppError, Backoff, Failures, Lease, Listing, Measurement, Versions, build

SCHEMA = 1
MISSING_LIMIT = 256  # 404s remembered at once (about 15 KB)
TRACKED = "tracked:"
LEGACY_INDEX = "index"  # the one list of tracked packages that earlier versions kept
BUDGET = "budget:"
HEALTH = "healthz"  # what /healthz writes
UNREADABLE = "unreadable:"  # where a history that does not decode is kept aside
LAST_FAILURE = "last-failure:"  # why the last refresh of a key failed

T = TypeVar("T")


@dataclass
class Store:
    kv: KeyValue
    history_limit: int

    # -- measurements -------------------------------------------------------------------

    def latest(self, owner: str, package: str) -> Measurement | None:
        return self._read(f"latest:{owner}/{package}", _measurement)

    def record(self, m: Measurement) -> Measurement:
        """Keep `m` as the latest value and append it to the package's bounded history; an exact
        total below one in the history is kept too, flagged `total_fell` (download counts only
        grow, so GitHub's page or our reading of it went wrong). Returns `m` as kept."""
        key = f"{m.owner}/{m.package}"
        points = self.history(m.owner, m.package)
        if not points:
            self._keep_aside(f"history:{key}", m.fetched_at)
        total = m.page.total_downloads
        fell = m.page.total_exact and any(p[1] > total for p in points)
        m = replace(m, total_fell=fell)
        self._put(f"latest:{key}", asdict(m))
        points.append((m.fetched_at, total, True) if fell else (m.fetched_at, total))
        self._put(f"history:{key}", points[-self.history_limit:])
        self._remember(key)
        return m

    def history(self, owner: str, package: str) -> list[tuple]:
        """(time, total) points, oldest first; (time, total, True) where the total fell."""
        return self._read(f"history:{owner}/{package}", _points) or []

    def index(self) -> list[str]:
        """Every `owner/package` ever measured or tried, for /metrics, in name order."""
        legacy = self._read(LEGACY_INDEX, lambda v: {str(k) for k in v} if isinstance(v, list) else _invalid(v)) or set()
        tracked = {k.removeprefix(TRACKED) for k in self.kv.get_keys() if k.startswith(TRACKED)}
        return sorted(tracked | legacy)

    def versions(self, owner: str, package: str) -> Versions | None:
        return self._read(f"versions:{owner}/{package}", lambda v: build(Versions, v, dict.get))

    def record_versions(self, v: Versions) -> None:
        """Keep `v` as the latest versions, and each tag's count in the bounded history."""
        key = f"{v.owner}/{v.package}"
        self._put(f"versions:{key}", asdict(v))
        readings = self._read(f"versions-history:{key}", _readings)
        if readings is None:
            readings = []
            self._keep_aside(f"versions-history:{key}", v.fetched_at)
        readings.append([v.fetched_at, dict(v.versions)])
        self._put(f"versions-history:{key}", readings[-self.history_limit:])

    def tag_histories(self, owner: str, package: str) -> dict[str, list[tuple[float, int]]]:
        """Each tag's (time, downloads) over the readings of the versions that listed it, a run
        of readings with the same count as its first and last (an old tag's count stays put
        for months: its history is a few points, not one a reading, and nothing is lost). The
        versions history is read once, whatever the number of tags."""
        histories: dict[str, list[tuple[float, int]]] = {}
        for at, counts in self._read(f"versions-history:{owner}/{package}", _readings) or []:
            for tag, n in counts.items():
                points = histories.setdefault(tag, [])
                if len(points) >= 2 and points[-1][1] == n == points[-2][1]:
                    points[-1] = (at, n)  # the run goes on: its last point moves
                else:
                    points.append((at, n))
        return histories

    # -- failures -----------------------------------------------------------------------

    def failures(self, owner: str, package: str) -> Failures:
        return self._read(f"failures:{owner}/{package}", _failures) or Failures()

    def note_failure(self, owner: str, package: str, reason: str) -> None:
        counts = self.failures(owner, package).by_reason
        counts[reason] = counts.get(reason, 0) + 1
        self._put(f"failures:{owner}/{package}", asdict(Failures(counts)))
        self._remember(f"{owner}/{package}")

    def last_failure(self, key: str) -> tuple[float, AppError] | None:
        """When a refresh of `key` last failed, and why (what answers say while it stays stale)."""
        return self._read(f"{LAST_FAILURE}{key}", lambda v: (float(v["at"]), AppError(int(v["status"]), str(v["code"]), str(v["message"]), str(v["reason"]))))

    def set_last_failure(self, key: str, at: float, e: AppError) -> None:
        self._put(f"{LAST_FAILURE}{key}", {"at": at, "status": e.status, "code": e.code, "message": e.message, "reason": e.reason})

    # -- 404s -----------------------------------------------------------------------------
    # Any client can name a package that does not exist, so the 404s kept are one bounded map
    # ("package:o/p", "listing:o", "versions:o/p" -> when), the oldest evicted first.

    def missing_since(self, key: str) -> float:
        """When the upstream last answered 404 for `key` (0 if it did not, or it is forgotten)."""
        return float(self._missing().get(key, 0.0))

    def set_missing(self, key: str, at: float, forget_before: float) -> None:
        """Remember a 404 for `key`, dropping those older than `forget_before` and, past
        MISSING_LIMIT, the oldest."""
        kept = {k: t for k, t in self._missing().items() if t >= forget_before and k != key}
        newest = sorted(kept.items(), key=lambda kv: kv[1])[-(MISSING_LIMIT - 1):]
        self._put("missing", dict(newest + [(key, at)]))

    def _missing(self) -> dict[str, float]:
        return self._read("missing", lambda v: {str(k): float(t) for k, t in v.items()}) or {}

    # -- owners -------------------------------------------------------------------------

    def listing(self, owner: str) -> Listing | None:
        return self._read(f"listing:{owner}", lambda v: build(Listing, v, dict.get))

    def record_listing(self, listing: Listing) -> None:
        self._put(f"listing:{listing.owner}", asdict(listing))

    def owner_kind(self, owner: str) -> str | None:
        return self._read(f"owner-kind:{owner}", lambda v: v if v in ("orgs", "users") else _invalid(v))

    def set_owner_kind(self, owner: str, kind: str) -> None:
        self._put(f"owner-kind:{owner}", kind)

    def backoff(self, now: float, longest: float) -> Backoff | None:
        """The back-off in force at `now`, if any: after a 429, or after the upstream failed.
        One further off than `longest` (written before the ceiling, or by hand) is not honoured."""
        b = self._read("backoff", lambda v: build(Backoff, v, dict.get))
        return b if b is not None and now < b.until <= now + longest else None

    def set_backoff(self, b: Backoff) -> None:
        self._put("backoff", asdict(b))

    def note_upstream_failure(self, now: float, window: float) -> int:
        """Count a failure of the upstream; returns how many there were in the current window
        (which starts at the first failure and lasts `window` seconds)."""
        count, since = self._read("upstream-failures", lambda v: (int(v["count"]), float(v["since"]))) or (0, now)
        if not 0 <= now - since < window:  # over, or begun "in the future" (the clock went back)
            count, since = 0, now
        self._put("upstream-failures", {"count": count + 1, "since": since})
        return count + 1

    # -- the upstream budget -----------------------------------------------------------------
    # One key per upstream request, never a counter read and written back: concurrent instances
    # would lose each other's counts.

    def spend(self, now: float, window: float) -> tuple[str, int]:
        """Record an upstream request at `now`: (its key, how many the `window`-second window it
        falls in now holds, this one included). Keys of other windows are dropped."""
        current = f"{BUDGET}{int(now // window)}:"
        mine = f"{current}{secrets.token_hex(8)}"
        self._put(mine, True)
        keys = [k for k in self.kv.get_keys() if k.startswith(BUDGET)]
        for k in keys:
            if not k.startswith(current):
                self.kv.delete(k)
        # All of the window's requests seen, this one's included, not only those before it: with
        # concurrent spenders that refuses one too many rather than allows one.
        spent = [k for k in keys if k.startswith(current)]
        return mine, len(spent) + (mine not in spent)

    def unspend(self, key: str) -> None:
        self.kv.delete(key)

    def probe(self, now: float) -> None:
        """Write to the store, to know that it takes writes (StoreError if not)."""
        self._put(HEALTH, now)

    # -- leases -----------------------------------------------------------------------------------

    def lease(self, key: str) -> Lease | None:
        return self._read(f"lease:{key}", lambda v: build(Lease, v, dict.get))

    def set_lease(self, key: str, lease: Lease) -> None:
        self._put(f"lease:{key}", asdict(lease))

    def drop_lease(self, key: str) -> None:
        self.kv.delete(f"lease:{key}")

    def _remember(self, key: str) -> None:
        # One key looked up, not the store's keys listed: this runs on every first measurement.
        if self.kv.get(TRACKED + key) is None:
            self._put(TRACKED + key, True)

    # -- encoding -----------------------------------------------------------------------

    def _keep_aside(self, key: str, at: float) -> None:
        """Before a value that did not decode is begun anew: a copy of it, under
        `unreadable:<key>@<at>`, so that nothing is lost to the new one."""
        if (raw := self.kv.get(key)) is not None:
            self.kv.set(f"{UNREADABLE}{key}@{at:.0f}", raw)

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


def _invalid(value: Any):
    raise ValueError(f"unexpected value {value!r}")


def _points(value: Any) -> list[tuple]:
    points = [tuple(p) for p in value]
    for p in points:
        if len(p) not in (2, 3) or not isinstance(p[1], int) or isinstance(p[1], bool):
            _invalid(p)
        float(p[0])
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
