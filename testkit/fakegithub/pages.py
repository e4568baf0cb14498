"""GitHub container-package pages as github.com serves them, for tests and benchmarks.

The package page follows the captured real pages (`tests/parser/real_pages/`): the facts the
parser reads sit where GitHub puts them, inside a page of GitHub's size and noise (~300 KB:
navigation, inline SVG icons, inline scripts and JSON blobs that repeat the same words and
markup-like strings, React embedded data, a footer). Seed 0 uses the real pages' class names
(`tmp-mb-1`, `Box-row`, `Label`); other seeds rename every class and vary attribute order
and quoting, so nothing may key on them.

Where the facts are (package page):

* total downloads: `<span …tmp-mb-1>Total downloads</span>` then a sibling
  `<h3 title="N">display</h3>` (`comma_title=True` groups the title "1,234,567";
  `exact=False` leaves it out); "Last published" (`<h3 title="<local time with offset>">`)
  and "Issues" (`<h3 title="0">`) sit beside it in the same shape;
* last 30 days: a `div aria-label="Downloads for the last 30 days"`, sibling of the total's
  column, holding an svg of 30 rects newest first, attributes one per line in GitHub's order
  `x y data-merge-count data-date width height rx fill`;
* repository: the sidebar link `https://github.com/<owner>/<repo>` reading the repo's name
  (and the breadcrumbs `/<owner>/<repo>`);
* latest version: the install command, split over spans
  (`docker pull ghcr.io/<span>owner</span>/<span>name</span><span>:tag</span>`);
* "Recent tagged image versions": `li` rows of tag links
  `/<kind>/<owner>/packages/container/<name>/<version-id>?tag=<tag>` (the newest also
  tagged `latest`), the count bare text before `<span class="sr-only">Version downloads</span>`.

URLs (the app builds the same ones; `kind` is "orgs" or "users"):

* package page:  /<kind>/<owner>/packages/container/package/<name, percent-encoded>
* listing:       /<kind>/<owner>/packages?page=N      (rows link to package pages; the
                 next page as `pagination` says: see PAGINATION)
* versions:      /<kind>/<owner>/packages/container/<name, percent-encoded>/versions
                 ?filters%5Bversion_type%5D=tagged[&page=N]   (`&` written `&amp;` in hrefs;
                 rows as on the package page)

No real listing or versions page was ever captured: those follow what public scrapers expect.
Nested names are percent-encoded in paths (`charts%2Fflagger`).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import json
import random
from dataclasses import dataclass, field
from urllib.parse import quote

from ghcr_stats.model import DailyCount, PackagePage, TaggedVersion

__all__ = [
    "Package",
    "PAGINATION",
    "tagged_versions",
    "version_ids",
    "display_count",
    "package_page",
    "listing_page",
    "versions_page",
    "not_found_page",
    "login_page",
    "fluxcd_catalog",
    "package_path",
    "expected_page",
    "listing_path",
    "versions_path",
    "CHART_LABEL",
]

CHART_LABEL = "Downloads for the last 30 days"
RECENT_SHOWN = 5  # the versions a package page lists under "Recent tagged image versions"
VERSIONS_QUERY = "filters%5Bversion_type%5D=tagged"


@dataclass
class Package:
    owner: str
    name: str  # may be nested, e.g. "charts/flagger"
    total: int
    daily: list[tuple[str, int]]  # 30 (iso-date, count), oldest first
    repository: str | None = None  # "fluxcd/flux2"
    latest_version: str | None = None
    last_published: str | None = None  # ISO 8601
    versions: list[tuple[str, int]] = field(default_factory=list)  # (tag, downloads), newest first
    owner_kind: str = "orgs"  # or "users"
    latest_alias: bool = True  # the newest version also carries the moving tag `latest`


# --- URLs ---------------------------------------------------------------------------------


def _enc(name: str) -> str:
    return quote(name, safe="")


def package_path(owner: str, name: str, owner_kind: str = "orgs") -> str:
    return f"/{owner_kind}/{owner}/packages/container/package/{_enc(name)}"


def listing_path(owner: str, page: int = 1, owner_kind: str = "orgs") -> str:
    return f"/{owner_kind}/{owner}/packages" + (f"?page={page}" if page > 1 else "")


def versions_path(owner: str, name: str, page: int = 1, owner_kind: str = "orgs") -> str:
    path = f"/{owner_kind}/{owner}/packages/container/{_enc(name)}/versions?{VERSIONS_QUERY}"
    return path + (f"&page={page}" if page > 1 else "")


# --- numbers ------------------------------------------------------------------------------


def display_count(n: int) -> str:
    """GitHub's rounded display of a count: 950, 1.2K, 99.9K, 123M, 2.4B (truncated, not rounded up)."""
    if n < 0:
        raise ValueError(n)
    if n < 1000:
        return str(n)
    for unit, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if n >= unit:
            whole, rest = divmod(n, unit)
            if whole >= 100:
                return f"{whole}{suffix}"
            tenth = rest * 10 // unit
            return f"{whole}.{tenth}{suffix}" if tenth else f"{whole}{suffix}"
    raise AssertionError(n)


def _grouped(n: int) -> str:
    return f"{n:,}"


# --- markup variation ---------------------------------------------------------------------

_UTILITY = (
    "d-flex flex-items-center flex-justify-between flex-column flex-auto mb-1 mb-2 mb-3 mt-2 "
    "mr-2 ml-1 p-3 px-3 py-2 pt-1 pb-2 f4 f5 f6 text-bold text-small text-normal lh-condensed "
    "color-fg-muted color-fg-default color-bg-subtle border-bottom rounded-2 width-full "
    "d-none d-md-block col-12 col-md-9 col-md-3 position-relative overflow-hidden Box Box-row "
    "Link--primary Link--muted Label Label--success tooltipped no-underline v-align-middle"
).split()


