"""The three real GitHub package pages (tests/parser/real_pages/, captured 2026-08 and
2026-09) through the built component: every value of the table in that folder's README."""

import re
from pathlib import Path

import pytest

from ghcr_stats.model import ParseError
from tests.parser import reference as R
from tests.parser.mutate import SAFE, mutate
from tests.parser.test_differential import outcome

PAGES = Path(__file__).parent / "real_pages"
FULL, SIDEBAR_08, SIDEBAR_09 = "package-page-full-2026-08.html", "package-sidebar-2026-08.html", "package-sidebar-2026-09.html"

AUGUST = {
    "total": 248,
    "display": "248",
    "first": "2026-07-10",
    "last": "2026-08-08",
    "sum": 29,
    "nonzero": {"2026-07-29": 3, "2026-07-28": 2, "2026-07-26": 2, "2026-07-25": 9, "2026-07-23": 4, "2026-07-13": 9},
    "published": "2026-07-29T00:36:30-07:00",
    "published_utc": "2026-07-29T07:36:30Z",
}
SEPTEMBER = {
    "total": 302,
    "display": "302",
    "first": "2026-08-26",
    "last": "2026-09-24",
    "sum": 38,
    "nonzero": {"2026-09-21": 4, "2026-09-12": 7, "2026-08-31": 2, "2026-08-28": 11, "2026-08-26": 14},
    "published": "2026-09-24T13:19:35-07:00",
    "published_utc": "2026-09-24T20:19:35Z",
}
RECENT = [
    (1077343847, ["latest", "c4ceb688093fd7a69caf99e7cb6730c1d92b2b66"], 2),
    (1064871327, ["60a68d1539bbbc34b69a1f2f819d5eae477916a7"], 2),
    (1064843549, ["11ca856301afdaa191281ef089e5ec681c885cc7"], 0),
    (1061842590, ["0f7685ffa7c44aa42024106403a73107321fb8d1"], 1),
    (1061803495, ["bcf30237ab4e0564778a165a85e2987d39d1e0e6"], 1),
]
EXPECTED = {
    FULL: {**AUGUST, "repository": "ICICLE-ai/icicle-insights", "latest": "c4ceb688093fd7a69caf99e7cb6730c1d92b2b66", "recent": RECENT, "warnings": []},
    # The sidebars are the statistics block alone: no install command, no versions to name one.
    SIDEBAR_08: {**AUGUST, "repository": None, "latest": None, "recent": [], "warnings": ["latest-version"]},
    SIDEBAR_09: {**SEPTEMBER, "repository": None, "latest": None, "recent": [], "warnings": ["latest-version"]},
}


def read(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def assert_values(page, want):
    assert (page.total_downloads, page.total_exact, page.display_total) == (want["total"], True, want["display"])
    days = page.daily_downloads
    assert len(days) == 30 and (days[0].date, days[-1].date) == (want["first"], want["last"])  # oldest first
    assert sum(d.count for d in days) == want["sum"]
    assert {d.date: d.count for d in days if d.count} == want["nonzero"]
    assert page.last_published == want["published"]
    assert page.last_published_utc() == want["published_utc"]
    assert page.repository == want["repository"]
    assert page.latest_version == want["latest"]
    assert [(v.id, v.tags, v.downloads) for v in page.recent_versions] == want["recent"]
    assert [w.field for w in page.warnings] == want["warnings"]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_value_of_each_real_page(parser, name):
    assert_values(parser.parse_package_page(read(name)), EXPECTED[name])


def test_the_latest_version_is_the_row_tagged_latest(parser):
    page = parser.parse_package_page(read(FULL))
    latest = page.latest()
    assert (latest.id, latest.tag, latest.downloads) == (1077343847, "c4ceb688093fd7a69caf99e7cb6730c1d92b2b66", 2)
    # Per-version counts never add up to the total.
    assert sum(v.downloads for v in page.recent_versions) == 6 != page.total_downloads


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_reference_reads_the_same(parser, name):
    assert R.package_page(read(name)) == outcome(parser.parse_package_page, read(name))


@pytest.mark.parametrize("seed", range(4))
def test_drift_on_the_real_page_changes_no_value(parser, seed):
    drifted = mutate(read(FULL), seed, SAFE, rate=0.3)
    assert_values(parser.parse_package_page(drifted), EXPECTED[FULL])


@pytest.mark.parametrize(
    "edit, kind",
    [
        # The decoys beside the total: without its label, no h3 title is taken for it.
        (lambda h: h.replace(">Total downloads<", ">Total<"), "not-found"),
        (lambda h: h.replace('<h3 title="248">248</h3>', '<h3 title="2,48">248</h3>'), "bad-value"),
        (lambda h: h.replace('data-merge-count="9" data-date="2026-07-25"', 'data-merge-count="nine" data-date="2026-07-25"'), "bad-value"),
        # The page cut inside the versions list: the total and the chart come after it.
        (lambda h: h[: h.index("1061803495?tag=")], "not-found"),
    ],
    ids=["no-total-label", "total-not-a-count", "bar-not-a-count", "cut-in-versions"],
)
def test_broken_real_pages_are_errors(parser, edit, kind):
    html = edit(read(FULL))
    assert html != read(FULL)
    with pytest.raises(ParseError) as e:
        parser.parse_package_page(html)
    assert e.value.kind == kind


LATEST = "c4ceb688093fd7a69caf99e7cb6730c1d92b2b66"


@pytest.mark.parametrize(
    "edit, field, changed",
    [
        # Last published as a human date, or its label gone.
        (lambda h: h.replace('<h3 title="2026-07-29T00:36:30-07:00">', '<h3 title="Jul 29, 2026, 7:36 AM UTC">'), "last-published", {"published": None}),
        (lambda h: h.replace("Last published", "Latest release"), "last-published", {"published": None}),
        # No install command and no version tagged `latest`: nothing names the latest version.
        (lambda h: h.replace("docker pull", "docker fetch").replace("?tag=latest", "?tag=newest"), "latest-version",
         {"latest": None, "recent": [(RECENT[0][0], ["newest", LATEST], 2)] + RECENT[1:]}),
        # A row whose count is gone, a row whose version id is no number: each skipped, the rest kept.
        (lambda h: re.sub(r"\s2\s+(<span class=\"sr-only\">Version downloads)", r"\1", h, count=1), "recent-versions", {"recent": RECENT[1:]}),
        (lambda h: h.replace("/1064871327?", "/99999999999999999999?"), "recent-versions", {"recent": RECENT[:1] + RECENT[2:]}),
    ],
    ids=["published-human-date", "published-missing", "latest-version-missing", "row-without-count", "row-id-overflows"],
)
def test_a_secondary_value_that_cannot_be_read_is_left_out_and_named(parser, edit, field, changed):
    """The total and the 30 days still read exactly; the value is absent and the warning names it."""
    html = edit(read(FULL))
    assert html != read(FULL)
    page = parser.parse_package_page(html)
    want = {**EXPECTED[FULL], **changed, "warnings": [field]}
    if want["published"] is None:
        want["published_utc"] = None
    assert_values(page, want)
    assert R.package_page(html) == outcome(parser.parse_package_page, html)


def test_a_missing_repository_is_no_warning(parser):
    """A package need not be linked to a repository: its absence is not a change of markup."""
    html = re.sub(r'href="(https://github\.com)?/ICICLE-ai/icicle-insights"', 'href="https://example.com/"', read(FULL))
    assert_values(parser.parse_package_page(html), {**EXPECTED[FULL], "repository": None})
