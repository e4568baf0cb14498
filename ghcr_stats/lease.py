"""One fetch of a thing at a time, across instances: a short lease in the key-value store.

Spin's key-value interface has no compare-and-swap, so a lease is taken by writing a random
token, pausing briefly, and reading it back: of the instances that found the lease free and
wrote at about the same time, only the last writer's token survives, and only it fetches. An
instance that loses waits, polling the store briefly, for the winner's result. Two fetches can
still happen (an instance slower than the pause between its read and its write), never fifty.
"""

from __future__ import annotations

import secrets

from .host import Host, StoreError
from .model import Lease
from .store import Store

SETTLE = 0.05  # seconds between writing a lease and reading back whose it is
POLL = 0.2  # seconds between looks at the store while another instance fetches
WAIT = 10.0  # the longest a request waits for another instance's fetch


async def take(host: Host, store: Store, key: str, seconds: float) -> str | None:
    """A token if this instance now holds the lease on `key` for `seconds`; None if another does."""
    now = host.clock()
    held = store.lease(key)
    if held is not None and held.until > now:
        return None
    token = secrets.token_hex(8)
    store.set_lease(key, Lease(token, now + seconds))
    await host.sleep(SETTLE)
    held = store.lease(key)
    return token if held is not None and held.token == token else None


def give_back(store: Store, key: str, token: str) -> None:
    try:
        held = store.lease(key)
        if held is not None and held.token == token:
            store.drop_lease(key)
    except StoreError:
        pass  # the lease runs out on its own


async def wait(host: Host, store: Store, key: str) -> None:
    """Until the lease on `key` is given back or runs out, for at most WAIT seconds (counted in
    polls, not by the clock, so a wait ends whatever the clock does)."""
    for _ in range(int(WAIT / POLL)):
        held = store.lease(key)
        if held is None or held.until <= host.clock():
            return
        await host.sleep(POLL)
