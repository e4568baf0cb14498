"""Text from GitHub or a client, written so that it stays text in what it is written into.

HTML pages take `html.escape`. SVG is XML, which cannot hold most C0 control characters at
all, even as references: those become U+FFFD; tabs and line breaks are written as references,
which attribute-value normalization would otherwise turn into spaces. A terminal obeys control
characters and breaks lines where the text does: the text views show every character that is
not printable as its Python escape (`\\x1b`, `\\n`).
"""

from __future__ import annotations

import html
import re

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_WHITESPACE = {"\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}


def xml(text: str) -> str:
    """`text` as XML character data or an attribute's value (quotes escaped)."""
    escaped = _NOT_IN_XML.sub("\ufffd", html.escape(text))
    return re.sub("[\t\n\r]", lambda m: _XML_WHITESPACE[m.group()], escaped)


def terminal(text: str) -> str:
    """`text` as a terminal shows it: one line, and no control sequence."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
