"""Interleaved measurement: every round runs every cell once, in a shuffled order, so that
machine drift (frequency scaling, other load, cache state) hits every column alike.

Two figures per cell where they differ:

* process: the wall time of the whole process, start to exit, as the caller sees it
  (fork/exec, runtime start-up, loading the artifact, the work, printing, exit);
* warm: the work alone inside an already started host, measured by the program itself
  (`--repeat N`): for WebAssembly "instantiate + call" (a fresh store and instance each time)
  and "call" (one instance reused), both including the host's conversions of arguments and
  results; for native and interpreted programs "call" is the parse itself in a warm process.
  A browser cell has only these, timed inside the page (`performance.now()`).

Before the rounds every process runs once untimed: the first `wasmtime run` of a `.wasm`
compiles it into wasmtime's cache (seconds for a componentize-py component), which is how
people run it after the first time, and the files are then in the page cache for every cell.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import time
from dataclasses import dataclass, field

from .cells import Cell


@dataclass
class Figures:
    process_ns: list[int] = field(default_factory=list)
    instantiate_call_ns: list[int] = field(default_factory=list)
    call_ns: list[int] = field(default_factory=list)
    call_note: str | None = None


@dataclass(frozen=True)
class Summary:
    median: float
    min: float
    max: float
    n: int

    @classmethod
    def of(cls, samples: list[int]) -> "Summary | None":
        if not samples:
            return None
        return cls(statistics.median(samples), min(samples), max(samples), len(samples))


def _run(argv: list[str]) -> tuple[int, str]:
    t = time.perf_counter_ns()
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter_ns() - t
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    return elapsed, done.stdout


def measure(cells: list[Cell], rounds: int, warm_rounds: int, repeat: int, seed: int = 6, log=None,
            warm_up: bool = True) -> dict[int, Figures]:
    """Figures for each runnable cell (keyed by its index in `cells`); every output is checked."""
    rng = random.Random(seed)
    runnable = [i for i, c in enumerate(cells) if c.runnable]
    figures = {i: Figures() for i in runnable}
    processes = [i for i in runnable if cells[i].argv]
    if warm_up:
        for i in processes:
            cells[i].check(_run(cells[i].argv)[1])
        if log:
            log("warm-up run of every process done")
    for r in range(rounds):
        order = processes[:]
        rng.shuffle(order)
        for i in order:
            elapsed, out = _run(cells[i].argv)
            cells[i].check(out)
            figures[i].process_ns.append(elapsed)
        if log:
            log(f"process round {r + 1}/{rounds}")
    warm = [i for i in runnable if cells[i].warm]
    for r in range(warm_rounds):
        order = warm[:]
        rng.shuffle(order)
        for i in order:
            _, out = _run(cells[i].warm + ["--repeat", str(repeat)])
            result, timings = out.splitlines()[-2:]
            cells[i].check(result + "\n")
            t = json.loads(timings)
            figures[i].instantiate_call_ns += t.get("instantiate_call_ns", [])
            figures[i].call_ns += t.get("call_ns", [])
            figures[i].call_note = t.get("call_note")
        if log:
            log(f"warm round {r + 1}/{warm_rounds}")
    return figures
