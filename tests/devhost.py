"""Serve the built components on 127.0.0.1, as `make run` does: `spin up` where the Spin CLI
is installed, else the jco dev host (host/serve.mjs). Each server is a process of its own,
stopped with its whole process group."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """The app, served with `variables` overriding spin.toml's defaults."""

    def __init__(self, variables: dict[str, str], *, reuse_instance: bool = False):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **{f"SPIN_VARIABLE_{k.upper()}": v for k, v in variables.items()}}
        listen = f"127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="ghcr-stats-host-", suffix=".log", delete=False)
        if shutil.which("spin"):
            self.runtime = "spin"
            state = tempfile.mkdtemp(prefix="ghcr-stats-spin-")
            cmd = ["spin", "up", "--listen", listen, "--state-dir", state]
        else:
            self.runtime = "devhost"
            cmd = [
                "node", str(ROOT / "host/serve.mjs"),
                "--app", str(BUILD / "app-js/app.js"),
                "--parser", str(BUILD / "parser-js/parser.js"),
                "--variables", str(BUILD / "variables.json"),
                "--listen", listen,
            ] + (["--reuse-instance"] if reuse_instance else [])
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

    def __enter__(self) -> "Served":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
