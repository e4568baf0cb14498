"""Runs one browser cell of the benchmark matrix in headless Chromium (Debian's).

    run_browser.py hello WASM [--repeat N]
    run_browser.py parser PARSER_JS_DIR PAGE [--repeat N]

Serves a page of `browser/` (hello.html or parser.html) and what it loads on 127.0.0.1 (a
port the system picks), starts Chromium on it with a throw-away profile, and waits for the
page to POST its result and timings to /result; then stops Chromium. WASM is the origin's
Hello World (`hello-browser.wat`, by wat2wasm); PARSER_JS_DIR is the parser component
transpiled by jco (`parser.js` and `parser.core.wasm`); PAGE the package page to parse.

Every response carries the cross-origin isolation headers, so that performance.now() has
Chromium's finer resolution (5 µs, not 100 µs). The page's console is read from Chromium's log
(`--enable-logging=stderr`): the Hello World must have printed "Hello, World!" there once.

Output as `run_wasm.py`'s: without --repeat the Hello World prints what the page's console
showed and the parser its result as one JSON line; with --repeat N that, then one JSON line of
in-page timings in nanoseconds, `{"instantiate_call_ns": [...], "call_ns": [...]}`.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "browser"
TIMEOUT_S = 120
# Hello World: each in-page sample is the mean of this many runs (a run is microseconds; the
# clock's resolution is 5 µs). The parser takes about a millisecond a call: one call a sample.
BATCH = {"hello": 100, "parser": 1}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--enable-logging=stderr", "--v=0"]
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm"}


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def main(argv: list[str]) -> int:
    repeat = 0
    if "--repeat" in argv:
        i = argv.index("--repeat")
        repeat = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    kind, *rest = argv
    if kind == "hello":
        files = {"/hello.html": PAGES / "hello.html", "/hello.wasm": Path(rest[0])}
    elif kind == "parser":
        js = Path(rest[0])
        files = {"/parser.html": PAGES / "parser.html", "/page.html": Path(rest[1])}
        files.update({f"/parser/{p.name}": p for p in js.iterdir() if p.is_file()})
    else:
        raise SystemExit(f"unknown kind {kind!r}")
    result, console = run_page(f"/{kind}.html?repeat={repeat}&batch={BATCH[kind]}", files)
    if "error" in result:
        raise SystemExit(f"the page failed: {result['error']}")
    if kind == "hello":
        shown = [line for line in console if line == "Hello, World!"]
        if len(shown) != 1:
            raise SystemExit(f"the page's console showed {console[:5]!r}, not one 'Hello, World!'")
        sys.stdout.write("Hello, World!\n")
    else:
        page = result["result"]
        print(json.dumps({"total": int(page["total"]), "days": page["days"]}))
    if repeat:
        print(json.dumps({k: result[k] for k in ("instantiate_call_ns", "call_ns")}))
    return 0


def run_page(path: str, files: dict[str, Path]) -> tuple[dict, list[str]]:
    """Serves `files`, opens `path` in headless Chromium; returns the POSTed JSON and the console."""
    browser = chromium()
    if not browser:
        raise SystemExit("chromium is not installed (Debian: apt-get install chromium)")
    posted: list[dict] = []
    done = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            file = files.get(self.path.split("?", 1)[0])
            if file is None:
                self.send_error(404)
                return
            body = file.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", TYPES.get(file.suffix, "text/plain; charset=utf-8"))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.end_headers()
            if self.path == "/result" and not done.is_set():
                posted.append(json.loads(body))
                done.set()

        def end_headers(self):
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
            super().end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
    url = f"http://127.0.0.1:{server.server_port}{path}"
    proc = subprocess.Popen([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", url],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                            start_new_session=True)
    try:
        if not done.wait(TIMEOUT_S):
            log.seek(0)
            raise SystemExit(f"no result from {url} in {TIMEOUT_S} s (chromium exit {proc.poll()}):\n{log.read()[-2000:]}")
        console = []
        deadline = time.monotonic() + 5  # the console line reaches the log about when the POST does
        while time.monotonic() < deadline:
            log.seek(0)
            console = _console(log.read())
            if console or "error" in posted[0]:
                break
            time.sleep(0.05)
        return posted[0], console
    finally:
        _stop(proc)
        server.shutdown()
        server.server_close()
        shutil.rmtree(profile, ignore_errors=True)


# [pid:tid:date:INFO:CONSOLE:1] "Hello, World!", source: http://127.0.0.1:…/hello.html (1)
_CONSOLE = re.compile(r':CONSOLE[^\]]*\] "(.*)", source: ')


def _console(log: str) -> list[str]:
    return [m.group(1) for m in _CONSOLE.finditer(log)]


def _stop(proc: subprocess.Popen) -> None:
    """Chromium and its helper processes: the process group it leads."""
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
