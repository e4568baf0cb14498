"""HTTP in, HTTP out: routes a request to its use case and renders the answer.

`handle` is the whole app as one async function of (host, request), and `after` the work it
leaves for once its response is complete (refreshes); the Spin entry point and the tests call
them alike. `kept` is the answer kept ready, if there is one, without the poll loop `handle`
runs in.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import sys
import traceback
from dataclasses import dataclass, field, replace
from typing import Awaitable, Callable
from urllib.parse import SplitResult, parse_qs, quote, unquote, urlsplit

from . import ready
from .host import Host, KeyValue, StoreError
from .model import CODES, AppError, OwnerReading, PackageRef, Reading
from .names import InvalidName, check_owner, check_package
from .numbers import short
from .render import api, badge, dashboard, layout, metrics, package_view, text_view
from .render import history_csv as history_csv_view
from .routing import Route, Router
from .stats import Seen, Stats

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
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
    # A fresh answer's: when the data was read, which its `max-age` counts down from.
    read_at: float | None = None


@dataclass(frozen=True)
class Incoming:
    """A request, its target parsed once: the path, its segments (no empty ends) and the query."""

    request: Request
    url: SplitResult
    segments: list[str]
    query: dict[str, list[str]]

    @classmethod
    def parse(cls, request: Request) -> "Incoming":
        url = urlsplit(request.uri)  # ValueError for "//[": an authority no URL can have
        path = url.path.strip("/")
        return cls(request, url, path.split("/") if path else [], parse_qs(url.query))

    def wants_html(self) -> bool:
        # Browsers name text/html; curl sends */*, and gets the text view.
        return "text/html" in self.request.headers.get("accept", "")


@dataclass
class Context:
    """What a handler is given: the host, the use cases, the parsed request, the route's params."""

    host: Host
    stats: Stats
    incoming: Incoming
    params: dict[str, list[str]]

    @property
    def owner(self) -> str:
        return self.host.settings.owner

    @property
    def now(self) -> float:
        return self.host.clock()

    @staticmethod
    def age(at: float) -> ready.Age:
        """`age_seconds` of a value read at `at`: filled in as the answer is sent (`ready`)."""
        return ready.Age(at)


Handler = Callable[[Context], Awaitable[Response]]


def kept(kv: KeyValue, now: float, shape: str, forwarded_headers: str, request: Request) -> Response | None:
    """The answer kept ready for `request` (`ready`), as it is at `now`, if one may be sent: what
    `handle` would answer, without its poll loop, its use cases or even the settings parsed
    (`shape`: the settings as the host read them, `Host.shape`); None: `handle` makes it."""
    try:
        incoming = Incoming.parse(request)
    except ValueError:
        return None
    k = _kept(kv, shape, forwarded_headers, incoming, ROUTES.match(incoming.url.path, incoming.segments)[0])
    r = k.answer(now) if k is not None else None
    return _sent(request, r) if r is not None else None


