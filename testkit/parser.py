"""The parser component (`build/html-parser.wasm`) in CPython, through wasmtime-py's public API.

Tests, benchmarks and tools use it where the app runs outside Spin. The component is compiled
once and one instance serves every call (the parser keeps no state between calls: its
post-return frees what a call returned); `fresh()` instantiates per call instead, as Spin
does per request. wasmtime-py hands results over as records with the WIT's hyphenated field
names; `ghcr_stats.model.build` makes the model's records of them, as it does inside Spin.
"""

from __future__ import annotations

import threading
from pathlib import Path

from wasmtime import Engine, Store
from wasmtime.component import Component, Linker, Variant

from ghcr_stats.model import ListingPage, PackagePage, ParseError, VersionsPage, build

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "build" / "html-parser.wasm"
INTERFACE = "ghcr-stats:html/parser@0.1.0"
RECORDS = {"parse-package-page": PackagePage, "parse-listing-page": ListingPage, "parse-versions-page": VersionsPage}


def _field(record, name: str):
    return getattr(record, name.replace("_", "-"))


class WasmtimeParser:
    """The `Parser` protocol of `ghcr_stats.host`, backed by the Rust component."""

    def __init__(self, path: str | Path | None = None, *, fresh_instance: bool = False, memory_limit: int | None = None):
        self.path = Path(path) if path is not None else DEFAULT_PATH
        if not self.path.exists():
            raise FileNotFoundError(f"{self.path}: build it with `make build/html-parser.wasm`")
        self.engine = Engine()
        self.component = Component.from_file(self.engine, str(self.path))
        self.linker = Linker(self.engine)
        iface = self.component.get_export_index(INTERFACE)
        if iface is None:
            raise ValueError(f"{self.path} does not export {INTERFACE}")
        self._indices = {f: self.component.get_export_index(f, iface) for f in RECORDS}
        self.fresh_instance = fresh_instance
        # Caps each instance's linear memory (bytes); a call that needs more traps.
        self.memory_limit = memory_limit
        self._lock = threading.Lock()
        self.store: Store | None = None
        self._funcs: dict = {}
        if not fresh_instance:
            self.store, self._funcs = self._instantiate()

    @classmethod
    def fresh(cls, path: str | Path | None = None) -> "WasmtimeParser":
        """A parser that instantiates the component for every call (as Spin does per request)."""
        return cls(path, fresh_instance=True)

    def _instantiate(self):
        store = Store(self.engine)
        if self.memory_limit is not None:
            store.set_limits(memory_size=self.memory_limit)
        instance = self.linker.instantiate(store, self.component)
        return store, {f: instance.get_func(store, idx) for f, idx in self._indices.items()}

    def _call(self, fname: str, html: str):
        if not isinstance(html, str):
            raise TypeError(f"html must be str, not {type(html).__name__}")
        with self._lock:
            store, funcs = self._instantiate() if self.fresh_instance else (self.store, self._funcs)
            try:
                result = funcs[fname](store, html)
            except UnicodeEncodeError as e:
                # A str may hold lone surrogates (U+D800-U+DFFF); UTF-8, and so a WIT string, cannot.
                raise ValueError(f"html is not valid Unicode: {e.reason} at index {e.start}; it cannot be passed as a WIT string") from None
            except Exception:
                # A trap leaves the instance unusable (no post-return ran): start a new one.
                if not self.fresh_instance:
                    self.store, self._funcs = self._instantiate()
                raise
        if isinstance(result, Variant):
            raise ParseError(result.tag, result.payload)
        return build(RECORDS[fname], result, _field)

    def parse_package_page(self, html: str) -> PackagePage:
        return self._call("parse-package-page", html)

    def parse_listing_page(self, html: str) -> ListingPage:
        return self._call("parse-listing-page", html)

    def parse_versions_page(self, html: str) -> VersionsPage:
        return self._call("parse-versions-page", html)
