"""`make demo`: offline, against the fake GitHub, a week of history in the served app."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from testkit.served import eventually, free_port

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_serves_a_week_of_history_offline_and_stops_with_its_server():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    demo = subprocess.Popen([sys.executable, "scripts/demo.py", "--listen", f"127.0.0.1:{port}"], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        def history():
            try:
                return httpx.get(f"{url}/stats/flux-cli/history", timeout=5).json()["points"]
            except (httpx.HTTPError, ValueError, KeyError):
                return None

        points = eventually(history, 120)
        assert len(points) == 7
        totals = [p["total_downloads"] for p in points]
        assert totals == sorted(totals) and totals[0] < totals[-1]
        assert httpx.get(f"{url}/").status_code == 200
        assert httpx.get(f"{url}/badge/flux-cli.svg").headers["content-type"] == "image/svg+xml"
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(30)
    try:
        httpx.get(f"{url}/livez", timeout=2)
        raise AssertionError("the demo's server outlived it")
    except httpx.HTTPError:
        pass
