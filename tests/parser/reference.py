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
  wrapper, or heading text before it); last published = the h3 `title` (or a
  `relative-time`/`time` datetime) after "Last published", an ISO 8601 instant with an
  offset; repository = first `<a href="/o/r">` reading `o/r` or exactly `r`; latest version =
  tag of the install command `docker pull ghcr.io/...` (its pieces joined up to the end of
  an element that is not inline), else the tag beside `latest` in the recent versions;
  recent versions = the version rows of the first list after "Recent tagged image
  versions"; scanning stops once all are found;
* version rows: the tag links to one version id; downloads = the count text right before
  "Version downloads", else the first count text outside the links;
* listing: rows are links to package pages;
* next page: `<a rel="next">`, `aria-label="Next Page"`/"Next", a link reading "Next", or
  the current page of `data-total-pages` and the link to the page after it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ghcr_stats.model import (
    DailyCount,
    ListedPackage,
    ListingPage,
    PackagePage,
    ParseError,
    ParseWarning,
    TaggedVersion,
    VersionsPage,
)

TOTAL = "Total downloads"
CHART = "Downloads for the last 30 days"
PUBLISHED = "Last published"
RECENT = "Recent tagged image versions"
DOWNLOADS = "Version downloads"
INLINE = ("span", "a", "em", "strong", "b", "i", "small", "svg", "path")
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


def version_link(href: str):
    """(id, tag) of a link to a tagged version."""
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
            return (s[5], percent_decode(kv[4:])) if kv[4:] else None
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


class Pagination:
    def __init__(self):
        self.next = self.total = self.current = self.page = self.following = None
        self.link = None  # [href, text]

    @staticmethod
    def is_next(words: str) -> bool:
        return same_words(words, "Next") or same_words(words, "Next Page")

    @staticmethod
    def page_number(href: str) -> int | None:
        before = href.split("#")[0]
        if "?" not in before:
            return None
        page = next((kv[5:] for kv in before.partition("?")[2].split("&") if kv.startswith("page=")), None)
        try:
            return parse_exact(page) if page is not None else None
        except (ValueError, OverflowError):
            return None

    def start(self, tag: str, attrs: dict, sc: bool) -> None:
        if self.total is None and "data-total-pages" in attrs:
            self.total, self.current = attrs["data-total-pages"], (None if sc else "")
        if self.next is not None or tag != "a":
            return
        href = attrs.get("href")
        if not href or href.startswith("#"):
            return
        rel = any(ascii_lower(t) == "next" for t in attrs.get("rel", "").split())
        if rel or ("aria-label" in attrs and self.is_next(attrs["aria-label"])):
            self.next = href
            return
        if isinstance(self.page, int) and self.following is None and self.page_number(href) == self.page + 1:
            self.following = href
        self.link = [href, ""]

    def end(self, tag: str) -> None:
        if tag == "a" and self.link:
            if self.next is None and self.is_next(collapse(self.link[1])):
                self.next = self.link[0]
            self.link = None
        if self.current is not None:
            try:
                self.page = parse_exact(collapse(self.current))
            except (ValueError, OverflowError):
                self.page = "not a number"
            self.current = None

    def text(self, t: str) -> None:
        if self.link:
            self.link[1] += t
        if self.current is not None:
            self.current += t

    def result(self) -> str | None:
        if self.next is not None or self.total is None:
            return self.next
        try:
            total = parse_exact(self.total)
        except (ValueError, OverflowError):
            raise ParseError("bad-value", "data-total-pages")
        if not isinstance(self.page, int):
            raise ParseError("not-found", "current page")
        if self.page >= total:
            return None
        if self.following is None:
            raise ParseError("not-found", "no link to the next page")
        return self.following


def after_word(text: str, word: str) -> str | None:
    if not text.startswith(word):
        return None
    rest = text[len(word) :]
    trimmed = rest.lstrip()
    return trimmed if len(trimmed) < len(rest) else None


def install_command(text: str) -> str | None:
    """What follows "docker pull " when an image reference on ghcr.io does."""
    start = text.find("docker")
    while start >= 0:
        rest = after_word(text[start:], "docker")
        rest = after_word(rest, "pull") if rest is not None else None
        if rest is not None and rest.startswith("ghcr.io/"):
            return rest
        start = text.find("docker", start + len("docker"))
    return None


