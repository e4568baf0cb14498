"""`python -m bench.matrix.run`: build the matrix's programs, time every cell, write the results.

    python -m bench.matrix.run [--rounds 21] [--warm-rounds 5] [--repeat 20]
                           [--out bench/matrix/results.md] [--chart bench/matrix/results.png]

A column whose runtime is missing is reported "not installed" (with what to install), never
guessed. WebAssembly runs under the `wasmtime` CLI and wasmtime-py; the browser column in
headless Chromium. `make bench` runs this after its set-up; the smoke test runs each cell once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import artifacts as art
from . import chart, report
from .cells import ROWS, Cell, all_cells
from .timing import Figures, Summary, measure


def _log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def _bar(samples: list[int]) -> chart.Bar | None:
    s = Summary.of(samples)
    return chart.Bar(s.median, s.min, s.max) if s else None


def _chart(cells: list[Cell], figures: dict[int, Figures], page_kb: float) -> bytes:
    panels = []
    for row, title in ROWS.items():
        groups = []
        for i, c in enumerate(cells):
            if c.row != row or c.not_applicable:
                continue
            label = c.name.replace("→", "->").replace(" (componentize-py)", "")
            if row == "parse" and c.column == "native C":
                label = "native C (lexbor)"
            if c.missing:
                groups.append(chart.Group(label, [], note="not installed"))
                continue
            f = figures[i]
            # Hello World's warm figure is a fresh instance running once; the parser's, a call.
            warm = f.instantiate_call_ns if row == "hello" else f.call_ns
            groups.append(chart.Group(label, [_bar(f.process_ns), _bar(warm)]))
        name = title if row == "hello" else f"{title} ({page_kb:.0f} KB package page)"
        panels.append((name, groups))
    machine = dict(report.machine())
    return chart.render(
        "Hello World and HTML parsing: native vs interpreted vs WebAssembly vs the browser",
        panels,
        ["whole process, start to exit",
         "in a warm host or the page: fresh instance + run (Hello World), call (parser)"],
        footer=f"{machine['machine']}; {machine['date']}",
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.matrix.run", description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=21, help="interleaved rounds of whole processes")
    ap.add_argument("--warm-rounds", type=int, default=5, help="interleaved rounds of in-process runs")
    ap.add_argument("--repeat", type=int, default=20, help="in-process repetitions per warm round")
    ap.add_argument("--out", type=Path, default=art.ROOT / "bench" / "matrix" / "results.md")
    ap.add_argument("--chart", type=Path, default=art.ROOT / "bench" / "matrix" / "results.png")
    args = ap.parse_args(argv)

    _log("building the programs (build/bench/)")
    cells = all_cells(log=_log)
    for c in cells:
        if c.missing:
            _log(f"{ROWS.get(c.row, c.row)} / {c.column}: not installed: {c.missing}")
    _log(f"measuring {sum(c.runnable for c in cells)} cells")
    load_before = report.load()
    figures = measure(cells, args.rounds, args.warm_rounds, args.repeat, log=_log)

    page_kb = art.page()[0].stat().st_size / 1024
    args.chart.write_bytes(_chart(cells, figures, page_kb))
    chart_link = Path(args.chart).name if args.chart.parent == args.out.parent else str(args.chart)
    text = report.markdown(cells, figures, rounds=args.rounds, warm_rounds=args.warm_rounds, repeat=args.repeat,
                           page_bytes=int(page_kb * 1024), chart=chart_link, load_before=load_before)
    args.out.write_text(text + "\n", encoding="utf-8")
    _log(f"wrote {args.out} and {args.chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
