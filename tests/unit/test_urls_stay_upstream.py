"""Where the app decides which URLs it may ask (`urls.resolve`, `urls.on_upstream`): a property
over hrefs drawn to disagree between URL parsers (testkit/elsewhere.py): whatever it accepts,
every reader (urlsplit, the Spin adapter's authority, httpx, a browser's rules) takes to the
upstream."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ghcr_stats import urls
from testkit.elsewhere import hrefs, origins, upstream_origin

UPSTREAM = "http://127.0.0.1:9000"
ELSEWHERE = "http://127.0.0.2:9001"
BASES = st.sampled_from([None, f"{UPSTREAM}/orgs/fluxcd/packages/container/package/flux-cli", f"{UPSTREAM}/orgs/fluxcd/packages?page=2"])


@settings(max_examples=1000, deadline=None)
@given(href=hrefs(UPSTREAM, ELSEWHERE), base=BASES)
@example(href="http://127.0.0.1:9000\\@127.0.0.2:9001/x", base=None)
@example(href="http://127.0.0.2:9001\\@127.0.0.1:9000/x", base=None)
@example(href="/\\127.0.0.2:9001/x", base=None)
@example(href="http://127.0.0.1:9000@127.0.0.2:9001/x", base=None)
def test_what_resolves_is_on_the_upstream_for_every_reader(href, base):
    try:
        url = urls.resolve(UPSTREAM, href, base=base)
    except ValueError:
        return  # refused
    assert origins(url) == {upstream_origin(UPSTREAM)}, (href, url)
    assert urls.on_upstream(UPSTREAM, url)


@pytest.mark.parametrize("href", [
    "/x", "x", "?page=2", "../../x", "http://127.0.0.1:9000/x", "HTTP://127.0.0.1:9000/x", "http://127.0.0.1:09000/x",
    "//127.0.0.1:9000/x", " /x ", "/a b?c d", "http:/x",
])
def test_hrefs_on_the_upstream_are_followed(href):
    # Not every href is refused: the property above would hold of a resolve that refused all.
    assert origins(urls.resolve(UPSTREAM, href)) == {upstream_origin(UPSTREAM)}
