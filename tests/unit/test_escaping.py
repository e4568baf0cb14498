"""Every value that can come from GitHub's pages or from a client, in every field of every
renderer, is written as data: the output still parses in its own format (html.parser,
xml.etree, the terminal's lines, csv, prometheus_client, json) into the same elements,
attributes, lines, samples and keys as with a harmless value of the same length, and the hostile
value reads back intact where the harmless one was.

"Intact" is the format's own: HTML and JSON keep every character; XML (the SVG badges and
charts) cannot hold most C0 control characters at all, so those read back as U+FFFD; a terminal
(the text views) must not be handed control characters or line breaks it would obey, so every
character that is not printable reads back as its Python escape (`\\x1b`, `\\n`).

Fields from GitHub: the display total, repository, latest version, tags, the 30 days' dates, parse
warnings, the page's URL and the words of an error (a parse error quotes the page; a redirect
refused names its Location). From a client: the package and owner names (checked against
GitHub's rules first, but a stored index holds whatever was written), a badge's tag, the page's
own URL (its path and query as sent).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from ghcr_stats.model import (
    AppError, DailyCount, Failures, Listing, Measurement, OwnerReading, PackagePage, PackageRef, ParseWarning, Point, Reading,
    TaggedVersion, Tracked, Versions,
)
from ghcr_stats.render import api, badge, charts, dashboard, history_csv, layout, metrics, package_view, qr, text_view
from ghcr_stats.numbers import age
from ghcr_stats.service import ROUTES

AT = 1_780_000_000.0

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)' x='",
    "&amp;&lt;b&gt;&#60;&",  # already escaped: must stay text, not turn into markup
    "]]><svg onload=alert(1)><!--",
    "a\nb\r\nc\rd",  # line breaks
    "\x1b[2J\x1b]0;owned\x07\x1b[31m",  # terminal control sequences
    "\x00\x01\x08\x0b\x0c\x7f\x85\u2028\u2029\u202e",  # what XML cannot hold; line separators; a bidi override
    '\\"} 1\nghcr_stats_downloads_total{owner="x"} 9',  # a Prometheus label ending itself
    'x",y\n"z',  # a CSV field
    "\t \u00a0",
]

FIELDS = [
    "owner", "package", "display_total", "repository", "latest_version", "tag", "date", "warning_field",
    "warning_message", "url", "error", "failed", "self_url",
]

# The harmless value of each field: distinct, so that each can be found where it is written.
PLAIN = {f: f"{f.replace('_', '')}{i}" for i, f in enumerate(FIELDS)}


def world(values: dict[str, str]) -> dict:
    """Every record the renderers take, built from `values` (field -> string)."""
    v = values.__getitem__
    days = [DailyCount(v("date"), 3), DailyCount("2026-05-02", 5)]
    recent = [TaggedVersion(1, ["latest", v("latest_version")], 5), TaggedVersion(2, [v("tag")], 3)]
    warnings = [ParseWarning(v("warning_field"), v("warning_message"))]
    page = PackagePage(123, False, v("display_total"), days, "2026-05-20T07:13:00-07:00", v("repository"), v("latest_version"), recent, warnings)
    error = AppError("upstream-status", v("error"))
    m = Measurement(v("owner"), v("package"), page, v("url"), AT)
    reading = Reading(m, True, error)
    versions = Versions(v("owner"), v("package"), [(v("latest_version"), 5), (v("tag"), 3)], AT, True, warnings)
    owner = OwnerReading(v("owner"), Listing(v("owner"), [v("package"), v("failed")], AT, False), [reading], {v("failed"): error}, error)
    points = [Point(AT - 86400, 100), Point(AT, 123, True)]
    tracked = [Tracked(PackageRef(v("owner"), v("package")), m, Failures({v("error"): 2, "upstream-status": 1}))]
    return {**values, "reading": reading, "versions": versions, "owner_reading": owner, "points": points, "tracked": tracked, "app_error": error}


def _html(w: dict) -> dict[str, str]:
    by, rows = dashboard.sort(w["owner_reading"].readings, None)
    return {
        "package page": package_view.render(
            w["reading"], w["points"], w["versions"], self_url=w["self_url"], base_url="http://h", url_for=ROUTES.url_for
        ),
        "owner page": dashboard.render(w["owner_reading"], by, rows, w["self_url"], ROUTES.url_for),
        "error page": layout.error_page(502, "upstream-status", w["app_error"].message, "/"),
    }


def _xml(w: dict) -> dict[str, str]:
    days = [(d.date, d.count) for d in w["reading"].measurement.page.daily_downloads]
    return {
        "version badge": badge.render("version", w["latest_version"], True),
        "tag badge": badge.render(w["tag"], w["display_total"]),
        "error badge": badge.render("downloads", "unavailable", why=w["app_error"].message),
        "bars": charts.bars(days, label="per day"),
    }


def _text(w: dict) -> dict[str, str]:
    by, rows = dashboard.sort(w["owner_reading"].readings, None)
    return {
        "owner text": text_view.owner(w["owner_reading"], rows),
        "package text": text_view.package(w["reading"], w["points"], w["versions"], w["self_url"]),
        "error text": text_view.error(502, "upstream-status", w["app_error"].message),
    }


def _json(w: dict) -> dict[str, str]:
    dump = lambda body: json.dumps(body, separators=(",", ":"))  # as the service writes it
    return {
        "package json": dump(api.package(w["reading"], functools.partial(age, now=AT))),
        "owner json": dump(api.owner(w["owner_reading"], functools.partial(age, now=AT))),
        "versions json": dump(api.versions(w["versions"], w["app_error"], functools.partial(age, now=AT), {w["tag"]: [(AT, 3)]})),
        "shields json": dump(api.shields(w["tag"], w["latest_version"], False)),
        "error json": dump(api.error("upstream-status", w["app_error"].message)),
    }


def _metrics(w: dict) -> dict[str, str]:
    return {"metrics": metrics.render(w["tracked"])}


def _csv(w: dict) -> dict[str, str]:
    return {"history csv": history_csv.render(w["points"])}  # numbers and times only: nothing to inject


# -- reading each format back as what it means ----------------------------------------------------


class Tokens(HTMLParser):
    """An HTML document as the list of what a browser builds from it: elements with their
    attributes, and text. The QR code's drawing is one token: it draws the page's URL, not text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple] = []
        self.in_qr = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if self.in_qr:
            self.in_qr += tag == "svg"
            return
        if tag == "svg" and ("class", "qr") in attrs:
            self.in_qr = 1
            self.tokens.append(("qr",))
            return
        self.tokens.append(("start", tag, _attributes(attrs)))

    def handle_startendtag(self, tag, attrs):
        if not self.in_qr:
            self.tokens.append(("start-end", tag, _attributes(attrs)))

    def handle_endtag(self, tag):
        if self.in_qr:
            self.in_qr -= tag == "svg"
            return
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        if self.in_qr:
            return
        if self.tokens and self.tokens[-1][0] == "text":  # one run of text, however it was fed
            data = self.tokens.pop()[1] + data
        self.tokens.append(("text", data))

    def handle_comment(self, data):
        self.tokens.append(("comment", data))

    def handle_decl(self, decl):
        self.tokens.append(("decl", decl))

    def unknown_decl(self, data):
        self.tokens.append(("unknown-decl", data))

    def handle_pi(self, data):
        self.tokens.append(("pi", data))


