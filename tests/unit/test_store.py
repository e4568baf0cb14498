import json
from dataclasses import replace

from ghcr_stats.model import Backoff, DailyCount, Measurement, PackagePage, PackageRef, Point, TaggedVersion
from ghcr_stats.store import SCHEMA, Store

MISSING_LIMIT = 256  # docs/operations.md: 404s "kept in one map of at most 256 names"
from testkit.cpython import DictKV


def measurement(total: int, at: float, package: str = "flux-cli") -> Measurement:
    return Measurement("fluxcd", package, PackagePage(total, True, "1K", [DailyCount("2026-11-01", 3)]), "http://x/p", at)


def test_record_keeps_latest_and_bounded_history():
    store = Store(DictKV(), history_limit=3)
    for i in range(5):
        store.record(measurement(1000 + i, float(i)))
    assert store.latest(PackageRef("fluxcd", "flux-cli")).page.total_downloads == 1004
    assert store.history(PackageRef("fluxcd", "flux-cli")) == [Point(2.0, 1002), Point(3.0, 1003), Point(4.0, 1004)]
    assert [str(r) for r in store.index()] == ["fluxcd/flux-cli"]


def test_values_carry_their_schema_and_another_schema_reads_as_absent():
    kv = DictKV()
    store = Store(kv, history_limit=10)
    store.record(measurement(5, 1.0))
    stored = json.loads(kv["latest:fluxcd/flux-cli"])
    assert stored["schema"] == SCHEMA and stored["value"]["page"]["total_downloads"] == 5
    kv["latest:fluxcd/flux-cli"] = json.dumps({"schema": SCHEMA + 1, "value": {}}).encode()
    kv["history:fluxcd/flux-cli"] = b"not json"
    fresh = Store(kv, history_limit=10)
    assert fresh.latest(PackageRef("fluxcd", "flux-cli")) is None
    assert fresh.history(PackageRef("fluxcd", "flux-cli")) == []


def test_a_failure_is_counted_and_touches_nothing_else():
    store = Store(DictKV(), history_limit=10)
    store.record(measurement(7, 1.0))
    store.note_failure(PackageRef("fluxcd", "flux-cli"), "upstream-status")
    store.note_failure(PackageRef("fluxcd", "flux-cli"), "upstream-unreachable")
    store.note_failure(PackageRef("fluxcd", "flux-cli"), "upstream-status")
    f = store.failures(PackageRef("fluxcd", "flux-cli"))
    assert f.by_reason == {"upstream-status": 2, "upstream-unreachable": 1} and f.count == 3
    assert store.latest(PackageRef("fluxcd", "flux-cli")).page.total_downloads == 7
    assert store.history(PackageRef("fluxcd", "flux-cli")) == [Point(1.0, 7)]


def test_failures_of_never_measured_packages_are_indexed_for_metrics():
    store = Store(DictKV(), history_limit=10)
    store.note_failure(PackageRef("fluxcd", "ghost"), "upstream-status")
    assert [str(r) for r in store.index()] == ["fluxcd/ghost"]


def test_failures_counted_before_reasons_were_kept_still_count():
    kv = DictKV()
    kv["failures:fluxcd/flux-cli"] = json.dumps({"schema": SCHEMA, "value": {"count": 4, "last_reason": "x", "last_at": 1.0}}).encode()
    assert Store(kv, history_limit=10).failures(PackageRef("fluxcd", "flux-cli")).by_reason == {"unknown": 4}


def test_every_field_round_trips():
    kv = DictKV()
    page = PackagePage(5, True, "5", [DailyCount("2026-07-28", 1)], "2026-07-29T00:36:30-07:00", "fluxcd/flux2", "v2",
                       [TaggedVersion(7, ["latest", "v2"], 2), TaggedVersion(6, ["v1"], 0)])
    m = Measurement("fluxcd", "flux-cli", page, "http://x/p", 1.0)
    Store(kv, history_limit=10).record(m)
    assert Store(kv, history_limit=10).latest(PackageRef("fluxcd", "flux-cli")) == m


