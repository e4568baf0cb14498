"""The dashboard as a person sees it: rendered by headless Chromium."""

from testkit.browser import chromium


def render(url: str, *args: str) -> str:
    """The DOM Chromium builds for `url`."""
    return chromium(*args, "--dump-dom", url)


def test_dashboard_shows_every_package_and_its_number(app, expected):
    from html.parser import HTMLParser

    url = str(app.base_url) + "/"
    dom = render(url)

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cell, self.in_td = [], None, False

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append({})
            if tag == "td":
                self.cell, self.in_td = dict(attrs).get("data-label"), True

        def handle_endtag(self, tag):
            if tag == "td":
                self.in_td = False

        def handle_data(self, data):
            if self.in_td and self.rows and self.cell:
                self.rows[-1][self.cell] = self.rows[-1].get(self.cell, "") + data.strip()

    rows = Rows()
    rows.feed(dom)
    shown = {r["Package"]: r["Downloads"] for r in rows.rows if "Package" in r}
    flux = {name: p for (owner, name), p in expected.items() if owner == "fluxcd"}
    assert shown == {name: f"{p.total:,}" for name, p in flux.items()}
    assert dom.count("<polyline") == len(flux)  # a sparkline each
    assert "<script" not in dom  # needs no JavaScript
