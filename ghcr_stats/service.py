"""HTTP in, HTTP out: routes a request to its use case and renders the answer.

`handle` is the whole app as one async function of (host, request), and `after` the work it
leaves for once its response is complete (refreshes); the Spin entry point and the tests call
them alike.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import sys
import traceback
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from .config import Settings
from .host import Host, StoreError
from .model import AppError, OwnerReading, Reading
from .names import InvalidName, check_owner, check_package
from .numbers import short
from .render import api, badge, dashboard, history_csv, layout, metrics, package_view, text_view
from .stats import Stats

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
STALE_MAX_AGE = 60  # seconds a client may keep a stale answer before asking again
NEGOTIATED = ("", "packages")  # the first segments of the pages: HTML or text by `Accept`


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


async def handle(host: Host, request: Request) -> Response:
    try:
        urlsplit(request.uri)
    except ValueError as e:  # "//[": an authority no URL can have; every reading of the URI would raise
        r = error(400, "bad-request", f"the request target cannot be read: {e}")
        return Response(r.status, r.headers, b"" if request.method == "HEAD" else r.body)
    allowed = ("POST",) if _first_segment(request) == "refresh" else ("GET", "HEAD")
    if request.method not in allowed:
        r = _failure(request, 405, "method-not-allowed", f"{request.method} is not supported here; use {' or '.join(allowed)}")
        r.headers["allow"] = ", ".join(allowed)
        return r
    try:
        response = await _route(host, Stats(host), request)
    except AppError as e:
        response = _failure(request, e.status, e.code, e.message)
    except StoreError as e:  # nothing stored could be read, or a write that no answer can do without
        response = _failure(request, 503, "store-unavailable", str(e))
    except Exception:  # a bug must still answer: a handler that raises leaves the client hanging
        log_unexpected(request)
        response = _failure(request, *INTERNAL_ERROR)
    if _first_segment(request) in NEGOTIATED:
        response.headers["vary"] = "Accept"  # HTML for a browser, text for curl: a cache must tell them apart
    response = _conditional(request, response)
    if request.method == "HEAD":
        response = Response(response.status, response.headers, b"")
    return response


async def after(host: Host) -> None:
    """Run what `handle` left for after its response (`Host.behind`), `max_concurrency` at a
    time, until nothing is left (a refresh may leave more: the schedule's listing, its new
    packages)."""
    limit = asyncio.Semaphore(host.settings.max_concurrency)

    async def run(work) -> None:
        async with limit:
            try:
                await work()
            except Exception:  # one refresh's bug must not stop the others
                print("ghcr-stats: unexpected error in a refresh behind a response", file=sys.stderr)
                traceback.print_exc()

    while host.behind:
        work = list(host.behind.values())
        host.behind.clear()
        await asyncio.gather(*(run(w) for w in work))


async def _route(host: Host, stats: Stats, request: Request) -> Response:
    path = urlsplit(request.uri).path
    segments = path.strip("/").split("/") if path.strip("/") else []
    now = host.clock()
    owner = host.settings.owner
    match segments:
        case []:
            o = await stats.owner(owner)
            by, rows = dashboard.sort(o.readings, parse_qs(urlsplit(request.uri).query).get("sort", [None])[0])
            if _wants_html(request):
                return _owner_ok(HTML, dashboard.render(o, by, rows, _self_url(request, host.settings)).encode(), host, o)
            return _owner_ok(TEXT, text_view.owner(o, rows).encode(), host, o)
        case ["packages", *rest] if len(rest) >= 2:
            o, name = _package_path(owner, rest)
            reading = await stats.package(o, name)
            points, versions = stats.history(o, name), await _versions_if_any(stats, o, name)
            me = _self_url(request, host.settings)
            if _wants_html(request):
                base = me.removesuffix(urlsplit(request.uri).path)
                page = package_view.render(reading, points, versions, self_url=me, base_url=base)
                return _package_ok(HTML, page.encode(), host, reading)
            return _package_ok(TEXT, text_view.package(reading, points, versions, me).encode(), host, reading)
        case ["livez"]:
            return _alive()
        case ["healthz"]:
            # The store is written to, not only read: a full one is what an operator must see.
            try:
                stats.store.probe(now)
            except StoreError as e:
                return _json(503, {"status": "store-unwritable", "message": str(e)})
            return _alive()
        case ["metrics"]:
            try:
                await stats.owner(owner)
            except AppError:
                pass  # counted as fetch failures; /metrics still shows what is stored
            body = metrics.render(stats.tracked()).encode()
            return Response(200, {"content-type": metrics.CONTENT_TYPE, "cache-control": "no-store"}, body)
        case ["refresh"]:
            # Measurements due in this period of refresh_interval, made after this answer: asked
            # again and again, it asks nothing more of the upstream.
            due = stats.collect()
            return _json(202, {"status": "accepted", "due": due, "refresh_interval": host.settings.refresh_interval})
        case ["stats"]:
            o = await stats.owner(owner)
            return _owner_ok("application/json", _dump(api.owner(o, now)), host, o)
        case ["stats", segment] if path.endswith("/"):
            if (other := _owner(segment)) != owner and host.settings.other_owners != "all":
                # Every package of any owner a stranger names: a cost without a bound.
                raise AppError(404, "not-served", f"owner-wide views are served for {owner!r} only (the setting other_owners)")
            o = await stats.owner(other)
            return _owner_ok("application/json", _dump(api.owner(o, now)), host, o)
        case ["stats", *rest] if len(rest) >= 2 and rest[-1] == "history.csv":
            o, name = _package_path(owner, rest[:-1])
            reading = await stats.package(o, name)
            return _package_ok("text/csv; charset=utf-8", history_csv.render(stats.history(o, name)).encode(), host, reading)
        case ["stats", *rest] if len(rest) >= 2 and rest[-1] == "history":
            o, name = _package_path(owner, rest[:-1])
            reading = await stats.package(o, name)  # measures once if never measured
            points = stats.history(o, name)
            body = _dump(api.history(o, name, points, host.settings.history_limit))
            return _package_ok("application/json", body, host, reading)
        case ["stats", *rest] if len(rest) >= 2 and rest[-1] == "versions":
            o, name = _package_path(owner, rest[:-1])
            v, failure = await stats.versions(o, name)
            stale = failure is not None
            body = _dump(api.versions(v, failure, now, stats.tag_histories(o, name)))
            return _ok("application/json", body, host, f"{o}/{name}@{v.fetched_at}:{stale}", v.fetched_at, stale)
        case ["stats", *rest]:
            reading = await stats.package(*_package_path(owner, rest))
            return _package_ok("application/json", _dump(api.package(reading, now)), host, reading)
        case ["badge", *rest] if rest and rest[-1].endswith(".svg"):
            label, message, stale, version, fetched_at = await _badge(stats, owner, rest[:-1] + [rest[-1].removesuffix(".svg")])
            return _ok("image/svg+xml", badge.render(label, message, stale).encode(), host, version, fetched_at, stale)
        case ["shields", *rest] if rest:
            label, message, stale, version, fetched_at = await _badge(stats, owner, rest)
            return _ok("application/json", _dump(api.shields(label, message, stale)), host, version, fetched_at, stale)
    raise AppError(404, "no-route", f"no route for {path}; see README for the endpoints")


async def _badge(stats: Stats, owner: str, segments: list[str]) -> tuple[str, str, bool, str, float]:
    """(label, message, stale, data version, read at) of a badge: a package's downloads
    (`<package>`), its latest version (`<package>/version`) or one tag's downloads
    (`<package>/tag/<tag>`)."""
    if len(segments) >= 3 and segments[-2] == "tag":
        o, name = _package_path(owner, segments[:-2])
        tag = unquote(segments[-1])
        v, failure = await stats.versions(o, name)
        found = dict(v.versions)
        if tag not in found:
            raise AppError(404, "no-such-tag", f"{o}/{name} lists no tagged version {tag!r}")
        stale = failure is not None
        return tag, short(found[tag]), stale, f"{o}/{name}:{tag}@{v.fetched_at}:{stale}", v.fetched_at
    latest = len(segments) >= 2 and segments[-1] == "version"
    o, name = _package_path(owner, segments[:-1] if latest else segments)
    r = await stats.package(o, name)
    m = r.measurement
    if latest and not m.page.latest_version:
        raise AppError(404, "no-version", f"the page of {o}/{name} shows no latest version")
    label, message = ("version", m.page.latest_version) if latest else ("downloads", m.page.display_total)
    return label, message, r.stale, f"{o}/{name}:{label}@{m.fetched_at}:{r.stale}", m.fetched_at


async def _versions_if_any(stats: Stats, owner: str, name: str):
    """The package's versions for its page, or None when they cannot be had: the page still shows."""
    try:
        return (await stats.versions(owner, name))[0]
    except AppError:
        return None


