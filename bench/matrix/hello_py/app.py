"""Hello World as a Python component: a `wasi:cli/command` built with componentize-py."""

from wit_world import exports


class Run(exports.Run):
    def run(self) -> None:
        print("Hello, World!")
