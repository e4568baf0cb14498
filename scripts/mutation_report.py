"""Reads what `mutmut run` left in mutants/ and prints the score and every surviving mutant; with
--write, also tests/mutation/python-report.md (the last run's result, committed).

    python scripts/mutation_report.py [--seconds N] [--load "1.9 2.0 2.1"] [--write]

The score is killed / checked: a mutant that timed out counts as killed (the change hung the
tests), one that no test reaches counts as survived, and unchecked ones are listed apart. Each
survivor is marked with the README's judgement of it (its list of equivalent mutants), or as
not judged: those are the tests still to write.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
REPORT = ROOT / "tests/mutation/python-report.md"
KILLED = {"killed", "timeout", "caught by type check"}
UNCHECKED = {"not checked", "skipped", "check was interrupted by user"}


def verdicts() -> dict[str, str]:
    """mutant name -> status, for every mutant mutmut made of ghcr_stats/."""
    found = {}
    for meta in sorted(MUTANTS.glob("ghcr_stats/**/*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        found.update({name: status_by_exit_code[code] for name, code in codes.items()})
    return found


def judged_equivalent() -> set[str]:
    """The mutants the README's "Survivors judged equivalent" list names, each with its why."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index("Survivors judged equivalent")
    section = readme[start:readme.index("\n#", start)]
    return set(re.findall(r"`(ghcr_stats\.[^`]+)`", section))


def module_of(name: str) -> str:
    return name.split(".x")[0].split(".xǁ")[0]


def summary(found: dict[str, str]) -> tuple[int, int, int, float]:
    counts = Counter(found.values())
    killed = sum(counts[s] for s in KILLED)
    unchecked = sum(counts[s] for s in UNCHECKED)
    checked = len(found) - unchecked
    return killed, checked, unchecked, (100.0 * killed / checked if checked else 0.0)


def render(found: dict[str, str], seconds: float | None, load: str | None) -> str:
    killed, checked, unchecked, score = summary(found)
    survivors = sorted(n for n, s in found.items() if s not in KILLED | UNCHECKED)
    by_module: dict[str, Counter] = defaultdict(Counter)
    for name, status in found.items():
        by_module[module_of(name)]["killed" if status in KILLED else "unchecked" if status in UNCHECKED else "survived"] += 1
    lines = [
        "# Mutation testing of ghcr_stats/ (mutmut)",
        "",
        "Written by `make mutation` (scripts/mutation_report.py); see the README, *Mutation testing*.",
        "",
        f"- run: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"
        + (f", {seconds / 60:.0f} min" if seconds else "")
        + (f", load average before and after {load} on {_cpus()} cores" if load else ""),
        f"- **score: {score:.1f}%** ({killed} killed of {checked} checked; {len(found)} mutants, {unchecked} unchecked)",
        "",
        "| module | killed | survived | unchecked |",
        "|---|---|---|---|",
    ]
    for module, c in sorted(by_module.items()):
        lines.append(f"| {module} | {c['killed']} | {c['survived']} | {c['unchecked']} |")
    equivalent = judged_equivalent()
    open_ = [n for n in survivors if n not in equivalent]
    lines += [
        "", f"## Survivors ({len(survivors)}: {len(survivors) - len(open_)} judged equivalent in the README, {len(open_)} not)",
        "", "`mutmut show <name>` prints a mutant's diff.", "",
    ]
    lines += [f"- `{n}` ({found[n]}{', equivalent: see the README' if n in equivalent else ', NOT JUDGED'})" for n in survivors]
    return "\n".join(lines) + "\n"


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--load")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    found = verdicts()
    if not found:
        sys.exit("no mutmut results in mutants/: run `make mutation`")
    text = render(found, args.seconds, args.load)
    print(text)
    if args.write:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(text)


if __name__ == "__main__":
    main()
