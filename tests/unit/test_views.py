"""The pictures and the text view, rendered from hand-made readings: what is drawn is what
was given, and the QR codes decode to their URL."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from functools import partial

import zxingcpp
from PIL import Image

from ghcr_stats.numbers import age
from ghcr_stats.service import ROUTES
from ghcr_stats.render import api, charts, dashboard, history_csv, package_view, qr, text_view
from ghcr_stats.model import AppError, DailyCount, Listing, Measurement, OwnerReading, PackagePage, Point, Reading, Versions

DAY = 86400
URL = "http://127.0.0.1:3000/packages/fluxcd/flux-cli"


def measurement(name: str, total: int, daily: list[int], at: float = 1_780_000_000.0) -> Measurement:
    days = [DailyCount(f"2026-05-{d + 1:02d}", c) for d, c in enumerate(daily)]
    return Measurement("fluxcd", name, PackagePage(total, True, f"{total // 1000}K", days), f"https://github.com/x/{name}", at)


def decode(image: Image.Image) -> str:
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, found
    return found[0].text


def test_bars_draw_each_day_with_its_count():
    series = [("2026-05-01", 3), ("2026-05-02", 0), ("2026-05-03", 12)]
    svg = ET.fromstring(charts.bars(series, label="per day"))
    rects = svg.findall("rect")
    assert [(r.get("data-date"), int(r.get("data-count"))) for r in rects] == series
    assert [r.find("title").text for r in rects] == ["2026-05-01: 3", "2026-05-02: 0", "2026-05-03: 12"]
    heights = [float(r.get("height")) for r in rects]
    assert heights[1] == 0 and heights[2] == 4 * heights[0]  # proportional to the counts
    assert {t.text for t in svg.findall("text")} >= {"12", "0", "2026-05-01", "2026-05-03"}  # axes labelled


def test_line_puts_each_measurement_at_its_time_and_value():
    points = [(2 * DAY, 300), (0, 100), (DAY, 250)]
    svg = ET.fromstring(charts.line(points, label="total"))
    dots = svg.findall("circle")
    assert [(d.get("data-time"), int(d.get("data-value"))) for d in dots] == [
        ("1970-01-01T00:00:00Z", 100), ("1970-01-02T00:00:00Z", 250), ("1970-01-03T00:00:00Z", 300)]
    xs = [float(d.get("cx")) for d in dots]
    ys = [float(d.get("cy")) for d in dots]
    assert xs[1] - xs[0] == xs[2] - xs[1] and ys[0] > ys[1] > ys[2]  # later right, larger higher


def plot_area(svg: ET.Element) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the plot, read from its two axis lines."""
    upright, across = svg.findall("line[@class='axis']")
    return float(upright.get("x1")), float(upright.get("y1")), float(across.get("x2")), float(across.get("y1"))


def x_labels(svg: ET.Element) -> list[tuple[float, str, str]]:
    bottom = plot_area(svg)[3]
    return [(float(t.get("x")), t.get("text-anchor"), t.text) for t in svg.findall("text") if float(t.get("y")) > bottom]


def y_labels(svg: ET.Element) -> list[tuple[float, str]]:
    left = plot_area(svg)[0]
    return sorted((float(t.get("y")), t.text) for t in svg.findall("text") if float(t.get("x")) < left)


def test_the_chart_fits_its_box_and_the_plot_inside_the_axes():
    svg = ET.fromstring(charts.bars([("2026-05-01", 1)], label="x"))
    width, height = (float(n) for n in svg.get("viewBox").split()[2:])
    left, top, right, bottom = plot_area(svg)
    assert 0 < left < right < width and 0 < top < bottom < height
    assert all(float(t.get("y")) <= height for t in svg.findall("text"))
    # The values beside the upright axis end just left of it; the dates sit below the plot.
    assert all(left - 8 < float(t.get("x")) < left and t.get("text-anchor") == "end" for t in svg.findall("text")[:2])
    assert all(bottom < float(t.get("y")) < height for t in svg.findall("text")[2:])


