"""The owner page: every package, its total, its last 30 days with a sparkline, when each was
read, and the owner's totals. Sorted by links, server-rendered, no JavaScript, one column on
a phone."""

from __future__ import annotations

from html import escape
from typing import Callable

from ..model import OwnerReading, Reading
from ..numbers import iso, short
from . import layout, qr

SORTS = {
    "total": lambda r: (-r.measurement.page.total_downloads, r.measurement.package),
    "recent": lambda r: (-r.measurement.page.last_30_days, r.measurement.package),
    "name": lambda r: r.measurement.package,
}


def sort(readings: list[Reading], by: str | None) -> tuple[str, list[Reading]]:
    """(the sort applied, the readings in that order); an unknown sort is by total."""
    by = by if by in SORTS else "total"
    return by, sorted(readings, key=SORTS[by])


def sparkline(counts: list[int], width: int = 120, height: int = 24) -> str:
    if not counts:
        return ""
    top = max(counts) or 1
    step = width / max(1, len(counts) - 1)
    points = " ".join(f"{i * step:.1f},{height - 1 - (c / top) * (height - 2):.1f}" for i, c in enumerate(counts))
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="last 30 days: {sum(counts)} downloads">'
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{points}"/></svg>'
    )


def render(o: OwnerReading, by: str, rows: list[Reading], self_url: str, url_for: Callable[..., str]) -> str:
    """`url_for(route name, **params)`: the app's path of a route."""
    body = []
    for r in rows:
        m, page = r.measurement, r.measurement.page
        total = f"{page.total_downloads:,}" if page.total_exact else f"≈{escape(page.display_total)}"
        note = f' <span class="stale" title="{escape(r.error.message)}">stale</span>' if r.stale and r.error else ""
        body.append(
            f'<tr><td data-label="Package"><a href="{escape(url_for("package-page", owner=m.owner, name=m.package))}">{escape(m.package)}</a>{note}</td>'
            f'<td class="num" data-label="Downloads" title="{escape(page.display_total)}">{total}</td>'
            f'<td class="num" data-label="Last 30 days">{page.last_30_days:,}</td>'
            f'<td data-label="Trend">{sparkline([d.count for d in page.daily_downloads])}</td>'
            f'<td data-label="Read">{iso(m.fetched_at)}</td></tr>'
        )
    for name, e in sorted(o.failed.items()):
        body.append(
            f'<tr><td data-label="Package">{escape(name)}</td>'
            f'<td class="err" colspan="4" data-label="Error">{escape(e.message)}</td></tr>'
        )
    total, recent = o.total_downloads, o.last_30_days
    if o.listing_error:
        stale = f' <span class="stale">(stale: {escape(o.listing_error.message)})</span>'
    elif o.stale:
        stale = ' <span class="stale">(some values are stale: the upstream failed)</span>'
    else:
        stale = ""
    gaps = o.gaps()
    uncounted = f'<p class="stale">Not every download is counted: {escape("; ".join(gaps))}.</p>' if gaps else ""

    def header(key: str, text: str, cls: str = "") -> str:
        link = text if key == by else f'<a href="?sort={key}">{text}</a>'
        return f'<th{cls}>{link}{" ▾" if key == by else ""}</th>'

    heading = (
        f"<h1>{escape(o.owner)}: container downloads</h1>"
        f'<p><span id="owner-total">{total:,}</span> downloads in all ({short(total)}), '
        f'<span id="owner-recent">{recent:,}</span> in the last 30 days, over {len(o.listing.packages)} packages. '
        f"Listing read {iso(o.listing.fetched_at)}.{stale}</p>{uncounted}"
    )
    # The table's headers sort too, but a phone's stacked rows have none.
    sorts = " · ".join(
        f"<strong>{text}</strong>" if key == by else f'<a href="?sort={key}">{text}</a>'
        for key, text in (("total", "downloads"), ("recent", "last 30 days"), ("name", "name"))
    )
    return layout.page(
        f"{o.owner} · GHCR downloads",
        layout.header(heading, qr.svg(self_url, "QR code of this page"))
        + f'<p class="sort">Sort by {sorts}</p>'
        + "<table><thead><tr>"
        + header("name", "Package") + header("total", "Downloads", ' class="num"')
        + header("recent", "Last 30 days", ' class="num"') + "<th>Trend</th><th>Read</th>"
        + f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
        + f'<p><a href="{url_for("owner")}">JSON</a> · <a href="{url_for("metrics")}">Prometheus metrics</a></p>',
    )
