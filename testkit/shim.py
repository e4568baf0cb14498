"""The spin-shim component (`build/spin-shim.wasm`) in CPython, through wasmtime-py: one
instance per use, as each request of the served app gets, with its store directory preopened.

`ShimKV` is the store `default` of an app served without Spin, read and written through the
shim itself, so that nothing outside the shim spells the file names it gives keys."""

from __future__ import annotations

import functools
from pathlib import Path

import wasmtime
from wasmtime import component as c

BUILD = Path(__file__).resolve().parent.parent / "build"
KV = "fermyon:spin/key-value@2.0.0"
VARIABLES = "fermyon:spin/variables@2.0.0"


@functools.cache
def _loaded() -> tuple[wasmtime.Engine, c.Component]:
    engine = wasmtime.Engine()
    return engine, c.Component.from_file(engine, str(BUILD / "spin-shim.wasm"))


class Shim:
    def __init__(self, directory: Path, env: dict[str, str] | None = None):
        engine, self.component = _loaded()
        self.store = wasmtime.Store(engine)
        wasi = wasmtime.WasiConfig()
        wasi.preopen_dir(str(directory), "/kv/default")
        wasi.env = list((env or {}).items())
        self.store.set_wasi(wasi)
        linker = c.Linker(engine)
        linker.add_wasip2()
        self.instance = linker.instantiate(self.store, self.component)

    def call(self, interface: str, name: str, *args):
        index = self.component.get_export_index(name, self.component.get_export_index(interface))
        return self.instance.get_func(self.store, index)(self.store, *args)

    def open(self, label: str = "default"):
        return self.call(KV, "[static]store.open", label)

    def kv(self, method: str, handle, *args):
        return self.call(KV, f"[method]store.{method}", handle, *args)


class ShimKV:
    """The store as the served app keeps it without Spin: a directory, through the shim."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)

    def _kv(self, method: str, *args):
        shim = Shim(self.dir)
        result = shim.kv(method, shim.open(), *args)
        if isinstance(result, c.Variant):  # the interface's error case
            raise OSError(f"spin-shim {method}: {result.tag}: {result.payload}")
        return result

    def get(self, key: str) -> bytes | None:
        return self._kv("get", key)

    def set(self, key: str, value: bytes) -> None:
        self._kv("set", key, value)

    def delete(self, key: str) -> None:
        self._kv("delete", key)

    def get_keys(self) -> list[str]:
        return self._kv("get-keys")

    def leftovers(self) -> list[str]:
        """Files that are no key: a write's temporary file left behind (the shim's are dotted)."""
        return [f.name for f in self.dir.iterdir() if f.name.startswith(".")]
