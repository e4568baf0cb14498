"""Answers kept ready (`ghcr_stats.ready`): a kept answer is what the app would make anew, byte
for byte, ages and `max-age` included; it costs one key-value read; and it is never sent once a
value it was made from has changed or aged past the TTL, whoever changed it and when."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from ghcr_stats import keys, ready, service
from ghcr_stats.config import Settings
from ghcr_stats.host import Host, StoreError
from ghcr_stats.model import Lease, PackageRef
from ghcr_stats.store import Store
from testkit.cpython import Clock, DictKV, HttpxHttp, serve, sleeper
from testkit.fakegithub.pages import fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub
from testkit.parser import WasmtimeParser

FLUX_CLI = PackageRef("fluxcd", "flux-cli")
HTML = {"accept": "text/html"}
PATHS = [
    ("/", {}), ("/", HTML), ("/stats", {}), ("/stats/fluxcd/", {}), ("/metrics", {}),
    ("/stats/flux-cli", {}), ("/stats/fluxcd/flux-cli", {}), ("/stats/flux-cli/history", {}),
    ("/stats/flux-cli/history.csv", {}), ("/stats/flux-cli/versions", {}), ("/badge/flux-cli.svg", {}),
    ("/badge/flux-cli/version.svg", {}), ("/shields/flux-cli", {}),
    ("/packages/fluxcd/flux-cli", {}), ("/packages/fluxcd/flux-cli", HTML),
]


class Recording(DictKV):
    """The store as a dict, with every key read in order."""

    def __init__(self, *args):
        super().__init__(*args)
        self.reads: list[str] = []

    def get(self, key):
        self.reads.append(key)
        return super().get(key)


class NoUpstream:
    async def get(self, url, **kw):
        raise AssertionError(f"an answer made anew from fresh values asked the upstream for {url}")


@pytest.fixture(scope="module")
def parser():
    return WasmtimeParser()


@pytest.fixture(scope="module")
def upstream():
    with FakeGitHub([p for p in fluxcd_catalog() if p.owner == "fluxcd"]) as gh:
        yield gh


@pytest.fixture
def host(upstream, parser):
    upstream.heal()
    clock = Clock()
    return Host(Settings(upstream=upstream.url), HttpxHttp(), Recording(), parser, clock, sleeper(clock))


def get(host: Host, path: str, headers: dict | None = None, method: str = "GET") -> service.Response:
    return serve(host, service.Request(method, path, {"host": "stats.example", **(headers or {})}))


def kept(kv) -> list[str]:
    return [k for k in kv if k.startswith(keys.READY)]


def made_anew(host: Host, path: str, headers: dict | None = None, method: str = "GET") -> service.Response:
    """The answer at this moment from the same store without its kept answers."""
    kv = Recording({k: v for k, v in host.kv.items() if not k.startswith(keys.READY)})
    return get(replace(host, kv=kv, http=NoUpstream(), behind={}), path, headers, method)


def answers(r: service.Response) -> tuple:
    return r.status, r.headers, r.body


@pytest.mark.parametrize("path, headers", PATHS)
def test_a_kept_answer_is_the_answer_made_anew_and_one_read(host, path, headers):
    get(host, path, headers)  # reads from the upstream: the store changes while it is made
    assert kept(host.kv) == []
    first = get(host, path, headers)
    assert first.status == 200 and len(kept(host.kv)) == 1
    host.clock.advance(7.5)  # ages and max-age move on
    host.kv.reads.clear()
    again = get(host, path, headers)
    assert host.kv.reads == kept(host.kv)  # one key read: the kept answer's
    assert answers(again) == answers(made_anew(host, path, headers))
    if b"age_seconds" in first.body:
        assert again.body != first.body  # what the clock changes did change
    head = get(host, path, headers, "HEAD")
    assert (head.status, head.headers, head.body) == (200, again.headers, b"")
    if "etag" in again.headers:
        not_modified = get(host, path, {**headers, "if-none-match": again.headers["etag"]})
        assert (not_modified.status, not_modified.body) == (304, b"")
        assert not_modified.headers == {k: again.headers[k] for k in ("etag", "cache-control", "vary") if k in again.headers}


def test_ages_and_max_age_count_from_the_read_not_from_the_keeping(host):
    for path in ("/stats/flux-cli", "/stats"):
        get(host, path)
        get(host, path)  # kept
    host.clock.advance(1000)
    package, owner = get(host, "/stats/flux-cli"), json.loads(get(host, "/stats").body)
    host.clock.advance(60)
    package_later, owner_later = get(host, "/stats/flux-cli"), json.loads(get(host, "/stats").body)
    assert json.loads(package_later.body)["age_seconds"] == json.loads(package.body)["age_seconds"] + 60 >= 1060

    def max_age(r):
        return int(r.headers["cache-control"].removeprefix("public, max-age="))

    assert max_age(package_later) == max_age(package) - 60 <= host.settings.cache_ttl - 1060
    assert [p["age_seconds"] for p in owner_later["packages"]] == [p["age_seconds"] + 60 for p in owner["packages"]]


def test_a_new_measurement_is_answered_at_once_not_the_kept_one(host, upstream):
    before = json.loads(get(host, "/stats/flux-cli").body)["total_downloads"]
    get(host, "/metrics")
    m = Store(host.kv, host.settings.history_limit).latest(FLUX_CLI)
    page = replace(m.page, total_downloads=before + 1000)
    Store(host.kv, host.settings.history_limit).record(replace(m, page=page, fetched_at=host.clock() + 1))
    host.clock.advance(2)
    assert kept(host.kv) == []
    assert json.loads(get(host, "/stats/flux-cli").body)["total_downloads"] == before + 1000
    assert f'package="flux-cli"}} {before + 1000}' in get(host, "/metrics").body.decode()


def test_a_change_made_while_an_answer_is_made_is_not_outlived(host):
    """Another replica records a measurement after this one read the generation and before it
    kept its answer: the answer it kept must go."""
    get(host, "/stats/flux-cli")
    for k in kept(host.kv):
        host.kv.delete(k)
    store = Store(host.kv, host.settings.history_limit)
    m = store.latest(FLUX_CLI)
    newer = replace(m, page=replace(m.page, total_downloads=m.page.total_downloads + 5), fetched_at=m.fetched_at + 1)

    class Meanwhile(Recording):
        armed = True

        def get(self, key):
            value = super().get(key)
            if key == keys.latest(FLUX_CLI) and self.armed:
                self.armed = False
                Store(self, host.settings.history_limit).record(newer)  # after the read, before the keeping
            return value

    h = replace(host, kv=Meanwhile(host.kv))
    h.clock.advance(2)
    assert json.loads(get(h, "/stats/flux-cli").body)["total_downloads"] == m.page.total_downloads  # what it read
    assert kept(h.kv) == []
    assert json.loads(get(h, "/stats/flux-cli").body)["total_downloads"] == newer.page.total_downloads


@pytest.mark.parametrize("path", ["/stats/flux-cli", "/badge/flux-cli.svg", "/metrics"])
def test_past_the_ttl_the_kept_answer_is_not_sent(host, upstream, path):
    for _ in range(2):
        get(host, path)
    assert len(kept(host.kv)) == 1
    upstream.fail("*", "500")
    host.clock.advance(host.settings.cache_ttl)
    host.kv.reads.clear()
    r = get(host, path)
    assert keys.latest(FLUX_CLI) in host.kv.reads  # made anew
    if path != "/metrics":
        assert r.headers["cache-control"] == f"public, max-age={service.STALE_MAX_AGE}"
    assert kept(host.kv) == []  # stale answers are not kept


def test_an_answer_short_of_a_package_is_not_kept(host):
    """A package another instance is reading, and nothing stored of it: the answer says so, and
    the next request asks again rather than being sent that answer."""
    get(host, "/stats")
    del host.kv[keys.latest(FLUX_CLI)]  # as if never read, and no change noted
    fetched = keys.fetched_package(FLUX_CLI)

    class AnotherHolds(Recording):
        def get(self, key):  # its lease renewed whenever this instance looks
            if key == keys.lease(fetched):
                Store(self, host.settings.history_limit).set_lease(fetched, Lease("another", host.clock() + 5))
            return super().get(key)

    h = replace(host, kv=AnotherHolds(host.kv))
    for _ in range(2):
        r = json.loads(get(h, "/stats").body)
        assert [(e["package"], e["error"]["code"]) for e in r["errors"]] == [("flux-cli", "fetch-in-progress")]
        assert kept(h.kv) == []


def test_a_clock_gone_back_is_not_answered_from_a_kept_answer(host):
    get(host, "/stats/flux-cli")
    get(host, "/stats/flux-cli")
    assert len(kept(host.kv)) == 1
    host.clock.advance(-30)  # before the value was read: it is not fresh
    host.kv.reads.clear()
    r = get(host, "/stats/flux-cli")
    assert keys.latest(FLUX_CLI) in host.kv.reads
    assert json.loads(r.body)["stale"] is True


@pytest.mark.parametrize("broken", [b"", b"garbage", b"ghcr-stats ready 1\n1 2 3\n\n", b"ghcr-stats ready 1\n1.0 1.0 9e99 60\n\n5 5\n\ncontent-type: x\n\nshort"])
def test_a_kept_answer_that_does_not_read_is_made_anew(host, broken):
    get(host, "/stats/flux-cli")
    for k in kept(host.kv):
        host.kv[k] = broken
    host.clock.advance(1)
    r = get(host, "/stats/flux-cli")
    assert answers(r) == answers(made_anew(host, "/stats/flux-cli"))


def test_a_store_that_refuses_the_keeping_still_answers(host):
    class Refusing(Recording):
        def set(self, key, value):
            if key.startswith(keys.READY):
                raise StoreError("full")
            super().set(key, value)

    h = replace(host, kv=Refusing())
    assert get(h, "/stats/flux-cli").status == 200
    assert get(h, "/stats/flux-cli").status == 200 and kept(h.kv) == []


@pytest.mark.parametrize("path", [
    "/?sort=name", "/stats/flux-cli?x=1",  # any client could make a key of each query
    "/stats/FluxCD/flux-cli", "/stats/%66lux-cli", "/stats/fluxcd%2fflux-cli",  # and of each spelling
])
def test_requests_a_client_could_spell_many_ways_are_not_kept(host, path):
    for _ in range(2):
        assert get(host, path).status in (200, 404)
    assert kept(host.kv) == []


def test_the_apps_own_spellings_are_kept(host):
    for _ in range(2):  # the first round reads from the upstream (the package page, the versions too)
        for path in ("/stats/flux-cli", "/stats/flux-cli/", "/stats/fluxcd/flux-cli", "/packages/fluxcd/flux-cli"):
            get(host, path)
    assert len(kept(host.kv)) == 3  # a trailing `/` answers what the route without it does


def test_a_page_kept_for_one_host_is_not_sent_to_another(host):
    get(host, "/", HTML)
    other = {**HTML, "host": "other.example"}
    r = get(host, "/", other)
    assert answers(r) == answers(made_anew(host, "/", other))
    assert r.body != get(host, "/", HTML).body  # its QR code says where it was asked


def test_other_settings_make_their_own_answers(host):
    get(host, "/stats/flux-cli")
    get(host, "/stats/flux-cli")
    h = replace(host, settings=replace(host.settings, cache_ttl=120))
    assert get(h, "/stats/flux-cli").headers["cache-control"] == "public, max-age=120"
    assert len(kept(h.kv)) == 2
    assert get(host, "/stats/flux-cli").headers["cache-control"] == "public, max-age=3600"


def test_a_mark_cannot_be_forged_by_text_from_a_page():
    body = json.dumps({"tag": "\x00" + "0" * 16 + "1.0\x00", "age_seconds": ready.Age(5.0)}, default=ready.mark).encode()
    parts, ages = ready.cut(body)
    assert ages == (5.0,) and len(parts) == 2
    assert json.loads(ready.fill(parts, ages, 65.0)) == {"tag": "\x00" + "0" * 16 + "1.0\x00", "age_seconds": 60}


def test_a_ready_answer_reads_back_as_written():
    r = ready.Ready((("content-type", "a/b"), ("etag", 'W/"x: y"')), (b"{\n\n", b"}"), (12.5,), None, 10.0, 20.0, 30, "http://h/")
    assert ready.Ready.decode(r.encode()) == r
    assert ready.Ready.decode(r.encode()[:-1]) is None


def test_the_edge_sends_a_kept_answer_before_the_settings_are_parsed(host):
    """`service.kept`, as the Spin entry point calls it: with the settings as given, unparsed."""
    for _ in range(2):
        made = get(host, "/badge/flux-cli.svg")
    request = service.Request("GET", "/badge/flux-cli.svg", {"host": "stats.example"})
    sent = service.kept(host.kv, host.clock(), host.shape, host.settings.forwarded_headers, request)
    assert sent is not None and answers(sent) == answers(made)
    assert service.kept(host.kv, host.clock(), host.shape + "x", host.settings.forwarded_headers, request) is None
    given = replace(host, given="the variables as given")
    get(given, "/badge/flux-cli.svg")
    assert service.kept(host.kv, host.clock(), "the variables as given", host.settings.forwarded_headers, request) is not None
