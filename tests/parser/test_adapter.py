"""The component in CPython (testkit.parser): wide text reads as its ASCII twin does (on
non-ASCII text, empty strings and 20 MB pages too), text that is not Unicode is refused
cleanly, and a fresh instance per call gives the same answers as the reused one."""

import pytest

from ghcr_stats.model import ParseError
from testkit.fakegithub import pages as P
from testkit.parser import WasmtimeParser

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


@pytest.mark.parametrize("method,html", PAGES, ids=[f"{m}-{i}" for i, (m, _) in enumerate(PAGES)])
def test_a_fresh_instance_reads_as_the_reused_one(parser, method, html):
    assert outcome(parser, method, html) == outcome(WasmtimeParser.fresh(), method, html)


def _wide_pages():
    """(method, wide text, its ASCII twin): the same page with characters beyond ASCII
    (Latin-1, the BMP, astral planes) where no value is read."""
    page = P.package_page(CATALOG[1], seed=1, filler_before=0.5)
    assert "…" in page and "·" in page
    ascii_page = page.replace("…", "...").replace("·", "-")
    yield "parse_package_page", page, ascii_page
    yield "parse_package_page", page.replace("…", "😀").replace("·", "é"), ascii_page
    listing = P.listing_page("fluxcd", CATALOG, per_page=20)
    yield "parse_listing_page", listing.replace("</body>", "<p>ünïcödé €𝔘</p></body>"), listing
    for method in ("parse_package_page", "parse_listing_page", "parse_versions_page"):
        yield method, "€", ""
    # 20 MB, wide, the package content after all the filler.
    big = P.package_page(CATALOG[1], seed=2, noise_kb=20_000, filler_before=1.0)
    yield "parse_package_page", big.replace("</body>", "…</body>"), big


@pytest.mark.parametrize("method,html,twin", list(_wide_pages()), ids=lambda v: v if isinstance(v, str) and len(v) < 40 else f"{len(v)} chars")
def test_wide_text_reads_as_its_ascii_twin(parser, method, html, twin):
    assert outcome(parser, method, html) == outcome(parser, method, twin)


def test_wide_pages_read_their_values(parser):
    for _, html, _ in list(_wide_pages())[:2]:
        assert parser.parse_package_page(html).total_downloads == CATALOG[1].total


@pytest.mark.parametrize("html", ["\ud800", "a\udcff", "é" * 20_000 + "\udc80" + "x" * 20_000, "<p>" * 5000 + "\udfff"])
def test_lone_surrogates_are_refused_not_passed(parser, html):
    """wasmtime's C API aborts the process on a string that is not UTF-8: a lone surrogate
    is a ValueError before any call, and the instance stays usable."""
    with pytest.raises(ValueError, match=r"^html is not valid Unicode: .*surrogate.* at index") as e:
        parser.parse_package_page(html)
    assert not isinstance(e.value, UnicodeError)
    index = next(i for i, c in enumerate(html) if "\ud800" <= c <= "\udfff")
    assert f"at index {index};" in str(e.value)
    store = parser.store
    assert parser.parse_package_page(PAGES[0][1]).total_downloads == CATALOG[1].total
    assert parser.store is store  # not re-instantiated: nothing ran


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
