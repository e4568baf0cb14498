"""The host capabilities inside Spin: wasi:http outbound, Spin's key-value store and
variables, and the parser component imported over `wit/parser.wit`.

Only importable inside the componentized app, where `spin_sdk.wit` and `wit_world` exist. The
app's world (`stats-app`) imports `fermyon:spin/key-value` and `fermyon:spin/variables` itself
instead of all of spin-http, so spin-sdk's `key_value` and `variables` modules are not there:
the bindings come from `wit_world.imports`. Spin provides both interfaces; elsewhere the
`spin-shim` component does.
"""

from __future__ import annotations

import asyncio
import re
import time
from urllib.parse import urlsplit

from spin_sdk.http import poll_loop
from spin_sdk.http.poll_loop import Stream
from spin_sdk.wit.imports import monotonic_clock, outgoing_handler
from spin_sdk.wit.imports.types import (
    Fields,
    Method_Get,
    OutgoingBody,
    OutgoingRequest,
    RequestOptions,
    Scheme_Http,
    Scheme_Https,
)
from spin_sdk.wit.types import Err
from wit_world.imports import key_value, variables
from wit_world.imports import parser as wit_parser

from ..config import Settings
from ..host import Fetched, FetchError, StoreError, TooLarge
from ..model import ListingPage, PackagePage, ParseError, VersionsPage, build
from .wasi_errors import describe

_NANOS = 1_000_000_000


def setting_values() -> dict[str, str]:
    """Every setting's variable, as given."""
    return {name: variables.get(name) for name in Settings.__dataclass_fields__}


class SpinHttp:
    """GET over wasi:http's outgoing handler, asynchronously, so that several run at once."""

    async def get(self, url: str, *, timeout: float, deadline: float, max_bytes: int) -> Fetched:
        started = time.monotonic()
        parts = urlsplit(url)
        request = OutgoingRequest(Fields.from_list([("user-agent", b"ghcr-stats")]))
        request.set_method(Method_Get())
        request.set_scheme(Scheme_Https() if parts.scheme == "https" else Scheme_Http())
        request.set_authority(parts.netloc)
        request.set_path_with_query(parts.path + (f"?{parts.query}" if parts.query else ""))
        OutgoingBody.finish(request.body(), None)
        options = RequestOptions()
        # wasi:http has no overall time-out: the deadline is checked as each chunk arrives, and
        # no single wait may outlast it, so a trickle ends at most `timeout` past the deadline.
        wait = min(timeout, deadline)
        for set_timeout in (options.set_connect_timeout, options.set_first_byte_timeout, options.set_between_bytes_timeout):
            set_timeout(int(wait * _NANOS))
        try:
            response = await _send(request, options)
        except Err as e:
            raise FetchError(f"the request failed: {describe(e.value)}") from None
        stream = None
        try:
            status = response.status()
            headers = {k.lower(): v.decode("latin-1") for k, v in response.headers().entries()}
            body = bytearray()
            stream = Stream(response.consume())
            while (chunk := await stream.next()) is not None:
                body += chunk
                if len(body) > max_bytes:
                    raise TooLarge(f"body larger than {max_bytes} bytes")
                if time.monotonic() - started > deadline:
                    raise FetchError(f"the response took longer than {deadline:g} s")
        except Err as e:
            raise FetchError(f"reading the body failed: {describe(e.value)}") from None
        finally:
            _release(stream, response)
        return Fetched(status, headers, bytes(body))


def _release(stream: Stream | None, response) -> None:
    """Drop a response's resources children first: Wasmtime traps the instance ("resource has
    children") when a response goes before the body still being read, as it would when a
    read stops early (a body over the cap, the deadline)."""
    if stream is not None:
        for part in ("stream", "body"):
            if (resource := getattr(stream, part)) is not None:
                resource.__exit__(None, None, None)
                setattr(stream, part, None)
    response.__exit__(None, None, None)


async def _send(request: OutgoingRequest, options: RequestOptions):
    # spin_sdk's `poll_loop.send` without options: the same loop, with our time-outs.
    future = outgoing_handler.handle(request, options)
    while (result := future.get()) is None:
        await poll_loop.register(asyncio.get_event_loop(), future.subscribe())
    if isinstance(result.value, Err):
        raise result.value
    return result.value.value


class SpinKeyValue:
    """Spin's store `default`; its errors (`key_value.Error_*`) become StoreError."""

    def __init__(self) -> None:
        self._store = None

    def _call(self, method: str, *args):
        try:
            if self._store is None:
                self._store = key_value.Store.open("default")
            return getattr(self._store, method)(*args)
        except Err as e:
            raise StoreError(f"the key-value store failed to {method.replace('_', ' ')}: {_store_error(e.value)}") from None

    def get(self, key: str) -> bytes | None:
        return self._call("get", key)

    def set(self, key: str, value: bytes) -> None:
        self._call("set", key, value)

    def delete(self, key: str) -> None:
        self._call("delete", key)

    def get_keys(self) -> list[str]:
        return self._call("get_keys")


def _store_error(error) -> str:
    # Error_Other carries the host's words; the other cases are their name.
    return getattr(error, "value", None) or type(error).__name__.removeprefix("Error_")


async def sleep(seconds: float) -> None:
    """asyncio.sleep for spin-sdk's PollLoop, which has no timers: a wasi:clocks pollable."""
    await poll_loop.register(asyncio.get_event_loop(), monotonic_clock.subscribe_duration(int(seconds * _NANOS)))


class ComponentParser:
    """The imported parser component; componentize-py's records become the model's."""

    def parse_package_page(self, html: str) -> PackagePage:
        return build(PackagePage, _call(wit_parser.parse_package_page, html))

    def parse_listing_page(self, html: str) -> ListingPage:
        return build(ListingPage, _call(wit_parser.parse_listing_page, html))

    def parse_versions_page(self, html: str) -> VersionsPage:
        return build(VersionsPage, _call(wit_parser.parse_versions_page, html))


def _call(parse, html: str):
    try:
        return parse(html)
    except Err as e:
        # The WIT's case name, which componentize-py spells `ParseError_WrongPage`.
        case = type(e.value).__name__.removeprefix("ParseError_")
        raise ParseError(re.sub(r"(?<=[a-z])(?=[A-Z])", "-", case).lower(), e.value.value) from None
