"""HTTP in, HTTP out: routes a request to its use case and renders the answer.

`handle` is the whole app as one async function of (host, request); the Spin entry point and
the tests call it alike.
"""

from __future__ import annotations

import hashlib
import json
import sys
import traceback
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from . import api, badge, dashboard, metrics, stats
from .host import Host
from .names import InvalidName, check_owner, check_package
from .scrape import UpstreamError
from .store import Store

STALE_MAX_AGE = 60  # seconds a client may keep a stale answer before asking again


@dataclass(frozen=True)
class Request:
    method: str
    uri: str  # path and query, as received (still percent-encoded)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class HttpError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


async def handle(host: Host, request: Request) -> Response:
    if request.method not in ("GET", "HEAD"):
        r = error(405, "method-not-allowed", f"{request.method} is not supported; use GET")
        r.headers["allow"] = "GET, HEAD"
        return r
    try:
        response = await _route(host, Store(host.kv, host.settings.history_limit), request)
    except HttpError as e:
        response = error(e.status, e.code, e.message)
    except UpstreamError as e:
        response = error(e.status, e.code, e.message)
    except Exception:  # a bug must still answer: a handler that raises leaves the client hanging
        log_unexpected(request)
        response = internal_error()
    response = _conditional(request, response)
    if request.method == "HEAD":
        response = Response(response.status, response.headers, b"")
    return response


async def _route(host: Host, store: Store, request: Request) -> Response:
    path = urlsplit(request.uri).path
    segments = path.strip("/").split("/") if path.strip("/") else []
    now = host.clock()
    owner = host.settings.owner
    match segments:
        case []:
            o = await stats.owner(host, store, owner)
            by, rows = dashboard.sort(o.readings, parse_qs(urlsplit(request.uri).query).get("sort", [None])[0])
            return _owner_ok("text/html; charset=utf-8", dashboard.render(o, by, rows, _self_url(request)).encode(), host, o)
        case ["healthz"]:
            return Response(200, {"content-type": "application/json", "cache-control": "no-store"}, b'{"status":"ok"}')
        case ["metrics"]:
            try:
                await stats.owner(host, store, owner)
            except UpstreamError:
                pass  # counted as fetch failures; /metrics still shows what is stored
            body = metrics.render(store).encode()
            return Response(200, {"content-type": metrics.CONTENT_TYPE, "cache-control": "no-store"}, body)
        case ["stats"]:
            o = await stats.owner(host, store, owner)
            return _owner_ok("application/json", _dump(api.owner(o, now)), host, o)
        case ["stats", segment] if path.endswith("/"):
            o = await stats.owner(host, store, _owner(segment))
            return _owner_ok("application/json", _dump(api.owner(o, now)), host, o)
        case ["stats", *rest] if len(rest) >= 2 and rest[-1] == "history":
            o, name = _package_path(owner, rest[:-1])
            reading = await stats.package(host, store, o, name)  # measures once if never measured
            points = store.history(o, name)
            body = _dump(api.history(o, name, points, host.settings.history_limit))
            return _package_ok("application/json", body, host, reading)
        case ["stats", *rest] if len(rest) >= 2 and rest[-1] == "versions":
            o, name = _package_path(owner, rest[:-1])
            v, failure = await stats.versions(host, store, o, name)
            stale = failure is not None
            body = _dump(api.versions(v, failure, now))
            return _ok("application/json", body, host, f"{o}/{name}@{v.fetched_at}:{stale}", v.fetched_at, stale)
        case ["stats", *rest]:
            reading = await stats.package(host, store, *_package_path(owner, rest))
            return _package_ok("application/json", _dump(api.package(reading, now)), host, reading)
        case ["badge", *rest] if rest and rest[-1].endswith(".svg"):
            o, name = _package_path(owner, rest[:-1] + [rest[-1].removesuffix(".svg")])
            reading = await stats.package(host, store, o, name)
            svg = badge.render("downloads", reading.measurement.display, reading.stale)
            return _package_ok("image/svg+xml", svg.encode(), host, reading)
        case ["shields", *rest] if rest:
            reading = await stats.package(host, store, *_package_path(owner, rest))
            body = api.shields("downloads", reading.measurement.display, reading.stale)
            return _package_ok("application/json", _dump(body), host, reading)
    raise HttpError(404, "no-route", f"no route for {path}; see README for the endpoints")


