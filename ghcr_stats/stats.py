"""The use cases: a package's numbers, its versions, and an owner's, from the store while
fresh, else from the upstream.

The rule for failures: a failed fetch is counted and the last good value is served, marked
stale; only with nothing stored does the failure reach the client. A 404 is remembered for the
TTL like a value, and likewise stands aside for a stored value, which is served stale with it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Awaitable, Callable, TypeVar

from . import lease, scrape
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
    try:
        measurement, error = await _read_through(
            host,
            store,
            f"package:{owner}/{name}",
            lambda: store.latest(owner, name),
            fetch=lambda: scrape.package(host, store, owner, name, latest.url if latest else None),
            keep=store.record,
            gone=f"no container package {name!r} for owner {owner!r}",
        )
    except NotFound:
        raise
    except UpstreamError as e:
        _count_failure(store, owner, name, e, known=False)
        raise
    if error is not None:
        _count_failure(store, owner, name, error, known=True)
    return Reading(measurement, error is not None, error)


def _count_failure(store: Store, owner: str, name: str, e: UpstreamError, known: bool) -> None:
    """Count a failed read, for /metrics, of a package that GitHub has shown: read before, or
    in its owner's listing. Names nobody has seen on GitHub are any client's to invent, and
    would make a series each."""
    listing = store.listing(owner)
    if not isinstance(e, NotFound) and (known or (listing is not None and name in listing.packages)):
        store.note_failure(owner, name, e.reason)


async def versions(host: Host, store: Store, owner: str, name: str) -> tuple[Versions, UpstreamError | None]:
    """The package's tagged versions and their downloads (stale with the error, if it is)."""
    return await _read_through(
        host,
        store,
        f"versions:{owner}/{name}",
        lambda: store.versions(owner, name),
        fetch=lambda: scrape.versions(host, store, owner, name),
        keep=store.record_versions,
        gone=f"no container package {name!r} for owner {owner!r}",
    )


async def owner(host: Host, store: Store, owner: str) -> OwnerReading:
    """Every package of `owner`, fetched concurrently with a bounded number in flight."""
    listing, listing_error = await _read_through(
        host,
        store,
        f"listing:{owner}",
        lambda: store.listing(owner),
        fetch=lambda: scrape.listing(host, store, owner),
        keep=store.record_listing,
        gone=f"no owner {owner!r} on the upstream",
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
    host: Host,
    store: Store,
    key: str,
    load: Callable[[], T | None],
    fetch: Callable[[], Awaitable[T]],
    keep: Callable[[T], T | None],
    gone: str,
) -> tuple[T, UpstreamError | None]:
    """The stored value while younger than the TTL; else a fresh value, kept; else the stored
    one, with the error (a 404 too). With nothing stored, the failure propagates. A 404 is
    remembered under `key` for the TTL, and not asked about again meanwhile. One instance at a
    time fetches `key`; the others wait briefly for its result (ghcr_stats.lease)."""
    stored = load()
    if (answer := _from_store(host, store, key, stored, gone)) is not None:
        return answer
    token = await lease.take(host, store, key, seconds=2 * host.settings.fetch_deadline)
    if token is None:
        await lease.wait(host, store, key)
        stored = load()
        if (answer := _from_store(host, store, key, stored, gone)) is not None:
            return answer
        busy = scrape.backoff_error(host, store) or UpstreamError(
            503, "fetch-in-progress", "another request is reading this from the upstream; ask again in a few seconds"
        )
        if stored is None:
            raise busy
        return stored, busy
    now = host.clock()
    try:
        value = await fetch()
    except NotFound:
        store.set_missing(key, now, forget_before=now - host.settings.cache_ttl)
        if stored is None:
            raise
        return stored, NotFound(f"{gone} (the upstream answers 404)")
    except UpstreamError as e:
        if stored is None:
            raise
        return stored, e
    finally:
        lease.give_back(store, key, token)
    return keep(value) or value, None


def _from_store(host: Host, store: Store, key: str, stored: T | None, gone: str) -> tuple[T, UpstreamError | None] | None:
    """The answer the store holds without asking the upstream: a fresh value, or a 404 it
    remembers (raised, or beside the stale value); None if the upstream must be asked."""
    now = host.clock()
    ttl = host.settings.cache_ttl
    if stored is not None and now - stored.fetched_at < ttl:
        return stored, None
    if now - (since := store.missing_since(key)) >= ttl:
        return None
    if stored is None:
        raise NotFound(gone)
    return stored, NotFound(f"{gone} (the upstream answered 404 {now - since:.0f} s ago)")
