"""What the build produces: the parser is a component with one export and no import at all,
and the app imports the parser interface of wit/parser.wit."""

import re
import subprocess
import sys
from pathlib import Path

from tests.devhost import BUILD

WASM_TOOLS = Path(sys.prefix) / "bin/wasm-tools"


def wit_of(component: str) -> str:
    return subprocess.run(
        [str(WASM_TOOLS), "component", "wit", str(BUILD / component)],
        capture_output=True, text=True, check=True,
    ).stdout


def test_parser_component_exports_the_parser_and_imports_nothing():
    wit = wit_of("html-parser.wasm")
    assert re.findall(r"^\s*export (\S+);", wit, re.M) == ["ghcr-stats:html/parser@0.1.0"]
    assert re.findall(r"^\s*import ", wit, re.M) == []


def test_app_component_imports_the_parser_and_exports_the_http_handler():
    wit = wit_of("ghcr-stats.wasm")
    assert "import ghcr-stats:html/parser@0.1.0;" in wit
    assert re.findall(r"^\s*export (\S+);", wit, re.M) == ["wasi:http/incoming-handler@0.2.0"]
