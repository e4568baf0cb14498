"""The schedule, served: `make run`'s loop beside the server asks `POST /refresh`, and every
package of the owner is measured once per refresh_interval with no client asking."""

import json

import httpx

from tests.e2e.conftest import LAVISH
from testkit.served import Served, eventually


def points(served: Served, name: str) -> int:
    raw = served.store.get(f"history:fluxcd/{name}")
    return 0 if raw is None else len(json.loads(raw)["value"])


def test_the_loop_beside_the_server_measures_every_package_each_period(upstream, expected):
    names = [n for (owner, n) in expected if owner == "fluxcd"]
    with Served({"upstream": upstream.url, **LAVISH}, clock=True, collect=0.5) as served:
        # The clock stands still: every ask falls in one period.
        eventually(lambda: all(points(served, n) == 1 for n in names), 60)
        asked = upstream.count()
        for _ in range(3):  # asked again (as the loop keeps asking): nothing is due, nothing more is read
            assert httpx.post(f"{served.url}/refresh").json()["due"] == []
        assert upstream.count() == asked
        served.advance(3600)  # the next period
        eventually(lambda: all(points(served, n) == 2 for n in names), 60)
    # Found at the owner's URL once, then asked straight at its repository's.
    assert upstream.count(f"/orgs/fluxcd/packages/container/package/{names[0]}") == 1


def test_refresh_is_a_post_that_answers_at_once_with_what_is_due(app, served, upstream, expected):
    assert app.get("/stats").status_code == 200
    served.advance(3600)
    r = app.post("/refresh")
    assert r.status_code == 202 and r.headers["content-type"] == "application/json"
    due = r.json()["due"]
    assert sorted(due) == sorted(f"fluxcd/{n}" for (owner, n) in expected if owner == "fluxcd")
    for key in ["listing:fluxcd"] + [f"package:{d}" for d in due]:
        served.settled(key)
    assert app.post("/refresh").json()["due"] == []
    assert app.get("/stats").json()["stale"] is False
    r = app.get("/refresh")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
