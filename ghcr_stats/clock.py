"""The time the app reads: the system's, or, with the variable `clock` set to "store" (tests
only), the seconds since the epoch that the tests write under the store's key `test-clock`, so
that they move time instead of waiting for it."""

from __future__ import annotations

import time
from typing import Callable

from .config import Settings
from .host import KeyValue

KEY = "test-clock"


def clock(settings: Settings, kv: KeyValue, system: Callable[[], float] = time.time) -> Callable[[], float]:
    if settings.clock != "store":
        return system

    def stored() -> float:
        raw = kv.get(KEY)
        return float(raw) if raw is not None else system()  # nothing written yet: the system's

    return stored
