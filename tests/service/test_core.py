"""The service core in CPython with the real parser component (through wasmtime), a dict
for the store and a clock the tests move: what needs time to pass, without waiting."""

import asyncio
import json
from dataclasses import replace

import pytest

from ghcr_stats import service
from ghcr_stats.adapters.wasmtime_parser import WasmtimeParser
from ghcr_stats.config import Settings
from ghcr_stats.host import Host
from tests.fakegithub.pages import Package, fluxcd_catalog, tagged_versions
from tests.fakegithub.server import FakeGitHub
from tests.pyhost import Clock, DictKV, HttpxHttp

DAY = 86400.0


@pytest.fixture(scope="module")
def parser():
    return WasmtimeParser()


@pytest.fixture(scope="module")
def upstream():
    user = Package("stefanprodan", "podinfo", 31_415_926, fluxcd_catalog()[0].daily, owner_kind="users")
    with FakeGitHub(fluxcd_catalog() + [user]) as gh:
        yield gh


@pytest.fixture
def host(upstream, parser):
    upstream.heal()
    upstream.delay(0)
    upstream.reset_counts()
    return Host(Settings(upstream=upstream.url, history_limit=5), HttpxHttp(), DictKV(), parser, Clock())


def get(host: Host, path: str, **headers) -> service.Response:
    return asyncio.run(service.handle(host, service.Request("GET", path, headers)))


def body(r: service.Response) -> dict:
    return json.loads(r.body)


def test_within_the_ttl_the_store_answers(host, upstream):
    assert get(host, "/stats/flux-cli").status == 200
    host.clock.advance(host.settings.cache_ttl - 1)
    assert body(get(host, "/stats/flux-cli"))["age_seconds"] == host.settings.cache_ttl - 1
    assert upstream.count() == 1
    host.clock.advance(1)
    assert body(get(host, "/stats/flux-cli"))["age_seconds"] == 0
    assert upstream.count() == 2


def test_latest_version_recent_versions_and_last_published_in_utc(host):
    pkg = fluxcd_catalog()[1]
    b = body(get(host, f"/stats/{pkg.name}"))
    # The page writes it with an offset ("…-08:00"); the API answers the same instant in UTC.
    assert b["last_published"] == pkg.last_published and b["last_published"].endswith("Z")
    assert (b["latest_version"], b["latest_version_downloads"]) == pkg.versions[0]
    assert [(v["id"], v["tags"], v["downloads"]) for v in b["recent_versions"]] == [tuple(v) for v in tagged_versions(pkg)[:5]]
    assert b["recent_versions"][0]["tags"] == ["latest", pkg.latest_version]


def test_history_and_daily_deltas_over_days(host, upstream):
    totals = [100, 250, 400, 1000, 1100, 1300, 1600]
    for total in totals:
        host.clock.advance(DAY)
        upstream.packages[("fluxcd", "flagger")] = replace(upstream.packages[("fluxcd", "flagger")], total=total)
        get(host, "/stats/flagger")
    h = body(get(host, "/stats/flagger/history"))  # within the TTL: no new measurement
    assert [p["total_downloads"] for p in h["points"]] == totals[-5:]  # history_limit = 5
    assert [d["downloads"] for d in h["daily_deltas"]] == [600, 100, 200, 300]
    assert h["limit"] == 5


def test_a_404_is_remembered_for_the_ttl(host, upstream):
    assert get(host, "/stats/nothing-here").status == 404
    asked = upstream.count()  # as an org's package, then as a user's
    assert get(host, "/stats/nothing-here").status == 404
    assert upstream.count() == asked
    host.clock.advance(host.settings.cache_ttl)
    assert get(host, "/stats/nothing-here").status == 404
    assert upstream.count() > asked


def test_users_are_found_after_orgs_and_remembered(host, upstream):
    assert body(get(host, "/stats/stefanprodan/podinfo"))["total_downloads"] == 31_415_926
    assert [p.split("/")[1] for p in upstream.requests] == ["orgs", "users"]
    host.clock.advance(DAY)
    get(host, "/stats/stefanprodan/podinfo")
    assert upstream.requests[-1].startswith("/users/")
    assert upstream.count("/orgs/") == 1


def test_owner_requests_keep_within_max_concurrency(host, upstream):
    host.settings = replace(host.settings, max_concurrency=2)
    upstream.delay(0.05)
    r = body(get(host, "/stats"))
    assert r["package_count"] == len(fluxcd_catalog())
    assert upstream.max_in_flight == 2


def test_a_429_without_retry_after_backs_off_for_60_seconds(host, upstream):
    upstream.fail("*", "429")
    assert get(host, "/stats/flux-cli").status == 502
    asked = upstream.count()
    upstream.heal()
    host.clock.advance(59)
    assert body(get(host, "/stats/flux-cli"))["error"]["code"] == "rate-limited"
    assert upstream.count() == asked  # backing off, 60 s by default
    host.clock.advance(2)
    assert get(host, "/stats/flux-cli").status == 200


def test_a_body_over_the_cap_is_refused_not_parsed(host, upstream):
    host.settings = replace(host.settings, page_max_bytes=100_000)
    r = get(host, "/stats/flux-cli")
    assert r.status == 502 and "larger than 100000 bytes" in body(r)["error"]["message"]


def test_stale_answers_expire_quickly_and_fresh_ones_with_the_ttl(host, upstream):
    fresh = get(host, "/stats/helm-controller")
    assert fresh.headers["cache-control"] == f"public, max-age={host.settings.cache_ttl}"
    host.clock.advance(host.settings.cache_ttl + 5)
    upstream.fail("helm-controller", "503")
    stale = get(host, "/stats/helm-controller")
    assert body(stale)["stale"] is True and body(stale)["age_seconds"] == host.settings.cache_ttl + 5
    assert stale.headers["cache-control"] == f"public, max-age={service.STALE_MAX_AGE}"
    assert stale.headers["etag"] != fresh.headers["etag"]


def test_versions_over_every_page_cached_and_stale_on_failure(host, upstream):
    pkg = upstream.packages[("fluxcd", "flux-cli")]
    r = get(host, "/stats/flux-cli/versions")
    assert r.status == 200
    v = body(r)
    assert [(x["tag"], x["downloads"]) for x in v["versions"]] == pkg.versions
    assert v["complete"] is True and v["stale"] is False
    assert upstream.count("/versions") > 1  # followed "next" over several pages
    asked = upstream.count()
    assert body(get(host, "/stats/flux-cli/versions")) == v  # from the store
    assert upstream.count() == asked
    host.clock.advance(host.settings.cache_ttl)
    upstream.fail("flux-cli", "503")
    stale = body(get(host, "/stats/flux-cli/versions"))
    assert stale["stale"] is True and stale["versions"] == v["versions"]
    assert stale["stale_reason"]["code"] == "upstream-status"
