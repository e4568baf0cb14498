#!/usr/bin/env python3
"""Hand-made mutations of the parser crate (components/html-parser/src), each a bug the tests
must catch: `make test-rust` (the crate's own tests) and the parser's Python tests against the
component rebuilt with the mutation (`make build/html-parser.wasm`, then pytest on tests/parser). Writes the result to tests/mutation/rust-report.md and exits 1 if a
mutation survives both, 2 if one no longer applies or does not compile.

Each mutation is one exact replacement that must match exactly once, so a refactor that moves
the code makes it fail loudly instead of testing nothing. The source is restored after each
one, whatever happens, and the clean component is rebuilt at the end.

    make mutation-rust        (or: scripts/mutate_rust.py [NAME ...] to run some of them)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Mutated files are named from here: `html-parser/src/…`.
SRC = ROOT / "components"
REPORT = ROOT / "tests/mutation/rust-report.md"
MAKE = os.environ.get("MAKE", "make")
PYTHON_TESTS = ["tests/parser"]
# A mutation that makes a suite loop counts as caught, after this long.
TIMEOUT = 900


@dataclass(frozen=True)
class Mutation:
    name: str
    what: str
    file: str
    old: str
    new: str


MUTATIONS = [
    Mutation(
        "admits-boundary", "a rounded total admits an exact count a whole step away (`<` to `<=`)",
        "html-parser/src/count.rs",
        "self.value.abs_diff(exact) < self.step",
        "self.value.abs_diff(exact) <= self.step",
    ),
    Mutation(
        "next-page-off-by-one", "a listing's next page is taken to be the one after the next",
        "html-parser/src/pagination.rs",
        "if page_number(&href) == Some(current + 1) {",
        "if page_number(&href) == Some(current + 2) {",
    ),
    Mutation(
        "duplicate-bars-allowed", "two chart bars for one day are no longer an error",
        "html-parser/src/package_page.rs",
        "daily.windows(2).find(|w| w[0].date == w[1].date)",
        "daily.windows(2).find(|w| w[0].date == w[1].date && false)",
    ),
    Mutation(
        "chart-depth-off-by-one", "the 30-day chart's svg closes one level off",
        "html-parser/src/package_page.rs",
        "self.chart = if depth == 1 { Chart::Done } else { Chart::In(depth - 1) };",
        "self.chart = if depth == 2 { Chart::Done } else { Chart::In(depth - 1) };",
    ),
    Mutation(
        "chart-label-reset-dropped", "text between the chart's label and an svg no longer unlabels it",
        "html-parser/src/package_page.rs",
        "// Text between the chart's label and an svg: that svg is not the chart.\n            self.chart = Chart::Unseen;",
        "// Text between the chart's label and an svg: that svg is not the chart.",
    ),
    Mutation(
        "chart-date-off-by-one", "a chart bar's date wants its second dash one place late",
        "html-parser/src/package_page.rs",
        "if i == 4 || i == 7 { c == b'-' }",
        "if i == 4 || i == 8 { c == b'-' }",
    ),
    Mutation(
        "total-label-substring", "any text containing \"Total downloads\" counts as the label",
        "html-parser/src/package_page.rs",
        "if text_is(raw, TOTAL_LABEL) {",
        "if raw.contains(TOTAL_LABEL) {",
    ),
    Mutation(
        "label-reference-reject", "a label starting with a character reference is rejected unread",
        "html-parser/src/content.rs",
        "if first != b'&' && !first.eq_ignore_ascii_case(&label.as_bytes()[0]) {",
        "if !first.eq_ignore_ascii_case(&label.as_bytes()[0]) {",
    ),
    Mutation(
        "content-keeps-raw-text", "script and style content reaches the extractors as text",
        "html-parser/src/content.rs",
        "Token::RawText(_) | Token::Comment(_) | Token::Doctype(_) => continue,",
        "Token::RawText(t) => Node::Text(t),\n                Token::Comment(_) | Token::Doctype(_) => continue,",
    ),
    Mutation(
        "template-depth-off-by-one", "the first level of `<template>` content is rendered",
        "html-parser/src/content.rs",
        "if self.template == 0 {",
        "if self.template <= 1 {",
    ),
    Mutation(
        "script-not-raw-text", "the tokenizer reads `<script>` content as markup",
        "html-parser/src/tokenizer.rs",
        '["script", "style",',
        '["scripx", "style",',
    ),
    Mutation(
        "count-overflow-unchecked", "a count past u64::MAX wraps instead of failing",
        "html-parser/src/count.rs",
        "n = n.checked_mul(10).and_then(|n| n.checked_add((c - b'0') as u64)).ok_or(CountError::Overflow)?;",
        "n = n.wrapping_mul(10).wrapping_add((c - b'0') as u64);",
    ),
    Mutation(
        "export-fields-swapped", "the export puts the repository where last-published goes, and back",
        "html-parser/src/component.rs",
        "last_published: page.last_published.map(Cow::into_owned),\n            repository: page.repository.map(Cow::into_owned),",
        "last_published: page.repository.map(Cow::into_owned),\n            repository: page.last_published.map(Cow::into_owned),",
    ),
    Mutation(
        "export-error-case", "`not-found` is exported as `bad-value`",
        "html-parser/src/component.rs",
        "crate::ParseError::NotFound(m) => wit::ParseError::NotFound(m),",
        "crate::ParseError::NotFound(m) => wit::ParseError::BadValue(m),",
    ),
]


def run(argv: list[str]) -> tuple[bool, str]:
    """(passed, the output's last lines); a run past TIMEOUT fails."""
    try:
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, f"timed out after {TIMEOUT} s"
    tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
    return done.returncode == 0, " / ".join(tail)


def check_applies(m: Mutation) -> str:
    n = (SRC / m.file).read_text().count(m.old)
    return "" if n == 1 else f"{m.name}: its text is found {n} times in {m.file}, not once"


def try_mutation(m: Mutation) -> dict:
    path = SRC / m.file
    original = path.read_text()
    try:
        path.write_text(original.replace(m.old, m.new, 1))
        rust_ok, rust_out = run([MAKE, "-s", "test-rust"])
        built, build_out = run([MAKE, "-s", "build/html-parser.wasm"])
        if not built:
            return {"mutation": m, "error": f"does not build: {build_out}"}
        py_ok, py_out = run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *PYTHON_TESTS])
        return {"mutation": m, "rust": not rust_ok, "python": not py_ok, "rust_out": rust_out, "py_out": py_out}
    finally:
        path.write_text(original)


