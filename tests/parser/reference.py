"""A second implementation of the parser's reading rules, on CPython's `html.parser`, for
differential tests: the component must give the same values (or the same error kind) on
generated and mutated pages. It is written from the rules in the crate's module docs, not
from its code, and it is slow; nothing else uses it.

Rules, shared by both:
* only rendered content counts: script/style/textarea/title/noscript/... content, comments
  and `<template>` contents are skipped;
* a label and what it labels have only tags and whitespace between them;
* package page: total = h3 after "Total downloads" (title exact, text display, the two must
  agree); chart = svg labelled "Downloads for the last 30 days" (aria-label on it or a
  wrapper, or heading text before it); last published = `relative-time`/`time` datetime after
  "Last published"; repository = first `<a href="/o/r">o/r</a>`; latest version = tag of the
  install command `docker pull ghcr.io/...`; scanning stops once all are found;
* listing: rows are links to package pages, a row's repository the first `o/r` link after it;
* versions: rows are links to tagged versions, a row's downloads the first count text in it
  outside its links;
* next page: `<a rel="next">` or `aria-label="Next Page"`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ghcr_stats.pages import (
    DailyCount,
    ListedPackage,
    ListingPage,
    PackagePage,
    ParseError,
    VersionCount,
    VersionsPage,
)

TOTAL = "Total downloads"
CHART = "Downloads for the last 30 days"
PUBLISHED = "Last published"
RAW = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript")
ASCII_WS = " \t\n\r\f"


def ascii_lower(s: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in s)


def same_words(a: str, b: str) -> bool:
    return [ascii_lower(w) for w in a.split()] == [ascii_lower(w) for w in b.split()]


def blank(t: str) -> bool:
    return t.strip(ASCII_WS) == ""


def collapse(t: str) -> str:
    return " ".join(t.split())


class Events(HTMLParser):
    """Rendered content as ("start", tag, attrs, self_closing) / ("end", tag) / ("text", t)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []
        self.template = 0
        self.svg = 0
        self.raw: str | None = None

    def _start(self, tag, attrs, self_closing):
        if self.raw:
            return
        if tag == "template":
            self.template += 1
            return
        if tag in ("svg", "math") and not self_closing:
            self.svg += 1
        if tag in RAW and self.svg == 0:
            self.raw = tag
            self.set_cdata_mode(tag)
        if self.template:
            return
        first = {}
        for k, v in attrs:
            first.setdefault(k, "" if v is None else v)
        self.events.append(("start", tag, first, self_closing))

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, True)

    def handle_endtag(self, tag):
        if self.raw:
            if tag != self.raw:
                return
            self.raw = None
        if tag == "template":
            self.template = max(0, self.template - 1)
            return
        if tag in ("svg", "math") and self.svg:
            self.svg -= 1
        if not self.template:
            self.events.append(("end", tag))

    def handle_data(self, data):
        if self.raw or self.template:
            return
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + data)
        else:
            self.events.append(("text", data))


def events(html: str) -> list[tuple]:
    p = Events()
    p.feed(html)
    p.close()
    return p.events


# --- counts -------------------------------------------------------------------------------

U64 = 2**64 - 1


def parse_exact(s: str) -> int:
    return digits_grouped(s.strip())


def digits_grouped(s: str) -> int:
    if not s or s[0] == "," or s[-1] == ",":
        raise ValueError(s)
    if "," in s:
        groups = s.split(",")
        if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]):
            raise ValueError(s)
    digits = s.replace(",", "")
    if not digits or not all("0" <= c <= "9" for c in digits):
        raise ValueError(s)
    n = int(digits)
    if n > U64:
        raise OverflowError(s)
    return n


