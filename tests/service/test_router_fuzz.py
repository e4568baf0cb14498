"""Every request gets an answer: the router over arbitrary paths, methods and headers, with the
real parser and the local upstream, never lets an exception out and never answers 500."""

import asyncio
import json
import re
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ghcr_stats import service
from testkit.parser import WasmtimeParser
from ghcr_stats.config import Settings
from ghcr_stats.host import Host
from ghcr_stats.model import CODES
from testkit.fakegithub.pages import fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub
from testkit.cpython import Clock, DictKV, HttpxHttp, serve, sleeper

import pytest

# Pieces of paths the app knows, and pieces that break names, encodings and the router's shape.
SEGMENTS = st.sampled_from([
    "", "stats", "badge", "shields", "metrics", "healthz", "history", "versions", "fluxcd", "FluxCD",
    "flux-cli", "flux-cli.svg", ".svg", "charts%2Fflagger", "charts", "flagger", "..", "%2e%2e", "%2F",
    "%", "%zz", "%00", "a" * 300, "-x-", "x__y", "Flux-CLI", "stefanprodan", "podinfo", "?", "#", ";",
    "\u00e9", "%C3%A9", "%FF", "nothing-here",
])
HEADS = st.sampled_from(["stats", "badge", "shields", "metrics", "healthz", "", "STATS", "badge.svg", "packages"])
PATHS = st.builds(
    lambda head, segs, slash, query: "/" + "/".join([head, *segs]) + ("/" if slash else "") + query,
    HEADS,
    st.lists(SEGMENTS | st.text(max_size=12), max_size=5),
    st.booleans(),
    st.sampled_from(["", "?x=1", "?", "?a=%zz&b"]),
)
METHODS = st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "get", "", "PATCH"])
HEADERS = st.dictionaries(
    st.sampled_from(["if-none-match", "accept", "host", "x-forwarded-for"]),
    st.sampled_from(["*", 'W/"x"', '"', "", ",,,", 'W/"' + "a" * 32 + '"', "\u00e9", "text/html", "*/*"]),
)



@pytest.fixture(scope="module")
def upstream():
    with FakeGitHub(fluxcd_catalog()) as gh:
        gh.parser = WasmtimeParser()  # one for the module: loading the component takes a while
        gh.host = make_host(gh)
        yield gh


def make_host(upstream) -> Host:
    clock = Clock()
    return Host(Settings(upstream=upstream.url), HttpxHttp(), DictKV(), upstream.parser, clock, sleeper(clock))


def answer(host: Host, method: str, path: str, headers: dict) -> service.Response:
    return serve(host, service.Request(method, path, headers))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=METHODS, path=PATHS, headers=HEADERS)
def test_every_request_gets_an_answer_and_no_bug_shows(upstream, method, path, headers):
    # One store for every example, as a long-running service has: cached and cold paths both.
    r = answer(upstream.host, method, path, headers)
    assert isinstance(r, service.Response)
    if r.status < 400:
        # A value, or (asked with an ETag) that the client's is still good; no other success.
        assert r.status == 200 or (r.status == 304 and "if-none-match" in headers), (r.status, r.body)
    if method == "HEAD":
        assert r.body == b""
    elif r.status >= 400:
        code = assert_error_in_the_endpoints_format(path, headers, r)
        # The status is the one the README's table gives the code the answer names (no 500 here).
        assert code is None or r.status == CODES[code] != 500, (r.status, code)


