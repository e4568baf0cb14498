"""The error codes are defined once (model.CODES): the README's table says the same, and no code
the app answers with is missing from it (an unknown one would turn its error into a 500)."""

import ast
import re
from pathlib import Path

from ghcr_stats.model import CODES, AppError

ROOT = Path(__file__).resolve().parents[2]


def test_the_readmes_table_of_errors_is_the_registry():
    section = (ROOT / "README.md").read_text().split("### Errors\n", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| (\d{3}) \| .+ \|$", section, re.M)
    assert {code: int(status) for code, status in rows} == CODES
    assert len(rows) == len(CODES)  # no code twice


def codes_in_source() -> dict[str, str]:
    """Each literal code the app passes to AppError, service.error or a Backoff: {code: where}."""
    found = {}
    for path in [ROOT / "app.py", *sorted((ROOT / "ghcr_stats").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            position = {"AppError": 0, "error": 0, "Backoff": 1}.get(name)
            if position is not None and len(node.args) > position and isinstance(arg := node.args[position], ast.Constant):
                found[arg.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_code_the_app_answers_with_is_registered():
    found = codes_in_source()
    assert {"invalid-name", "upstream-budget", "rate-limited", "upstream-backoff", "bad-config"} <= set(found)
    assert {code: where for code, where in found.items() if code not in CODES} == {}


def test_a_code_gives_its_status():
    assert (AppError("invalid-name", "x").status, AppError("upstream-budget", "x").status) == (400, 503)
