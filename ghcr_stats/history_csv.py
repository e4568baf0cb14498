"""A package's stored history as CSV, for spreadsheets."""

from __future__ import annotations

import csv
import io

from .numbers import iso


def render(points: list[tuple[float, int]]) -> str:
    """One row per measurement, oldest first, with what it added since the one before."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["time", "total_downloads", "added_since_previous"])
    previous = None
    for ts, total in sorted(points):
        w.writerow([iso(ts), total, "" if previous is None else total - previous])
        previous = total
    return out.getvalue()
