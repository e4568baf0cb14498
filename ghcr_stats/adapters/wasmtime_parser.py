"""The parser component (`build/html-parser.wasm`) in CPython, through wasmtime-py.

Tests, benchmarks and tools use it where the app runs outside Spin. The component is
compiled once and one instance serves every call (the parser keeps no state between calls:
its post-return empties the memory a call used); `fresh_instance=True` instantiates per
call instead, as Spin does per request.

Results are read straight from wasmtime's C values into `ghcr_stats.pages` dataclasses
(`lift="direct"`, the default). wasmtime-py's generic lifting (`lift="wasmtime"`) asks the
C API for every record's type again for each value, which costs more than the parse
itself for a 30-day series; it stays available, and the tests check both agree. The html
argument is lowered without wasmtime-py's copies either (`Utf8Lowering`): the string value
points at the str's own characters (ASCII) or at a reused buffer encoded in slices, and a
lone surrogate is a ValueError on both paths (UTF-8 cannot hold one; wasmtime would abort).
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
    TaggedVersion,
    VersionsPage,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = REPO_ROOT / "build" / "html-parser.wasm"
INTERFACE = "ghcr-stats:html/parser@0.1.0"
FUNCS = ("parse-package-page", "parse-listing-page", "parse-versions-page")
_RESULT = ffi.WASMTIME_COMPONENT_RESULT.value
_STRING = ffi.WASMTIME_COMPONENT_STRING.value
_BYTE_P = ctypes.POINTER(ffi.wasm_byte_t)
_func_call = ffi.wasmtime_component_func_call


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


def _tagged_version(f) -> TaggedVersion:
    return TaggedVersion(f[0].val.of.u64, [_str(t) for t in _items(f[1].val)], f[2].val.of.u64)


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
        recent_versions=[_tagged_version(r) for r in map(_fields, _items(f[7].val))],
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
        versions=[_tagged_version(r) for r in map(_fields, _items(f[0].val))],
        next_page=_opt_str(f[1].val),
    )


_DIRECT = {"parse-package-page": _package_page, "parse-listing-page": _listing_page, "parse-versions-page": _versions_page}


# --- lowering the html argument ------------------------------------------------------------

# A str with one character beyond ASCII is stored wide (1, 2 or 4 bytes per character for the
# whole text) and `str.encode` then goes character by character (~0.55 ns each: 0.17 ms for
# a 300 KB page with one "…"). Slices of it that hold only ASCII become ASCII strs, whose
# encoding is a copy, so such a page is encoded in slices of this many characters.
_SLICE = 8192
# The slices are copied into a buffer kept from call to call: a fresh multi-megabyte
# `bytes` per call costs a page fault per 4 KiB (more than the encoding, on a 3 MB page).
# A buffer grown beyond this is let go after the call.
_KEEP = 16 << 20

_as_utf8 = ctypes.pythonapi.PyUnicode_AsUTF8AndSize
_as_utf8.restype = ctypes.c_void_p
_as_utf8.argtypes = [ctypes.py_object, ctypes.POINTER(ctypes.c_ssize_t)]


def _lone_surrogate(html: str, e: UnicodeEncodeError) -> ValueError:
    # Python strs may hold lone surrogates (U+D800-U+DFFF, e.g. from 'surrogateescape');
    # UTF-8 cannot, and wasmtime's C API aborts the process on a string that is not UTF-8.
    i = e.start
    return ValueError(f"html is not valid Unicode: lone surrogate U+{ord(html[i]):04X} at index {i}; it cannot be passed as a WIT string")


class Utf8Lowering:
    """Puts a str in memory as UTF-8 for a call: `lower(html)` gives (address, size), valid
    until the next `lower` and while `html` lives. Not thread-safe (one per parser, used
    under its lock). Raises ValueError for a lone surrogate: never gives invalid UTF-8."""

    def __init__(self):
        self._alloc(0)

    def _alloc(self, size: int) -> None:
        self._mem = (ctypes.c_ubyte * size)()
        self._view = memoryview(self._mem).cast("B")
        self._addr = ctypes.addressof(self._mem)

    def _grow(self, used: int, need: int) -> None:
        old = self._view
        self._alloc(max(need, 2 * len(old), 1 << 20))
        self._view[:used] = old[:used]
        old.release()

    def lower(self, html: str) -> tuple[int, int]:
        if html.isascii():
            # An ASCII str is its own UTF-8: CPython hands out its characters, no copy.
            size = ctypes.c_ssize_t()
            return _as_utf8(html, ctypes.byref(size)), size.value
        view, used = self._view, 0
        try:
            for i in range(0, len(html), _SLICE):
                b = html[i : i + _SLICE].encode("utf-8")
                end = used + len(b)
                if end > len(view):
                    rest = max(0, len(html) - i - _SLICE)  # characters, mostly 1 byte each
                    self._grow(used, end + rest + rest // 4)
                    view = self._view
                view[used:end] = b
                used = end
        except UnicodeEncodeError:
            try:
                html.encode("utf-8")
            except UnicodeEncodeError as e:
                raise _lone_surrogate(html, e) from None
            raise  # not reached: the slices of a str encode iff the str does
        return self._addr, used

    def trim(self) -> None:
        """Let go of a buffer grown for an unusually large page."""
        if len(self._view) > _KEEP:
            self._view.release()
            self._alloc(0)


def _direct_call(func, store: Store, fname: str, html: str, lowering: Utf8Lowering):
    address, size = lowering.lower(html)
    # The argument points at that memory itself: wasmtime_component_func_call only reads
    # its arguments (it copies the string into a Rust String, which the lowering copies into
    # the instance's memory), so there is no copy into a wasm_byte_vec_t to make — and the
    # argument must NOT be passed to wasmtime_component_val_delete, which would free memory
    # Python owns.
    param = ffi.wasmtime_component_val_t()
    param.kind = _STRING
    param.of.string.size = size
    param.of.string.data = ctypes.cast(address, _BYTE_P)
    result = ffi.wasmtime_component_val_t()
    try:
        enter_wasm(lambda: _func_call(ctypes.byref(func._func), store._context(), ctypes.byref(param), 1, ctypes.byref(result), 1))
        if result.kind != _RESULT:
            raise TypeError(f"{fname}: expected a result, got kind {result.kind}")
        r = result.of.result
        if not r.is_ok:
            var = r.val.contents.of.variant
            kind = ctypes.string_at(var.discriminant.data, var.discriminant.size).decode()
            raise ParseError(kind, _str(var.val.contents))
        return _DIRECT[fname](r.val.contents)
    finally:
        ffi.wasmtime_component_val_delete(ctypes.byref(result))
        lowering.trim()


# --- wasmtime-py's generic values -----------------------------------------------------------


def _get(record, name: str):
    # Records keep WIT's hyphenated field names.
    return getattr(record, name)


def _version_from_record(v) -> TaggedVersion:
    return TaggedVersion(v.id, list(v.tags), v.downloads)


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
            recent_versions=[_version_from_record(v) for v in _get(r, "recent-versions")],
        )
    if fname == "parse-listing-page":
        return ListingPage(
            packages=[ListedPackage(p.name, p.path, p.repository) for p in r.packages],
            next_page=_get(r, "next-page"),
        )
    return VersionsPage(versions=[_version_from_record(v) for v in r.versions], next_page=_get(r, "next-page"))


def _wasmtime_call(func, store: Store, fname: str, html: str, lowering=None):
    try:
        result = func(store, html)
    except UnicodeEncodeError as e:  # wasmtime-py's encoding, before any wasm runs
        raise _lone_surrogate(html, e) from None
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
        self._lowering = Utf8Lowering()
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
                return self._invoke(funcs[fname], store, fname, html, self._lowering)
            except (ParseError, ValueError):
                # The parser's error, or html it was never called with: the instance is fine.
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
