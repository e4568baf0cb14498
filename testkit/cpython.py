"""The app's host capabilities in CPython, for tests that drive `ghcr_stats` directly:
httpx for outbound HTTP, a dict for the key-value store, and a clock the test can move."""

from __future__ import annotations

import asyncio
import ssl

import httpx

from ghcr_stats import service
from ghcr_stats.host import Fetched, FetchError, Host, TooLarge


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
                            raise TooLarge(f"body larger than {max_bytes} bytes")
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

    def get_keys(self) -> list[str]:
        return list(self)


class Clock:
    def __init__(self, now: float = 1_780_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def sleeper(clock: Clock, real: float = 0.0):
    """A sleep for the moved clock: it moves the clock, lets other tasks run, and waits `real`
    times as long in real time (0: not at all)."""

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)
        await asyncio.sleep(seconds * real)

    return sleep


def serve(host: Host, request: service.Request) -> service.Response:
    """What a client gets, then what the app does once it has it: `service.handle`, then
    `service.after`, as the Spin entry point runs them."""

    async def answer_then_refresh() -> service.Response:
        response = await service.handle(host, request)
        await service.after(host)
        return response

    return asyncio.run(answer_then_refresh())
