"""bench/matrix/results.md: the machine, date and versions, the matrix as the issue lays it out, and
one detail table per task with median, min and max and the ratio to CPython."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import re
import shutil
import subprocess
import sys

from . import artifacts as art
from .cells import BROWSER, CLI, CLI_CWASM, COLUMNS, ROWS, WASMTIME_PY, Cell
from .timing import Figures, Summary


def _cmd(argv: list[str]) -> str | None:
    if not shutil.which(argv[0]) and not os.path.exists(argv[0]):
        return None
    done = subprocess.run(argv, capture_output=True, text=True)
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else None


def _pkg(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> list[tuple[str, str]]:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or "?"
    mem = ""
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        mem = f", {pages * size / 2**30:.0f} GiB RAM"
    except (ValueError, OSError):
        pass
    os_name = platform.platform()
    try:
        with open("/etc/os-release") as f:
            os_name = dict(line.rstrip().split("=", 1) for line in f if "=" in line).get("PRETTY_NAME", os_name).strip('"')
    except OSError:
        pass
    return [
        ("date", dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("machine", f"{cpu}, {os.cpu_count()} cores{mem}, {platform.machine()}"),
        ("system", f"{os_name}, Linux {platform.release()}"),
    ]


def versions() -> list[tuple[str, str]]:
    def rust(env: dict) -> str:
        return _cmd([env["RUSTC"], "-V"]) or "?"

    try:
        native = rust(art.native_rust())
    except art.Missing:
        native = "not installed"
    try:
        env, target = art._wasi_rust()
        wasi = f"{rust(env)} ({target})"
    except art.Missing:
        wasi = "not installed"
    ruby = _cmd(["ruby", "-e", "print RUBY_VERSION"]) or "not installed"
    nokogiri = _cmd(["ruby", "-rnokogiri", "-e", "print Nokogiri::VERSION, ' (gumbo ', Nokogiri::VERSION_INFO.dig('other_libraries', 'libgumbo'), ')'"])
    return [
        ("gcc", _cmd(["gcc", "-dumpfullversion"]) or "not installed"),
        ("CPython", f"{platform.python_version()} ({sys.executable})"),
        ("Ruby", ruby),
        ("Nokogiri", nokogiri or "not installed"),
        ("selectolax (lexbor)", _pkg("selectolax")),
        ("Rust (native)", native),
        ("Rust (wasm)", wasi),
        ("wat2wasm (wabt)", _cmd(["wat2wasm", "--version"]) or "not installed (wasmtime's WAT parser used)"),
        ("componentize-py", _pkg("componentize-py")),
        ("wasmtime CLI", _tool(art.wasmtime_cli, "--version")),
        ("wasmtime-py", _pkg("wasmtime")),
        ("wasm-tools", _tool(art._wasm_tools, "--version")),
        ("jco", _tool(art.jco, "--version")),
        ("Chromium", _tool(art.chromium, "--version")),
    ]


def _tool(find, *args: str) -> str:
    """The version a tool prints (its first line, less the tool's own name), or "not installed"."""
    try:
        line = _cmd([str(find()), *args]) or "?"
    except art.Missing:
        return "not installed"
    match = re.search(r"\d+\.\d+\S*.*", line)
    return match.group(0) if match else line


# --- formatting ---------------------------------------------------------------------------------


def ms(ns: float) -> str:
    v = ns / 1e6
    if v >= 100:
        return f"{v:.0f} ms"
    if v >= 10:
        return f"{v:.1f} ms"
    if v >= 0.1:
        return f"{v:.2f} ms"
    return f"{v * 1000:.1f} µs"


def spread(s: Summary | None) -> str:
    return f"{ms(s.median)} ({ms(s.min)} – {ms(s.max)})" if s else "–"


def ratio(s: Summary | None, base: Summary | None) -> str:
    """The median's ratio to the base's, to two significant digits (×0.0048, ×0.13, ×2.5, ×44)."""
    if not s or not base:
        return "–"
    r = s.median / base.median
    return f"×{r:.0f}" if r >= 10 else f"×{r:.2g}"


def size(cell: Cell) -> str:
    if not cell.artifact or not cell.artifact.exists():
        return "–"
    n = cell.artifact.stat().st_size
    human = f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} B"
    return f"{human} {cell.artifact_kind}"


def summaries(f: Figures | None) -> tuple[Summary | None, Summary | None, Summary | None]:
    if f is None:
        return None, None, None
    return Summary.of(f.process_ns), Summary.of(f.instantiate_call_ns), Summary.of(f.call_ns)


