"""The use cases: a package's numbers, its versions, and an owner's, from the store while
fresh, else from the upstream; and what the store holds, for the pages and /metrics.

The rule for failures: a failed fetch is counted and the last good value is served, marked
stale; only with nothing stored does the failure reach the client. A 404 is remembered for the
TTL like a value, and likewise stands aside for a stored value, which is served stale with it.
Every write to the store happens here (and in `lease`, which this layer uses).
"""

from __future__ import annotations

import asyncio
from typing import Awaitable, Callable, TypeVar

from . import lease, scrape
from .host import Host, StoreError
from .model import AppError, Backoff, Listing, Measurement, NotFound, OwnerReading, Reading, Tracked, Versions
from .store import Store

T = TypeVar("T")

FAILURES_BEFORE_BACKOFF = 3  # within failure_backoff seconds
BUDGET_WINDOW = 60.0  # seconds: upstream_budget is requests per this long


class Stats:
    def __init__(self, host: Host):
        self.host = host
        self.store = Store(host.kv, host.settings.history_limit)
        self.memory = UpstreamMemory(host, self.store)

    async def package(self, owner: str, name: str) -> Reading:
        host, store = self.host, self.store
        latest = store.latest(owner, name)

        async def fetch() -> Measurement:
            url, page = await scrape.package(host, self.memory, owner, name, latest.url if latest else None)
            return Measurement(owner, name, page, url, host.clock())

        try:
            measurement, error = await self._read_through(
                f"package:{owner}/{name}",
                lambda: store.latest(owner, name),
                fetch=fetch,
                keep=store.record,
                gone=f"no container package {name!r} for owner {owner!r}",
            )
        except NotFound:
            raise
        except AppError as e:
            self._count_failure(owner, name, e, known=False)
            raise
        if error is not None:
            self._count_failure(owner, name, error, known=True)
        return Reading(measurement, error is not None, error)

    def _count_failure(self, owner: str, name: str, e: AppError, known: bool) -> None:
        """Count a failed read, for /metrics, of a package that GitHub has shown: read before, or
        in its owner's listing. Names nobody has seen on GitHub are any client's to invent, and
        would make a series each."""
        listing = self.store.listing(owner)
        if not isinstance(e, NotFound) and (known or (listing is not None and name in listing.packages)):
            try:
                self.store.note_failure(owner, name, e.reason)
            except StoreError:
                pass  # the count is lost; the answer is not

    async def versions(self, owner: str, name: str) -> tuple[Versions, AppError | None]:
        """The package's tagged versions and their downloads (stale with the error, if it is)."""
        host, store = self.host, self.store

        async def fetch() -> Versions:
            found, complete = await scrape.versions(host, self.memory, owner, name)
            return Versions(owner, name, found, host.clock(), complete)

        return await self._read_through(
            f"versions:{owner}/{name}",
            lambda: store.versions(owner, name),
            fetch=fetch,
            keep=store.record_versions,
            gone=f"no container package {name!r} for owner {owner!r}",
        )

    async def owner(self, owner: str) -> OwnerReading:
        """Every package of `owner`, fetched concurrently with a bounded number in flight."""
        host, store = self.host, self.store

        async def fetch() -> Listing:
            names, complete = await scrape.listing(host, self.memory, owner)
            return Listing(owner, names, host.clock(), complete)

        listing, listing_error = await self._read_through(
            f"listing:{owner}",
            lambda: store.listing(owner),
            fetch=fetch,
            keep=store.record_listing,
            gone=f"no owner {owner!r} on the upstream",
        )
        limit = asyncio.Semaphore(host.settings.max_concurrency)

        async def one(name: str) -> Reading | AppError:
            async with limit:
                try:
                    return await self.package(owner, name)
                except AppError as e:
                    return e

        results = await asyncio.gather(*(one(name) for name in listing.packages))
        readings = [r for r in results if isinstance(r, Reading)]
        failed = {n: r for n, r in zip(listing.packages, results) if isinstance(r, AppError)}
        return OwnerReading(owner, listing, readings, failed, listing_error)

    def history(self, owner: str, name: str) -> list[tuple]:
        """(time, total) points, oldest first; (time, total, True) where the total fell."""
        return self.store.history(owner, name)

    def tag_histories(self, owner: str, name: str) -> dict[str, list[tuple[float, int]]]:
        return self.store.tag_histories(owner, name)

    def tracked(self) -> list[Tracked]:
        """Every package ever measured or tried, in name order: the configured owner's, and other
        owners' only where `other_owners` is `all` (any client can name them)."""
        result = []
        for key in self.store.index():
            owner, package = key.split("/", 1)
            if owner != self.host.settings.owner and self.host.settings.other_owners != "all":
                continue
            result.append(Tracked(owner, package, self.store.latest(owner, package), self.store.failures(owner, package)))
        return result

    async def _read_through(
        self,
        key: str,
        load: Callable[[], T | None],
        fetch: Callable[[], Awaitable[T]],
        keep: Callable[[T], T | None],
        gone: str,
    ) -> tuple[T, AppError | None]:
        """The stored value while younger than the TTL; else a fresh value, kept; else the stored
        one, with the error (a 404 too). With nothing stored, the failure propagates. A 404 is
        remembered under `key` for the TTL, and not asked about again meanwhile. One instance at a
        time fetches `key`; the others wait briefly for its result (ghcr_stats.lease)."""
        host, store = self.host, self.store
        stored = load()
        if (answer := self._from_store(key, stored, gone)) is not None:
            return answer
        seconds = lease.length(host.settings)
        try:
            token = await lease.take(host, store, key, seconds)
            if token is None and stored is None:
                # Nothing to answer meanwhile: wait for the other's fetch, then, should it have
                # left nothing (it failed, or its instance died), try once to fetch here.
                await lease.wait(host, store, key, seconds)
                stored = load()
                if (answer := self._from_store(key, stored, gone)) is not None:
                    return answer
                token = await lease.take(host, store, key, seconds)
        except StoreError as e:
            # A store that takes no writes would lose what is fetched, and every request would
            # fetch it again: the upstream is not asked.
            return self._unwritable(stored, e)
        if token is None:
            busy = self.memory.leave_alone() or AppError(
                503, "fetch-in-progress", "another request is reading this from the upstream; ask again in a few seconds"
            )
            if stored is None:
                raise busy
            return stored, busy
        now = host.clock()
        try:
            # Kept before the lease is given back: a waiter that sees it gone reads the value.
            kept = keep(value := await fetch()) or value
        except NotFound:
            store.set_missing(key, now, forget_before=now - host.settings.cache_ttl)
            if stored is None:
                raise
            return stored, NotFound(f"{gone} (the upstream answers 404)")
        except AppError as e:
            if stored is None:
                raise
            return stored, e
        except StoreError as e:
            return self._unwritable(stored, e)
        finally:
            lease.give_back(store, key, token)
        return kept, None

    @staticmethod
    def _unwritable(stored: T | None, e: StoreError) -> tuple[T, AppError]:
        failure = AppError(503, "store-unwritable", f"{e}; what is stored is served, nothing is fetched")
        if stored is None:
            raise failure
        return stored, failure

    def _from_store(self, key: str, stored: T | None, gone: str) -> tuple[T, AppError | None] | None:
        """The answer the store holds without asking the upstream: a fresh value, or a 404 it
        remembers (raised, or beside the stale value); None if the upstream must be asked."""
        now = self.host.clock()
        ttl = self.host.settings.cache_ttl
        # A value read "in the future" (the clock has since gone back) is not fresh: it would
        # stay fresh until the clock caught up with it.
        if stored is not None and 0 <= now - stored.fetched_at < ttl:
            return stored, None
        if not 0 <= now - (since := self.store.missing_since(key)) < ttl:
            return None
        if stored is None:
            raise NotFound(gone)
        return stored, NotFound(f"{gone} (the upstream answered 404 {now - since:.0f} s ago)")


