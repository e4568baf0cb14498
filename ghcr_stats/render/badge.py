"""A flat, shields.io-style SVG badge: "downloads | 1.2M"."""

from __future__ import annotations

from .safe import xml

# Advance widths of Verdana at 11px (what shields.io measures with), in pixels; other
# characters count as a wide letter so the text never overflows its box.
_WIDTHS = {
    **dict.fromkeys("0123456789", 7.0),
    **dict.fromkeys("abcdeghnopqu", 6.8), **dict.fromkeys("fjrt", 4.3), **dict.fromkeys("ilI", 3.0),
    **dict.fromkeys("kvxyzsK", 6.2), "m": 10.7, "w": 8.9,
    "B": 7.5, "M": 8.6, "T": 6.8, " ": 3.9, ".": 3.9, ",": 3.9, "-": 4.6, "|": 4.9,
}
_WIDE = 7.5
_PAD = 6


def text_width(text: str) -> float:
    return sum(_WIDTHS.get(c, _WIDE) for c in text)


def render(label: str, message: str, stale: bool = False, why: str | None = None) -> str:
    """A badge, grey when `stale` or when it stands for a failure, `why` saying which (in its
    tooltip: a README's broken badge tells its reader what went wrong)."""
    color = "#9f9f9f" if stale or why else "#007ec6"
    lw = round(text_width(label) + 2 * _PAD)
    mw = round(text_width(message) + 2 * _PAD)
    w = lw + mw
    title = xml(f"{label}: {message}" + (" (stale)" if stale else "") + (f" ({why})" if why else ""))
    label, message = xml(label), xml(message)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{w}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{lw}" height="20" fill="#555"/>'
        f'<rect x="{lw}" width="{mw}" height="20" fill="{color}"/>'
        f'<rect width="{w}" height="20" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{lw / 2}" y="15" fill="#010101" fill-opacity=".3">{label}</text>'
        f'<text x="{lw / 2}" y="14">{label}</text>'
        f'<text x="{lw + mw / 2}" y="15" fill="#010101" fill-opacity=".3">{message}</text>'
        f'<text x="{lw + mw / 2}" y="14">{message}</text></g></svg>'
    )