def test_bars_share_the_plot_in_order_the_tallest_reaching_its_top():
    series = [(f"2026-05-{d:02d}", c) for d, c in enumerate([5, 20, 0, 10], start=1)]
    svg = ET.fromstring(charts.bars(series, label="per day"))
    left, top, right, bottom = plot_area(svg)
    slot = (right - left) / len(series)
    for i, r in enumerate(svg.findall("rect")):
        x, w, y, h = (float(r.get(k)) for k in ("x", "width", "y", "height"))
        assert left + i * slot < x and x + w < left + (i + 1) * slot  # inside its own slot, a gap either side
        assert w > slot / 2 and abs(x - (left + i * slot) - (left + (i + 1) * slot - (x + w))) < 0.11  # centred
        assert abs(y + h - bottom) < 0.11 and abs(h - (bottom - top) * series[i][1] / 20) < 0.11
    assert [t for _, t in y_labels(svg)] == ["20", "0"]
    (y_top, _), (y_bottom, _) = y_labels(svg)
    assert top <= y_top < top + 8 and y_bottom == bottom
    first, last = x_labels(svg)
    assert first == (round(left + slot / 2, 1), "start", "2026-05-01") and last == (round(right - slot / 2, 1), "end", "2026-05-04")


def test_a_lone_bar_fills_the_plot_and_its_date_is_centred_under_it():
    svg = ET.fromstring(charts.bars([("2026-05-01", 0)], label="x"))
    left, top, right, bottom = plot_area(svg)
    (rect,) = svg.findall("rect")
    assert float(rect.get("height")) == 0 and float(rect.get("y")) == bottom  # a zero day is no bar, not an error
    assert x_labels(svg) == [(round((left + right) / 2, 1), "middle", "2026-05-01")]
    two = ET.fromstring(charts.bars([("2026-05-01", 1), ("2026-05-02", 2)], label="x"))
    assert [(anchor, text) for _, anchor, text in x_labels(two)] == [("start", "2026-05-01"), ("end", "2026-05-02")]


def test_a_line_spans_the_plot_from_its_first_to_its_last_time():
    points = [(1_780_000_000 + DAY, 1_500), (1_780_000_000, 1_000), (1_780_000_000 + 3 * DAY, 3_000)]
    svg = ET.fromstring(charts.line(points, label="total"))
    left, top, right, bottom = plot_area(svg)
    dots = [(float(d.get("cx")), float(d.get("cy"))) for d in svg.findall("circle")]
    drawn = [tuple(float(n) for n in xy.split(",")) for xy in svg.find("polyline").get("points").split(" ")]
    assert drawn == dots
    assert dots[0] == (left, bottom) and dots[-1] == (right, top)
    assert abs(dots[1][0] - (left + (right - left) / 3)) < 0.11 and abs(dots[1][1] - (bottom - (bottom - top) / 4)) < 0.11
    assert [t for _, t in y_labels(svg)] == ["3K", "1K"]
    assert x_labels(svg) == [(left, "start", "2026-05-28"), (right, "end", "2026-05-31")]


def test_a_single_measurement_and_a_flat_line_are_drawn_in_the_middle():
    svg = ET.fromstring(charts.line([(1_780_000_000, 7)], label="total"))
    left, top, right, bottom = plot_area(svg)
    (dot,) = svg.findall("circle")
    assert (float(dot.get("cx")), float(dot.get("cy"))) == ((left + right) / 2, (top + bottom) / 2)
    assert x_labels(svg) == [((left + right) / 2, "middle", "2026-05-28")]
    flat = ET.fromstring(charts.line([(0, 7), (DAY, 7)], label="total"))
    assert {float(d.get("cy")) for d in flat.findall("circle")} == {(top + bottom) / 2}
    assert [float(d.get("cx")) for d in flat.findall("circle")] == [left, right]


