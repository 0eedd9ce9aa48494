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


# -- what people read ---------------------------------------------------------------------
#
# Every time a command prints for people is the portal's local time with its zone's
# name, to the minute: ``2025-09-15 16:40 WIB``. A publication the page gave only a day
# for is that day, marked: ``2025-09-18 (date only)``, never a midnight. Data (JSON,
# CSV, Parquet) keeps the stored UTC instants.

ZONE_NAMES = {7 * 3600: "WIB", 8 * 3600: "WITA", 9 * 3600: "WIT", 0: "UTC"}
"""Indonesia's three zones (and UTC) by their offset from UTC, in seconds."""

DATE_ONLY = "(date only)"
"""How a day without a time of day is marked in what people read."""


def zone_name(dt: datetime) -> str:
    """The name of an aware datetime's zone: ``WIB``, ``WITA``, ``WIT``, ``UTC``; any
    other offset as ``UTC+05:30``."""
    _require_aware(dt, "zone_name")
    offset = dt.utcoffset()
    assert offset is not None
    seconds = int(offset.total_seconds())
    if seconds in ZONE_NAMES:
        return ZONE_NAMES[seconds]
    sign, seconds = ("-" if seconds < 0 else "+"), abs(seconds)
    return f"UTC{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def human_time(dt: datetime, tz: str | tzinfo | None = None) -> str:
    """An aware datetime (in ``tz`` when given) -> ``2025-09-15 16:40 WIB``."""
    _require_aware(dt, "human_time")
    if tz is not None:
        dt = dt.astimezone(as_zone(tz))
    return f"{dt:%Y-%m-%d %H:%M} {zone_name(dt)}"


def human_instant(value: str | None, tz: str | tzinfo = JAKARTA, *, none: str = "-") -> str:
    """A stored UTC instant (``2025-09-15T09:40:00Z``) in ``tz`` with its zone's name;
    ``none`` when there is no instant (or it cannot be read)."""
    instant = parse_instant(value)
    return none if instant is None else human_time(instant, tz)


def human_published(local: str | None, has_time: object = True, *, none: str = "(no date)") -> str:
    """An article's publication time as people read it, from ``published_local`` (ISO
    8601 with the portal's offset) and ``published_has_time``:
    ``2025-09-15 16:40 WIB``, or ``2025-09-18 (date only)`` when the page gave only a
    day (``has_time`` false, not None: older rows that do not say count as timed);
    ``none`` when unknown. A bare day (``2025-09-18``) is a day without a time too."""
    if not local:
        return none
    if len(local.strip()) == 10:  # a bare day, as ``local_value`` writes a date-only one
        return f"{local.strip()} {DATE_ONLY}"
    try:
        dt = datetime.fromisoformat(local.strip().replace("Z", "+00:00"))
    except ValueError:
        return local
    if has_time is not None and not has_time:
        return f"{dt:%Y-%m-%d} {DATE_ONLY}"
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone(JAKARTA))
    return human_time(dt)


def local_value(local: str | None, has_time: object = True) -> str | None:
    """A local publication time as data: ISO 8601 with offset, or the bare day
    (``2025-09-18``) when the page gave only a day, never a made-up midnight."""
    if not local or has_time is None or has_time:
        return local
    return local[:10]
