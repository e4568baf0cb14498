"""QR codes of a page's own URL, for a slide or a phone: SVG for HTML, half blocks for a terminal.

segno is pure Python, so it runs inside the component as it does in CPython.
"""

from __future__ import annotations

import segno

_BORDER = 2  # quiet-zone modules around the code; readers need some


def svg(data: str, title: str, scale: int = 4) -> str:
    """An inline `<svg class="qr">` (no XML declaration), black on white in light and dark
    themes alike: phone cameras read that best."""
    code = segno.make(data, error="m")
    return code.svg_inline(scale=scale, border=_BORDER, dark="#000", light="#fff", svgclass="qr", title=title, omitsize=True)


def text(data: str) -> str:
    """Two modules per character cell (upper and lower half), dark modules drawn as blocks.

    Terminals are mostly light text on a dark background, so the light modules are the
    drawn ones: a reader needs the quiet zone lighter than the code.
    """
    rows = [list(r) for r in segno.make(data, error="m").matrix_iter(border=_BORDER)]
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))
    glyphs = {(0, 0): "█", (0, 1): "▀", (1, 0): "▄", (1, 1): " "}
    return "\n".join("".join(glyphs[(t, b)] for t, b in zip(top, bottom)) for top, bottom in zip(rows[::2], rows[1::2]))
