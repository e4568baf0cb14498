"""Serve the built app on 127.0.0.1 with exactly what `make run` launches (scripts/serve.py):
`spin up` where the Spin CLI is installed, else `wasmtime serve` of the composed component
(`GHCR_STATS_ENGINE` chooses). Each server is a process of its own, with a state directory of
its own unless given one, stopped with its whole process group."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from ghcr_stats import keys
from testkit.shim import ShimKV
from testkit.stores import RedisKV, SqliteKV

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
sys.path.insert(0, str(ROOT / "scripts"))
import serve  # noqa: E402  (scripts/serve.py: which engine, and how it is started)

# Where the test clock (components/test-clock) reads the time: seconds since the epoch, as text.
CLOCK_KEY = "test-clock"


def engine() -> str:
    """The engine the served app runs on: `spin` or `wasmtime`."""
    return serve.engine(dict(os.environ))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def store_of(state: Path, redis: str | None = None):
    """The store `default` of an app served with `state` as its state directory, as the engine
    keeps it (see testkit.stores)."""
    if redis:
        return RedisKV(redis)
    if engine() == "spin":
        return SqliteKV(state)
    return ShimKV(state / "kv/default")


class Served:
    """The app, served with `variables` overriding spin.toml's defaults, keeping its key-value
    store in `state` (a new temporary directory unless given: pass one to serve it again).

    With `clock`, the app is served with the test clock plugged into its wall-clock import
    (`serve.py --test-clock`, built by `make build-test`), so that its time is the one this
    object keeps in the store (`set_clock`, `advance`): the whole second of the first start in
    `state`, standing still until a test moves it, so that no test waits for time to pass.
    Without it, the app is served as it ships and its time is the host's, whatever the store holds.
    """

    def __init__(
        self,
        variables: dict[str, str],
        *,
        state: Path | None = None,
        clock: bool = False,
        redis: str | None = None,
        source: str | None = None,
        collect: float | None = None,
    ):
        """`redis` (a URL; Spin only) keeps the store there, as the chart's runtime config does;
        `source` (Spin only) serves that pushed image instead of spin.toml, pulled over plain
        HTTP (the tests' registries are on loopback); `collect` keeps the schedule beside the
        server, as `make run` does (`POST /refresh` every so many seconds)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._own_state = state is None
        self.state = state or Path(tempfile.mkdtemp(prefix="ghcr-stats-state-"))
        self.store = store_of(self.state, redis)
        extra = []
        if redis:
            config = self.state / "runtime-config.toml"
            config.write_text(f'[key_value_store.default]\ntype = "redis"\nurl = "{redis}"\n')
            extra += ["--runtime-config", str(config)]
        if source:
            extra += ["--from", source, "--insecure"]
        if collect:
            extra += ["--collect", str(collect)]
        if clock:
            extra += ["--test-clock"]
            if self.store.get(CLOCK_KEY) is None:
                # A whole second: the app reads it through nanoseconds, exact for whole and
                # binary fractions of seconds, not for every float.
                self.set_clock(int(time.time()))
        env = {**os.environ, **{f"SPIN_VARIABLE_{k.upper()}": v for k, v in variables.items()}}
        self.log = tempfile.NamedTemporaryFile(prefix="ghcr-stats-host-", suffix=".log", delete=False)
        cmd = [sys.executable, str(ROOT / "scripts/serve.py"), "--listen", f"127.0.0.1:{self.port}", "--state", str(self.state), *extra]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}:\n{self.output()}")
            try:
                httpx.get(f"{self.url}/healthz", timeout=2)  # any answer: the app is being served
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server not ready after {timeout} s:\n{self.output()}")

    def now(self) -> float:
        return float(self.store.get(CLOCK_KEY))

    def set_clock(self, now: float) -> None:
        self.store.set(CLOCK_KEY, repr(float(now)).encode())

    def advance(self, seconds: float) -> None:
        self.set_clock(self.now() + seconds)

    def settled(self, key: str) -> None:
        """Until the refresh of `key` (`package:fluxcd/flux-cli`) left behind an answer is over:
        its lease, claimed as the answer was made, given back."""
        eventually(lambda: self.store.get(keys.lease(key)) is None)

    def clear_store(self) -> None:
        """Forget everything the app keeps (the clock stays where it is): as if never asked."""
        for key in self.store.get_keys():
            if key != CLOCK_KEY:
                self.store.delete(key)

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        os.unlink(self.log.name)
        if self._own_state:
            shutil.rmtree(self.state, ignore_errors=True)

    def __enter__(self) -> "Served":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def eventually(check, seconds: float = 15.0):
    """`check()`'s first truthy result, polled: what a served app does behind a response (a
    refresh) happens after the client has it. Fails, with the last result, after `seconds`."""
    deadline = time.monotonic() + seconds
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not so within {seconds} s: last {result!r}")
        time.sleep(0.05)
    return result
