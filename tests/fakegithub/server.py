"""A local stand-in for github.com: serves generated package, listing and versions pages on
127.0.0.1, counts every request, and can be told to fail in each way GitHub can.

    with FakeGitHub(fluxcd_catalog()) as gh:
        gh.url                      # "http://127.0.0.1:PORT", the app's `upstream`
        gh.fail("flux-cli", "500")  # that package's page now answers 500
        gh.requests                 # paths asked for, in order
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from . import pages

# How a page can fail: the name says what the upstream does instead of answering the page.
FAILURES = ("500", "503", "404", "429", "429-retry-after", "timeout", "garbage", "truncated", "huge", "reset")


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog is 5: wasmtime opens a connection per outbound request,
    # max_concurrency (8) at once, and on a busy machine the SYNs beyond the backlog were
    # dropped and retried a second later, past a 1 s fetch_timeout ("ConnectionTimeout").
    request_queue_size = 128


class FakeGitHub:
    def __init__(self, packages: list[pages.Package], *, per_page: int = 3, timeout_delay: float = 3.0):
        self.packages = {(p.owner, p.name): p for p in packages}
        self.per_page = per_page
        self.timeout_delay = timeout_delay
        self.requests: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests it was answering at once
        self._failures: dict[str, str] = {}
        self._delay = 0.0
        self._cache: dict[tuple, bytes] = {}
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    # -- control ------------------------------------------------------------------------

    def fail(self, target: str, mode: str) -> None:
        """Make `target` (a package name, "listing", or "*" for everything) fail with `mode`."""
        assert mode in FAILURES, mode
        self._failures[target] = mode

    def heal(self) -> None:
        self._failures.clear()

    def delay(self, seconds: float) -> None:
        """Answer every request `seconds` late (slow, but not failing)."""
        self._delay = seconds

    def count(self, fragment: str = "") -> int:
        with self._lock:
            return sum(fragment in path for path in self.requests)

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight = 0

    # -- lifecycle ----------------------------------------------------------------------

    def __enter__(self) -> "FakeGitHub":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- pages --------------------------------------------------------------------------

    def _page(self, path: str, query: dict) -> tuple[int, bytes, str | None]:
        """(status, body, target) for a GET of `path`; target names what fail() matches."""
        parts = path.strip("/").split("/")
        page = int(query.get("page", ["1"])[0])
        match parts:
            case [kind, owner, "packages"]:
                listed = [p for p in self.packages.values() if p.owner == owner and p.owner_kind == kind]
                if not listed:
                    return 404, self._cached(("404",), pages.not_found_page), "listing"
                render = lambda: pages.listing_page(owner, listed, page=page, per_page=self.per_page, owner_kind=kind).encode()
                return 200, self._cached(("listing", owner, page), render), "listing"
            case [kind, owner, "packages", "container", "package", name]:
                p = self.packages.get((owner, unquote(name)))
                if p is None or p.owner_kind != kind:
                    return 404, self._cached(("404",), pages.not_found_page), unquote(name)
                return 200, self._cached(("package", owner, p.name, p.total), lambda: pages.package_page(p).encode()), p.name
            case [kind, owner, "packages", "container", name, "versions"]:
                p = self.packages.get((owner, unquote(name)))
                if p is None or p.owner_kind != kind:
                    return 404, self._cached(("404",), pages.not_found_page), unquote(name)
                render = lambda: pages.versions_page(p, page=page).encode()
                return 200, self._cached(("versions", owner, p.name, page), render), p.name
        return 404, self._cached(("404",), pages.not_found_page), None

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
                with gh._lock:
                    gh.requests.append(self.path)
                    gh.in_flight += 1
                    gh.max_in_flight = max(gh.max_in_flight, gh.in_flight)
                try:
                    self._answer()
                finally:
                    with gh._lock:
                        gh.in_flight -= 1

            def _answer(self):
                url = urlsplit(self.path)
                if gh._delay:
                    time.sleep(gh._delay)
                status, body, target = gh._page(url.path, parse_qs(url.query))
                failure = gh._failures.get(target) or gh._failures.get("*")
                if failure is None:
                    return self._send(status, body)
                match failure:
                    case "500" | "503" | "404":
                        self._send(int(failure), b"<html><body>error</body></html>")
                    case "429":
                        self._send(429, b"rate limited")
                    case "429-retry-after":
                        self._send(429, b"rate limited", {"Retry-After": "120"})
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
                    case "huge":
                        self._send(200, body + b"<!--" + b"x" * 6_000_000 + b"-->")
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
