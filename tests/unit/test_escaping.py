"""Every string that comes from GitHub's pages or from a client reaches an HTML page or an SVG
only escaped: each field in turn, and all at once, filled with markup, never shows raw."""

import pytest

from ghcr_stats.model import AppError, DailyCount, Listing, Measurement, OwnerReading, PackagePage, Point, Reading, TaggedVersion, Versions
from ghcr_stats.render import badge, dashboard, layout, package_view
from ghcr_stats.service import ROUTES

AT = 1_780_000_000.0
MARKUP = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'onmouseover='x", "&amp;<b>", "]]><svg/onload=1>"]


def pages(mark: str, field: str | None = None) -> list[str]:
    """The package page, the owner page, an error page and the badges, with `mark` in `field`
    (every field when None)."""
    def m(name: str, plain: str) -> str:
        return plain + mark if field in (None, name) else plain

    page = PackagePage(
        123, True, m("display_total", "1"), [DailyCount(f"2026-05-0{i}", i) for i in range(1, 8)],
        "2026-05-20T07:13:00-07:00", m("repository", "o/r"), m("latest_version", "v1"),
        [TaggedVersion(1, ["latest", m("latest_version", "v1")], 5), TaggedVersion(2, [m("tag", "t2")], 3)],
    )
    name = m("package", "pkg")
    reading = Reading(Measurement("fluxcd", name, page, m("url", "https://github.com/x"), AT), True, AppError("upstream-status", m("reason", "why")))
    versions = Versions("fluxcd", name, [(m("latest_version", "v1"), 5), (m("tag", "t2"), 3)], AT)
    owner = OwnerReading(
        "fluxcd", Listing("fluxcd", [name, m("failed", "bad")], AT), [reading],
        {m("failed", "bad"): AppError("upstream-status", m("reason", "m"))}, AppError("upstream-status", m("reason", "lm")),
    )
    by, rows = dashboard.sort(owner.readings, None)
    return [
        package_view.render(
            reading, [Point(AT - 86400, 100), Point(AT, 123)], versions,
            self_url=m("self", "http://h/p"), base_url=m("self", "http://h"), url_for=ROUTES.url_for,
        ),
        dashboard.render(owner, by, rows, m("self", "http://h/"), ROUTES.url_for),
        layout.error_page(404, m("reason", "c"), m("reason", "msg"), "/"),
        badge.render("version", m("latest_version", "v1"), True, why=m("reason", "w")),
        badge.render(m("tag", "t2"), "5"),
    ]


FIELDS = ["display_total", "repository", "latest_version", "tag", "package", "url", "reason", "failed", "self"]


@pytest.mark.parametrize("mark", MARKUP)
@pytest.mark.parametrize("field", FIELDS + [None])
def test_nothing_from_github_or_a_client_shows_raw(mark, field):
    for text in pages(mark, field):
        assert mark not in text


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_reaches_a_page(field):
    """The fields above do show, escaped: a field no page shows would prove nothing."""
    assert any("&lt;b&gt;" in text or "&amp;lt;b&amp;gt;" in text for text in pages("<b>", field))
