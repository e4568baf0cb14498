"""GitHub's rules for owner and container package names, checked before anything else.

A name that GitHub could not have never reaches the upstream: it is refused with a 400.
Owners are folded to lower case (GitHub's logins ignore case); package names are not: GHCR's
are lower case, so `Flux-CLI` is a name no package has, and stays a 400.
"""

from __future__ import annotations

import re

# Users and organisations: 1-39 characters, letters, digits and single inner hyphens.
_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")

# Container packages follow the OCI distribution spec's repository names: lowercase
# components separated by `.`, `_`, `__` or runs of `-`, nested with `/` ("charts/flagger").
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_PACKAGE = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*")
_PACKAGE_MAX = 255


class InvalidName(ValueError):
    """A name GitHub could not have; the message says which rule it breaks."""


def check_owner(owner: str) -> str:
    """The owner folded to lower case: GitHub's logins ignore case, so one spelling is kept
    and fetched, whichever a client used."""
    if not _OWNER.fullmatch(owner):
        raise InvalidName(
            f"invalid owner {owner!r}: GitHub owners have 1-39 letters, digits or single inner hyphens"
        )
    return owner.lower()


def is_package(package: str) -> bool:
    return len(package) <= _PACKAGE_MAX and _PACKAGE.fullmatch(package) is not None


def check_package(package: str) -> str:
    if not is_package(package):
        raise InvalidName(
            f"invalid package {package!r}: container package names are lowercase letters and digits "
            "separated by '.', '_', '__' or '-', nested with '/', at most 255 characters"
        )
    return package
