"""What a GitHub page says reaches a client only as data, through the whole service: a version
with a terminal's control sequence and a line break in it, and a page that does not parse and
is quoted in the error. (tests/unit/test_escaping.py holds every renderer to the same, field by
field; this is the wiring: the text answers, errors included, and the badges go through them.)"""

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from ghcr_stats import service
from ghcr_stats.config import Settings
from ghcr_stats.host import Host
from testkit.cpython import Clock, DictKV, HttpxHttp, serve, sleeper
from testkit.fakegithub.pages import fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub
from testkit.parser import WasmtimeParser

VERSION = "v1\x1b[31m\x1b]0;owned\x07"
TAG = "v0\nrepository       evil/one"
BAD_DATE = "2026-05-01\x1b[2J\nforged line"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def upstream():
    odd, broken, *_ = fluxcd_catalog()
    odd = replace(odd, name="odd", repository=None, latest_version=VERSION, versions=[(VERSION, 7), (TAG, 5)])
    broken = replace(broken, name="broken", repository=None, daily=[(BAD_DATE, 1), *broken.daily[1:]])
    with FakeGitHub([odd, broken]) as gh:
        yield gh


@pytest.fixture
def host(upstream):
    clock = Clock()
    return Host(Settings(upstream=upstream.url), HttpxHttp(), DictKV(), WasmtimeParser(), clock, sleeper(clock))


def get(host: Host, path: str, headers: dict | None = None) -> service.Response:
    return serve(host, service.Request("GET", path, headers or {}))


def printable(text: str) -> bool:
    return all(c.isprintable() for line in text.split("\n") for c in line)


def test_the_parser_hands_the_version_and_tags_over_as_the_page_has_them(host):
    # What the rest guards against is real: GitHub's page is the parser's only judge.
    assert json.loads(get(host, "/stats/odd").body)["latest_version"] == VERSION
    assert json.loads(get(host, "/stats/odd/versions").body)["versions"][1]["tag"] == TAG


def test_the_text_view_shows_a_control_sequence_and_a_line_break_as_escapes(host):
    text = get(host, "/packages/fluxcd/odd").body.decode()
    assert printable(text)
    assert "latest version   v1\\x1b[31m\\x1b]0;owned\\x07\n" in text
    assert "\nv0\\nrepository       evil/one  " in text  # the tag, in the versions' table
    assert [line for line in text.split("\n") if line.startswith("repository")] == []  # no line of the page's making


def test_the_version_badge_is_well_formed_xml_with_the_version_in_it(host):
    r = get(host, "/badge/odd/version.svg")
    assert r.status == 200
    texts = [t.text for t in ET.fromstring(r.body).iter(f"{SVG}text")]
    # XML cannot hold ESC or BEL even as a reference: they read as U+FFFD.
    assert texts[-1] == "v1\ufffd[31m\ufffd]0;owned\ufffd"
    tag = ET.fromstring(get(host, "/badge/odd/tag/v0%0Arepository%20%20%20%20%20%20%20evil%2Fone.svg").body)
    assert tag.get("aria-label") == f"{TAG}: 5"  # the line break, kept through attribute normalization


def test_an_error_that_quotes_the_page_is_one_line_of_text(host):
    r = get(host, "/packages/fluxcd/broken")
    text = r.body.decode()
    assert (r.status, r.headers["content-type"]) == (502, "text/plain; charset=utf-8")
    assert text.count("\n") == 1 and text.endswith("\n") and printable(text)
    assert text.startswith("502 unparseable: ") and '"2026-05-01\\x1b[2J\\nforged line"' in text
    html = get(host, "/packages/fluxcd/broken", {"accept": "text/html"}).body.decode()
    assert "2026-05-01\x1b[2J\nforged line" in html and "<forged" not in html  # HTML holds it as text
