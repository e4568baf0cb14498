"""spin.toml, the Helm chart and the READMEs say what the settings table (ghcr_stats.config.Settings) says.

Each place is read as {name: what it says about the setting} and compared with what the table
implies for it, so a setting missing from a place, one the table lacks, or a name, default or
meaning that differs fails with one line per difference, naming the place.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import fields
from pathlib import Path

import jsonschema
import pytest
import yaml

from ghcr_stats.config import Settings

ROOT = Path(__file__).resolve().parents[2]

DEFAULT = {f.name: f.default for f in fields(Settings)}
MEANING = {f.name: f.metadata["meaning"] for f in fields(Settings)}

# Words the chart's camelCase keys spell in capitals (cache_ttl is cacheTTL).
ACRONYMS = {"ttl"}


def chart_key(name: str) -> str:
    """The key under the chart's `app` for a Spin variable: camelCase, acronyms in capitals."""
    first, *rest = name.split("_")
    return first + "".join(word.upper() if word in ACRONYMS else word.capitalize() for word in rest)


def sentence(meaning: str) -> str:
    """A meaning as the chart's comments and schema write it."""
    return meaning[0].upper() + meaning[1:] + "."


def charted() -> dict[str, str]:
    """{chart key: setting name}: the chart passes on every setting."""
    return {chart_key(name): name for name in DEFAULT}


def read(path: str) -> str:
    return (ROOT / path).read_text()


def markdown_rows(markdown: str, first_cell: str) -> dict[str, str]:
    """{name: row} for the table rows whose first cell is `first_cell` (a pattern naming a group)."""
    return {m["name"]: m[0] for m in re.finditer(rf"^\| `{first_cell}` \|.*$", markdown, re.M)}


# Each place: () -> (expected, found), both keyed by the name the place uses.


def spin_variables():
    manifest = tomllib.loads(read("spin.toml"))
    expected = {name: {"default": str(default)} for name, default in DEFAULT.items()}
    return expected, manifest["variables"]


def spin_component_variables():
    manifest = tomllib.loads(read("spin.toml"))
    expected = {name: f"{{{{ {name} }}}}" for name in DEFAULT}
    return expected, manifest["component"]["ghcr-stats"]["variables"]


def chart_values():
    text = read("helm/ghcr-stats/values.yaml")
    comments = {key: comment for comment, key in re.findall(r"^  # -- (.*)\n  (\w+):", text, re.M)}
    found = {key: (value, comments.get(key)) for key, value in yaml.safe_load(text)["app"].items()}
    expected = {key: (DEFAULT[name], sentence(MEANING[name])) for key, name in charted().items()}
    return expected, found


def chart_schema():
    schema = json.loads(read("helm/ghcr-stats/values.schema.json"))["properties"]["app"]["properties"]
    found = {key: prop.get("description") for key, prop in schema.items()}
    expected = {key: sentence(MEANING[name]) for key, name in charted().items()}
    return expected, found


def chart_helpers():
    """The list in ghcr-stats.variables: (Spin variable, value, whether it is a number)."""
    helpers = read("helm/ghcr-stats/templates/_helpers.tpl")
    found = {m["name"]: m[0] for m in re.finditer(r'\(list "(?P<name>\w+)" [^)]*\)', helpers)}
    expected = {
        name: f'(list "{name}" $app.{key} {"true" if isinstance(DEFAULT[name], int) else "false"})'
        for key, name in charted().items()
    }
    return expected, found


def readme():
    section = read("README.md").split("### Configuration\n", 1)[1].split("\n#", 1)[0]
    expected = {name: f"| `{name}` | `{DEFAULT[name]}` | {MEANING[name]} |" for name in DEFAULT}
    return expected, markdown_rows(section, r"(?P<name>\w+)")


def chart_readme():
    expected = {
        key: f"| `app.{key}` | `{DEFAULT[name]}` | `{name}`: {MEANING[name]} |"
        for key, name in charted().items()
    }
    return expected, markdown_rows(read("helm/ghcr-stats/README.md"), r"app\.(?P<name>\w+)")


PLACES = {
    "spin.toml [variables]": spin_variables,
    "spin.toml [component.ghcr-stats.variables]": spin_component_variables,
    "helm/ghcr-stats/values.yaml (app: value, and its `# --` comment)": chart_values,
    "helm/ghcr-stats/values.schema.json (app's descriptions)": chart_schema,
    "helm/ghcr-stats/templates/_helpers.tpl (ghcr-stats.variables)": chart_helpers,
    "README.md (Configuration)": readme,
    "helm/ghcr-stats/README.md (Values)": chart_readme,
}


def differences(expected: dict, found: dict) -> list[str]:
    """One line per name that `found` lacks, has beyond `expected`, or gives another value."""
    return (
        [f"missing {name}: {expected[name]!r}" for name in sorted(expected.keys() - found.keys())]
        + [f"not in the table: {name}" for name in sorted(found.keys() - expected.keys())]
        + [
            f"{name}: {found[name]!r}, the table says {expected[name]!r}"
            for name in sorted(expected.keys() & found.keys())
            if found[name] != expected[name]
        ]
    )


@pytest.mark.parametrize("place", PLACES)
def test_each_place_says_what_the_settings_table_says(place):
    problems = differences(*PLACES[place]())
    assert not problems, "\n".join([f"{place} disagrees with the settings table in ghcr_stats/config.py:", *problems])


def test_the_chart_schema_takes_each_default_and_refuses_what_the_app_refuses():
    schema = json.loads(read("helm/ghcr-stats/values.schema.json"))["properties"]["app"]["properties"]
    for key, name in charted().items():
        if key not in schema:
            continue  # test_each_place_says_what_the_settings_table_says reports it
        validator = jsonschema.Draft7Validator(schema[key])
        default = DEFAULT[name]
        assert validator.is_valid(default), f"values.schema.json refuses app.{key}'s default {default!r}"
        if isinstance(default, int):  # Settings.load takes a whole number from 1, as a string
            assert validator.is_valid(str(default)), f"values.schema.json refuses app.{key} as a string"
            assert not validator.is_valid(0), f"values.schema.json takes 0 for app.{key}"