class _Style:
    """Per-seed choices: class names, attribute order and quoting, whitespace."""

    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed * 7919 + 17)
        self.prefix = "" if seed == 0 else self.rng.choice(["tmp-", "prc-", "x-", "gh2-"])

    def cls(self, k: int = 2) -> str:
        names = self.rng.sample(_UTILITY, k)
        if self.seed:
            names = [self.prefix + n for n in names]
            names.append(f"{self.rng.choice(['Box', 'Stack', 'Text', 'Item'])}-module__x{self.rng.randrange(16**5):05x}")
        return " ".join(names)

    def attrs(self, pairs: list[tuple[str, str | None]]) -> str:
        pairs = list(pairs)
        if self.seed:
            self.rng.shuffle(pairs)
        out = []
        for k, v in pairs:
            if v is None:
                out.append(f" {k}")
                continue
            ev = html.escape(v, quote=True)
            style = self.rng.randrange(6) if self.seed else 0
            if style == 1 and "'" not in v:
                out.append(f" {k}='{html.escape(v, quote=False)}'")
            elif style == 2 and v and all(c.isalnum() or c in "-_.:/" for c in v):
                out.append(f" {k}={v}")
            else:
                out.append(f' {k}="{ev}"')
        return "".join(out)

    def tag(self, name: str, pairs: list[tuple[str, str | None]], inner: str = "", *, cls: bool = True) -> str:
        if cls:
            pairs = [("class", self.cls(self.rng.randint(1, 3)))] + list(pairs)
        return f"<{name}{self.attrs(pairs)}>{inner}</{name}>"

    def void(self, name: str, pairs: list[tuple[str, str | None]]) -> str:
        return f"<{name}{self.attrs([('class', self.cls())] + list(pairs))}>"

    def ws(self) -> str:
        if not self.seed:
            return "\n"
        return self.rng.choice(["\n", "\n  ", " ", "\n\n    ", ""])


# --- noise --------------------------------------------------------------------------------


def _path_data(rng: random.Random, n: int) -> str:
    cmds = []
    for _ in range(n):
        c = rng.choice("MLCSQAHVZmlcsqa")
        nums = " ".join(f"{rng.uniform(0, 16):.3g}" for _ in range(rng.choice((1, 2, 4, 6))))
        cmds.append(c + nums)
    return "".join(cmds)


def _octicon(st: _Style, name: str) -> str:
    size = st.rng.choice((16, 24))
    return (
        f'<svg aria-hidden="true" height="{size}" viewBox="0 0 {size} {size}" version="1.1" width="{size}" '
        f'data-view-component="true" class="octicon octicon-{name}">'
        f'<path d="{_path_data(st.rng, st.rng.randint(8, 30))}"></path></svg>'
    )


_NAV = [
    ("Product", ["Actions", "Packages", "Security", "Codespaces", "Copilot", "Code review", "Issues", "Discussions"]),
    ("Solutions", ["Enterprise", "Teams", "Startups", "DevSecOps", "DevOps", "CI/CD", "Healthcare", "Financial services"]),
    ("Resources", ["Learning Pathways", "Events & Webinars", "Ebooks & Whitepapers", "Customer Stories", "Partners"]),
    ("Open Source", ["GitHub Sponsors", "The ReadME Project", "Topics", "Trending", "Collections"]),
    ("Enterprise", ["Enterprise platform", "Advanced Security", "Copilot for business", "Premium Support"]),
]


def _header(st: _Style) -> str:
    parts = [
        st.tag("a", [("href", "#start-of-content"), ("data-skip-target-assigned", "false")], "Skip to content"),
        '<header class="HeaderMktg header-logged-out js-details-container js-header Details f4 py-3" role="banner" data-color-mode="light">',
        st.tag("a", [("href", "https://github.com/"), ("aria-label", "Homepage")], _octicon(st, "mark-github")),
        '<nav aria-label="Global"><ul class="list-style-none">',
    ]
    for title, items in _NAV:
        links = "".join(
            "<li>"
            + st.tag(
                "a",
                [("href", f"https://github.com/features/{quote(i.lower().replace(' ', '-'))}"), ("data-analytics-event", json.dumps({"category": "Header dropdown", "action": "click", "label": i}))],
                _octicon(st, i.split()[0].lower()) + f'<div><div class="HeaderMenu-dropdown-link-heading">{html.escape(i)}</div>'
                f"<div>{html.escape(i)} for everyone, at any scale</div></div>",
            )
            + "</li>"
            for i in items
        )
        parts.append(
            f'<li class="HeaderMenu-item"><button type="button" aria-expanded="false">{title}{_octicon(st, "chevron-down")}</button>'
            f'<div class="HeaderMenu-dropdown"><ul>{links}</ul></div></li>'
        )
    parts.append("</ul></nav>")
    parts.append(
        '<qbsearch-input class="search-input" data-scope="org:fluxcd" data-custom-scopes-path="/search/custom_scopes">'
        '<div class="search-input-container"><button type="button" aria-label="Search or jump to…">'
        + _octicon(st, "search")
        + "<span>Search or jump to...</span></button></div>"
        '<template id="search-suggestions-template"><li role="option"><span>Total downloads</span>'
        '<h3 title="424242">424K</h3></li></template></qbsearch-input>'
    )
    parts.append(st.tag("a", [("href", "/login?return_to=%2Forgs%2Ffluxcd%2Fpackages")], "Sign in"))
    parts.append(st.tag("a", [("href", "/signup?ref_cta=Sign+up&source=header")], "Sign up"))
    parts.append("</header>")
    return st.ws().join(parts)


def _footer(st: _Style) -> str:
    cols = ["Platform", "Ecosystem", "Support", "Company"]
    items = ["Features", "Security", "Enterprise", "Pricing", "API", "Partners", "Docs", "Status", "About", "Blog", "Careers", "Press"]
    out = ['<footer class="footer pt-8 pb-6 f6 color-fg-muted" role="contentinfo"><h2 class="sr-only">Footer</h2>']
    for c in cols:
        out.append(f"<nav aria-label=\"{c}\"><h3>{c}</h3><ul>")
        out.extend("<li>" + st.tag("a", [("href", f"https://github.com/{i.lower()}")], i) + "</li>" for i in items)
        out.append("</ul></nav>")
    out.append("<ul>" + "".join("<li>" + st.tag("a", [("href", f"https://x.example/{n}"), ("aria-label", n)], _octicon(st, n)) + "</li>" for n in ("twitter", "youtube", "linkedin", "mastodon")) + "</ul>")
    out.append("<div>&copy; 2026 GitHub,&nbsp;Inc. <a href=\"/site/terms\">Terms</a> &middot; <a href=\"/site/privacy\">Privacy</a></div></footer>")
    return st.ws().join(out)


