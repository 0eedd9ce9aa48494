"""archive.times: the one place that writes and reads the archive's instants."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from archive.times import (
    instant_or_day,
    parse_instant,
    parse_utc,
    to_local_iso,
    to_utc_iso,
    utc_now,
)

WIB = timezone(timedelta(hours=7))


def test_utc_text_is_whole_seconds_with_z():
    assert to_utc_iso(datetime(2025, 9, 15, 14, 32, 5, 999, tzinfo=WIB)) == "2025-09-15T07:32:05Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", utc_now())
    with pytest.raises(ValueError, match="timezone-aware"):
        to_utc_iso(datetime(2025, 9, 15))


def test_local_display_in_the_portal_zone():
    instant = datetime(2025, 9, 15, 7, 32, tzinfo=UTC)
    assert to_local_iso(instant) == "2025-09-15T14:32:00+07:00"
    assert to_local_iso(instant, "Asia/Makassar") == "2025-09-15T15:32:00+08:00"
    with pytest.raises(ValueError):
        to_local_iso(datetime(2025, 9, 15))


def test_parsing_instants():
    expected = datetime(2025, 9, 16, 2, 12, tzinfo=UTC)
    assert parse_utc("2025-09-16T02:12:00Z") == expected
    assert parse_utc("2025-09-16T09:12:00+07:00") == expected
    assert parse_utc("2025-09-16T02:12:00").tzinfo == UTC
    with pytest.raises(ValueError):
        parse_utc("kemarin")
    assert parse_instant("2025-09-16T02:12:00Z") == expected
    assert parse_instant("2025-09-16T09:12:00", "Asia/Jakarta") == expected
    assert parse_instant(None) is None and parse_instant(" ") is None
    assert parse_instant("16/09/2025") is None


def test_a_day_is_its_local_midnight():
    assert instant_or_day("2025-09-01", "Asia/Jakarta") == datetime(2025, 8, 31, 17, tzinfo=UTC)
    assert instant_or_day(date(2025, 9, 1), "UTC") == datetime(2025, 9, 1, tzinfo=UTC)
    assert instant_or_day("2025-09-01T10:00+00:00", "Asia/Jakarta").hour == 10