def _attributes(attrs) -> tuple:
    return tuple((k, _number(v)) for k, v in attrs)


def _number(value):
    """Sizes and positions follow the text's width: a number is any number."""
    try:
        float(value)
        return "#"
    except (TypeError, ValueError):
        return value


def html_tokens(text: str) -> list[tuple]:
    # The app's own links percent-encode the names in them (the shields.io link twice): a name
    # reads back from a link decoded, as from text.
    return [tuple(_decoded(x) for x in t) for t in Tokens(text).tokens]


def _decoded(value):
    if isinstance(value, tuple):
        return tuple(_decoded(x) for x in value)
    if isinstance(value, str):
        for _ in range(2):
            value = unquote(value)
    return value


def xml_tokens(text: str) -> list[tuple]:
    root = ET.fromstring(text)  # raises for anything not well-formed
    return [(e.tag, tuple((k, _number(v)) for k, v in e.attrib.items()), e.text, e.tail) for e in root.iter()]


def text_lines(text: str) -> list[str]:
    unprintable = {c for c in text if not c.isprintable() and c != "\n"}
    assert not unprintable, f"the terminal would be handed {sorted(unprintable)!r}"
    lines = []
    for line in text.split("\n"):
        if line and set(line) <= set("█▀▄ "):  # the QR code's drawing: the URL, not text
            if lines[-1:] != ["(qr)"]:
                lines.append("(qr)")
        else:
            lines.append(line)
    return lines


def json_value(text: str):
    return json.loads(text)


def metric_samples(text: str) -> list[tuple]:
    return [(f.name, f.type, s.name, tuple(sorted(s.labels.items())), s.value) for f in text_string_to_metric_families(text) for s in f.samples]


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


_FORBIDDEN_IN_XML = {chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]}


def as_xml(value: str) -> str:
    return "".join("\ufffd" if c in _FORBIDDEN_IN_XML else c for c in value)