def assert_error_in_the_endpoints_format(path: str, headers: dict, r: service.Response) -> str | None:
    """The error's code, where the format names it (shields.io's error JSON does not)."""
    try:
        head = urlsplit(path).path.strip("/").split("/")[0]  # as the app reads it: "//x/y" is host x
    except ValueError:  # "//[" names no host a URL can have: no endpoint, so the API's format
        head = None
    kind = r.headers["content-type"]
    if head == "badge":
        assert kind == "image/svg+xml" and b">unavailable</text>" in r.body
        return re.search(r"<title>downloads: unavailable \(([a-z-]+): ", r.body.decode())[1]
    elif head == "shields":
        assert json.loads(r.body)["isError"] is True
        return None
    elif head in ("", "packages") and "text/html" in headers.get("accept", ""):
        assert kind.startswith("text/html") and r.body.startswith(b"<!doctype html>")
        return re.search(rf"<h1>{r.status}: ([a-z-]+)</h1>", r.body.decode())[1]
    elif head in ("", "packages"):
        assert kind.startswith("text/plain")
        return re.match(rf"{r.status} ([a-z-]+): ", r.body.decode())[1]
    else:
        err = json.loads(r.body)["error"]
        assert err["message"]
        return err["code"]


class BrokenParser:
    def __getattr__(self, name):
        def broken(html):
            raise RuntimeError("secret detail <object at 0xdeadbeef>")

        return broken


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_a_request_target_that_is_no_url_is_a_400(upstream, method):
    # urlsplit reads "//[" as a host that is no host, and raises: it used to escape handle().
    r = answer(make_host(upstream), method, "//[", {})
    assert r.status == 400
    assert r.body == b"" if method == "HEAD" else json.loads(r.body)["error"]["code"] == "bad-request"


@pytest.mark.parametrize("path", ["/badge", "/badge/", "/shields", "/shields/", "/packages", "/packages/fluxcd"])
def test_routes_without_a_name_are_404s(upstream, path):
    for method in ("GET", "HEAD"):
        r = answer(make_host(upstream), method, path, {})
        assert r.status == 404


def test_an_unexpected_exception_is_a_500_json_error_logged_with_the_path(upstream, capsys):
    host = make_host(upstream)
    host.parser = BrokenParser()
    r = answer(host, "GET", "/stats/flux-cli?x=1", {})
    assert r.status == 500 and r.headers["content-type"] == "application/json"
    assert json.loads(r.body)["error"]["code"] == "internal-error"
    assert b"secret" not in r.body and b"0x" not in r.body
    log = capsys.readouterr().err
    assert "GET /stats/flux-cli" in log and "secret detail" in log


class Unreadable(DictKV):
    def get(self, key):
        from ghcr_stats.host import StoreError

        raise StoreError("connection refused")


FORMS = {  # form: (path of the package `{name}`, headers)
    "json": ("/stats/{name}", {}),
    "badge": ("/badge/{name}.svg", {}),
    "shields": ("/shields/{name}", {}),
    "html": ("/packages/fluxcd/{name}", {"accept": "text/html"}),
    "text": ("/packages/fluxcd/{name}", {"accept": "*/*"}),
}
PROVOKED = {  # code: (the package asked for, the method, how the host is made to say it)
    "invalid-name": ("Flux-CLI", "GET", None),
    "not-found": ("nothing-here", "GET", None),
    "method-not-allowed": ("flux-cli", "DELETE", None),
    "upstream-status": ("flux-cli", "GET", lambda host, gh: gh.fail("flux-cli", "500")),
    "upstream-budget": ("flux-cli", "GET", lambda host, gh: setattr(host, "settings", Settings(upstream=gh.url, upstream_budget=1))),
    "store-unavailable": ("flux-cli", "GET", lambda host, gh: setattr(host, "kv", Unreadable())),
}


@pytest.mark.parametrize("code", PROVOKED)
@pytest.mark.parametrize("form", FORMS)
def test_every_format_answers_each_code_with_its_status(upstream, form, code):
    upstream.heal()
    host = make_host(upstream)
    name, method, setup = PROVOKED[code]
    if setup:
        setup(host, upstream)
    path, headers = FORMS[form]
    try:
        r = answer(host, method, path.format(name=name), headers)
    finally:
        upstream.heal()
    said = assert_error_in_the_endpoints_format(path, headers, r)
    assert (r.status, said) == (CODES[code], None if form == "shields" else code)
