"""Reading GitHub: fetch a page from the configured upstream, check it, hand it to the parser.

Every way this can fail ends as an `UpstreamError` that says what went wrong; callers decide
whether a stored value can stand in. Nothing here writes a measurement.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from . import urls
from .host import Fetched, FetchError, Host
from .names import is_package
from .pages import ParseError
from .store import Backoff, Listing, Measurement, Store, Versions

MAX_PAGES = 50  # a listing longer than 50 pages is cut off, and marked incomplete
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
FAILURES_BEFORE_BACKOFF = 3  # within failure_backoff seconds
DEFAULT_BACKOFF = 60.0  # seconds to leave the upstream alone after a 429 without Retry-After


class UpstreamError(Exception):
    """`status` is what the API answers when nothing stored can stand in (404 or 502).

    `reason` is how /metrics counts it: the code, or for a page that did not parse, the
    parser's error kind (`parse-not-found`: the markup changed), so an alert can tell them apart.
    """

    def __init__(self, status: int, code: str, message: str, reason: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.reason = reason or code


class NotFound(UpstreamError):
    def __init__(self, message: str):
        super().__init__(404, "not-found", message)


async def fetch_html(host: Host, store: Store, url: str) -> tuple[str, str]:
    """(url, html) of the page at `url`, following redirects on the upstream only.

    wasi:http does not follow redirects, and GitHub redirects most package URLs (an org's
    package linked to a repository lives under that repository), so this does.
    """
    for _ in range(MAX_REDIRECTS + 1):
        r = await _get(host, store, url)
        if r.status not in REDIRECTS:
            break
        location = r.headers.get("location")
        if not location:
            raise UpstreamError(502, "upstream-status", f"{url} answered {r.status} without a Location")
        try:
            url = urls.resolve(host.settings.upstream, location, base=url)
        except ValueError:
            raise UpstreamError(502, "redirect-refused", f"{url} redirects off the upstream, to {location}") from None
    else:
        raise UpstreamError(502, "too-many-redirects", f"{url}: more than {MAX_REDIRECTS} redirects")
    if r.status == 404:
        raise NotFound(f"{url} answered 404")
    if r.status != 200:
        raise UpstreamError(502, "upstream-status", f"{url} answered {r.status}")
    # A page cut short can still parse into a plausible but wrong series: require its end.
    if b"</html>" not in r.body[-4096:].lower():
        raise UpstreamError(502, "truncated", f"{url}: the page ends before </html>")
    return url, r.body.decode("utf-8", errors="replace")


async def _get(host: Host, store: Store, url: str) -> Fetched:
    """One GET, unless the upstream is being left alone: for a while after a 429 (as long as
    it asked) or after it failed (`failure_backoff`), so that an outage is not asked about by
    every request."""
    if e := backoff_error(host, store):
        raise e
    s = host.settings
    now = host.clock()
    try:
        r = await host.http.get(url, timeout=s.fetch_timeout, deadline=s.fetch_deadline, max_bytes=s.page_max_bytes)
    except FetchError as e:
        _failed(host, store, now, f"the upstream failed: {e}")
        raise UpstreamError(502, "upstream-unreachable", f"{url}: {e}") from None
    if r.status == 429:
        wait = min(_retry_after(r.headers.get("retry-after"), now), float(s.max_backoff))
        store.set_backoff(Backoff(now + wait, "rate-limited", "the upstream answered 429 (rate limited)"))
        raise UpstreamError(502, "rate-limited", f"{url} answered 429 (rate limited)")
    if r.status >= 500:
        _failed(host, store, now, f"the upstream answered {r.status}")
    return r


def _failed(host: Host, store: Store, now: float, reason: str) -> None:
    """Back off once the upstream has failed FAILURES_BEFORE_BACKOFF times within
    `failure_backoff` seconds: an outage, not one slow page, which would otherwise fail every
    other read under way with it."""
    window = host.settings.failure_backoff
    if store.note_upstream_failure(now, window) >= FAILURES_BEFORE_BACKOFF:
        store.set_backoff(Backoff(now + window, "upstream-backoff", reason))


def backoff_error(host: Host, store: Store) -> UpstreamError | None:
    """The error to answer while the upstream is being left alone, if it is."""
    s = host.settings
    now = host.clock()
    if b := store.backoff(now, max(s.max_backoff, s.failure_backoff)):
        return UpstreamError(502, b.code, f"{b.reason}; not asking the upstream again for {b.until - now:.0f} s")
    return None


async def package(host: Host, store: Store, owner: str, package: str, known_url: str | None = None) -> Measurement:
    """Fetch and parse `owner`'s package page; raise NotFound or UpstreamError.

    `known_url` is where the page was found last time (after redirects): asked first, so a
    package linked to a repository costs one request, not two. Should it have gone, the
    package is looked up again from its owner's URL.
    """
    found = None
    if known_url and urls.on_upstream(host.settings.upstream, known_url):
        try:
            found = await fetch_html(host, store, known_url)
        except NotFound:
            pass
    url, html = found or await _owner_page(
        host, store, owner, lambda kind: urls.package_url(host.settings.upstream, kind, owner, package),
        missing=f"no container package {package!r} for owner {owner!r}",
    )
    page = _parse(host.parser.parse_package_page, html, url)
    return Measurement(
        owner=owner,
        package=package,
        total=page.total_downloads,
        exact=page.total_exact,
        display=page.display_total,
        daily=[(d.date, d.count) for d in page.daily_downloads],
        url=url,
        fetched_at=host.clock(),
        repository=page.repository,
        latest_version=page.latest_version,
        last_published=page.last_published_utc(),
        latest_version_downloads=latest.downloads if (latest := page.latest()) else None,
        recent_versions=[(v.id, v.tags, v.downloads) for v in page.recent_versions],
    )


async def listing(host: Host, store: Store, owner: str) -> Listing:
    """Every container package `owner` lists, following the listing's "next" links."""
    url, html = await _owner_page(
        host, store, owner, lambda kind: urls.listing_url(host.settings.upstream, kind, owner),
        missing=f"no owner {owner!r} on the upstream",
    )
    names: list[str] = []
    refused: list[str] = []

    def take(page) -> None:
        for p in page.packages:
            # Container packages only (a listing can hold npm or Maven ones too), linked from the
            # owner's URLs or the repository-scoped ones.
            if not any(kind in p.path for kind in ("/packages/container/", "/pkgs/container/")) or p.name in names:
                continue
            # A page's names are held to the rules a client's are: they become keys and URLs.
            (names if is_package(p.name) else refused).append(p.name)

    complete = await _pages(host, store, url, html, host.parser.parse_listing_page, take)
    return Listing(owner, names, host.clock(), complete and not refused)