def as_terminal(value: str) -> str:
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in value)


# kind: (renderers, parse, how a value reads back)
KINDS = {
    "html": (_html, html_tokens, lambda v: v),  # the pages' SVG charts hold XML's form (same length)
    "xml": (_xml, xml_tokens, as_xml),
    "text": (_text, text_lines, as_terminal),
    "json": (_json, json_value, lambda v: v),
    "metrics": (_metrics, metric_samples, lambda v: v),
    "csv": (_csv, csv_rows, lambda v: v),
}


def swap(parsed, old: str, new: str):
    """`parsed` with every `old` inside its strings written `new`."""
    if isinstance(parsed, str):
        return parsed.replace(old, new)
    if isinstance(parsed, (list, tuple)):
        return type(parsed)(swap(x, old, new) for x in parsed)
    if isinstance(parsed, dict):
        return {swap(k, old, new): swap(x, old, new) for k, x in parsed.items()}
    return parsed


def check(field: str, hostile: str) -> set[str]:
    """Render everything with `hostile` in `field`, and with a harmless value of the same length
    as it reads back; each output must parse into what the harmless one does, with the hostile
    value where the harmless one is. Returns the outputs `field` reaches.

    Both values are fenced with brackets no output has otherwise, so that each is found only
    where it was put, and sorts after every plain value."""
    reached = set()
    hostile = f"\u27e6{hostile}\u27e7"
    for kind, (renderers, parse, reads_as) in KINDS.items():
        shown = reads_as(hostile)
        harmless = "\u27e6" + "Z" * (len(shown) - 2) + "\u27e7"
        with_hostile = renderers(world({**PLAIN, field: hostile}))
        with_harmless = renderers(world({**PLAIN, field: harmless}))
        for name, out in with_hostile.items():
            try:
                parsed = parse(out)
            except (ET.ParseError, AssertionError, ValueError) as e:
                raise AssertionError(f"{name} with {field}={hostile!r} does not parse as {kind}: {e}\n{out}") from None
            expected = parse(with_harmless[name])
            if kind == "html":
                parsed = swap(parsed, as_xml(hostile), harmless)
            assert swap(parsed, shown, harmless) == expected, f"{name}: {field}={hostile!r} is not written as data\n{out}"
            if harmless in json.dumps(expected, ensure_ascii=False):
                reached.add(name)
    return reached


@pytest.fixture(autouse=True, scope="module")
def _one_qr_code_per_url():
    # The QR encoder is pure Python and slow; every URL is drawn many times here.
    real = qr.matrix
    cached = functools.cache(real)
    qr.matrix = lambda data: [row[:] for row in cached(data)]  # a copy: qr.text adds a row
    yield
    qr.matrix = real


# Where each field must be shown (a field no output shows would prove nothing).
REACHES = {
    "owner": {"package page", "owner page", "owner text", "package text", "package json", "owner json", "versions json", "metrics"},
    "package": {"package page", "owner page", "owner text", "package text", "package json", "owner json", "versions json", "metrics"},
    "display_total": {"package page", "owner page", "owner text", "package text", "tag badge", "package json", "owner json"},
    "repository": {"package page", "package text", "package json", "owner json"},
    "latest_version": {"package page", "package text", "version badge", "package json", "owner json", "versions json", "shields json"},
    "tag": {"package page", "package text", "tag badge", "package json", "owner json", "versions json", "shields json"},
    "date": {"package page", "bars", "package json", "owner json"},
    "warning_field": {"package json", "owner json", "versions json", "metrics"},
    "warning_message": {"package json", "owner json", "versions json"},
    "url": {"package page", "package text", "package json", "owner json"},
    "error": {
        "package page", "owner page", "error page", "owner text", "package text", "error text", "error badge",
        "package json", "owner json", "versions json", "error json", "metrics",
    },
    "failed": {"owner page", "owner text", "owner json"},
    "self_url": {"package page", "package text"},
}


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("field", FIELDS)
def test_every_field_of_every_renderer_is_written_as_data(field, hostile):
    assert check(field, hostile) >= REACHES[field]


# Any text at all, in any one field: markup, quotes, controls, line and paragraph separators.
NASTY = st.text(st.sampled_from(list("<>&\"'=/;#\\ ab1-:!?[]{}\t\n\r") + ["\x00", "\x1b", "\x7f", "\x85", "\u2028", "\u202e", "é", "\ufffd"]), min_size=1, max_size=24)


@settings(max_examples=100, deadline=None)
@given(field=st.sampled_from(FIELDS), hostile=NASTY)
def test_any_text_in_any_field_is_written_as_data(field, hostile):
    check(field, hostile)
