"""When GitHub changes a detail, the numbers keep flowing: a page whose secondary value cannot
be read is answered, that value absent and named, in the API and in /metrics."""

import asyncio
import json
import re
from dataclasses import replace

import pytest

from ghcr_stats import service
from ghcr_stats.config import Settings
from ghcr_stats.host import Fetched, Host
from testkit.cpython import Clock, DictKV, HttpxHttp, serve, sleeper
from testkit.fakegithub.pages import fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub
from testkit.parser import WasmtimeParser

HUMAN_DATE = "Nov 19, 2026, 3:04 PM UTC"


@pytest.fixture(scope="module")
def upstream():
    catalog = [replace(p, last_published=HUMAN_DATE) if i < 2 else p for i, p in enumerate(fluxcd_catalog()[:3])]
    with FakeGitHub(catalog) as gh:
        yield gh


@pytest.fixture
def host(upstream):
    clock = Clock()
    return Host(Settings(upstream=upstream.url), HttpxHttp(), DictKV(), WasmtimeParser(), clock, sleeper(clock))


def get(host: Host, path: str) -> service.Response:
    return serve(host, service.Request("GET", path))


def test_a_human_date_leaves_the_total_and_series_exact_and_is_named(host, upstream):
    pkg = fluxcd_catalog()[0]
    r = get(host, f"/stats/{pkg.name}")
    assert r.status == 200
    body = json.loads(r.body)
    assert body["total_downloads"] == pkg.total and body["total_exact"] is True
    assert [(d["date"], d["count"]) for d in body["last_30_days"]] == pkg.daily
    assert body["last_published"] is None and body["stale"] is False
    assert [w["field"] for w in body["parse_warnings"]] == ["last-published"]
    assert HUMAN_DATE in body["parse_warnings"][0]["message"]
    clean = json.loads(get(host, f"/stats/{fluxcd_catalog()[2].name}").body)
    assert clean["parse_warnings"] == [] and clean["last_published"] == fluxcd_catalog()[2].last_published


def test_metrics_count_them_by_field(host, upstream):
    get(host, "/stats")
    metrics = get(host, "/metrics").body.decode()
    warned = re.findall(r'^ghcr_stats_parse_warnings\{owner="fluxcd",package="([^"]+)",field="([^"]+)"\} (\d+)$', metrics, re.M)
    assert sorted(warned) == sorted((p.name, "last-published", "1") for p in fluxcd_catalog()[:2])
    assert re.search(r'^ghcr_stats_fetch_failures_total', metrics, re.M) is None  # no failed read


def test_the_pages_leave_the_value_out(host, upstream):
    page = get(host, f"/packages/fluxcd/{fluxcd_catalog()[0].name}").body.decode()
    assert HUMAN_DATE not in page


class CountlessFirstRow:
    """The host's HTTP, with the first version row of each versions page losing its count."""

    def __init__(self, real):
        self.real, self.rewritten = real, 0

    async def get(self, url: str, **kw) -> Fetched:
        r = await self.real.get(url, **kw)
        if "/versions" not in url or r.status != 200:
            return r
        body = re.sub(rb"[0-9][0-9,]*(\s*<span[^>]*>\s*Version downloads)", rb"\1", r.body, count=1)
        assert body != r.body
        self.rewritten += 1
        return replace(r, body=body)


def test_a_versions_row_that_cannot_be_read_is_skipped_and_named(host, upstream):
    name = fluxcd_catalog()[2].name
    whole = json.loads(get(host, f"/stats/{name}/versions").body)
    assert whole["parse_warnings"] == []
    host.kv.clear()
    host.http = CountlessFirstRow(host.http)
    body = json.loads(get(host, f"/stats/{name}/versions").body)
    pages = host.http.rewritten
    assert pages == 3  # 24 versions, 10 to a page
    assert len(body["versions"]) == len(whole["versions"]) - pages
    assert [w["field"] for w in body["parse_warnings"]] == ["version-row"] * pages
