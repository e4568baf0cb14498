"""`make bench-parser`: the parser component against the same extraction done other ways.

One extraction, the one the app needs from a package page: the exact total and the
30-day series. Done by

* the Rust component under wasmtime-py, one instance reused (what the tests and tools use);
* the same component with a fresh instance per call (what Spin does per request);
* the same component called from another component under the wasmtime CLI, a Rust host as
  Spin is (`bench/matrix/parse-cli`, timing each call inside: the page copied in, the parse,
  the records copied back), without wasmtime-py's conversion of every value to Python;
* the same crate compiled natively (`components/html-parser/examples/bench.rs`, timed
  inside the process, so no start-up);
* CPython's `html.parser`, and selectolax (lexbor, C), each with a straightforward
  extractor written for them below (same rules: the h3 after "Total downloads", the rects
  of the labelled chart).

Pages come from testkit/fakegithub: a realistic ~300 KB page with half its filler (embedded
app data, scripts, icons) ahead of the package content, a ~3 MB one, and for linearity
1x/4x/16x pages with all filler ahead of the content, so every reader must get past it.

`python bench/parser.py --smoke` runs every extractor once and checks they agree (the
tests run `smoke()`); no timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import quiet  # noqa: E402
from testkit.parser import DEFAULT_PATH, WasmtimeParser  # noqa: E402
from ghcr_stats.model import ParseError  # noqa: E402
from testkit.fakegithub import pages as P  # noqa: E402

CRATE = ROOT / "components" / "html-parser"
TARGET = ROOT / "target"  # the Cargo workspace's
CORE = TARGET / "wasm32-unknown-unknown" / "release" / "ghcr_html_parser.wasm"
TOTAL, CHART = "Total downloads", P.CHART_LABEL

Extracted = tuple[int, list[tuple[str, int]]]


# --- the extractors ------------------------------------------------------------------------


def component_extractor(parser: WasmtimeParser) -> Callable[[str], Extracted]:
    def extract(html: str) -> Extracted:
        page = parser.parse_package_page(html)
        return page.total_downloads, [(d.date, d.count) for d in page.daily_downloads]

    return extract


class _Stdlib(HTMLParser):
    """The extraction on `html.parser` (scripts and styles are raw text there already)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.template = 0
        self.want_h3 = self.want_svg = False
        self.svg_depth = 0
        self.chart_done = False
        self.total: int | None = None
        self.daily: list[tuple[str, int]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "template":
            self.template += 1
        if self.template:
            return
        a = dict(attrs)
        if self.svg_depth:
            if tag == "svg":
                self.svg_depth += 1
            elif tag == "rect" and "data-date" in a:
                self.daily.append((a["data-date"], int(a["data-merge-count"])))
            return
        labelled = a.get("aria-label") == CHART
        if tag == "svg" and not self.chart_done and (labelled or self.want_svg):
            self.svg_depth, self.want_svg = 1, False
        elif labelled:
            self.want_svg = True
        if tag == "h3" and self.want_h3:
            self.want_h3 = False
            self.total = int(a["title"].replace(",", ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("svg", "template"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "template":
            self.template = max(0, self.template - 1)
        elif self.svg_depth and tag == "svg" and not self.template:
            self.svg_depth -= 1
            self.chart_done = not self.svg_depth

    def handle_data(self, data):
        if self.template or self.svg_depth or not data.strip():
            return
        text = " ".join(data.split())
        self.want_h3 = text == TOTAL and self.total is None
        self.want_svg = text == CHART and not self.chart_done


def stdlib_extract(html: str) -> Extracted:
    p = _Stdlib()
    p.feed(html)
    p.close()
    return p.total, sorted(p.daily)


def lexbor_extract(html: str) -> Extracted:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)

    def prev_element(node):
        node = node.prev
        while node is not None and node.tag in ("-text", "-comment") and not (node.text() or "").strip():
            node = node.prev
        return node

    total = None
    for h3 in tree.css("h3[title]"):
        label = prev_element(h3)
        if label is not None and " ".join(label.text().split()) == TOTAL:
            total = int(h3.attributes["title"].replace(",", ""))
            break
    svg = tree.css_first(f'svg[aria-label="{CHART}"]') or tree.css_first(f'[aria-label="{CHART}"] svg')
    if svg is None:
        for candidate in tree.css("svg"):
            label = prev_element(candidate)
            if label is not None and " ".join(label.text().split()) == CHART:
                svg = candidate
                break
    daily = sorted((r.attributes["data-date"], int(r.attributes["data-merge-count"])) for r in svg.css("rect[data-date]")) if svg else []
    return total, daily


def build_native() -> Path:
    """The crate's `bench` example, built for the host with the project's Rust toolchain."""
    env = dict(os.environ)
    for kv in subprocess.run([str(ROOT / "scripts" / "rust-toolchain.sh")], capture_output=True, text=True, check=True).stdout.split():
        k, _, v = kv.partition("=")
        env[k] = v
    subprocess.run([env.get("CARGO", "cargo"), "build", "--locked", "--release", "--quiet", "--example", "bench"], cwd=CRATE, env=env, check=True)
    return TARGET / "release" / "examples" / "bench"


def native_run(binary: Path, html: str, iterations: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".html", encoding="utf-8", delete=False) as f:
        f.write(html)
    try:
        out = subprocess.run([str(binary), "package", f.name, str(iterations)], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    return json.loads(out)


def rust_host_run(html: str, repeat: int) -> dict:
    """`parse-cli PAGE --repeat N` under the wasmtime CLI: the values, and N calls' nanoseconds."""
    from bench.matrix import artifacts

    with tempfile.TemporaryDirectory() as d:
        Path(d, "page.html").write_text(html, encoding="utf-8")
        argv = [str(artifacts.wasmtime_cli()), "run", "--dir", f"{d}::/page", str(artifacts.parse_cli()), "/page/page.html", "--repeat", str(repeat)]
        lines = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.splitlines()
    return {**json.loads(lines[0]), **json.loads(lines[1])}


def rust_host_extract(html: str) -> Extracted:
    r = rust_host_run(html, 1)
    return r["total"], [tuple(d) for d in r["days"]]


def rust_host_per_call(html: str, calls: int = 400) -> float:
    """Seconds per call: the fastest of three medians of `calls` calls (one instance each run)."""
    return min(statistics.median_high(rust_host_run(html, calls)["call_ns"]) for _ in range(3)) * 1e-9


def native_extract(binary: Path) -> Callable[[str], Extracted]:
    def extract(html: str) -> Extracted:
        r = native_run(binary, html, 1)
        return r["total"], [tuple(d) for d in r["daily"]]

    return extract


# --- pages and timing -----------------------------------------------------------------------

PKG = P.fluxcd_catalog()[1]  # source-controller: a total beyond 2**32


def realistic_page() -> str:
    return P.package_page(PKG, seed=1, filler_before=0.5)


def page_of(kb: int, before: float) -> str:
    return P.package_page(PKG, seed=1, noise_kb=max(0, kb - 20), filler_before=before)


def per_call(fn: Callable[[str], object], html: str, budget: float = 0.6) -> float:
    """Seconds per call: best of three rounds, each about `budget`/3 long."""
    fn(html)
    t = time.perf_counter()
    fn(html)
    once = max(time.perf_counter() - t, 1e-6)
    n = max(1, int(budget / 3 / once))
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(n):
            fn(html)
        best = min(best, (time.perf_counter() - t) / n)
    return best


def native_per_call(binary: Path, html: str, budget: float = 0.6) -> float:
    first = native_run(binary, html, 3)["ns_per_iter"] * 1e-9
    n = max(3, int(budget / 3 / max(first, 1e-7)))
    return min(native_run(binary, html, n)["ns_per_iter"] for _ in range(3)) * 1e-9


# --- the run ----------------------------------------------------------------------------------


def extractors(native: Path) -> dict[str, Callable[[str], Extracted]]:
    return {
        "component (wasmtime-py, instance reused)": component_extractor(WasmtimeParser()),
        "component (wasmtime-py, fresh instance/call)": component_extractor(WasmtimeParser.fresh()),
        "component (wasmtime CLI, Rust host)": rust_host_extract,
        "same crate, native": native_extract(native),
        "selectolax (lexbor)": lexbor_extract,
        "CPython html.parser": stdlib_extract,
    }


def _swallow(fn, html):
    try:
        fn(html)
    except ParseError:
        pass


def smoke() -> dict[str, Extracted]:
    """Every extractor once on the realistic page; raises unless all give the package's values."""
    html = realistic_page()
    want = (PKG.total, PKG.daily)
    got = {name: fn(html) for name, fn in extractors(build_native()).items()}
    for name, value in got.items():
        if value != want:
            raise AssertionError(f"{name}: {value[0]} / {value[1][:2]}... differs from {want[0]} / {want[1][:2]}...")
    return got


def run() -> None:
    before = quiet.load()
    native = build_native()
    found = extractors(native)
    pages = {"realistic page": realistic_page(), "~3 MB page": page_of(3000, 0.5)}
    comp_bytes, core_bytes = DEFAULT_PATH.stat().st_size, CORE.stat().st_size
    print(f"parser component {DEFAULT_PATH.relative_to(ROOT)}: {comp_bytes:,} bytes ({comp_bytes / 1024:.1f} KiB); core module {core_bytes:,} bytes\n")
    ratios: dict[str, float] = {}
    for label, html in pages.items():
        mb = len(html) / 1e6
        times: dict[str, float] = {}
        for name, fn in found.items():
            if name == "same crate, native":
                times[name] = native_per_call(native, html)
            elif name == "component (wasmtime CLI, Rust host)":
                times[name] = rust_host_per_call(html)
            else:
                times[name] = per_call(fn, html, budget=0.3 if "fresh" in name or "html.parser" in name else 0.6)
        base = times["component (wasmtime-py, instance reused)"]
        print(f"{label}: {len(html):,} bytes, total and 30-day series")
        print(f"  {'extractor':46} {'per page':>11} {'MB/s':>9} {'time / component':>17}")
        for name, t in times.items():
            print(f"  {name:46} {t * 1e3:8.3f} ms {mb / t:9.1f} {t / base:16.2f}x")
        print()
        if label == "realistic page":
            ratios = {k: v / base for k, v in times.items()}
            # Where the component's time goes, outside the parse itself.
            reused = WasmtimeParser()
            encode = per_call(lambda h: h.encode("utf-8"), html)
            empty = per_call(lambda h: _swallow(reused.parse_listing_page, h), "")
            plain = per_call(lambda h: _swallow(reused.parse_listing_page, h), "x" * len(html.encode()))
            print(f"  component host side: str.encode {encode * 1e3:.3f} ms; a call on an empty page {empty * 1e3:.3f} ms;")
            print(f"    a call on {len(html.encode()):,} bytes of plain text (copy into wasm + one scan) {plain * 1e3:.3f} ms\n")

    print("linearity (all filler ahead of the content: every reader scans the whole page)")
    base_kb = len(pages["realistic page"]) // 1024
    comp = found["component (wasmtime-py, instance reused)"]
    print(f"  {'size':>10} {'component ms':>13} {'MB/s':>8} {'native ms':>10} {'MB/s':>8} {'lexbor ms':>10} {'MB/s':>8}")
    for k in (1, 4, 16):
        html = page_of(base_kb * k, 1.0)
        mb = len(html) / 1e6
        c, n, lx = per_call(comp, html, 0.4), native_per_call(native, html, 0.4), per_call(lexbor_extract, html, 0.4)
        print(f"  {len(html) / 1e6:8.2f}MB {c * 1e3:13.3f} {mb / c:8.1f} {n * 1e3:10.3f} {mb / n:8.1f} {lx * 1e3:10.3f} {mb / lx:8.1f}")

    print("\ntargets (realistic page: the component with its instance reused, under wasmtime-py / a Rust host)")
    host = ratios["component (wasmtime CLI, Rust host)"]
    for what, of in (("3x faster than selectolax:  ", 3), ("50x faster than html.parser:", 50)):
        r = ratios["selectolax (lexbor)" if of == 3 else "CPython html.parser"]
        print(f"  >= {what} {r:6.1f}x {'met' if r >= of else 'NOT met'} / {r / host:6.1f}x {'met' if r / host >= of else 'NOT met'}")
    print(f"  component < 100 KB:             {comp_bytes / 1024:6.1f} KiB  {'met' if comp_bytes < 100 * 1024 else 'NOT met'}")
    print("\n" + quiet.said(before, quiet.load()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="run every extractor once and check they agree")
    args = ap.parse_args(argv)
    if args.smoke:
        for name, (total, daily) in smoke().items():
            print(f"{name}: total {total}, {len(daily)} days")
        return 0
    run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
