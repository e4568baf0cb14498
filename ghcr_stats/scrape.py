"""Reading GitHub: fetch a page from the configured upstream, check it, hand it to the parser.

Every way this can fail ends as an `AppError` that says what went wrong; callers decide
whether a stored value can stand in. What must outlast a request (a back-off, an owner's
kind) is handed to the caller's `Memory`: nothing here writes to the store.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Protocol

from . import urls
from .host import Fetched, FetchError, Host, TooLarge
from .model import AppError, ListingPage, NotFound, PackagePage, PackageRef, ParseError, ParseWarning, VersionsPage
from .names import is_package

MAX_PAGES = 50  # a listing longer than 50 pages is cut off, and marked incomplete
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
DEFAULT_BACKOFF = 60.0  # seconds to leave the upstream alone after a 429 without Retry-After


class Memory(Protocol):
    """What reading GitHub must remember between requests; the use cases keep it."""

    def leave_alone(self) -> AppError | None:
        """The error to answer while the upstream is being left alone, if it is."""

    def spend(self, owner: str) -> None:
        """Count one request about `owner` against the upstream budget; raise AppError past it."""

    def owner_missing(self, owner: str) -> bool:
        """Whether the upstream lately had no owner `owner`, of either kind."""

    def found_no_owner(self, owner: str) -> None: ...

    def failed(self, reason: str) -> None:
        """The upstream failed: no answer, or a 5xx."""

    def rate_limited(self, seconds: float) -> None:
        """The upstream answered 429, asking to be left alone for `seconds`."""

    def owner_kind(self, owner: str) -> str | None:
        """Which kind of owner (`orgs`, `users`) `owner` was found to be, if known."""

    def found_owner_kind(self, owner: str, kind: str) -> None: ...


async def fetch_html(host: Host, memory: Memory, owner: str, url: str) -> tuple[str, str]:
    """(url, html) of the page at `url`, following redirects on the upstream only.

    wasi:http does not follow redirects, and GitHub redirects most package URLs (an org's
    package linked to a repository lives under that repository), so this does.
    """
    asked = url
    for _ in range(MAX_REDIRECTS + 1):
        r = await _get(host, memory, owner, url)
        if r.status not in REDIRECTS:
            break
        location = r.headers.get("location")
        if not location:
            raise AppError("upstream-status", f"{url} answered {r.status} without a Location")
        try:
            url = urls.resolve(host.settings.upstream, location, base=url)
        except ValueError:
            raise AppError("redirect-refused", f"{url} redirects off the upstream, to {location}") from None
    else:
        raise AppError("too-many-redirects", f"{asked}: more than {MAX_REDIRECTS} redirects")
    if r.status == 404:
        raise NotFound(f"{url} answered 404")
    if r.status != 200:
        raise AppError("upstream-status", f"{url} answered {r.status}")
    # The app asks for no compression (the component has no zlib): a compressed body is unreadable.
    if (encoding := r.headers.get("content-encoding", "identity").strip().lower()) not in ("identity", ""):
        raise AppError("undecodable-encoding", f"{url}: the body is {encoding}-encoded, which the app does not decode")
    # A page cut short can still parse into a plausible but wrong series: require its end.
    if b"</html>" not in r.body[-4096:].lower():
        raise AppError("truncated", f"{url}: the page ends before </html>")
    return url, r.body.decode("utf-8", errors="replace")


async def _get(host: Host, memory: Memory, owner: str, url: str) -> Fetched:
    """One GET, unless the upstream is being left alone (after a 429, or while it fails) or the
    budget is spent."""
    if e := memory.leave_alone():
        raise e
    memory.spend(owner)
    s = host.settings
    try:
        r = await host.http.get(url, timeout=s.fetch_timeout, deadline=s.fetch_deadline, max_bytes=s.page_max_bytes)
    except TooLarge as e:  # this page's size, not the upstream's health: no back-off
        raise AppError("too-large", f"{url}: {e}") from None
    except FetchError as e:
        memory.failed(f"the upstream failed: {e}")
        raise AppError("upstream-unreachable", f"{url}: {e}") from None
    if r.status == 429:
        memory.rate_limited(retry_after(r.headers.get("retry-after"), host.clock()))
        raise AppError("rate-limited", f"{url} answered 429 (rate limited)")
    if r.status >= 500:
        memory.failed(f"the upstream answered {r.status}")
    return r


async def package(host: Host, memory: Memory, ref: PackageRef, known_url: str | None = None) -> tuple[str, PackagePage]:
    """(url, page) of the package's page; raise NotFound or AppError.

    `known_url` is where the page was found last time (after redirects): asked first, so a
    package linked to a repository costs one request, not two. Should it have gone, the
    package is looked up again from its owner's URL.
    """
    found = None
    if known_url and urls.on_upstream(host.settings.upstream, known_url):
        try:
            found = await fetch_html(host, memory, ref.owner, known_url)
        except NotFound:
            pass
    url, html = found or await _owner_page(
        host, memory, ref.owner, lambda kind: urls.package_url(host.settings.upstream, kind, ref),
        missing=no_package(ref),
    )
    return url, _parse(host.parser.parse_package_page, html, url)


def no_package(ref: PackageRef) -> str:
    """What a 404 of the package's page, or of its versions, says."""
    return f"no container package {ref.name!r} for owner {ref.owner!r}"