async def handle(host: Host, request: Request) -> Response:
    try:
        incoming = Incoming.parse(request)
    except ValueError as e:  # every reading of the URI would raise
        r = error("bad-request", f"the request target cannot be read: {e}")
        return Response(r.status, r.headers, b"" if request.method == "HEAD" else r.body)
    route, params = ROUTES.match(incoming.url.path, incoming.segments)
    form = route.format if route else ROUTES.format_of(incoming.segments)
    allowed = route.methods if route else ("GET", "HEAD")
    if request.method not in allowed:
        r = _failure(incoming, form, AppError("method-not-allowed", f"{request.method} is not supported here; use {' or '.join(allowed)}"))
        r.headers["allow"] = ", ".join(allowed)
        return r
    kept = _kept(host.kv, host.shape, host.settings.forwarded_headers, incoming, route)
    if kept is not None:
        if (r := kept.answer(host.clock())) is not None:
            return _sent(request, r)
        kept.generation = ready.generation(host.kv)  # before anything the answer is made from
    stats = Stats(host)
    try:
        if route is None:
            raise AppError("no-route", f"no route for {incoming.url.path}; see README for the endpoints")
        response = await route.handler(Context(host, stats, incoming, params))
    except AppError as e:
        response = _failure(incoming, form, e)
    except StoreError as e:  # nothing stored could be read, or a write that no answer can do without
        response = _failure(incoming, form, AppError("store-unavailable", str(e)))
    except Exception:  # a bug must still answer: a handler that raises leaves the client hanging
        log_unexpected(request)
        response = _failure(incoming, form, INTERNAL_ERROR)
    if form == "page":
        response.headers["vary"] = "Accept"  # HTML for a browser, text for curl: a cache must tell them apart
    parts, ages = ready.cut(response.body)
    if ages:
        response = replace(response, body=ready.fill(parts, ages, host.clock()))
    if kept is not None and response.status == 200 and stats.seen.keepable:
        kept.keep(response, parts, ages, stats.seen, host.settings.cache_ttl)
    return _sent(request, response)


def _sent(request: Request, response: Response) -> Response:
    """The answer as sent: 304 where the client has it, no body to a HEAD."""
    response = _conditional(request, response)
    if request.method == "HEAD":
        response = Response(response.status, response.headers, b"")
    return response


@dataclass
class _Kept:
    """A request whose answer may be kept ready (`ready`): where, and the store's generation
    read before anything the answer is made from."""

    kv: KeyValue
    key: str
    self_url: str
    generation: bytes | None = None

    def answer(self, now: float) -> Response | None:
        """The kept answer, as it is at `now`, if one may be sent."""
        r = ready.load(self.kv, self.key)
        if r is not None and r.sendable(now, self.self_url):
            return Response(200, r.headers_at(now), r.body_at(now), r.read_at)
        return None

    def keep(self, response: Response, parts: tuple[bytes, ...], ages: tuple[float, ...], seen: Seen, ttl: int) -> None:
        if self.generation is None:
            return
        headers = tuple((k, v) for k, v in response.headers.items() if not (response.read_at is not None and k == "cache-control"))
        r = ready.Ready(headers, parts, ages, response.read_at, seen.newest, seen.oldest + ttl, ttl, self.self_url)
        ready.keep(self.kv, self.key, self.generation, r)


def _kept(kv: KeyValue, shape: str, forwarded_headers: str, incoming: Incoming, route: Route | None) -> _Kept | None:
    """Where the answer to this request is kept, if it may be: a GET or HEAD of a route that
    keeps its answers, with no query, its path spelled as the app spells it (lower case,
    percent-encoded only where it must be). Any client could make a key of each query, and of
    each spelling of a name."""
    if route is None or not route.keep or incoming.request.method not in ("GET", "HEAD") or incoming.url.query:
        return None
    if not all(_spelled_once(s) for s in incoming.segments):
        return None
    variant, self_url = "", ""
    if route.format == "page":  # a page shows the URL it was asked by (its QR code, its links)
        variant, self_url = ("html" if incoming.wants_html() else "text"), _self_url(incoming, forwarded_headers)
    return _Kept(kv, ready.key(shape, route.name, "/".join(incoming.segments), variant), self_url)


def _spelled_once(segment: str) -> bool:
    decoded = unquote(segment)
    return decoded == decoded.lower() and quote(decoded, safe="") == segment


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


# --- the handlers ---------------------------------------------------------------------------


async def owner_page(c: Context) -> Response:
    o = await c.stats.owner(c.owner)
    by, rows = dashboard.sort(o.readings, c.incoming.query.get("sort", [None])[0])
    if c.incoming.wants_html():
        return _owner_ok(HTML, dashboard.render(o, by, rows, _self_url(c.incoming, c.host.settings.forwarded_headers), ROUTES.url_for).encode(), c.host, o)
    return _owner_ok(TEXT, text_view.owner(o, rows).encode(), c.host, o)


