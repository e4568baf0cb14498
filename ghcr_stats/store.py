"""What lasts between requests, kept in the key-value store as versioned JSON.

Every value carries `"schema": SCHEMA`; a value of another schema is treated as absent (and
overwritten by the next good measurement), never misread. Nothing here deletes: a failed fetch
adds to a failure count and leaves the last good measurement and the history as they were.

The store has no compare-and-swap that every host provides, so nothing that concurrent requests
add to is one value read, changed and written back: each package tracked is a key of its own
(`tracked:<owner>/<package>`), and the index is the store's list of keys.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from .host import KeyValue
from .model import Backoff, Failures, Lease, Listing, Measurement, Versions, build

SCHEMA = 1
MISSING_LIMIT = 256  # 404s remembered at once (about 15 KB)
TRACKED = "tracked:"
LEGACY_INDEX = "index"  # the one list of tracked packages that earlier versions kept


@dataclass
class Store:
    kv: KeyValue
    history_limit: int

    # -- measurements -------------------------------------------------------------------

    def latest(self, owner: str, package: str) -> Measurement | None:
        d = self._get(f"latest:{owner}/{package}")
        return _measurement(d["value"]) if d else None

    def record(self, m: Measurement) -> Measurement:
        """Keep `m` as the latest value and append it to the package's bounded history; an exact
        total below one in the history is kept too, flagged `total_fell` (download counts only
        grow, so GitHub's page or our reading of it went wrong). Returns `m` as kept."""
        key = f"{m.owner}/{m.package}"
        points = self.history(m.owner, m.package)
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
        d = self._get(f"history:{owner}/{package}")
        return [tuple(p) for p in d["value"]] if d else []

    def index(self) -> list[str]:
        """Every `owner/package` ever measured or tried, for /metrics, in name order."""
        legacy = self._get(LEGACY_INDEX)
        tracked = {k.removeprefix(TRACKED) for k in self.kv.get_keys() if k.startswith(TRACKED)}
        return sorted(tracked | set(legacy["value"] if legacy and isinstance(legacy["value"], list) else []))

    def versions(self, owner: str, package: str) -> Versions | None:
        d = self._get(f"versions:{owner}/{package}")
        return build(Versions, d["value"], dict.get) if d else None

    def record_versions(self, v: Versions) -> None:
        """Keep `v` as the latest versions, and each tag's count in the bounded history."""
        key = f"{v.owner}/{v.package}"
        self._put(f"versions:{key}", asdict(v))
        readings = self._get(f"versions-history:{key}")
        readings = readings["value"] if readings else []
        readings.append([v.fetched_at, dict(v.versions)])
        self._put(f"versions-history:{key}", readings[-self.history_limit:])

    def tag_history(self, owner: str, package: str, tag: str) -> list[tuple[float, int]]:
        """(time, downloads) of each reading of the versions that listed `tag`."""
        d = self._get(f"versions-history:{owner}/{package}")
        return [(at, counts[tag]) for at, counts in (d["value"] if d else []) if tag in counts]

    # -- failures -----------------------------------------------------------------------

    def failures(self, owner: str, package: str) -> Failures:
        d = self._get(f"failures:{owner}/{package}")
        if not d:
            return Failures()
        if "by_reason" not in d["value"]:  # counted before reasons were kept
            return Failures({"unknown": d["value"]["count"]})
        return Failures(dict(d["value"]["by_reason"]))

    def note_failure(self, owner: str, package: str, reason: str) -> None:
        counts = self.failures(owner, package).by_reason
        counts[reason] = counts.get(reason, 0) + 1
        self._put(f"failures:{owner}/{package}", asdict(Failures(counts)))
        self._remember(f"{owner}/{package}")

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
        d = self._get("missing")
        return d["value"] if d and isinstance(d["value"], dict) else {}

    # -- owners -------------------------------------------------------------------------

    def listing(self, owner: str) -> Listing | None:
        d = self._get(f"listing:{owner}")
        return build(Listing, d["value"], dict.get) if d else None

    def record_listing(self, listing: Listing) -> None:
        self._put(f"listing:{listing.owner}", asdict(listing))

    def owner_kind(self, owner: str) -> str | None:
        d = self._get(f"owner-kind:{owner}")
        return d["value"] if d else None

    def set_owner_kind(self, owner: str, kind: str) -> None:
        self._put(f"owner-kind:{owner}", kind)

    def backoff(self, now: float, longest: float) -> Backoff | None:
        """The back-off in force at `now`, if any: after a 429, or after the upstream failed.
        One further off than `longest` (written before the ceiling, or by hand) is not honoured."""
        d = self._get("backoff")
        b = build(Backoff, d["value"], dict.get) if d else None
        return b if b is not None and now < b.until <= now + longest else None

    def set_backoff(self, b: Backoff) -> None:
        self._put("backoff", asdict(b))

    def note_upstream_failure(self, now: float, window: float) -> int:
        """Count a failure of the upstream; returns how many there were in the current window
        (which starts at the first failure and lasts `window` seconds)."""
        d = self._get("upstream-failures")
        count, since = (d["value"]["count"], d["value"]["since"]) if d else (0, now)
        if now - since >= window:
            count, since = 0, now
        self._put("upstream-failures", {"count": count + 1, "since": since})
        return count + 1

    # -- leases -----------------------------------------------------------------------------------

    def lease(self, key: str) -> Lease | None:
        d = self._get(f"lease:{key}")
        return build(Lease, d["value"], dict.get) if d else None

    def set_lease(self, key: str, lease: Lease) -> None:
        self._put(f"lease:{key}", asdict(lease))

    def drop_lease(self, key: str) -> None:
        self.kv.delete(f"lease:{key}")

    def _remember(self, key: str) -> None:
        # One key looked up, not the store's keys listed: this runs on every first measurement.
        if self.kv.get(TRACKED + key) is None:
            self._put(TRACKED + key, True)

    # -- encoding -----------------------------------------------------------------------

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
