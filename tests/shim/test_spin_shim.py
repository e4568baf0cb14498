"""The spin-shim component on its own, through wasmtime-py with WASI 0.2: Spin's key-value
store over a directory, variables from the environment."""

from __future__ import annotations

import os

import pytest
from wasmtime import component as c

from testkit.shim import VARIABLES, Shim

AWKWARD = ["latest:fluxcd/flux-cli", "", ".", "..", "../etc/passwd", ".tmp-1", "%41", "a%", "ünïcødé/ключ", "a b\tc\n", "x" * 80]


def test_values_round_trip_and_last_across_instances(tmp_path):
    shim = Shim(tmp_path)
    store = shim.open()
    for i, key in enumerate(AWKWARD):
        assert shim.kv("set", store, key, bytes([i]) * i) is None
    assert shim.kv("get", store, "never-set") is None
    again = Shim(tmp_path)  # the next request: a fresh instance on the same directory
    store = again.open()
    for i, key in enumerate(AWKWARD):
        assert again.kv("get", store, key) == bytes([i]) * i
        assert again.kv("exists", store, key) is True
    assert sorted(again.kv("get-keys", store)) == sorted(AWKWARD)
    # Every key is one plain file right inside the directory, none hidden, none elsewhere.
    names = os.listdir(tmp_path)
    assert len(names) == len(AWKWARD) and not any(n.startswith(".") or "/" in n for n in names)


def test_overwrite_delete_and_large_values(tmp_path):
    shim = Shim(tmp_path)
    store = shim.open()
    big = os.urandom(150_000)  # several reads of 64 KiB in the shim
    shim.kv("set", store, "k", b"first")
    shim.kv("set", store, "k", big)
    assert shim.kv("get", store, "k") == big
    assert shim.kv("delete", store, "k") is None
    assert shim.kv("delete", store, "k") is None  # deleting what is not there is no error
    assert shim.kv("exists", store, "k") is False and shim.kv("get", store, "k") is None
    assert os.listdir(tmp_path) == []  # no temporary file left behind


def test_errors_are_the_interfaces_cases(tmp_path):
    shim = Shim(tmp_path)
    assert shim.open("cache") == c.Variant("no-such-store", None)  # no /kv/cache preopened
    err = shim.kv("set", shim.open(), "k" * 200, b"v")  # 200 bytes encode to 200 characters: fine
    assert err is None
    err = shim.kv("set", shim.open(), "/" * 100, b"v")  # 300 characters: no file name that long
    assert err.tag == "other" and "too long" in err.payload


def test_variables_come_from_spin_variable_environment_variables(tmp_path):
    shim = Shim(tmp_path, {"SPIN_VARIABLE_OWNER": "fluxcd", "SPIN_VARIABLE_CACHE_TTL": "60", "OWNER": "not this"})
    assert shim.call(VARIABLES, "get", "owner") == "fluxcd"
    assert shim.call(VARIABLES, "get", "cache_ttl") == "60"
    assert shim.call(VARIABLES, "get", "upstream").tag == "undefined"
    for bad in ["Owner", "cache-ttl", "", "1st", "owner name"]:
        assert shim.call(VARIABLES, "get", bad).tag == "invalid-name", bad


@pytest.mark.parametrize("key", AWKWARD[:4])
def test_a_value_is_replaced_whole(tmp_path, key):
    """Writes go to a temporary file renamed over the key's: a reader never sees a mix."""
    first, second = Shim(tmp_path), Shim(tmp_path)
    a, b = first.open(), second.open()
    first.kv("set", a, key, b"A" * 70_000)
    second.kv("set", b, key, b"B" * 10)
    assert first.kv("get", a, key) == b"B" * 10
