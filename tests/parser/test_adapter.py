"""The wasmtime adapter: its direct lowering and lifting agree with wasmtime-py's generic
ones (on non-ASCII text, empty strings and 20 MB pages too), text that is not Unicode is
refused cleanly, and a fresh instance per call gives the same answers as the reused one."""

import pytest

import ctypes

from ghcr_stats.adapters.wasmtime_parser import Utf8Lowering, WasmtimeParser
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


# Wide strs (one character beyond ASCII: Latin-1, the BMP, astral planes) are encoded in
# slices; the non-ASCII characters sit at, before and after slice edges (8192 characters).
WIDE = [
    "",
    "é",
    "\x00",
    "a" * 8191 + "é",
    "a" * 8192 + "é",
    "é" + "a" * 8192,
    "a" * 8191 + "€" + "b" * 8192 + "𝔘",
    "漢字かな交じり文 <p>текст</p> " * 2000,
]


def test_lowering_is_str_encode():
    lowering = Utf8Lowering()  # one buffer for all: it grows, and shorter texts follow longer
    for text in WIDE + ["x" * 5000, "é" * 3_000_000, "€" * 10, "a" * 100] + WIDE[::-1]:
        address, size = lowering.lower(text)
        assert ctypes.string_at(address, size) == text.encode("utf-8")
        lowering.trim()


def _wide_pages():
    page = P.package_page(CATALOG[1], seed=1, filler_before=0.5)
    yield "parse_package_page", page  # carries a "·" and a "…"
    yield "parse_package_page", page.replace("…", "😀").replace("·", "é")
    yield "parse_package_page", page.encode("ascii", "replace").decode()
    yield "parse_listing_page", P.listing_page("fluxcd", CATALOG, per_page=20).replace("</body>", "<p>ünïcödé €𝔘</p></body>")
    for method in ("parse_package_page", "parse_listing_page", "parse_versions_page"):
        yield method, ""
        yield method, "€"
    # 20 MB, wide, the package content after all the filler.
    yield "parse_package_page", P.package_page(CATALOG[1], seed=2, noise_kb=20_000, filler_before=1.0).replace("</body>", "…</body>")


@pytest.mark.parametrize("method,html", list(_wide_pages()), ids=lambda v: v if isinstance(v, str) and len(v) < 40 else f"{len(v)} chars")
def test_direct_lowering_matches_wasmtime_lowering(parser, generic, method, html):
    assert outcome(parser, method, html) == outcome(generic, method, html)


@pytest.mark.parametrize("html", ["\ud800", "a\udcff", "é" * 20_000 + "\udc80" + "x" * 20_000, "<p>" * 5000 + "\udfff"])
def test_lone_surrogates_are_refused_not_passed(parser, generic, html):
    """wasmtime's C API aborts the process on a string that is not UTF-8: a lone surrogate
    is a ValueError before any call, on both paths, and the instance stays usable."""
    for p in (parser, generic):
        with pytest.raises(ValueError, match=r"^html is not valid Unicode: lone surrogate U\+D[89A-F][0-9A-F]{2} at index") as e:
            p.parse_package_page(html)
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
