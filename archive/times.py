"""Time as the archive writes and reads it.

Every instant arsip stores is UTC text, ``YYYY-MM-DDTHH:MM:SSZ`` (whole seconds), so
that text order is time order and SQLite compares them as strings. Portal-local times
(``published_local``) are ISO 8601 with the portal's offset, for display. Parsing the
Indonesian ways of writing a date stays in ``crawler.extract.dates``; this module only
knows ISO 8601.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
"""The stored form of an instant: ``2025-09-15T07:32:00Z``."""

JAKARTA = "Asia/Jakarta"
"""The default portal time zone (WIB, UTC+07:00)."""


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (cached)."""
    return ZoneInfo(name)


def as_zone(tz: str | tzinfo) -> tzinfo:
    """A zone given by IANA name or as a ``tzinfo``."""
    return zone(tz) if isinstance(tz, str) else tz


def _require_aware(dt: datetime, what: str) -> None:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{what} needs a timezone-aware datetime")


def to_utc_iso(dt: datetime) -> str:
    """Aware datetime -> ``2025-09-15T07:32:00Z`` (UTC, whole seconds). Naive: ValueError."""
    _require_aware(dt, "to_utc_iso")
    return dt.astimezone(UTC).strftime(UTC_FORMAT)


def to_local_iso(dt: datetime, tz: str | tzinfo = JAKARTA) -> str:
    """Aware datetime -> local ISO 8601 in ``tz``, e.g. ``2025-09-15T14:32:00+07:00``."""
    _require_aware(dt, "to_local_iso")
    return dt.astimezone(as_zone(tz)).isoformat(timespec="seconds")


def utc_now() -> str:
    """The current instant in the stored form."""
    return to_utc_iso(datetime.now(UTC))


def parse_utc(value: str) -> datetime:
    """``2025-09-16T02:12:00Z`` (or any ISO 8601 form) -> aware UTC datetime; a naive
    time is read as UTC. ValueError for anything else."""
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_instant(value: str | None, tz: str | tzinfo = UTC) -> datetime | None:
    """An ISO 8601 instant -> aware UTC datetime, a naive one read in ``tz``; None for
    nothing or for text that is not one."""
    if not value or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=as_zone(tz))
    return parsed.astimezone(UTC)


def instant_or_day(value: str | date | datetime, tz: str | tzinfo) -> datetime:
    """A day (``2025-09-01``: its midnight in ``tz``) or an instant (naive: in ``tz``)
    -> aware UTC datetime. ValueError for text that is neither."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=as_zone(tz))
    return value.astimezone(UTC)
