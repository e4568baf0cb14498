"""`make demo`: the app, served as `make run` serves it, against the fake GitHub the tests use
(Flux's packages, with realistic numbers), with a week of history: the dashboard, badges and
API in one command, without the internet.

    python scripts/demo.py [--listen 127.0.0.1:3000]

The store is a temporary directory, gone when the demo stops (Ctrl-C); nothing reaches github.com.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from testkit.fakegithub.pages import fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub
from testkit.parser import WasmtimeParser
from testkit.seed import seed
from testkit.served import store_of

ROOT = Path(__file__).resolve().parent.parent
DAYS = 7


def week(daily: list[tuple[str, int]], total: int) -> list[int]:
    """The totals at the end of each of the last DAYS days, today's `total` last."""
    counts = [n for _, n in daily]
    return [total - sum(counts[len(counts) - back:]) for back in range(DAYS - 1, -1, -1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", default="127.0.0.1:3000")
    args = parser.parse_args()
    packages = fluxcd_catalog()
    with FakeGitHub(packages) as upstream, tempfile.TemporaryDirectory(prefix="ghcr-stats-demo-") as state:
        print(f"demo: the fake GitHub at {upstream.url}; a week of history for {len(packages)} packages", file=sys.stderr)
        seed(store_of(Path(state)), upstream, WasmtimeParser(), time.time(), {p.name: week(p.daily, p.total) for p in packages})
        print(f"demo: serving http://{args.listen}/ (Ctrl-C stops it)", file=sys.stderr)
        env = {**os.environ, "SPIN_VARIABLE_UPSTREAM": upstream.url}
        server = subprocess.Popen([sys.executable, str(ROOT / "scripts/serve.py"), "--listen", args.listen, "--state", state], env=env)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped like Ctrl-C: the server with it
        try:
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
