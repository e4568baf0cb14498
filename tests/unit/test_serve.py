"""scripts/serve.py: which engine serves, and what each is told."""

import sys
import tomllib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import serve  # noqa: E402


def test_the_engine_is_spin_where_it_is_on_the_path_unless_chosen(tmp_path):
    (tmp_path / "spin").write_text("#!/bin/sh\n")
    (tmp_path / "spin").chmod(0o755)
    assert serve.engine({"PATH": str(tmp_path)}) == "spin"
    assert serve.engine({"PATH": str(tmp_path), serve.ENGINE: "wasmtime"}) == "wasmtime"
    assert serve.engine({"PATH": "/nonexistent"}) == "wasmtime"
    with pytest.raises(SystemExit, match="no spin on the PATH"):
        serve.engine({"PATH": "/nonexistent", serve.ENGINE: "spin"})
    with pytest.raises(SystemExit, match="'spin' or 'wasmtime'"):
        serve.engine({"PATH": str(tmp_path), serve.ENGINE: "docker"})


def test_both_engines_pools_hold_the_same_number_of_requests(tmp_path):
    cmd = serve.wasmtime_command("127.0.0.1:1", tmp_path, {}, in_flight=10)
    slots = str(10 * serve.SLOTS_PER_REQUEST)
    for kind in ("core-instances", "component-instances", "memories", "tables"):
        assert f"pooling-total-{kind}={slots}" in cmd
    assert set(serve.spin_pool(10).values()) == {slots}
    assert "SPIN_WASMTIME_TOTAL_MEMORIES" in serve.spin_pool(10)


def test_spin_is_given_the_state_a_runtime_config_and_a_pushed_image():
    cmd = serve.spin_command("127.0.0.1:1", Path("/s"), Path("/s/rc.toml"), "127.0.0.1:5000/x/app:1", insecure=True)
    assert cmd[:2] == ["spin", "up"]
    assert cmd[cmd.index("--state-dir") + 1] == "/s"
    assert cmd[cmd.index("--runtime-config-file") + 1] == "/s/rc.toml"
    assert cmd[cmd.index("--from") + 1] == "127.0.0.1:5000/x/app:1" and "--insecure" in cmd
    assert "--insecure" not in serve.spin_command("127.0.0.1:1", Path("/s"), None, "ghcr.io/x/app:1", insecure=False)
    assert "--from" not in serve.spin_command("127.0.0.1:1", Path("/s"), None, None, insecure=False)


def test_the_test_clock_is_served_only_when_asked(tmp_path):
    assert serve.wasmtime_command("127.0.0.1:1", tmp_path, {})[-1] == str(serve.SERVED)
    assert serve.wasmtime_command("127.0.0.1:1", tmp_path, {}, served=serve.TEST_SERVED)[-1] == str(serve.TEST_SERVED)


def test_the_test_clock_manifest_is_spin_toml_with_the_test_app_as_its_source(tmp_path):
    written = serve.test_clock_manifest(tmp_path)
    assert written.parent == tmp_path
    tested = tomllib.loads(written.read_text())
    shipped = tomllib.loads((serve.ROOT / "spin.toml").read_text())
    component = tested["component"]["ghcr-stats"]
    assert component.pop("source") == str(serve.TEST_APP)
    assert component.pop("dependencies") == {"ghcr-stats:html/parser@0.1.0": {"path": str(serve.ROOT / "build/html-parser.wasm")}}
    for key in ("source", "dependencies"):
        del shipped["component"]["ghcr-stats"][key]
    assert tested == shipped  # the variables, the store, the outbound hosts: as shipped
