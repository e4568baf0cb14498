import httpx
import pytest

from testkit.served import Served
from testkit.fakegithub.pages import Package, fluxcd_catalog
from testkit.fakegithub.server import FakeGitHub


def catalog() -> list[Package]:
    """Flux's packages, plus a user-owned one (GitHub serves users under /users/...)."""
    user = fluxcd_catalog()[0]
    return fluxcd_catalog() + [
        Package("stefanprodan", "podinfo", 31_415_926, user.daily, "stefanprodan/podinfo", "6.9.2", owner_kind="users")
    ]


@pytest.fixture(scope="module")
def upstream():
    with FakeGitHub(catalog(), timeout_delay=3.0) as gh:
        yield gh


@pytest.fixture(autouse=True)
def _healthy_upstream(upstream):
    upstream.heal()
    upstream.delay(0)
    upstream.reset_counts()


@pytest.fixture(scope="module")
def app(upstream):
    """The served app, caching for an hour (so a second read is a cache hit), leaving a failing
    upstream alone for a second only (tests that make it fail wait that out)."""
    with Served({"upstream": upstream.url, "fetch_timeout": "1", "failure_backoff": "1"}) as served:
        with httpx.Client(base_url=served.url, timeout=30) as client:
            yield client


@pytest.fixture
def expected():
    return {(p.owner, p.name): p for p in catalog()}
