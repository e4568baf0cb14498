"""A package's stored history as CSV, for spreadsheets."""

from __future__ import annotations

import csv
import io

from ..numbers import iso


def render(points: list[tuple]) -> str:
    """One row per measurement, oldest first, with what it added since the one before, and
    whether its total fell below an earlier one (kept, but suspect)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["time", "total_downloads", "added_since_previous", "total_fell"])
    previous = None
    for ts, total, *fell in sorted(points):
        w.writerow([iso(ts), total, "" if previous is None else total - previous, "true" if fell else "false"])
        previous = total
    return out.getvalue()
