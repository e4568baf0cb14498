"""The schedule, served: `make run`'s loop beside the server asks `POST /refresh`, and every
package of the owner is measured once per refresh_interval with no client asking."""

import json
import time

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
        time.sleep(3)  # asked again and again, each half second: nothing more is read
        assert upstream.count() == asked
        served.advance(3600)  # the next period
        eventually(lambda: all(points(served, n) == 2 for n in names), 60)
    assert upstream.count(f"/orgs/fluxcd/packages/container/package/{names[0]}") <= 1  # then straight to its repository


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
