import pytest

from ghcr_stats.history import daily_deltas
from ghcr_stats.numbers import iso, short, utc
from ghcr_stats.model import Point


@pytest.mark.parametrize(
    "n, text",
    [
        (0, "0"), (999, "999"), (1000, "1K"), (1234, "1.2K"), (1251, "1.3K"), (99_949, "99.9K"),
        (99_950, "100K"), (100_500, "100K"), (100_949, "101K"), (999_499, "999K"), (999_500, "1M"), (123_456_789, "123M"),
        (2_718_281_828, "2.7B"), (27_182_818_284, "27.2B"), (2**64 - 1, "18446744T"),
    ],
)
def test_short_reads_like_a_badge(n, text):
    assert short(n) == text


@pytest.fixture
def far_from_utc(monkeypatch):
    """A local time zone a day's worth of hours from UTC: a time read as local shows."""
    import time

    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_iso_and_day_are_utc_whatever_the_local_zone(far_from_utc):
    from ghcr_stats.numbers import day

    assert iso(0) == "1970-01-01T00:00:00Z"
    assert iso(1_780_000_000) == "2026-05-28T20:26:40Z"  # 20,601 days and 73,600 s (20:26:40) after the epoch
    assert day(1_780_000_000) == "2026-05-28"


@pytest.mark.parametrize(
    "instant, in_utc",
    [
        ("2026-07-29T00:36:30-07:00", "2026-07-29T07:36:30Z"),
        ("2026-07-29T23:00:00+02:00", "2026-07-29T21:00:00Z"),
        ("2026-07-29T07:36:30Z", "2026-07-29T07:36:30Z"),
    ],
)
def test_utc_moves_an_instant_with_an_offset_to_utc(far_from_utc, instant, in_utc):
    assert utc(instant) == in_utc


def test_an_instant_without_an_offset_is_refused():
    with pytest.raises(ValueError, match="no UTC offset"):
        utc("2026-07-29T07:36:30")


DAY = 86400.0


def test_daily_deltas_use_each_days_last_measurement():
    t0 = 1_780_000_000.0 - 1_780_000_000.0 % DAY  # a UTC midnight
    points = [Point(t0 + 10, 100), Point(t0 + 3600, 150), Point(t0 + DAY + 5, 260), Point(t0 + 3 * DAY, 400)]
    assert daily_deltas(points) == [(iso(t0 + DAY)[:10], 110), (iso(t0 + 3 * DAY)[:10], 140)]


def test_daily_deltas_need_two_days():
    assert daily_deltas([]) == []
    assert daily_deltas([Point(0.0, 5), Point(10.0, 7)]) == []


@pytest.mark.parametrize(
    "page, instant",
    [
        ("2026-07-29T00:36:30-07:00", "2026-07-29T07:36:30Z"),  # the real page's, US Pacific summer time
        ("2026-09-24T13:19:35-07:00", "2026-09-24T20:19:35Z"),
        ("2026-02-19T23:00:00-08:00", "2026-02-20T07:00:00Z"),  # across midnight
        ("2026-02-23T22:09:03+05:30", "2026-02-23T16:39:03Z"),
        ("2026-02-22T13:26:02Z", "2026-02-22T13:26:02Z"),
        ("2026-02-22T13:26:02.999+00:00", "2026-02-22T13:26:02Z"),
    ],
)
def test_utc_normalises_every_offset(page, instant):
    assert utc(page) == instant


@pytest.mark.parametrize("bad", ["2026-07-29T00:36:30", "11 days ago", ""])
def test_utc_refuses_what_is_not_an_instant(bad):
    with pytest.raises(ValueError):
        utc(bad)


def test_daily_deltas_never_go_negative_when_a_total_falls():
    t0 = 1_780_000_000.0
    points = [Point(t0, 950), Point(t0 + DAY, 10, True), Point(t0 + 2 * DAY, 20), Point(t0 + 3 * DAY, 990)]
    assert [d for _, d in daily_deltas(points)] == [0, 0, 40]  # counted from the highest, 950
