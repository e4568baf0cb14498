"""The use cases: a package's numbers, its versions, and an owner's, answered from the store
at once and refreshed behind the answer when stale; the measurements the schedule asks for; and
what the store holds, for the pages and /metrics.

The rule for failures: a failed refresh is counted and remembered, and the last good value is
served, marked stale, with why; only with nothing stored does a request wait for the upstream,
and only then does the failure reach the client. A 404 is remembered for the TTL like a value,
and likewise stands aside for a stored value, which is served stale with it. Every write to the
store happens here (and in `lease`, which this layer uses).
"""

from __future__ import annotations

import asyncio
import math
import sys
from dataclasses import dataclass
from itertools import islice
from typing import Awaitable, Callable, Generic, TypeVar

from . import keys, lease, scrape
from .host import Host, StoreError
from .model import AppError, Backoff, Listing, Measurement, NotFound, OwnerReading, PackageRef, Point, Reading, Tracked, Versions
from .store import Store

T = TypeVar("T")

FAILURES_BEFORE_BACKOFF = 3  # within failure_backoff seconds
BUDGET_WINDOW = 60.0  # seconds: upstream_budget is requests per this long
SCHEDULED_OTHERS = 100  # other owners' packages the schedule measures (the first, by name)


@dataclass(frozen=True)
class Source(Generic[T]):
    """One thing read from the upstream and kept: under which key, and how it is loaded from
    the store, fetched, kept, and what a 404 of it means."""

    key: str
    load: Callable[[], T | None]
    fetch: Callable[[], Awaitable[T]]
    keep: Callable[[T], T | None]
    gone: str
    failed: Callable[[AppError], None] = lambda e: None  # a refresh behind an answer failed


@dataclass
class Seen:
    """What an answer was made from, for keeping it ready (`ready`): the read times of the values
    it read from the upstream's, and whether each was fresh (none stale, failed or missing)."""

    oldest: float = math.inf
    newest: float = -math.inf
    all_fresh: bool = True

    @property
    def keepable(self) -> bool:
        return self.all_fresh and self.oldest <= self.newest

    def read(self, fetched_at: float, fresh: bool) -> None:
        self.oldest, self.newest = min(self.oldest, fetched_at), max(self.newest, fetched_at)
        self.all_fresh = self.all_fresh and fresh


