"""The path SpinKube takes: `make push` into a real OCI registry (on loopback, over plain HTTP),
then Spin serves the pushed image, the parser composed into it, with nothing of this checkout:
what the operator pulls is what was tested. Needs the Spin CLI."""

import os
import shutil
import subprocess
import tomllib

import httpx
import pytest

from testkit import services
from testkit.served import ROOT, Served, engine

pytestmark = pytest.mark.skipif(engine() != "spin", reason="make push and a pushed image: needs Spin (spin on the PATH, GHCR_STATS_ENGINE not wasmtime)")

VERSION = tomllib.loads((ROOT / "spin.toml").read_text())["application"]["version"]


@pytest.fixture(scope="module")
def pushed():
    """The reference of the app as `make push` pushed it (the components as built)."""
    with services.registry() as registry:
        namespace = f"127.0.0.1:{registry.port}/fluxcd"
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        result = subprocess.run(
            [shutil.which("make"), "--no-print-directory", "-C", str(ROOT), "-o", "build", "push", f"REGISTRY={namespace}", "INSECURE=1"],
            env=env, capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        yield f"{namespace}/ghcr-stats:{VERSION}"


def test_the_pushed_image_serves_the_numbers(pushed, upstream, expected):
    with Served({"upstream": upstream.url}, source=pushed) as served:
        r = httpx.get(f"{served.url}/stats/flux-cli")
        assert r.status_code == 200, r.text
        assert r.json()["total_downloads"] == expected[("fluxcd", "flux-cli")].total
        # The parser is in the image: the versions pages parse too.
        versions = httpx.get(f"{served.url}/stats/flux-cli/versions").json()["versions"]
        assert expected[("fluxcd", "flux-cli")].versions
        assert {(v["tag"], v["downloads"]) for v in versions} >= set(expected[("fluxcd", "flux-cli")].versions)
