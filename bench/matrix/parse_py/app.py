"""The CPython parser inside WebAssembly: `parse_stdlib.extract`, unchanged, in a component.

componentize-py bundles CPython (compiled to wasm) with this module and `parse_stdlib`; the
component exports `bench:matrix/extract` (bench/matrix/wit/extract.wit), shaped like the Rust
parser's `parse-package-page` so that the host calls both the same way.
"""

from parse_stdlib import extract as _extract
from wit_world import exports
from wit_world.exports.extract import DailyCount, PackagePage
from wit_world.types import Err


class Extract(exports.Extract):
    def parse_package_page(self, html: str) -> PackagePage:
        try:
            total, days = _extract(html)
        except ValueError as e:
            raise Err(str(e))
        return PackagePage(total, [DailyCount(date, count) for date, count in days])
