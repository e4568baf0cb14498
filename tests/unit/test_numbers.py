import pytest

from ghcr_stats.history import daily_deltas
from ghcr_stats.numbers import iso, short


@pytest.mark.parametrize(
    "n, text",
    [
        (0, "0"), (999, "999"), (1000, "1K"), (1234, "1.2K"), (1251, "1.3K"), (99_949, "99.9K"),
        (99_950, "100K"), (999_499, "999K"), (999_500, "1M"), (123_456_789, "123M"),
        (2_718_281_828, "2.7B"), (27_182_818_284, "27.2B"), (2**64 - 1, "18446744T"),
    ],
)
def test_short_reads_like_a_badge(n, text):
    assert short(n) == text


def test_iso_is_utc():
    assert iso(0) == "1970-01-01T00:00:00Z"


DAY = 86400.0


def test_daily_deltas_use_each_days_last_measurement():
    t0 = 1_780_000_000.0 - 1_780_000_000.0 % DAY  # a UTC midnight
    points = [(t0 + 10, 100), (t0 + 3600, 150), (t0 + DAY + 5, 260), (t0 + 3 * DAY, 400)]
    assert daily_deltas(points) == [(iso(t0 + DAY)[:10], 110), (iso(t0 + 3 * DAY)[:10], 140)]


def test_daily_deltas_need_two_days():
    assert daily_deltas([]) == []
    assert daily_deltas([(0.0, 5), (10.0, 7)]) == []


def test_daily_deltas_never_go_negative_when_a_total_falls():
    t0 = 1_780_000_000.0
    points = [(t0, 950), (t0 + DAY, 10, True), (t0 + 2 * DAY, 20), (t0 + 3 * DAY, 990)]
    assert [d for _, d in daily_deltas(points)] == [0, 0, 40]  # counted from the highest, 950