def _package_ok(content_type: str, body: bytes, host: Host, r: stats.Reading) -> Response:
    m = r.measurement
    return _ok(content_type, body, host, f"{m.owner}/{m.package}@{m.fetched_at}:{r.stale}", m.fetched_at, r.stale)


def _owner_ok(content_type: str, body: bytes, host: Host, o: stats.OwnerReading) -> Response:
    versions = [f"{r.measurement.package}@{r.measurement.fetched_at}:{r.stale}" for r in o.readings]
    version = f"{o.owner}@{o.listing.fetched_at}:{o.stale} " + " ".join(sorted(versions)) + " " + " ".join(o.failed)
    oldest = min([o.listing.fetched_at] + [r.measurement.fetched_at for r in o.readings])
    return _ok(content_type, body, host, version, oldest, o.stale)


def _package_path(default_owner: str, segments: list[str]) -> tuple[str, str]:
    """`[package]` (default owner; nested names percent-encoded) or `[owner, *package]`."""
    decoded = [unquote(s) for s in segments]
    if not decoded:
        raise HttpError(404, "no-route", "a package name is missing from the path; see README for the endpoints")
    try:
        if len(decoded) == 1:
            return default_owner, check_package(decoded[0])
        return check_owner(decoded[0]), check_package("/".join(decoded[1:]))
    except InvalidName as e:
        raise HttpError(400, "invalid-name", str(e)) from None


def _self_url(request: Request) -> str:
    """The URL the client asked for, as it would type it (for a page's QR code)."""
    url = urlsplit(request.uri)
    scheme = request.headers.get("x-forwarded-proto") or url.scheme or "http"
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or url.netloc
    return f"{scheme}://{host}{url.path}" + (f"?{url.query}" if url.query else "")


def _owner(segment: str) -> str:
    try:
        return check_owner(unquote(segment))
    except InvalidName as e:
        raise HttpError(400, "invalid-name", str(e)) from None


def _ok(content_type: str, body: bytes, host: Host, version: str, fetched_at: float, stale: bool) -> Response:
    """A 200 that clients may keep while its data stays fresh here.

    The ETag is weak and names the data's version (what was measured, and when), not the
    bytes: only `age_seconds` differs between two answers with the same ETag.
    """
    if stale:
        max_age = STALE_MAX_AGE
    else:
        max_age = max(0, int(host.settings.cache_ttl - (host.clock() - fetched_at)))
    etag = 'W/"' + hashlib.sha256(f"{content_type} {version}".encode()).hexdigest()[:32] + '"'
    return Response(200, {"content-type": content_type, "cache-control": f"public, max-age={max_age}", "etag": etag}, body)


def _conditional(request: Request, response: Response) -> Response:
    etag = response.headers.get("etag")
    inm = request.headers.get("if-none-match")
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" and "x" match.
    tags = [t.strip().removeprefix("W/") for t in (inm or "").split(",")]
    if etag and inm and (inm.strip() == "*" or etag.removeprefix("W/") in tags):
        kept = {k: v for k, v in response.headers.items() if k in ("etag", "cache-control")}
        return Response(304, kept, b"")
    return response


def log_unexpected(request: Request) -> None:
    """The traceback and the request it broke, on stderr (Spin's log); never in the answer."""
    print(f"ghcr-stats: unexpected error answering {request.method} {urlsplit(request.uri).path}", file=sys.stderr)
    traceback.print_exc(file=sys.stderr)


def error(status: int, code: str, message: str) -> Response:
    return _json(status, api.error(code, message))


def internal_error() -> Response:
    return error(500, "internal-error", "the service failed to answer this request; the failure is logged")


def _json(status: int, body: dict) -> Response:
    return Response(status, {"content-type": "application/json", "cache-control": "no-store"}, _dump(body))


def _dump(body: dict) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()