class Stats:
    def __init__(self, host: Host):
        self.host = host
        self.store = Store(host.kv, host.settings.history_limit)
        self.memory = UpstreamMemory(host, self.store)
        self.seen = Seen()

    async def package(self, ref: PackageRef) -> Reading:
        try:
            measurement, error = await self._read_through(self._package(ref))
        except NotFound:
            raise
        except AppError as e:
            self._count_failure(ref, e, known=False)
            raise
        return Reading(measurement, error is not None, error)

    async def versions(self, ref: PackageRef) -> tuple[Versions, AppError | None]:
        """The package's tagged versions and their downloads (stale with the error, if it is)."""
        return await self._read_through(self._versions(ref))

    async def owner(self, owner: str) -> OwnerReading:
        """Every package of `owner`; those never read are fetched concurrently, with a bounded
        number in flight."""
        listing, listing_error = await self._read_through(self._listing(owner))
        limit = asyncio.Semaphore(self.host.settings.max_concurrency)

        async def one(name: str) -> Reading | AppError:
            async with limit:
                try:
                    return await self.package(PackageRef(owner, name))
                except AppError as e:
                    return e

        results = await asyncio.gather(*(one(name) for name in listing.packages))
        readings = [r for r in results if isinstance(r, Reading)]
        failed = {n: r for n, r in zip(listing.packages, results) if isinstance(r, AppError)}
        return OwnerReading(owner, listing, readings, failed, listing_error)

    def collect(self) -> list[str]:
        """Leave for after the response a measurement of every package due one, and return
        their references. Due: not measured in the current period of
        `refresh_interval`, periods counted from the epoch, so that however often this is asked
        within one, each package is measured once in it (again only if that failed). Which: the
        configured owner's, by its listing (itself read again when due), and the first
        SCHEDULED_OTHERS of other owners' packages ever read."""
        s = self.host.settings
        now = self.host.clock()
        since = now - now % s.refresh_interval

        def due(value: Measurement | Listing | None) -> bool:
            return value is None or not since <= value.fetched_at <= now

        listing = self.store.listing(s.owner)
        mine = [PackageRef(s.owner, n) for n in (listing.packages if listing else [])]
        latest = {ref: self.store.latest(ref) for ref in mine}
        others = (ref for ref in self.store.index() if ref.owner != s.owner)
        read = ((ref, self.store.latest(ref)) for ref in others)
        latest.update(islice(((ref, m) for ref, m in read if m is not None), SCHEDULED_OTHERS))
        todo = [ref for ref, m in latest.items() if due(m)]
        for ref in todo:
            self._claim_behind(self._package(ref))
        if due(listing) and (token := self._claim(keys.fetched_listing(s.owner))):

            async def listing_then_new_packages() -> None:
                await self._refresh(self._listing(s.owner), token)
                listed = self.store.listing(s.owner)
                for ref in (PackageRef(s.owner, n) for n in (listed.packages if listed else [])):
                    if ref not in todo and due(self.store.latest(ref)):
                        self._behind(self._package(ref))

            self.host.behind[keys.fetched_listing(s.owner)] = listing_then_new_packages
        return todo

    # -- what is read, and how --------------------------------------------------------------

    def _package(self, ref: PackageRef) -> Source[Measurement]:
        async def fetch() -> Measurement:
            known = self.store.latest(ref)
            url, page = await scrape.package(self.host, self.memory, ref, known.url if known else None)
            return Measurement(ref.owner, ref.name, page, url, self.host.clock())

        return Source(
            keys.fetched_package(ref),
            lambda: self.store.latest(ref),
            fetch,
            self.store.record,
            scrape.no_package(ref),
            lambda e: self._count_failure(ref, e, known=True),
        )

    def _versions(self, ref: PackageRef) -> Source[Versions]:
        async def fetch() -> Versions:
            found, complete, skipped = await scrape.versions(self.host, self.memory, ref)
            return Versions(ref.owner, ref.name, found, self.host.clock(), complete, skipped)

        return Source(
            keys.fetched_versions(ref),
            lambda: self.store.versions(ref),
            fetch,
            self.store.record_versions,
            scrape.no_package(ref),
        )

    def _listing(self, owner: str) -> Source[Listing]:
        async def fetch() -> Listing:
            names, complete = await scrape.listing(self.host, self.memory, owner)
            return Listing(owner, names, self.host.clock(), complete)

        return Source(keys.fetched_listing(owner), lambda: self.store.listing(owner), fetch, self.store.record_listing, f"no owner {owner!r} on the upstream")

    def _count_failure(self, ref: PackageRef, e: AppError, known: bool) -> None:
        """Count a failed read, for /metrics, of a package that GitHub has shown: read before, or
        in its owner's listing. Names nobody has seen on GitHub are any client's to invent, and
        would make a series each. A 404 is GitHub's answer, not a failure: the callers keep it
        from here. A read left to another instance is no read of this one (its own failure, if it
        fails, is counted there)."""
        if e.code == "fetch-in-progress":
            return
        listing = self.store.listing(ref.owner)
        if known or (listing is not None and ref.name in listing.packages):
            try:
                self.store.note_failure(ref, e.reason)
            except StoreError:
                pass  # the count is lost; the answer is not

    def history(self, ref: PackageRef) -> list[Point]:
        """The package's measured totals, oldest first."""
        return self.store.history(ref)

    def tag_histories(self, ref: PackageRef) -> dict[str, list[tuple[float, int]]]:
        return self.store.tag_histories(ref)

    def tracked(self, read: OwnerReading | None = None) -> list[Tracked]:
        """Every package ever measured or tried, in name order: the configured owner's, and other
        owners' only where `other_owners` is `all` (any client can name them). The measurements
        `read` holds (an owner's reading of this request) are not read again."""
        s = self.host.settings
        known = {r.measurement.ref: r.measurement for r in read.readings} if read else {}
        return [
            Tracked(ref, known[ref] if ref in known else self.store.latest(ref), self.store.failures(ref))
            for ref in self.store.index()
            if ref.owner == s.owner or s.other_owners == "all"
        ]

    async def _read_through(self, source: Source[T]) -> tuple[T, AppError | None]:
        try:
            value, error = await self._stored_or_fetched(source)
        except BaseException:
            self.seen.all_fresh = False
            raise
        self.seen.read(value.fetched_at, error is None)  # type: ignore[attr-defined]
        return value, error

    async def _stored_or_fetched(self, source: Source[T]) -> tuple[T, AppError | None]:
        """The stored value, at once: fresh while younger than the TTL, else stale with why (a
        refresh under way, the one that last failed, a back-off, a 404), refreshed once the
        response is complete. Only with nothing stored does the request wait for the upstream,
        and then a failure propagates. A 404 is remembered for the TTL, and not asked about
        again meanwhile."""
        key = source.key
        stored = source.load()
        if (answer := self._from_store(key, stored, source.gone)) is not None:
            return answer
        if stored is not None:
            return stored, self._refresh_behind(source, stored.fetched_at)
        seconds = lease.length(self.host.settings)
        try:
            token = await lease.take(self.host, self.store, key, seconds)
            if token is None:
                # Another instance is fetching it: wait for its result, then, should it have
                # left nothing (it failed, or its instance died), try once to fetch here.
                await lease.wait(self.host, self.store, key, seconds)
                if (answer := self._from_store(key, source.load(), source.gone)) is not None:
                    return answer
                token = await lease.take(self.host, self.store, key, seconds)
        except StoreError as e:
            # A store that takes no writes would lose what is fetched, and every request would
            # fetch it again: the upstream is not asked.
            raise _unwritable(e) from None
        if token is None:
            raise self.memory.leave_alone() or AppError(
                "fetch-in-progress", "another request is reading this from the upstream; ask again in a few seconds"
            )
        try:
            # Kept before the lease is given back: a waiter that sees it gone reads the value.
            kept = source.keep(value := await source.fetch()) or value
        except NotFound:
            self.memory.found_missing(key)
            raise
        except StoreError as e:
            raise _unwritable(e) from None
        finally:
            lease.give_back(self.store, key, token)
        return kept, None

    def _refresh_behind(self, source: Source, fetched_at: float) -> AppError:
        """Leave a refresh of `source` for after the response, unless the upstream is being left
        alone or another instance holds the lease; returns why the stored value is stale."""
        if backoff := self.memory.leave_alone():
            return backoff
        try:
            self._claim_behind(source)
        except StoreError as e:
            return _unwritable(e)
        last = self.store.last_failure(source.key)
        if last is not None and last[0] >= fetched_at:
            return last[1]  # the last refresh failed; this one may too
        age, ttl = self.host.clock() - fetched_at, self.host.settings.cache_ttl
        return AppError("refreshing", f"read {age:.0f} s ago, past the cache TTL of {ttl} s; a refresh is under way")

    def _claim(self, key: str) -> str | None:
        return lease.claim(self.host, self.store, key, lease.length(self.host.settings))

    def _claim_behind(self, source: Source) -> None:
        """Leave a refresh of `source` for after the response, unless another holds its lease."""
        if (token := self._claim(source.key)) is not None:
            self._behind(source, token)

    def _behind(self, source: Source, token: str | None = None) -> None:
        self.host.behind[source.key] = lambda: self._refresh(source, token)

    async def _refresh(self, source: Source, token: str | None) -> None:
        """Fetch `source` and keep it, under the lease (claimed as `token`, or taken here); a
        failure changes nothing stored but the note of it, which later answers show."""
        key, seconds = source.key, lease.length(self.host.settings)
        try:
            if token is None:
                token = await lease.take(self.host, self.store, key, seconds)
            elif not await lease.hold(self.host, self.store, key, token, seconds):
                token = None
            if token is None:
                return  # another instance refreshes it
            now = self.host.clock()
            try:
                source.keep(await source.fetch())
            except NotFound:
                self.memory.found_missing(key)
            except AppError as e:
                self.store.set_last_failure(key, now, e)
                source.failed(e)
            finally:
                lease.give_back(self.store, key, token)
        except StoreError as e:
            print(f"ghcr-stats: the refresh of {key!r} could not be kept: {e}", file=sys.stderr)

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


def _unwritable(e: StoreError) -> AppError:
    return AppError("store-unwritable", f"{e}; what is stored is served, nothing is fetched")


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
                "upstream-budget",
                f"the app has made the {limit} upstream requests a minute it may for {owner!r}; answering from the store",
            )

    def owner_missing(self, owner: str) -> bool:
        return 0 <= self.host.clock() - self.store.missing_since(keys.fetched_owner(owner)) < self.host.settings.cache_ttl

    def found_no_owner(self, owner: str) -> None:
        self.found_missing(keys.fetched_owner(owner))

    def found_missing(self, key: str) -> None:
        """The upstream answered 404 for `key`: remembered for the TTL (the older ones forgotten)."""
        now = self.host.clock()
        self.store.set_missing(key, now, forget_before=now - self.host.settings.cache_ttl)

    def leave_alone(self) -> AppError | None:
        s = self.host.settings
        now = self.host.clock()
        if b := self.store.backoff(now, max(s.max_backoff, s.failure_backoff)):
            return AppError(b.code, f"{b.reason}; not asking the upstream again for {b.until - now:.0f} s")
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