async def package_page(c: Context) -> Response:
    ref = _package_path(c.owner, c.params["owner"] + c.params["name"])
    reading = await c.stats.package(ref)
    points, versions = c.stats.history(ref), await _versions_if_any(c.stats, ref)
    me = _self_url(c.incoming, c.host.settings.forwarded_headers)
    if c.incoming.wants_html():
        base = me.removesuffix(c.incoming.url.path)
        page = package_view.render(reading, points, versions, self_url=me, base_url=base, url_for=ROUTES.url_for)
        return _package_ok(HTML, page.encode(), c.host, reading)
    return _package_ok(TEXT, text_view.package(reading, points, versions, me).encode(), c.host, reading)


async def livez(c: Context) -> Response:
    return _alive()


async def healthz(c: Context) -> Response:
    # The store is written to, not only read: a full one is what an operator must see.
    try:
        c.stats.store.probe(c.now)
    except StoreError as e:
        return _json(503, {"status": "store-unwritable", "message": str(e)})
    return _alive()


async def metrics_page(c: Context) -> Response:
    try:
        read = await c.stats.owner(c.owner)
    except AppError:
        read = None  # counted as fetch failures; /metrics still shows what is stored
    body = metrics.render(c.stats.tracked(read)).encode()
    return Response(200, {"content-type": metrics.CONTENT_TYPE, "cache-control": "no-store"}, body)


async def refresh(c: Context) -> Response:
    # Measurements due in this period of refresh_interval, made after this answer: asked
    # again and again, it asks nothing more of the upstream.
    due = [str(ref) for ref in c.stats.collect()]
    return _json(202, {"status": "accepted", "due": due, "refresh_interval": c.host.settings.refresh_interval})


async def owner_stats(c: Context) -> Response:
    o = await c.stats.owner(c.owner)
    return _owner_ok("application/json", _dump(api.owner(o, c.age)), c.host, o)


async def other_owner_stats(c: Context) -> Response:
    if (other := _owner(c.params["owner"][0])) != c.owner and c.host.settings.other_owners != "all":
        # Every package of any owner a stranger names: a cost without a bound.
        raise AppError("not-served", f"owner-wide views are served for {c.owner!r} only (the setting other_owners)")
    o = await c.stats.owner(other)
    return _owner_ok("application/json", _dump(api.owner(o, c.age)), c.host, o)


async def history_csv(c: Context) -> Response:
    ref = _package_path(c.owner, c.params["ref"])
    reading = await c.stats.package(ref)
    return _package_ok("text/csv; charset=utf-8", history_csv_view.render(c.stats.history(ref)).encode(), c.host, reading)


async def history(c: Context) -> Response:
    ref = _package_path(c.owner, c.params["ref"])
    reading = await c.stats.package(ref)  # measures once if never measured
    body = _dump(api.history(ref, c.stats.history(ref), c.host.settings.history_limit))
    return _package_ok("application/json", body, c.host, reading)


async def versions(c: Context) -> Response:
    ref = _package_path(c.owner, c.params["ref"])
    v, failure = await c.stats.versions(ref)
    stale = failure is not None
    body = _dump(api.versions(v, failure, c.age, c.stats.tag_histories(ref)))
    return _ok("application/json", body, c.host, f"{ref}@{v.fetched_at}:{stale}", v.fetched_at, stale)


async def package(c: Context) -> Response:
    reading = await c.stats.package(_package_path(c.owner, c.params["ref"]))
    return _package_ok("application/json", _dump(api.package(reading, c.age)), c.host, reading)


async def badge_svg(c: Context) -> Response:
    label, message, stale, version, fetched_at = await _badge(c.stats, c.owner, c.params["ref"])
    return _ok("image/svg+xml", badge.render(label, message, stale).encode(), c.host, version, fetched_at, stale)


