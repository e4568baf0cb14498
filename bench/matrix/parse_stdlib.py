"""The HTML-parser task in pure Python: CPython's `html.parser`, no third-party code.

The task, the same in every column: from a GitHub package page, the exact total (the `title`
of the `<h3>` after the label text "Total downloads") and the 30-day series (the
`<rect data-date data-merge-count>` of the `<svg>` labelled "Downloads for the last 30 days":
by its own `aria-label`, a wrapper's, or a label text just before it). Text and markup inside
scripts, styles, comments, templates and textareas do not count: GitHub's pages repeat the
same words and markup-like strings there.

    python parse_stdlib.py PAGE [--repeat N]

prints `{"total": …, "days": [[date, count], …]}`; with --repeat it then prints the in-process
timing of N more parses as `{"call_ns": [...]}`. The componentize-py parser component runs
this same `extract` inside WebAssembly.
"""

from __future__ import annotations

import json
import sys
import time
from html.parser import HTMLParser

TOTAL_LABEL = "Total downloads"
CHART_LABEL = "Downloads for the last 30 days"
# html.parser treats only script and style as raw text; templates and textareas it parses as
# markup, so their contents are skipped here by hand.
SKIPPED = {"script", "style", "template", "textarea"}


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping: str | None = None  # the element whose content is being skipped
        self.skip_depth = 0
        self.want_total = False  # the label was seen, the next h3 holds the total
        self.total: int | None = None
        self.want_chart = False  # the label was seen, the next svg is the chart
        self.in_chart = False
        self.chart_done = False
        self.days: list[list] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            if tag == self.skipping:
                self.skip_depth += 1
            return
        if tag in SKIPPED:
            self.skipping, self.skip_depth = tag, 1
            return
        a = dict(attrs)
        if tag == "h3" and self.want_total:
            self.want_total = False
            title = a.get("title")
            if title is not None and self.total is None:
                self.total = int(title.replace(",", ""))
        if self.chart_done:
            return
        if a.get("aria-label") == CHART_LABEL:
            self.want_chart = True
        if tag == "svg" and self.want_chart:
            self.in_chart, self.want_chart = True, False
        elif tag == "rect" and self.in_chart and "data-date" in a:
            self.days.append([a["data-date"], int(a["data-merge-count"])])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # `<rect … />`: a start tag that is also an end; nothing to skip inside it.
        if tag in SKIPPED:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping:
                self.skip_depth -= 1
                if not self.skip_depth:
                    self.skipping = None
            return
        if tag == "svg" and self.in_chart:
            self.in_chart, self.chart_done = False, True

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        text = data.strip()
        if text == TOTAL_LABEL:
            self.want_total = True
        elif text == CHART_LABEL and not self.chart_done:
            self.want_chart = True


def extract(html: str) -> tuple[int, list[list]]:
    """The exact total and the 30-day series `[[date, count], …]`, oldest first."""
    p = _Extractor()
    p.feed(html)
    p.close()
    if p.total is None:
        raise ValueError("no h3 title after 'Total downloads'")
    if not p.days:
        raise ValueError("no chart labelled 'Downloads for the last 30 days'")
    # Oldest first, as the Rust parser returns them (GitHub lists the days newest first).
    return p.total, sorted(p.days)


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
