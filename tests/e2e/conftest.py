import httpx
import pytest

from testkit.served import Served
from testkit.fakegithub.pages import catalog
from testkit.fakegithub.server import FakeGitHub

TTL = 3600  # the cache_ttl of the modules' app
LAVISH = {"upstream_budget": "100000", "other_owners": "all"}




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
def served(upstream):
    """The served app of a module, caching for an hour (so a second read is a cache hit), keeping
    three measurements of a package, on a clock the tests move; serving other owners' views, and
    with a budget of upstream requests no test here reaches (the clock stands still: every
    request of a test falls in one minute)."""
    variables = {"upstream": upstream.url, "cache_ttl": str(TTL), "history_limit": "3", "fetch_timeout": "1", **LAVISH}
    with Served(variables, clock=True) as served:
        yield served


@pytest.fixture
def app(served):
    """A client of the module's app, whose store is empty at each test's start: no test depends
    on what another left there (a cached /stats, a back-off, a remembered 404)."""
    served.clear_store()
    with httpx.Client(base_url=served.url, timeout=30) as client:
        yield client


@pytest.fixture
def expected():
    return {(p.owner, p.name): p for p in catalog()}
