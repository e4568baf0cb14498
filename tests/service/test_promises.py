"""Every number the README and docs/operations.md promise, as that number, with the app's
defaults: each test exercises the behaviour and asserts the literal figure the docs give, never
the constant the code keeps it in, so that changing the promise fails here until the docs change
with it. PROMISES names where each is written; a test checks the words are still there.

GitHub is in memory (`GitHub`): the numbers are about counting requests, seconds and pages, not
about reading real pages, and some need a thousand reads.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from ghcr_stats import service
from ghcr_stats.config import Settings
from ghcr_stats.host import Fetched, Host
from ghcr_stats.model import DailyCount, Lease, ListedPackage, ListingPage, PackagePage, TaggedVersion, VersionsPage
from ghcr_stats.store import Store
from testkit.cpython import Clock, DictKV, serve

ROOT = Path(__file__).resolve().parents[2]

# name: (file, the words that promise it)
PROMISES = {
    "fresh_for_an_hour": ("docs/operations.md", "A measurement is fresh for `cache_ttl` seconds (default one hour)."),
    "max_age": ("docs/operations.md", "`Cache-Control: max-age` (what remains of that hour; 60 for a stale answer, so a client asks again within a minute)"),
    "history_limit": ("README.md", "| `history_limit` | `1000` | measurements kept per package |"),
    "time_outs_and_size_cap": ("README.md", "| `fetch_timeout` | `10` | seconds to wait for the upstream's first byte, and between bytes |"),
    "deadline": ("README.md", "| `fetch_deadline` | `30` | seconds a whole upstream response may take, however steadily it trickles |"),
    "page_max_bytes": ("README.md", "| `page_max_bytes` | `5000000` | larger upstream pages are refused, not parsed |"),
    "retry_after": ("docs/operations.md", "A 429 makes the app leave GitHub alone for `Retry-After` seconds (60 without one, `max_backoff` at most)"),
    "max_backoff": ("README.md", "| `max_backoff` | `3600` | the most seconds a 429's `Retry-After` keeps the app from the upstream |"),
    "three_failures": ("docs/operations.md", "three 5xx, time-outs or failed connections within `failure_backoff` seconds (an outage, not one slow page), for `failure_backoff` seconds"),
    "failure_backoff": ("README.md", "| `failure_backoff` | `30` | seconds to leave the upstream alone after it failed (5xx, time-out, no connection) |"),
    "lease_settles": ("docs/operations.md", "a random token written, read back twice, 50 ms apart"),
    "lease_length": ("docs/operations.md", "A lease lasts as long as one fetch may (`fetch_deadline` and 2 s)"),
    "lease_polls": ("docs/operations.md", "A request with nothing stored polls the store (every 0.2 s) for the result for as long as the lease lasts"),
    "budget": ("README.md", "| `upstream_budget` | `60` | upstream requests a minute, across every instance and replica; past it, answers come from the store (other owners' reads stop at half) |"),
    "budget_split": ("docs/operations.md", "Reads for other owners than `owner` stop at half the budget, so the configured owner's refreshes come first."),
    "missing_bound": ("docs/operations.md", "404s are kept in one map of at most 256 names, the oldest forgotten first."),
    "page_cap": ("docs/operations.md", 'An owner\'s listing and a package\'s versions are read over every page GitHub links with "next", up to 50 pages; past that they are cut off and answered with `"complete": false`.'),
    "redirects": ("docs/operations.md", "301, 302, 303, 307 and 308, at most 5 in a row (502 `too-many-redirects`)"),
    "refresh_interval": ("docs/operations.md", "Periods are counted from the epoch: hourly, that means each clock hour."),
    "scheduled_others": ("docs/operations.md", "Every package of `owner`, and the first 100 of other owners' packages that someone has read, gets a measurement every `refresh_interval` seconds (default an hour)"),
    "max_concurrency": ("README.md", "| `max_concurrency` | `8` | upstream requests in flight for an owner-wide request |"),
    "refresh_answer": ("README.md", '202 `{"status":"accepted","due":[…],"refresh_interval":3600}` at once'),
}

HOUR_START = 1_780_002_000.0  # a clock hour's first second (and a minute's): periods and budget windows start here


def test_each_promise_is_still_written_where_it_is_cited():
    for name, (doc, words) in PROMISES.items():
        text = " ".join((ROOT / doc).read_text().split())
        assert " ".join(words.split()) in text, f"{name}: {doc} no longer says {words!r}"


def test_each_promise_has_its_test():
    tests = {name.removeprefix("test_") for name, f in globals().items() if name.startswith("test_") and callable(f)}
    assert set(PROMISES) <= tests


# -- GitHub in memory ---------------------------------------------------------------------------


def page(record: dict) -> bytes:
    return b"<html>" + json.dumps(record).encode() + b"</html>"


class GitHub:
    """Owners' listings and package pages in memory: `owners` maps an owner (an org) to its
    package names, `totals` a package to its total. Every request is noted with the options the
    app passed. `fail` makes every request answer that status (with `headers`); `hops` makes a
    package's URL redirect that many times first; `pages` splits listings and versions into that
    many pages."""

    def __init__(self, owners: dict[str, list[str]] | None = None):
        self.owners = owners if owners is not None else {"fluxcd": ["flux-cli"]}
        self.totals: dict[str, int] = {}
        self.asked: list[str] = []
        self.options: list[tuple] = []
        self.fail: int | None = None
        self.headers: dict[str, str] = {}
        self.hops = 0
        self.pages = 1
        self.hold = None  # an async callable run inside each package page's request

    async def get(self, url: str, *, timeout: float, deadline: float, max_bytes: int) -> Fetched:
        self.asked.append(url)
        self.options.append((timeout, deadline, max_bytes))
        if self.fail is not None:
            return Fetched(self.fail, dict(self.headers), b"<html></html>")
        parts = urlsplit(url)
        path, n = parts.path, int(parse_qs(parts.query).get("page", ["1"])[0])
        if m := re.fullmatch(r"/hop/(\d+)/(.+)", path):
            hop = int(m[1])
            return Fetched(302, {"location": f"/hop/{hop + 1}/{m[2]}" if hop < self.hops else f"/pages/{m[2]}"}, b"")
        if m := re.fullmatch(r"/orgs/([^/]+)/packages", path):
            if m[1] not in self.owners:
                return Fetched(404, {}, b"<html></html>")
            return Fetched(200, {}, page({"names": self.owners[m[1]], "next": self._next(url, n)}))
        if m := re.fullmatch(r"/orgs/([^/]+)/packages/container/package/([^/]+)", path):
            if m[2] not in self.owners.get(m[1], []) and not m[2].startswith("listed-"):
                return Fetched(404, {}, b"<html></html>")
            if self.hops:
                return Fetched(302, {"location": f"/hop/1/{m[2]}"}, b"")
            path = f"/pages/{m[2]}"
        if m := re.fullmatch(r"/pages/(.+)", path):
            if self.hold:
                await self.hold()
            return Fetched(200, {}, page({"total": self.totals.get(m[1], 1000)}))
        if m := re.fullmatch(r"/orgs/([^/]+)/packages/container/([^/]+)/versions", path):
            return Fetched(200, {}, page({"versions": [[f"v{n}", n]], "next": self._next(url, n)}))
        return Fetched(404, {}, b"<html></html>")

    def _next(self, url: str, n: int) -> str | None:
        return f"{urlsplit(url).path}?page={n + 1}" if n < self.pages else None

    def count(self, fragment: str = "") -> int:
        return sum(fragment in u for u in self.asked)


class Parser:
    """Reads back the records `page` wrote."""

    @staticmethod
    def _record(html: str) -> dict:
        return json.loads(html.removeprefix("<html>").removesuffix("</html>"))

    def parse_package_page(self, html: str) -> PackagePage:
        total = self._record(html)["total"]
        return PackagePage(total, True, str(total), [DailyCount("2026-05-01", 1)])

    def parse_listing_page(self, html: str) -> ListingPage:
        r = self._record(html)
        return ListingPage([ListedPackage(n, f"/orgs/x/packages/container/package/{n}") for n in r["names"]], r["next"])

    def parse_versions_page(self, html: str) -> VersionsPage:
        r = self._record(html)
        return VersionsPage([TaggedVersion(i, [t], n) for i, (t, n) in enumerate(r["versions"])], r["next"])


class Sleeps:
    """The host's sleep: notes each pause and moves the clock by it, to the millisecond (a
    thousand pauses of 0.2 s add up to 200 s, not 199.99999)."""

    def __init__(self, clock: Clock):
        self.clock, self.slept = clock, []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.now = round(self.clock.now + seconds, 3)
        await asyncio.sleep(0)


def app(github: GitHub | None = None, **settings) -> Host:
    """The app with its defaults (`settings` only where a test says why), on a clock at an hour's start."""
    clock = Clock(HOUR_START)
    return Host(Settings(upstream="https://github.example", **settings), github or GitHub(), DictKV(), Parser(), clock, Sleeps(clock))