def test_values_stored_before_the_page_was_kept_whole_still_read():
    kv = DictKV()
    # Schema 1 as first written: the page's fields beside owner and url, under other names, and
    # later additions (the latest version's downloads, the recent versions) absent.
    flat = {"owner": "fluxcd", "package": "flux-cli", "total": 5, "exact": True, "display": "5",
            "daily": [["2026-07-28", 1]], "url": "http://x/p", "fetched_at": 1.0, "repository": "fluxcd/flux2",
            "latest_version": "v2", "last_published": "2026-07-29T07:36:30Z"}
    kv["latest:fluxcd/flux-cli"] = json.dumps({"schema": SCHEMA, "value": flat}).encode()
    read = Store(kv, history_limit=10).latest(PackageRef("fluxcd", "flux-cli"))
    assert read == Measurement("fluxcd", "flux-cli", PackagePage(5, True, "5", [DailyCount("2026-07-28", 1)], "2026-07-29T07:36:30Z",
                                                                 "fluxcd/flux2", "v2", []), "http://x/p", 1.0)
    flat["recent_versions"] = [[7, ["latest", "v2"], 2]]
    kv["latest:fluxcd/flux-cli"] = json.dumps({"schema": SCHEMA, "value": flat}).encode()
    assert Store(kv, history_limit=10).latest(PackageRef("fluxcd", "flux-cli")).page.recent_versions == [TaggedVersion(7, ["latest", "v2"], 2)]


def test_a_falling_exact_total_is_kept_and_flagged():
    store = Store(DictKV(), history_limit=10)
    assert store.record(measurement(950, 1.0)).total_fell is False
    kept = store.record(measurement(10, 2.0))
    assert kept.total_fell is True and store.latest(PackageRef("fluxcd", "flux-cli")) == kept
    assert store.history(PackageRef("fluxcd", "flux-cli")) == [Point(1.0, 950), Point(2.0, 10, fell=True)]
    assert store.record(measurement(960, 3.0)).total_fell is False


def test_a_rounded_total_below_an_exact_one_has_not_fallen():
    """GitHub rounds "1.2K" down from 1,249: only an exact total can be said to fall (what
    feeds ghcr_stats_downloads_fell, and so a page)."""
    store = Store(DictKV(), history_limit=10)
    store.record(measurement(1249, 1.0))
    rounded = replace(measurement(1200, 2.0), page=PackagePage(1200, False, "1.2K", [DailyCount("2026-11-01", 3)]))
    assert store.record(rounded).total_fell is False
    assert store.history(PackageRef("fluxcd", "flux-cli")) == [Point(1.0, 1249), Point(2.0, 1200)]


def test_an_unchanged_total_has_not_fallen():
    store = Store(DictKV(), history_limit=10)
    store.record(measurement(950, 1.0))
    assert store.record(measurement(950, 2.0)).total_fell is False
    assert store.history(PackageRef("fluxcd", "flux-cli")) == [Point(1.0, 950), Point(2.0, 950)]


def test_a_tag_never_read_has_no_history():
    store = Store(DictKV(), history_limit=10)
    assert store.tag_histories(PackageRef("fluxcd", "flux-cli")).get("v2.0.0") is None


def test_values_are_stored_as_compact_json():
    kv = DictKV()
    Store(kv, history_limit=10).set_owner_kind("fluxcd", "orgs")
    assert kv["owner-kind:fluxcd"] == b'{"schema":%d,"value":"orgs"}' % SCHEMA


def test_a_backoff_holds_until_its_end_and_up_to_the_longest_allowed():
    store = Store(DictKV(), history_limit=10)
    store.set_backoff(b := Backoff(160.0, "rate-limited", "429"))
    assert store.backoff(159.0, longest=60) == b
    assert store.backoff(160.0, longest=60) is None  # over at its end
    assert store.backoff(100.0, longest=60) == b  # exactly the longest allowed
    assert store.backoff(99.0, longest=60) is None  # further off than that: not honoured


