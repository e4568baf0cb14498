"""Smoke test of the benchmark matrix: every cell runs once, whole process and warm (the
browser's in headless Chromium), and prints what its task asks for. No timing is asserted.

Builds what the cells run into build/bench/ (cached there for `make bench` and later runs).
`make test` installs every runtime a cell needs, so a missing one fails here with its name.
"""

from __future__ import annotations

import struct
import zlib

import pytest

from bench.matrix import artifacts, cells, chart, report, timing

# (row, column, host) of every cell the matrix has ("–" cells, like a WAT parser, are not cells)
CELLS = [key for key in cells.BUILDERS if not cells.cell(*key).not_applicable]


def _id(key: tuple[str, str, str]) -> str:
    return "-".join(k for k in key if k).replace(" → ", "-to-").replace(" ", "-")


@pytest.mark.parametrize("key", CELLS, ids=[_id(k) for k in CELLS])
def test_cell_runs_once(key: tuple[str, str, str]) -> None:
    """Hello Worlds print the greeting; parsers print the page's exact total and 30-day series."""
    cell = cells.cell(*key)
    assert not cell.missing, f"not installed: {cell.missing}"
    figures = timing.measure([cell], rounds=1, warm_rounds=1, repeat=1, warm_up=False)[0]  # checks every output
    assert len(figures.process_ns) == (0 if cell.in_page else 1)
    if cell.warm:
        assert figures.call_ns or figures.call_note
        if cell.host == cells.WASMTIME_PY or cell.in_page:
            assert len(figures.instantiate_call_ns) == 1
    if cell.row == "parse" and cell.host != cells.CLI_CWASM:  # the .cwasm runs the same code as the .wasm
        assert figures.call_ns, "a parser cell measures the parse alone"


def test_the_hosts_are_the_real_tools() -> None:
    """WebAssembly processes run the official wasmtime binary (not .venv/bin/wasmtime, a Python
    script); the browser cells run Chromium on a page with the origin's WAT."""
    for key in CELLS:
        cell = cells.cell(*key)
        if cell.host in (cells.CLI, cells.CLI_CWASM):
            assert cell.argv[0].endswith("wasmtime_cli/wasmtime") and cell.argv[1] == "run"
            assert ("--allow-precompiled" in cell.argv) == (cell.host == cells.CLI_CWASM)
    wat = (artifacts.SRC / "hello-browser.wat").read_text()
    assert '(import "console" "log"' in wat and '(import "js" "mem" (memory 1))' in wat


def test_expected_answer_is_the_packages() -> None:
    """Every parser cell is checked against the generator's own numbers, so they agree."""
    page, expected = artifacts.page()
    html = page.read_text(encoding="utf-8")
    assert len(html) > 200_000  # a page of GitHub's size and noise
    assert expected["total"] > 2**32
    assert len(expected["days"]) == 30
    assert str(expected["total"]) in html


def test_chart_is_a_png() -> None:
    ms = 1e6
    png = chart.render(
        "t",
        [("Hello World", [chart.Group("native C", [chart.Bar(ms, ms / 2, 2 * ms), None]),
                          chart.Group("Ruby", [], note="not installed")])],
        ["process", "warm"],
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    idat = png.index(b"IDAT")
    length = struct.unpack(">I", png[idat - 4:idat])[0]
    assert len(zlib.decompress(png[idat + 4:idat + 4 + length])) == height * (1 + 3 * width)


def test_report_formats() -> None:
    assert report.ms(1_234_567) == "1.23 ms"
    assert report.ms(12_345) == "12.3 µs"
    assert report.ratio(timing.Summary(2, 1, 3, 3), timing.Summary(4, 4, 4, 1)) == "×0.5"
    assert report.ratio(timing.Summary(0.02, 0, 1, 3), timing.Summary(4, 4, 4, 1)) == "×0.005"
    assert report.ratio(timing.Summary(176, 0, 1, 3), timing.Summary(4, 4, 4, 1)) == "×44"