def get(host: Host, path: str, method: str = "GET") -> service.Response:
    return serve(host, service.Request(method, path))


def body(r: service.Response) -> dict:
    return json.loads(r.body)


def code(r: service.Response) -> str | None:
    return body(r)["error"]["code"] if r.status != 200 else None


# -- freshness ------------------------------------------------------------------------------------


def test_fresh_for_an_hour():
    host = app()
    gh = host.http
    assert get(host, "/stats/flux-cli").status == 200
    start = host.clock.now
    host.clock.now = start + 3599
    assert body(get(host, "/stats/flux-cli"))["stale"] is False
    assert gh.count() == 1
    host.clock.now = start + 3600
    stale = body(get(host, "/stats/flux-cli"))
    assert (stale["stale"], stale["stale_reason"]["code"]) == (True, "refreshing")
    assert gh.count() == 2  # read again behind that answer


def test_max_age():
    host = app()
    host.http.totals["flux-cli"] = 5
    read = get(host, "/stats/flux-cli")
    assert read.headers["cache-control"] == "public, max-age=3600"
    host.clock.now += 1000
    assert get(host, "/stats/flux-cli").headers["cache-control"] == "public, max-age=2600"  # what remains of the hour
    host.clock.now += 2600
    host.http.fail = 503
    assert get(host, "/stats/flux-cli").headers["cache-control"] == "public, max-age=60"  # stale