class Install:
    def __init__(self, rest: str):
        self.image, self.done = "", False
        self.piece(rest)

    def piece(self, t: str) -> None:
        parts = t.strip().split(None, 1)
        self.image += parts[0] if parts else ""
        self.done = self.done or len(parts) > 1

    def tag(self) -> str | None:
        image = self.image
        end = image.find("@")
        end = len(image) if end < 0 else end
        last = image.rfind("/", 0, end)
        if last < 0:
            return None
        colon = image.find(":", last + 1, end)
        if colon < 0 or colon + 1 >= end or not image[: last + 1].startswith("ghcr.io/"):
            return None
        return image[colon + 1 : end]


def count_text(t: str):
    """A row's count ("1,234", "1,234 downloads"); None when the text is no count."""
    text = collapse(t)
    for suffix in (" downloads", " download"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    try:
        return parse_exact(text)
    except ValueError:
        return None
    except OverflowError:
        raise ParseError("bad-value", text)


class Rows:
    """Rows that cannot be read are skipped, the reason in `skipped` (a ParseError's kind)."""

    def __init__(self):
        self.versions: list[TaggedVersion] = []
        self.skipped: list[str] = []
        self.row = None  # dict(id, tags, first, last, labelled, broken)
        self.in_link = False

    def start(self, tag: str, attrs: dict) -> None:
        if tag != "a" or "href" not in attrs:
            return
        link = version_link(attrs["href"])
        if link is None:
            return
        try:
            vid = parse_exact(link[0])
        except OverflowError:
            self.close()
            self.skipped.append("bad-value")
            return
        if self.row and self.row["id"] == vid:
            if link[1] not in self.row["tags"]:
                self.row["tags"].append(link[1])
        else:
            self.close()
            self.row = {"id": vid, "tags": [link[1]], "first": None, "last": None, "labelled": None, "broken": None}
        self.in_link = True

    def end(self, tag: str) -> None:
        if tag == "a":
            self.in_link = False

    def text(self, t: str) -> None:
        r = self.row
        if r is None or self.in_link or r["broken"] or blank(t):
            return
        if same_words(t, DOWNLOADS):
            if r["last"] is None:
                r["broken"] = "not-found"
            else:
                r["labelled"] = r["last"]
        else:
            try:
                r["last"] = count_text(t)
            except ParseError as e:
                r["last"], r["broken"] = None, e.kind
            if r["first"] is None:
                r["first"] = r["last"]

    def close(self) -> None:
        r, self.row, self.in_link = self.row, None, False
        if r:
            n = r["labelled"] if r["labelled"] is not None else r["first"]
            if r["broken"] or n is None:
                self.skipped.append(r["broken"] or "not-found")
            else:
                self.versions.append(TaggedVersion(r["id"], r["tags"], n))

    def abandon(self) -> None:
        if self.row:
            self.row = None
            self.skipped.append("not-found")


def version_name(v: TaggedVersion) -> str:
    return next((t for t in v.tags if t != "latest"), v.tags[0])


def is_instant(s: str) -> bool:
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-]([0-9]{2}):([0-9]{2}))", s)
    if not m:
        return False
    y, mo, d, h, mi, sec = (int(m.group(i)) for i in range(1, 7))
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    days = {2: 29 if leap else 28, 4: 30, 6: 30, 9: 30, 11: 30}.get(mo, 31 if 1 <= mo <= 12 else 0)
    offset_ok = m.group(8) == "Z" or (int(m.group(9)) < 24 and int(m.group(10)) < 60)
    return 1 <= d <= days and h < 24 and mi < 60 and sec < 60 and offset_ok


