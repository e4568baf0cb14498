"""What lasts between requests, kept in the key-value store as versioned JSON.

Every value carries `"schema": SCHEMA`; a value of another schema is treated as absent (and
overwritten by the next good measurement), never misread. Nothing here deletes: a failed fetch
adds to a failure count and leaves the last good measurement and the history as they were.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from .host import KeyValue

SCHEMA = 1


@dataclass(frozen=True)
class Measurement:
    """One successful reading of a package page."""

    owner: str
    package: str
    total: int
    exact: bool
    display: str
    daily: list[tuple[str, int]]
    url: str
    fetched_at: float
    repository: str | None = None
    latest_version: str | None = None
    last_published: str | None = None  # UTC, `…Z`
    # Added within schema 1: values stored before have neither and read as unknown/empty.
    latest_version_downloads: int | None = None
    recent_versions: list[tuple[int, list[str], int]] = field(default_factory=list)  # (id, tags, downloads)

    @classmethod
    def from_dict(cls, d: dict) -> "Measurement":
        recent = [(i, list(tags), n) for i, tags, n in d.get("recent_versions", [])]
        return cls(**{**d, "daily": [tuple(p) for p in d["daily"]], "recent_versions": recent})


@dataclass(frozen=True)
class Failures:
    """Failed reads of a package page, counted by reason (`UpstreamError.reason`)."""

    by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.by_reason.values())


@dataclass(frozen=True)
class Listing:
    owner: str
    packages: list[str]
    fetched_at: float
    complete: bool = True


@dataclass(frozen=True)
class Versions:
    owner: str
    package: str
    versions: list[tuple[str, int]]  # (tag, downloads), as the pages list them
    fetched_at: float
    complete: bool = True

    @classmethod
    def from_dict(cls, d: dict) -> "Versions":
        return cls(**{**d, "versions": [tuple(v) for v in d["versions"]]})


@dataclass
class Store:
    kv: KeyValue
    history_limit: int
    _index: list[str] | None = field(default=None, repr=False)

    # -- measurements -------------------------------------------------------------------

    def latest(self, owner: str, package: str) -> Measurement | None:
        d = self._get(f"latest:{owner}/{package}")
        return Measurement.from_dict(d["value"]) if d else None

    def record(self, m: Measurement) -> None:
        """Keep `m` as the latest value and append it to the package's bounded history."""
        key = f"{m.owner}/{m.package}"
        self._put(f"latest:{key}", asdict(m))
        points = self.history(m.owner, m.package)
        points.append((m.fetched_at, m.total))
        self._put(f"history:{key}", points[-self.history_limit:])
        self._remember(key)

    def history(self, owner: str, package: str) -> list[tuple[float, int]]:
        d = self._get(f"history:{owner}/{package}")
        return [tuple(p) for p in d["value"]] if d else []

    def index(self) -> list[str]:
        """Every `owner/package` ever measured or tried, for /metrics."""
        if self._index is None:
            d = self._get("index")
            self._index = list(d["value"]) if d else []
        return self._index

    def versions(self, owner: str, package: str) -> Versions | None:
        d = self._get(f"versions:{owner}/{package}")
        return Versions.from_dict(d["value"]) if d else None

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
            return Failures({"unknown": d["value"].get("count", 0)})
        return Failures(dict(d["value"]["by_reason"]))

    def note_failure(self, owner: str, package: str, reason: str) -> None:
        counts = self.failures(owner, package).by_reason
        counts[reason] = counts.get(reason, 0) + 1
        self._put(f"failures:{owner}/{package}", asdict(Failures(counts)))
        self._remember(f"{owner}/{package}")

    def missing_since(self, owner: str, package: str) -> float:
        """When the upstream last said 404 for this package (0 if it never did)."""
        d = self._get(f"missing:{owner}/{package}")
        return float(d["value"]) if d else 0.0

    def set_missing(self, owner: str, package: str, at: float) -> None:
        self._put(f"missing:{owner}/{package}", at)

    # -- owners -------------------------------------------------------------------------

    def listing(self, owner: str) -> Listing | None:
        d = self._get(f"listing:{owner}")
        return Listing(**d["value"]) if d else None

    def record_listing(self, listing: Listing) -> None:
        self._put(f"listing:{listing.owner}", asdict(listing))

    def owner_kind(self, owner: str) -> str | None:
        d = self._get(f"owner-kind:{owner}")
        return d["value"] if d else None

    def set_owner_kind(self, owner: str, kind: str) -> None:
        self._put(f"owner-kind:{owner}", kind)

    def backoff_until(self, now: float, longest: float) -> float:
        """Until when the upstream asked us (429 Retry-After) not to call it. A stored time
        further off than `longest` (written before the ceiling, or by hand) is not honoured."""
        d = self._get("backoff-until")
        until = float(d["value"]) if d else 0.0
        return until if until <= now + longest else 0.0

    def set_backoff_until(self, until: float) -> None:
        self._put("backoff-until", until)

    def _remember(self, key: str) -> None:
        index = self.index()
        if key not in index:
            self._index = sorted(index + [key])
            self._put("index", self._index)

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