def test_history_limit():
    host = app()
    for i in range(1001):
        host.http.totals["flux-cli"] = 1000 + i
        get(host, "/stats/flux-cli")  # the first reads; each later one is stale, and refreshed behind it
        host.clock.now += 3600
    history = body(get(host, "/stats/flux-cli/history"))
    assert history["limit"] == 1000
    totals = [p["total_downloads"] for p in history["points"]]
    assert totals == list(range(1001, 2001))  # the thousand newest: the first measurement dropped
    assert host.http.count() == 1002


# -- reading GitHub ---------------------------------------------------------------------------------


def test_time_outs_and_size_cap():
    host = app()
    get(host, "/stats/flux-cli")
    assert host.http.options == [(10, 30, 5_000_000)]  # fetch_timeout, fetch_deadline, page_max_bytes


def test_deadline():
    host = app()
    get(host, "/stats/flux-cli/versions")
    assert {deadline for _, deadline, _ in host.http.options} == {30}


def test_page_max_bytes():
    host = app()
    get(host, "/stats")
    assert {cap for _, _, cap in host.http.options} == {5_000_000}


def test_retry_after():
    for retry_after, left_alone in ((None, 60), ("120", 120)):
        host = app()
        gh = host.http
        gh.fail, gh.headers = 429, ({"retry-after": retry_after} if retry_after else {})
        assert code(get(host, "/stats/flux-cli")) == "rate-limited"
        gh.fail = None
        host.clock.now += left_alone - 1
        assert code(get(host, "/stats/flux-cli")) == "rate-limited"
        assert gh.count() == 1
        host.clock.now += 1
        assert get(host, "/stats/flux-cli").status == 200
        assert gh.count() == 2


