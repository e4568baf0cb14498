"""The HTML dashboard: an owner's packages, their totals and a 30-day sparkline each.

Server-rendered, no JavaScript, one column on a phone.
"""

from __future__ import annotations

from html import escape

from .numbers import iso, short
from .stats import OwnerReading

_STYLE = """
body{font:16px/1.4 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1f2328}
h1{font-size:1.5rem;margin:.2rem 0}p{margin:.2rem 0 1rem;color:#59636e}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.5rem .4rem;border-bottom:1px solid #d1d9e0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}svg{display:block}
.stale{color:#9a6700}.err{color:#d1242f}
@media (max-width:36rem){thead{display:none}tr{display:block;border-bottom:1px solid #d1d9e0;padding:.4rem 0}
td{display:flex;justify-content:space-between;border:0;padding:.15rem 0}td::before{content:attr(data-label);color:#59636e}
td.num{text-align:right}}
"""


def sparkline(counts: list[int], width: int = 120, height: int = 24) -> str:
    if not counts:
        return ""
    top = max(counts) or 1
    step = width / max(1, len(counts) - 1)
    points = " ".join(f"{i * step:.1f},{height - 1 - (c / top) * (height - 2):.1f}" for i, c in enumerate(counts))
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="last 30 days: {sum(counts)} downloads">'
        f'<polyline fill="none" stroke="#0969da" stroke-width="1.5" points="{points}"/></svg>'
    )


def render(o: OwnerReading) -> str:
    rows = []
    for r in sorted(o.readings, key=lambda r: r.measurement.total, reverse=True):
        m = r.measurement
        total = f"{m.total:,}" if m.exact else f"≈{escape(m.display)}"
        note = f' <span class="stale" title="{escape(r.error.message)}">stale</span>' if r.stale and r.error else ""
        rows.append(
            f'<tr><td data-label="Package"><a href="{escape(m.url)}">{escape(m.package)}</a>{note}</td>'
            f'<td class="num" data-label="Downloads" title="{escape(m.display)}">{total}</td>'
            f'<td class="num" data-label="Last 30 days">{sum(c for _, c in m.daily):,}</td>'
            f'<td data-label="Trend">{sparkline([c for _, c in m.daily])}</td></tr>'
        )
    for name, e in sorted(o.failed.items()):
        rows.append(
            f'<tr><td data-label="Package">{escape(name)}</td>'
            f'<td class="err" colspan="3" data-label="Error">{escape(e.message)}</td></tr>'
        )
    total = sum(r.measurement.total for r in o.readings)
    stale = ' <span class="stale">(some values are stale: the upstream failed)</span>' if o.stale else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(o.owner)} · GHCR downloads</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(o.owner)}: container downloads</h1>"
        f"<p>{len(o.listing.packages)} packages, {total:,} downloads in all ({short(total)}). "
        f"Listing read {iso(o.listing.fetched_at)}.{stale}</p>"
        '<table><thead><tr><th>Package</th><th class="num">Downloads</th><th class="num">Last 30 days</th>'
        f"<th>Trend</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        '<p><a href="/stats">JSON</a> · <a href="/metrics">Prometheus metrics</a></p></body></html>'
    )