def report(results: list[dict], seconds: float) -> str:
    survived = [r for r in results if "error" not in r and not (r["rust"] or r["python"])]
    errors = [r for r in results if "error" in r]
    lines = [
        "# Mutations of the Rust parser",
        "",
        "The last run of `make mutation-rust` (`scripts/mutate_rust.py`): each mutation of",
        "`components/html-parser/src` against the",
        "crate's tests (`make test-rust`) and the Python tests on the rebuilt component",
        f"(`pytest {' '.join(PYTHON_TESTS)}`).",
        "",
        f"{len(results)} mutations: {len(results) - len(survived) - len(errors)} caught, "
        f"{len(survived)} survived, {len(errors)} did not apply or build; {seconds / 60:.0f} min.",
        "",
        "| mutation | file | what it breaks | cargo test | pytest |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        m = r["mutation"]
        if "error" in r:
            cells = ["error", r["error"].replace("|", "\\|")]
        else:
            cells = ["caught" if r["rust"] else "**missed**", "caught" if r["python"] else "**missed**"]
        lines.append(f"| `{m.name}` | `{m.file}` | {m.what} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines) + "\n"


def main(names: list[str]) -> int:
    chosen = [m for m in MUTATIONS if not names or m.name in names]
    unknown = set(names) - {m.name for m in MUTATIONS}
    problems = [p for p in map(check_applies, chosen) if p] + [f"no mutation named {n}" for n in sorted(unknown)]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    start, results = time.monotonic(), []
    try:
        for m in chosen:
            print(f"{m.name} ({m.file}) ...", end=" ", flush=True)
            r = try_mutation(m)
            results.append(r)
            if "error" in r:
                print(r["error"])
            else:
                print(f"cargo test {'caught' if r['rust'] else 'MISSED'}, pytest {'caught' if r['python'] else 'MISSED'}")
    finally:
        # The source is back as it was; so must the component be.
        rebuilt, out = run([MAKE, "-s", "build/html-parser.wasm"])
        if not rebuilt:
            print(f"rebuilding the clean component failed: {out}", file=sys.stderr)
    if not names:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(report(results, time.monotonic() - start))
        print(f"wrote {REPORT.relative_to(ROOT)}")
    if any("error" in r for r in results) or not rebuilt:
        return 2
    return 1 if any(not (r["rust"] or r["python"]) for r in results) else 0


def interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


if __name__ == "__main__":
    # A `kill` must restore the source too: as an exception, it runs the `finally`s.
    signal.signal(signal.SIGTERM, interrupted)
    sys.exit(main(sys.argv[1:]))
