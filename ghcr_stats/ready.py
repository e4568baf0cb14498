"""Answers kept ready to send: a cached answer is one key-value read and its bytes written.

An answer made from values that were all fresh is kept, under a key naming the request (its
route and path, HTML or text) and what shapes the answer (the app's code, its settings).
It is sent again while every value it was made from would still be fresh, and until the store
changes: what the clock changes in it (each `age_seconds`, `max-age`) is filled in as it is sent,
so it is byte for byte what the answer would be made anew.

The store has no transactions, so a kept answer must not outlive the values it was made from:
every change to what answers are made from writes a new generation, then deletes the kept
answers (`forget`). One is kept with the generation read before its values were, and deleted
again at once if the generation has since moved (`keep`): whichever of a change and a keeping
comes last, the answer does not outlast the change.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from . import keys
from .host import KeyValue, StoreError
from .numbers import age

MAGIC = b"ghcr-stats ready 1"


def _code() -> str:
    """The app's source, hashed: an answer kept by one version is never sent by another (replicas
    of two versions share a store during a rolling upgrade). Read once, at import: inside Spin,
    while the snapshot every instance starts from is made."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE = _code()


def key(shaped_by: str, route: str, path: str, variant: str) -> str:
    """The key of a request's kept answer: fixed in length whatever the names in it."""
    named = "\x00".join([CODE, shaped_by, route, path, variant])
    return keys.ready(hashlib.sha256(named.encode()).hexdigest()[:32])


# -- ages: what the clock changes in a body ---------------------------------------------------
# A body is made with a mark where each age goes (the time it counts from), cut at the marks,
# and the ages filled in as it is sent. The marks hold a nonce: no text from a page can forge one.

_NONCE = secrets.token_hex(8)
_MARK = re.compile(rb'"\\u0000' + _NONCE.encode() + rb'([0-9.e+-]+)\\u0000"')


class Age:
    """`age_seconds` of a value read at `at`, to be filled in when the answer is sent."""

    __slots__ = ("at",)

    def __init__(self, at: float):
        self.at = at


def mark(o: object) -> str:
    """The JSON encoder's `default`: an Age as its mark, written "\u0000<nonce><at>\u0000"."""
    if not isinstance(o, Age):
        raise TypeError(f"{type(o).__name__} is not JSON serializable")
    return f"\x00{_NONCE}{o.at!r}\x00"


def cut(body: bytes) -> tuple[tuple[bytes, ...], tuple[float, ...]]:
    """(the body's parts, the times its ages count from, one between each two parts)."""
    pieces = _MARK.split(body)
    return tuple(pieces[0::2]), tuple(float(at) for at in pieces[1::2])


def fill(parts: tuple[bytes, ...], ages: tuple[float, ...], now: float) -> bytes:
    out = [parts[0]]
    for at, part in zip(ages, parts[1:]):
        out += [str(age(at, now)).encode(), part]
    return b"".join(out)


def max_age(ttl: int, read_at: float, now: float) -> int:
    """Seconds a client may keep a fresh answer: never past the TTL, whatever the clock did."""
    return min(ttl, max(0, int(ttl - (now - read_at))))


def cache_control(max_age: int) -> str:
    return f"public, max-age={max_age}"


# -- kept answers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ready:
    """An answer kept: its headers (but `cache-control`, where `max-age` counts down from
    `read_at`), its body cut at its ages, and when it may be sent: from the newest value's read
    time (a clock that went back makes none fresh) to the oldest's plus the TTL. `self_url`: the
    URL asked for, where the body shows it (a page's QR code), else ""."""

    headers: tuple[tuple[str, str], ...]
    parts: tuple[bytes, ...]
    ages: tuple[float, ...]
    read_at: float | None  # None: the answer's own `cache-control` is kept (`no-store`)
    fresh_from: float
    fresh_until: float
    ttl: int
    self_url: str = ""

    def sendable(self, now: float, self_url: str) -> bool:
        return self.fresh_from <= now < self.fresh_until and self.self_url == self_url

    def headers_at(self, now: float) -> dict[str, str]:
        if self.read_at is None:
            return dict(self.headers)
        return {**dict(self.headers), "cache-control": cache_control(max_age(self.ttl, self.read_at, now))}

    def body_at(self, now: float) -> bytes:
        return fill(self.parts, self.ages, now)

    def encode(self) -> bytes:
        head = [
            MAGIC,
            f"{self.read_at!r} {self.fresh_from!r} {self.fresh_until!r} {self.ttl}".encode(),  # read_at: None too
            f"url {self.self_url}".encode(),  # each line begins with a word: none is empty
            ("parts " + " ".join(f"{len(p)}" for p in self.parts)).encode(),
            ("ages " + " ".join(repr(at) for at in self.ages)).encode(),
        ] + [f"{k}: {v}".encode() for k, v in self.headers]
        return b"\n".join(head) + b"\n\n" + b"".join(self.parts)

    @classmethod
    def decode(cls, raw: bytes) -> "Ready | None":
        """None for anything not written by `encode` (cut short, another format)."""
        try:
            head, body = raw.split(b"\n\n", 1)
            magic, times, self_url, lengths, ages, *headers = head.split(b"\n")
            if magic != MAGIC or not (self_url.startswith(b"url ") and lengths.startswith(b"parts ") and ages.startswith(b"ages ")):
                return None
            self_url, lengths, ages = self_url[4:], lengths[6:], ages[5:]
            read_at, fresh_from, fresh_until, ttl = times.split(b" ")
            parts, at = [], 0
            for n in map(int, lengths.split(b" ")):
                parts.append(body[at:at + n])
                at += n
            ages_read = tuple(float(a) for a in ages.split(b" ")) if ages else ()
            if at != len(body) or len(ages_read) != len(parts) - 1:
                return None
            return cls(
                tuple(tuple(h.decode().split(": ", 1)) for h in headers),  # type: ignore[misc]
                tuple(parts), ages_read, None if read_at == b"None" else float(read_at), float(fresh_from), float(fresh_until), int(ttl),
                self_url.decode(),
            )
        except (ValueError, UnicodeDecodeError):
            return None


def load(kv: KeyValue, key: str) -> Ready | None:
    """The answer kept under `key`, if any (none when the store cannot be read: the answer is
    made anew)."""
    try:
        raw = kv.get(key)
    except StoreError:
        return None
    return Ready.decode(raw) if raw is not None else None


def generation(kv: KeyValue) -> bytes | None:
    """The store's generation now, read before the values an answer is made from (None when
    the store cannot be read: nothing is kept)."""
    try:
        return kv.get(keys.READY_GENERATION) or b""
    except StoreError:
        return None


def keep(kv: KeyValue, key: str, seen: bytes, ready: Ready) -> None:
    """Keep `ready`, made from values read in generation `seen`; a store that refuses loses
    only the keeping."""
    try:
        kv.set(key, ready.encode())
        if generation(kv) != seen:  # the values changed while it was made: not kept after all
            kv.delete(key)
    except StoreError:
        pass


def forget(kv: KeyValue) -> None:
    """What answers are made from changed: a new generation, then no answer kept."""
    kv.set(keys.READY_GENERATION, secrets.token_hex(8).encode())
    for k in kv.get_keys():
        if k.startswith(keys.READY):
            kv.delete(k)
