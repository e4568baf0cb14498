"""The parser writes its results through `#[repr(C)]` mirrors of the WIT types
(components/parser-wit, which the benchmark's parse-cli also reads them through); the host
reads them where the Canonical ABI says they are. This computes that layout from `wit/parser.wit` (as `wasm-tools component wit --json`
resolves it) with the spec's `elem_size`/`alignment` rules and compares it, field by field,
with the layout the Rust compiler gave the mirrors (`examples/layout.rs`, run natively: the
mirrors hold u32s, not pointers, so native and wasm32 agree). A field added, dropped,
reordered or retyped on either side fails here instead of corrupting results."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WASM_TOOLS = Path(sys.prefix) / "bin/wasm-tools"
CRATE = ROOT / "components/parser-wit"

# (size, alignment) of the types that are not made of others.
PRIMITIVES = {
    "bool": (1, 1), "u8": (1, 1), "s8": (1, 1), "u16": (2, 2), "s16": (2, 2),
    "u32": (4, 4), "s32": (4, 4), "f32": (4, 4), "char": (4, 4),
    "u64": (8, 8), "s64": (8, 8), "f64": (8, 8),
    "string": (8, 4),
}


def align_to(n: int, a: int) -> int:
    return -(-n // a) * a


class Abi:
    """Canonical ABI layouts of a resolved WIT document's types."""

    def __init__(self, resolve: dict):
        self.types = resolve["types"]

    def name(self, t) -> str:
        if t is None:
            return "_"
        if isinstance(t, str):
            return t
        ty = self.types[t]
        if ty["name"]:
            return ty["name"]
        (kind, arg), = ty["kind"].items()
        if kind == "result":
            return f"result<{self.name(arg['ok'])}, {self.name(arg['err'])}>"
        return f"{kind}<{self.name(arg)}>"

    def cases(self, t) -> list | None:
        """A variant's payload types (None for a case without one), `despecialize`d: option
        and result are variants; None if `t` is not one."""
        if isinstance(t, str):
            return None
        (kind, arg), = self.types[t]["kind"].items()
        if kind == "variant":
            return [c["type"] for c in arg["cases"]]
        if kind == "option":
            return [None, arg]
        if kind == "result":
            return [arg["ok"], arg["err"]]
        if kind == "enum":
            return [None] * len(arg["cases"])
        return None

    def layout(self, t) -> tuple[int, int, dict]:
        """(size, alignment, {field: [offset, size]}) of `t`: a record's fields by name, a
        variant's as `tag` and `payload` (the room every case's payload shares)."""
        if isinstance(t, str):
            size, align = PRIMITIVES[t]
            return size, align, {}
        (kind, arg), = self.types[t]["kind"].items()
        if kind == "type":
            return self.layout(arg)
        if kind == "list":
            return 8, 4, {}
        if kind == "handle":
            return 4, 4, {}
        if kind == "record":
            fields, offset, align = {}, 0, 1
            for f in arg["fields"]:
                size, a, _ = self.layout(f["type"])
                offset = align_to(offset, a)
                fields[f["name"]] = [offset, size]
                offset, align = offset + size, max(align, a)
            return align_to(offset, align), align, fields
        cases = self.cases(t)
        if cases is None:
            raise NotImplementedError(f"layout of a {kind}")
        tag = 1 if len(cases) <= 1 << 8 else 2 if len(cases) <= 1 << 16 else 4
        payloads = [self.layout(c)[:2] for c in cases if c is not None]
        case_align = max((a for _, a in payloads), default=1)
        payload_size = align_to(max((s for s, _ in payloads), default=0), case_align)
        offset, align = align_to(tag, case_align), max(tag, case_align)
        return align_to(offset + payload_size, align), align, {"tag": [0, tag], "payload": [offset, payload_size]}

    def reachable(self, roots) -> list:
        """The named types, options and results that `roots` are made of."""
        seen, order = set(), []

        def visit(t):
            if isinstance(t, str) or t is None or t in seen:
                return
            seen.add(t)
            ty = self.types[t]
            (kind, arg), = ty["kind"].items()
            if kind == "record":
                for f in arg["fields"]:
                    visit(f["type"])
            elif kind in ("list", "option", "type"):
                visit(arg)
            for c in self.cases(t) or []:
                visit(c)
            if ty["name"] or kind in ("option", "result", "variant"):
                order.append(t)

        for r in roots:
            visit(r)
        return order


def wit_layouts() -> dict:
    resolve = json.loads(subprocess.run(
        [str(WASM_TOOLS), "component", "wit", "--json", str(ROOT / "wit")],
        capture_output=True, text=True, check=True,
    ).stdout)
    abi = Abi(resolve)
    parser = next(i for i in resolve["interfaces"] if i["name"] == "parser")
    roots = list(parser["types"].values()) + [f["result"] for f in parser["functions"].values()]
    out = {}
    for t in abi.reachable(roots):
        size, align, fields = abi.layout(t)
        out[abi.name(t)] = {"size": size, "align": align, "fields": fields}
    return out


def rust_layouts() -> dict:
    env = dict(line.split("=", 1) for line in subprocess.run(
        [str(ROOT / "scripts/rust-toolchain.sh")], capture_output=True, text=True, check=True,
    ).stdout.split())
    done = subprocess.run(
        [env["CARGO"], "run", "--offline", "--quiet", "--example", "layout"],
        cwd=CRATE, env={**os.environ, **env}, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_rust_mirrors_have_the_canonical_abi_layout_of_the_wit():
    wit, rust = wit_layouts(), rust_layouts()
    assert sorted(rust) == sorted(wit), "the types examples/layout.rs lists are not the WIT's"
    for name, expected in wit.items():
        assert rust[name] == expected, name


def test_the_layout_rules_on_the_specs_examples():
    # Shapes whose layouts CanonicalABI.md's rules give by hand.
    types = [
        {"name": "r", "kind": {"record": {"fields": [
            {"name": "a", "type": "u8"}, {"name": "b", "type": "u64"}, {"name": "c", "type": "u16"}]}}},
        {"name": None, "kind": {"option": "u8"}},
        {"name": None, "kind": {"result": {"ok": None, "err": "u64"}}},
    ]
    abi = Abi({"types": types})
    assert abi.layout(0) == (24, 8, {"a": [0, 1], "b": [8, 8], "c": [16, 2]})
    assert abi.layout(1) == (2, 1, {"tag": [0, 1], "payload": [1, 1]})
    assert abi.layout(2) == (16, 8, {"tag": [0, 1], "payload": [8, 8]})
    assert abi.name(2) == "result<_, u64>" and abi.name(1) == "option<u8>"