async def shields_json(c: Context) -> Response:
    label, message, stale, version, fetched_at = await _badge(c.stats, c.owner, c.params["ref"])
    return _ok("application/json", _dump(api.shields(label, message, stale)), c.host, version, fetched_at, stale)


ROUTES: Router[Handler] = Router([
    Route("owner-page", "/", owner_page, "page", keep=True),
    Route("package-page", "/packages/{owner}/{name:path}", package_page, "page", keep=True),
    Route("livez", "/livez", livez),
    Route("healthz", "/healthz", healthz),
    Route("metrics", "/metrics", metrics_page, keep=True),
    Route("refresh", "/refresh", refresh, methods=("POST",)),
    Route("owner", "/stats", owner_stats, keep=True),
    Route("other-owner", "/stats/{owner}/", other_owner_stats, keep=True),
    Route("history-csv", "/stats/{ref:path}/history.csv", history_csv, keep=True),
    Route("history", "/stats/{ref:path}/history", history, keep=True),
    Route("versions", "/stats/{ref:path}/versions", versions, keep=True),
    Route("package", "/stats/{ref:path}", package, keep=True),
    Route("badge", "/badge/{ref:path}.svg", badge_svg, "badge", keep=True),
    Route("shields", "/shields/{ref:path}", shields_json, "shields", keep=True),
])


async def _badge(stats: Stats, owner: str, segments: list[str]) -> tuple[str, str, bool, str, float]:
    """(label, message, stale, data version, read at) of a badge: a package's downloads
    (`<package>`), its latest version (`<package>/version`) or one tag's downloads
    (`<package>/tag/<tag>`)."""
    if len(segments) >= 3 and segments[-2] == "tag":
        ref = _package_path(owner, segments[:-2])
        tag = unquote(segments[-1])
        v, failure = await stats.versions(ref)
        found = dict(v.versions)
        if tag not in found:
            raise AppError("no-such-tag", f"{ref} lists no tagged version {tag!r}")
        stale = failure is not None
        return tag, short(found[tag]), stale, f"{ref}:{tag}@{v.fetched_at}:{stale}", v.fetched_at
    latest = len(segments) >= 2 and segments[-1] == "version"
    ref = _package_path(owner, segments[:-1] if latest else segments)
    r = await stats.package(ref)
    m = r.measurement
    if latest and not m.page.latest_version:
        raise AppError("no-version", f"the page of {ref} shows no latest version")
    label, message = ("version", m.page.latest_version) if latest else ("downloads", m.page.display_total)
    return label, message, r.stale, f"{ref}:{label}@{m.fetched_at}:{r.stale}", m.fetched_at


async def _versions_if_any(stats: Stats, ref: PackageRef):
    """The package's versions for its page, or None when they cannot be had: the page still shows."""
    try:
        return (await stats.versions(ref))[0]
    except AppError:
        return None


def _failure(incoming: Incoming, form: str, e: AppError) -> Response:
    """An error in the format of the endpoint asked for: an SVG badge for /badge, shields'
    error JSON for /shields, a page (or text) for the pages, JSON for the API."""
    status, code, message = e.status, e.code, e.message
    headers = {"cache-control": "no-store"}
    if form == "badge":
        return Response(status, {**headers, "content-type": "image/svg+xml"}, badge.render("downloads", "unavailable", why=f"{code}: {message}").encode())
    if form == "shields":
        return Response(status, {**headers, "content-type": "application/json"}, _dump(api.shields_error("downloads")))
    if form == "page" and incoming.wants_html():
        return Response(status, {**headers, "content-type": HTML}, layout.error_page(status, code, message, ROUTES.url_for("owner-page")).encode())
    if form == "page":
        return Response(status, {**headers, "content-type": TEXT}, text_view.error(status, code, message).encode())
    return error(code, message)


def _package_ok(content_type: str, body: bytes, host: Host, r: Reading) -> Response:
    m = r.measurement
    return _ok(content_type, body, host, f"{m.ref}@{m.fetched_at}:{r.stale}", m.fetched_at, r.stale)


