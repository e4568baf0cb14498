"""A local stand-in for github.com: serves generated package, listing and versions pages on
127.0.0.1, counts every request, and can be told to fail in each way GitHub can.

    with FakeGitHub(fluxcd_catalog()) as gh:
        gh.url                      # "http://127.0.0.1:PORT", the app's `upstream`
        gh.fail("flux-cli", "500")  # that package's page now answers 500
        gh.requests                 # paths asked for, in order
        gh.elsewhere.requests       # what reached the other host redirects may point to

Like GitHub, it redirects the owner URLs of a package linked to a repository
(`/orgs/<owner>/packages/container/package/<name>`, and its versions) to the repository's
(`/<owner>/<repo>/pkgs/container/<name>`), with a 302.
"""

from __future__ import annotations

import gzip
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

from . import pages

# How a page can fail: the name says what the upstream does instead of answering the page.
FAILURES = (
    "500", "503", "404", "429", "429-retry-after", "429-retry-after-huge", "timeout", "garbage", "truncated",
    "huge", "reset",
    "cut",  # a complete response (its Content-Length right) of the first half of the page
    "trickle",  # the page, one byte every `trickle_interval` seconds
    "redirect-off-host",  # a 302 to another host (127.0.0.2), which must never be asked
    "redirect-loop",  # a 302 to the same URL, for ever
    "gzip",  # the page gzip-compressed (Content-Encoding: gzip), though nobody asked for it
    "redirect-with-space",  # a 302 to the page's URL with a space in its query, sent unencoded
)


OWNER_KINDS = ("orgs", "users")
# Failures that spoil a page's body happen on the page a redirect leads to, not on the redirect.
BODY_FAILURES = ("timeout", "truncated", "cut", "huge", "trickle", "gzip")


