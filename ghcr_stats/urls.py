"""Where GitHub shows each number: the URLs of the pages the parser reads.

Owners are organisations (`/orgs/…`) or users (`/users/…`); which one a name is cannot be
told from the name, so callers try `orgs` first and fall back to `users` on a 404.
"""

from __future__ import annotations

from urllib.parse import quote, urljoin

OWNER_KINDS = ("orgs", "users")


def package_url(upstream: str, kind: str, owner: str, package: str) -> str:
    # Nested names are one path segment on GitHub: `charts/flagger` -> `charts%2Fflagger`.
    return f"{_base(upstream)}/{kind}/{owner}/packages/container/package/{quote(package, safe='')}"


def listing_url(upstream: str, kind: str, owner: str, page: int = 1) -> str:
    query = f"?page={page}" if page > 1 else ""
    return f"{_base(upstream)}/{kind}/{owner}/packages{query}"


def versions_url(upstream: str, kind: str, owner: str, package: str) -> str:
    return (
        f"{_base(upstream)}/{kind}/{owner}/packages/container/{quote(package, safe='')}/versions"
        "?filters%5Bversion_type%5D=tagged"
    )


def resolve(upstream: str, href: str) -> str:
    """An href from a page (a "next page" link) as an absolute URL on the same upstream.

    Refuses links to any other host, so a page can never steer the app elsewhere.
    """
    url = urljoin(_base(upstream) + "/", href)
    if not (url == _base(upstream) or url.startswith(_base(upstream) + "/")):
        raise ValueError(f"link {href!r} leaves the upstream {upstream!r}")
    return url


def _base(upstream: str) -> str:
    return upstream.rstrip("/")
