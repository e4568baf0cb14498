"""A package's measurements over time, and the downloads each day added."""

from __future__ import annotations

from .numbers import day


def daily_deltas(points: list[tuple[float, int]]) -> list[tuple[str, int]]:
    """(date, downloads added since the previous day's last measurement), oldest first.

    The first measured day has no predecessor and so no delta; days without a measurement
    are absent rather than guessed.
    """
    last_of_day: dict[str, int] = {}
    for ts, total in sorted(points):
        last_of_day[day(ts)] = total
    days = list(last_of_day.items())
    return [(d, total - prev) for (_, prev), (d, total) in zip(days, days[1:])]