def _owner_ok(content_type: str, body: bytes, host: Host, o: OwnerReading) -> Response:
    versions = [f"{r.measurement.package}@{r.measurement.fetched_at}:{r.stale}" for r in o.readings]
    version = f"{o.owner}@{o.listing.fetched_at}:{o.stale} " + " ".join(sorted(versions)) + " " + " ".join(o.failed)
    oldest = min([o.listing.fetched_at] + [r.measurement.fetched_at for r in o.readings])
    return _ok(content_type, body, host, version, oldest, o.stale)


def _package_path(default_owner: str, segments: list[str]) -> PackageRef:
    """`[package]` (default owner; nested names percent-encoded) or `[owner, *package]`; the
    routes never pass an empty list."""
    decoded = [unquote(s) for s in segments]
    try:
        if len(decoded) == 1:
            return PackageRef(default_owner, check_package(decoded[0]))
        return PackageRef(check_owner(decoded[0]), check_package("/".join(decoded[1:])))
    except InvalidName as e:
        raise AppError("invalid-name", str(e)) from None


def _self_url(incoming: Incoming, forwarded_headers: str) -> str:
    """The URL the client asked for, as it would type it (for a page's QR code and links).

    X-Forwarded-Host and -Proto only where a proxy sets them (`forwarded_headers`): anyone can
    send them, and a shared cache would keep a page whose links point where they said. A host
    that is not a host name, with a port perhaps, is not used.
    """
    url, headers = incoming.url, incoming.request.headers
    forwarded = forwarded_headers == "trust"
    scheme = (forwarded and headers.get("x-forwarded-proto", "").strip().lower()) or url.scheme or "http"
    if scheme not in ("http", "https"):
        scheme = "http"
    hosts = [headers.get("x-forwarded-host", "").split(",")[0].strip()] if forwarded else []
    hosts += [headers.get("host", ""), url.netloc]
    host = next((h for h in hosts if _HOST.fullmatch(h)), "localhost")
    return f"{scheme}://{host}{url.path}" + (f"?{url.query}" if url.query else "")


# A host name or an IPv4 address, or an IPv6 one in brackets, with a port perhaps.
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def _owner(segment: str) -> str:
    try:
        return check_owner(unquote(segment))
    except InvalidName as e:
        raise AppError("invalid-name", str(e)) from None


def _ok(content_type: str, body: bytes, host: Host, version: str, fetched_at: float, stale: bool) -> Response:
    """A 200 that clients may keep while its data stays fresh here.

    The ETag is weak and names the data's version (what was measured, and when), not the
    bytes: only `age_seconds` differs between two answers with the same ETag.
    """
    etag = 'W/"' + hashlib.sha256(f"{content_type} {version}".encode()).hexdigest()[:32] + '"'
    # A fresh answer's `max-age` counts down from its read (`Response.read_at`); a stale one's not.
    read_at = None if stale else fetched_at
    max_age = STALE_MAX_AGE if read_at is None else ready.max_age(host.settings.cache_ttl, read_at, host.clock())
    return Response(200, {"content-type": content_type, "cache-control": ready.cache_control(max_age), "etag": etag}, body, read_at)


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


def error(code: str, message: str) -> Response:
    return _json(CODES[code], api.error(code, message))


INTERNAL_ERROR = AppError("internal-error", "the service failed to answer this request; the failure is logged")


def internal_error() -> Response:
    return error(INTERNAL_ERROR.code, INTERNAL_ERROR.message)


def _alive() -> Response:
    return Response(200, {"content-type": "application/json", "cache-control": "no-store"}, b'{"status":"ok"}')


def _json(status: int, body: dict) -> Response:
    return Response(status, {"content-type": "application/json", "cache-control": "no-store"}, _dump(body))


def _dump(body: dict) -> bytes:
    return json.dumps(body, separators=(",", ":"), default=ready.mark).encode()
