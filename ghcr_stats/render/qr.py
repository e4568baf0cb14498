"""QR codes of a page's own URL, for a slide or a phone: SVG for HTML, half blocks for a terminal.

python-qrcode's encoder is pure Python and needs nothing the component's CPython lacks
(segno's needs zlib); the drawing is ours, a few lines for each form.
"""

from __future__ import annotations

from html import escape

import qrcode

_BORDER = 2  # quiet-zone modules around the code; readers need some


def matrix(data: str) -> list[list[bool]]:
    """The modules, quiet zone included; True is dark."""
    code = qrcode.QRCode(border=_BORDER)  # error correction M, the smallest version that fits
    code.add_data(data)
    code.make()
    return code.get_matrix()


def svg(data: str, title: str) -> str:
    """An inline `<svg class="qr">`, black on white in light and dark themes alike: phone
    cameras read that best. Each run of dark modules in a row is one rectangle."""
    rows = matrix(data)
    runs = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    n = len(rows)
    return (
        f'<svg class="qr" viewBox="0 0 {n} {n}" role="img" aria-label="{escape(title)}" shape-rendering="crispEdges">'
        f'<title>{escape(title)}</title><rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )


def text(data: str) -> str:
    """Two modules per character cell (upper and lower half).

    Terminals are mostly light text on a dark background, so the light modules are the
    drawn ones: a reader needs the quiet zone lighter than the code.
    """
    rows = matrix(data)
    rows.append([False] * len(rows[0]))  # 17 + 4v modules and the quiet zone: always odd
    glyphs = {(False, False): "█", (False, True): "▀", (True, False): "▄", (True, True): " "}
    return "\n".join("".join(glyphs[(t, b)] for t, b in zip(top, bottom)) for top, bottom in zip(rows[::2], rows[1::2]))
