"""Serves the app as `make run` and the end-to-end tests do: `spin up` where the Spin CLI is
installed, else `wasmtime serve` of build/served.cwasm (the app composed with the parser and
the spin-shim component; see the README, "Without Spin"). `GHCR_STATS_ENGINE=wasmtime` (or
`spin`) chooses instead of the PATH.

`--test-clock` (the end-to-end tests only, after `make build-test`) serves the same app with the
tests' wall clock plugged into it, whose time is what they write under the store's key
`test-clock`: build/test/served.cwasm for wasmtime, and for Spin a copy of spin.toml, written to
<state>/spin-test-clock.toml, whose component is build/test/ghcr-stats.wasm.

    python scripts/serve.py --listen 127.0.0.1:3000 --state .state

Under Spin the store `default` is Spin's SQLite file in <state> unless a runtime config
(`--runtime-config`) puts it elsewhere (Redis, as the chart does); `--from` serves a pushed
image instead of spin.toml. `--collect SECONDS` keeps the schedule beside the server, as the
chart's CronJob does in a cluster: `POST /refresh` every SECONDS while the server lives.

For wasmtime the Spin variables become environment variables that the shim reads: each of the
component's variables from spin.toml, its template filled with the application variables'
defaults, or with `SPIN_VARIABLE_<NAME>` where that is set, as Spin does. The key-value store
`default` is the directory <state>/kv/default. The process replaces itself with the server,
so its pid is the server's.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import sysconfig
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVED = ROOT / "build/served.cwasm"
# `make build-test`'s: the app with the test clock plugged into it, alone (Spin) and composed
# as SERVED is (wasmtime).
TEST_APP = ROOT / "build/test/ghcr-stats.wasm"
TEST_SERVED = ROOT / "build/test/served.cwasm"
WASMTIME = Path(sysconfig.get_paths()["purelib"]) / "wasmtime_cli/wasmtime"
MAX_IN_FLIGHT = 400  # requests wasmtime serve holds at once (each an instance of its own)
# Pool slots one request's instance takes, at most, of each kind: the app (CPython and its
# libraries), the parser and the shim. With wasmtime's default of 1,000 slots, 52 requests fit.
SLOTS_PER_REQUEST = 20
ENGINE = "GHCR_STATS_ENGINE"


def engine(environ: dict[str, str]) -> str:
    """`spin` or `wasmtime`: as `GHCR_STATS_ENGINE` says, else Spin where it is on the PATH."""
    chosen = environ.get(ENGINE) or ("spin" if shutil.which("spin", path=environ.get("PATH")) else "wasmtime")
    if chosen not in ("spin", "wasmtime"):
        raise SystemExit(f"{ENGINE} must be 'spin' or 'wasmtime', not {chosen!r}")
    if chosen == "spin" and not shutil.which("spin", path=environ.get("PATH")):
        raise SystemExit(f"{ENGINE}=spin, but there is no spin on the PATH")
    return chosen


def spin_pool(in_flight: int = MAX_IN_FLIGHT) -> dict[str, str]:
    """Spin's pooling allocator sized for `in_flight` requests (its environment variables; by
    default it takes 1,000 memories, room for about 90 of this app's requests at once)."""
    slots = str(in_flight * SLOTS_PER_REQUEST)
    names = ("INSTANCE_COUNT", "TOTAL_MEMORIES", "TOTAL_TABLES", "TOTAL_STACKS", "TOTAL_CORE_INSTANCES")
    return {f"SPIN_WASMTIME_{name}": slots for name in names}


def spin_command(listen: str, state: Path, runtime_config: Path | None, source: str | None, insecure: bool) -> list[str]:
    cmd = ["spin", "up", "--listen", listen, "--state-dir", str(state)]
    if runtime_config:
        cmd += ["--runtime-config-file", str(runtime_config)]
    if source:
        cmd += ["--from", source] + (["--insecure"] if insecure else [])
    return cmd


def test_clock_manifest(state: Path) -> Path:
    """spin.toml, but for the app with the test clock plugged into it, written into `state`:
    every path made absolute, all else (variables, store, the parser dependency) as shipped."""
    text = (ROOT / "spin.toml").read_text()
    swaps = {
        'source = "build/ghcr-stats.wasm"': f'source = "{TEST_APP}"',
        '{ path = "build/html-parser.wasm" }': f'{{ path = "{ROOT / "build/html-parser.wasm"}" }}',
    }
    for shipped, tested in swaps.items():
        if text.count(shipped) != 1:
            raise SystemExit(f"--test-clock: spin.toml no longer says {shipped} once; scripts/serve.py must follow it")
        text = text.replace(shipped, tested)
    manifest = state / "spin-test-clock.toml"
    manifest.write_text(text)
    return manifest