def test_max_backoff():
    host = app()
    gh = host.http
    gh.fail, gh.headers = 429, {"retry-after": "99999999"}
    get(host, "/stats/flux-cli")
    gh.fail = None
    host.clock.now += 3599
    assert code(get(host, "/stats/flux-cli")) == "rate-limited"
    host.clock.now += 1
    assert get(host, "/stats/flux-cli").status == 200


def _failures_at(offsets: list[float]) -> tuple[GitHub, Host]:
    """Three packages never read, each asked once at these seconds from now while GitHub answers 503."""
    host = app(GitHub({"fluxcd": ["a", "b", "c", "d"]}))
    host.http.fail = 503
    start = host.clock.now
    for name, at in zip("abc", offsets):
        host.clock.now = start + at
        assert code(get(host, f"/stats/{name}")) == "upstream-status"
    return host.http, host


def test_three_failures():
    gh, host = _failures_at([0, 10, 29])  # three within 30 s: an outage
    gh.fail = None
    assert code(get(host, "/stats/d")) == "upstream-backoff"
    assert gh.count() == 3
    gh, host = _failures_at([0, 15, 30])  # the window began with the first and lasts 30 s: two in it, then one
    gh.fail = None
    assert get(host, "/stats/d").status == 200
    assert gh.count() == 4


def test_failure_backoff():
    gh, host = _failures_at([0, 1, 2])
    gh.fail = None
    host.clock.now += 29  # the back-off runs from the third failure
    assert code(get(host, "/stats/d")) == "upstream-backoff"
    host.clock.now += 1
    assert get(host, "/stats/d").status == 200
    assert gh.count() == 4


# -- leases ---------------------------------------------------------------------------------------


def test_lease_settles():
    host = app()
    get(host, "/stats/flux-cli")
    assert host.sleep.slept == [0.05, 0.05]


def test_lease_length():
    # A lease of 32 s from now is one fetch's: honoured, waited out. One of 33 s is no fetch's: ignored.
    for lasts, waited in ((32, True), (33, False)):
        host = app()
        Store(host.kv, 1000).set_lease("package:fluxcd/flux-cli", Lease("killed", host.clock.now + lasts))
        assert get(host, "/stats/flux-cli").status == 200
        assert (0.2 in host.sleep.slept) is waited
    # And the lease a fetch holds: 32 s from when it was taken.
    host = app()
    leases = []

    async def peek():
        leases.append(Store(host.kv, 1000).lease("package:fluxcd/flux-cli").until)

    host.http.hold = peek
    get(host, "/stats/flux-cli")
    assert leases == [HOUR_START + 32]


def test_lease_polls():
    host = app()
    Store(host.kv, 1000).set_lease("package:fluxcd/flux-cli", Lease("killed", host.clock.now + 32))
    assert get(host, "/stats/flux-cli").status == 200
    assert host.sleep.slept == [0.2] * 160 + [0.05, 0.05]  # the lease's 32 s, polled; then its own, taken


# -- what strangers can make the app ask ----------------------------------------------------------


def test_budget():
    host = app()
    gh = host.http
    assert get(host, "/stats/flux-cli").status == 200  # 1, and the owner's kind is known
    for i in range(59):
        assert code(get(host, f"/stats/made-up-{i}")) == "not-found"
    assert gh.count() == 60
    assert code(get(host, "/stats/made-up-59")) == "upstream-budget"
    host.clock.now = HOUR_START + 59.8  # still the same minute when it spends, after its lease's 0.1 s
    assert code(get(host, "/stats/made-up-59")) == "upstream-budget"
    assert gh.count() == 60
    host.clock.now = HOUR_START + 60  # the next minute
    assert code(get(host, "/stats/made-up-59")) == "not-found"
    assert gh.count() == 61


