"""`make push REGISTRY=…` wraps `spin registry push`, and says clearly what is missing where Spin is not."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib

import pytest

from tests.chart.chartlib import ROOT

MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")
VERSION = tomllib.loads((ROOT / "spin.toml").read_text())["application"]["version"]


@pytest.fixture
def bin_dir(tmp_path):
    """A PATH with the few tools the Makefile needs at parse time, and no `spin`."""
    d = tmp_path / "bin"
    d.mkdir()
    for tool in ("make", "python3", "sed", "head"):
        found = shutil.which(tool)
        if found:
            (d / tool).symlink_to(found)
    return d


def make(bin_dir, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "REGISTRY")}
    env["PATH"] = str(bin_dir)
    return subprocess.run(
        [MAKE, "--no-print-directory", "-C", str(ROOT), *args],
        env=env, capture_output=True, text=True, timeout=60,
    )


def test_push_without_spin_says_what_is_missing(bin_dir):
    result = make(bin_dir, "push", "REGISTRY=registry.example/fluxcd")
    assert result.returncode != 0
    assert "the Spin CLI ('spin') is not installed here" in result.stderr
    assert "https://spinframework.dev/install" in result.stderr
    assert "Nothing was built or pushed" in result.stderr
    assert "spin registry push" not in result.stdout


def fake_spin(bin_dir):
    log = bin_dir.parent / "spin.log"
    spin = bin_dir / "spin"
    spin.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\n')
    spin.chmod(0o755)
    return log


def test_push_without_registry_says_how_to_set_it(bin_dir):
    log = fake_spin(bin_dir)
    result = make(bin_dir, "push")
    assert result.returncode != 0
    assert f"set REGISTRY, e.g. make push REGISTRY=ghcr.io/fluxcd (pushes ghcr.io/fluxcd/ghcr-stats:{VERSION})" in result.stderr
    assert not log.exists()


def test_push_runs_spin_registry_push(bin_dir):
    log = fake_spin(bin_dir)
    # `-o build`: take the components as built; this test is about the push, not the build.
    result = make(bin_dir, "-o", "build", "push", "REGISTRY=registry.example/fluxcd")
    assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == [f"registry push registry.example/fluxcd/ghcr-stats:{VERSION}"]