async def versions(host: Host, store: Store, owner: str, package: str) -> Versions:
    """The package's tagged versions with their downloads, over all their pages."""
    url, html = await _owner_page(
        host, store, owner, lambda kind: urls.versions_url(host.settings.upstream, kind, owner, package),
        missing=f"no container package {package!r} for owner {owner!r}",
    )
    found: list[tuple[str, int]] = []

    def take(page) -> None:
        found.extend((v.tag, v.downloads) for v in page.versions)

    complete = await _pages(host, store, url, html, host.parser.parse_versions_page, take)
    return Versions(owner, package, found, host.clock(), complete)


async def _owner_page(host: Host, store: Store, owner: str, url_of, missing: str) -> tuple[str, str]:
    """(url, html) of `url_of(kind)` for the first kind of owner (org, user) that has it."""
    for kind in _kinds(store, owner):
        try:
            url, html = await fetch_html(host, store, url_of(kind))
        except NotFound:
            continue
        store.set_owner_kind(owner, kind)
        return url, html
    raise NotFound(missing)


async def _pages(host: Host, store: Store, url: str, html: str, parse, take) -> bool:
    """Parse `html` and each page its "next" link leads to, up to MAX_PAGES; False if cut off."""
    for _ in range(MAX_PAGES):
        page = _parse(parse, html, url)
        take(page)
        if not page.next_page:
            return True
        try:
            url = urls.resolve(host.settings.upstream, page.next_page, base=url)
        except ValueError as e:
            raise UpstreamError(502, "unparseable", str(e)) from None
        url, html = await fetch_html(host, store, url)
    return False


def _kinds(store: Store, owner: str) -> tuple[str, ...]:
    known = store.owner_kind(owner)
    return (known,) if known else urls.OWNER_KINDS


def _parse(parse, html: str, url: str):
    try:
        return parse(html)
    except ParseError as e:
        raise UpstreamError(502, "unparseable", f"{url}: {e}", reason=f"parse-{e.kind}") from None


def _retry_after(value: str | None, now: float) -> float:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP date."""
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError):
            pass
    return DEFAULT_BACKOFF
