"""A real Prometheus (Debian's) scrapes the served app every second, with the project's rules
loaded; its answers are checked against the app's own JSON, and every query of the Grafana
dashboard is run against it."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from testkit.served import free_port

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy/prometheus/ghcr-stats.rules.yaml"
DASHBOARD = ROOT / "deploy/grafana/ghcr-stats.json"
BROKEN = {"flux-manifests": ("500", "upstream-status"), "source-watcher": ("garbage", "parse-wrong-page")}


class Prometheus:
    def __init__(self, target: str):
        self.dir = Path(tempfile.mkdtemp(prefix="ghcr-stats-prometheus-"))
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(RULES)],
            "scrape_configs": [{"job_name": "ghcr-stats", "static_configs": [{"targets": [target]}]}],
        }
        (self.dir / "prometheus.yml").write_text(json.dumps(config))  # YAML is a superset of JSON
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = open(self.dir / "log", "w")
        self.proc = subprocess.Popen(
            ["prometheus", f"--config.file={self.dir / 'prometheus.yml'}", f"--storage.tsdb.path={self.dir / 'data'}",
             f"--web.listen-address={self.url.removeprefix('http://')}"],
            stdout=self.log, stderr=subprocess.STDOUT,
        )

    def query(self, expr: str) -> list[dict]:
        r = httpx.get(f"{self.url}/api/v1/query", params={"query": expr}, timeout=10)
        r.raise_for_status()
        return r.json()["data"]["result"]

    def wait_for(self, expr: str, count: int, timeout: float = 60) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (self.dir / "log").read_text()
            try:
                if len(found := self.query(expr)) >= count:
                    return found
            except httpx.HTTPError:
                pass  # not listening yet, or listening but not ready (503)
            time.sleep(0.5)
        raise AssertionError(f"{expr}: fewer than {count} series after {timeout} s")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def app(served):
    """One client for the module, over a store that the `owner` fixture fills once (and no test
    after), so that Prometheus scrapes numbers that no longer change."""
    served.clear_store()
    with httpx.Client(base_url=served.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def owner(app, served, upstream) -> dict:
    """/stats once with two packages failing (one upstream error, one page that does not parse),
    then healed: every package stored, every failure counted, nothing changing any more. From
    an empty store: a test that ran first (/metrics reads the owner too) may have filled it."""
    served.clear_store()
    for name, (mode, _) in BROKEN.items():
        upstream.fail(name, mode)
    assert sorted(e["package"] for e in app.get("/stats").json()["errors"]) == sorted(BROKEN)
    upstream.heal()
    body = app.get("/stats").json()
    assert body["errors"] == []
    return body


@pytest.fixture(scope="module")
def prometheus(app, owner):
    p = Prometheus(str(app.base_url.netloc.decode()))
    try:
        p.wait_for('ghcr_stats_downloads_total{job="ghcr-stats"}', owner["package_count"])
        p.wait_for("owner_package:ghcr_stats_downloads:increase1d", owner["package_count"])  # two scrapes, a rule run
        yield p
    finally:
        p.stop()


def by_package(result: list[dict]) -> dict[str, float]:
    return {r["metric"]["package"]: float(r["value"][1]) for r in result}


def test_prometheus_scrapes_the_app(prometheus):
    assert [float(r["value"][1]) for r in prometheus.query('up{job="ghcr-stats"}')] == [1.0]


def test_totals_30_day_sums_and_last_success_are_the_jsons(prometheus, owner):
    totals = by_package(prometheus.query('ghcr_stats_downloads_total{owner="fluxcd"}'))
    recent = by_package(prometheus.query('ghcr_stats_recent_downloads{owner="fluxcd"}'))
    success = by_package(prometheus.query('ghcr_stats_last_success_timestamp_seconds{owner="fluxcd"}'))
    packages = {p["package"]: p for p in owner["packages"]}
    assert set(totals) == set(recent) == set(success) == set(packages)
    for name, p in packages.items():
        assert totals[name] == p["total_downloads"]
        assert recent[name] == p["last_30_days_total"]
        assert time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(success[name]))) == p["fetched_at"]
    assert sum(totals.values()) == owner["total_downloads"]


def test_failure_counters_by_reason_are_the_apps(prometheus, app):
    exposed = {
        (s.labels["package"], s.labels["reason"]): s.value
        for f in text_string_to_metric_families(app.get("/metrics").text)
        for s in f.samples
        if s.name == "ghcr_stats_fetch_failures_total"
    }
    scraped = {
        (r["metric"]["package"], r["metric"]["reason"]): float(r["value"][1])
        for r in prometheus.query("ghcr_stats_fetch_failures_total")
    }
    assert scraped == exposed
    # Each broken package failed its one read, under its one reason; nothing else failed.
    assert scraped == {(name, reason): 1.0 for name, (_, reason) in BROKEN.items()}


def test_labels_are_the_documented_ones(prometheus):
    documented = {
        "ghcr_stats_downloads_total": {"owner", "package"},
        "ghcr_stats_downloads_exact": {"owner", "package"},
        "ghcr_stats_downloads_fell": {"owner", "package"},
        "ghcr_stats_recent_downloads": {"owner", "package"},
        "ghcr_stats_last_success_timestamp_seconds": {"owner", "package"},
        "ghcr_stats_fetch_failures_total": {"owner", "package", "reason"},
    }
    readme = (ROOT / "README.md").read_text()
    for name, labels in documented.items():
        assert f"`{name}`" in readme
        for r in prometheus.query(name):
            assert set(r["metric"]) - {"__name__", "job", "instance"} == labels, r["metric"]


def test_the_exposition_passes_promtool(app):
    r = subprocess.run(["promtool", "check", "metrics"], input=app.get("/metrics").text, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def dashboard_queries() -> list[tuple[str, str]]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [(p["title"], t["expr"]) for p in panels for t in p["targets"]]


@pytest.mark.parametrize("title, expr", dashboard_queries(), ids=[t for t, _ in dashboard_queries()])
def test_every_dashboard_query_returns_data(prometheus, title, expr):
    # What Grafana puts in for the dashboard's variables and its rate interval.
    expr = expr.replace("$owner", "fluxcd").replace("$__rate_interval", "1m")
    assert prometheus.query(expr), f"{title}: {expr} returned nothing"


def test_the_dashboards_owner_variable_finds_the_owner(prometheus):
    variable = next(v for v in json.loads(DASHBOARD.read_text())["templating"]["list"] if v["name"] == "owner")
    assert variable["definition"] == "label_values(ghcr_stats_downloads_total, owner)"
    r = httpx.get(f"{prometheus.url}/api/v1/label/owner/values", params={"match[]": "ghcr_stats_downloads_total"})
    assert r.json()["data"] == ["fluxcd"]