def test_budget_split():
    host = app(GitHub({"fluxcd": ["flux-cli"], "someone": ["theirs"]}))
    gh = host.http
    assert get(host, "/stats/someone/theirs").status == 200
    for i in range(29):
        assert code(get(host, f"/stats/someone/made-up-{i}")) == "not-found"
    assert code(get(host, "/stats/someone/made-up-29")) == "upstream-budget"  # half of 60 for other owners
    assert gh.count() == 30
    assert get(host, "/stats/flux-cli").status == 200
    for i in range(29):
        assert code(get(host, f"/stats/made-up-{i}")) == "not-found"
    assert code(get(host, "/stats/made-up-29")) == "upstream-budget"  # the rest of the 60 for the owner
    assert gh.count() == 60


def test_missing_bound():
    host = app(upstream_budget=100_000)  # 260 requests in a minute: the budget is not what this counts
    gh = host.http
    get(host, "/stats/flux-cli")
    names = [f"gone-{i:03}" for i in range(257)]
    for name in names[:256]:
        assert code(get(host, f"/stats/{name}")) == "not-found"
    asked = gh.count()
    for name in names[:256]:
        get(host, f"/stats/{name}")
    assert gh.count() == asked  # all 256 remembered
    get(host, f"/stats/{names[256]}")  # one more: the oldest is forgotten
    for name in names[1:]:
        get(host, f"/stats/{name}")
    assert gh.count() == asked + 1
    get(host, f"/stats/{names[0]}")
    assert gh.count() == asked + 2


def test_page_cap():
    for pages, complete in ((50, True), (51, False)):
        for path, pages_of in (("/stats", "/orgs/fluxcd/packages"), ("/stats/flux-cli/versions", "/orgs/fluxcd/packages/container/flux-cli/versions")):
            gh = GitHub()
            gh.pages = pages
            assert body(get(app(gh), path))["complete"] is complete
            assert sum(urlsplit(u).path == pages_of for u in gh.asked) == 50  # a 51st page is never asked


def test_redirects():
    for hops, status in ((5, 200), (6, 502)):
        gh = GitHub()
        gh.hops = hops - 1  # the package's URL redirects once, then each hop
        host = app(gh)
        r = get(host, "/stats/flux-cli")
        assert (r.status, code(r)) == (status, None if status == 200 else "too-many-redirects")
        assert gh.count() == 6  # the first URL and five redirects followed; never a sixth


# -- the schedule ---------------------------------------------------------------------------------


def test_refresh_interval():
    host = app()
    get(host, "/stats/flux-cli")
    get(host, "/stats")  # the listing too
    host.clock.now = HOUR_START + 3599.5  # still the same clock hour
    assert body(get(host, "/refresh", "POST"))["due"] == []
    host.clock.now = HOUR_START + 3600  # the next one
    assert body(get(host, "/refresh", "POST"))["due"] == ["fluxcd/flux-cli"]


def test_scheduled_others():
    names = [f"p-{i:03}" for i in range(101)]
    host = app(GitHub({"fluxcd": [], "someone": names}), upstream_budget=100_000)  # 101 reads in a minute
    for name in names:
        assert get(host, f"/stats/someone/{name}").status == 200
    host.clock.now += 3600
    due = body(get(host, "/refresh", "POST"))["due"]
    assert due == [f"someone/{n}" for n in names[:100]]


def test_max_concurrency():
    gh = GitHub({"fluxcd": [f"p-{i:02}" for i in range(12)]})
    in_flight, most = 0, []

    async def hold():
        # Every package page is held for many turns of the event loop: each read that may start
        # has started before one ends. No wall clock: the loop turns as fast as it can.
        nonlocal in_flight
        in_flight += 1
        most.append(in_flight)
        for _ in range(200):
            await asyncio.sleep(0)
        in_flight -= 1

    gh.hold = hold
    r = body(get(app(gh), "/stats"))
    assert r["package_count"] == 12 and r["errors"] == []
    assert max(most) == 8


def test_refresh_answer():
    host = app()
    r = get(host, "/refresh", "POST")
    assert (r.status, body(r)) == (202, {"status": "accepted", "due": [], "refresh_interval": 3600})
