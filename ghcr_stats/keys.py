"""Every key the app keeps in the key-value store, made here and nowhere else.

A package's values are under `<kind>:<owner>/<name>`, an owner's under `<kind>:<owner>`. Each
thing read from the upstream (a package's page, its versions, an owner's listing) also has a
key that names it in its lease, the 404s remembered and its last failure (`fetched_*`).
"""

from __future__ import annotations

from .model import PackageRef

# Prefixes of keys listed rather than looked up.
TRACKED = "tracked:"  # one key per package measured or tried: concurrent writers lose none
BUDGET = "budget:"  # one key per upstream request, in the minute it was made
READY = "ready:"  # one key per answer kept ready to send (`ready`)

READY_GENERATION = "ready-generation"  # changes with every change to what answers are made from
LEGACY_INDEX = "index"  # the one list of tracked packages that earlier versions kept
MISSING = "missing"  # the 404s remembered, one bounded map
BACKOFF = "backoff"
UPSTREAM_FAILURES = "upstream-failures"
HEALTH = "healthz"  # what /healthz writes


def latest(ref: PackageRef) -> str:
    return f"latest:{ref}"


def history(ref: PackageRef) -> str:
    return f"history:{ref}"


def versions(ref: PackageRef) -> str:
    return f"versions:{ref}"


def versions_history(ref: PackageRef) -> str:
    return f"versions-history:{ref}"


def failures(ref: PackageRef) -> str:
    return f"failures:{ref}"


def tracked(ref: PackageRef) -> str:
    return f"{TRACKED}{ref}"


def listing(owner: str) -> str:
    return f"listing:{owner}"


def owner_kind(owner: str) -> str:
    return f"owner-kind:{owner}"


def ready(digest: str) -> str:
    return f"{READY}{digest}"


def budget_window(now: float, window: float) -> str:
    """The prefix of the keys of the upstream requests made in the `window` seconds `now` is in."""
    return f"{BUDGET}{int(now // window)}:"


# -- what is read from the upstream, and what is kept of each read ------------------------------


def fetched_package(ref: PackageRef) -> str:
    return f"package:{ref}"


def fetched_versions(ref: PackageRef) -> str:
    return versions(ref)


def fetched_listing(owner: str) -> str:
    return listing(owner)


def fetched_owner(owner: str) -> str:
    """An owner looked up under either kind (`orgs`, `users`): remembered when it is neither."""
    return f"owner:{owner}"


def lease(fetched: str) -> str:
    return f"lease:{fetched}"


def last_failure(fetched: str) -> str:
    return f"last-failure:{fetched}"


def unreadable(key: str, at: float) -> str:
    """Where a value that does not decode is kept aside, before a new one is begun."""
    return f"unreadable:{key}@{at:.0f}"
