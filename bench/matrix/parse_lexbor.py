"""The HTML-parser task with lexbor, a C HTML5 parser, called through selectolax.

This is the matrix's "native C" parser. Python only drives it: lexbor tokenizes, builds the
tree and runs the CSS selectors in C; the few lines below check the matches (and only when a
page puts the chart's label in a text before the svg do they walk the svgs in Python). The process
figure therefore includes CPython's start-up and `import selectolax`; the in-process figure
(`--repeat`) is lexbor's parse plus the selection, which is the C work.

Same task and rules as `parse_stdlib.py`: an HTML5 parser already keeps scripts, styles,
comments, textareas and template contents out of the element tree the selectors see.

    python parse_lexbor.py PAGE [--repeat N]
"""

from __future__ import annotations

import json
import sys
import time

from selectolax.lexbor import LexborHTMLParser

TOTAL_LABEL = "Total downloads"
CHART_LABEL = "Downloads for the last 30 days"


def _previous_element(node):
    node = node.prev
    while node is not None and node.tag == "-text":
        node = node.prev
    return node


def _chart(tree):
    """The svg labelled by its own aria-label, a wrapper's, or a label text just before it."""
    chart = tree.css_first(f'svg[aria-label="{CHART_LABEL}"]') or tree.css_first(f'[aria-label="{CHART_LABEL}"] svg')
    if chart is not None:
        return chart
    for svg in tree.css("svg"):
        label = _previous_element(svg)
        if label is not None and label.text(strip=True) == CHART_LABEL:
            return svg
    return None


def extract(html: str) -> tuple[int, list[list]]:
    """The exact total and the 30-day series `[[date, count], …]`, oldest first."""
    tree = LexborHTMLParser(html)
    total = None
    for h3 in tree.css("h3[title]"):
        label = _previous_element(h3)
        if label is not None and label.text(strip=True) == TOTAL_LABEL:
            total = int(h3.attributes["title"].replace(",", ""))
            break
    if total is None:
        raise ValueError("no h3 title after 'Total downloads'")
    chart = _chart(tree)
    if chart is None:
        raise ValueError("no chart labelled 'Downloads for the last 30 days'")
    # Oldest first, as the Rust parser returns them (GitHub lists the days newest first).
    days = sorted([r.attributes["data-date"], int(r.attributes["data-merge-count"])] for r in chart.css("rect[data-date]"))
    return total, days


def main(argv: list[str]) -> int:
    with open(argv[0], encoding="utf-8") as f:
        html = f.read()
    total, days = extract(html)
    print(json.dumps({"total": total, "days": days}))
    if "--repeat" in argv:
        n = int(argv[argv.index("--repeat") + 1])
        calls = []
        for _ in range(n):
            t = time.perf_counter_ns()
            extract(html)
            calls.append(time.perf_counter_ns() - t)
        print(json.dumps({"call_ns": calls}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
