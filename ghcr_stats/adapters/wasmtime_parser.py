"""The parser component (`build/html-parser.wasm`) in CPython, through wasmtime-py.

Tests, benchmarks and tools use it where the app runs outside Spin. The component is
compiled once and one instance serves every call (the parser keeps no state between calls:
each call's memory is freed by its post-return); `fresh_instance=True` instantiates per call
instead, which is what Spin does per request.
"""

from __future__ import annotations

import threading
from pathlib import Path

from wasmtime import Engine, Store
from wasmtime.component import Component, Linker, Variant

from ghcr_stats.pages import (
    DailyCount,
    ListedPackage,
    ListingPage,
    PackagePage,
    ParseError,
    VersionCount,
    VersionsPage,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = REPO_ROOT / "build" / "html-parser.wasm"
INTERFACE = "ghcr-stats:html/parser@0.1.0"
FUNCS = ("parse-package-page", "parse-listing-page", "parse-versions-page")


def _get(record, name: str):
    # Records keep WIT's hyphenated field names.
    return getattr(record, name)


class WasmtimeParser:
    """The `Parser` protocol of `ghcr_stats.pages`, backed by the Rust component."""

    def __init__(self, path: str | Path | None = None, *, fresh_instance: bool = False):
        self.path = Path(path) if path is not None else DEFAULT_PATH
        if not self.path.exists():
            raise FileNotFoundError(f"{self.path}: build it with `make build/html-parser.wasm`")
        self.engine = Engine()
        self.component = Component.from_file(self.engine, str(self.path))
        self.linker = Linker(self.engine)
        iface = self.component.get_export_index(INTERFACE)
        if iface is None:
            raise ValueError(f"{self.path} does not export {INTERFACE}")
        self._indices = {f: self.component.get_export_index(f, iface) for f in FUNCS}
        self.fresh_instance = fresh_instance
        self._lock = threading.Lock()
        self.store: Store | None = None
        self.instance = None
        self._funcs: dict = {}
        if not fresh_instance:
            self.store, self.instance, self._funcs = self._instantiate()

    @classmethod
    def fresh(cls, path: str | Path | None = None) -> "WasmtimeParser":
        """A parser that instantiates the component for every call (as Spin does per request)."""
        return cls(path, fresh_instance=True)

    def _instantiate(self):
        store = Store(self.engine)
        instance = self.linker.instantiate(store, self.component)
        funcs = {f: instance.get_func(store, idx) for f, idx in self._indices.items()}
        return store, instance, funcs

    def _call(self, func: str, html: str):
        if not isinstance(html, str):
            raise TypeError(f"html must be str, not {type(html).__name__}")
        with self._lock:
            if self.fresh_instance:
                store, _, funcs = self._instantiate()
            else:
                store, funcs = self.store, self._funcs
            try:
                result = funcs[func](store, html)
            except Exception:
                # A trap leaves the instance unusable (no post-return ran): start a new one.
                if not self.fresh_instance:
                    self.store, self.instance, self._funcs = self._instantiate()
                raise
        if isinstance(result, Variant):
            raise ParseError(result.tag, result.payload)
        return result

    def parse_package_page(self, html: str) -> PackagePage:
        r = self._call("parse-package-page", html)
        return PackagePage(
            total_downloads=_get(r, "total-downloads"),
            total_exact=_get(r, "total-exact"),
            display_total=_get(r, "display-total"),
            daily_downloads=[DailyCount(d.date, d.count) for d in _get(r, "daily-downloads")],
            last_published=_get(r, "last-published"),
            repository=r.repository,
            latest_version=_get(r, "latest-version"),
        )

    def parse_listing_page(self, html: str) -> ListingPage:
        r = self._call("parse-listing-page", html)
        return ListingPage(
            packages=[ListedPackage(p.name, p.path, p.repository) for p in r.packages],
            next_page=_get(r, "next-page"),
        )

    def parse_versions_page(self, html: str) -> VersionsPage:
        r = self._call("parse-versions-page", html)
        return VersionsPage(
            versions=[VersionCount(v.tag, v.downloads) for v in r.versions],
            next_page=_get(r, "next-page"),
        )
