"""The records every layer shares, and the one error the app answers with.

The parser's records are `wit/parser.wit`'s, field for field, with its names (`total-downloads`
is `total_downloads`): the WIT is the contract and these are its Python side. `build` turns
whatever a host hands over (componentize-py's dataclasses, wasmtime-py's records, stored JSON)
into them, so no adapter spells a record out again.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple, TypeVar, Union

from .numbers import utc

T = TypeVar("T")

LATEST_TAG = "latest"  # the moving alias GitHub puts on the newest version

# --- what the parser reads (wit/parser.wit) -------------------------------------------------


@dataclass(frozen=True)
class DailyCount:
    date: str
    count: int


@dataclass(frozen=True)
class TaggedVersion:
    id: int
    tags: list[str]
    downloads: int

    @property
    def tag(self) -> str:
        """The tag naming the version: its first tag other than the moving `latest`."""
        return next((t for t in self.tags if t != LATEST_TAG), self.tags[0])


@dataclass(frozen=True)
class ParseWarning:
    """A secondary value the page did not give as expected: left out, the page kept."""

    field: str  # last-published, latest-version, recent-versions, version-row
    message: str


@dataclass(frozen=True)
class PackagePage:
    total_downloads: int
    total_exact: bool
    display_total: str
    daily_downloads: list[DailyCount] = field(default_factory=list)
    last_published: str | None = None  # ISO 8601 with the page's offset
    repository: str | None = None
    latest_version: str | None = None  # a tag, never `latest` unless it is the only one
    recent_versions: list[TaggedVersion] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)  # secondary values left out

    @property
    def last_30_days(self) -> int:
        return sum(d.count for d in self.daily_downloads)

    def last_published_utc(self) -> str | None:
        """`last_published` as an instant in UTC (the parser checked its shape)."""
        return utc(self.last_published) if self.last_published else None

    def latest(self) -> TaggedVersion | None:
        """The recent version the latest version's tag names, when the page lists it."""
        return next((v for v in self.recent_versions if self.latest_version in v.tags), None)


@dataclass(frozen=True)
class ListedPackage:
    name: str
    path: str


@dataclass(frozen=True)
class ListingPage:
    packages: list[ListedPackage]
    next_page: str | None = None


@dataclass(frozen=True)
class VersionsPage:
    versions: list[TaggedVersion]
    next_page: str | None = None
    warnings: list[ParseWarning] = field(default_factory=list)  # rows skipped


class ParseError(Exception):
    """The parser's `parse-error` variant: `kind` is its case name, `message` its payload."""

    def __init__(self, kind: str, message: str):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


# --- what the app keeps ----------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class PackageRef:
    """A container package on GitHub: its owner and its name, perhaps nested (`charts/flagger`).
    As text, and in the store's keys, it is `owner/name`."""

    owner: str
    name: str

    def __str__(self) -> str:
        return f"{self.owner}/{self.name}"

    @classmethod
    def parse(cls, text: str) -> "PackageRef":
        owner, _, name = text.partition("/")
        return cls(owner, name)


class Point(NamedTuple):
    """A measured total in a package's history; `fell`: below a total measured before it."""

    at: float
    total: int
    fell: bool = False


@dataclass(frozen=True)
class Measurement:
    """One successful reading of a package page: the page as the parser read it, where, when."""

    owner: str
    package: str
    page: PackagePage
    url: str  # where the page was found, after redirects
    fetched_at: float
    total_fell: bool = False  # an exact total lower than one read before: kept, and flagged

    @property
    def ref(self) -> PackageRef:
        return PackageRef(self.owner, self.package)


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
    warnings: list[ParseWarning] = field(default_factory=list)  # rows the pages gave that could not be read

    @property
    def ref(self) -> PackageRef:
        return PackageRef(self.owner, self.package)


@dataclass(frozen=True)
class Failures:
    """Failed reads of a package page, counted by reason (`AppError.reason`)."""

    by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.by_reason.values())


@dataclass(frozen=True)
class Backoff:
    """Leave the upstream alone until `until`; `code` and `reason` say why (for the answers)."""

    until: float
    code: str
    reason: str


@dataclass(frozen=True)
class Lease:
    """Who is fetching a thing (`token`), and until when at the latest."""

    token: str
    until: float


# --- what the use cases answer -------------------------------------------------------------


# Every code an error answer can carry, and its HTTP status; what each means is the README's
# table of errors, which a test holds to this one.
CODES = {
    "bad-request": 400,
    "invalid-name": 400,
    "no-route": 404,
    "not-found": 404,
    "not-served": 404,
    "no-such-tag": 404,
    "no-version": 404,
    "method-not-allowed": 405,
    "internal-error": 500,
    "bad-config": 500,
    "upstream-status": 502,
    "upstream-unreachable": 502,
    "rate-limited": 502,
    "upstream-backoff": 502,
    "redirect-refused": 502,
    "too-many-redirects": 502,
    "too-large": 502,
    "truncated": 502,
    "undecodable-encoding": 502,
    "unparseable": 502,
    "upstream-budget": 503,
    "fetch-in-progress": 503,
    "store-unavailable": 503,
    "store-unwritable": 503,
    "refreshing": 200,  # never an error answer: why a value served is stale
}


