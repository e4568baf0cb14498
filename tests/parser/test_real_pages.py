"""The three real GitHub package pages (tests/parser/real_pages/, captured 2026-08 and
2026-09) through the built component: every value of the table in that folder's README."""

import re
from pathlib import Path

import pytest

from ghcr_stats.model import ParseError
from tests.parser import reference as R
from tests.parser.mutate import SAFE, mutate

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
    FULL: {**AUGUST, "repository": "ICICLE-ai/icicle-insights", "latest": "c4ceb688093fd7a69caf99e7cb6730c1d92b2b66", "recent": RECENT},
    SIDEBAR_08: {**AUGUST, "repository": None, "latest": None, "recent": []},
    SIDEBAR_09: {**SEPTEMBER, "repository": None, "latest": None, "recent": []},
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
    assert R.package_page(read(name)) == parser.parse_package_page(read(name))


@pytest.mark.parametrize("seed", range(4))
def test_drift_on_the_real_page_changes_no_value(parser, seed):
    drifted = mutate(read(FULL), seed, SAFE, rate=0.3)
    assert_values(parser.parse_package_page(drifted), EXPECTED[FULL])


@pytest.mark.parametrize(
    "edit, kind",
    [
        # The decoys beside the total: without its label, no h3 title is taken for it.
        (lambda h: h.replace(">Total downloads<", ">Total<"), "not-found"),
        (lambda h: h.replace('<h3 title="2026-07-29T00:36:30-07:00">', '<h3 title="11 days ago">'), "bad-value"),
        (lambda h: h.replace('<h3 title="248">248</h3>', '<h3 title="2,48">248</h3>'), "bad-value"),
        (lambda h: h.replace('data-merge-count="9" data-date="2026-07-25"', 'data-merge-count="nine" data-date="2026-07-25"'), "bad-value"),
        # A row whose count is gone, and the page cut inside the versions list.
        (lambda h: re.sub(r"\s2\s+(<span class=\"sr-only\">Version downloads)", r"\1", h, count=1), "not-found"),
        (lambda h: h[: h.index("1061803495?tag=")], "not-found"),
    ],
    ids=["no-total-label", "published-not-an-instant", "total-not-a-count", "bar-not-a-count", "row-without-count", "cut-in-versions"],
)
def test_broken_real_pages_are_errors(parser, edit, kind):
    html = edit(read(FULL))
    assert html != read(FULL)
    with pytest.raises(ParseError) as e:
        parser.parse_package_page(html)
    assert e.value.kind == kind
