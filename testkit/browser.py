"""Headless Chromium (Debian's), as the end-to-end tests and `make screenshots` run it: no
network of its own, a throwaway profile each time."""

from __future__ import annotations

import shutil
import subprocess
import tempfile

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def chromium(*args: str) -> str:
    """Runs Chromium with `args` after the common flags; what it printed."""
    assert CHROMIUM, "Chromium is missing: `make test` installs Debian's chromium (as root)"
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                             capture_output=True, text=True, timeout=120, check=True)
    return out.stdout