def _json_script(st: _Style, data: object, *, attrs: list[tuple[str, str | None]] | None = None) -> str:
    body = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return f'<script type="application/json"{st.attrs(attrs or [])}>{body}</script>'


def _decoy_payload(st: _Style, n: int) -> dict:
    """React/Turbo payloads that repeat the page's words and markup as data."""
    r = st.rng
    return {
        "payload": {
            "labels": {"total": "Total downloads", "chart": CHART_LABEL, "published": "Last published"},
            "preview": f'<span>Total downloads</span><h3 title="{r.randrange(10**6)}">999</h3>',
            "stats": [{"date": f"2019-01-{d + 1:02d}", "count": r.randrange(10**4)} for d in range(n)],
            "html": '<svg aria-label="Downloads for the last 30 days"><rect data-date="2001-01-01" data-merge-count="7"></rect></svg>',
            "repository": {"nwo": "decoy/not-this-repo", "url": "/decoy/not-this-repo"},
            "install": "docker pull ghcr.io/decoy/not-this:0.0.0",
        },
        "appPayload": {"helpUrl": "https://docs.github.com", "enabled_features": {f"feature_{i}": bool(i % 2) for i in range(n)}},
        "title": "Total downloads",
    }


_WORDS = "flux gitops kubernetes controller source kustomize helm reconcile manifests cluster oci artifact image tag registry".split()


def _inline_js(st: _Style, n: int) -> str:
    r = st.rng
    lines = ["(function(){'use strict';"]
    for i in range(n):
        w = r.choice(_WORDS)
        lines.append(
            f"var {w}{i}=document.querySelector('[data-target=\"{w}.{i}\"]');"
            f"if({w}{i}&&{w}{i}.textContent.indexOf('Total downloads')>=0){{{w}{i}.innerHTML='<h3 title=\"999\">999</h3>';}}"
            f"window.__stats{i}=\"<rect data-date='2000-01-01' data-merge-count='{r.randrange(999)}'>\"+(1<2&&3>2);"
        )
    lines.append("})();")
    return "<script>" + "\n".join(lines) + "</script>"


def _noise_block(st: _Style, i: int) -> str:
    """One chunk of filler of the kinds GitHub pages carry; alternates by index."""
    r = st.rng
    kind = i % 6
    if kind == 0:
        return _json_script(st, _decoy_payload(st, 40), attrs=[("data-target", "react-app.embeddedData")])
    if kind == 1:
        return "<div hidden>" + "".join(_octicon(st, r.choice(_WORDS)) for _ in range(12)) + "</div>"
    if kind == 2:
        return _inline_js(st, 25)
    if kind == 3:
        return (
            "<!-- cached fragment: <span>Total downloads</span><h3 title=\"31337\">31K</h3> -->"
            + st.tag("template", [("id", f"tmpl-{i}")], "<span>Total downloads</span><h3 title=\"5\">5</h3>", cls=False)
            + st.tag("textarea", [("hidden", None), ("aria-label", "debug")], "&lt;h3 title=&quot;8&quot;&gt; Total downloads <h3 title=\"8\">")
        )
    if kind == 4:
        # A contribution-calendar-like chart: rects with data-date that are not the download chart.
        rects = "".join(
            f'<rect width="10" height="10" x="{d * 12}" y="0" data-date="2024-02-{d + 1:02d}" data-level="{d % 4}" data-merge-count="{d * 3}"></rect>'
            for d in range(28)
        )
        return f'<div hidden><svg width="400" height="12" aria-label="Contribution activity">{rects}</svg></div>'
    words = " ".join(r.choice(_WORDS) for _ in range(120))
    return st.tag("div", [("hidden", None), ("data-hydro-view", json.dumps({"event_type": "page_view", "payload": {"words": words}}))], "")


def _pad(st: _Style, page: str, noise_kb: int, before: float = 0.0) -> str:
    """Fill the page with filler until it is about `noise_kb` + 20 KB long (a page's core is
    50-60 KB): the share `before` ahead of the main content, the rest after it."""
    target = (noise_kb + 20) * 1024
    blocks: list[str] = []
    size = len(page)
    i = 0
    while size < target:
        b = _noise_block(st, i)
        blocks.append(b)
        size += len(b)
        i += 1
    cut = round(len(blocks) * before)
    page = page.replace(_BEFORE, st.ws().join(blocks[:cut]) if cut else "", 1)
    return page.replace(_AFTER, st.ws().join(blocks[cut:]), 1)


def _head(st: _Style, title: str, og_url: str) -> str:
    metas = [
        '<meta charset="utf-8">',
        '<link rel="dns-prefetch" href="https://github.githubassets.com">',
        '<link rel="preconnect" href="https://avatars.githubusercontent.com">',
    ]
    metas += [
        f'<link crossorigin="anonymous" media="all" rel="stylesheet" href="https://github.githubassets.com/assets/{n}-{st.rng.randrange(16**12):012x}.css" />'
        for n in ("light", "dark", "primer-primitives", "primer", "global", "github", "packages")
    ]
    metas += [
        f'<script crossorigin="anonymous" defer="defer" type="application/javascript" src="https://github.githubassets.com/assets/{n}-{st.rng.randrange(16**12):012x}.js"></script>'
        for n in ("wp-runtime", "vendors-node_modules_github_selector-observer", "ui_packages_soft-nav", "behaviors", "packages")
    ]
    metas += [
        f"<title>{html.escape(title)}</title>",
        '<meta name="viewport" content="width=device-width">',
        f'<meta property="og:url" content="{html.escape(og_url)}">',
        '<meta property="og:site_name" content="GitHub">',
        '<meta name="request-id" content="' + hashlib.sha1(og_url.encode()).hexdigest()[:24].upper() + '">',
        '<meta name="github-keyboard-shortcuts" content="" data-turbo-transient="true" />',
        '<meta name="turbo-cache-control" content="no-preview" data-turbo-transient="">',
    ]
    env = {"locale": "en", "featureFlags": [f"flag_{i}" for i in range(60)], "login": None, "copy": {"totalDownloads": "Total downloads"}}
    metas.append(_json_script(st, env, attrs=[("id", "client-env")]))
    metas.append(_inline_js(st, 8))
    metas.append("<style>.tmp-mb-1{margin-bottom:4px}/* <h3 title=\"1\"> Total downloads */</style>")
    return "<head>" + st.ws().join(metas) + "</head>"