def is_iso_date(s: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", s))


# --- pages --------------------------------------------------------------------------------


def package_page(html: str) -> PackagePage:
    package = pend_total = pend_pub = False
    total = None  # [title, text, closed]
    chart, depth = "unseen", 0
    daily: list[tuple[str, int]] = []
    published = repository = None
    link = None  # [nwo, text]
    install, installed = None, None  # Install being read; (tag,) once read
    recent, rows = ["unseen"], Rows()  # ["in", list tag, depth] inside the list

    def install_read():
        nonlocal install, installed
        if install and install.done:
            installed, install = (install.tag(),), None

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
            if recent[0] == "in":
                if tag == recent[1] and not sc:
                    recent[2] += 1
                rows.start(tag, attrs)
            elif recent[0] == "labelled" and not sc and (tag in ("ul", "ol") or ascii_lower(attrs.get("role", "")) == "list"):
                recent = ["in", tag, 1]
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
            elif pend_pub:
                when = attrs.get("title") if tag == "h3" else attrs.get("datetime") if tag in ("relative-time", "time") else None
                if when is not None and when.strip():
                    pend_pub, published = False, when
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
            if install:
                install.done = install.done or tag not in INLINE
                install_read()
            if recent[0] == "in":
                rows.end(tag)
                if tag == recent[1]:
                    recent[2] -= 1
                    if recent[2] == 0:
                        recent = ["done"]
                        rows.close()
            if total and not total[2] and tag == "h3":
                total[2] = True
            if tag == "a" and link:
                if same_words(link[1], link[0]) or collapse(link[1]) == link[0].split("/")[1]:
                    repository = link[0]
                link = None
        else:
            t = ev[1]
            if chart == "in":
                continue
            if recent[0] == "in":
                rows.text(t)
            if total and not total[2]:
                total[1] += t
                continue
            if link:
                link[1] += t
            if install:
                if not blank(t):
                    install.piece(t)
                install_read()
            if blank(t):
                continue
            pend_total = pend_pub = False
            if chart == "labelled":
                chart = "unseen"
            if same_words(t, TOTAL):
                package = True
                pend_total = total is None
            elif same_words(t, CHART):
                package = True
                if chart == "unseen":
                    chart = "labelled"
            elif same_words(t, PUBLISHED):
                pend_pub = published is None
            elif recent[0] == "unseen" and same_words(t, RECENT):
                recent = ["labelled"]
            elif installed is None and install is None:
                rest = install_command(t)
                if rest is not None:
                    package, install = True, Install(rest)
                    install_read()
        if chart == "done" and total and total[2] and published is not None and repository is not None and installed is not None and recent[0] == "done":
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
    # Secondary values: left out where they cannot be read, each named (messages are the
    # component's to word: only the fields are compared).
    warnings = []
    if recent[0] == "in":
        rows.abandon()
        warnings.append("recent-versions")
    warnings += ["recent-versions"] * len(rows.skipped)
    if published is None or not is_instant(published):
        published = None
        warnings.append("last-published")
    latest = installed[0] if installed and installed[0] else next((version_name(v) for v in rows.versions if "latest" in v.tags), None)
    if installed is None and latest is None:
        warnings.append("latest-version")
    return PackagePage(
        total_value, is_exact, display, [DailyCount(d, c) for d, c in daily], published, repository, latest, rows.versions,
        [ParseWarning(w, "") for w in warnings],
    )


def _marks_package(t: str) -> bool:
    return same_words(t, TOTAL) or install_command(t) is not None


def listing_page(html: str) -> ListingPage:
    rows: list[list] = []
    pages = Pagination()
    package = empty = False
    for ev in events(html):
        if ev[0] == "start":
            attrs = ev[2]
            pages.start(ev[1], attrs, ev[3])
            if ev[1] != "a":
                continue
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
                rows.append([percent_decode(enc), path])
        elif ev[0] == "end":
            pages.end(ev[1])
        elif ev[0] == "text":
            t = ev[1]
            pages.text(t)
            package = package or _marks_package(t)
            if not rows and not empty:
                low = ascii_lower(t)
                empty = "no packages" in low or "no public packages" in low
    if package:
        raise ParseError("wrong-page", "package page")
    if not rows and not empty:
        raise ParseError("wrong-page", "no rows")
    return ListingPage([ListedPackage(*r) for r in rows], pages.result())


def versions_page(html: str) -> VersionsPage:
    rows, pages = Rows(), Pagination()
    package = empty = False
    for ev in events(html):
        if ev[0] == "start":
            pages.start(ev[1], ev[2], ev[3])
            rows.start(ev[1], ev[2])
        elif ev[0] == "end":
            pages.end(ev[1])
            rows.end(ev[1])
        elif ev[0] == "text":
            t = ev[1]
            pages.text(t)
            package = package or _marks_package(t)
            if not rows.versions and rows.row is None and not empty:
                low = ascii_lower(t)
                empty = "no tagged versions" in low or "no versions" in low
            rows.text(t)
    rows.close()
    if package:
        raise ParseError("wrong-page", "package page")
    if not rows.versions and rows.skipped:
        raise ParseError(rows.skipped[0], "no row read")
    if not rows.versions and not empty:
        raise ParseError("wrong-page", "no rows")
    return VersionsPage(rows.versions, pages.result(), [ParseWarning("version-row", "") for _ in rows.skipped])