def test_empty_charts_say_so_in_the_middle_of_their_box():
    for svg in (ET.fromstring(charts.bars([], label="x")), ET.fromstring(charts.line([], label="x"))):
        width, height = (float(n) for n in svg.get("viewBox").split()[2:])
        (text,) = svg.findall("text")
        assert (text.text, float(text.get("x")), float(text.get("y")), text.get("text-anchor")) == ("no data yet", width / 2, height / 2, "middle")


def read_qr_svg(svg: str) -> str:
    """What a phone reads from a QR code drawn as `qr.svg` draws it (the first in `svg`): its
    rectangles redrawn, "M<x> <y>h<n>v1…" per run of dark modules, and decoded."""
    svg = svg[svg.index('<svg class="qr"'):]
    svg = svg[: svg.index("</svg>")]
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    img = Image.new("L", (size * 4, size * 4), 255)
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1", svg):
        x, y, n = int(x), int(y), int(n)
        img.paste(0, (x * 4, y * 4, (x + n) * 4, y * 4 + 4))
    return decode(img)


def test_the_svg_qr_code_decodes_to_the_url():
    assert read_qr_svg(qr.svg(URL, "QR")) == URL


def test_the_text_qr_code_decodes_to_the_url():
    lines = qr.text(URL).splitlines()
    halves = {"█": (0, 0), "▀": (0, 1), "▄": (1, 0), " ": (1, 1)}  # (top, bottom): 1 is dark
    img = Image.new("L", (len(lines[0]) * 4, len(lines) * 8), 255)
    for row, line in enumerate(lines):
        for col, ch in enumerate(line):
            for half, dark in enumerate(halves[ch]):
                if dark:
                    img.paste(0, (col * 4, row * 8 + half * 4, col * 4 + 4, row * 8 + half * 4 + 4))
    assert decode(img) == URL


def test_sparkline_rises_with_the_counts():
    line = text_view.sparkline([0, 10, 20, 30, 40, 50, 60, 70])
    assert line[0] == "▁" and line[-1] == "█" and list(line) == sorted(line)
    assert text_view.sparkline([0, 0]) == "▁▁"
    assert text_view.sparkline([0, 1]) == "▁▅" and text_view.sparkline([]) == ""


def test_owner_views_sort_and_total():
    readings = [Reading(measurement("b", 5_000, [1] * 30)), Reading(measurement("a", 9_000, [0] * 30)),
                Reading(measurement("c", 1_000, [9] * 30), stale=True)]
    o = OwnerReading("fluxcd", Listing("fluxcd", ["a", "b", "c"], 0.0), readings)
    for by, order in (("total", "abc"), ("recent", "cba"), ("name", "abc"), ("bogus", "abc")):
        assert "".join(r.measurement.package for r in dashboard.sort(readings, by)[1]) == order
    text = text_view.owner(o, dashboard.sort(readings, "recent")[1])
    assert "15,000 downloads" in text and "300 in the last 30 days" in text
    rows = [line.split() for line in text.splitlines()[3:6]]
    assert [r[0] for r in rows] == ["c", "b", "a"] and [r[1] for r in rows] == ["1,000", "5,000", "9,000"]
    assert rows[0][-1] == "stale"
    html = dashboard.render(o, "recent", dashboard.sort(readings, "recent")[1], "http://h/", ROUTES.url_for)
    assert 'id="owner-total">15,000<' in html and 'href="/packages/fluxcd/a"' in html
    assert '<a href="?sort=total">' in html and '<a href="?sort=recent">' not in html  # the current sort is no link


def rounded(m: Measurement) -> Measurement:
    return replace(m, page=replace(m.page, total_exact=False))


def owner_views(o: OwnerReading) -> tuple[str, str, dict]:
    return dashboard.render(o, "total", o.readings, "http://h/", ROUTES.url_for), text_view.owner(o, o.readings), api.owner(o, partial(age, now=0.0))