WHAT = {
    ("hello", "native C"): "gcc -O2, `puts`",
    ("hello", "CPython"): "`python3 -c 'print(…)'`",
    ("hello", "Ruby"): "`ruby -e 'puts …'`",
    ("hello", "Rust → wasm"): "`writeln!` to stdout in a `wasi:cli/command` component (wasip2 bindings)",
    ("hello", "WAT → wasm"): "hand-written WAT, WASI `fd_write`, wat2wasm",
    ("hello", COLUMNS[5]): "`print()` in a `wasi:cli/command` component",
    ("hello", "Rust native"): "the same crate, x86-64",
    ("parse", "native C"): "lexbor (C) via selectolax; the process includes CPython",
    ("parse", "CPython"): "`html.parser` (pure Python)",
    ("parse", "Ruby"): "Nokogiri::HTML5 (gumbo, C) under Ruby",
    ("parse", "Rust → wasm"): "our parser component (`build/html-parser.wasm`)",
    ("parse", COLUMNS[5]): "the same `html.parser` code inside a component",
    ("parse", "Rust native"): "our parser crate, x86-64",
    ("hello", BROWSER): "the origin's WAT (imports `console.log`, `js.mem`), wat2wasm; in the page",
    ("parse", BROWSER): "our parser component, transpiled by jco; in the page",
}

# What the wasmtime CLI runs where it is not the artifact itself: commands around the parsers.
CLI_WHAT = {
    "Rust → wasm": "our parser component composed with `parse-cli/`, a command that reads the page and calls it",
    COLUMNS[5]: "the same `html.parser` code in a `wasi:cli/command` component",
}


class _Row:
    """One task's cells with their summaries, and CPython's as the base of the ratios."""

    def __init__(self, row: str, cells: list[Cell], figures: dict[int, Figures]):
        self.items = [(c, figures.get(i)) for i, c in enumerate(cells) if c.row == row]
        base = next(f for c, f in self.items if c.column == "CPython")
        self.base_process, _, self.base_call = summaries(base)

    def column(self, column: str) -> list[tuple[Cell, Figures | None]]:
        return [(c, f) for c, f in self.items if c.column == column]


def _what(cell: Cell) -> str:
    base = CLI_WHAT[cell.column] if cell.row == "parse" and cell.host == CLI else WHAT[(cell.row, cell.column)]
    if cell.host == CLI:
        return f"{base}: `wasmtime run`"
    if cell.host == CLI_CWASM:
        return "the same, `wasmtime compile` first, then `wasmtime run --allow-precompiled` of the `.cwasm`"
    if cell.host == WASMTIME_PY:
        if cell.row == "parse":
            return "the component (exports `parse-package-page`) in CPython: wasmtime-py, `run_wasm.py`"
        return "the same in CPython: wasmtime-py, `run_wasm.py`"
    return base


def _matrix_cell(items: list[tuple[Cell, Figures | None]], row: _Row) -> str:
    """The issue's table cell: process (× CPython), the work in a warm host, the artifact."""
    cell = items[0][0]
    if cell.not_applicable:
        return "–"
    if cell.missing:
        return "not installed (" + cell.missing.split(" (")[0] + ")"
    processes, work = [], []
    for c, fig in items:
        if not c.runnable:
            continue
        proc, inst, call = summaries(fig)
        by = f" {c.host}" if c.host else ""
        if proc:
            processes.append(f"**{ms(proc.median)}** {ratio(proc, row.base_process)}{by}")
        where = "in page: " if c.in_page else "warm: "
        if c.row == "parse" and call:
            work.append(f"{'in page: ' if c.in_page else ''}parse {ms(call.median)} {ratio(call, row.base_call)}{by}")
        elif inst:
            work.append(f"{where}instantiate + run {ms(inst.median)}{by if not c.in_page else ''}")
    artifact = [size(cell)] if cell.artifact else []
    return "<br>".join(processes + work + artifact)


def _process(cell: Cell, proc: Summary | None) -> str:
    return "– (a page in a running browser: timed inside)" if cell.in_page else spread(proc)


def _hello_table(row: _Row) -> list[str]:
    out = ["| | what runs | process: median (min – max) | × CPython | warm: instantiate + run | warm: run again | artifact |",
           "|---|---|---|---|---|---|---|"]
    for cell, fig in row.items:
        if cell.missing:
            out.append(f"| {cell.name} | {_what(cell)} | not installed: {cell.missing} | | | | |")
            continue
        proc, inst, call = summaries(fig)
        again = spread(call) if call else (f"– ({fig.call_note})" if fig.call_note else "–")
        out.append(f"| {cell.name} | {_what(cell)} | {_process(cell, proc)} | {ratio(proc, row.base_process)} "
                   f"| {spread(inst)} | {again} | {size(cell)} |")
    return out


