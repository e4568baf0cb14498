"""bench/matrix/results.png: horizontal bars on a log scale, one panel per task, written with the
standard library only (zlib + a 5×7 bitmap font) so that `make bench` installs nothing for it.

Per way of running a task: one bar per series (whole process; the same under a native host;
the work in a warm host), each with a thin whisker from min to max and its median beside it.
"""

from __future__ import annotations

import math
import struct
import zlib
from dataclasses import dataclass

from .font5x7 import HEIGHT as GH, WIDTH as GW, glyph

WHITE, INK, GRID, MUTED = (255, 255, 255), (36, 41, 47), (223, 227, 232), (101, 109, 118)
COLORS = [(9, 105, 218), (255, 166, 87), (84, 174, 255)]  # one per series, in order


@dataclass
class Bar:
    median_ns: float
    min_ns: float
    max_ns: float


@dataclass
class Group:
    label: str
    bars: list[Bar | None]  # one per series; None: no such figure for this group
    note: str = ""  # shown instead of bars, e.g. "not installed"

    def present(self) -> list[tuple[int, Bar]]:
        return [(k, b) for k, b in enumerate(self.bars) if b]


class Canvas:
    def __init__(self, width: int, height: int):
        self.w, self.h = width, height
        self.px = bytearray(WHITE * (width * height))

    def rect(self, x0: int, y0: int, x1: int, y1: int, color: tuple[int, int, int]) -> None:
        x0, x1 = max(0, min(x0, x1)), min(self.w, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.h, max(y0, y1))
        row = bytes(color) * (x1 - x0)
        for y in range(y0, y1):
            i = (y * self.w + x0) * 3
            self.px[i:i + len(row)] = row

    def text(self, x: int, y: int, s: str, color=INK, scale: int = 2, anchor: str = "left") -> None:
        width = self.text_width(s, scale)
        if anchor == "right":
            x -= width
        elif anchor == "center":
            x -= width // 2
        for ch in s:
            for gy, row in enumerate(glyph(ch)):
                for gx, bit in enumerate(row):
                    if bit == "#":
                        self.rect(x + gx * scale, y + gy * scale, x + (gx + 1) * scale, y + (gy + 1) * scale, color)
            x += (GW + 1) * scale

    @staticmethod
    def text_width(s: str, scale: int = 2) -> int:
        return len(s) * (GW + 1) * scale - scale

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3]) for y in range(self.h))

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        header = struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)  # 8-bit RGB
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def duration(ns: float) -> str:
    v = ns / 1e6
    if v >= 1000:
        return f"{v / 1000:.2g} s"
    if v >= 0.1:
        return f"{v:.3g} ms"
    return f"{v * 1000:.3g} µs"


def render(title: str, panels: list[tuple[str, list[Group]]], series: list[str], footer: str = "") -> bytes:
    S = 2  # font scale
    line = (GH + 3) * S
    label_w = max(Canvas.text_width(g.label, S) for _, groups in panels for g in groups) + 24
    plot_w, value_w = 560, 120
    width = label_w + plot_w + value_w + 20
    bar_h, gap = 18, 10
    heights = [line * 2 + sum(max(1, len(g.present())) * bar_h + gap for g in groups) for _, groups in panels]
    top = (2 + len(series)) * line + 10
    height = top + sum(heights) + 3 * line + (line if footer else 0)
    c = Canvas(width, height)

    values = [b for _, groups in panels for g in groups for _, b in g.present()]
    lo = 10 ** math.floor(math.log10(min(b.min_ns for b in values)))
    hi = 10 ** math.ceil(math.log10(max(b.max_ns for b in values)))
    span = math.log10(hi / lo)

    def x_of(ns: float) -> int:
        return label_w + round(plot_w * math.log10(max(ns, lo) / lo) / span)

    c.text(12, 10, title, INK, S)
    for k, (color, text) in enumerate(zip(COLORS, series)):  # the legend
        ly = 10 + (k + 1) * line
        c.rect(12, ly + 1, 26, ly + 13, color)
        c.text(32, ly, text, MUTED, S)

    y = top
    for (name, groups), h in zip(panels, heights):
        c.text(12, y, name, INK, S)
        plot_top, plot_bottom = y + line + 4, y + h - line // 2
        decade = lo
        while decade <= hi * 1.0001:
            gx = x_of(decade)
            c.rect(gx, plot_top, gx + 1, plot_bottom, GRID)
            decade *= 10
        gy = plot_top + 4
        for g in groups:
            bars = g.present()
            mid = gy + max(1, len(bars)) * bar_h // 2 - GH * S // 2
            c.text(label_w - 12, mid, g.label, INK, S, anchor="right")
            if g.note:
                c.text(label_w + 6, mid, g.note, MUTED, S)
            for slot, (k, bar) in enumerate(bars):
                by = gy + slot * bar_h
                c.rect(label_w, by + 1, x_of(bar.median_ns), by + bar_h - 1, COLORS[k])
                wy = by + bar_h // 2
                c.rect(x_of(bar.min_ns), wy, x_of(bar.max_ns) + 1, wy + 1, INK)
                for wx in (x_of(bar.min_ns), x_of(bar.max_ns)):
                    c.rect(wx, wy - 3, wx + 1, wy + 4, INK)
                c.text(max(x_of(bar.max_ns), x_of(bar.median_ns)) + 6, by + (bar_h - GH * S) // 2, duration(bar.median_ns), MUTED, S)
            gy += max(1, len(bars)) * bar_h + gap
        y += h
    # The axis, under the last panel.
    decade = lo
    while decade <= hi * 1.0001:
        c.text(x_of(decade), y, duration(decade), MUTED, S, anchor="center")
        decade *= 10
    c.text(label_w + plot_w // 2, y + line + 4, "time, log scale (median; whiskers: min to max)", MUTED, S, anchor="center")
    if footer:
        c.text(12, y + 2 * line + 8, footer, MUTED, S)
    return c.png()
