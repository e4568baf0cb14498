"""The services a SpinKube deployment has beside the app, run on loopback for the tests that need
them: one Redis (Debian's `redis-server`) as the replicas' shared key-value store, and an OCI
registry (Debian's `docker-registry`, the CNCF distribution server) that `make push` pushes to.
Each on a free port, with its data in a temporary directory, stopped with the test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from testkit.served import free_port


class Service:
    """A server process on 127.0.0.1:`port`, ready once the port accepts connections."""

    def __init__(self, cmd: list[str], port: int, workdir: Path) -> None:
        self.port = port
        self.dir = workdir
        self.log = open(workdir / "service.log", "wb")
        self.proc = subprocess.Popen(cmd, cwd=workdir, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited {self.proc.returncode}: {(workdir / 'service.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{cmd[0]} not listening on {port} after 20 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def redis() -> Service:
    """`redis-server` with nothing saved to disk; its URL is `redis_url(service)`."""
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="ghcr-stats-redis-"))
    return Service(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"], port, workdir)


def redis_url(service: Service) -> str:
    return f"redis://127.0.0.1:{service.port}"


def registry() -> Service:
    """An OCI registry over plain HTTP (so Spin pushes and pulls with `--insecure`)."""
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="ghcr-stats-registry-"))
    (workdir / "config.yml").write_text(
        "version: 0.1\n"
        "log:\n  level: warn\n"
        f"storage:\n  filesystem:\n    rootdirectory: {workdir / 'data'}\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
    )
    return Service(["docker-registry", "serve", str(workdir / "config.yml")], port, workdir)
