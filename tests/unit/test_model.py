"""`model.build`: records made from what hosts hand over, stored JSON included."""

from dataclasses import dataclass, field

from ghcr_stats.model import AppError, Listing, build


@dataclass(frozen=True)
class Inner:
    n: int


@dataclass(frozen=True)
class Record:
    name: str
    inner: Inner | None  # an option without a default: None is a value
    tags: list[str] = field(default_factory=list)
    flag: bool = True
    after: int = 0


def test_fields_missing_from_stored_json_take_their_defaults():
    assert build(Record, {"name": "a", "inner": None}, dict.get) == Record("a", None, [], True, 0)


def test_a_missing_field_does_not_stop_the_fields_after_it_being_read():
    assert build(Record, {"name": "a", "inner": {"n": 2}, "after": 7}, dict.get) == Record("a", Inner(2), [], True, 7)


def test_a_listing_stored_without_its_completeness_reads_as_complete():
    assert build(Listing, {"owner": "fluxcd", "packages": ["flux-cli"], "fetched_at": 1.0}, dict.get).complete is True


def test_an_app_error_says_its_message_when_printed():
    # Logged with str(): the message, not the status or the code.
    assert str(AppError("upstream-status", "the upstream answered 500")) == "the upstream answered 500"
