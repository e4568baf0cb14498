"""The frame every HTML page shares: head, style (light and dark), and the error page."""

from __future__ import annotations

from html import escape

STYLE = """
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--accent:#0969da;--warn:#9a6700;--err:#d1242f;--bg:#fff}
@media (prefers-color-scheme:dark){:root{--fg:#f0f6fc;--muted:#9198a1;--line:#3d444d;--accent:#4493f8;--warn:#d29922;--err:#f85149;--bg:#0d1117}}
body{font:16px/1.4 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .4rem}
p{margin:.2rem 0 1rem;color:var(--muted)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.5rem .4rem;border-bottom:1px solid var(--line)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}svg{display:block}
.stale{color:var(--warn)}.err{color:var(--err)}.big{font-size:2rem;font-weight:600;color:var(--fg);margin:0}
.chart{width:100%;max-width:45rem;height:auto}.chart .bar{fill:var(--accent)}.chart .bar:hover{opacity:.7}
.chart .line{fill:none;stroke:var(--accent);stroke-width:2}.chart .dot{fill:var(--accent)}
.chart .axis{stroke:var(--muted)}.chart .tick{fill:var(--muted);font-size:12px}
code,pre{font:13px/1.4 ui-monospace,monospace;background:color-mix(in srgb,var(--line) 40%,transparent);padding:.1rem .3rem;border-radius:4px;overflow-wrap:anywhere}
.qr{width:8rem;height:auto;background:#fff;padding:.3rem;border-radius:4px;flex:none}
header{display:flex;flex-wrap:wrap;gap:1rem;justify-content:space-between;align-items:flex-start}header>div{flex:1 1 20rem}
@media (max-width:36rem){thead{display:none}tr{display:block;border-bottom:1px solid var(--line);padding:.4rem 0}
td{display:flex;justify-content:space-between;border:0;padding:.15rem 0}td::before{content:attr(data-label);color:var(--muted)}
td.num{text-align:right}
table.keep thead{display:table-header-group}table.keep tr{display:table-row;padding:0}table.keep td{display:table-cell;border-bottom:1px solid var(--line);padding:.3rem .4rem}table.keep td::before{content:none}}
"""


def header(body: str, qr_svg: str) -> str:
    """A page's heading beside the QR code of the page (below it on a phone)."""
    return f"<header><div>{body}</div>{qr_svg}</header>"


def page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )


def error_page(status: int, code: str, message: str, home: str) -> str:
    """`home`: the path of the owner's page."""
    return page(
        f"{status} · ghcr-stats",
        f'<h1>{status}: {escape(code)}</h1><p class="err">{escape(message)}</p><p><a href="{escape(home)}">All packages</a></p>',
    )
