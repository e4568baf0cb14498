"""Inline SVG charts, drawn by the app: no JavaScript, labelled axes, a hover title on every
bar and point, colours from the page's CSS (light and dark).

Every mark carries its value in `data-*` attributes, so what is drawn can be checked.
"""

from __future__ import annotations

from .safe import xml

from ..numbers import iso, short

# The drawing's own units; it scales to its box (the page caps the box's width).
_W, _H = 480, 200
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 8, 12, 26


def bars(series: list[tuple[str, int]], *, label: str) -> str:
    """One bar per (date, count), oldest first."""
    if not series:
        return _empty(label)
    top = max(c for _, c in series) or 1
    slot = (_W - _LEFT - _RIGHT) / len(series)
    marks = []
    for i, (date, count) in enumerate(series):
        h = (_H - _TOP - _BOTTOM) * count / top
        x, y = _LEFT + i * slot, _H - _BOTTOM - h
        marks.append(
            f'<rect class="bar" x="{x + slot * 0.1:.1f}" y="{y:.1f}" width="{slot * 0.8:.1f}" height="{h:.1f}" '
            f'data-date="{xml(date)}" data-count="{count}"><title>{xml(date)}: {count:,}</title></rect>'
        )
    first, last = (_LEFT + slot / 2, series[0][0]), (_W - _RIGHT - slot / 2, series[-1][0])
    ticks = _x_labels(first, last if len(series) > 1 else None)
    return _svg(label, _y_axis(0, top) + ticks + "".join(marks))


def line(points: list[tuple], *, label: str) -> str:
    """Values over time: (unix time, value, …), in any order."""
    if not points:
        return _empty(label)
    points = sorted((p[0], p[1]) for p in points)
    (t0, _), (t1, _) = points[0], points[-1]
    low, high = min(v for _, v in points), max(v for _, v in points)
    span_t, span_v = t1 - t0, high - low  # divided by only when not 0

    def xy(t: float, v: int) -> tuple[float, float]:
        x = _LEFT + (_W - _LEFT - _RIGHT) * ((t - t0) / span_t if t1 > t0 else 0.5)
        y = _H - _BOTTOM - (_H - _TOP - _BOTTOM) * ((v - low) / span_v if high > low else 0.5)
        return x, y

    coords = [xy(t, v) for t, v in points]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(
        f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3" data-time="{iso(t)}" data-value="{v}">'
        f"<title>{iso(t)}: {v:,}</title></circle>"
        for (t, v), (x, y) in zip(points, coords)
    )
    ticks = _x_labels((coords[0][0], iso(t0)[:10]), (coords[-1][0], iso(t1)[:10]) if t1 > t0 else None)
    return _svg(label, _y_axis(low, high) + ticks + f'<polyline class="line" points="{path}"/>' + dots)


def _y_axis(low: int, high: int) -> str:
    """The axis line, with the lowest and highest value written beside it."""
    x = _LEFT - 4
    return (
        f'<line class="axis" x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{_H - _BOTTOM}"/>'
        f'<line class="axis" x1="{_LEFT}" y1="{_H - _BOTTOM}" x2="{_W - _RIGHT}" y2="{_H - _BOTTOM}"/>'
        f'<text class="tick" x="{x}" y="{_TOP + 4}" text-anchor="end">{short(high)}</text>'
        f'<text class="tick" x="{x}" y="{_H - _BOTTOM}" text-anchor="end">{short(low)}</text>'
    )


def _x_labels(first: tuple[float, str], last: tuple[float, str] | None) -> str:
    """The first and last mark's labels, each running inwards from its mark; a lone mark's
    label is centred under it."""
    if last is None:
        return _x_label(*first, "middle")
    return _x_label(*first, "start") + _x_label(*last, "end")


def _x_label(x: float, text: str, anchor: str) -> str:
    return f'<text class="tick" x="{x:.1f}" y="{_H - 6}" text-anchor="{anchor}">{xml(text)}</text>'


def _svg(label: str, body: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {_W} {_H}" role="img" aria-label="{xml(label)}">'
        f"<title>{xml(label)}</title>{body}</svg>"
    )


def _empty(label: str) -> str:
    return _svg(label, f'<text class="tick" x="{_W / 2}" y="{_H / 2}" text-anchor="middle">no data yet</text>')
