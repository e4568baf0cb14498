"""/stats/<package> end to end: HTTP client -> served app component -> parser component,
with the local upstream standing in for github.com."""

import pytest


def test_package_stats_are_the_exact_numbers_of_the_page(app, upstream, expected):
    r = app.get("/stats/flux-cli")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    pkg = expected[("fluxcd", "flux-cli")]
    assert body["owner"] == "fluxcd" and body["package"] == "flux-cli"
    assert body["total_downloads"] == pkg.total and body["total_exact"] is True
    assert body["last_30_days"] == [{"date": d, "count": c} for d, c in pkg.daily]
    assert body["last_30_days_total"] == sum(c for _, c in pkg.daily)
    assert body["repository"] == pkg.repository and body["latest_version"] == pkg.latest_version
    # GitHub redirects a linked package's owner URL to its repository's; the app follows.
    assert body["url"] == f"{upstream.url}/{pkg.repository}/pkgs/container/flux-cli"
    assert upstream.requests == ["/orgs/fluxcd/packages/container/package/flux-cli", f"/{pkg.repository}/pkgs/container/flux-cli"]
    assert body["fetched_at"].endswith("Z") and body["stale"] is False


def test_counts_above_2_to_the_32_survive_every_layer(app, expected):
    total = expected[("fluxcd", "source-controller")].total
    assert total > 2**32
    assert app.get("/stats/source-controller").json()["total_downloads"] == total


def test_nested_and_user_owned_packages(app, upstream, expected):
    assert app.get("/stats/charts%2Fflagger").json()["total_downloads"] == expected[("fluxcd", "charts/flagger")].total
    assert app.get("/stats/fluxcd/charts/flagger").json()["package"] == "charts/flagger"
    r = app.get("/stats/stefanprodan/podinfo")
    assert r.status_code == 200, r.text
    assert r.json()["total_downloads"] == expected[("stefanprodan", "podinfo")].total
    assert "/users/stefanprodan/packages/container/package/podinfo" in upstream.requests  # a user, not an org
    assert r.json()["url"] == f"{upstream.url}/stefanprodan/podinfo/pkgs/container/podinfo"


def test_unknown_package_is_a_404_json_error(app):
    r = app.get("/stats/no-such-package")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not-found"


@pytest.mark.parametrize(
    "path",
    [
        "/stats/..%2Fetc", "/stats/Flux-CLI", "/stats/flux%20cli", "/stats/a%2F..%2Fb",
        "/stats/-bad-owner-/flux-cli", "/stats/%2e%2e", "/badge/..%2F..%2Fx.svg", "/stats/a__%2F_b/history",
    ],
)
def test_invalid_names_are_400_and_never_reach_the_upstream(app, upstream, path):
    r = app.get(path)
    assert r.status_code == 400, r.text
    if path.startswith("/badge/"):  # a badge's errors are badges
        assert r.headers["content-type"] == "image/svg+xml" and b">unavailable<" in r.content
    else:
        assert r.json()["error"]["code"] == "invalid-name"
    assert upstream.requests == []


def test_upstream_500_with_nothing_stored_is_a_502_json_error(app, upstream):
    upstream.fail("flux-manifests", "500")
    r = app.get("/stats/flux-manifests")
    assert r.status_code == 502
    assert r.json()["error"]["code"] == "upstream-status"
    assert "500" in r.json()["error"]["message"]


def test_unknown_routes_and_methods(app):
    assert app.get("/nope").status_code == 404
    r = app.post("/stats/flux-cli")
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
    assert app.get("/healthz").json() == {"status": "ok"}


def test_a_bad_variable_is_a_500_json_error_that_names_it(upstream):
    import httpx

    from testkit.served import Served

    with Served({"upstream": upstream.url, "cache_ttl": "an hour"}, clock=True) as served:
        r = httpx.get(f"{served.url}/stats/flux-cli")
    assert r.status_code == 500
    assert r.json()["error"] == {"code": "bad-config", "message": "variable cache_ttl must be a whole number, not 'an hour'"}
    assert upstream.requests == []


def test_a_redirect_to_another_host_is_refused_and_never_followed(app, upstream):
    upstream.fail("notification-controller", "redirect-off-host")
    r = app.get("/stats/notification-controller")
    assert r.status_code == 502
    assert r.json()["error"]["code"] == "redirect-refused"
    assert upstream.elsewhere.url in r.json()["error"]["message"]
    assert upstream.elsewhere.requests == []


def test_redirects_end_after_five_hops(app, upstream):
    upstream.fail("source-watcher", "redirect-loop")
    r = app.get("/stats/source-watcher")
    assert r.status_code == 502
    assert r.json()["error"]["code"] == "too-many-redirects"
    assert upstream.count("/source-watcher") == 6  # the first request and five redirects
