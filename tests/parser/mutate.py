"""Rewrites a page the way GitHub's markup drifts without changing what it says: class names
renamed, attributes reordered and requoted, extra wrapper elements, whitespace moved,
attribute values entity-encoded. Also breaking edits (elements dropped, attributes lost)
for differential tests, where only agreement with the reference matters.

Pages are re-serialized from `html.parser` events; script/style content and comments pass
through untouched.
"""

from __future__ import annotations

import html
import random
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
RAWTEXT = {"script", "style"}
SAFE = ("rename", "reorder", "requote", "wrap", "whitespace", "entities")
BREAKING = ("drop-element", "drop-attribute", "retag")


class _Rewriter(HTMLParser):
    def __init__(self, rng: random.Random, kinds: set[str], rate: float):
        super().__init__(convert_charrefs=False)
        self.rng, self.kinds, self.rate = rng, kinds, rate
        self.out: list[str] = []
        self.wrapped: list[bool] = []  # per open <div>: whether a wrapper was added
        self.pre = 0
        self.raw: str | None = None
        self.dropping: list[str] = []

    def hit(self, kind: str) -> bool:
        # Breaking edits are rarer, so that some pages still read.
        rate = self.rate / 40 if kind in BREAKING else self.rate
        return kind in self.kinds and self.rng.random() < rate

    def ws(self) -> str:
        return self.rng.choice([" ", "\n", "\n    ", "\t", "  \n  "])

    def attr_text(self, k: str, v: str | None) -> str:
        if v is None:
            return k
        if k == "class" and self.hit("rename"):
            v = " ".join(f"c{self.rng.randrange(10**6):x}" for _ in range(self.rng.randint(0, 4)))
        if self.hit("entities") and v:
            # Encode some characters as numeric references; the value stays the same.
            v_out = "".join(f"&#{ord(c)};" if self.rng.random() < 0.3 else html.escape(c, quote=True) for c in v)
            return f'{k}="{v_out}"'
        style = self.rng.randrange(3) if "requote" in self.kinds else 0
        if style == 1 and "'" not in v:
            return f"{k}='{html.escape(v, quote=False)}'"
        if style == 2 and v and all(c.isalnum() or c in "-_.:" for c in v):
            return f"{k}={v}"
        return f'{k}="{html.escape(v, quote=True)}"'

    def start(self, tag: str, attrs: list, close: str) -> None:
        if self.raw:
            self.out.append(self.get_starttag_text())
            return
        if self.dropping:
            if tag not in VOID and close == ">":
                self.dropping.append(tag)
            return
        if tag not in VOID and close == ">" and tag not in RAWTEXT and self.hit("drop-element"):
            self.dropping.append(tag)
            return
        attrs = list(attrs)
        if self.hit("drop-attribute") and attrs:
            attrs.pop(self.rng.randrange(len(attrs)))
        if self.hit("reorder"):
            self.rng.shuffle(attrs)
        name = tag
        if tag in ("span", "div") and self.hit("retag"):
            name = "section" if tag == "div" else "em"
        sep = self.ws if "whitespace" in self.kinds else (lambda: " ")
        lead = self.ws() if self.hit("whitespace") and not self.pre else ""
        text = lead + "<" + name + "".join(sep() + self.attr_text(k, v) for k, v in attrs) + close
        if tag == "div" and close == ">":
            wrap = self.hit("wrap")
            self.wrapped.append(wrap)
            if wrap:
                text += '<div data-wrapper="1">'
        if tag == "pre":
            self.pre += 1
        if tag in RAWTEXT and close == ">":
            self.raw = tag
        self.out.append(text)

    def handle_starttag(self, tag, attrs):
        self.start(tag, attrs, ">")

    def handle_startendtag(self, tag, attrs):
        self.start(tag, attrs, "/>")

    def handle_endtag(self, tag):
        if self.raw:
            if tag != self.raw:
                self.out.append(f"</{tag}>")
                return
            self.raw = None
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        text = f"</{tag}>"
        if tag == "div" and self.wrapped:
            if self.wrapped.pop():
                text = "</div>" + text
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        self.out.append(text)

    def handle_data(self, data):
        if self.dropping:
            return
        if self.raw or self.pre:
            self.out.append(data)
            return
        if "whitespace" in self.kinds and self.rng.random() < self.rate:
            words = data.split(" ")
            data = "".join(w + (self.ws() if i < len(words) - 1 else "") for i, w in enumerate(words))
            if not data.strip():
                data += self.ws()
        if "wrap" in self.kinds and data.strip() and self.rng.random() < self.rate:
            data = f"<span>{data}</span>"
        self.out.append(data)

    def handle_entityref(self, name):
        if not self.dropping:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self.dropping:
            self.out.append(f"&#{name};")

    def handle_comment(self, data):
        if not self.dropping:
            self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.out.append(f"<![{data}]>")


def mutate(page: str, seed: int, kinds=SAFE, rate: float = 0.5) -> str:
    """The page rewritten with the given kinds of change, each applied at about `rate`."""
    w = _Rewriter(random.Random(seed), set(kinds), rate)
    w.feed(page)
    w.close()
    return "".join(w.out)