_BEFORE, _AFTER = "<!--NOISE-BEFORE-->", "<!--NOISE-->"


def _document(st: _Style, title: str, og_url: str, main: str, noise_kb: int, before: float = 0.0) -> str:
    page = (
        '<!DOCTYPE html>\n<html lang="en" data-color-mode="auto" data-light-theme="light" data-dark-theme="dark" data-a11y-animated-images="system">\n'
        + _head(st, title, og_url)
        + '\n<body class="logged-out env-production page-responsive" style="word-wrap: break-word;">\n'
        + '<div data-turbo-body class="logged-out env-production page-responsive">\n'
        + _header(st)
        + '\n<div id="start-of-content" class="show-on-focus"></div>\n'
        + '<div id="js-flash-container" class="flash-container" data-turbo-replace></div>\n'
        + st.tag("main", [("id", "js-pjax-container")], _BEFORE + st.ws() + main + st.ws() + _AFTER)
        + "\n"
        + _footer(st)
        + "\n</div>\n</body>\n</html>\n"
    )
    if noise_kb > 0:
        return _pad(st, page, noise_kb, before)
    return page.replace(_BEFORE, "", 1).replace(_AFTER, "", 1)


def _org_header(st: _Style, owner: str, owner_kind: str) -> str:
    tabs = [("Overview", f"/{owner}"), ("Repositories", f"/orgs/{owner}/repositories"), ("Packages", f"/orgs/{owner}/packages"), ("People", f"/orgs/{owner}/people")]
    nav = "".join(
        st.tag("a", [("href", href)] + ([("aria-current", "page")] if t == "Packages" else []), _octicon(st, t.lower()) + f"<span>{t}</span>")
        for t, href in tabs
    )
    return st.tag(
        "div",
        [("itemscope", None), ("itemtype", "http://schema.org/Organization")],
        st.void("img", [("src", "https://avatars.githubusercontent.com/u/52158677?s=200&v=4"), ("alt", f"@{owner}"), ("width", "100")])
        + st.tag("h1", [], html.escape(owner))
        + st.tag("nav", [("aria-label", "Organization")], nav),
    )


# --- package page -------------------------------------------------------------------------

# Class strings of the captured pages (2026-08/09), used as they are for seed 0.
_K = {
    "stats-1": "container-lg d-flex clearfix",
    "stats-2": "container-lg tmp-my-3 d-flex clearfix",
    "stat": "lh-condensed d-flex flex-column flex-items-baseline",
    "label": "d-block color-fg-muted text-small mb-1",
    "total-label": "d-block color-fg-muted text-small tmp-mb-1",
    "chart": "lh-condensed d-inline-flex flex-column flex-items-baseline tooltipped tooltipped-s tmp-mt-3",
    "row": "Box-row",
    "alias": "Label Label--success mr-1 mb-2",
    "tag": "Label mr-1 mb-2 text-normal",
    "count": "d-flex flex-items-center gap-1 color-fg-muted overflow-hidden f6 tmp-mr-3",
}


def _real(st: _Style, key: str) -> list[tuple[str, str | None]]:
    """The real page's class for seed 0; other seeds rename it, as GitHub does without notice."""
    return [("class", _K[key] if not st.seed else st.cls(st.rng.randint(1, 3)))]


def _lines(name: str, attrs: list[tuple[str, str]], indent: str) -> str:
    """A tag with one attribute per line, as GitHub's 2026-09 markup writes svg and rect."""
    return f"<{name}" + "".join(f'\n{indent}    {k}="{v}"' for k, v in attrs) + ">"


def _chart(st: _Style, daily: list[tuple[str, int]]) -> str:
    """The sidebar chart: a div labelled "Downloads for the last 30 days" holding an svg of 30
    rects, newest first, attributes in GitHub's order."""
    peak = max([c for _, c in daily] + [1])
    rects = []
    for i, (date, count) in enumerate(reversed(daily)):
        h = round(24 * count / peak)
        attrs = [("x", str(120 - 4 * i)), ("y", str(24 - h)), ("data-merge-count", str(count)), ("data-date", date),
                 ("width", "2"), ("height", str(h)), ("rx", "1"), ("fill", "#28A745")]
        rects.append("\n                " + _lines("rect", attrs, "                ") + "</rect>")
    svg = _lines("svg", [("width", "120"), ("height", "24"), ("viewBox", "0 0 120 24"), ("fill", "none"), ("xmlns", "http://www.w3.org/2000/svg")], "            ")
    return st.tag("div", _real(st, "chart") + [("aria-label", CHART_LABEL)], f"\n            {svg}{''.join(rects)}\n            </svg>\n          ", cls=False)


def _stat(st: _Style, key: str, label: str, title: str | None, text: str) -> str:
    h3 = f'<h3 title="{html.escape(title)}">{html.escape(text)}</h3>' if title is not None else f"<h3>{html.escape(text)}</h3>"
    return st.tag("div", _real(st, "stat"), st.ws() + st.tag("span", _real(st, key), label, cls=False) + st.ws() + h3 + st.ws(), cls=False)