UNITS = {"k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}


def parse_display(s: str) -> tuple[int, int]:
    s = s.strip()
    if not s or ascii_lower(s[-1]) not in UNITS:
        return parse_exact(s), 1
    unit = UNITS[ascii_lower(s[-1])]
    number = s[:-1]
    whole, dot, frac = number.partition(".")
    if dot and not frac:
        raise ValueError(s)
    if not all("0" <= c <= "9" for c in frac) or len(frac) > 12 or unit % 10 ** len(frac):
        raise ValueError(s)
    step = unit // 10 ** len(frac)
    value = digits_grouped(whole) * unit + (int(frac) * step if frac else 0)
    if value > U64:
        raise OverflowError(s)
    return value, step


# --- links --------------------------------------------------------------------------------


def site_path(href: str) -> str | None:
    for prefix in ("https://github.com", "http://github.com", "//github.com"):
        if href.startswith(prefix):
            href = href[len(prefix) :]
            break
    return href if href.startswith("/") and not href.startswith("//") else None


def split(href: str):
    p = site_path(href)
    if p is None:
        return None
    p = p.split("#", 1)[0]
    path, q, query = p.partition("?")
    return path[1:], (query if q else None)


NAME = re.compile(r"[A-Za-z0-9_.\-]+\Z")


def is_name(s: str) -> bool:
    return bool(NAME.match(s))


def package_link(href: str) -> str | None:
    sp = split(href)
    if sp is None:
        return None
    s = sp[0].split("/")
    if len(s) == 6 and s[0] in ("orgs", "users") and is_name(s[1]) and s[2:5] == ["packages", "container", "package"] and s[5]:
        return s[5]
    if len(s) == 5 and is_name(s[0]) and is_name(s[1]) and s[2:4] == ["pkgs", "container"] and s[4]:
        return s[4]
    return None


def repo_link(href: str) -> str | None:
    sp = split(href)
    if sp is None or sp[1] is not None:
        return None
    path = sp[0][:-1] if sp[0].endswith("/") else sp[0]
    owner, slash, repo = path.partition("/")
    if slash and is_name(owner) and is_name(repo) and repo not in (".", ".."):
        return path
    return None


def version_link(href: str) -> str | None:
    sp = split(href)
    if sp is None:
        return None
    s, query = sp[0].split("/"), sp[1]
    ok = (len(s) == 6 and s[0] in ("orgs", "users") and is_name(s[1]) and s[2:4] == ["packages", "container"] and s[4] and s[5].isdigit() and s[5].isascii()) or (
        len(s) == 6 and is_name(s[0]) and is_name(s[1]) and s[2:4] == ["pkgs", "container"] and s[4] and s[5].isdigit() and s[5].isascii()
    )
    if not ok or query is None:
        return None
    for kv in query.split("&"):
        if kv.startswith("tag="):
            return percent_decode(kv[4:]) if kv[4:] else None
    return None


def percent_decode(s: str) -> str:
    if "%" not in s:
        return s
    out, b, i = bytearray(), s.encode(), 0
    hexd = b"0123456789abcdefABCDEF"
    while i < len(b):
        if b[i] == 0x25 and i + 2 < len(b) and b[i + 1] in hexd and b[i + 2] in hexd:
            out.append(int(b[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(b[i])
            i += 1
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return s


def next_link(tag: str, attrs: dict) -> str | None:
    if tag != "a":
        return None
    rel = any(ascii_lower(t) == "next" for t in attrs.get("rel", "").split()) if "rel" in attrs else False
    label = "aria-label" in attrs and (same_words(attrs["aria-label"], "Next Page") or same_words(attrs["aria-label"], "Next"))
    href = attrs.get("href")
    if (rel or label) and href and not href.startswith("#"):
        return href
    return None


def install_command(text: str):
    if "docker" not in text:
        return None
    at = text.find("docker pull ")
    if at < 0:
        return None
    rest = text[at + len("docker pull ") :].lstrip()
    image = re.match(r"\S*", rest).group(0)
    return image if image.startswith("ghcr.io/") else None


def image_tag(image: str) -> str | None:
    end = image.find("@")
    end = len(image) if end < 0 else end
    last = image.rfind("/", 0, end)
    if last < 0:
        return None
    colon = image.find(":", last + 1, end)
    if colon < 0 or colon + 1 >= end:
        return None
    return image[colon + 1 : end]


def is_iso_date(s: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", s))


# --- pages --------------------------------------------------------------------------------


def package_page(html: str) -> PackagePage:
    package = total_label = pend_total = pend_pub = False
    total = None  # [title, text, closed]
    chart, depth = "unseen", 0
    daily: list[tuple[str, int]] = []
    published = repository = None
    link = None  # [nwo, text]
    latest, latest_set = None, False

    for ev in events(html):
        if ev[0] == "start":
            _, tag, attrs, sc = ev
            if chart == "in":
                if tag == "svg" and not sc:
                    depth += 1
                elif tag == "rect":
                    date, cnt = attrs.get("data-date"), attrs.get("data-merge-count")
                    if date is not None and cnt is not None:
                        if not is_iso_date(date):
                            raise ParseError("bad-value", date)
                        try:
                            daily.append((date, parse_exact(cnt)))
                        except (ValueError, OverflowError):
                            raise ParseError("bad-value", cnt)
                    elif date is not None or cnt is not None:
                        raise ParseError("bad-value", "half a bar")
                continue
            if chart in ("unseen", "labelled"):
                labelled = "aria-label" in attrs and same_words(attrs["aria-label"], CHART)
                package = package or labelled
                if tag == "svg" and (labelled or chart == "labelled"):
                    chart, depth = ("done", 0) if sc else ("in", 1)
                    continue
                if labelled:
                    chart = "labelled"
            if pend_total and tag == "h3":
                pend_total = False
                total = [attrs.get("title"), "", False]
            elif pend_pub and tag in ("relative-time", "time"):
                if "datetime" in attrs:
                    pend_pub, published = False, attrs["datetime"]
            elif repository is None and link is None and tag == "a" and "href" in attrs:
                nwo = repo_link(attrs["href"])
                if nwo:
                    link = [nwo, ""]
        elif ev[0] == "end":
            tag = ev[1]
            if chart == "in":
                if tag == "svg":
                    depth -= 1
                    if depth == 0:
                        chart = "done"
                continue
            if total and not total[2] and tag == "h3":
                total[2] = True
            if tag == "a" and link:
                if same_words(link[1], link[0]):
                    repository = link[0]
                link = None
        else:
            t = ev[1]
            if chart == "in":
                continue
            if total and not total[2]:
                total[1] += t
                continue
            if link:
                link[1] += t
            if blank(t):
                continue
            pend_total = pend_pub = False
            if chart == "labelled":
                chart = "unseen"
            if same_words(t, TOTAL):
                package = total_label = True
                pend_total = total is None
            elif same_words(t, CHART):
                package = True
                if chart == "unseen":
                    chart = "labelled"
            elif same_words(t, PUBLISHED):
                pend_pub = published is None
            elif not latest_set:
                image = install_command(t)
                if image:
                    package, latest_set, latest = True, True, image_tag(image)
        if chart == "done" and total and total[2] and published is not None and repository is not None and latest_set:
            break

    if not package:
        raise ParseError("wrong-page", "not a package page")
    if not total or not total[2]:
        raise ParseError("not-found", "total")
    display = collapse(total[1])
    title = total[0]
    if title is not None:
        try:
            exact = parse_exact(title)
        except (ValueError, OverflowError):
            raise ParseError("bad-value", title)
        try:
            value, step = parse_display(display)
            if abs(value - exact) >= step:
                raise ParseError("bad-value", "disagree")
        except (ValueError, OverflowError):
            pass
        total_value, is_exact = exact, True
    elif not display:
        raise ParseError("not-found", "empty h3")
    else:
        try:
            total_value, is_exact = parse_display(display)[0], False
        except (ValueError, OverflowError):
            raise ParseError("bad-value", display)
    if chart != "done":
        raise ParseError("not-found", "chart")
    daily.sort(key=lambda d: d[0])
    if any(a[0] == b[0] for a, b in zip(daily, daily[1:])):
        raise ParseError("bad-value", "duplicate day")
    return PackagePage(total_value, is_exact, display, [DailyCount(d, c) for d, c in daily], published, repository, latest)


def _marks_package(t: str) -> bool:
    image = install_command(t)
    return same_words(t, TOTAL) or image is not None


def listing_page(html: str) -> ListingPage:
    rows: list[list] = []
    link = None
    next_page = None
    package = empty = False
    for ev in events(html):
        if ev[0] == "start" and ev[1] == "a":
            attrs = ev[2]
            if next_page is None:
                next_page = next_link("a", attrs)
            href = attrs.get("href")
            if href is None:
                continue
            enc = package_link(href)
            if enc is not None:
                end = min([i for i in (href.find("?"), href.find("#")) if i >= 0] or [len(href)])
                start = href.find("//github.com")
                start = 0 if start < 0 else start + len("//github.com")
                path = href[start:end]
                if any(r[1] == path for r in rows):
                    continue
                rows.append([percent_decode(enc), path, None])
                link = None
            elif rows and rows[-1][2] is None and link is None:
                nwo = repo_link(href)
                if nwo:
                    link = [nwo, ""]
        elif ev[0] == "end":
            if ev[1] == "a" and link:
                if same_words(link[1], link[0]):
                    rows[-1][2] = link[0]
                link = None
        elif ev[0] == "text":
            t = ev[1]
            if link:
                link[1] += t
            package = package or _marks_package(t)
            if not rows and not empty:
                low = ascii_lower(t)
                empty = "no packages" in low or "no public packages" in low
    if package:
        raise ParseError("wrong-page", "package page")
    if not rows and not empty:
        raise ParseError("wrong-page", "no rows")
    return ListingPage([ListedPackage(*r) for r in rows], next_page)


def versions_page(html: str) -> VersionsPage:
    versions: list[VersionCount] = []
    row = None  # [tag, href, downloads]
    in_link = False
    next_page = None
    package = empty = False

    def close(r):
        if r[2] is None:
            raise ParseError("not-found", f"count for {r[0]}")
        versions.append(VersionCount(r[0], r[2]))

    for ev in events(html):
        if ev[0] == "start" and ev[1] == "a":
            attrs = ev[2]
            if next_page is None:
                next_page = next_link("a", attrs)
            href = attrs.get("href")
            if href is None:
                continue
            tag = version_link(href)
            if tag is None:
                continue
            in_link = True
            if row and row[1] == href:
                continue
            if row:
                close(row)
            row = [tag, href, None]
        elif ev[0] == "end":
            if ev[1] == "a":
                in_link = False
        elif ev[0] == "text":
            t = ev[1]
            package = package or _marks_package(t)
            if in_link:
                continue
            if row and row[2] is None:
                text = collapse(t)
                for suffix in (" downloads", " download"):
                    if text.endswith(suffix):
                        text = text[: -len(suffix)]
                        break
                try:
                    row[2] = parse_exact(text)
                except ValueError:
                    pass
                except OverflowError:
                    raise ParseError("bad-value", text)
            elif not versions and row is None and not empty:
                low = ascii_lower(t)
                empty = "no tagged versions" in low or "no versions" in low
    if row:
        close(row)
    if package:
        raise ParseError("wrong-page", "package page")
    if not versions and not empty:
        raise ParseError("wrong-page", "no rows")
    return VersionsPage(versions, next_page)
