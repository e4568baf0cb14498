"""The app's own paths are made from route names, and each leads back to its route."""

from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ghcr_stats.model import PackageRef
from ghcr_stats.names import check_package
from ghcr_stats.routing import Route, Router
from ghcr_stats.service import ROUTES, Incoming, Request

COMPONENT = st.from_regex(r"[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,4})?", fullmatch=True)
REFS = st.builds(
    PackageRef,
    st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,10}", fullmatch=True),
    st.lists(COMPONENT, min_size=1, max_size=3).map("/".join).filter(lambda n: check_package(n) == n),
)


def matched(path: str):
    incoming = Incoming.parse(Request("GET", path))
    return ROUTES.match(incoming.url.path, incoming.segments)


@given(REFS)
def test_a_packages_paths_lead_back_to_their_route_and_the_package(ref):
    for name in ("package", "history", "history-csv", "versions", "badge", "shields"):
        route, params = matched(ROUTES.url_for(name, ref=ref))
        assert route.name == name
        assert PackageRef.parse("/".join(unquote(s) for s in params["ref"])) == ref
    route, params = matched(ROUTES.url_for("package-page", owner=ref.owner, name=ref.name))
    assert (route.name, params["owner"], "/".join(params["name"])) == ("package-page", [ref.owner], ref.name)


def test_paths_without_parameters_and_the_other_owners_trailing_slash():
    assert [ROUTES.url_for(n) for n in ("owner-page", "owner", "metrics", "healthz")] == ["/", "/stats", "/metrics", "/healthz"]
    assert ROUTES.url_for("other-owner", owner="stefanprodan") == "/stats/stefanprodan/"
    assert matched("/stats/stefanprodan/")[0].name == "other-owner"
    assert ROUTES.url_for("badge", ref=PackageRef("fluxcd", "charts/flagger")) == "/badge/fluxcd/charts/flagger.svg"


def test_a_segment_that_needs_it_is_percent_encoded():
    assert ROUTES.url_for("package", ref=PackageRef("o", "a b/c?d")) == "/stats/o/a%20b/c%3Fd"


def test_a_parameter_the_route_lacks_or_misses_is_an_error():
    with pytest.raises(TypeError, match="no parameter tag"):
        ROUTES.url_for("package", ref=PackageRef("o", "p"), tag="x")
    with pytest.raises(KeyError):
        ROUTES.url_for("package")


def test_a_package_ref_is_owner_slash_name_both_ways():
    ref = PackageRef("fluxcd", "charts/flagger")
    assert str(ref) == "fluxcd/charts/flagger" and PackageRef.parse(str(ref)) == ref


def test_routes_are_tried_in_order_among_those_of_the_first_segment():
    async def h(c):
        return None

    router = Router([Route("a", "/x/{n}", h), Route("b", "/y/{n:path}", h, "page"), Route("c", "/x/{n}/z", h), Route("d", "/x/{n:path}", h)])
    assert [router.match("", s)[0].name for s in (["x", "1"], ["x", "1", "z"], ["x", "1", "2"], ["y", "1", "z"])] == ["a", "c", "d", "b"]
    assert router.match("", ["z", "1"]) == (None, {})
    assert (router.format_of(["y", "nothing"]), router.format_of(["q"])) == ("page", "json")
    with pytest.raises(ValueError):
        Router([Route("p", "/{owner}/x", h)])
