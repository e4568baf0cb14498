"""Differential tests: on generated pages and random mutations of them (safe drift and
breaking edits), the component and a reference extractor written on CPython's
`html.parser` (tests/parser/reference.py) give the same values or the same error kind."""

from dataclasses import replace

import pytest

from ghcr_stats.model import PackagePage, ParseError, ParseWarning, VersionsPage
from testkit.fakegithub import pages as P
from tests.parser import reference as R
from tests.parser.mutate import BREAKING, SAFE, mutate

CATALOG = P.fluxcd_catalog()


def outcome(fn, html):
    """The record read (its warnings by field: their words are the component's), or the
    error's kind."""
    try:
        got = fn(html)
    except ParseError as e:
        return e.kind
    if isinstance(got, (PackagePage, VersionsPage)):
        got = replace(got, warnings=[ParseWarning(w.field, "") for w in got.warnings])
    return got


def agree(parser_fn, reference_fn, html):
    got, want = outcome(parser_fn, html), outcome(reference_fn, html)
    assert got == want
    return got


def test_reference_reads_unmutated_pages(parser):
    for pkg in CATALOG:
        page = P.package_page(pkg, noise_kb=40)
        assert R.package_page(page) == outcome(parser.parse_package_page, page)
        assert R.package_page(page).total_downloads == pkg.total


@pytest.mark.parametrize("block", range(6))
def test_package_pages_agree(parser, block):
    kinds = {"ok": 0, "broken": 0}
    for seed in range(block * 12, block * 12 + 12):
        pkg = CATALOG[seed % len(CATALOG)]
        page = P.package_page(pkg, seed=seed, exact=seed % 5 != 0, comma_title=seed % 4 == 1, noise_kb=40)
        mutated = mutate(page, seed, SAFE + BREAKING, rate=0.2 + (seed % 5) / 10)
        result = agree(parser.parse_package_page, R.package_page, mutated)
        kinds["broken" if isinstance(result, str) or result.warnings else "ok"] += 1
    # Both are exercised (a page read whole; one an error or with values left out), or the
    # block proves little.
    assert kinds["ok"] and kinds["broken"], kinds


@pytest.mark.parametrize("block", range(3))
def test_listing_pages_agree(parser, block):
    for seed in range(block * 10, block * 10 + 10):
        page = P.listing_page("fluxcd", CATALOG, page=1 + seed % 3, per_page=4, seed=seed, noise_kb=20)
        agree(parser.parse_listing_page, R.listing_page, mutate(page, seed, SAFE + BREAKING, rate=0.4))


@pytest.mark.parametrize("block", range(3))
def test_versions_pages_agree(parser, block):
    for seed in range(block * 10, block * 10 + 10):
        pkg = CATALOG[seed % len(CATALOG)]
        page = P.versions_page(pkg, page=1 + seed % 2, per_page=10, seed=seed, noise_kb=20)
        agree(parser.parse_versions_page, R.versions_page, mutate(page, seed, SAFE + BREAKING, rate=0.4))


@pytest.mark.parametrize("method,ref", [("parse_package_page", R.package_page), ("parse_listing_page", R.listing_page), ("parse_versions_page", R.versions_page)])
def test_every_reader_agrees_on_every_page_kind(parser, method, ref):
    pages = [
        P.package_page(CATALOG[2], noise_kb=20),
        P.listing_page("fluxcd", CATALOG, noise_kb=20),
        P.versions_page(CATALOG[3], noise_kb=20),
        P.not_found_page(),
        P.login_page(),
    ]
    for page in pages:
        agree(getattr(parser, method), ref, page)
