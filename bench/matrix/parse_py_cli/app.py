"""The CPython parser as a `wasi:cli/command` component, for `wasmtime run`: `parse_stdlib.py`
unchanged inside (componentize-py), its `main` given the WASI command-line arguments.

    wasmtime run --dir DIR::/bench py-parse-cli.wasm /bench/page.html [--repeat N]
"""

import sys

import parse_stdlib
from wit_world import exports
from wit_world.imports import environment


class Run(exports.Run):
    def run(self) -> None:
        if parse_stdlib.main(environment.get_arguments()[1:]):
            sys.exit(1)
