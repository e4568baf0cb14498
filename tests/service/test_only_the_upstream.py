"""The one host the app contacts is the configured upstream: a property over many shapes of
what could lead it elsewhere (a redirect's Location, a listing's or versions page's next link,
a URL kept in the store), each with a client asking for every view. Every URL asked has the
upstream's scheme, host and port; nothing else is ever sent a request."""

import asyncio
from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ghcr_stats import service
from ghcr_stats.config import Settings
from ghcr_stats.host import Fetched, Host
from ghcr_stats.store import Store
from ghcr_stats.model import PackageRef
from testkit.cpython import Clock, DictKV, HttpxHttp, serve, sleeper
from testkit.fakegithub.pages import fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub
from testkit.parser import WasmtimeParser

ELSEWHERE = st.sampled_from([
    "http://evil.example/x", "https://evil.example/", "//evil.example/x", "///evil.example/x", "\\\\evil.example/x",
    "http://evil.example\\@{host}/x", "http://{host}@evil.example/x", "http://{host}.evil.example/x", "http://{hostname}:1/x",
    "https://{host}/x", "HTTP://EVIL.EXAMPLE/x", " http://evil.example/x", "http:evil.example/x", "javascript:alert(1)",
    "http://[::1]/x", "http://0x7f000001/x", "http://evil.example:80@{host}/x", "ftp://{host}/x", "http://{hostname}:{port}0/x",
    "/x", "x", "?page=2", "../../x", "http://{host}/x", "%2F%2Fevil.example/x", "/\\evil.example/x", "http://evil.example%2F@{host}/x",
])


@pytest.fixture(scope="module")
def upstream():
    with FakeGitHub(fluxcd_catalog()[:3]) as gh:
        gh.parser = WasmtimeParser()
        yield gh


class Leading:
    """The host's HTTP, recording every URL asked, and answering the first request for each
    kind of page with a redirect, or a page whose next link, to `target`."""

    def __init__(self, real: HttpxHttp, target: str, how: str):
        self.real, self.target, self.how, self.asked, self.led = real, target, how, [], set()

    async def get(self, url: str, **kw) -> Fetched:
        self.asked.append(url)
        kind = "versions" if "/versions" in url else "listing" if urlsplit(url).path.endswith("/packages") else "package"
        if self.how == "redirect" and kind not in self.led:
            self.led.add(kind)
            return Fetched(302, {"location": self.target}, b"")
        r = await self.real.get(url, **kw)
        if self.how == "next" and r.status == 200 and kind in ("versions", "listing"):
            body = r.body.replace(b"</body>", f'<a rel="next" href="{self.target}">Next</a></body>'.encode(), 1)
            return replace(r, body=body)
        return r


PATHS = ["/stats/flux-cli", "/stats/flux-cli/versions", "/stats", "/badge/flux-cli.svg", "/metrics"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=ELSEWHERE, how=st.sampled_from(["redirect", "next", "stored"]))
def test_no_request_leaves_the_upstream(upstream, shape, how):
    origin = urlsplit(upstream.url)
    target = shape.format(host=origin.netloc, hostname=origin.hostname, port=origin.port)
    clock = Clock()
    http = Leading(HttpxHttp(), target, how)
    host = Host(Settings(upstream=upstream.url, upstream_budget=100_000), http, DictKV(), upstream.parser, clock, sleeper(clock))
    if how == "stored":
        serve(host, service.Request("GET", "/stats/flux-cli"))
        store = Store(host.kv, 10)
        store.record(replace(store.latest(PackageRef("fluxcd", "flux-cli")), url=target))
        clock.advance(host.settings.cache_ttl)  # stale: the refresh asks the URL it found last
    for path in PATHS:
        r = serve(host, service.Request("GET", path))
        assert r.status in (200, 404, 502, 503), (path, r.status, r.body[:200])
    assert http.asked
    for url in http.asked:
        u = urlsplit(url)
        assert (u.scheme, u.netloc) == (origin.scheme, origin.netloc), (shape, how, url)
