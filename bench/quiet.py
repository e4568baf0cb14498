"""How busy the machine was: every speed figure is printed with the load average it was taken
at, and a run that began on a busy machine is marked, never used to call a goal met."""

from __future__ import annotations

import os

# The most one-minute load average a core may carry for a run to count (0.7 on two cores).
QUIET_PER_CORE = 0.35


def load() -> float:
    return os.getloadavg()[0]


def said(before: float, after: float) -> str:
    """The load averages of a run, and NOT REPRESENTATIVE when it began on a busy machine (the
    load after is mostly the run's own, so it is printed, not judged)."""
    cores = os.cpu_count() or 1
    line = f"load average {before:.2f} before, {after:.2f} after, {cores} cores"
    if before / cores > QUIET_PER_CORE:
        line += (f"\nNOT REPRESENTATIVE: the load average was above {QUIET_PER_CORE} a core before the run;"
                 " run it again on a quiet machine")
    return line
