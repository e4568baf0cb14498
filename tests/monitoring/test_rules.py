"""The Prometheus rules (deploy/prometheus): valid, and right on fixed series."""

import concurrent.futures
import subprocess
from pathlib import Path

import yaml

RULES = Path(__file__).resolve().parents[2] / "deploy/prometheus"


def promtool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["promtool", *args], cwd=RULES, capture_output=True, text=True, timeout=120)


def test_rules_are_valid():
    r = promtool("check", "rules", "ghcr-stats.rules.yaml")
    assert r.returncode == 0 and "SUCCESS: 6 rules found" in r.stdout, r.stdout + r.stderr


def test_rules_pass_their_unit_tests():
    r = promtool("test", "rules", "ghcr-stats.rules.test.yaml")
    assert r.returncode == 0, r.stdout + r.stderr


# Rules as someone might change them by mistake, each of which the unit tests must catch: every
# threshold moved or made inclusive, every `for:` shortened or lengthened, a failure counted once
# per reason (or per field), a filter on the reason dropped, the 2-hour window or offset changed.
def nth(text: str, old: str, new: str, n: int) -> str:
    """`text` with the n-th (0-based) occurrence of `old` made `new`."""
    parts = text.split(old)
    assert len(parts) > n + 1, (old, n)
    return old.join(parts[: n + 1]) + new + old.join(parts[n + 1 :])


NO_READ, UPSTREAM, CHANGED, LOST = "GhcrStatsNoSuccessfulRead", "GhcrStatsUpstreamFailing", "GhcrStatsPageChanged", "GhcrStatsPageFieldLost"
RECENT = (UPSTREAM, CHANGED)  # the alerts made of the recording rule `recent2h`

# (what, the alerts it changes, old, new, which occurrence of old)
MISTAKES = [
    ("no read: at the threshold", [NO_READ], "> 6 * 3600", ">= 6 * 3600", 0),
    ("no read: 5 hours", [NO_READ], "> 6 * 3600", "> 5 * 3600", 0),
    ("no read: 7 hours", [NO_READ], "> 6 * 3600", "> 7 * 3600", 0),
    ("no read: for 9m", [NO_READ], "for: 10m", "for: 9m", 0),
    ("no read: for 11m", [NO_READ], "for: 10m", "for: 11m", 0),
    ("upstream: half fires", [UPSTREAM], "> 0.5\n        for: 30m", ">= 0.5\n        for: 30m", 0),
    ("upstream: 0.55", [UPSTREAM], "> 0.5\n        for: 30m", "> 0.55\n        for: 30m", 0),
    ("upstream: 0.45", [UPSTREAM], "> 0.5\n        for: 30m", "> 0.45\n        for: 30m", 0),
    ("upstream: for 29m", [UPSTREAM], "for: 30m", "for: 29m", 0),
    ("upstream: for 31m", [UPSTREAM], "for: 30m", "for: 31m", 0),
    ("upstream: by reason", [UPSTREAM], "count by (owner, package) (owner_package_reason:ghcr_stats_fetch_failures:recent2h{reason!~", "count by (owner, package, reason) (owner_package_reason:ghcr_stats_fetch_failures:recent2h{reason!~", 0),
    ("upstream: parse errors too", [UPSTREAM], '{reason!~"parse-.*"}', "", 0),
    ("page changed: half fires", [CHANGED], "> 0.5\n        for: 15m", ">= 0.5\n        for: 15m", 0),
    ("page changed: 0.55", [CHANGED], "> 0.5\n        for: 15m", "> 0.55\n        for: 15m", 0),
    ("page changed: for 14m", [CHANGED], "for: 15m", "for: 14m", 0),
    ("page changed: for 16m", [CHANGED], "for: 15m", "for: 16m", 0),
    ("page changed: by reason", [CHANGED], "count by (owner, package) (owner_package_reason:ghcr_stats_fetch_failures:recent2h{reason=~", "count by (owner, package, reason) (owner_package_reason:ghcr_stats_fetch_failures:recent2h{reason=~", 0),
    ("page changed: any reason", [CHANGED], '{reason=~"parse-.*"}', "", 0),
    ("field lost: half fires", [LOST], "> 0.5\n        for: 30m", ">= 0.5\n        for: 30m", 1),
    ("field lost: 0.55", [LOST], "> 0.5\n        for: 30m", "> 0.55\n        for: 30m", 1),
    ("field lost: for 29m", [LOST], "for: 30m", "for: 29m", 1),
    ("field lost: for 31m", [LOST], "for: 30m", "for: 31m", 1),
    ("field lost: any field", [LOST], "count by (owner, field) (ghcr_stats_parse_warnings > 0)", "count by (owner) (ghcr_stats_parse_warnings > 0)", 0),
    ("field lost: a warning of 0", [LOST], "ghcr_stats_parse_warnings > 0", "ghcr_stats_parse_warnings >= 0", 0),
    ("recent: 1h", RECENT, "[2h]", "[1h]", 0),
    ("recent: 3h", RECENT, "[2h]", "[3h]", 0),
    ("recent: offset 1h", RECENT, "offset 2h", "offset 1h", 0),
    ("recent: offset 3h", RECENT, "offset 2h", "offset 3h", 0),
]


def test_each_mistake_in_the_rules_fails_their_unit_tests(tmp_path):
    """Each mistake against the groups written to catch them (marked `tests: thresholds`) that
    test its alerts, two at a time: every group for every mistake would take a minute."""
    rules = (RULES / "ghcr-stats.rules.yaml").read_text()
    tests = yaml.safe_load((RULES / "ghcr-stats.rules.test.yaml").read_text())

    def run(mistake) -> str | None:
        what, alerts, old, new, n = mistake
        where = tmp_path / what.replace(" ", "-").replace(":", "")
        where.mkdir()
        (where / "ghcr-stats.rules.yaml").write_text(nth(rules, old, new, n))
        groups = [
            g for g in tests["tests"]
            if g.get("external_labels") == {"tests": "thresholds"} and {t["alertname"] for t in g["alert_rule_test"]} & set(alerts)
        ]
        assert groups, what
        (where / "test.yaml").write_text(yaml.safe_dump({**tests, "tests": groups}))
        r = subprocess.run(["promtool", "test", "rules", "test.yaml"], cwd=where, capture_output=True, text=True, timeout=120)
        return None if r.returncode == 1 and "FAILED" in r.stdout + r.stderr else what

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        unnoticed = [what for what in pool.map(run, MISTAKES) if what]
    assert unnoticed == [], "the rules' tests still pass with these mistakes"
