"""The pages as a person sees them: headless Chromium renders the owner page and a package page
of a store with several days of history; the numbers, the charts' points and the QR code (decoded
from the screenshot) are checked, at a phone's width and a desktop's."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
import zxingcpp
from PIL import Image

from testkit.parser import WasmtimeParser
from testkit.fakegithub.pages import display_count
from testkit.seed import HISTORY, seed
from testkit.browser import chromium
from testkit.served import Served, store_of



def screenshot(url: str, width: int, path: Path) -> Image.Image:
    chromium(f"--window-size={width},2600", f"--screenshot={path}", url)
    return Image.open(path)


@pytest.fixture(scope="module")
def site(upstream, tmp_path_factory):
    state = tmp_path_factory.mktemp("state")
    seed(store_of(state), upstream, WasmtimeParser(), time.time(), HISTORY)
    with Served({"upstream": upstream.url}, state=state) as served:
        yield served


def test_the_package_page_shows_the_numbers_and_every_point(site, upstream):
    dom = chromium("--dump-dom", f"{site.url}/packages/fluxcd/flagger")
    pkg = upstream.packages[("fluxcd", "flagger")]
    assert f'id="total">{HISTORY["flagger"][-1]:,}<' in dom
    assert f'id="display">{display_count(HISTORY["flagger"][-1])}<' in dom
    bars = re.findall(r'data-date="([\d-]+)" data-count="(\d+)"', dom)
    assert [(d, int(c)) for d, c in bars[:30]] == pkg.daily  # GitHub's 30 days
    totals = HISTORY["flagger"]
    assert [int(v) for v in re.findall(r'data-value="(\d+)"', dom)] == totals  # one point a day
    assert [int(c) for _, c in bars[30:]] == [b - a for a, b in zip(totals, totals[1:])]  # per day
    for tag, n in pkg.versions[:3]:
        assert f">{tag}<" in dom and f">{n:,}<" in dom
    assert "<script" not in dom


def test_the_owner_page_sums_and_sorts(site, upstream):
    dom = chromium("--dump-dom", f"{site.url}/?sort=name")
    totals = {name: p.total for (owner, name), p in upstream.packages.items() if owner == "fluxcd"}
    totals.update({name: t[-1] for name, t in HISTORY.items()})
    assert f'id="owner-total">{sum(totals.values()):,}<' in dom
    names = re.findall(r'<a href="/packages/fluxcd/([^"]+)">', dom)
    assert names == sorted(totals)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_qr_code_in_the_screenshot_opens_the_page(site, tmp_path, width):
    url = f"{site.url}/packages/fluxcd/flux-cli"
    shot = screenshot(url, width, tmp_path / f"package-{width}.png")
    found = [b.text for b in zxingcpp.read_barcodes(shot)]
    assert found == [url]
    assert shot.size[0] == width


def test_the_text_view_is_what_curl_gets(site):
    text = httpx.get(f"{site.url}/packages/fluxcd/flagger", headers={"accept": "*/*"}).text
    assert f"total downloads  {HISTORY['flagger'][-1]:,}" in text
    assert "(4 days measured)" not in text and "(3 days measured)" in text  # three deltas between four days
    owner = httpx.get(site.url + "/", headers={"accept": "*/*"}).text
    assert re.search(rf"^flagger +{HISTORY['flagger'][-1]:,} ", owner, re.M)


def test_an_svg_badge_says_unavailable_when_github_is_down_and_nothing_is_stored(site, upstream):
    upstream.fail("*", "503")
    r = httpx.get(f"{site.url}/badge/fluxcd/never-read.svg")
    assert r.status_code == 502 and r.headers["content-type"] == "image/svg+xml"
    assert re.findall(r"<text[^>]*>([^<]*)</text>", r.text)[-1] == "unavailable"
