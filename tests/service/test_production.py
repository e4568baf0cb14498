"""What a public deployment meets every day, on the service core: a bad value in the store, a
store that takes no writes, pages too large or compressed, a redirect with a space in it, a
clock that goes back, a long versions history. None of it may answer 500, lose what is stored,
or put every package into the upstream back-off."""

import json
from dataclasses import replace

import pytest

from ghcr_stats.host import StoreError
from ghcr_stats.model import Versions
from ghcr_stats.store import SCHEMA, Store
from testkit.cpython import DictKV
from tests.service.test_core import body, get, host, parser, upstream  # noqa: F401 (fixtures)


def stored(value) -> bytes:
    return json.dumps({"schema": SCHEMA, "value": value}).encode()


# -- a bad value affects only its own key -------------------------------------------------


@pytest.mark.parametrize("bad", [None, {"owner": "fluxcd"}, "a string", {"page": {"total_downloads": "many"}}])
def test_a_latest_value_of_the_wrong_shape_is_served_as_missing_and_no_owner_view_fails(host, bad):
    assert get(host, "/stats").status == 200
    host.kv["latest:fluxcd/flux-cli"] = stored(bad)
    for path in ("/stats", "/metrics", "/"):
        assert get(host, path).status == 200, path
    host.clock.advance(host.settings.cache_ttl)
    assert body(get(host, "/stats/flux-cli"))["total_downloads"] == 412_733_118  # read again, and kept
    assert json.loads(host.kv["latest:fluxcd/flux-cli"])["value"]["page"]["total_downloads"] == 412_733_118