def _published_on_page(pkg: Package, seed: int) -> str:
    """`last_published` as the page writes it: local time with its offset (GitHub renders
    US Pacific, -08:00 in winter); other seeds use other offsets and `Z`."""
    offset = ["-08:00", "-07:00", "Z", "+05:30", "+00:00", "-03:30"][seed % 6]
    when = _dt.datetime.fromisoformat(pkg.last_published.replace("Z", "+00:00"))
    if offset == "Z":
        return when.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    sign = -1 if offset[0] == "-" else 1
    tz = _dt.timezone(sign * _dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:])))
    return when.astimezone(tz).isoformat()


def _stats(st: _Style, pkg: Package, exact: bool, comma_title: bool) -> str:
    """The sidebar statistics as GitHub renders them: "Last published" and "Issues" (h3s with
    titles, the decoys beside the total), then "Total downloads" and, as a sibling of its
    column, the 30-day chart."""
    first = []
    if pkg.last_published:
        try:
            days = (END_DATE - _dt.date.fromisoformat(pkg.last_published[:10])).days
            title, text = _published_on_page(pkg, st.seed), f"{days} days ago"
        except ValueError:  # GitHub changed how it writes the date: as given
            title, text = pkg.last_published, "recently"
        first.append(_stat(st, "label", "\n                Last published\n            ", title, text))
    first.append(_stat(st, "label", "Issues", "0", "0"))
    title = (_grouped(pkg.total) if comma_title else str(pkg.total)) if exact else None
    total = _stat(st, "total-label", "Total downloads", title, display_count(pkg.total))
    return st.tag(
        "div",
        [],
        st.tag("div", _real(st, "stats-1"), "".join(first), cls=False)
        + st.ws()
        + st.tag("div", _real(st, "stats-2"), total + st.ws() + _chart(st, pkg.daily), cls=False),
        cls=False,
    )


def expected_page(pkg: Package, *, seed: int = 0) -> PackagePage:
    """What a correct reader gets from `package_page(pkg, seed=seed)`, in the app's model: the
    records the parser's WIT defines, not a spelling of their own."""
    return PackagePage(
        total_downloads=pkg.total,
        total_exact=True,
        display_total=display_count(pkg.total),
        daily_downloads=[DailyCount(d, c) for d, c in pkg.daily],
        last_published=_published_on_page(pkg, seed) if pkg.last_published else None,
        repository=pkg.repository,
        latest_version=pkg.latest_version,
        recent_versions=[TaggedVersion(*v) for v in tagged_versions(pkg)[:RECENT_SHOWN]],
    )


def version_ids(pkg: Package) -> list[int]:
    """GitHub's version ids for `pkg.versions` (newest first, so descending)."""
    base = 1_000_000_000 + int(hashlib.sha256(pkg.name.encode()).hexdigest()[:6], 16)
    return [base - 997 * i for i in range(len(pkg.versions))]


def tagged_versions(pkg: Package) -> list[tuple[int, list[str], int]]:
    """(id, tags, downloads) as the pages list them: the newest version also carries the
    moving tag `latest` when `pkg.latest_alias`."""
    out = []
    for i, (vid, (tag, n)) in enumerate(zip(version_ids(pkg), pkg.versions)):
        tags = ["latest", tag] if i == 0 and pkg.latest_alias and tag != "latest" else [tag]
        out.append((vid, tags, n))
    return out


def _version_row(st: _Style, pkg: Package, vid: int, tags: list[str], downloads: int, published: str) -> str:
    """A row as the package page's "Recent tagged image versions" box and the versions pages
    show it: tag links to `…/<name>/<id>?tag=<tag>`, the digest behind an expander, and the
    count as bare text before the screen-reader label "Version downloads"."""
    base = f"/{pkg.owner_kind}/{pkg.owner}/packages/container/{_enc(pkg.name)}/{vid}"
    links = "".join(
        st.tag("a", _real(st, "alias" if t == "latest" else "tag") + [("href", f"{base}?tag={quote(t)}")], html.escape(t), cls=False) + st.ws()
        for t in tags
    )
    digest = "sha256:" + hashlib.sha256(f"{pkg.name}:{vid}".encode()).hexdigest()
    details = (
        f"<small>{st.ws()}{published} · Digest{st.ws()}<span><span><button type=\"button\" aria-expanded=\"false\">&hellip;</button></span>"
        f"<div hidden><code><span><clipboard-copy aria-label=\"Copy\" value=\"{digest}\"><span>{digest}</span>{_octicon(st, 'copy')}</clipboard-copy></span></code></div></span></small>"
    )
    count = st.tag("span", _real(st, "count"), _octicon(st, "download") + f"\n\n    {_grouped(downloads)}\n\n    " + '<span class="sr-only">Version downloads</span>', cls=False)
    inner = st.tag("div", [], st.tag("div", [], st.tag("div", [], links) + st.tag("div", [], details)) + st.tag("div", [], count))
    return st.tag("li", _real(st, "row"), inner, cls=False)


def _recent_versions(st: _Style, pkg: Package) -> str:
    rows = [_version_row(st, pkg, vid, tags, n, f"Published {3 + 4 * i} days ago") for i, (vid, tags, n) in enumerate(tagged_versions(pkg)[:RECENT_SHOWN])]
    header_id = f"header-{hashlib.sha1(pkg.name.encode()).hexdigest()[:8]}"
    return st.tag(
        "div",
        [],
        st.tag("div", [("id", header_id)], st.tag("h3", [], "Recent tagged image versions"))
        + st.tag("ul", [("aria-labelledby", header_id)], st.ws().join(rows), cls=False)
        + st.tag("div", [], st.tag("a", [("href", f"/{pkg.owner_kind}/{pkg.owner}/packages/container/{_enc(pkg.name)}/versions")], "View and manage all versions", cls=False)),
    )


