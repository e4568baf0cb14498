"""The use cases: a package's numbers and an owner's, from the store while fresh, else upstream.

The rule for failures: a failed fetch is counted and the last good value is served, marked
stale; only with nothing stored does the failure reach the client.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from . import scrape
from .host import Host
from .scrape import NotFound, UpstreamError
from .store import Listing, Measurement, Store


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
    now = host.clock()
    if latest and now - latest.fetched_at < host.settings.cache_ttl:
        return Reading(latest)
    # A 404 is cached like a value, so that asking for a missing package does not reach GitHub.
    if latest is None and now - store.missing_since(owner, name) < host.settings.cache_ttl:
        raise NotFound(f"no container package {name!r} for owner {owner!r}")
    try:
        measurement = await scrape.package(host, store, owner, name)
    except NotFound:
        store.set_missing(owner, name, now)
        raise
    except UpstreamError as e:
        store.note_failure(owner, name, e.message, host.clock())
        if latest is None:
            raise
        return Reading(latest, stale=True, error=e)
    store.record(measurement)
    return Reading(measurement)


async def owner(host: Host, store: Store, owner: str) -> OwnerReading:
    """Every package of `owner`, fetched concurrently with a bounded number in flight."""
    listing, listing_error = await _listing(host, store, owner)
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


async def _listing(host: Host, store: Store, owner: str) -> tuple[Listing, UpstreamError | None]:
    stored = store.listing(owner)
    if stored and host.clock() - stored.fetched_at < host.settings.cache_ttl:
        return stored, None
    try:
        listing = await scrape.listing(host, store, owner)
    except NotFound:
        raise
    except UpstreamError as e:
        if stored is None:
            raise
        return stored, e
    store.record_listing(listing)
    return listing, None