def _parse_table(row: _Row) -> list[str]:
    out = ["| | what runs | process: median (min – max) | × CPython | warm: instantiate + call "
           "| warm: call (the parse) | × CPython | artifact |",
           "|---|---|---|---|---|---|---|---|"]
    for cell, fig in row.items:
        if cell.not_applicable:
            continue
        if cell.missing:
            out.append(f"| {cell.name} | {_what(cell)} | not installed: {cell.missing} | | | | | |")
            continue
        proc, inst, call = summaries(fig)
        out.append(f"| {cell.name} | {_what(cell)} | {_process(cell, proc)} | {ratio(proc, row.base_process)} "
                   f"| {spread(inst)} | {spread(call)} | {ratio(call, row.base_call)} | {size(cell)} |")
    return out


def load() -> str:
    """The load average (1, 5, 15 min): other work on the machine while it measured."""
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def markdown(cells: list[Cell], figures: dict[int, Figures], *, rounds: int, warm_rounds: int, repeat: int,
             page_bytes: int, chart: str | None, load_before: str = "?") -> str:
    rows = {key: _Row(key, cells, figures) for key in ROWS}
    out = ["# Benchmark matrix: Hello World and HTML parsing", ""]
    out.append("Written by `make bench` (`python -m bench.matrix.run`); do not edit by hand. "
               "What each figure includes: [bench/README.md](README.md).")
    out.append("")
    out += [f"- **{k}**: {v}" for k, v in machine()]
    out.append(f"- **runs**: {rounds} interleaved rounds of whole processes; {warm_rounds} interleaved rounds "
               f"of {repeat} in-process repetitions for the warm figures; parser input: a {page_bytes / 1024:.0f} KB "
               f"package page")
    out.append(f"- **load average** (1 / 5 / 15 min): {load_before} before, {load()} after")
    out.append("- **versions**: " + "; ".join(f"{k} {v}" for k, v in versions()))
    out.append("")

    out.append("## The matrix")
    out.append("")
    out.append("Per cell: the whole process, start to exit (median, and × its ratio to CPython's); the work "
               "alone in a warm host (median); the artifact. WebAssembly runs under the `wasmtime` CLI "
               "(`wasmtime run` of the `.wasm`, and of the `.cwasm` that `wasmtime compile` made) and under "
               "wasmtime-py in CPython; the browser column in headless Chromium, timed inside the page. "
               "Min and max are in the tables below.")
    out.append("")
    out.append("| | " + " | ".join(COLUMNS) + " |")
    out.append("|---" * (len(COLUMNS) + 1) + "|")
    for key, title in ROWS.items():
        line = [f"**{title}**"] + [_matrix_cell(rows[key].column(col), rows[key]) for col in COLUMNS]
        out.append("| " + " | ".join(line) + " |")
    out.append("")
    floor = next((Summary.of(figures[i].process_ns) for i, c in enumerate(cells) if c.row == "floor" and i in figures), None)
    notes = ["`wasmtime run` uses wasmtime's compilation cache (on by default; every process ran once untimed "
             "before the rounds, so the cache is filled, as it is for anyone after their first run); "
             "`wasmtime run .cwasm` loads what `wasmtime compile` made, with no cache look-up. The parser rows "
             "under the CLI run commands: `wasmtime run` runs commands, and `--invoke` cannot carry the page "
             "(one argument is limited to 128 KB on Linux); their warm figure is the call timed inside the "
             "command (`wasi:clocks`), with wasmtime copying the page between the two components' memories."]
    if floor:
        notes.append(f"A wasmtime-py process is `python run_wasm.py …`: CPython starting, `import wasmtime` and an "
                     f"engine alone take {spread(floor)} here, in every such figure; its modules are precompiled "
                     f"(`Engine.serialize`).")
    notes.append("The browser cells are pages served on 127.0.0.1 to headless Chromium, timed with "
                 "`performance.now()` (cross-origin isolated: 5 µs resolution); a Hello World sample is the mean "
                 "of 100 runs, a parser sample one call. \"instantiate + run\" there is a fresh "
                 "`WebAssembly.Instance` (and, for the Hello World, its fresh `js.mem`) from a module compiled "
                 "once. Chromium's start-up is not in any figure.")
    for note in notes:
        out += [note, ""]
    if chart:
        out.append(f"![The matrix as a chart: time per cell, log scale]({chart})")
        out.append("")
    out += ["## Hello World", ""] + _hello_table(rows["hello"]) + [""]
    out += ["## HTML parser", ""] + _parse_table(rows["parse"]) + [""]
    return "\n".join(out)