def _first_segment(request: Request) -> str:
    return urlsplit(request.uri).path.strip("/").split("/")[0]


def _wants_html(request: Request) -> bool:
    # Browsers name text/html; curl sends */*, and gets the text view.
    return "text/html" in request.headers.get("accept", "")


def _failure(request: Request, status: int, code: str, message: str) -> Response:
    """An error in the format of the endpoint asked for: an SVG badge for /badge, shields'
    error JSON for /shields, a page (or text) for the pages, JSON for the API."""
    first = _first_segment(request)
    headers = {"cache-control": "no-store"}
    if first == "badge":
        return Response(status, {**headers, "content-type": "image/svg+xml"}, badge.render("downloads", "unavailable", why=f"{code}: {message}").encode())
    if first == "shields":
        return Response(status, {**headers, "content-type": "application/json"}, _dump(api.shields_error("downloads")))
    if first in NEGOTIATED and _wants_html(request):
        return Response(status, {**headers, "content-type": HTML}, layout.error_page(status, code, message).encode())
    if first in NEGOTIATED:
        return Response(status, {**headers, "content-type": TEXT}, f"{status} {code}: {message}\n".encode())
    return error(status, code, message)


def _package_ok(content_type: str, body: bytes, host: Host, r: Reading) -> Response:
    m = r.measurement
    return _ok(content_type, body, host, f"{m.owner}/{m.package}@{m.fetched_at}:{r.stale}", m.fetched_at, r.stale)


