"""One fetch of a thing at a time, across instances: a short lease in the key-value store.

Spin's key-value interface has no compare-and-swap, so a lease is taken by writing a random
token, pausing briefly, and reading it back: of the instances that found the lease free and
wrote at about the same time, only the last writer's token survives, and only it fetches. Two
fetches can still happen (an instance slower than the pause between its read and its write),
never fifty.

A lease lasts as long as one fetch may (`fetch_deadline`, and a little): one left by an instance
that crashed runs out on its own, and one that claims to last longer (written before the clock
went back) is not honoured. Only a request with nothing stored to answer waits for another's
fetch, and for no longer than the lease.
"""

from __future__ import annotations

import secrets

from .config import Settings
from .host import Host, StoreError
from .model import Lease
from .store import Store

SETTLE = 0.05  # seconds between writing a lease and reading back whose it is
CHECKS = 2  # read-backs, SETTLE apart, that must all find this instance's token
POLL = 0.2  # seconds between looks at the store while another instance fetches
MARGIN = 2.0  # seconds a lease lasts beyond the fetch deadline: the store's writes, the parse


def length(settings: Settings) -> float:
    """How long a lease lasts: as long as one fetch may take."""
    return settings.fetch_deadline + MARGIN


def _held(held: Lease | None, now: float, seconds: float) -> bool:
    return held is not None and now < held.until <= now + seconds


async def take(host: Host, store: Store, key: str, seconds: float) -> str | None:
    """A token if this instance now holds the lease on `key` for `seconds`; None if another does."""
    token = claim(host, store, key, seconds)
    return token if token is not None and await _confirm(host, store, key, token) else None


def claim(host: Host, store: Store, key: str, seconds: float) -> str | None:
    """Write a token for the lease on `key`, unless another holds it (None); not yet sure to be
    this instance's: `hold` makes sure."""
    now = host.clock()
    if _held(store.lease(key), now, seconds):
        return None
    token = secrets.token_hex(8)
    store.set_lease(key, Lease(token, now + seconds))
    return token


async def hold(host: Host, store: Store, key: str, token: str, seconds: float) -> bool:
    """Whether the lease claimed with `token` is this instance's, now for `seconds` more: a
    claim made a while ago (a refresh queued behind others) starts its time afresh."""
    held = store.lease(key)
    if held is not None and held.token != token and _held(held, host.clock(), seconds):
        return False
    store.set_lease(key, Lease(token, host.clock() + seconds))
    return await _confirm(host, store, key, token)


async def _confirm(host: Host, store: Store, key: str, token: str) -> bool:
    # Read back twice: an instance that found the lease free a moment before this one wrote,
    # but was slower to write (two replicas on a busy machine), has overwritten it by the second
    # look, and the lease is the later writer's alone.
    for _ in range(CHECKS):
        await host.sleep(SETTLE)
        held = store.lease(key)
        if held is None or held.token != token:
            return False
    return True


def give_back(store: Store, key: str, token: str) -> None:
    try:
        held = store.lease(key)
        if held is not None and held.token == token:
            store.drop_lease(key)
    except StoreError:
        pass  # the lease runs out on its own


async def wait(host: Host, store: Store, key: str, seconds: float) -> None:
    """Until the lease on `key` (of `seconds`) is given back or runs out, for at most `seconds`
    (counted in polls, not by the clock, so a wait ends whatever the clock does)."""
    for _ in range(int(seconds / POLL)):
        if not _held(store.lease(key), host.clock(), seconds):
            return
        await host.sleep(POLL)
