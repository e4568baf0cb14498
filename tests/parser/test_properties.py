"""Properties of the component on any input: it never traps (every call returns a record or
a ParseError), a page cut anywhere gives an error or exactly the whole page's values, deep
nesting and unterminated constructs are fine, and a 20 MB page parses in bounded memory."""

import re

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from testkit.parser import WasmtimeParser
from ghcr_stats.model import ListingPage, PackagePage, ParseError, VersionsPage
from testkit.fakegithub import pages as P

CATALOG = P.fluxcd_catalog()
METHODS = ("parse_package_page", "parse_listing_page", "parse_versions_page")
TYPES = {"parse_package_page": PackagePage, "parse_listing_page": ListingPage, "parse_versions_page": VersionsPage}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of markup that exercise every tokenizer state, stitched together at random.
SNIPPETS = [
    "<", ">", "/", "</", "<!", "<!--", "-->", "--!>", "<!-->", "<?", "<![CDATA[", "]]>", "<!DOCTYPE html>",
    "<script>", "</script>", "<style>", "</style>", "<textarea>", "</textarea>", "<title>", "</title>",
    "<template>", "</template>", "<svg>", "</svg>", "<math>", "<plaintext>", "<noscript>",
    "<h3", " title=", '"', "'", "=", " ", "\n", "&", "&#", "&#x", ";", "&amp;", "&#44;", "&nbsp;", "&#xFFFFFFFF;",
    "Total downloads", "Downloads for the last 30 days", "Last published", "docker pull ghcr.io/a/b:v1",
    '<h3 title="12345">12K</h3>', '<rect data-date="2026-01-01" data-merge-count="5">', "<rect data-date=x>",
    '<svg aria-label="Downloads for the last 30 days">', '<relative-time datetime="2026-01-01T00:00:00Z">',
    '<a href="/o/r">o/r</a>', '<a href="/orgs/o/packages/container/package/n%2Fx">', '<a rel="next" href="/p?page=2">',
    '<a href="/orgs/o/packages/container/n/1?tag=v1">v1</a>', " 1,234 ", "99999999999999999999", "1.2M",
    "é", "\u2028", "\x00", "\ufffd", "𝔘",
]
markup = st.lists(st.sampled_from(SNIPPETS), max_size=60).map("".join)
texts = st.one_of(
    st.text(max_size=2000),
    st.binary(max_size=2000).map(lambda b: b.decode("latin-1")),
    st.binary(max_size=2000).map(lambda b: b.decode("utf-8", "replace")),
    markup,
    st.tuples(markup, st.text(max_size=200), markup).map("".join),
)


def call(parser, method, html):
    """The call's outcome; anything but a record or a ParseError (a trap) fails the test."""
    try:
        result = getattr(parser, method)(html)
    except ParseError as e:
        assert e.kind in ("wrong-page", "not-found", "bad-value")  # parse-error's cases in wit/parser.wit
        return e
    assert isinstance(result, TYPES[method])
    return result


@SETTINGS
@given(html=texts)
def test_any_text_gives_a_record_or_a_parse_error(parser, html):
    for method in METHODS:
        result = call(parser, method, html)
        if isinstance(result, PackagePage):
            assert 0 <= result.total_downloads < 2**64
            assert "Total downloads" in html or "Total" in html or "&" in html


# Markup the parser must see through wherever it sits between two tags: comments, scripts and
# styles that hold look-alikes of the values, hidden elements, whitespace.
NOISE = st.sampled_from([
    "<!-- Total downloads <h3 title=\"1\">1</h3> -->",
    '<script>document.write(\'<h3 title="7">Total downloads</h3><rect data-date="2020-01-01" data-merge-count="9">\')</script>',
    '<style>h3[title="8"]::after { content: "Total downloads" }</style>',
    '<template><svg aria-label="Downloads for the last 30 days"><rect data-date="2020-01-02" data-merge-count="3"></svg></template>',
    '<div hidden></div>', '<span class="tmp-mb-1"></span>', "\n  \t", "<br>", "<!---->",
])


@st.composite
def noisy_pages(draw):
    """A real package page (any of the catalog's, any noise seed) with noise inserted before
    random block elements: (page, the package it shows)."""
    pkg = CATALOG[draw(st.integers(0, len(CATALOG) - 1))]
    page = P.package_page(pkg, seed=draw(st.integers(0, 5)), noise_kb=draw(st.sampled_from([0, 10])))
    # Before block elements: never inside the chart's <svg> (where a <script> is SVG's, and
    # parsed) nor inside an element's text (where whitespace would become part of a value).
    tags = [m.start() for m in re.finditer(r"<(?:div|section|main|nav|header|footer|ul|li)\b", page)]
    for at in sorted(draw(st.lists(st.sampled_from(tags), max_size=8)), reverse=True):
        page = page[:at] + draw(NOISE) + page[at:]
    return page, pkg


