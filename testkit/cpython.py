"""The app's host capabilities in CPython, for tests that drive `ghcr_stats` directly:
httpx for outbound HTTP, a dict for the key-value store, and a clock the test can move."""

from __future__ import annotations

import asyncio
import ssl

import httpx

from ghcr_stats.host import Fetched, FetchError


# One TLS context for every client: making one reads the CA bundle (~20 ms), and a client is
# made per request (each request may run in an event loop of its own).
_TLS = ssl.create_default_context()


class HttpxHttp:
    def __init__(self) -> None:
        self.urls: list[str] = []

    async def get(self, url: str, *, timeout: float, deadline: float, max_bytes: int) -> Fetched:
        self.urls.append(url)
        try:
            return await asyncio.wait_for(self._get(url, timeout, max_bytes), deadline)
        except asyncio.TimeoutError:
            raise FetchError(f"the response took longer than {deadline:g} s") from None

    async def _get(self, url: str, timeout: float, max_bytes: int) -> Fetched:
        try:
            async with httpx.AsyncClient(timeout=timeout, verify=_TLS) as client:
                async with client.stream("GET", url) as r:
                    body = bytearray()
                    async for chunk in r.aiter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            raise FetchError(f"body larger than {max_bytes} bytes")
                    return Fetched(r.status_code, {k.lower(): v for k, v in r.headers.items()}, bytes(body))
        except httpx.HTTPError as e:
            raise FetchError(f"{type(e).__name__}: {e}") from None


class DictKV(dict):
    def get(self, key: str) -> bytes | None:  # dict.get, typed as the protocol wants
        return super().get(key)

    def set(self, key: str, value: bytes) -> None:
        self[key] = value

    def delete(self, key: str) -> None:
        self.pop(key, None)


class Clock:
    def __init__(self, now: float = 1_780_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class DirKV:
    """The key-value store as the served app keeps it without Spin (components/spin-shim): a
    file per key in a directory, named by the key with every byte but `A-Z a-z 0-9 - _`
    written `%XX`. The tests write a store here with the core in CPython, then serve it."""

    def __init__(self, directory) -> None:
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str):
        safe = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        return self.dir / ("".join(chr(b) if b in safe else f"%{b:02X}" for b in key.encode()) or "%")

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return path.read_bytes() if path.exists() else None

    def set(self, key: str, value: bytes) -> None:
        self._path(key).write_bytes(value)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def sleeper(clock: Clock, real: float = 0.0):
    """A sleep for the moved clock: it moves the clock, lets other tasks run, and waits `real`
    times as long in real time (0: not at all)."""

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)
        await asyncio.sleep(seconds * real)

    return sleep
