"""Markup drift GitHub ships without notice: renamed classes, reordered and requoted
attributes, extra wrapper elements, moved whitespace, entity-encoded attribute values.
None of it may change a single extracted value."""

import pytest

from ghcr_stats.model import ListedPackage
from testkit.fakegithub import pages as P
from tests.parser.mutate import SAFE, mutate

CATALOG = P.fluxcd_catalog()
KINDS = [[k] for k in SAFE] + [list(SAFE)]
IDS = list(SAFE) + ["all"]


@pytest.mark.parametrize("kinds", KINDS, ids=IDS)
@pytest.mark.parametrize("index", [1, 7])
def test_package_page_values_survive(parser, kinds, index):
    pkg = CATALOG[index]
    for seed in (index, index + 10):
        page = P.package_page(pkg, seed=seed % 3)
        drifted = mutate(page, seed, kinds)
        assert drifted != page
        assert parser.parse_package_page(drifted) == P.expected_page(pkg, seed=seed % 3)


@pytest.mark.parametrize("kinds", KINDS, ids=IDS)
def test_listing_values_survive(parser, kinds):
    page = P.listing_page("fluxcd", CATALOG, page=2, per_page=4, seed=3)
    got = parser.parse_listing_page(mutate(page, 5, kinds))
    assert got.packages == [ListedPackage(p.name, P.package_path("fluxcd", p.name)) for p in CATALOG[4:8]]
    assert got.next_page == "/orgs/fluxcd/packages?page=3"


@pytest.mark.parametrize("kinds", KINDS, ids=IDS)
def test_versions_values_survive(parser, kinds):
    pkg = CATALOG[1]
    page = P.versions_page(pkg, page=1, per_page=12, seed=4)
    got = parser.parse_versions_page(mutate(page, 6, kinds))
    assert [(v.id, v.tags, v.downloads) for v in got.versions] == [tuple(t) for t in P.tagged_versions(pkg)[:12]]
    assert got.next_page == P.versions_path("fluxcd", pkg.name, 2)


def test_drift_really_changes_the_markup():
    page = P.package_page(CATALOG[0])
    renamed = mutate(page, 1, ["rename"], rate=1.0)
    assert 'class="mb-1' not in renamed and 'class="' in renamed
    wrapped = mutate(page, 1, ["wrap"], rate=1.0)
    assert wrapped.count('data-wrapper="1"') > 50
    encoded = mutate(page, 1, ["entities"], rate=1.0)
    assert "&#" in encoded and 'title="412733118"' not in encoded
