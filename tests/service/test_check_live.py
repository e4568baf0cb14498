"""`make check-live`'s script, run against the local stand-in for github.com."""

import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from testkit.fakegithub.pages import fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def upstream():
    catalog = fluxcd_catalog()
    catalog[1] = replace(catalog[1], repository=None)  # a page that lost a field
    catalog[2] = replace(catalog[2], last_published="Nov 19, 2026, 3:04 PM UTC")  # one the parser cannot read
    with FakeGitHub(catalog) as gh:
        yield gh


def check_live(upstream, package: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/check_live.py", package, "--upstream", upstream.url],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60,
    )


def test_every_field_read_exits_0_and_prints_them(upstream):
    pkg = fluxcd_catalog()[0]
    r = check_live(upstream, f"fluxcd/{pkg.name}")
    assert r.returncode == 0, r.stderr
    fields = dict(line.split(None, 1) for line in r.stdout.splitlines())
    assert fields["total_downloads"] == str(pkg.total)
    assert fields["repository"] == pkg.repository
    assert fields["url"] == f"{upstream.url}/{pkg.repository}/pkgs/container/{pkg.name}"  # through the redirect
    assert fields["daily_downloads"].startswith("30 days")
    assert "MISSING" not in r.stdout


def test_a_missing_field_is_named_and_exits_1(upstream):
    r = check_live(upstream, f"fluxcd/{fluxcd_catalog()[1].name}")
    assert r.returncode == 1
    assert re.search(r"^ *repository  MISSING$", r.stdout, re.M)
    assert "missing: repository" in r.stderr


def test_a_value_the_parser_left_out_is_printed_with_why_and_exits_1(upstream):
    pkg = fluxcd_catalog()[2]
    r = check_live(upstream, f"fluxcd/{pkg.name}")
    assert r.returncode == 1
    fields = dict(line.split(None, 1) for line in r.stdout.splitlines())
    assert fields["total_downloads"] == str(pkg.total) and fields["last_published"] == "MISSING"
    assert re.search(r'^ *warning  last-published: "Nov 19, 2026, 3:04 PM UTC" is not an ISO 8601 instant', r.stdout, re.M)
    assert "not read: last-published" in r.stderr


def test_an_unreadable_package_exits_2(upstream):
    r = check_live(upstream, "fluxcd/no-such-package")
    assert r.returncode == 2 and "not-found" in r.stderr
