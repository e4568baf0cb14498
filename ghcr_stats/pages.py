"""What the HTML parser reads off GitHub's pages: the Python side of `wit/parser.wit`.

Adapters turn whatever their host returns (componentize-py dataclasses inside Spin,
`wasmtime.component.Record` in CPython) into these, so the core never sees a binding type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .numbers import utc


@dataclass(frozen=True)
class DailyCount:
    date: str
    count: int


LATEST_TAG = "latest"  # the moving alias GitHub puts on the newest version


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
class PackagePage:
    total_downloads: int
    total_exact: bool
    display_total: str
    daily_downloads: list[DailyCount] = field(default_factory=list)
    last_published: str | None = None  # ISO 8601 with the page's offset
    repository: str | None = None
    latest_version: str | None = None  # a tag, never `latest` unless it is the only one
    recent_versions: list[TaggedVersion] = field(default_factory=list)

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
    repository: str | None = None


@dataclass(frozen=True)
class ListingPage:
    packages: list[ListedPackage]
    next_page: str | None = None


@dataclass(frozen=True)
class VersionsPage:
    versions: list[TaggedVersion]
    next_page: str | None = None


class ParseError(Exception):
    """The parser's `parse-error` variant: `kind` is its case name, `message` its payload."""

    KINDS = ("wrong-page", "not-found", "bad-value")

    def __init__(self, kind: str, message: str):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class Parser(Protocol):
    """The `parser` interface of `wit/parser.wit`. Each method raises ParseError."""

    def parse_package_page(self, html: str) -> PackagePage: ...

    def parse_listing_page(self, html: str) -> ListingPage: ...

    def parse_versions_page(self, html: str) -> VersionsPage: ...
