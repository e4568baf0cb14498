"""The parser component (`build/html-parser.wasm`) in CPython, through wasmtime-py.

Tests, benchmarks and tools use it where the app runs outside Spin. The component is
compiled once and one instance serves every call (the parser keeps no state between calls:
its post-return empties the memory a call used); `fresh_instance=True` instantiates per
call instead, as Spin does per request.

Results are read straight from wasmtime's C values into `ghcr_stats.pages` dataclasses
(`lift="direct"`, the default). wasmtime-py's generic lifting (`lift="wasmtime"`) asks the
C API for every record's type again for each value, which costs more than the parse
itself for a 30-day series; it stays available, and the tests check both agree.
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

from wasmtime import Engine, Store
from wasmtime import _ffi as ffi
from wasmtime.component import Component, Linker, Variant
from wasmtime.component._enter import enter_wasm

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
_RESULT = ffi.WASMTIME_COMPONENT_RESULT.value
_STRING = ffi.WASMTIME_COMPONENT_STRING.value


# --- reading wasmtime's C values (shapes fixed by wit/parser.wit) --------------------------


def _str(v) -> str:
    s = v.of.string
    return ctypes.string_at(s.data, s.size).decode("utf-8")


def _opt_str(v) -> str | None:
    p = v.of.option
    return _str(p.contents) if p else None


def _fields(v):
    return v.of.record.data


def _items(v):
    lst = v.of.list
    return (lst.data[i] for i in range(lst.size))


def _package_page(v) -> PackagePage:
    f = _fields(v)
    return PackagePage(
        total_downloads=f[0].val.of.u64,
        total_exact=bool(f[1].val.of.boolean),
        display_total=_str(f[2].val),
        daily_downloads=[DailyCount(_str(d[0].val), d[1].val.of.u64) for d in map(_fields, _items(f[3].val))],
        last_published=_opt_str(f[4].val),
        repository=_opt_str(f[5].val),
        latest_version=_opt_str(f[6].val),
    )


def _listing_page(v) -> ListingPage:
    f = _fields(v)
    return ListingPage(
        packages=[ListedPackage(_str(p[0].val), _str(p[1].val), _opt_str(p[2].val)) for p in map(_fields, _items(f[0].val))],
        next_page=_opt_str(f[1].val),
    )


def _versions_page(v) -> VersionsPage:
    f = _fields(v)
    return VersionsPage(
        versions=[VersionCount(_str(r[0].val), r[1].val.of.u64) for r in map(_fields, _items(f[0].val))],
        next_page=_opt_str(f[1].val),
    )


_DIRECT = {"parse-package-page": _package_page, "parse-listing-page": _listing_page, "parse-versions-page": _versions_page}


def _direct_call(func, store: Store, fname: str, html: str):
    data = html.encode("utf-8")
    param = (ffi.wasmtime_component_val_t * 1)()
    param[0].kind = _STRING
    ffi.wasm_byte_vec_new(ctypes.byref(param[0].of.string), len(data), ctypes.cast(data, ctypes.POINTER(ffi.wasm_byte_t)))
    result = ffi.wasmtime_component_val_t()
    try:
        enter_wasm(lambda: ffi.wasmtime_component_func_call(ctypes.byref(func._func), store._context(), param, 1, ctypes.byref(result), 1))
        if result.kind != _RESULT:
            raise TypeError(f"{fname}: expected a result, got kind {result.kind}")
        r = result.of.result
        if not r.is_ok:
            var = r.val.contents.of.variant
            kind = ctypes.string_at(var.discriminant.data, var.discriminant.size).decode()
            raise ParseError(kind, _str(var.val.contents))
        return _DIRECT[fname](r.val.contents)
    finally:
        ffi.wasmtime_component_val_delete(ctypes.byref(param[0]))
        ffi.wasmtime_component_val_delete(ctypes.byref(result))


# --- wasmtime-py's generic values -----------------------------------------------------------


def _get(record, name: str):
    # Records keep WIT's hyphenated field names.
    return getattr(record, name)


def _from_record(fname: str, r):
    if fname == "parse-package-page":
        return PackagePage(
            total_downloads=_get(r, "total-downloads"),
            total_exact=_get(r, "total-exact"),
            display_total=_get(r, "display-total"),
            daily_downloads=[DailyCount(d.date, d.count) for d in _get(r, "daily-downloads")],
            last_published=_get(r, "last-published"),
            repository=r.repository,
            latest_version=_get(r, "latest-version"),
        )
    if fname == "parse-listing-page":
        return ListingPage(
            packages=[ListedPackage(p.name, p.path, p.repository) for p in r.packages],
            next_page=_get(r, "next-page"),
        )
    return VersionsPage(versions=[VersionCount(v.tag, v.downloads) for v in r.versions], next_page=_get(r, "next-page"))


def _wasmtime_call(func, store: Store, fname: str, html: str):
    result = func(store, html)
    if isinstance(result, Variant):
        raise ParseError(result.tag, result.payload)
    return _from_record(fname, result)


class WasmtimeParser:
    """The `Parser` protocol of `ghcr_stats.pages`, backed by the Rust component."""

    def __init__(self, path: str | Path | None = None, *, fresh_instance: bool = False, lift: str = "direct", memory_limit: int | None = None):
        self.path = Path(path) if path is not None else DEFAULT_PATH
        if not self.path.exists():
            raise FileNotFoundError(f"{self.path}: build it with `make build/html-parser.wasm`")
        if lift not in ("direct", "wasmtime"):
            raise ValueError(f"lift must be 'direct' or 'wasmtime', not {lift!r}")
        self._invoke = _direct_call if lift == "direct" else _wasmtime_call
        self.engine = Engine()
        self.component = Component.from_file(self.engine, str(self.path))
        self.linker = Linker(self.engine)
        iface = self.component.get_export_index(INTERFACE)
        if iface is None:
            raise ValueError(f"{self.path} does not export {INTERFACE}")
        self._indices = {f: self.component.get_export_index(f, iface) for f in FUNCS}
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
            if self.fresh_instance:
                store, funcs = self._instantiate()
            else:
                store, funcs = self.store, self._funcs
            try:
                return self._invoke(funcs[fname], store, fname, html)
            except ParseError:
                raise
            except Exception:
                # A trap leaves the instance unusable (no post-return ran): start a new one.
                if not self.fresh_instance:
                    self.store, self._funcs = self._instantiate()
                raise

    def parse_package_page(self, html: str) -> PackagePage:
        return self._call("parse-package-page", html)

    def parse_listing_page(self, html: str) -> ListingPage:
        return self._call("parse-listing-page", html)

    def parse_versions_page(self, html: str) -> VersionsPage:
        return self._call("parse-versions-page", html)
