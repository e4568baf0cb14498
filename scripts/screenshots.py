"""`make screenshots`: the owner page and a package page, with a few days of history, as
Chromium draws them at a phone's width and a desktop's, light and dark, into build/screenshots/."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from testkit.browser import chromium
from testkit.fakegithub.pages import catalog
from testkit.fakegithub.server import FakeGitHub
from testkit.parser import WasmtimeParser
from testkit.seed import HISTORY, seed
from testkit.served import Served, store_of

OUT = Path(__file__).resolve().parent.parent / "build/screenshots"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with FakeGitHub(catalog()) as upstream, tempfile.TemporaryDirectory() as state:
        seed(store_of(Path(state)), upstream, WasmtimeParser(), time.time(), HISTORY)
        with Served({"upstream": upstream.url}, state=Path(state)) as served:
            for page, path in (("owner", "/"), ("package", "/packages/fluxcd/flagger")):
                for width in (390, 1280):
                    for scheme in ("light", "dark"):
                        out = OUT / f"{page}-{width}-{scheme}.png"
                        dark = ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"] if scheme == "dark" else []
                        chromium(f"--window-size={width},2600", *dark, f"--screenshot={out}", served.url + path)
                        print(out)


if __name__ == "__main__":
    main()