class UpstreamMemory:
    """What reading GitHub remembers between requests (`scrape.Memory`), in the store: leave
    the upstream alone for as long as a 429 asks (at most `max_backoff`), and for
    `failure_backoff` once it has failed FAILURES_BEFORE_BACKOFF times within that long (an
    outage, not one slow page, which would otherwise fail every other read under way with
    it); which kind of owner each name is, and which names are no owner; and the upstream
    requests made in the last minute, against `upstream_budget`."""

    def __init__(self, host: Host, store: Store):
        self.host = host
        self.store = store

    def spend(self, owner: str) -> None:
        """Count one upstream request against the budget shared by every instance, or raise: the
        configured owner's reads may spend all of it, other owners' half."""
        s = self.host.settings
        limit = s.upstream_budget if owner == s.owner else s.upstream_budget // 2
        key, rank = self.store.spend(self.host.clock(), BUDGET_WINDOW)
        if rank > limit:
            self.store.unspend(key)
            raise AppError(
                503, "upstream-budget",
                f"the app has made the {limit} upstream requests a minute it may for {owner!r}; answering from the store",
            )

    def owner_missing(self, owner: str) -> bool:
        return 0 <= self.host.clock() - self.store.missing_since(f"owner:{owner}") < self.host.settings.cache_ttl

    def found_no_owner(self, owner: str) -> None:
        now = self.host.clock()
        self.store.set_missing(f"owner:{owner}", now, forget_before=now - self.host.settings.cache_ttl)

    def leave_alone(self) -> AppError | None:
        s = self.host.settings
        now = self.host.clock()
        if b := self.store.backoff(now, max(s.max_backoff, s.failure_backoff)):
            return AppError(502, b.code, f"{b.reason}; not asking the upstream again for {b.until - now:.0f} s")
        return None

    def failed(self, reason: str) -> None:
        now, window = self.host.clock(), self.host.settings.failure_backoff
        if self.store.note_upstream_failure(now, window) >= FAILURES_BEFORE_BACKOFF:
            self.store.set_backoff(Backoff(now + window, "upstream-backoff", reason))

    def rate_limited(self, seconds: float) -> None:
        wait = min(seconds, float(self.host.settings.max_backoff))
        self.store.set_backoff(Backoff(self.host.clock() + wait, "rate-limited", "the upstream answered 429 (rate limited)"))

    def owner_kind(self, owner: str) -> str | None:
        return self.store.owner_kind(owner)

    def found_owner_kind(self, owner: str, kind: str) -> None:
        self.store.set_owner_kind(owner, kind)
