"""Time is the host's: the served app reads its wall clock, and only the tests' host (the test
clock that `make build-test` plugs into the app) gives it a time that a test can move. The
app as it ships takes no time from its store, whatever is written there."""

import time
from datetime import datetime

import httpx

from testkit.served import CLOCK_KEY, Served

PAST = 1_000_000_000  # 2001-09-09T01:46:40Z


def fetched_at(answer: httpx.Response) -> float:
    assert answer.status_code == 200, answer.text
    return datetime.fromisoformat(answer.json()["fetched_at"]).timestamp()


def test_what_ships_keeps_the_hosts_time_whatever_the_store_holds(upstream):
    with Served({"upstream": upstream.url}) as served:
        served.store.set(CLOCK_KEY, repr(float(PAST)).encode())
        before = time.time()
        r = httpx.get(f"{served.url}/stats/flux-cli", timeout=30)
        after = time.time()
        assert before - 2 <= fetched_at(r) <= after + 2  # now, not 2001
        assert r.json()["age_seconds"] == 0
        served.store.set(CLOCK_KEY, repr(float(PAST + 86400)).encode())
        assert httpx.get(f"{served.url}/stats/flux-cli", timeout=30).json()["age_seconds"] < 60


def test_the_test_clock_is_what_the_tests_write_and_the_hosts_without_it(served, app):
    served.set_clock(PAST)
    assert app.get("/stats/flux-cli").json()["fetched_at"] == "2001-09-09T01:46:40Z"
    served.advance(60)
    assert app.get("/stats/flux-cli").json()["age_seconds"] == 60
    served.clear_store()
    start = served.now()
    served.store.delete(CLOCK_KEY)
    try:
        before = time.time()
        fetched = fetched_at(app.get("/stats/flux-cli"))
        assert before - 2 <= fetched <= time.time() + 2
    finally:
        served.set_clock(start)
