"""What /metrics counts, kind by kind: the series the alerts (deploy/prometheus) are made of.

`ghcr_stats_fetch_failures_total{reason}` counts a read of a package's page that failed, by the
README's reasons: once per failed read, under one reason. Each kind of failure is provoked on a
package read before (its refresh fails, behind a stale answer) and on one its owner lists but
nobody has read (the request itself fails), and the whole of what /metrics then counts for it is
asserted: the reason, the count of 1, and no other series. A 404 is an answer, not a failure;
nor is a read the app did not try because another is under way.

`ghcr_stats_downloads_fell` is 1 only when an exact total is below one read before: a total
GitHub rounds (it truncates: "1.2K" for 1,249) is no fall.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from ghcr_stats import service
from ghcr_stats.config import Settings
from ghcr_stats.host import Fetched, FetchError, Host, TooLarge
from ghcr_stats.model import DailyCount, Lease, ListedPackage, ListingPage, PackagePage, ParseError, VersionsPage
from ghcr_stats.render import metrics
from ghcr_stats.stats import Stats
from ghcr_stats.store import Store
from testkit.cpython import Clock, DictKV, serve, sleeper

UPSTREAM = "https://github.example"
PAGE = f"{UPSTREAM}/orgs/fluxcd/packages/container/package/flux-cli"


class GitHub:
    """fluxcd lists flux-cli and helm-controller; flux-cli's page answers as `mode` says."""

    def __init__(self):
        self.mode = "ok"
        self.total, self.exact = 1249, True
        self.asked: list[str] = []

    async def get(self, url: str, **_) -> Fetched:
        self.asked.append(url)
        if url == f"{UPSTREAM}/orgs/fluxcd/packages":
            return Fetched(200, {}, b"<html>listing</html>")
        if url.endswith("/helm-controller"):
            return Fetched(200, {}, b"<html>page</html>")
        if url != PAGE:
            return Fetched(404, {}, b"<html></html>")
        match self.mode:
            case "ok" | "wrong-page" | "not-found" | "bad-value":
                return Fetched(200, {}, f"<html>{self.mode}</html>".encode())
            case "500" | "502" | "503" | "403" | "404" | "429":
                return Fetched(int(self.mode), {}, b"<html></html>")
            case "no Location":
                return Fetched(302, {}, b"")
            case "no connection":
                raise FetchError("ConnectError: connection refused")
            case "time-out":
                raise FetchError("the response took longer than 30 s")
            case "too large":
                raise TooLarge("body larger than 5000000 bytes")
            case "compressed":
                return Fetched(200, {"content-encoding": "gzip"}, b"\x1f\x8b<html></html>")
            case "cut short":
                return Fetched(200, {}, b"<html><body>half a pa")
            case "off-host redirect":
                return Fetched(302, {"location": "https://elsewhere.example/x"}, b"")
            case "redirect loop":
                return Fetched(302, {"location": PAGE}, b"")
        raise AssertionError(self.mode)


class Parser:
    def __init__(self, github: GitHub):
        self.github = github

    def parse_package_page(self, html: str) -> PackagePage:
        if (kind := html.removeprefix("<html>").removesuffix("</html>")) in ("wrong-page", "not-found", "bad-value"):
            raise ParseError(kind, "the page changed")
        g = self.github
        return PackagePage(g.total, g.exact, f"{g.total / 1000:.1f}K" if not g.exact else f"{g.total:,}", [DailyCount("2026-05-01", 1)])

    def parse_listing_page(self, html: str) -> ListingPage:
        return ListingPage([ListedPackage(n, f"/orgs/fluxcd/packages/container/package/{n}") for n in ("flux-cli", "helm-controller")])

    def parse_versions_page(self, html: str) -> VersionsPage:
        return VersionsPage([])


def app() -> Host:
    clock = Clock()
    github = GitHub()
    return Host(Settings(upstream=UPSTREAM), github, DictKV(), Parser(github), clock, sleeper(clock))


def get(host: Host, path: str, method: str = "GET") -> service.Response:
    return serve(host, service.Request(method, path))


def exposed(host: Host) -> str:
    """What /metrics shows of the store now. (A GET of /metrics would first read the owner's
    packages again, each stale one behind the answer: a read of its own, counted if it fails.)"""
    return metrics.render(Stats(host).tracked())


def failures(host: Host) -> dict[tuple[str, str], float]:
    """Every ghcr_stats_fetch_failures_total sample: (package, reason) -> count."""
    text = exposed(host)
    return {
        (s.labels["package"], s.labels["reason"]): s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if s.name == "ghcr_stats_fetch_failures_total"
    }


def read_before(host: Host) -> None:
    """The owner's packages read, then an hour on: flux-cli's value is stale."""
    assert get(host, "/stats").status == 200
    host.clock.advance(3600)


def listed_only(host: Host) -> None:
    """The owner's listing read (its packages too), then flux-cli's value lost: listed, never read."""
    read_before(host)
    host.kv.pop("latest:fluxcd/flux-cli")
    host.kv.pop("history:fluxcd/flux-cli")


# mode: the reason it counts under (None: not counted)
KINDS = {
    "500": "upstream-status",
    "502": "upstream-status",
    "503": "upstream-status",
    "403": "upstream-status",
    "no Location": "upstream-status",
    "404": None,
    "429": "rate-limited",
    "no connection": "upstream-unreachable",
    "time-out": "upstream-unreachable",
    "too large": "too-large",
    "compressed": "undecodable-encoding",
    "cut short": "truncated",
    "wrong-page": "parse-wrong-page",
    "not-found": "parse-not-found",
    "bad-value": "parse-bad-value",
    "off-host redirect": "redirect-refused",
    "redirect loop": "too-many-redirects",
}