def test_an_owners_totals_say_what_they_leave_out():
    a, b = measurement("a", 10_000, [1] * 30), measurement("b", 20_000, [1] * 30)
    whole = OwnerReading("fluxcd", Listing("fluxcd", ["a", "b"], 0.0), [Reading(a), Reading(b)])
    html, text, body = owner_views(whole)
    assert whole.gaps() == [] and body["complete"] is True
    assert "Not every download" not in html and "not every download" not in text
    failed = {n: AppError("upstream-status", "x") for n in ("c", "d")}
    cases = [  # one of each, and two of each
        (replace(whole, listing=Listing("fluxcd", ["a", "b"], 0.0, complete=False)), ["the listing was not read in full"]),
        (replace(whole, failed=dict(list(failed.items())[:1])), ["1 package could not be read"]),
        (replace(whole, readings=[Reading(rounded(a)), Reading(b)]), ["1 total is GitHub's rounded figure"]),
        (replace(whole, failed=failed, readings=[Reading(rounded(a)), Reading(rounded(b))]),
         ["2 packages could not be read", "2 totals are GitHub's rounded figure"]),
    ]
    for o, gaps in cases:
        html, text, body = owner_views(o)
        assert o.gaps() == gaps and body["complete"] is False
        assert f'<p class="stale">Not every download is counted: {"; ".join(gaps).replace(chr(39), "&#x27;")}.</p>' in html
        assert f"\nnot every download is counted: {'; '.join(gaps)}\n" in text


def test_an_owners_stale_listing_says_why_and_stale_packages_say_so():
    a = measurement("a", 10_000, [1] * 30)
    o = OwnerReading("fluxcd", Listing("fluxcd", ["a"], 0.0), [Reading(a, stale=True, error=AppError("upstream-status", "x"))])
    html, text, _ = owner_views(o)
    assert 'Listing read 1970-01-01T00:00:00Z. <span class="stale">(some values are stale: the upstream failed)</span></p>' in html
    assert "STALE" not in text.splitlines()[1]
    o = replace(o, listing_error=AppError("rate-limited", "the upstream answered <429>"))
    html, text, _ = owner_views(o)
    assert 'Listing read 1970-01-01T00:00:00Z. <span class="stale">(stale: the upstream answered &lt;429&gt;)</span></p>' in html
    assert text.splitlines()[1] == "listing read at 1970-01-01T00:00:00Z  STALE: the upstream answered <429>"


def test_package_views_carry_the_numbers_the_history_and_the_versions():
    r = Reading(measurement("flux-cli", 412_733_118, list(range(30))))
    points = [Point(0.0, 100), Point(DAY, 160), Point(2 * DAY, 400)]
    v = Versions("fluxcd", "flux-cli", [("v2", 30), ("v1", 10)], 0.0)
    html = package_view.render(r, points, v, self_url=URL, base_url="http://127.0.0.1:3000", url_for=ROUTES.url_for)
    assert 'id="total">412,733,118<' in html and 'id="display">412733K<' in html
    assert "![downloads](http://127.0.0.1:3000/badge/fluxcd/flux-cli.svg)" in html
    assert "endpoint?url=http%3A%2F%2F127.0.0.1%3A3000%2Fshields%2Ffluxcd%2Fflux-cli" in html
    assert ">75.0%<" in html and ">25.0%<" in html
    assert 'data-date="1970-01-03" data-count="240"' in html  # the daily delta of the last day
    text = text_view.package(r, points, v, URL)
    assert "total downloads  412,733,118" in text and re.search(r"^v2 +30$", text, re.M) and URL in text


def test_history_csv_has_a_header_the_deltas_and_the_falls():
    assert history_csv.render([Point(DAY, 160), Point(0.0, 100), Point(2 * DAY, 90, True)]) == (
        "time,total_downloads,added_since_previous,total_fell\n"
        "1970-01-01T00:00:00Z,100,,false\n1970-01-02T00:00:00Z,160,60,false\n1970-01-03T00:00:00Z,90,-70,true\n"
    )
