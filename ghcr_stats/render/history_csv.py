"""A package's stored history as CSV, for spreadsheets."""

from __future__ import annotations

import csv
import io

from ..model import Point
from ..numbers import iso


def render(points: list[Point]) -> str:
    """One row per measurement, oldest first, with what it added since the one before, and
    whether its total fell below an earlier one (kept, but suspect)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["time", "total_downloads", "added_since_previous", "total_fell"])
    previous = None
    for p in sorted(points):
        w.writerow([iso(p.at), p.total, "" if previous is None else p.total - previous, "true" if p.fell else "false"])
        previous = p.total
    return out.getvalue()
