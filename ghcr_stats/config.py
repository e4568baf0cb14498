"""The app's settings, read from Spin variables (declared in spin.toml, all strings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit

from .names import check_owner


class ConfigError(ValueError):
    """A variable holds a value the app cannot use."""


def setting(default: int | str, meaning: str) -> Any:
    """A row of the settings table: the default, and what the setting means, in one line."""
    return field(default=default, metadata={"meaning": meaning})


@dataclass(frozen=True)
class Settings:
    """The settings table: every Spin variable the app reads, with its type, default and meaning.

    spin.toml declares each, the Helm chart passes each on, and the READMEs list them; what they
    say is checked against this table (tests/unit/test_settings_table.py), so a new setting is a
    new row here, then wherever that test asks for it.
    """

    owner: str = setting("fluxcd", "the org or user of `/`, `/stats` and the one-segment routes")
    upstream: str = setting("https://github.com", "the only host contacted (the manifest's `allowed_outbound_hosts`)")
    cache_ttl: int = setting(3600, "seconds a measurement is served without asking the upstream")
    refresh_interval: int = setting(3600, "seconds between the measurements `POST /refresh` asks for: each package once per period, whether or not anyone reads it")
    history_limit: int = setting(1000, "measurements kept per package")
    max_concurrency: int = setting(8, "upstream requests in flight for an owner-wide request")
    page_max_bytes: int = setting(5_000_000, "larger upstream pages are refused, not parsed")
    fetch_timeout: int = setting(10, "seconds to wait for the upstream's first byte, and between bytes")
    fetch_deadline: int = setting(30, "seconds a whole upstream response may take, however steadily it trickles")
    failure_backoff: int = setting(30, "seconds to leave the upstream alone after it failed (5xx, time-out, no connection)")
    max_backoff: int = setting(3600, "the most seconds a 429's `Retry-After` keeps the app from the upstream")
    upstream_budget: int = setting(60, "upstream requests a minute, across every instance and replica; past it, answers come from the store (other owners' reads stop at half)")
    other_owners: str = setting("packages", "`packages`: other owners' packages one at a time, outside /metrics; `all`: their owner-wide views and /metrics series too")
    forwarded_headers: str = setting("ignore", "`trust` behind a reverse proxy that sets them: a page's own URL (its QR code, its links) from `X-Forwarded-Host` and `-Proto`; `ignore`: from `Host`")

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
        if values["other_owners"] not in ("packages", "all"):
            raise ConfigError(f"variable other_owners must be 'packages' or 'all', not {values['other_owners']!r}")
        if values["forwarded_headers"] not in ("ignore", "trust"):
            raise ConfigError(f"variable forwarded_headers must be 'ignore' or 'trust', not {values['forwarded_headers']!r}")
        url = urlsplit(values["upstream"])
        if url.scheme not in ("http", "https") or not url.hostname or url.path not in ("", "/"):
            raise ConfigError(f"variable upstream must be an http(s) origin, not {values['upstream']!r}")
        return cls(**values)


def shape(values: Callable[[str], str]) -> str:
    """Every setting's value as given, in one string: two instances given the same make the
    same answers (`Host.shape`)."""
    return "\x00".join(values(name) for name in Settings.__dataclass_fields__)
