"""The matrix: which program each cell runs, how its output is checked, what its artifact is.

Rows are tasks, columns are ways to run them (the issue's table). The WebAssembly cells run
under wasmtime from PyPI (`run_wasm.py`, the issue's host) and again under a small native host
(`wasm_host.c`, the same libwasmtime driven from C), so that CPython's start-up and conversions
are not mistaken for WebAssembly's cost. A cell whose runtime or tool is missing is kept, with
`missing` saying what to install, never with a guessed figure.
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
    "Rust native",
]
ROWS = {"hello": "Hello World", "parse": "HTML parser"}
WASMTIME_PY, C_HOST = "wasmtime-py", "C host"  # the hosts of a WebAssembly cell
GREETING = "Hello, World!\n"
PY = sys.executable
RUN_WASM = str(art.SRC / "run_wasm.py")
PARSER_INTERFACE = {"rust-parser": "ghcr-stats:html/parser@0.1.0", "py-parser": "bench:matrix/extract@0.1.0"}


@dataclass
class Cell:
    row: str  # a key of ROWS, or "floor" for the wasm host's start-up alone
    column: str
    host: str = ""  # a WebAssembly cell's host: WASMTIME_PY (run_wasm.py) or C_HOST (wasm_host.c)
    argv: list[str] | None = None  # the whole process
    warm: list[str] | None = None  # the same with in-process timing (`--repeat N` appended)
    artifact: Path | None = None
    artifact_kind: str = ""  # binary, module, component, script, extension
    missing: str | None = None  # what is not installed; the cell is then not run
    not_applicable: bool = False
    expected: object = GREETING  # the stdout (hello) or the parsed JSON (parse)

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
    """kind: module or command (Hello Worlds), rust-parser or py-parser (parsers)."""
    component = kind != "module"
    cwasm = str(art.precompiled(wasm, component=component))
    extra = [_page()] if row == "parse" else []
    if host == C_HOST:
        c_kind = ["parse", PARSER_INTERFACE[kind]] if row == "parse" else [kind]
        argv = [str(art.wasm_host()), *c_kind, cwasm, *extra]
        warm = argv if row == "parse" else None  # a Hello World's warm figure is the same library's
    else:
        argv = warm = [PY, RUN_WASM, kind, cwasm, *extra]
    return Cell(row, column, host, argv, warm, wasm, "component" if component else "module")


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
BUILDERS = {
    (H, "native C", ""): lambda: _binary(H, "native C", art.hello_c()),
    (H, "CPython", ""): lambda: Cell(H, "CPython", argv=[PY, "-c", 'print("Hello, World!")']),
    (H, "Ruby", ""): lambda: Cell(H, "Ruby", argv=_ruby("-e", 'puts "Hello, World!"')),
    (H, "Rust → wasm", WASMTIME_PY): lambda: _wasm(H, "Rust → wasm", "module", art.hello_rs()),
    (H, "Rust → wasm", C_HOST): lambda: _wasm(H, "Rust → wasm", "module", art.hello_rs(), C_HOST),
    (H, "WAT → wasm", WASMTIME_PY): lambda: _wasm(H, "WAT → wasm", "module", art.hello_wat()),
    (H, "WAT → wasm", C_HOST): lambda: _wasm(H, "WAT → wasm", "module", art.hello_wat(), C_HOST),
    (H, WASM_PY, WASMTIME_PY): lambda: _wasm(H, WASM_PY, "command", art.hello_py()),
    (H, WASM_PY, C_HOST): lambda: _wasm(H, WASM_PY, "command", art.hello_py(), C_HOST),
    (H, "Rust native", ""): lambda: _binary(H, "Rust native", art.hello_rs_native()),
    (P, "native C", ""): _parse_lexbor,
    (P, "CPython", ""): lambda: _script("CPython", [PY, str(art.SRC / "parse_stdlib.py"), _page()], art.SRC / "parse_stdlib.py"),
    (P, "Ruby", ""): _parse_ruby,
    (P, "Rust → wasm", WASMTIME_PY): lambda: _wasm(P, "Rust → wasm", "rust-parser", art.parser_component()),
    (P, "Rust → wasm", C_HOST): lambda: _wasm(P, "Rust → wasm", "rust-parser", art.parser_component(), C_HOST),
    (P, "WAT → wasm", ""): lambda: Cell(P, "WAT → wasm", not_applicable=True),
    (P, WASM_PY, WASMTIME_PY): lambda: _wasm(P, WASM_PY, "py-parser", art.py_parser()),
    (P, WASM_PY, C_HOST): lambda: _wasm(P, WASM_PY, "py-parser", art.py_parser(), C_HOST),
    (P, "Rust native", ""): lambda: _binary(P, "Rust native", art.parse_rs(), _page()),
    # CPython starting, importing wasmtime and making an engine: in every wasmtime-py process figure.
    ("floor", "wasmtime-py host", ""): lambda: Cell("floor", "wasmtime-py host", argv=[PY, RUN_WASM, "none"]),
}


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
