"""The served app's key-value store `default`, read and written from outside, as each engine
keeps it: so that a test can move the app's clock, seed a store or look at what the app wrote,
whether `spin up` (Spin's SQLite file) or two Spin replicas (one Redis) serve it; without Spin,
through the shim itself (testkit.shim.ShimKV)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class SqliteKV:
    """The store as `spin up` keeps it by default: the table `spin_key_value` of
    `<state dir>/sqlite_key_value.db`, rows of the store `default`. The table is made here if
    Spin has not made it yet (Spin makes it on the first request), with Spin's own schema."""

    FILE = "sqlite_key_value.db"

    def __init__(self, state: Path, store: str = "default") -> None:
        state.mkdir(parents=True, exist_ok=True)
        self.path = state / self.FILE
        self.store = store
        # Autocommit: every write is visible to Spin at once; wait for Spin's own writes.
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS spin_key_value (store TEXT NOT NULL, key TEXT NOT NULL,"
            " value BLOB NOT NULL, PRIMARY KEY (store, key))"
        )

    def get(self, key: str) -> bytes | None:
        row = self._db.execute("SELECT value FROM spin_key_value WHERE store=? AND key=?", (self.store, key)).fetchone()
        return bytes(row[0]) if row else None

    def set(self, key: str, value: bytes) -> None:
        self._db.execute(
            "INSERT INTO spin_key_value (store, key, value) VALUES (?, ?, ?) ON CONFLICT(store, key) DO UPDATE SET value=excluded.value",
            (self.store, key, value),
        )

    def delete(self, key: str) -> None:
        self._db.execute("DELETE FROM spin_key_value WHERE store=? AND key=?", (self.store, key))

    def get_keys(self) -> list[str]:
        return [k for (k,) in self._db.execute("SELECT key FROM spin_key_value WHERE store=?", (self.store,))]

    def leftovers(self) -> list[str]:
        return []


class RedisKV:
    """The store as Spin keeps it with a runtime config `[key_value_store.default] type =
    "redis"`: one Redis key per key, shared by every replica pointed at it."""

    def __init__(self, url: str) -> None:
        import redis  # only the two-replica tests need it

        self._redis = redis.Redis.from_url(url)

    def get(self, key: str) -> bytes | None:
        return self._redis.get(key)

    def set(self, key: str, value: bytes) -> None:
        self._redis.set(key, value)

    def delete(self, key: str) -> None:
        self._redis.delete(key)

    def get_keys(self) -> list[str]:
        return [k.decode() for k in self._redis.keys("*")]

    def leftovers(self) -> list[str]:
        return []