def component_variables(manifest: dict, environ: dict[str, str]) -> dict[str, str]:
    """The component's variables as Spin resolves them from the manifest and the environment."""
    app = {}
    for name, spec in manifest.get("variables", {}).items():
        override = environ.get(f"SPIN_VARIABLE_{name.upper()}")
        if override is not None:
            app[name] = override
        elif "default" in spec:
            app[name] = spec["default"]
    (component,) = manifest["component"].values()

    def fill(template: str) -> str:
        return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: app[m.group(1)], template)

    return {name: fill(template) for name, template in component.get("variables", {}).items()}


def wasmtime_command(listen: str, state: Path, environ: dict[str, str], in_flight: int = MAX_IN_FLIGHT, served: Path = SERVED) -> list[str]:
    with open(ROOT / "spin.toml", "rb") as f:
        manifest = tomllib.load(f)
    store = state / "kv/default"
    store.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(WASMTIME), "serve", "--addr", listen, "--allow-precompiled",
        # A fresh instance per request (serve's default for WASIp2), from a pool of
        # pre-reserved slots: cheaper to make than mapping memory anew each time. The pool is
        # sized for `in_flight` requests at once; past that wasmtime answers 500 itself.
        "-O", "pooling-allocator=y",
        *[arg for kind in ("core-instances", "component-instances", "memories", "tables")
          for arg in ("-O", f"pooling-total-{kind}={in_flight * SLOTS_PER_REQUEST}")],
        "-S", "cli",
        "--dir", f"{store}::/kv/default",
    ]
    for name, value in component_variables(manifest, environ).items():
        cmd += ["--env", f"SPIN_VARIABLE_{name.upper()}={value}"]
    return cmd + [str(served)]


def built(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(f"--test-clock: {path.relative_to(ROOT)} is missing; `make build-test` builds it")
    return path


def collect_beside(server: int, url: str, every: float) -> None:
    """Fork a process that POSTs `url` every `every` seconds for as long as `server` (this
    process, about to become the server) lives; its first ask comes once the server answers."""
    if os.fork() != 0:
        return
    import time
    import urllib.request

    due = 0.0
    while os.getppid() == server:  # the server gone, this process is another's child
        if time.monotonic() >= due:
            try:
                urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=30).close()
                due = time.monotonic() + every
            except OSError:  # not listening yet, or a refused ask: asked again in a second
                pass
        time.sleep(1)
    os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", default="127.0.0.1:3000")
    parser.add_argument("--state", type=Path, default=ROOT / ".state", help="where the key-value store lives")
    parser.add_argument("--runtime-config", type=Path, help="Spin only: a runtime config file (a Redis store)")
    parser.add_argument("--from", dest="source", help="Spin only: serve this pushed image reference")
    parser.add_argument("--insecure", action="store_true", help="Spin only: pull --from over plain HTTP (a registry on loopback)")
    parser.add_argument("--max-in-flight", type=int, default=MAX_IN_FLIGHT, help="requests held at once (the engine's pool)")
    parser.add_argument("--collect", type=float, metavar="SECONDS", help="POST /refresh every SECONDS (the schedule)")
    parser.add_argument("--test-clock", action="store_true", help="tests only: the app on the clock they write in the store (make build-test)")
    parser.add_argument("--engine", action="store_true", help="print the engine that would serve (spin, wasmtime) and exit")
    args = parser.parse_args()
    if args.engine:
        print(engine(dict(os.environ)))
        return
    if args.test_clock and args.source:
        raise SystemExit("--test-clock serves this checkout's build, not a pushed image (--from)")
    if engine(dict(os.environ)) == "spin":
        source = args.source
        if args.test_clock:
            built(TEST_APP)
            args.state.mkdir(parents=True, exist_ok=True)
            source = str(test_clock_manifest(args.state.resolve()))
        cmd = spin_command(args.listen, args.state.resolve(), args.runtime_config, source, args.insecure)
        os.environ.update({k: v for k, v in spin_pool(args.max_in_flight).items() if k not in os.environ})
    elif args.runtime_config or args.source:
        raise SystemExit("--runtime-config and --from need Spin: wasmtime serves build/served.cwasm with its store in files")
    else:
        print(f"serving with wasmtime serve (no spin on the PATH, or {ENGINE}=wasmtime; see README, 'Without Spin')", file=sys.stderr)
        served = built(TEST_SERVED) if args.test_clock else SERVED
        cmd = wasmtime_command(args.listen, args.state.resolve(), dict(os.environ), args.max_in_flight, served)
    os.chdir(ROOT)
    if args.collect:
        collect_beside(os.getpid(), f"http://{args.listen}/refresh", args.collect)
    os.execv(cmd[0] if os.path.isabs(cmd[0]) else shutil.which(cmd[0]), cmd)


if __name__ == "__main__":
    main()
