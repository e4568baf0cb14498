"""Prints spin.toml's variables and their defaults as JSON, for the dev host.

Spin reads them from the manifest itself; the dev host (Node, no TOML parser) reads this.
"""

import json
import sys
import tomllib

with open(sys.argv[1], "rb") as f:
    manifest = tomllib.load(f)
defaults = {name: spec["default"] for name, spec in manifest.get("variables", {}).items() if "default" in spec}
json.dump(defaults, sys.stdout, indent=2)
print()