def _install(st: _Style, pkg: Package) -> str:
    """The install command as GitHub splits it over spans, then the per-platform commands
    (digest-pinned) in a hidden tab."""
    image = f"ghcr.io/{pkg.owner.lower()}/{pkg.name}"
    ref = f":{pkg.latest_version}" if pkg.latest_version else f"@sha256:{hashlib.sha256(pkg.name.encode()).hexdigest()}"

    def command(suffix: str) -> str:
        return (
            f'<clipboard-copy aria-label="Copy" data-copy-feedback="Copied!" role="button" tabindex="0" value="{html.escape("docker pull " + image + suffix)}">'
            f'\n  <span class="color-fg-muted">$</span>\n  docker pull ghcr.io/\n  <span class="color-fg-done">{html.escape(pkg.owner.lower())}</span>\n  /\n'
            f'  <span class="color-fg-done">{html.escape(pkg.name)}</span>\n  <span class="color-fg-done">{html.escape(suffix)}</span>\n'
            f"  {_octicon(st, 'copy')}{_octicon(st, 'check')}\n</clipboard-copy>"
        )

    platform = ref + "@sha256:" + hashlib.sha256(f"{pkg.name}/amd64".encode()).hexdigest() if pkg.latest_version else ref
    return st.tag(
        "tab-container",
        [],
        st.tag("nav", [("role", "tablist"), ("aria-label", "Container instructions")],
               st.tag("button", [("role", "tab")], "Installation") + st.tag("button", [("role", "tab")], 'OS / Arch <span title="2" class="Counter">2</span>'))
        + st.tag("div", [("role", "tabpanel")], st.tag("h5", [], "Install from the command line") + f"<code><span>{command(ref)}</span></code>")
        + st.tag("div", [("role", "tabpanel"), ("hidden", None)], "<small>linux/amd64</small>" + f"<code><span>{command(platform)}</span></code>"),
    )


def _uh_oh(st: _Style) -> str:
    """GitHub's hidden error blocks (their h3s are decoys too)."""
    return st.tag("div", [("data-show-on-forbidden-error", None), ("hidden", None)], st.tag("h3", [], "\n  Uh oh!\n") + st.tag("p", [], "There was an error while loading."))


def _details(st: _Style, pkg: Package) -> str:
    """The sidebar's "Details": the owner, the repository (linked, reading its name only), the licence."""
    items = [st.tag("li", [], st.tag("a", [("href", f"https://github.com/{pkg.owner}")], html.escape(pkg.owner)))]
    if pkg.repository:
        items.append(st.tag("li", [], st.tag("a", [("href", f"https://github.com/{pkg.repository}")], _octicon(st, "repo") + "\n\n  " + html.escape(pkg.repository.split("/")[1]) + "\n")))
        items.append(st.tag("li", [], st.tag("a", [("href", f"/{pkg.repository}/stargazers")], _octicon(st, "star") + f"<strong>{st.rng.randint(1, 9000)}</strong> stars")))
    items.append(st.tag("li", [], "<small>Apache License 2.0</small>"))
    return st.tag("h4", [], "Details") + st.tag("ul", [], "".join(items))


def _repo_header(st: _Style, pkg: Package) -> str:
    """The repository header of a repository-linked package page: breadcrumbs and the repository's tabs."""
    if not pkg.repository:
        return _org_header(st, pkg.owner, pkg.owner_kind)
    owner, repo = pkg.repository.split("/")
    crumbs = st.tag("nav", [("aria-label", "Breadcrumbs")], st.tag("a", [("href", f"/{owner}")], html.escape(owner)) + " / " + st.tag("a", [("href", f"/{pkg.repository}")], html.escape(repo)))
    tabs = "".join(st.tag("a", [("href", f"/{pkg.repository}{suffix}")], _octicon(st, name.lower()) + f"<span>{name}</span>") for name, suffix in (("Code", ""), ("Issues", "/issues"), ("Pull requests", "/pulls"), ("Actions", "/actions")))
    return crumbs + st.tag("nav", [("aria-label", "Repository")], tabs)


def _readme(st: _Style, pkg: Package) -> str:
    r = st.rng
    paras = []
    for h in ("Installation", "Usage", "Total downloads and statistics", "Contributing"):
        paras.append(st.tag("h3", [("dir", "auto")], h))
        paras.append(st.tag("p", [("dir", "auto")], " ".join(r.choice(_WORDS) for _ in range(60)) + " &mdash; see the total downloads of this image."))
        paras.append(f"<pre><code>kubectl apply -k github.com/{pkg.repository or 'x/y'}//manifests &amp;&amp; echo &quot;ok&quot;</code></pre>")
    return st.tag("article", [("itemprop", "text")], "".join(paras))


def package_page(pkg: Package, *, exact: bool = True, comma_title: bool = False, seed: int = 0, noise_kb: int = 280, filler_before: float = 0.0) -> str:
    """A package page shaped like the captured ones: title, install command, the recent
    versions box, then the sidebar (details, statistics, chart). `exact=False` omits the
    total's h3 title (display value only); `filler_before` is the share of the filler
    (embedded app data, scripts, icons) put ahead of the package content instead of after it."""
    st = _Style(seed)
    path = package_path(pkg.owner, pkg.name, pkg.owner_kind)
    title = st.tag(
        "h1",
        [],
        f"<span>{_octicon(st, 'container')}</span>"
        + st.tag("span", [], html.escape(pkg.name))
        + (st.tag("span", [], html.escape(pkg.latest_version)) if pkg.latest_version else "")
        + st.tag("span", [("title", "Label: Visibility")], "Public")
        + st.tag("span", [("title", "Label: Latest")], "Latest"),
    )
    content = st.tag("div", [], _install(st, pkg) + st.ws() + _recent_versions(st, pkg) + st.ws() + _readme(st, pkg) + _uh_oh(st))
    sidebar = st.tag("div", [], _details(st, pkg) + '<hr class="tmp-my-3">' + st.ws() + _stats(st, pkg, exact, comma_title) + _uh_oh(st))
    main = _repo_header(st, pkg) + st.ws() + st.tag("div", [], title) + st.ws() + st.tag("div", [], content + st.ws() + sidebar)
    return _document(st, f"Package {pkg.name} · GitHub", "https://github.com" + path, main, noise_kb, filler_before)