@SETTINGS
@given(noisy_pages())
def test_noise_between_tags_changes_no_value(parser, page_and_pkg):
    page, pkg = page_and_pkg
    result = call(parser, "parse_package_page", page)
    event("parsed" if isinstance(result, PackagePage) else f"error: {result.kind}")
    assert isinstance(result, PackagePage)
    assert result.total_downloads == pkg.total and [(d.date, d.count) for d in result.daily_downloads] == pkg.daily
    assert result.repository == pkg.repository and result.latest_version == pkg.latest_version


@SETTINGS
@given(data=st.data(), seed=st.integers(0, 5))
def test_a_cut_page_gives_an_error_or_the_whole_pages_values(parser, data, seed):
    pkg = CATALOG[seed]
    page = P.package_page(pkg, seed=seed, noise_kb=10)
    whole = parser.parse_package_page(page)
    # Past the chart every value has been read; before, a cut may end the page anywhere.
    values_end = page.index("</svg>", page.index(P.CHART_LABEL)) + 200
    after = data.draw(st.booleans(), label="cut after the values")
    cut = data.draw(st.integers(values_end, len(page)) if after else st.integers(0, values_end - 1), label="cut")
    result = call(parser, "parse_package_page", page[:cut])
    event(("after the values: " if after else "before: ") + ("parsed" if isinstance(result, PackagePage) else f"error {result.kind}"))
    if after:
        assert result == whole
    elif not isinstance(result, ParseError):
        assert result == whole


@pytest.mark.parametrize("depth", [10, 10_000, 200_000])
def test_deep_nesting(parser, depth):
    pkg = CATALOG[0]
    page = P.package_page(pkg, noise_kb=0)
    deep = "<div><span>" * depth + page + "</span></div>" * depth
    assert parser.parse_package_page(deep).total_downloads == pkg.total
    svgs = "<svg>" * depth + '<rect data-date="2026-01-01" data-merge-count="1">' + "</svg>" * depth
    nested_chart = page.replace('<rect width="150"', svgs + '<rect width="150"', 1)
    call(parser, "parse_package_page", nested_chart)
    call(parser, "parse_listing_page", "<ul>" * depth)


@pytest.mark.parametrize(
    "tail",
    ["<!--", "<script>", "<style>a", "<textarea>", '<h3 title="', "<h3 title='1", "<a href=", "<![CDATA[", "<svg><![CDATA[x", "&#", "&#x1", "</", "<!DOCTYPE", "<?x", "<a b", "<plaintext>"],
)
def test_unterminated_constructs(parser, tail):
    page = P.package_page(CATALOG[0], noise_kb=0)
    i = page.index("<span", page.index("Last published") - 200)
    for html in (tail, page[:i] + tail, page[:i] + tail + page[i:], tail * 1000):
        for method in METHODS:
            result = call(parser, method, html)
            if isinstance(result, PackagePage):
                assert result.total_downloads == CATALOG[0].total


LIMIT = 72 << 20


@pytest.fixture
def limited():
    """A parser whose instances may use 72 MiB of linear memory: less than two 20 MB pages
    need if memory from one call outlived it."""
    return WasmtimeParser(memory_limit=LIMIT)


def big_package_page(size: int) -> str:
    pkg = CATALOG[1]
    page = P.package_page(pkg, noise_kb=280)
    main = page.index("<main")
    filler = page[page.index("<script", main) : page.rindex("</footer>")]
    repeats = size // len(filler) + 1
    return page[:main] + "<div hidden>" + filler * repeats + "</div>" + page[main:]


def test_20_mb_pages_parse_in_bounded_memory(limited):
    pkg = CATALOG[1]
    page = big_package_page(20 << 20)
    assert len(page) > 20 << 20
    listing = P.listing_page("fluxcd", CATALOG, per_page=100, noise_kb=0)
    body = listing.index("<ul")
    rows = listing[body : listing.index("</ul>", body)]
    big_listing = listing[:body] + rows * ((20 << 20) // len(rows)) + listing[body:]
    assert len(big_listing) > 20 << 20
    for _ in range(4):
        assert limited.parse_package_page(page).total_downloads == pkg.total
        assert len(limited.parse_listing_page(big_listing).packages) == len(CATALOG)
        assert limited.parse_package_page(P.package_page(pkg)).total_downloads == pkg.total


def test_memory_limit_is_real(limited):
    # 80 MB cannot fit in 72 MiB: the limit is enforced, so the test above means something.
    with pytest.raises(Exception) as e:
        limited.parse_listing_page("x" * (80 << 20))
    assert not isinstance(e.value, ParseError)
    # The adapter replaced the trapped instance, under the same limit; the new one works.
    assert limited.parse_package_page(P.package_page(CATALOG[0])).total_downloads == CATALOG[0].total
    with pytest.raises(Exception):
        limited.parse_listing_page("x" * (80 << 20))