def test_upstream_failures_are_counted_in_a_window_that_starts_again_when_it_ends():
    store = Store(DictKV(), history_limit=10)
    assert [store.note_upstream_failure(t, window=60) for t in (100.0, 110.0, 159.0)] == [1, 2, 3]
    assert store.note_upstream_failure(160.0, window=60) == 1  # 60 s after the first: a new window
    assert store.note_upstream_failure(219.0, window=60) == 2


def test_a_404_is_remembered_until_forgotten_and_marking_it_again_moves_it():
    store = Store(DictKV(), history_limit=10)
    store.set_missing("package:fluxcd/a", 10.0, forget_before=0.0)
    store.set_missing("package:fluxcd/b", 20.0, forget_before=0.0)
    store.set_missing("package:fluxcd/a", 30.0, forget_before=0.0)
    assert (store.missing_since("package:fluxcd/a"), store.missing_since("package:fluxcd/b")) == (30.0, 20.0)
    store.set_missing("package:fluxcd/c", 40.0, forget_before=20.0)  # b, marked at 20, is just kept
    assert store.missing_since("package:fluxcd/b") == 20.0
    store.set_missing("package:fluxcd/d", 50.0, forget_before=20.5)
    assert [store.missing_since(f"package:fluxcd/{p}") for p in "abcd"] == [30.0, 0.0, 40.0, 50.0]


def test_past_the_limit_the_oldest_404s_are_forgotten_first():
    store = Store(DictKV(), history_limit=10)
    # Names in the opposite order to their times, so dropping by name would drop the newest.
    names = [f"package:fluxcd/p{i:04d}" for i in range(MISSING_LIMIT + 10)]
    for i, name in enumerate(names):
        store.set_missing(name, 1000.0 - i, forget_before=0.0)
    kept = [n for n in names if store.missing_since(n)]
    assert len(kept) == MISSING_LIMIT
    assert kept == names[:MISSING_LIMIT - 1] + names[-1:]  # the newest MISSING_LIMIT - 1, and the one just marked


def test_writers_that_read_the_index_at_once_both_keep_their_entry():
    # Two instances, each with the index read before the other wrote: neither loses an entry.
    kv = DictKV()
    first, second = Store(kv, history_limit=3), Store(kv, history_limit=3)
    assert first.index() == second.index() == []
    first.record(measurement(1, 1.0, "a"))
    second.record(measurement(2, 1.0, "b"))
    second.note_failure(PackageRef("fluxcd", "c"), "upstream-status")
    assert [str(r) for r in Store(kv, history_limit=3).index()] == ["fluxcd/a", "fluxcd/b", "fluxcd/c"]


def test_the_index_earlier_versions_kept_still_counts():
    kv = DictKV()
    kv["index"] = json.dumps({"schema": SCHEMA, "value": ["fluxcd/old", "fluxcd/b"]}).encode()
    store = Store(kv, history_limit=3)
    store.record(measurement(2, 1.0, "b"))
    store.record(measurement(3, 1.0, "new"))
    assert [str(r) for r in Store(kv, history_limit=3).index()] == ["fluxcd/b", "fluxcd/new", "fluxcd/old"]


def test_a_tags_history_keeps_each_run_of_one_count_as_its_first_and_last_reading():
    from ghcr_stats.model import Versions

    store = Store(DictKV(), history_limit=100)
    counts = [5, 5, 5, 5, 7, 7, 9, 9, 9]
    for at, n in enumerate(counts):
        store.record_versions(Versions("fluxcd", "flux-cli", [("v1", n), ("v0", 3)], float(at), True))
    h = store.tag_histories(PackageRef("fluxcd", "flux-cli"))
    assert h["v1"] == [(0.0, 5), (3.0, 5), (4.0, 7), (5.0, 7), (6.0, 9), (8.0, 9)]
    assert h["v0"] == [(0.0, 3), (8.0, 3)]  # a count that never moved: two points, not nine
