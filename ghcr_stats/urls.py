"""Where GitHub shows each number: the URLs of the pages the parser reads.

Owners are organisations (`/orgs/…`) or users (`/users/…`); which one a name is cannot be
told from the name, so callers try `orgs` first and fall back to `users` on a 404.
"""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

from .model import PackageRef

OWNER_KINDS = ("orgs", "users")


def package_url(upstream: str, kind: str, ref: PackageRef) -> str:
    # Nested names are one path segment on GitHub: `charts/flagger` -> `charts%2Fflagger`.
    return f"{_base(upstream)}/{kind}/{ref.owner}/packages/container/package/{quote(ref.name, safe='')}"


def listing_url(upstream: str, kind: str, owner: str) -> str:
    return f"{_base(upstream)}/{kind}/{owner}/packages"


def versions_url(upstream: str, kind: str, ref: PackageRef) -> str:
    return (
        f"{_base(upstream)}/{kind}/{ref.owner}/packages/container/{quote(ref.name, safe='')}/versions"
        "?filters%5Bversion_type%5D=tagged"
    )


def resolve(upstream: str, href: str, base: str | None = None) -> str:
    """An href (a "next page" link, a redirect's Location) as an absolute URL, relative to
    `base` (the page it came from; the upstream's root by default).

    Refuses URLs on any other scheme, host or port, so neither a page nor a redirect can
    steer the app elsewhere.
    """
    url = urljoin(base or _base(upstream) + "/", href)
    if not on_upstream(upstream, url):
        raise ValueError(f"{href!r} leaves the upstream {upstream!r}")
    # As a browser does: what a URL may not hold (a space, a control character, non-ASCII)
    # percent-encoded, what is already encoded left as it is. wasi:http refuses the rest.
    parts = urlsplit(url)
    return parts._replace(path=quote(parts.path, safe=_URL_SAFE), query=quote(parts.query, safe=_URL_SAFE), fragment="").geturl()


_URL_SAFE = "/%:@!$&'()*+,;=?~"


def on_upstream(upstream: str, url: str) -> bool:
    """Whether `url` is on the upstream's origin (same scheme, host and port, no user info)."""
    a, b = urlsplit(upstream), urlsplit(url)
    try:
        same = (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)
    except ValueError:  # a port that is not a number
        return False
    return same and b.username is None


def _base(upstream: str) -> str:
    return upstream.rstrip("/")