def _owner_ok(content_type: str, body: bytes, host: Host, o: OwnerReading) -> Response:
    versions = [f"{r.measurement.package}@{r.measurement.fetched_at}:{r.stale}" for r in o.readings]
    version = f"{o.owner}@{o.listing.fetched_at}:{o.stale} " + " ".join(sorted(versions)) + " " + " ".join(o.failed)
    oldest = min([o.listing.fetched_at] + [r.measurement.fetched_at for r in o.readings])
    return _ok(content_type, body, host, version, oldest, o.stale)


def _package_path(default_owner: str, segments: list[str]) -> tuple[str, str]:
    """`[package]` (default owner; nested names percent-encoded) or `[owner, *package]`; the
    routes never pass an empty list."""
    decoded = [unquote(s) for s in segments]
    try:
        if len(decoded) == 1:
            return default_owner, check_package(decoded[0])
        return check_owner(decoded[0]), check_package("/".join(decoded[1:]))
    except InvalidName as e:
        raise AppError(400, "invalid-name", str(e)) from None


def _self_url(request: Request, settings: Settings) -> str:
    """The URL the client asked for, as it would type it (for a page's QR code and links).

    X-Forwarded-Host and -Proto only where a proxy sets them (`forwarded_headers`): anyone can
    send them, and a shared cache would keep a page whose links point where they said. A host
    that is not a host name, with a port perhaps, is not used.
    """
    url = urlsplit(request.uri)
    forwarded = settings.forwarded_headers == "trust"
    scheme = (forwarded and request.headers.get("x-forwarded-proto", "").strip().lower()) or url.scheme or "http"
    if scheme not in ("http", "https"):
        scheme = "http"
    hosts = [request.headers.get("x-forwarded-host", "").split(",")[0].strip()] if forwarded else []
    hosts += [request.headers.get("host", ""), url.netloc]
    host = next((h for h in hosts if _HOST.fullmatch(h)), "localhost")
    return f"{scheme}://{host}{url.path}" + (f"?{url.query}" if url.query else "")


# A host name or an IPv4 address, or an IPv6 one in brackets, with a port perhaps.
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def _owner(segment: str) -> str:
    try:
        return check_owner(unquote(segment))
    except InvalidName as e:
        raise AppError(400, "invalid-name", str(e)) from None


def _ok(content_type: str, body: bytes, host: Host, version: str, fetched_at: float, stale: bool) -> Response:
    """A 200 that clients may keep while its data stays fresh here.

    The ETag is weak and names the data's version (what was measured, and when), not the
    bytes: only `age_seconds` differs between two answers with the same ETag.
    """
    if stale:
        max_age = STALE_MAX_AGE
    else:
        # Never past the TTL, whatever the clock did since the value was read.
        max_age = min(host.settings.cache_ttl, max(0, int(host.settings.cache_ttl - (host.clock() - fetched_at))))
    etag = 'W/"' + hashlib.sha256(f"{content_type} {version}".encode()).hexdigest()[:32] + '"'
    return Response(200, {"content-type": content_type, "cache-control": f"public, max-age={max_age}", "etag": etag}, body)


def _conditional(request: Request, response: Response) -> Response:
    etag = response.headers.get("etag")
    inm = request.headers.get("if-none-match")
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" and "x" match.
    tags = [t.strip().removeprefix("W/") for t in (inm or "").split(",")]
    if etag and inm and (inm.strip() == "*" or etag.removeprefix("W/") in tags):
        kept = {k: v for k, v in response.headers.items() if k in ("etag", "cache-control", "vary")}
        return Response(304, kept, b"")
    return response


def log_unexpected(request: Request) -> None:
    """The traceback and the request it broke, on stderr (Spin's log); never in the answer."""
    print(f"ghcr-stats: unexpected error answering {request.method} {urlsplit(request.uri).path}", file=sys.stderr)
    traceback.print_exc()  # to stderr


def error(status: int, code: str, message: str) -> Response:
    return _json(status, api.error(code, message))


INTERNAL_ERROR = (500, "internal-error", "the service failed to answer this request; the failure is logged")


def internal_error() -> Response:
    return error(*INTERNAL_ERROR)


def _alive() -> Response:
    return Response(200, {"content-type": "application/json", "cache-control": "no-store"}, b'{"status":"ok"}')


def _json(status: int, body: dict) -> Response:
    return Response(status, {"content-type": "application/json", "cache-control": "no-store"}, _dump(body))


def _dump(body: dict) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()
