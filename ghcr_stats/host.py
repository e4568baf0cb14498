"""What the app needs from its host, as protocols: the edges that adapters fill.

Inside Spin these are outbound wasi:http, Spin's key-value store and the imported parser
component (`ghcr_stats.adapters.spin`); in CPython (tests, tools), httpx, a dict and the same
parser component loaded with wasmtime-py.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Protocol

from .config import Settings
from .model import ListingPage, PackagePage, VersionsPage


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


class FetchError(Exception):
    """The upstream could not be read at all: no connection, a time-out, a body over the cap."""


class TooLarge(FetchError):
    """The body is over the cap: a page of ours too large, not a failing upstream."""


class Http(Protocol):
    async def get(self, url: str, *, timeout: float, deadline: float, max_bytes: int) -> Fetched:
        """GET `url`; raise FetchError on a connection failure (TooLarge for a body over
        `max_bytes`), a wait
        longer than `timeout` seconds for the first byte or the next, or a response (body
        included) taking longer than `deadline` seconds in all."""
        ...


class Parser(Protocol):
    """The `parser` interface of `wit/parser.wit`. Each method raises `model.ParseError`."""

    def parse_package_page(self, html: str) -> PackagePage: ...

    def parse_listing_page(self, html: str) -> ListingPage: ...

    def parse_versions_page(self, html: str) -> VersionsPage: ...


class StoreError(Exception):
    """The key-value store refused a read or a write: full, unreachable, a key it cannot hold."""


class KeyValue(Protocol):
    """A key-value store; each method raises StoreError when the store fails."""

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes) -> None: ...

    def delete(self, key: str) -> None: ...

    def get_keys(self) -> list[str]: ...


@dataclass
class Host:
    settings: Settings
    http: Http
    kv: KeyValue
    parser: Parser
    clock: Callable[[], float]  # seconds since the epoch
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep  # Spin's event loop has no timers of its own
    # Work left for after the response is complete (refreshes of what was answered stale), by
    # key: the edge runs it once the body is sent (`service.after`), as wasi:http lets a handler
    # go on; a key asked for twice is refreshed once.
    behind: dict[str, Callable[[], Awaitable[None]]] = field(default_factory=dict)
    # The settings as the host read them (inside Spin, the variables' values, `config.shape`):
    # what the answers kept ready are kept under, known before the settings are parsed.
    given: str | None = None

    @property
    def shape(self) -> str:
        return self.given if self.given is not None else repr(self.settings)
