import pytest

from ghcr_stats import urls
from ghcr_stats.model import PackageRef


def test_package_url_percent_encodes_nested_names():
    assert (
        urls.package_url("https://github.com/", "orgs", PackageRef("fluxcd", "charts/flagger"))
        == "https://github.com/orgs/fluxcd/packages/container/package/charts%2Fflagger"
    )


def test_user_owned_package_url():
    assert (
        urls.package_url("http://127.0.0.1:8080", "users", PackageRef("stefanprodan", "podinfo"))
        == "http://127.0.0.1:8080/users/stefanprodan/packages/container/package/podinfo"
    )


def test_an_upstream_under_a_path_keeps_it_with_or_without_its_trailing_slash():
    for up in ("http://127.0.0.1:8080/gh-X", "http://127.0.0.1:8080/gh-X/"):
        assert urls.listing_url(up, "orgs", "fluxcd") == "http://127.0.0.1:8080/gh-X/orgs/fluxcd/packages"


def test_listing_and_versions_urls():
    assert urls.listing_url("https://github.com", "orgs", "fluxcd") == "https://github.com/orgs/fluxcd/packages"
    assert (
        urls.versions_url("https://github.com", "orgs", PackageRef("fluxcd", "flux-cli"))
        == "https://github.com/orgs/fluxcd/packages/container/flux-cli/versions?filters%5Bversion_type%5D=tagged"
    )
    assert (
        urls.versions_url("https://github.com", "orgs", PackageRef("fluxcd", "charts/flagger"))
        == "https://github.com/orgs/fluxcd/packages/container/charts%2Fflagger/versions?filters%5Bversion_type%5D=tagged"
    )


def test_next_links_resolve_on_the_upstream_only():
    up = "http://127.0.0.1:9000"
    assert urls.resolve(up, "/orgs/fluxcd/packages?page=2") == f"{up}/orgs/fluxcd/packages?page=2"
    for href in ("https://evil.example/orgs/x", "//evil.example/x", "http://127.0.0.1:9001/x", "http://127.0.0.1:9000.evil/x"):
        with pytest.raises(ValueError, match="leaves the upstream"):
            urls.resolve(up, href)



def test_redirects_resolve_against_the_page_they_came_from():
    up = "http://127.0.0.1:9000"
    page = f"{up}/orgs/fluxcd/packages/container/package/flux-cli"
    assert urls.resolve(up, "/fluxcd/flux2/pkgs/container/flux-cli", base=page) == f"{up}/fluxcd/flux2/pkgs/container/flux-cli"
    assert urls.resolve(up, "flux-cli?tag=x", base=page) == f"{up}/orgs/fluxcd/packages/container/package/flux-cli?tag=x"
    for href in ("https://127.0.0.1:9000/x", "http://user@127.0.0.1:9000/x", "http://127.0.0.2:9000/x"):
        with pytest.raises(ValueError, match="leaves the upstream"):
            urls.resolve(up, href, base=page)