def test_the_readme_names_every_reason_counted_and_no_other():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| `ghcr_stats_fetch_failures_total` |"))
    named = set(re.findall(r"`([a-z-]+)`", row.split(" | ")[3])) - {"reason"}  # the label itself
    assert named == {r for r in KINDS.values() if r} | {"upstream-budget", "upstream-backoff"}  # the two tested below


@pytest.mark.parametrize("mode", KINDS)
def test_a_failed_refresh_of_a_package_read_before_counts_once_under_its_reason(mode):
    host = app()
    read_before(host)
    host.http.mode = mode
    stale = json.loads(get(host, "/stats/flux-cli").body)
    assert (stale["stale"], stale["stale_reason"]["code"]) == (True, "refreshing")  # then refreshed behind the answer
    reason = KINDS[mode]
    assert failures(host) == ({("flux-cli", reason): 1} if reason else {})


@pytest.mark.parametrize("mode", KINDS)
def test_a_failed_first_read_of_a_listed_package_counts_once_under_its_reason(mode):
    host = app()
    listed_only(host)
    host.http.mode = mode
    r = get(host, "/stats/flux-cli")
    assert r.status == (404 if mode == "404" else 502)
    reason = KINDS[mode]
    assert failures(host) == ({("flux-cli", reason): 1} if reason else {})


def test_a_read_the_budget_refuses_counts_as_upstream_budget():
    host = app()
    start = host.clock.now
    listed_only(host)  # the listing and two pages: 3 requests in this minute
    host.settings = Settings(upstream=UPSTREAM, upstream_budget=3)
    host.clock.now = start  # the same minute: its budget is spent
    r = get(host, "/stats/flux-cli")
    assert json.loads(r.body)["error"]["code"] == "upstream-budget"
    assert failures(host) == {("flux-cli", "upstream-budget"): 1}


def test_during_a_back_off_a_listed_package_counts_its_reason_and_a_stored_one_is_not_tried():
    host = app()
    listed_only(host)
    host.http.mode = "503"
    for _ in range(3):  # three failures: the upstream is left alone
        get(host, "/stats/flux-cli")
    assert failures(host) == {("flux-cli", "upstream-status"): 3}
    asked = len(host.http.asked)
    host.clock.advance(1)
    assert json.loads(get(host, "/stats/flux-cli").body)["error"]["code"] == "upstream-backoff"
    assert json.loads(get(host, "/stats/helm-controller").body)["stale_reason"]["code"] == "upstream-backoff"  # served, not tried
    assert len(host.http.asked) == asked
    assert failures(host) == {("flux-cli", "upstream-status"): 3, ("flux-cli", "upstream-backoff"): 1}


def test_a_request_that_another_instances_read_keeps_waiting_is_no_failed_read():
    host = app()
    listed_only(host)
    key = "package:fluxcd/flux-cli"
    store = Store(host.kv, 10)

    async def while_waiting(seconds):  # the other instance's read failed; a third took the lease
        host.sleep = sleeper(host.clock)
        store.set_lease(key, Lease("third", host.clock() + 32))

    store.set_lease(key, Lease("other", host.clock() + 32))
    host.sleep = while_waiting
    r = get(host, "/stats/flux-cli")
    assert json.loads(r.body)["error"]["code"] == "fetch-in-progress"
    assert failures(host) == {}


def test_each_failed_read_is_one_count_whatever_answer_it_was_behind():
    # Every stale answer (the API, a badge, shields, /stats, /metrics) reads the page again
    # behind it: each read that fails counts once, under its one reason; the third 5xx starts the
    # back-off, and the answers after it read nothing, so count nothing.
    host = app()
    read_before(host)
    host.http.mode = "503"
    for path in ("/stats/flux-cli", "/badge/flux-cli.svg", "/shields/flux-cli", "/stats", "/metrics"):
        assert get(host, path).status == 200
    assert host.http.asked.count(PAGE) == 1 + 3
    assert failures(host) == {("flux-cli", "upstream-status"): 3}


# -- falls ----------------------------------------------------------------------------------------


def fell(host: Host) -> dict[str, tuple[float, float]]:
    """package -> (ghcr_stats_downloads_exact, ghcr_stats_downloads_fell)."""
    samples = {
        (s.name, s.labels["package"]): s.value
        for f in text_string_to_metric_families(exposed(host))
        for s in f.samples
    }
    return {p: (samples[("ghcr_stats_downloads_exact", p)], samples[("ghcr_stats_downloads_fell", p)]) for (n, p) in samples if n == "ghcr_stats_downloads_fell"}


def reread(host: Host, total: int, exact: bool) -> None:
    host.http.total, host.http.exact = total, exact
    host.clock.advance(3600)
    get(host, "/stats/flux-cli")  # stale: read again behind it


def test_a_rounded_total_below_an_exact_one_has_not_fallen():
    host = app()
    read_before(host)  # 1,249, exact
    reread(host, 1200, exact=False)  # "1.2K"
    assert fell(host)["flux-cli"] == (0, 0)


def test_an_exact_total_below_an_exact_one_has_fallen():
    host = app()
    read_before(host)
    reread(host, 1248, exact=True)
    assert fell(host)["flux-cli"] == (1, 1)


def test_an_exact_total_below_a_truncated_one_has_fallen():
    # GitHub truncates: a rounded 1.2K was at least 1,200 downloads, so 1,199 is fewer.
    host = app()
    host.http.total, host.http.exact = 1200, False
    read_before(host)
    reread(host, 1199, exact=True)
    assert fell(host)["flux-cli"] == (1, 1)
    reread(host, 1200, exact=True)  # as many as the rounded figure: not below it
    assert fell(host)["flux-cli"] == (1, 0)