async def listing(host: Host, memory: Memory, owner: str) -> tuple[list[str], bool]:
    """Every container package `owner` lists, following the listing's "next" links, and
    whether that is all of them."""
    url, html = await _owner_page(
        host, memory, owner, lambda kind: urls.listing_url(host.settings.upstream, kind, owner),
        missing=f"no owner {owner!r} on the upstream",
    )
    names: list[str] = []
    refused: list[str] = []

    def take(page: ListingPage) -> None:
        for p in page.packages:
            # Container packages only (a listing can hold npm or Maven ones too), linked from the
            # owner's URLs or the repository-scoped ones.
            if not any(kind in p.path for kind in ("/packages/container/", "/pkgs/container/")) or p.name in names:
                continue
            # A page's names are held to the rules a client's are: they become keys and URLs.
            (names if is_package(p.name) else refused).append(p.name)

    complete = await _pages(host, memory, owner, url, html, host.parser.parse_listing_page, take)
    return names, complete and not refused


async def versions(host: Host, memory: Memory, ref: PackageRef) -> tuple[list[tuple[str, int]], bool, list[ParseWarning]]:
    """The package's tagged versions (tag, downloads) over all their pages, whether that is
    all of them, and the rows skipped."""
    url, html = await _owner_page(
        host, memory, ref.owner, lambda kind: urls.versions_url(host.settings.upstream, kind, ref),
        missing=no_package(ref),
    )
    found: list[tuple[str, int]] = []
    skipped: list[ParseWarning] = []

    def take(page: VersionsPage) -> None:
        found.extend((v.tag, v.downloads) for v in page.versions)
        skipped.extend(page.warnings)

    complete = await _pages(host, memory, ref.owner, url, html, host.parser.parse_versions_page, take)
    return found, complete, skipped


async def _owner_page(host: Host, memory: Memory, owner: str, url_of, missing: str) -> tuple[str, str]:
    """(url, html) of `url_of(kind)` for the kind of owner (org, user) `owner` is.

    The kind is remembered once found, and so is an owner of neither kind. Where a page is
    missing under a kind not yet known, the owner's listing of that kind says whether the owner
    is of it: a package name made up under an existing owner then costs one request from the
    next one on, not one a kind.
    """
    if known := memory.owner_kind(owner):
        return await fetch_html(host, memory, owner, url_of(known))
    if memory.owner_missing(owner):
        raise NotFound(missing)
    for kind in urls.OWNER_KINDS:
        try:
            found = await fetch_html(host, memory, owner, url_of(kind))
        except NotFound:
            listing = urls.listing_url(host.settings.upstream, kind, owner)
            if url_of(kind) == listing:
                continue
            try:
                await fetch_html(host, memory, owner, listing)
            except NotFound:
                continue
            memory.found_owner_kind(owner, kind)
            raise NotFound(missing) from None
        memory.found_owner_kind(owner, kind)
        return found
    memory.found_no_owner(owner)
    raise NotFound(missing)


async def _pages(host: Host, memory: Memory, owner: str, url: str, html: str, parse, take) -> bool:
    """Parse `html` and each page its "next" link leads to, up to MAX_PAGES; False if cut off."""
    for n in range(1, MAX_PAGES + 1):
        page = _parse(parse, html, url)
        take(page)
        if not page.next_page:
            return True
        if n == MAX_PAGES:
            break  # cut off here: the page after the last is not asked for, only to be dropped
        try:
            url = urls.resolve(host.settings.upstream, page.next_page, base=url)
        except ValueError as e:
            raise AppError("unparseable", str(e)) from None
        try:
            url, html = await fetch_html(host, memory, owner, url)
        except NotFound as e:
            # The first page was there, so this says nothing of the package or owner: a broken
            # link, not a 404 to remember.
            raise AppError("upstream-status", e.message) from None
    return False


def _parse(parse, html: str, url: str):
    try:
        return parse(html)
    except ParseError as e:
        raise AppError("unparseable", f"{url}: {e}", reason=f"parse-{e.kind}") from None


def retry_after(value: str | None, now: float) -> float:
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