class Elsewhere:
    """Another host, on 127.0.0.2: records what reaches it, answers 200 to anything."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        elsewhere = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                elsewhere.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = _Server(("127.0.0.2", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.2:{self._server.server_port}"


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog is 5: wasmtime opens a connection per outbound request,
    # max_concurrency (8) at once, and on a busy machine the SYNs beyond the backlog were
    # dropped and retried a second later, past a 1 s fetch_timeout ("ConnectionTimeout").
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # The app hanging up mid-answer (its fetch timed out, a page too big) is what the tests
        # make it do, as GitHub would see it: not an error of this server's to print.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeGitHub:
    def __init__(
        self, packages: list[pages.Package], *, per_page: int = 3, timeout_delay: float = 3.0, trickle_interval: float = 0.5,
        listing: dict | None = None,
    ):
        self.packages = {(p.owner, p.name): p for p in packages}
        self.per_page = per_page
        self.listing = listing or {}  # listing_page's variant options (how rows link, paginate)
        self.timeout_delay = timeout_delay
        self.trickle_interval = trickle_interval
        self.requests: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests it was answering at once
        self._failures: dict[str, str] = {}
        self._delay = 0.0
        self._gather = 0  # package pages wait until this many requests are in flight
        self._gathered = threading.Condition()
        self.retry_after = "99999999999999999999"  # what "429-retry-after-huge" sends
        self._cache: dict[tuple, bytes] = {}
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self.elsewhere = Elsewhere()

    # -- control ------------------------------------------------------------------------

    def fail(self, target: str, mode: str) -> None:
        """Make `target` (a package name, "listing", or "*" for everything) fail with `mode`."""
        assert mode in FAILURES, mode
        self._failures[target] = mode

    def heal(self) -> None:
        self._failures.clear()
        self.gather(0)
        self.retry_after = "99999999999999999999"

    def delay(self, seconds: float) -> None:
        """Answer every request `seconds` late (slow, but not failing)."""
        self._delay = seconds

    def gather(self, n: int) -> None:
        """Hold each package page until `n` requests are in flight at once (then none is held
        again), or for 10 s at most: proof of concurrency that no delay's length decides. 0: off,
        and what is held goes on at once."""
        with self._gathered:
            self._gather = n
            self._gathered.notify_all()

    def _wait_for_company(self) -> None:
        with self._gathered:
            if self._gather and not self._gathered.wait_for(lambda: self.in_flight >= self._gather, timeout=10):
                pass  # the app never had that many in flight: max_in_flight says so
            self._gather = 0
            self._gathered.notify_all()

    def count(self, fragment: str = "") -> int:
        with self._lock:
            return sum(fragment in path for path in self.requests)

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight = 0

    # -- lifecycle ----------------------------------------------------------------------

    def __enter__(self) -> "FakeGitHub":
        for server in (self._server, self.elsewhere._server):
            # Polled for shutdown every 50 ms, not 500: every test module stops two servers.
            threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        for server in (self._server, self.elsewhere._server):
            server.shutdown()
            server.server_close()

    # -- pages --------------------------------------------------------------------------

    def _page(self, path: str, query: str) -> tuple[int, bytes | str, str | None]:
        """(status, body, target) for a GET of `path`; target names what fail() matches.

        A redirect's body is its Location (a str).
        """
        parts = path.strip("/").split("/")
        page = int(parse_qs(query).get("page", ["1"])[0])
        match parts:
            case [kind, owner, "packages"] if kind in OWNER_KINDS:
                listed = [p for p in self.packages.values() if p.owner == owner and p.owner_kind == kind]
                if not listed:
                    return self._not_found("listing")
                render = lambda: pages.listing_page(owner, listed, page=page, per_page=self.per_page, owner_kind=kind, **self.listing).encode()
                return 200, self._cached(("listing", owner, page), render), "listing"
            case [kind, owner, "packages", "container", "package", name] if kind in OWNER_KINDS:
                p = self.packages.get((owner, unquote(name)))
                if p is None or p.owner_kind != kind:
                    return self._not_found(unquote(name))
                if p.repository:
                    return 302, repository_path(p), p.name
                return 200, self._package_page(p), p.name
            case [kind, owner, "packages", "container", name, "versions"] if kind in OWNER_KINDS:
                p = self.packages.get((owner, unquote(name)))
                if p is None or p.owner_kind != kind:
                    return self._not_found(unquote(name))
                if p.repository:
                    return 302, f"{repository_path(p)}/versions?{query}", p.name
                return 200, self._versions_page(p, page), p.name
            case [owner, repo, "pkgs", "container", name, *rest] if rest in ([], ["versions"]):
                p = self.packages.get((owner, unquote(name)))
                if p is None or p.repository != f"{owner}/{repo}":
                    return self._not_found(unquote(name))
                return 200, self._versions_page(p, page) if rest else self._package_page(p), p.name
        return self._not_found(None)

    # Pages are cached by everything they are made from: a test that replaces a package with
    # other values gets a page with those.
    def _package_page(self, p: pages.Package) -> bytes:
        return self._cached(("package", repr(p)), lambda: pages.package_page(p).encode())

    def _versions_page(self, p: pages.Package, page: int) -> bytes:
        return self._cached(("versions", repr(p), page), lambda: pages.versions_page(p, page=page).encode())

    def _not_found(self, target: str | None) -> tuple[int, bytes, str | None]:
        return 404, self._cached(("404",), pages.not_found_page), target

    def _cached(self, key: tuple, render) -> bytes:
        if key not in self._cache:
            body = render()
            self._cache[key] = body if isinstance(body, bytes) else body.encode()
        return self._cache[key]

    def _handler(self):
        gh = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 (http.server's naming)
                with gh._gathered:
                    with gh._lock:
                        gh.requests.append(self.path)
                        gh.in_flight += 1
                        gh.max_in_flight = max(gh.max_in_flight, gh.in_flight)
                    gh._gathered.notify_all()
                self._counted = True
                try:
                    self._answer()
                finally:
                    self._done()

            def _done(self):
                # Out of flight once the answer starts: the app cannot have read it before
                # then, so its next request never overlaps this one in the count.
                if self._counted:
                    self._counted = False
                    with gh._lock:
                        gh.in_flight -= 1

            def send_response(self, code, message=None):
                self._done()
                super().send_response(code, message)

            def _answer(self):
                url = urlsplit(self.path)
                if gh._delay:
                    time.sleep(gh._delay)
                status, body, target = gh._page(url.path, url.query)
                if target not in (None, "listing") and "/versions" not in url.path:
                    gh._wait_for_company()
                failure = gh._failures.get(target) or gh._failures.get("*")
                if isinstance(body, str) and failure in (None, *BODY_FAILURES):
                    return self._send(status, b"", {"Location": body})
                if failure is None:
                    return self._send(status, body)
                match failure:
                    case "redirect-off-host":
                        self._send(302, b"", {"Location": gh.elsewhere.url + self.path})
                    case "redirect-loop":
                        self._send(302, b"", {"Location": self.path})
                    case "redirect-with-space" if "from=" in url.query and isinstance(body, bytes):
                        self._send(status, body)
                    case "redirect-with-space":
                        self._send(302, b"", {"Location": (body if isinstance(body, str) else url.path) + "?from=a space"})
                    case "gzip":
                        self._send(200, gzip.compress(body), {"Content-Encoding": "gzip"})
                    case "500" | "503" | "404":
                        self._send(int(failure), b"<html><body>error</body></html>")
                    case "429":
                        self._send(429, b"rate limited")
                    case "429-retry-after":
                        self._send(429, b"rate limited", {"Retry-After": "120"})
                    case "429-retry-after-huge":  # the year 3 trillion, taken at its word
                        self._send(429, b"rate limited", {"Retry-After": gh.retry_after})
                    case "timeout":
                        time.sleep(gh.timeout_delay)
                        self._send(status, body)
                    case "garbage":
                        self._send(200, b"<html><body><p>Something went wrong \x00\xff" + b"x" * 2000 + b"</body></html>")
                    case "truncated":  # a full Content-Length, then the connection drops
                        self.send_response(200)
                        self.send_header("Content-Type", "text/html; charset=utf-8")
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body[: len(body) // 2])
                        self.wfile.flush()
                        self.close_connection = True
                    case "cut":
                        self._send(200, body[: len(body) // 2])
                    case "huge":
                        self._send(200, body + b"<!--" + b"x" * 6_000_000 + b"-->")
                    case "trickle":  # never a gap long enough for a between-bytes time-out
                        self.send_response(200)
                        self.send_header("Content-Type", "text/html; charset=utf-8")
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        try:
                            for i in range(len(body)):
                                self.wfile.write(body[i : i + 1])
                                self.wfile.flush()
                                time.sleep(gh.trickle_interval)
                        except OSError:  # the client gave up, as it should
                            self.close_connection = True
                    case "reset":
                        self.close_connection = True
                        self.connection.close()

            def _send(self, status: int, body: bytes, headers: dict | None = None):
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet: the tests read `requests` instead
                pass

        return Handler


def repository_path(p: pages.Package) -> str:
    """Where GitHub keeps a package linked to a repository: `/<owner>/<repo>/pkgs/container/<name>`."""
    return f"/{p.repository}/pkgs/container/{quote(p.name, safe='')}"