# --- listing and versions -----------------------------------------------------------------
# No real copy of these pages exists; they take each shape public scrapers have met.

PAGINATION = ("rel-next", "next-text", "total-pages")


def _pagination(st: _Style, href_of, pages: int, page: int, style: str = "rel-next") -> str:
    """"Previous 1 2 3 Next": the next link as `rel="next"` (labelled "Next Page"), a link
    reading "Next" only, or will_paginate's `<em data-total-pages>` current page beside
    numbered links."""
    if pages <= 1:
        return ""
    parts = [st.tag("a", [("rel", "prev"), ("href", href_of(page - 1)), ("aria-label", "Previous Page")], "Previous") if page > 1 else st.tag("span", [("aria-disabled", "true")], "Previous")]
    for p in range(1, pages + 1):
        if p == page:
            marks = [("data-total-pages", str(pages))] if style == "total-pages" else [("aria-current", "page")]
            parts.append(st.tag("em", marks, str(p)))
        else:
            parts.append(st.tag("a", [("aria-label", f"Page {p}"), ("href", href_of(p) if style == "total-pages" else "#")], str(p)))
    if style == "total-pages":
        pass  # no next link: the reader counts pages
    elif page == pages:
        parts.append(st.tag("span", [("aria-disabled", "true")], "Next"))
    elif style == "rel-next":
        parts.append(st.tag("a", [("rel", "next"), ("href", href_of(page + 1)), ("aria-label", "Next Page")], "Next"))
    else:
        parts.append(st.tag("a", [("href", href_of(page + 1))], "Next"))
    return st.tag("div", [("role", "navigation"), ("aria-label", "Pagination")], "".join(parts))


