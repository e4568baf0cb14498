"""How numbers are shown to people: rounded like GitHub rounds them, and times in ISO 8601."""

from __future__ import annotations

from datetime import datetime, timezone

_UNITS = ("", "K", "M", "B", "T")


def short(n: int) -> str:
    """1234 -> "1.2K", 123_456_789 -> "123M": one decimal below 100 of a unit, none above."""
    if n < 1000:
        return str(n)
    value, unit = float(n), 0
    # Promote while the rounded figure would read 1000 or more ("1000K" is "1M").
    while unit < len(_UNITS) - 1 and round(value, _decimals(value)) >= 1000:
        value /= 1000
        unit += 1
    text = f"{value:.{_decimals(value)}f}"
    return text.removesuffix(".0") + _UNITS[unit]


def _decimals(value: float) -> int:
    return 1 if value < 99.95 else 0


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc(instant: str) -> str:
    """An ISO 8601 instant with an offset, as pages write it (`2026-07-29T00:36:30-07:00`,
    `…Z`), in UTC: `2026-07-29T07:36:30Z`. ValueError for anything else (no offset)."""
    t = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    if t.tzinfo is None:
        raise ValueError(f"{instant!r} has no UTC offset")
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d")


def age(at: float, now: float) -> int:
    """Whole seconds since `at` (`age_seconds`); never below 0, whatever the clock did."""
    return max(0, int(now - at))
