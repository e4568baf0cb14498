"""URLs that try to lead the app off its upstream, and what each reader of a URL would connect to.

`hrefs(upstream, elsewhere)` draws a redirect's Location or a "next" link from parts that URL
parsers disagree about: schemes and their separators, user info (the upstream's own host as a
user name), hosts spelt every way a resolver reads the same address (`2130706434`, `0x7f000002`,
`127.2`, percent-encoded, a trailing dot, IPv4-mapped IPv6), ports, backslashes, whitespace and
NUL around them; and plain text besides.

`origins(url)` is every (scheme, host, port, has user info) that a reader would take the URL to
name: Python's urlsplit (the app, the Spin adapter), the Spin adapter's authority read on its own,
httpx (the tests' client), and a browser's rules (backslashes are slashes, tabs and line breaks
dropped, whitespace and C0 trimmed, the host percent-decoded, IPv4 written any way the resolver
accepts). A URL stays on the upstream only if every reader agrees it does.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from urllib.parse import unquote, urlsplit

import httpx
from hypothesis import strategies as st

DEFAULT_PORTS = {"http": 80, "https": 443}


def hrefs(upstream: str, elsewhere: str) -> st.SearchStrategy[str]:
    up, there = urlsplit(upstream), urlsplit(elsewhere)
    # Each part is the upstream's own half the time, so that most hrefs differ from an upstream
    # URL in one or two parts: the near misses where a check that forgets one part lets it through.
    scheme = _mostly(up.scheme, [None, "", "https" if up.scheme == "http" else "http", "HTTP", "hTtP", "ftp", "javascript", "file", "ws"])
    separator = _mostly("://", [":/", ":", ":\\\\", ":///", ":\\/", "://\\", ":/\\"])
    userinfo = _mostly("", ["user@", f"{up.netloc}@", f"{up.hostname}@", ":@", "@", f"{up.netloc}\\@", "a:b@", "%40@", f"{there.netloc}@"])
    host = _mostly(up.hostname, [
        there.hostname, "0x7f000002", "2130706434", "127.2", "0177.0.0.2", "127.000.000.002", "[::ffff:127.0.0.2]",
        "%31%32%37.0.0.2", "127.0.0.2.", f"{up.hostname}.", "localhost", "evil.example", f"{up.hostname}.evil.example", "",
        "127.0.0.1%2f@127.0.0.2", "[::1]", "\uff11\uff12\uff17.0.0.2",
    ])
    own_port = f":{up.port}" if up.port else ""
    port = _mostly(own_port, [
        "", f":{there.port}", f":0{up.port}", ":80", ":443", ":", f":{up.port}:{there.port}", f":{up.port}\\@{there.netloc}",
        f":{up.port}@{there.netloc}", f":+{up.port}", f":{up.port} ",
    ])
    path = st.sampled_from(["", "/x", "\\x", "/\\x", "?a", "#f", "/..%2f..%2fx", "/%2e%2e/x", f"/@{there.netloc}", f"\\\\{there.netloc}/x", "/x?next=//evil"])
    pad = st.sampled_from(["", " ", "\t", "\n", "\x00", "\x0c", "\r\n"])

    @st.composite
    def composed(draw) -> str:
        s = draw(scheme)
        authority = draw(userinfo) + draw(host) + draw(port)
        if s is None:
            head = draw(st.sampled_from(["", "/", "//", "///", "\\\\", "/\\", "\\/", "./", "../"])) + authority
        elif s == "":
            head = "//" + authority
        else:
            head = s + draw(separator) + authority
        return draw(pad) + head + draw(path) + draw(pad)

    return composed() | st.text(max_size=40)


def _mostly(own, others: list) -> st.SearchStrategy:
    return st.one_of(st.just(own), st.sampled_from(others))


def origins(url: str) -> set[tuple]:
    """Every (scheme, host, port, user info given) a reader of `url` would connect to; a reader
    that cannot read it at all connects nowhere and adds nothing."""
    found = set()
    found |= _urlsplit(url)
    found |= _httpx(url)
    found |= _urlsplit(_as_a_browser(url), browser=True)
    parts = urlsplit(url)
    if parts.scheme:  # what the Spin adapter sends: the scheme, and the netloc as the authority
        found |= _httpx(f"{parts.scheme}://{parts.netloc}/")
    return found


def upstream_origin(upstream: str) -> tuple:
    u = urlsplit(upstream)
    return (u.scheme, _host(u.hostname), u.port or DEFAULT_PORTS[u.scheme], False)


def _urlsplit(url: str, browser: bool = False) -> set[tuple]:
    try:
        u = urlsplit(url)
        port = u.port
    except ValueError:
        return set()
    if not u.netloc and not u.scheme:
        return set()
    host = unicodedata.normalize("NFKC", unquote(u.hostname or "")) if browser else (u.hostname or "")
    return {(u.scheme.lower(), _host(host), port or DEFAULT_PORTS.get(u.scheme.lower()), u.username is not None or u.password is not None)}


def _httpx(url: str) -> set[tuple]:
    try:
        u = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        return set()
    if not u.host:
        return set()
    return {(u.scheme, _host(u.host), u.port or DEFAULT_PORTS.get(u.scheme), bool(u.userinfo))}


def _as_a_browser(url: str) -> str:
    url = url.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    url = re.sub("[\t\n\r]", "", url)
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme in DEFAULT_PORTS:
        url = url.replace("\\", "/")
        # A special scheme's authority starts after any number of slashes.
        url = re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*):/*", lambda m: m.group(1) + "://", url)
    return url


def _host(host: str) -> str:
    """The address a resolver connects to for `host`, where it reads it as one."""
    host = host.lower().rstrip(".").strip("[]")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))  # 2130706434, 0x7f000002, 127.2, 0177.0.0.2
    except (OSError, UnicodeError, ValueError):
        return host
