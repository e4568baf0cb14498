"""What the HTML parser reads off GitHub's pages: the Python side of `wit/parser.wit`.

Adapters turn whatever their host returns (componentize-py dataclasses inside Spin,
`wasmtime.component.Record` in CPython) into these, so the core never sees a binding type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class DailyCount:
    date: str
    count: int


@dataclass(frozen=True)
class PackagePage:
    total_downloads: int
    total_exact: bool
    display_total: str
    daily_downloads: list[DailyCount] = field(default_factory=list)
    last_published: str | None = None
    repository: str | None = None
    latest_version: str | None = None


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
class VersionCount:
    tag: str
    downloads: int


@dataclass(frozen=True)
class VersionsPage:
    versions: list[VersionCount]
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
