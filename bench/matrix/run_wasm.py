"""Runs one WebAssembly cell of the benchmark matrix under wasmtime (PyPI), the host here.

    run_wasm.py KIND ARTIFACT [PAGE] [--repeat N]

KIND says what the artifact is and how it is called:

  module      a WASI preview-1 command module (the WAT Hello World): `_start`
  command     a `wasi:cli/command` component (the Rust and componentize-py Hello Worlds): `run`
  rust-parser the parser component (`ghcr-stats:html/parser`): `parse-package-page(PAGE)`
  py-parser   the componentize-py parser (`bench:matrix/extract`): `parse-package-page(PAGE)`
  none        nothing: start CPython, import wasmtime, make an engine, exit (the host's floor)

ARTIFACT is precompiled (`.cwasm`, made by `Engine.serialize` at build time, as
`wasmtime compile` would) so that a run measures start-up and work, not Cranelift.

Without --repeat the process does the work once, as a user would: Hello Worlds print to the
inherited stdout, parsers print the result as one JSON line. With --repeat N it prints the
result once, then one JSON line of in-process timings in nanoseconds:
`{"instantiate_call_ns": [...], "call_ns": [...]}` (a fresh store and instance for each of
the first N, then N calls on one instance; a command that can run only once per instance
gets an empty `call_ns` and a `call_note`).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time

import wasmtime
from wasmtime import component

PARSER_INTERFACE = {"rust-parser": "ghcr-stats:html/parser@0.1.0", "py-parser": "bench:matrix/extract@0.1.0"}


def main(argv: list[str]) -> int:
    repeat = 0
    if "--repeat" in argv:
        i = argv.index("--repeat")
        repeat = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    kind, *rest = argv
    engine = wasmtime.Engine()
    if kind == "none":
        return 0
    artifact = rest[0]
    if kind == "module":
        cell = ModuleCommand(engine, artifact)
    elif kind == "command":
        cell = ComponentCommand(engine, artifact)
    elif kind in PARSER_INTERFACE:
        with open(rest[1], encoding="utf-8") as f:
            cell = ComponentParser(engine, artifact, PARSER_INTERFACE[kind], f.read())
    else:
        raise SystemExit(f"unknown kind {kind!r}")
    if not repeat:
        return cell.run_once()
    print(json.dumps(cell.time(repeat)))
    return 0


def _ns() -> int:
    return time.perf_counter_ns()


def _wasi_store(engine: wasmtime.Engine, stdout: str | None) -> wasmtime.Store:
    """A store whose WASI stdout is the terminal (None) or the file `stdout`."""
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    if stdout is None:
        wasi.inherit_stdout()
    else:
        wasi.stdout_file = stdout
    store.set_wasi(wasi)
    return store


class ModuleCommand:
    """A preview-1 command module; `_start` prints."""

    def __init__(self, engine: wasmtime.Engine, path: str):
        self.engine = engine
        self.module = wasmtime.Module.deserialize_file(engine, path)
        self.linker = wasmtime.Linker(engine)
        self.linker.define_wasi()

    def instantiate(self, stdout: str | None):
        store = _wasi_store(self.engine, stdout)
        start = self.linker.instantiate(store, self.module).exports(store)["_start"]
        return store, start

    def call(self, store, start) -> int:
        try:
            start(store)
        except wasmtime.ExitTrap as exit_:
            return exit_.code
        return 0

    def run_once(self) -> int:
        return self.call(*self.instantiate(None))

    def time(self, n: int) -> dict:
        return _time_command(self, n)


class ComponentCommand(ModuleCommand):
    """A `wasi:cli/command` component; `wasi:cli/run.run` prints."""

    def __init__(self, engine: wasmtime.Engine, path: str):
        self.engine = engine
        self.component = component.Component.deserialize_file(engine, path)
        self.linker = component.Linker(engine)
        self.linker.add_wasip2()
        run = self.component.get_export_index("wasi:cli/run@0.2.0")
        self.run_index = self.component.get_export_index("run", run)

    def instantiate(self, stdout: str | None):
        store = _wasi_store(self.engine, stdout)
        return store, self.linker.instantiate(store, self.component).get_func(store, self.run_index)

    def call(self, store, run) -> int:
        result = run(store)
        return 0 if getattr(result, "tag", "ok") == "ok" else 1


def _time_command(cell: ModuleCommand, n: int) -> dict:
    """Fresh instance + run, n times; then n runs on one instance (where a second run works).

    The output goes to a file, read back to check that every run printed the greeting."""
    fd, out = tempfile.mkstemp(prefix="hello-", suffix=".txt")
    os.close(fd)
    try:
        first = []
        for _ in range(n):
            t = _ns()
            store, start = cell.instantiate(out)
            cell.call(store, start)
            first.append(_ns() - t)
            _expect_greeting(out, 1)
        store, start = cell.instantiate(out)
        cell.call(store, start)
        again = []
        note = None
        try:
            for _ in range(n):
                t = _ns()
                cell.call(store, start)
                again.append(_ns() - t)
            _expect_greeting(out, n + 1)
        except wasmtime.Trap as trap:
            reason = str(trap).strip().splitlines()[-1].strip().removeprefix("wasm trap: ")
            again, note = [], f"a second `_start` on one instance traps: {reason}"
        del store, start
    finally:
        os.unlink(out)
    sys.stdout.write("Hello, World!\n")
    timings = {"instantiate_call_ns": first, "call_ns": again}
    if note:
        timings["call_note"] = note
    return timings


def _expect_greeting(path: str, times: int) -> None:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text != "Hello, World!\n" * times:
        raise SystemExit(f"unexpected output {text[:80]!r}")


class ComponentParser:
    """A component exporting `parse-package-page: func(html: string) -> result<record, …>`."""

    def __init__(self, engine: wasmtime.Engine, path: str, interface: str, html: str):
        self.engine = engine
        self.html = html
        self.component = component.Component.deserialize_file(engine, path)
        self.linker = component.Linker(engine)
        # The parser component imports nothing; the componentize-py one imports WASI (CPython).
        self.linker.add_wasip2()
        iface = self.component.get_export_index(interface)
        self.index = self.component.get_export_index("parse-package-page", iface)

    def instantiate(self):
        store = wasmtime.Store(self.engine)
        store.set_wasi(wasmtime.WasiConfig())
        return store, self.linker.instantiate(store, self.component).get_func(store, self.index)

    def call(self, store, func) -> dict:
        result = func(store, self.html)
        if isinstance(result, component.Variant):  # an `err`
            raise SystemExit(f"parse error: {result.tag}: {result.payload}")
        return summary(result)

    def run_once(self) -> int:
        print(json.dumps(self.call(*self.instantiate())))
        return 0

    def time(self, n: int) -> dict:
        first = []
        for _ in range(n):
            t = _ns()
            result = self.call(*self.instantiate())
            first.append(_ns() - t)
        store, func = self.instantiate()
        again = []
        for _ in range(n):
            t = _ns()
            self.call(store, func)
            again.append(_ns() - t)
        print(json.dumps(result))
        return {"instantiate_call_ns": first, "call_ns": again}


def summary(page) -> dict:
    """What every parser cell prints: the exact total and the 30-day series."""
    days = getattr(page, "daily-downloads")
    return {"total": getattr(page, "total-downloads"), "days": [[d.date, d.count] for d in days]}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
