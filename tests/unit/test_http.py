"""Waits read from platforms' rate-limit headers, in each form they use."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connecteurs.http import DEFAULT_RETRY_AFTER, MAX_RETRY_AFTER, parse_reset, retry_after

NOW = datetime(2026, 11, 23, 14, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("30", 30.0),  # Retry-After delta-seconds (RFC 9110)
        ("Mon, 23 Nov 2026 14:02:00 GMT", 120.0),  # Retry-After HTTP date
        (str(int(NOW.timestamp()) + 900), 900.0),  # x-rate-limit-reset, Unix seconds (X)
        ("2026-11-23T14:05:00.000Z", 300.0),  # X-RateLimit-Reset, ISO time (Mastodon)
        ("0", 1.0),  # never a zero wait: that would retry in a tight loop
        (str(int(NOW.timestamp()) - 60), 1.0),  # a reset already past
        ("99999999", MAX_RETRY_AFTER),
    ],
)
def test_each_form_becomes_seconds(value: str, seconds: float) -> None:
    assert parse_reset(value, now=NOW) == pytest.approx(seconds)


@pytest.mark.parametrize("value", [None, "", "soon", "nan", "inf", "-inf"])
def test_unreadable_values_are_none(value: str | None) -> None:
    assert parse_reset(value, now=NOW) is None


def test_retry_after_prefers_retry_after_then_the_platform_header() -> None:
    assert retry_after({"retry-after": "12", "x-rate-limit-reset": "99"}) == 12.0
    assert retry_after({"retry-after": "nan", "ratelimit-reset": "7"}, "ratelimit-reset") == 7.0
    assert retry_after({}) == DEFAULT_RETRY_AFTER
