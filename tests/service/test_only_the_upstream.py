"""The one host the app contacts is the configured upstream: a property over what could lead it
elsewhere (a redirect's Location, at the first hop or a later one; a listing's or versions
page's "next" link; a package's URL kept in the store; the path a client asks for), with hrefs
drawn where URL parsers disagree (testkit/elsewhere.py), most of them aimed at a real second
server on 127.0.0.2 (FakeGitHub.elsewhere).

For every draw: that server receives nothing, and every URL the app hands its HTTP client is
taken to the upstream by every reader of URLs (urlsplit, the authority the Spin adapter sends,
httpx, a browser's rules). A href that names another origin outright is refused with the reason
the README gives (`redirect-refused` for a redirect, `unparseable` for a page's link), and a
stored URL elsewhere is never asked: the package is read from its owner's URL."""

import json
from dataclasses import replace
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ghcr_stats import service
from ghcr_stats.config import Settings
from ghcr_stats.host import Fetched, Host
from ghcr_stats.model import PackageRef
from ghcr_stats.store import Store
from testkit.cpython import Clock, DictKV, HttpxHttp, serve, sleeper
from testkit.elsewhere import hrefs, origins, upstream_origin
from testkit.fakegithub.pages import fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub
from testkit.parser import WasmtimeParser
from tests.service.test_router_fuzz import PATHS as ROUTER_PATHS

PATHS = ["/stats/flux-cli", "/stats/flux-cli/versions", "/stats", "/badge/flux-cli.svg", "/metrics"]
HOP = "/__hop__/"  # where a first, on-upstream redirect leads, to redirect again from there


@pytest.fixture(scope="module")
def upstream():
    with FakeGitHub(fluxcd_catalog()[:3]) as gh:
        gh.parser = WasmtimeParser()
        yield gh


def kind_of(url: str) -> str:
    path = urlsplit(url).path
    return "versions" if "/versions" in path else "listing" if path.endswith("/packages") else "package"


class Leading:
    """The host's HTTP, recording every URL asked; the first request for each kind of page is
    answered with a redirect to `target`, straight away (hop 0) or from a second URL on the
    upstream that the first redirects to (hop 1)."""

    def __init__(self, target: str, hop: int):
        self.real, self.target, self.hop, self.asked, self.led = HttpxHttp(), target, hop, [], set()

    async def get(self, url: str, **kw) -> Fetched:
        self.asked.append(url)
        if urlsplit(url).path.startswith(HOP):
            return Fetched(302, {"location": self.target}, b"")
        kind = kind_of(url)
        if kind not in self.led:
            self.led.add(kind)
            return Fetched(302, {"location": f"{HOP}{kind}" if self.hop else self.target}, b"")
        return await self.real.get(url, **kw)


class Recording(HttpxHttp):
    def __init__(self):
        super().__init__()
        self.asked = self.urls


class NextTo:
    """The real parser, but every listing and versions page it reads links "next" to `target`
    (the first page, or from the second on: `page`)."""

    def __init__(self, real, target: str, page: int):
        self.real, self.target, self.page, self.seen = real, target, page, {}

    def parse_package_page(self, html):
        return self.real.parse_package_page(html)

    def parse_listing_page(self, html):
        return self._lead("listing", self.real.parse_listing_page(html))

    def parse_versions_page(self, html):
        return self._lead("versions", self.real.parse_versions_page(html))

    def _lead(self, kind, page):
        n = self.seen[kind] = self.seen.get(kind, 0) + 1
        return replace(page, next_page=self.target) if n > self.page or page.next_page is None else page


def leaves(href: str, upstream: str) -> bool:
    """Whether `href`, resolved against the upstream as every HTTP client resolves a Location,
    is taken anywhere but the upstream by some reader."""
    try:
        joined = urljoin(upstream + "/", href)
    except ValueError:
        return True
    return origins(joined) != {upstream_origin(upstream)}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), how=st.sampled_from(["redirect", "next", "stored"]), later=st.integers(0, 1))
def test_no_request_leaves_the_upstream(upstream, data, how, later):
    target = data.draw(st.just(upstream.elsewhere.url + "/x") | hrefs(upstream.url, upstream.elsewhere.url), label="target")
    clock = Clock()
    http = Leading(target, later) if how == "redirect" else Recording()
    parser = NextTo(upstream.parser, target, later) if how == "next" else upstream.parser
    host = Host(Settings(upstream=upstream.url, upstream_budget=100_000), http, DictKV(), parser, clock, sleeper(clock))
    ref = PackageRef("fluxcd", "flux-cli")
    if how == "stored":
        assert serve(host, service.Request("GET", "/stats/flux-cli")).status == 200
        store = Store(host.kv, 10)
        store.record(replace(store.latest(ref), url=target))
        clock.advance(host.settings.cache_ttl)  # stale: the refresh would ask the URL it found last
        http.asked.clear()
    upstream.elsewhere.requests.clear()
    codes = {path: _code(serve(host, service.Request("GET", path))) for path in PATHS}

    assert upstream.elsewhere.requests == []
    for url in http.asked:
        assert origins(url) == {upstream_origin(upstream.url)}, url
    if how == "stored" and leaves(target, upstream.url):
        assert set(codes.values()) == {200}
        assert Store(host.kv, 10).latest(ref).url == f"{upstream.url}/fluxcd/flux2/pkgs/container/flux-cli"  # read anew
    elif how != "stored" and leaves(target, upstream.url):
        refused = "redirect-refused" if how == "redirect" else "unparseable"
        first = ["/stats/flux-cli", "/stats/flux-cli/versions", "/stats"] if how == "redirect" else ["/stats/flux-cli/versions", "/stats"]
        assert {p: codes[p] for p in first} == {p: (502, refused) for p in first}


def _code(r: service.Response):
    if r.status == 200 or r.headers["content-type"] != "application/json":
        return r.status
    return r.status, json.loads(r.body)["error"]["code"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=ROUTER_PATHS | st.builds(
    lambda a, b: f"/stats/{a}/{b}", st.sampled_from(["127.0.0.2", "@127.0.0.2", "%2F%2F127.0.0.2", "..", "http:", "fluxcd"]),
    st.sampled_from(["x", "%2F%2Fevil", "@evil", "flux-cli", "..%2F..%2Fx", "x%3F@evil", "x#@evil"]),
))
def test_no_path_a_client_asks_for_leads_elsewhere(upstream, path):
    http = Recording()
    clock = Clock()
    host = Host(Settings(upstream=upstream.url, upstream_budget=100_000, other_owners="all"), http, DictKV(), upstream.parser, clock, sleeper(clock))
    upstream.elsewhere.requests.clear()
    serve(host, service.Request("GET", path))
    assert upstream.elsewhere.requests == []
    for url in http.asked:
        assert origins(url) == {upstream_origin(upstream.url)}, (path, url)
