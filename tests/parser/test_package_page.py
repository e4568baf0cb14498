"""Package pages through the component: every value, each way GitHub writes it, and the
pages and look-alikes that must not yield a number."""

import re
from dataclasses import replace

import pytest

from ghcr_stats.model import ParseError
from testkit.fakegithub import pages as P

CATALOG = P.fluxcd_catalog()
BY_NAME = {p.name: p for p in CATALOG}


def check(page, pkg, *, exact=True):
    """Every value but the total (which a page without the exact one rounds)."""
    expected = P.expected_page(pkg)
    assert page.total_exact is exact
    assert page.last_published_utc() == pkg.last_published  # each seed writes it with another offset
    assert replace(page, total_downloads=0, total_exact=True, last_published=None) == replace(expected, total_downloads=0, last_published=None)


@pytest.mark.parametrize("pkg", CATALOG, ids=lambda p: p.name)
def test_every_catalog_package(parser, pkg):
    assert parser.parse_package_page(P.package_page(pkg)) == P.expected_page(pkg)


@pytest.mark.parametrize("seed", range(1, 7))
def test_markup_variants(parser, seed):
    """Seeds change every class name, attribute order and quoting, and the offset the page
    writes "Last published" in."""
    pkg = CATALOG[seed % len(CATALOG)]
    assert parser.parse_package_page(P.package_page(pkg, seed=seed)) == P.expected_page(pkg, seed=seed)


def test_total_beyond_32_bits(parser):
    pkg = BY_NAME["source-controller"]
    assert pkg.total > 2**32
    page = parser.parse_package_page(P.package_page(pkg))
    assert page.total_downloads == 27_182_818_284
    assert page.display_total == "27.1B"


def test_comma_grouped_title(parser):
    pkg = BY_NAME["kustomize-controller"]
    html = P.package_page(pkg, comma_title=True)
    assert 'title="3,141,592,653"' in html
    assert parser.parse_package_page(html).total_downloads == 3_141_592_653


def test_display_only_total_is_flagged_approximate(parser):
    pkg = BY_NAME["helm-controller"]
    page = parser.parse_package_page(P.package_page(pkg, exact=False))
    assert page.total_downloads == 2_200_000_000  # "2.2B", not the exact 2,236,067,977
    check(page, pkg, exact=False)


def test_small_total_display_is_exact_number(parser):
    pkg = BY_NAME["source-watcher"]
    page = parser.parse_package_page(P.package_page(pkg, exact=False))
    assert (page.total_downloads, page.display_total, page.total_exact) == (950, "950", False)


def test_entity_encoded_title(parser):
    pkg = BY_NAME["source-controller"]
    html = P.package_page(pkg).replace('title="27182818284"', 'title="27&#44;182&#x2C;818&comma;284"')
    assert parser.parse_package_page(html).total_downloads == 27_182_818_284


def test_user_owned_package(parser):
    pkg = P.Package("stefanprodan", "podinfo", 31_415_926, CATALOG[0].daily, "stefanprodan/podinfo", "6.9.1", "2026-01-02T03:04:05Z", owner_kind="users")
    page = parser.parse_package_page(P.package_page(pkg, seed=2))
    assert page.total_downloads == 31_415_926
    check(page, pkg)


@pytest.mark.parametrize(
    "html",
    [P.not_found_page(), P.login_page(), P.listing_page("fluxcd", CATALOG), P.versions_page(CATALOG[0]), "", "just text"],
    ids=["404", "login", "listing", "versions", "empty", "text"],
)
def test_other_pages_are_wrong_pages(parser, html):
    with pytest.raises(ParseError) as e:
        parser.parse_package_page(html)
    assert e.value.kind == "wrong-page"


def visible_label(html: str) -> re.Match:
    m = re.search(r'<span class="[^"]*">Total downloads</span>', html)
    assert m, "the generator's label markup changed"
    return m


def test_label_only_in_a_script_is_not_found(parser):
    """The page keeps the number and every look-alike in scripts and JSON, but the visible
    label is gone: that is markup drift, not a number to take from a script."""
    html = P.package_page(BY_NAME["flux-cli"])
    m = visible_label(html)
    moved = html[: m.start()] + "<script>render('<span>Total downloads</span>')</script>" + html[m.end() :]
    assert "Total downloads" in moved and "<h3 title=" in moved
    with pytest.raises(ParseError) as e:
        parser.parse_package_page(moved)
    assert e.value.kind == "not-found"


def test_label_without_h3_is_not_found(parser):
    html = P.package_page(BY_NAME["flux-cli"])
    html = re.sub(r"<h3 ([^>]*)title=\"412733118\"([^>]*)>412M</h3>", r"<strong \1\2>412M</strong>", html)
    with pytest.raises(ParseError) as e:
        parser.parse_package_page(html)
    assert e.value.kind == "not-found"


def test_missing_chart_is_not_found(parser):
    html = P.package_page(BY_NAME["flux-cli"]).replace(P.CHART_LABEL, "Downloads over time")
    with pytest.raises(ParseError) as e:
        parser.parse_package_page(html)
    assert e.value.kind == "not-found"


@pytest.mark.parametrize(
    "title",
    ["12a", "1.5", "-3", "", "18446744073709551616", "99,999,999,999,999,999,999"],
)
def test_unreadable_or_overflowing_title_is_bad_value(parser, title):
    html = P.package_page(BY_NAME["flux-cli"]).replace('title="412733118"', f'title="{title}"')
    with pytest.raises(ParseError) as e:
        parser.parse_package_page(html)
    assert e.value.kind == "bad-value"


def test_title_disagreeing_with_display_is_bad_value(parser):
    html = P.package_page(BY_NAME["flux-cli"]).replace('title="412733118"', 'title="999"')
    with pytest.raises(ParseError) as e:
        parser.parse_package_page(html)
    assert e.value.kind == "bad-value"


def test_bad_chart_bar_is_bad_value(parser):
    pkg = BY_NAME["flux-cli"]
    date, count = pkg.daily[5]
    html = P.package_page(pkg).replace(f'data-merge-count="{count}"', 'data-merge-count="lots"', 1)
    with pytest.raises(ParseError) as e:
        parser.parse_package_page(html)
    assert e.value.kind == "bad-value"


def test_truncated_page_gives_no_number(parser):
    html = P.package_page(BY_NAME["flux-cli"])
    cut = html.index('title="412733118"') + len('title="4127')
    for end in (cut, cut + 40, html.index(P.CHART_LABEL) + 400):
        with pytest.raises(ParseError):
            parser.parse_package_page(html[:end])


def test_parser_instance_is_reusable_across_errors(parser):
    pkg = BY_NAME["flagger"]
    with pytest.raises(ParseError):
        parser.parse_package_page(P.not_found_page())
    assert parser.parse_package_page(P.package_page(pkg)).total_downloads == pkg.total
