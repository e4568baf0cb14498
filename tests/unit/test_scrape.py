from ghcr_stats.scrape import retry_after


def test_retry_after_in_seconds_or_as_an_http_date():
    now = 1_780_000_000.0  # 2026-05-28T20:26:40Z
    assert retry_after("120", now) == 120
    assert retry_after("Thu, 28 May 2026 20:28:40 GMT", now) == 120
    assert retry_after("Thu, 28 May 2026 20:00:00 GMT", now) == 0  # already past
    assert retry_after(None, now) == retry_after("soon", now) == 60.0  # docs/operations.md: "60 without one"
