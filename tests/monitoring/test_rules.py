"""The Prometheus rules (deploy/prometheus): valid, and right on fixed series."""

import subprocess
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "deploy/prometheus"


def promtool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["promtool", *args], cwd=RULES, capture_output=True, text=True, timeout=120)


def test_rules_are_valid():
    r = promtool("check", "rules", "ghcr-stats.rules.yaml")
    assert r.returncode == 0 and "SUCCESS: 6 rules found" in r.stdout, r.stdout + r.stderr


def test_rules_pass_their_unit_tests():
    r = promtool("test", "rules", "ghcr-stats.rules.test.yaml")
    assert r.returncode == 0, r.stdout + r.stderr
