"""The use cases: a package's numbers, its versions, and an owner's, from the store while
fresh, else from the upstream.

The rule for failures: a failed fetch is counted and the last good value is served, marked
stale; only with nothing stored does the failure reach the client.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Awaitable, Callable, TypeVar

from . import scrape
from .host import Host
from .scrape import NotFound, UpstreamError
from .store import Listing, Measurement, Store, Versions

T = TypeVar("T")


@dataclass(frozen=True)
class Reading:
    measurement: Measurement
    stale: bool = False
    error: UpstreamError | None = None  # why a stale value is served


@dataclass(frozen=True)
class OwnerReading:
    owner: str
    listing: Listing
    readings: list[Reading]
    failed: dict[str, UpstreamError] = field(default_factory=dict)  # package -> error, nothing stored
    listing_error: UpstreamError | None = None

    @property
    def stale(self) -> bool:
        return self.listing_error is not None or any(r.stale for r in self.readings)


async def package(host: Host, store: Store, owner: str, name: str) -> Reading:
    latest = store.latest(owner, name)
    # A 404 is cached like a value, so that asking for a missing package does not reach GitHub.
    if latest is None and host.clock() - store.missing_since(owner, name) < host.settings.cache_ttl:
        raise NotFound(f"no container package {name!r} for owner {owner!r}")
    try:
        measurement, error = await _read_through(
            host,
            latest,
            fetch=lambda: scrape.package(host, store, owner, name, latest.url if latest else None),
            keep=store.record,
        )
    except NotFound:
        store.set_missing(owner, name, host.clock())
        raise
    except UpstreamError as e:
        store.note_failure(owner, name, e.reason)
        raise
    if error is not None:
        store.note_failure(owner, name, error.reason)
    return Reading(measurement, error is not None, error)


async def versions(host: Host, store: Store, owner: str, name: str) -> tuple[Versions, UpstreamError | None]:
    """The package's tagged versions and their downloads (stale with the error, if it is)."""
    return await _read_through(
        host,
        store.versions(owner, name),
        fetch=lambda: scrape.versions(host, store, owner, name),
        keep=store.record_versions,
    )


async def owner(host: Host, store: Store, owner: str) -> OwnerReading:
    """Every package of `owner`, fetched concurrently with a bounded number in flight."""
    listing, listing_error = await _read_through(
        host, store.listing(owner), fetch=lambda: scrape.listing(host, store, owner), keep=store.record_listing
    )
    limit = asyncio.Semaphore(host.settings.max_concurrency)

    async def one(name: str) -> Reading | UpstreamError:
        async with limit:
            try:
                return await package(host, store, owner, name)
            except UpstreamError as e:
                return e

    results = await asyncio.gather(*(one(name) for name in listing.packages))
    readings = [r for r in results if isinstance(r, Reading)]
    failed = {n: r for n, r in zip(listing.packages, results) if isinstance(r, UpstreamError)}
    return OwnerReading(owner, listing, readings, failed, listing_error)


async def _read_through(
    host: Host, stored: T | None, fetch: Callable[[], Awaitable[T]], keep: Callable[[T], None]
) -> tuple[T, UpstreamError | None]:
    """`stored` while younger than the TTL; else a fresh value, kept; else `stored`, with the
    error. NotFound, and any failure with nothing stored, propagate."""
    if stored is not None and host.clock() - stored.fetched_at < host.settings.cache_ttl:
        return stored, None
    try:
        value = await fetch()
    except NotFound:
        raise
    except UpstreamError as e:
        if stored is None:
            raise
        return stored, e
    keep(value)
    return value, None
