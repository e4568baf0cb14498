"""The owner and package pages as plain text, for a terminal (`curl` asks for `*/*`).

Every string that is not the app's own (names, what GitHub's page says, an error's words,
the URL asked for) goes through `t`: a terminal must not be handed a control sequence or a
line break from a page."""

from __future__ import annotations

from ..history import daily_deltas
from ..model import OwnerReading, Point, Reading, Versions
from ..numbers import iso, short
from . import qr
from .safe import terminal as t

_BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(counts: list[int]) -> str:
    top = max(counts, default=0)
    if top == 0:
        return _BLOCKS[0] * len(counts)
    return "".join(_BLOCKS[c * len(_BLOCKS) // (top + 1)] for c in counts)  # c <= top: below len


def owner(o: OwnerReading, rows: list[Reading]) -> str:
    """`rows` in the order to show them (the caller sorts)."""
    table = [("package", "downloads", "last 30 days", "trend (30 days)", "read at")]
    for r in rows:
        m, page = r.measurement, r.measurement.page
        total = f"{page.total_downloads:,}" if page.total_exact else f"~{t(page.display_total)}"
        table.append((t(m.package), total, f"{page.last_30_days:,}", sparkline([d.count for d in page.daily_downloads]),
                      iso(m.fetched_at) + (" stale" if r.stale else "")))
    total, recent = o.total_downloads, o.last_30_days
    lines = [f"{t(o.owner)}: {len(o.listing.packages)} packages, {total:,} downloads ({short(total)}), {recent:,} in the last 30 days"]
    if o.listing_error:
        lines.append(f"listing read at {iso(o.listing.fetched_at)}  STALE: {t(o.listing_error.message)}")
    if gaps := o.gaps():
        lines.append(f"not every download is counted: {'; '.join(gaps)}")
    lines.append("")
    lines += _aligned(table, right={1, 2})
    lines += [f"{t(name)}: {t(e.message)}" for name, e in sorted(o.failed.items())]
    return "\n".join(lines) + "\n"


def package(r: Reading, points: list[Point], versions: Versions | None, self_url: str) -> str:
    m, page = r.measurement, r.measurement.page
    deltas = daily_deltas(points)
    lines = [
        t(str(m.ref)),
        f"total downloads  {page.total_downloads:,}" + ("" if page.total_exact else " (rounded by GitHub)") + f"  (GitHub shows {t(page.display_total)})",
        f"last 30 days     {page.last_30_days:,}  {sparkline([d.count for d in page.daily_downloads])}",
        f"per day, here    {sparkline([d for _, d in deltas])}  ({len(deltas)} days measured)" if deltas else "per day, here    (measured on one day so far)",
        f"read at          {iso(m.fetched_at)}" + (f"  STALE: {t(r.error.message)}" if r.stale and r.error else ""),
        f"on GitHub        {t(m.url)}",
    ]
    if page.repository:
        lines.append(f"repository       {t(page.repository)}")
    if page.latest_version:
        lines.append(f"latest version   {t(page.latest_version)}")
    if versions and versions.versions:
        lines += ["", *_aligned([("tag", "downloads"), *((t(tag), f"{n:,}") for tag, n in versions.versions)], right={1})]
    lines += ["", qr.text(self_url), t(self_url)]
    return "\n".join(lines) + "\n"


def error(status: int, code: str, message: str) -> str:
    return f"{status} {code}: {t(message)}\n"


def _aligned(rows: list[tuple[str, ...]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
        for row in rows
    ]