class AppError(Exception):
    """Why a request gets no value: `code` (one of CODES, which gives its `status`) is what the
    client is answered, `message` says it in words.

    `reason` is how /metrics counts a failed read: the code, or for a page that did not parse,
    the parser's error kind (`parse-not-found`: the markup changed), so an alert can tell
    them apart.
    """

    def __init__(self, code: str, message: str, reason: str | None = None):
        super().__init__(message)
        self.status = CODES[code]
        self.code = code
        self.message = message
        self.reason = reason or code


class NotFound(AppError):
    def __init__(self, message: str):
        super().__init__("not-found", message)


@dataclass(frozen=True)
class Reading:
    measurement: Measurement
    stale: bool = False
    error: AppError | None = None  # why a stale value is served


@dataclass(frozen=True)
class OwnerReading:
    owner: str
    listing: Listing
    readings: list[Reading]
    failed: dict[str, AppError] = field(default_factory=dict)  # package -> error, nothing stored
    listing_error: AppError | None = None

    @property
    def stale(self) -> bool:
        return self.listing_error is not None or any(r.stale for r in self.readings)

    @property
    def total_downloads(self) -> int:
        """Over the packages read; a lower bound when there are `gaps`."""
        return sum(r.measurement.page.total_downloads for r in self.readings)

    @property
    def last_30_days(self) -> int:
        return sum(r.measurement.page.last_30_days for r in self.readings)

    def gaps(self) -> list[str]:
        """Why the owner's totals are only a lower bound, in words; none when they count every
        listed package exactly."""
        gaps = []
        if not self.listing.complete:
            gaps.append("the listing was not read in full")
        if n := len(self.failed):
            gaps.append(f"{n} {'package' if n == 1 else 'packages'} could not be read")
        if n := sum(not r.measurement.page.total_exact for r in self.readings):
            gaps.append(f"{n} {'total is' if n == 1 else 'totals are'} GitHub's rounded figure")
        return gaps


@dataclass(frozen=True)
class Tracked:
    """A package the store knows of: its last measurement, if any, and its failed reads."""

    ref: PackageRef
    measurement: Measurement | None
    failures: Failures


# --- building records from what hosts hand over ----------------------------------------------


def build(cls: type[T], value: Any, get: Callable[[Any, str], Any] = getattr) -> T:
    """A `cls` record from `value`, field by field and all the way down: `get(value, name)`
    reads a field (attributes by default; `dict.get` for stored JSON; a hyphenating getter for
    wasmtime-py's records). Fields missing from stored JSON take their defaults."""
    return _converter(cls)(value, get)


@functools.cache
def _converter(hint: Any) -> Callable[[Any, Callable[[Any, str], Any]], Any]:
    """How to make a value of type `hint`, worked out once per type: records are built on
    every request inside the app, and reading type hints is far slower than using them."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):  # `X | None`: an option
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        some = _converter(inner)
        return lambda raw, get: None if raw is None else some(raw, get)
    if origin is list:
        item = _converter(typing.get_args(hint)[0])
        return lambda raw, get: [item(x, get) for x in raw]
    if origin is tuple:
        parts = [_converter(h) for h in typing.get_args(hint)]
        return lambda raw, get: tuple(part(x, get) for part, x in zip(parts, raw, strict=True))
    if origin is dict:
        return lambda raw, get: dict(raw)
    if dataclasses.is_dataclass(hint):
        return _record(hint)
    return lambda raw, get: hint(raw)


def _record(cls: type) -> Callable[[Any, Callable[[Any, str], Any]], Any]:
    """A function made for `cls` alone, its fields spelled out: a loop over them costs twice as
    much, and /metrics builds some 800 records."""
    hints = typing.get_type_hints(cls)
    scope: dict[str, Any] = {"cls": cls}
    lines = ["def make(value, get):", "    values = {}"]
    for i, f in enumerate(dataclasses.fields(cls)):
        scope[f"c{i}"] = _converter(hints[f.name])
        optional = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        lines.append(f"    raw = get(value, {f.name!r})")
        if optional:  # missing from stored JSON: the default
            lines.append(f"    if raw is not None:\n        values[{f.name!r}] = c{i}(raw, get)")
        else:
            lines.append(f"    values[{f.name!r}] = c{i}(raw, get)")
    lines.append("    return cls(**values)")
    exec("\n".join(lines), scope)
    return scope["make"]


# Made while the module is imported, so inside Spin once, in the snapshot every instance starts
# from, and not again at each request's first record.
for _cls in (Measurement, Listing, Versions, Failures, Backoff, Lease, ListingPage, VersionsPage):
    _converter(_cls)
