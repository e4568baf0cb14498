"""A package's measurements over time, and the downloads each day added."""

from __future__ import annotations

from .model import Point
from .numbers import day


def daily_deltas(points: list[Point]) -> list[tuple[str, int]]:
    """(date, downloads added since the previous day's last measurement), oldest first.

    The first measured day has no predecessor and so no delta; days without a measurement
    are absent rather than guessed. Downloads only add up, so a total that fell counts from
    the highest total before it: a day's delta is never negative.
    """
    last_of_day: dict[str, int] = {}
    for p in sorted(points):
        last_of_day[day(p.at)] = p.total
    deltas, highest = [], None
    for d, total in last_of_day.items():
        if highest is not None:
            deltas.append((d, max(0, total - highest)))
        highest = total if highest is None else max(highest, total)
    return deltas
