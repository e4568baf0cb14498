"""Routes as data: each a name, a path template, a handler, the methods it takes and the format
of its answers; a request matched against them in order, and the app's own paths made from a
route's name.

A template is `/`-separated segments: literal ones; `{name}`, one segment; `{name:path}`, one
or more (a nested package name); the last may end in a literal suffix (`.svg`). A template
ending in `/` matches only a path that does; the others ignore a trailing `/`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Generic, TypeVar
from urllib.parse import quote

H = TypeVar("H", bound=Callable[..., Awaitable[Any]])


@dataclass(frozen=True)
class Route(Generic[H]):
    """`format`: that of every answer, errors included: `json` (the API), `page` (HTML or text
    by `Accept`), `badge` (SVG), `shields` (shields.io's JSON). `keep`: its answers may be kept
    ready to send again (`ready`)."""

    name: str
    template: str
    handler: H
    format: str = "json"
    methods: tuple[str, ...] = ("GET", "HEAD")
    keep: bool = False

    def match(self, path: str, segments: list[str]) -> dict[str, list[str]] | None:
        """{param: the segments it took} if `path` (split into `segments`) is this route's."""
        if self.template != "/" and self.template.endswith("/") and not path.endswith("/"):
            return None
        return _match(_pattern(self.template), segments)

    @property
    def head(self) -> str:
        """The template's first segment ("" for `/`)."""
        return (_pattern(self.template) or ("",))[0]

    def path(self, **params: object) -> str:
        """The path of this route with `params` in its place-holders, each segment
        percent-encoded; a `path` parameter's value is split at its `/` (a PackageRef is
        `owner/name`)."""
        segments = []
        for part in _pattern(self.template):
            if not part.startswith("{"):
                segments.append(part)
                continue
            name, _, suffix = part[1:].partition("}")
            name, _, kind = name.partition(":")
            value = str(params.pop(name))
            taken = value.split("/") if kind == "path" else [value]
            segments += [quote(s, safe="") for s in taken[:-1]] + [quote(taken[-1], safe="") + suffix]
        if params:
            raise TypeError(f"route {self.name!r} has no parameter {', '.join(params)}")
        trailing = "/" if self.template.endswith("/") and segments else ""
        return "/" + "/".join(segments) + trailing


class Router(Generic[H]):
    def __init__(self, routes: list[Route[H]]):
        self.routes = routes
        self._named = {r.name: r for r in routes}
        # By first segment, in order: a request is matched against those that can match it.
        # Made now: inside Spin, into the snapshot every instance starts from.
        self._by_head: dict[str, list[Route[H]]] = {}
        for r in routes:
            if r.head.startswith("{"):
                raise ValueError(f"route {r.name!r} begins with a parameter: every route's first segment is literal")
            self._by_head.setdefault(r.head, []).append(r)

    def match(self, path: str, segments: list[str]) -> tuple[Route[H] | None, dict[str, list[str]]]:
        for route in self._by_head.get(segments[0] if segments else "", ()):
            if (params := route.match(path, segments)) is not None:
                return route, params
        return None, {}

    def format_of(self, segments: list[str]) -> str:
        """The format of a path no route matches: that of the routes under its first segment."""
        return next((r.format for r in self._by_head.get(segments[0] if segments else "", ())), "json")

    def url_for(self, route: str, /, **params: object) -> str:
        """The path of the route named `route` (Starlette's `url_path_for`)."""
        return self._named[route].path(**params)


@functools.cache
def _pattern(template: str) -> tuple[str, ...]:
    """A template's segments, split once (the router matches each request against every route)."""
    stripped = template.strip("/")
    return tuple(stripped.split("/")) if stripped else ()


def _match(pattern: tuple[str, ...], segments: list[str]) -> dict[str, list[str]] | None:
    """{param: the segments it took}, or None; literal suffixes are taken off what they end."""
    if not pattern:
        return {} if not segments else None
    head, rest = pattern[0], pattern[1:]
    if not head.startswith("{"):
        return _match(rest, segments[1:]) if segments and segments[0] == head else None
    name, _, suffix = head[1:].partition("}")
    name, _, kind = name.partition(":")
    widths = range(1, len(segments) - len(rest) + 1) if kind == "path" else [1]
    for width in widths:
        taken = segments[:width]
        if len(taken) < width or (suffix and not taken[-1].endswith(suffix)):
            continue
        if (params := _match(rest, segments[width:])) is not None:
            return {name: taken[:-1] + [taken[-1].removesuffix(suffix)], **params}
    return None
