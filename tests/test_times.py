"""archive.times: the one place that writes and reads the archive's instants."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from archive.times import (
    human_instant,
    human_published,
    human_time,
    instant_or_day,
    local_value,
    parse_instant,
    parse_utc,
    to_local_iso,
    to_utc_iso,
    utc_now,
    zone_name,
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


def test_what_people_read_is_local_time_with_the_zone_name():
    instant = datetime(2025, 9, 15, 9, 40, tzinfo=UTC)
    assert human_time(instant, "Asia/Jakarta") == "2025-09-15 16:40 WIB"
    assert human_time(instant, "Asia/Makassar") == "2025-09-15 17:40 WITA"
    assert human_time(instant, "Asia/Jayapura") == "2025-09-15 18:40 WIT"
    assert human_time(instant) == "2025-09-15 09:40 UTC"
    assert zone_name(instant.astimezone(timezone(timedelta(hours=5, minutes=30)))) == "UTC+05:30"
    assert human_instant("2025-09-15T09:40:00Z", "Asia/Jakarta") == "2025-09-15 16:40 WIB"
    assert human_instant(None) == "-" and human_instant(None, none="never") == "never"
    with pytest.raises(ValueError, match="timezone-aware"):
        human_time(datetime(2025, 9, 15))


def test_a_day_without_a_time_is_marked_never_midnight():
    assert human_published("2025-09-15T16:40:00+07:00", 1) == "2025-09-15 16:40 WIB"
    assert human_published("2025-09-18T00:00:00+07:00", 0) == "2025-09-18 (date only)"
    assert human_published("2025-09-18T00:00:00+07:00", False) == "2025-09-18 (date only)"
    # Rows that do not say (older imports) count as timed.
    assert human_published("2025-09-18T00:00:00+07:00", None) == "2025-09-18 00:00 WIB"
    assert human_published(None, 1) == "(no date)" and human_published("", 0, none="") == ""
    assert local_value("2025-09-18T00:00:00+07:00", 0) == "2025-09-18"
    assert local_value("2025-09-15T16:40:00+07:00", 1) == "2025-09-15T16:40:00+07:00"
    assert local_value(None, 0) is None
    assert human_published(local_value("2025-09-18T00:00:00+07:00", 0)) == "2025-09-18 (date only)"


def test_the_zone_of_a_portal_comes_from_its_declaration():
    from arsip.cli_options import portal_zone

    assert portal_zone("tangselpos") == "Asia/Jakarta"
    assert portal_zone("not-declared") == "Asia/Jakarta" and portal_zone(None) == "Asia/Jakarta"