def listing_page(
    owner: str,
    packages: list[Package],
    *,
    page: int = 1,
    per_page: int = 3,
    owner_kind: str = "orgs",
    seed: int = 0,
    noise_kb: int = 120,
    link: str = "package",
    repository_as: str = "link",
    pagination: str = "rel-next",
) -> str:
    """Page `page` of an owner's package listing: `li` rows, each a link to the package page
    (`link="package"`: `/<kind>/<owner>/packages/container/package/<name>`; `"repository"`:
    `a.Link--primary[title]` to `/<owner>/<repo>/pkgs/container/<name>`) and "… in
    owner/repo" (`repository_as="link"` or `"text"`); `pagination` one of PAGINATION."""
    st = _Style(seed)
    pages = max(1, -(-len(packages) // per_page))
    rows = []
    for pkg in packages[(page - 1) * per_page : page * per_page]:
        if link == "repository" and pkg.repository:
            anchor = st.tag("a", [("class", "Link--primary"), ("title", pkg.name), ("href", f"/{pkg.repository}/pkgs/container/{_enc(pkg.name)}")], html.escape(pkg.name), cls=False)
        else:
            anchor = st.tag("a", [("href", package_path(owner, pkg.name, owner_kind)), ("title", pkg.name)], html.escape(pkg.name))
        in_repo = ""
        if pkg.repository:
            in_repo = " in " + (st.tag("a", [("href", f"/{pkg.repository}")], html.escape(pkg.repository)) if repository_as == "link" else html.escape(pkg.repository))
        rows.append(
            st.tag(
                "li",
                _real(st, "row"),
                st.tag("div", [], _octicon(st, "package") + anchor)
                + st.tag("p", [], f'Published <relative-time datetime="{pkg.last_published or "2026-01-01T00:00:00Z"}">recently</relative-time> by '
                         + st.tag("a", [("href", f"/{owner}")], owner) + in_repo)
                + st.tag("span", [], _octicon(st, "download") + " " + display_count(pkg.total)),
                cls=False,
            )
        )
    if rows:
        body = st.tag("ul", [("data-testid", "package-list")], st.ws().join(rows))
    else:
        body = st.tag("div", [], st.tag("h3", [], "No packages"))
    main = (
        _org_header(st, owner, owner_kind)
        + st.tag("div", [], st.tag("h2", [], "Packages") + st.tag("a", [("href", f"/{owner_kind}/{owner}/packages?ecosystem=container&visibility=public")], "Container"))
        + body
        + _pagination(st, lambda p: f"/{owner_kind}/{owner}/packages?page={p}" if p > 1 else listing_path(owner, 1, owner_kind), pages, page, pagination)
    )
    return _document(st, f"Packages · {owner} · GitHub", "https://github.com" + listing_path(owner, page, owner_kind), main, noise_kb)


def versions_page(pkg: Package, *, page: int = 1, per_page: int = 10, seed: int = 0, noise_kb: int = 120, pagination: str = "rel-next") -> str:
    """Page `page` of a package's tagged versions, rows as on the package page."""
    st = _Style(seed)
    kind, owner = pkg.owner_kind, pkg.owner
    pages = max(1, -(-len(pkg.versions) // per_page))
    start = (page - 1) * per_page
    rows = [
        _version_row(st, pkg, vid, tags, n, f"Published on Jan {i % 28 + 1}, 2025")
        for i, (vid, tags, n) in enumerate(tagged_versions(pkg)[start : start + per_page], start)
    ]
    body = st.tag("ul", [], st.ws().join(rows)) if rows else st.tag("div", [], st.tag("h3", [], "No tagged versions"))
    main = (
        _org_header(st, owner, kind)
        + st.tag("div", [], st.tag("h2", [], st.tag("a", [("href", package_path(owner, pkg.name, kind))], html.escape(pkg.name)) + " versions")
                 + st.tag("a", [("href", versions_path(owner, pkg.name, 1, kind))], "Tagged")
                 + st.tag("a", [("href", f"/{kind}/{owner}/packages/container/{_enc(pkg.name)}/versions?filters%5Bversion_type%5D=untagged")], "Untagged"))
        + body
        + _pagination(st, lambda p: versions_path(owner, pkg.name, p, kind), pages, page, pagination)
    )
    return _document(st, f"Package {pkg.name} versions · GitHub", "https://github.com" + versions_path(owner, pkg.name, page, kind), main, noise_kb)


# --- other pages --------------------------------------------------------------------------


def not_found_page(seed: int = 0) -> str:
    """GitHub's 404 page ("This is not the web page you are looking for")."""
    st = _Style(seed)
    parallax = "".join(
        f'<img alt="" class="js-plaxify position-absolute" data-invert="true" data-xrange="{r}" data-yrange="{r // 2}" height="{h}" width="{w}" '
        f'src="https://github.githubassets.com/assets/404-{n}-{st.rng.randrange(16**8):08x}.png" style="top: {t}px; left: {l}px; z-index: {z};">'
        for n, r, h, w, t, l, z in (("shadow", 20, 49, 166, 249, 694, 8), ("octocat", 10, 230, 188, 94, 717, 9), ("speeder", 10, 156, 440, 150, 271, 9), ("building1", 50, 123, 304, 73, 1024, 6))
    )
    main = (
        '<div class="position-relative overflow-hidden" id="parallax_wrapper" style="height: 370px;">'
        '<div class="container-lg px-3 position-relative"><img alt="404 &ldquo;This is not the web page you are looking for&rdquo;" '
        'src="https://github.githubassets.com/images/modules/404/parallax_errortext.png" width="271" height="249">'
        + parallax
        + "</div></div>"
        + '<div class="container-lg p-responsive"><p>Find code, projects, and people on GitHub:</p>'
        + '<form accept-charset="UTF-8" action="/search" method="get"><input type="text" name="q" aria-label="Search"><button type="submit">Search</button></form>'
        + '<p><a href="https://support.github.com">Contact Support</a> &mdash; <a href="https://www.githubstatus.com">GitHub Status</a> &mdash; <a href="https://x.com/githubstatus">@githubstatus</a></p></div>'
    )
    return _document(st, "Page not found · GitHub · GitHub", "https://github.com/404", main, 40)


def login_page(seed: int = 0) -> str:
    """The sign-in wall GitHub shows instead of a page."""
    st = _Style(seed)
    main = (
        '<div class="auth-form px-3" id="login"><form action="/session" accept-charset="UTF-8" method="post">'
        '<input type="hidden" name="authenticity_token" value="x">'
        "<h1>Sign in to GitHub</h1>"
        '<label for="login_field">Username or email address</label><input type="text" name="login" id="login_field">'
        '<label for="password">Password</label><input type="password" name="password" id="password">'
        '<input type="submit" name="commit" value="Sign in"></form></div>'
    )
    return _document(st, "Sign in to GitHub · GitHub", "https://github.com/login", main, 20)


# --- the catalogue ------------------------------------------------------------------------

END_DATE = _dt.date(2026, 2, 27)


def _series(name: str, level: int) -> list[tuple[str, int]]:
    r = random.Random("daily:" + name)
    out = []
    for i in range(30):
        day = END_DATE - _dt.timedelta(days=29 - i)
        weekend = 0.55 if day.weekday() >= 5 else 1.0
        out.append((day.isoformat(), max(0, int(level * weekend * r.uniform(0.7, 1.3)))))
    return out


def _versions(name: str, latest: str, total: int, n: int) -> list[tuple[str, int]]:
    r = random.Random("versions:" + name)
    major, minor, patch = (int(x) for x in latest.lstrip("v").split("."))
    tags = []
    for _ in range(n):
        tags.append(f"v{major}.{minor}.{patch}")
        if patch:
            patch -= 1
        elif minor:
            minor, patch = minor - 1, r.randint(0, 4)
        else:
            break
    # Older versions have accumulated more; the sum stays well under the total.
    share = total // (3 * len(tags))
    return [(t, int(share * r.uniform(0.2, 1.8) * (1 + i / len(tags)))) for i, t in enumerate(tags)]


def fluxcd_catalog() -> list[Package]:
    """Flux's packages with realistic (fixed) numbers; source-controller exceeds 2**32 downloads."""
    spec = [
        # name, total, daily level, latest, repository
        ("flux-cli", 412_733_118, 890_000, "v2.7.5", "fluxcd/flux2"),
        ("source-controller", 27_182_818_284, 41_500_000, "v1.7.4", "fluxcd/source-controller"),
        ("kustomize-controller", 3_141_592_653, 5_300_000, "v1.7.3", "fluxcd/kustomize-controller"),
        ("helm-controller", 2_236_067_977, 3_900_000, "v1.4.5", "fluxcd/helm-controller"),
        ("notification-controller", 1_414_213_562, 2_450_000, "v1.7.5", "fluxcd/notification-controller"),
        ("image-reflector-controller", 161_803_398, 310_000, "v1.0.4", "fluxcd/image-reflector-controller"),
        ("image-automation-controller", 144_269_504, 275_000, "v1.0.4", "fluxcd/image-automation-controller"),
        ("charts/flagger", 9_876_543, 14_200, "v1.42.0", "fluxcd/flagger"),
        ("flux-manifests", 57_721_566, 120_000, "v2.7.5", "fluxcd/flux2"),
        ("flagger", 98_765_432, 160_000, "v1.42.0", "fluxcd/flagger"),
        ("source-watcher", 950, 31, "v2.0.2", "fluxcd/source-watcher"),
    ]
    out = []
    for i, (name, total, level, latest, repo) in enumerate(spec):
        out.append(
            Package(
                owner="fluxcd",
                name=name,
                total=total,
                daily=_series(name, level),
                repository=repo,
                latest_version=latest,
                last_published=f"2026-02-{20 + i % 8:02d}T{(7 + 3 * i) % 24:02d}:{(13 * i) % 60:02d}:0{i % 10}Z",
                versions=_versions(name, latest, total, 24),
            )
        )
    return out


def catalog() -> list[Package]:
    """Flux's packages, plus a user-owned one (GitHub serves users under /users/...)."""
    user = fluxcd_catalog()[0]
    return fluxcd_catalog() + [
        Package("stefanprodan", "podinfo", 31_415_926, user.daily, "stefanprodan/podinfo", "6.9.2", owner_kind="users")
    ]
