"""What the build produces: the parser is a component with one export and no import at all;
the app imports the parser and, of Spin, only key-value and variables; the shim provides those
two over WASI; and what wasmtime serves holds the app Spin runs, byte for byte. What only the
tests serve (`make build-test`) is that same app with the test clock plugged in, and the test
clock is in nothing that ships."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from testkit.served import BUILD, ROOT

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


WALL_CLOCK = "wasi:clocks/wall-clock@0.2.0"


def test_the_test_clock_exports_the_wall_clock_the_app_imports_and_reads_the_store():
    assert WALL_CLOCK in imports(wit_of("ghcr-stats.wasm"))
    wit = wit_of("test/test-clock.wasm")
    assert exports(wit) == [WALL_CLOCK]
    assert sorted(imports(wit)) == ["fermyon:spin/key-value@2.0.0", WALL_CLOCK]  # the store; the host's clock


def test_what_ships_takes_its_time_from_the_host_and_holds_no_test_clock():
    clock = (BUILD / "test/test-clock.wasm").read_bytes()
    for shipped in ("ghcr-stats.wasm", "served.wasm"):
        assert clock not in (BUILD / shipped).read_bytes(), shipped
        assert WALL_CLOCK in imports(wit_of(shipped)), shipped
    # Spin would plug a component into a wasi: import as well: spin.toml names the parser only.
    component = tomllib.loads((ROOT / "spin.toml").read_text())["component"]["ghcr-stats"]
    assert list(component["dependencies"]) == ["ghcr-stats:html/parser@0.1.0"]


def test_what_the_tests_serve_is_the_shipping_app_with_the_test_clock_plugged_in():
    app, clock = (BUILD / "ghcr-stats.wasm").read_bytes(), (BUILD / "test/test-clock.wasm").read_bytes()
    tested = (BUILD / "test/ghcr-stats.wasm").read_bytes()
    assert app in tested and clock in tested
    # The same imports (the wall clock now the test clock's, from the host) and exports.
    assert sorted(imports(wit_of("test/ghcr-stats.wasm"))) == sorted(imports(wit_of("ghcr-stats.wasm")))
    assert exports(wit_of("test/ghcr-stats.wasm")) == exports(wit_of("ghcr-stats.wasm"))
    served = (BUILD / "test/served.wasm").read_bytes()
    for part in ("test/ghcr-stats.wasm", "html-parser.wasm", "spin-shim.wasm"):
        assert (BUILD / part).read_bytes() in served, part
    assert sorted(imports(wit_of("test/served.wasm"))) == sorted(imports(wit_of("served.wasm")))
