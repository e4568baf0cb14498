"""Listing and versions pages through the component."""

from urllib.parse import quote

import pytest

from ghcr_stats.model import ListedPackage, ParseError
from testkit.fakegithub import pages as P

CATALOG = P.fluxcd_catalog()


def test_listing_pages_walk_the_whole_catalog(parser):
    seen, page, per_page = [], 1, 3
    while True:
        listing = parser.parse_listing_page(P.listing_page("fluxcd", CATALOG, page=page, per_page=per_page, seed=page))
        seen += listing.packages
        if listing.next_page is None:
            break
        assert listing.next_page == f"/orgs/fluxcd/packages?page={page + 1}"
        page += 1
    assert page == 4
    assert seen == [
        ListedPackage(p.name, P.package_path("fluxcd", p.name)) for p in CATALOG
    ]


def walk(read, page_of) -> tuple[list, list]:
    """Every row over all pages, following next_page; and the next pages seen."""
    rows, nexts, page = [], [], 1
    while True:
        got = read(page_of(page))
        rows += got.packages if hasattr(got, "packages") else got.versions
        if got.next_page is None:
            return rows, nexts
        nexts.append(got.next_page)
        page += 1


@pytest.mark.parametrize("pagination", P.PAGINATION)
@pytest.mark.parametrize("repository_as", ["link", "text"])
@pytest.mark.parametrize("link", ["package", "repository"])
def test_listing_variants_scrapers_have_met(parser, link, repository_as, pagination):
    """Rows linking `/orgs/<owner>/packages/container/package/<name>` or, `a.Link--primary[title]`
    style, the repository-scoped `/<owner>/<repo>/pkgs/container/<name>`; "in owner/repo" as a
    link or as text; the next page by rel="next", a link reading "Next", or data-total-pages."""
    rows, nexts = walk(parser.parse_listing_page, lambda n: P.listing_page("fluxcd", CATALOG, page=n, per_page=4, seed=n, link=link, repository_as=repository_as, pagination=pagination))
    paths = [f"/{p.repository}/pkgs/container/{quote(p.name, safe='')}" if link == "repository" else P.package_path("fluxcd", p.name) for p in CATALOG]
    assert rows == [ListedPackage(p.name, path) for p, path in zip(CATALOG, paths)]
    assert nexts == ["/orgs/fluxcd/packages?page=2", "/orgs/fluxcd/packages?page=3"]


@pytest.mark.parametrize("pagination", P.PAGINATION)
def test_versions_pagination_variants(parser, pagination):
    pkg = CATALOG[0]
    rows, nexts = walk(parser.parse_versions_page, lambda n: P.versions_page(pkg, page=n, per_page=10, seed=n, pagination=pagination))
    assert [(v.id, v.tags, v.downloads) for v in rows] == [tuple(t) for t in P.tagged_versions(pkg)]
    assert nexts == [P.versions_path("fluxcd", pkg.name, 2), P.versions_path("fluxcd", pkg.name, 3)]


def test_total_pages_without_a_link_to_the_next_page_is_an_error(parser):
    html = P.listing_page("fluxcd", CATALOG, page=2, per_page=4, pagination="total-pages").replace('href="/orgs/fluxcd/packages?page=3"', 'href="#"')
    with pytest.raises(ParseError) as e:
        parser.parse_listing_page(html)
    assert e.value.kind == "not-found"


def test_nested_name_is_decoded_and_path_kept_as_linked(parser):
    flagger = next(p for p in CATALOG if p.name == "charts/flagger")
    listing = parser.parse_listing_page(P.listing_page("fluxcd", [flagger]))
    assert listing.packages == [ListedPackage("charts/flagger", "/orgs/fluxcd/packages/container/package/charts%2Fflagger")]
    assert listing.next_page is None


def test_user_listing(parser):
    pkg = P.Package("stefanprodan", "podinfo", 1, CATALOG[0].daily, None, owner_kind="users")
    listing = parser.parse_listing_page(P.listing_page("stefanprodan", [pkg], owner_kind="users"))
    assert listing.packages == [ListedPackage("podinfo", "/users/stefanprodan/packages/container/package/podinfo")]


def test_amp_entities_in_next_href(parser):
    html = P.listing_page("fluxcd", CATALOG).replace('href="/orgs/fluxcd/packages?page=2"', 'href="/orgs/fluxcd/packages?visibility=public&amp;page=2"')
    assert parser.parse_listing_page(html).next_page == "/orgs/fluxcd/packages?visibility=public&page=2"


def test_empty_listing(parser):
    assert parser.parse_listing_page(P.listing_page("empty-org", [])).packages == []


@pytest.mark.parametrize("html", [P.not_found_page(), P.login_page(), P.package_page(CATALOG[0])], ids=["404", "login", "package"])
def test_listing_wrong_pages(parser, html):
    with pytest.raises(ParseError) as e:
        parser.parse_listing_page(html)
    assert e.value.kind == "wrong-page"


@pytest.mark.parametrize("pkg", [CATALOG[0], CATALOG[1], CATALOG[7]], ids=lambda p: p.name)
def test_versions_pages(parser, pkg):
    got, page = [], 1
    while True:
        vp = parser.parse_versions_page(P.versions_page(pkg, page=page, per_page=10, seed=page))
        got += vp.versions
        if vp.next_page is None:
            break
        # `&amp;` in the href comes back decoded.
        assert vp.next_page == P.versions_path("fluxcd", pkg.name, page + 1)
        assert "&page=" in vp.next_page
        page += 1
    assert [(v.tag, v.downloads) for v in got] == pkg.versions
    assert [(v.id, v.tags, v.downloads) for v in got] == [tuple(t) for t in P.tagged_versions(pkg)]
    assert page == 3


def test_versions_counts_beyond_32_bits(parser):
    pkg = P.Package("fluxcd", "big", 1, CATALOG[0].daily, versions=[("v1", 2**40 + 7), ("v0", 0)])
    got = parser.parse_versions_page(P.versions_page(pkg)).versions
    assert [(v.tags, v.downloads) for v in got] == [(["latest", "v1"], 2**40 + 7), (["v0"], 0)]


def test_versions_count_overflow_is_bad_value(parser):
    pkg = P.Package("fluxcd", "big", 1, CATALOG[0].daily, versions=[("v1", 2**64)])
    with pytest.raises(ParseError) as e:
        parser.parse_versions_page(P.versions_page(pkg))
    assert e.value.kind == "bad-value"


def test_empty_versions_page(parser):
    pkg = P.Package("fluxcd", "none", 1, CATALOG[0].daily, versions=[])
    assert parser.parse_versions_page(P.versions_page(pkg)).versions == []


@pytest.mark.parametrize("html", [P.not_found_page(), P.package_page(CATALOG[0]), P.listing_page("fluxcd", CATALOG)], ids=["404", "package", "listing"])
def test_versions_wrong_pages(parser, html):
    with pytest.raises(ParseError) as e:
        parser.parse_versions_page(html)
    assert e.value.kind == "wrong-page"
