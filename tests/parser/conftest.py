"""The parser tests run against the built component (`make build/html-parser.wasm`)."""

from pathlib import Path

import pytest

from testkit.parser import DEFAULT_PATH, WasmtimeParser


@pytest.fixture(scope="session")
def parser() -> WasmtimeParser:
    if not Path(DEFAULT_PATH).exists():
        pytest.fail(f"{DEFAULT_PATH} is missing: run `make build/html-parser.wasm` first")
    return WasmtimeParser()
