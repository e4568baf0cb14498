"""A package's own page: its numbers, charts of the 30 days and of the stored history, its
versions, the badge ready to copy, and a QR code of the page."""

from __future__ import annotations

from html import escape
from typing import Callable
from urllib.parse import quote

from ..history import daily_deltas
from ..model import Point, Reading, Versions
from ..numbers import iso
from . import charts, layout, qr


def render(
    r: Reading, points: list[Point], versions: Versions | None, *, self_url: str, base_url: str, url_for: Callable[..., str]
) -> str:
    """`url_for(route name, **params)`: the app's path of a route; `base_url` what it is under."""
    m, page = r.measurement, r.measurement.page
    ref = m.ref
    stale = f' <span class="stale">stale: {escape(r.error.message)}</span>' if r.stale and r.error else ""
    exact = f"{page.total_downloads:,}" if page.total_exact else f"≈{escape(page.display_total)} (GitHub shows only a rounded value)"
    badge = base_url + url_for("badge", ref=ref)
    shields = f"https://img.shields.io/endpoint?url={quote(base_url + url_for('shields', ref=ref), safe='')}"
    heading = (
        f'<p><a href="{escape(url_for("owner-page"))}">All packages</a></p><h1>{escape(str(ref))}</h1>'
        f'<p class="big" id="total">{exact}</p>'
        f'<p>GitHub shows <strong id="display">{escape(page.display_total)}</strong> · read {iso(m.fetched_at)}{stale}'
        f' · <a href="{escape(m.url)}">on GitHub</a>'
        + (f" · repository {escape(page.repository)}" if page.repository else "")
        + (f" · latest {escape(page.latest_version)}" if page.latest_version else "")
        + "</p>"
    )
    body = (
        layout.header(heading, qr.svg(self_url, "QR code of this page"))
        + f"<h2>Last 30 days: {page.last_30_days:,}</h2>"
        + charts.bars([(d.date, d.count) for d in page.daily_downloads], label="Downloads per day, last 30 days (GitHub's chart)")
        + "<h2>Total downloads, as measured here</h2>"
        + charts.line(points, label="Total downloads over time")
        + "<h2>Downloads per day, from the measurements</h2>"
        + charts.bars(daily_deltas(points), label="Downloads added each day between measurements")
        + "<h2>Badge</h2>"
        f'<p><img src="{escape(badge)}" alt="downloads badge"></p>'
        f"<p>Markdown: <code>![downloads]({escape(badge)})</code></p>"
        f"<p>shields.io: <code>{escape(shields)}</code></p>"
        + _versions(versions, url_for("versions", ref=ref))
        + f'<p><code>{escape(self_url)}</code> · <a href="{escape(url_for("package", ref=ref))}">JSON</a>'
        f' · <a href="{escape(url_for("history-csv", ref=ref))}">history as CSV</a></p>'
    )
    return layout.page(f"{ref} · GHCR downloads", body)


SHOWN_VERSIONS = 15  # the newest; the JSON has them all


def _versions(v: Versions | None, all_versions: str) -> str:
    if not v or not v.versions:
        return "<h2>Versions</h2><p>No tagged versions read yet.</p>"
    listed = sum(n for _, n in v.versions) or 1
    more = len(v.versions) - SHOWN_VERSIONS
    rows = "".join(
        f'<tr><td data-label="Tag">{escape(tag)}</td><td class="num" data-label="Downloads">{n:,}</td>'
        f'<td class="num" data-label="Share">{100 * n / listed:.1f}%</td></tr>'
        for tag, n in v.versions[:SHOWN_VERSIONS]
    )
    return (
        f"<h2>Versions</h2><p>Read {iso(v.fetched_at)}; the share is of the listed versions' downloads,"
        " which never add up to the total.</p>"
        f'<table class="keep"><thead><tr><th>Tag</th><th class="num">Downloads</th><th class="num">Share</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        + (f'<p>And {more} more: <a href="{escape(all_versions)}">all versions</a>.</p>' if more > 0 else "")
    )