def test_a_history_cut_in_half_is_kept_aside_not_overwritten(host):
    get(host, "/stats/flagger")
    host.clock.advance(host.settings.cache_ttl)
    get(host, "/stats/flagger")
    whole = host.kv["history:fluxcd/flagger"]
    host.kv["history:fluxcd/flagger"] = whole[: len(whole) // 2]
    assert get(host, "/stats/flagger/history").status == 200
    host.clock.advance(host.settings.cache_ttl)
    assert get(host, "/stats/flagger").status == 200
    aside = [k for k in host.kv if k.startswith("unreadable:history:fluxcd/flagger")]
    assert [host.kv[k] for k in aside] == [whole[: len(whole) // 2]]
    assert len(body(get(host, "/stats/flagger/history"))["points"]) == 1  # a new history begins


def test_an_index_that_does_not_decode_hides_no_package(host):
    # Another owner's package: /metrics reads the configured owner's again, not this one.
    host.settings = replace(host.settings, other_owners="all")
    get(host, "/stats/stefanprodan/podinfo")
    host.kv["index"] = b'{"schema":1,"value":["stefanprodan/pod'
    assert 'owner="stefanprodan",package="podinfo"' in get(host, "/metrics").body.decode()


# -- a store that takes no writes ---------------------------------------------------------


class Full(DictKV):
    """A store that keeps what it has and takes nothing more, as a full disk does."""

    full = False

    def set(self, key: str, value: bytes) -> None:
        if self.full:
            raise StoreError("the key-value store failed to set: no space left on device")
        super().set(key, value)

    def delete(self, key: str) -> None:
        if self.full:
            raise StoreError("the key-value store failed to delete: no space left on device")
        super().delete(key)


@pytest.mark.parametrize("path", ["/stats/flux-cli", "/badge/flux-cli.svg", "/stats/flux-cli/versions", "/metrics", "/stats"])
def test_a_full_store_serves_what_is_stored_marked_stale_and_asks_nothing(host, upstream, path):
    host.kv = Full()
    assert get(host, "/stats").status == 200
    assert get(host, "/stats/flux-cli/versions").status == 200
    host.kv.full = True
    host.clock.advance(host.settings.cache_ttl)
    upstream.reset_counts()
    r = get(host, path)
    assert r.status == 200
    assert upstream.count() == 0  # what it fetched could not be kept, so it fetched nothing
    if path.startswith("/stats/"):
        assert body(r)["stale"] is True and body(r)["stale_reason"]["code"] == "store-unwritable"


def test_a_full_store_with_nothing_stored_answers_503_that_names_it(host, upstream):
    host.kv = Full()
    host.kv.full = True
    r = get(host, "/stats/flux-cli")
    assert r.status == 503 and body(r)["error"]["code"] == "store-unwritable"
    assert "no space left on device" in body(r)["error"]["message"]
    assert upstream.count() == 0
    badge = get(host, "/badge/flux-cli.svg")
    assert badge.status == 503 and badge.headers["content-type"] == "image/svg+xml"


def test_healthz_reports_a_full_store_and_livez_does_not(host):
    host.kv = Full()
    assert get(host, "/healthz").status == 200
    host.kv.full = True
    r = get(host, "/healthz")
    assert r.status == 503 and body(r)["status"] == "store-unwritable" and "no space left" in body(r)["message"]
    assert get(host, "/livez").status == 200


def test_a_store_that_cannot_be_read_answers_503_in_the_endpoints_format(host):
    class Down(DictKV):
        def get(self, key):
            raise StoreError("the key-value store failed to get: connection refused")

    host.kv = Down()
    r = get(host, "/stats/flux-cli")
    assert r.status == 503 and body(r)["error"]["code"] == "store-unavailable"
    assert get(host, "/badge/flux-cli.svg").headers["content-type"] == "image/svg+xml"


# -- pages the app cannot use are their own reasons ----------------------------------------


@pytest.mark.parametrize("mode, reason", [("huge", "too-large"), ("gzip", "undecodable-encoding")])
def test_an_unusable_page_is_its_own_reason_and_trips_no_back_off(host, upstream, mode, reason):
    upstream.fail("flagger", mode)
    for _ in range(3 + 1):  # three failures start the back-off
        r = get(host, "/stats/flagger")
        assert r.status == 502 and body(r)["error"]["code"] == reason
    assert get(host, "/stats/flux-cli").status == 200  # every other package is still read


def test_a_redirect_with_a_space_in_it_is_followed(host, upstream):
    upstream.fail("flux-cli", "redirect-with-space")
    r = get(host, "/stats/flux-cli")
    assert r.status == 200, r.body
    assert any("from=a%20space" in path for path in upstream.requests)


# -- a clock that goes back ----------------------------------------------------------------


def test_a_clock_that_goes_back_neither_inflates_max_age_nor_freezes_refreshes(host, upstream):
    assert get(host, "/stats/flux-cli").status == 200
    host.clock.advance(-3 * 86400)  # an NTP step, a snapshot restored
    upstream.reset_counts()
    r = get(host, "/stats/flux-cli")
    # Read "in the future": not fresh, so served stale (not for 3 days and an hour), and read again.
    assert (body(r)["stale"], r.headers["cache-control"]) == (True, "public, max-age=60")
    assert upstream.count() == 1  # where it was found last time
    host.clock.advance(60)
    upstream.reset_counts()
    again = get(host, "/stats/flux-cli")
    assert (again.status, upstream.count()) == (200, 0)  # fresh again
    assert again.headers["cache-control"] == "public, max-age=3540"


def test_a_404_and_an_outage_window_from_the_future_do_not_stick(host, upstream):
    assert get(host, "/stats/gone-soon").status == 404
    host.clock.advance(-86400)
    upstream.reset_counts()
    assert get(host, "/stats/gone-soon").status == 404
    assert upstream.count() == 1  # a 404 "remembered" a day ahead is asked again (the owner's kind is known)


# -- costs linear in what is shown ---------------------------------------------------------


class Counting(DictKV):
    def __init__(self):
        super().__init__()
        self.reads: dict[str, int] = {}

    def get(self, key):
        self.reads[key] = self.reads.get(key, 0) + 1
        return super().get(key)


def test_versions_read_their_history_once_whatever_the_number_of_tags(host):
    host.kv = Counting()
    store = Store(host.kv, history_limit=1000)
    tags = [(f"v{i}", 1000 + i) for i in range(500)]
    for t in range(20):
        grown = [(tag, n + t) for tag, n in tags]  # every count moves at every reading
        store.record_versions(Versions("fluxcd", "flux-cli", grown, host.clock() - 1000 + t, True))
    host.kv.reads.clear()
    r = body(get(host, "/stats/flux-cli/versions"))
    assert len(r["versions"]) == 500 and len(r["versions"][0]["history"]) == 20
    assert host.kv.reads["versions-history:fluxcd/flux-cli"] == 1


def test_versions_history_of_the_wrong_shape_is_kept_aside(host):
    host.kv["versions-history:fluxcd/flux-cli"] = stored([["when", "what"]])
    assert get(host, "/stats/flux-cli/versions").status == 200
    assert host.kv["unreadable:versions-history:fluxcd/flux-cli@" + f"{host.clock():.0f}"] == stored([["when", "what"]])


# -- what strangers can make the app ask of GitHub ------------------------------------------


def test_the_upstream_budget_bounds_what_any_mix_of_requests_asks(host, upstream):
    host.settings = replace(host.settings, upstream_budget=10)
    assert get(host, "/stats/flux-cli").status == 200  # the owner's kind is known from here on
    statuses = [get(host, f"/stats/made-up-{i}").status for i in range(30)]
    assert statuses == [404] * 8 + [503] * 22  # flux-cli took two (a redirect), then one each while the budget lasted
    assert upstream.count() == 10
    assert body(get(host, "/stats/made-up-29"))["error"]["code"] == "upstream-budget"
    host.clock.advance(60)  # a new minute, a new budget
    assert get(host, "/stats/made-up-29").status == 404


def test_other_owners_may_spend_half_the_budget_and_the_configured_owner_the_rest(host, upstream):
    host.settings = replace(host.settings, upstream_budget=10)
    for i in range(20):
        get(host, f"/stats/stefanprodan/made-up-{i}")
    assert upstream.count() == 5
    assert body(get(host, "/stats/stefanprodan/podinfo"))["error"]["code"] == "upstream-budget"
    assert get(host, "/stats/flux-cli").status == 200  # the configured owner's reads come first


def test_a_made_up_name_costs_one_request_and_a_repeat_none(host, upstream):
    get(host, "/stats/flux-cli")
    upstream.reset_counts()
    for i in range(20):
        assert get(host, f"/stats/not-a-package-{i}").status == 404
    assert upstream.count() == 20
    for i in range(20):
        assert get(host, f"/stats/not-a-package-{i}").status == 404
    assert upstream.count() == 20


def test_a_made_up_owner_is_asked_about_once(host, upstream):
    assert get(host, "/stats/no-such-owner/a").status == 404
    asked = upstream.count()
    for i in range(20):
        assert get(host, f"/stats/no-such-owner/b-{i}").status == 404
    assert asked == 4  # its package and listing pages, as an org and a user
    assert upstream.count() == asked


def test_other_owners_have_no_owner_views_nor_series_unless_the_setting_says(host, upstream):
    assert get(host, "/stats/stefanprodan/podinfo").status == 200
    asked = upstream.count()
    r = get(host, "/stats/stefanprodan/")
    assert r.status == 404 and body(r)["error"]["code"] == "not-served"
    assert upstream.count() == asked
    assert b'owner="stefanprodan"' not in get(host, "/metrics").body
    host.settings = replace(host.settings, other_owners="all")
    assert get(host, "/stats/stefanprodan/").status == 200
    assert b'owner="stefanprodan"' in get(host, "/metrics").body
