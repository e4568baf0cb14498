import json

from ghcr_stats.store import SCHEMA, Measurement, Store
from tests.pyhost import DictKV


def measurement(total: int, at: float, package: str = "flux-cli") -> Measurement:
    return Measurement("fluxcd", package, total, True, "1K", [("2026-11-01", 3)], "http://x/p", at)


def test_record_keeps_latest_and_bounded_history():
    store = Store(DictKV(), history_limit=3)
    for i in range(5):
        store.record(measurement(1000 + i, float(i)))
    assert store.latest("fluxcd", "flux-cli").total == 1004
    assert store.history("fluxcd", "flux-cli") == [(2.0, 1002), (3.0, 1003), (4.0, 1004)]
    assert store.index() == ["fluxcd/flux-cli"]


def test_values_carry_their_schema_and_another_schema_reads_as_absent():
    kv = DictKV()
    store = Store(kv, history_limit=10)
    store.record(measurement(5, 1.0))
    stored = json.loads(kv["latest:fluxcd/flux-cli"])
    assert stored["schema"] == SCHEMA and stored["value"]["total"] == 5
    kv["latest:fluxcd/flux-cli"] = json.dumps({"schema": SCHEMA + 1, "value": {}}).encode()
    kv["history:fluxcd/flux-cli"] = b"not json"
    fresh = Store(kv, history_limit=10)
    assert fresh.latest("fluxcd", "flux-cli") is None
    assert fresh.history("fluxcd", "flux-cli") == []


def test_a_failure_is_counted_and_touches_nothing_else():
    store = Store(DictKV(), history_limit=10)
    store.record(measurement(7, 1.0))
    store.note_failure("fluxcd", "flux-cli", "upstream answered 500", 2.0)
    store.note_failure("fluxcd", "flux-cli", "timed out", 3.0)
    f = store.failures("fluxcd", "flux-cli")
    assert (f.count, f.last_reason, f.last_at) == (2, "timed out", 3.0)
    assert store.latest("fluxcd", "flux-cli").total == 7
    assert store.history("fluxcd", "flux-cli") == [(1.0, 7)]


def test_failures_of_never_measured_packages_are_indexed_for_metrics():
    store = Store(DictKV(), history_limit=10)
    store.note_failure("fluxcd", "ghost", "500", 1.0)
    assert store.index() == ["fluxcd/ghost"]


def test_a_falling_exact_total_is_kept_and_flagged():
    store = Store(DictKV(), history_limit=10)
    assert store.record(measurement(950, 1.0)).total_fell is False
    kept = store.record(measurement(10, 2.0))
    assert kept.total_fell is True and store.latest("fluxcd", "flux-cli") == kept
    assert store.history("fluxcd", "flux-cli") == [(1.0, 950), (2.0, 10, True)]
    assert store.record(measurement(960, 3.0)).total_fell is False
