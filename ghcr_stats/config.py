"""The app's settings, read from Spin variables (declared in spin.toml, all strings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from .names import check_owner


class ConfigError(ValueError):
    """A variable holds a value the app cannot use."""


@dataclass(frozen=True)
class Settings:
    owner: str = "fluxcd"
    upstream: str = "https://github.com"
    cache_ttl: int = 3600  # seconds a measurement is served without asking the upstream
    history_limit: int = 1000  # measurements kept per package
    max_concurrency: int = 8  # outbound requests in flight for an owner-wide request
    page_max_bytes: int = 5_000_000  # a larger upstream page is refused, not parsed
    fetch_timeout: int = 10  # seconds to wait for the upstream's first byte, and between bytes
    fetch_deadline: int = 30  # seconds a whole upstream response may take, body included
    failure_backoff: int = 30  # seconds to leave the upstream alone after it failed
    max_backoff: int = 3600  # the longest a 429's Retry-After keeps the app from the upstream
    # "system", or "store" for tests only: the time is what they write under the store's key
    # `test-clock` (ghcr_stats.clock), so that they move it instead of waiting.
    clock: str = "system"

    @classmethod
    def load(cls, get: Callable[[str], str]) -> "Settings":
        """Settings from a variable getter (`spin_sdk.variables.get`, or a dict's `__getitem__`)."""
        values = {}
        for name, default in cls.__dataclass_fields__.items():
            raw = get(name)
            if isinstance(default.default, int):
                try:
                    values[name] = int(raw)
                except ValueError:
                    raise ConfigError(f"variable {name} must be a whole number, not {raw!r}") from None
                if values[name] < 1:
                    raise ConfigError(f"variable {name} must be at least 1, not {raw!r}")
            else:
                values[name] = raw
        try:
            values["owner"] = check_owner(values["owner"])
        except ValueError as e:
            raise ConfigError(f"variable owner: {e}") from None
        if values["clock"] not in ("system", "store"):
            raise ConfigError(f"variable clock must be 'system' or 'store', not {values['clock']!r}")
        url = urlsplit(values["upstream"])
        if url.scheme not in ("http", "https") or not url.hostname or url.path not in ("", "/"):
            raise ConfigError(f"variable upstream must be an http(s) origin, not {values['upstream']!r}")
        return cls(**values)
