"""`make bench-service`: requests/s and latency of the app under `wasmtime serve`, beside a
hello-world spin-sdk handler served by the same wasmtime with the same flags, in one run.

Both get a fresh instance per request. The app is served by scripts/serve.py, exactly as
`make run` serves it, against a local stand-in for github.com (tests/fakegithub) that lists the
11 packages of its owner; every package is read once first, so what is measured are cached
answers: the store is read, the upstream is not asked. `wrk` (Debian) makes the load; rounds
interleave hello and app so that a busy machine weighs on both alike, and each figure is the
median over the rounds.

    python -m bench.service.run [--seconds 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from testkit.fakegithub.pages import fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub
from testkit.served import BUILD, Served, free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import serve  # noqa: E402  (scripts/serve.py: the flags `make run` gives wasmtime)
from bench import quiet  # noqa: E402

HELLO = BUILD / "bench/hello-http.cwasm"
PATHS = ["/stats/flux-cli", "/badge/flux-cli.svg", "/metrics", "/"]
CONNECTIONS = [1, 10]


class Hello:
    """The hello-world component under `wasmtime serve`, flags as scripts/serve.py gives them."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = serve.wasmtime_command(f"127.0.0.1:{self.port}", Path(BUILD / "bench/hello-state"), {})
        cmd[-1] = str(HELLO)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(300):
            try:
                httpx.get(self.url, timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the hello-world server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def wrk(url: str, connections: int, seconds: float) -> dict:
    out = subprocess.run(
        ["wrk", "--latency", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{seconds:g}s", url],
        capture_output=True, text=True, check=True,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"errors under load at {url}:\n{out}")

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": ms("50%"), "p99": ms("99%")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing (Debian: apt-get install wrk; `make bench-service` installs it as root)")
    owner_packages = [p for p in fluxcd_catalog() if p.owner == "fluxcd"]
    runs: dict[tuple[str, int], list[dict]] = {}
    with FakeGitHub(owner_packages) as upstream, Served({"upstream": upstream.url}) as app:
        hello = Hello()
        try:
            assert httpx.get(f"{app.url}/stats", timeout=120).json()["package_count"] == len(owner_packages)
            for path in PATHS:  # every answer measured is a cached one
                assert httpx.get(app.url + path, timeout=60).status_code == 200
            upstream.reset_counts()
            load_before = quiet.load()
            for _ in range(args.rounds):
                for c in CONNECTIONS:
                    runs.setdefault(("hello", c), []).append(wrk(hello.url + "/", c, args.seconds))
                    for path in PATHS:
                        runs.setdefault((path, c), []).append(wrk(app.url + path, c, args.seconds))
            assert upstream.count() == 0, "a measured request reached the upstream"
            load_after = quiet.load()
        finally:
            hello.stop()

    def median(key, field):
        return statistics.median(r[field] for r in runs[key])

    # The load before is the machine's; the load after is mostly this run's own (wrk and the
    # server keep both cores busy), so it is printed, not judged.
    print(f"\nwasmtime serve, a fresh instance per request; {args.rounds} rounds of {args.seconds:g} s "
          f"per cell, medians; owner of {len(owner_packages)} packages, all stored")
    print(quiet.said(load_before, load_after))
    print()
    print("| handler | connections | requests/s | p50 ms | p99 ms | ÷ hello-world |")
    print("|---|---|---|---|---|---|")
    for c in CONNECTIONS:
        base = median(("hello", c), "rps")
        for name in ["hello"] + PATHS:
            label = "hello-world" if name == "hello" else f"app `{name}`"
            rps = median((name, c), "rps")
            print(f"| {label} | {c} | {rps:.1f} | {median((name, c), 'p50'):.1f} | "
                  f"{median((name, c), 'p99'):.1f} | {rps / base:.2f}× |")


if __name__ == "__main__":
    main()
