"""What the build produces: the parser is a component with one export and no import at all;
the app imports the parser and, of Spin, only key-value and variables; the shim provides those
two over WASI; and what wasmtime serves holds the app Spin runs, byte for byte."""

import re
import subprocess
import sys
from pathlib import Path

from testkit.served import BUILD

WASM_TOOLS = Path(sys.prefix) / "bin/wasm-tools"


def wit_of(component: str) -> str:
    return subprocess.run(
        [str(WASM_TOOLS), "component", "wit", str(BUILD / component)],
        capture_output=True, text=True, check=True,
    ).stdout


def imports(wit: str) -> list[str]:
    return re.findall(r"^\s*import (\S+);", wit, re.M)


def exports(wit: str) -> list[str]:
    # componentize-py adds an `exports` interface of its own, printed inline.
    return re.findall(r"^\s*export (\S+);", wit, re.M)


def test_parser_component_exports_the_parser_and_imports_nothing():
    wit = wit_of("html-parser.wasm")
    assert exports(wit) == ["ghcr-stats:html/parser@0.1.0"]
    assert imports(wit) == []


def test_app_imports_the_parser_two_spin_interfaces_and_wasi_only():
    wit = wit_of("ghcr-stats.wasm")
    assert exports(wit) == ["wasi:http/incoming-handler@0.2.0"]
    others = [i for i in imports(wit) if not i.startswith("wasi:")]
    assert others == ["ghcr-stats:html/parser@0.1.0", "fermyon:spin/key-value@2.0.0", "fermyon:spin/variables@2.0.0"]


def test_shim_exports_spin_key_value_and_variables_over_wasi():
    wit = wit_of("spin-shim.wasm")
    assert exports(wit) == ["fermyon:spin/key-value@2.0.0", "fermyon:spin/variables@2.0.0"]
    assert all(i.startswith(("wasi:filesystem/", "wasi:cli/environment@", "wasi:random/")) for i in imports(wit))


def test_what_wasmtime_serves_is_the_spin_app_composed_and_imports_only_wasi():
    served = (BUILD / "served.wasm").read_bytes()
    for part in ("ghcr-stats.wasm", "html-parser.wasm", "spin-shim.wasm"):
        assert (BUILD / part).read_bytes() in served, part
    wit = wit_of("served.wasm")
    assert all(i.startswith("wasi:") for i in imports(wit))
    assert exports(wit) == ["wasi:http/incoming-handler@0.2.0"]
