"""The wasmtime adapter: its direct lifting agrees with wasmtime-py's generic one, and a
fresh instance per call gives the same answers as the reused one."""

import pytest

from ghcr_stats.adapters.wasmtime_parser import WasmtimeParser
from ghcr_stats.pages import ParseError
from tests.fakegithub import pages as P

CATALOG = P.fluxcd_catalog()
PAGES = [
    ("parse_package_page", P.package_page(CATALOG[1], seed=3)),
    ("parse_package_page", P.package_page(CATALOG[7], exact=False)),
    ("parse_listing_page", P.listing_page("fluxcd", CATALOG, per_page=20)),
    ("parse_versions_page", P.versions_page(CATALOG[0], per_page=30)),
    ("parse_package_page", P.not_found_page()),
    ("parse_versions_page", P.versions_page(P.Package("o", "n", 1, [], versions=[("v1", 2**64)]))),
]


def outcome(parser, method, html):
    try:
        return getattr(parser, method)(html)
    except ParseError as e:
        return (e.kind, e.message)


@pytest.fixture(scope="module")
def generic():
    return WasmtimeParser(lift="wasmtime")


@pytest.mark.parametrize("method,html", PAGES, ids=[f"{m}-{i}" for i, (m, _) in enumerate(PAGES)])
def test_direct_lifting_matches_wasmtime_lifting(parser, generic, method, html):
    assert outcome(parser, method, html) == outcome(generic, method, html)


def test_fresh_instance_per_call():
    fresh = WasmtimeParser.fresh()
    assert fresh.fresh_instance and fresh.store is None
    html = P.package_page(CATALOG[2])
    assert fresh.parse_package_page(html).total_downloads == CATALOG[2].total
    assert fresh.parse_package_page(html).total_downloads == CATALOG[2].total


def test_rejects_bytes(parser):
    with pytest.raises(TypeError):
        parser.parse_package_page(b"<html>")


def test_missing_component_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        WasmtimeParser(tmp_path / "nope.wasm")
