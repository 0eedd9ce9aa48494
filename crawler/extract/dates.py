"""Indonesian date and time parsing for news pages.

Portals print dates in many shapes (``Senin, 26 Januari 2026 | 19:04``,
``Kompas.com - 27/03/2024, 06:16 WIB``, ``Jum'at (13/02/26)``, ``16 jam yang lalu``).
This module turns them into timezone-aware datetimes.

Design: explicit regexes find the date, the time and the zone separately, so noise
around them (``Diperbarui``, ``Oleh Redaksi |``, a section name) never shifts a field.
python-dateutil supplies the ISO 8601 parser, the month and weekday tables (through an
Indonesian :class:`dateutil.parser.parserinfo`) and a strict, non-fuzzy last resort for
odd word orders.  dateutil's fuzzy mode is never used: it silently returned a wrong day
for ``5 Okt 2025 10:00 WITA``.  dateparser is not used either: it is far slower.

Conventions:

* Numeric dates are day first (``02/11/2015`` is 2 November); month-first is never tried.
* A time without a zone is in the portal's zone (``tz``), not UTC.
* Two-digit years are 20yy unless that lies more than a year after ``now`` (then 19yy).
* A date with no time is 00:00 local of that day and has ``has_time=False``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from dateutil.parser import isoparse, parserinfo
from dateutil.parser import parse as _dateutil_parse
from dateutil.relativedelta import relativedelta

from archive.times import JAKARTA, to_local_iso, to_utc_iso
from archive.times import as_zone as _as_tz

__all__ = [
    "JAKARTA",
    "RELATIVE_RE",
    "IndonesianParserInfo",
    "ParsedDate",
    "find_body_date",
    "is_feed_line",
    "parse_date",
    "parse_relative",
    "to_local_iso",
    "to_utc_iso",
]

logger = logging.getLogger(__name__)


#: Oldest date accepted; older values on Indonesian news portals are parse errors.
MIN_YEAR = 1990
#: How far after the fetch time a date may lie (clock skew, zones east of the server).
FUTURE_SLACK = timedelta(days=1)


class IndonesianParserInfo(parserinfo):
    """dateutil vocabulary for Indonesian (and English) portal dates.

    Month and weekday tables are also used directly by the regex path, so a name is
    recognised the same way everywhere.
    """

    # Noise words that may surround a date; dateutil skips JUMP tokens when not fuzzy.
    JUMP = [
        *parserinfo.JUMP,
        "|",
        "pukul",
        "pkl",
        "jam",
        "tanggal",
        "tgl",
        "diperbarui",
        "diterbitkan",
        "dipublikasikan",
        "update",
        "updated",
        "published",
    ]
    # Monday first, as dateutil expects.  Short Indonesian day names (Sen, Min...) are
    # left out: "min" would clash with minutes.
    WEEKDAYS = [
        ("Senin", "Mon", "Monday"),
        ("Selasa", "Tue", "Tues", "Tuesday"),
        ("Rabu", "Wed", "Wednesday"),
        ("Kamis", "Thu", "Thur", "Thurs", "Thursday"),
        ("Jumat", "Fri", "Friday"),
        ("Sabtu", "Sat", "Saturday"),
        ("Minggu", "Ahad", "Sun", "Sunday"),
    ]
    MONTHS = [
        ("Jan", "Januari", "January"),
        ("Feb", "Febr", "Peb", "Februari", "Pebruari", "February"),
        ("Mar", "Maret", "March"),
        ("Apr", "April"),
        ("Mei", "May"),
        ("Jun", "Juni", "June"),
        ("Jul", "Juli", "July"),
        ("Agu", "Agt", "Ags", "Agus", "Aug", "Agustus", "August"),
        ("Sep", "Sept", "September"),
        ("Okt", "Oct", "Oktober", "October"),
        ("Nov", "Nop", "November", "Nopember"),
        ("Des", "Dec", "Desember", "December"),
    ]
    TZOFFSET = {"WIB": 7 * 3600, "WITA": 8 * 3600, "WIT": 9 * 3600}


_INFO = IndonesianParserInfo(dayfirst=True)

_ZONES = {name.lower(): timezone(timedelta(seconds=s), name) for name, s in _INFO.TZOFFSET.items()}


def _alternation(names: list[str]) -> str:
    # Longest first so "Agustus" wins over "Agu" and "WITA" over "WIT".
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


_MONTH_ALT = _alternation([n for group in _INFO.MONTHS for n in group])
_WEEKDAY_ALT = _alternation([n for group in _INFO.WEEKDAYS for n in group if len(n) >= 4])

# --- pre-normalisation -------------------------------------------------------------
_SPACE_RE = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_APOSTROPHE_RE = re.compile(r"[\u2018\u2019\u02bc`\u00b4]")
_DASH_RE = re.compile(r"[\u2010-\u2015\u2212]")
_JUMAT_RE = re.compile(r"\bjum'at\b", re.I)

# --- absolute dates ----------------------------------------------------------------
# ISO 8601 with a time part (from <time datetime>, JSON-LD, meta tags).
_ISO_RE = re.compile(
    r"(?<!\d)\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
    r"(?:\s?(?:[Zz]|[+-]\d{2}(?::?\d{2})?))?(?![\d:])"
)
# One scan finds the first date mention of any supported shape.  Group prefixes:
# wd = weekday + D/M[/Y] (the only place a year-less numeric date is trusted),
# ymd = 2025/07/03, dmy = 27/03/2024 or 13/02/26, dm = 15 September [2025],
# md = Januari 07, 2026 (Blogger) or October 5, 2025.
_DATE_RE = re.compile(
    rf"""
      (?<![a-z])(?P<wd_n>{_WEEKDAY_ALT})(?![a-z])\s*,?\s*\(?\s*
          (?P<wd_d>\d{{1,2}})/(?P<wd_m>\d{{1,2}})(?:/(?P<wd_y>\d{{4}}|\d{{2}}))?(?![\d/])
    | (?<![\d.:/-])(?P<ymd_y>\d{{4}})(?P<ymd_s>[/.-])(?P<ymd_m>\d{{1,2}})
          (?P=ymd_s)(?P<ymd_d>\d{{1,2}})(?![\d/])
    | (?<![\d.:/-])(?P<dmy_d>\d{{1,2}})(?P<dmy_s>[/.-])(?P<dmy_m>\d{{1,2}})
          (?P=dmy_s)(?P<dmy_y>\d{{4}}|\d{{2}})(?![\d/])
    | (?<![\d.:])(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th)?[\s-]*(?P<dm_m>{_MONTH_ALT})(?![a-z])\.?
          (?:[\s,/-]*(?P<dm_y>\d{{4}})(?![\d:]))?
    | (?<![a-z])(?P<md_m>{_MONTH_ALT})(?![a-z])\.?\s*(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?
          ,?\s*(?P<md_y>\d{{4}})(?![\d:])
    """,
    re.I | re.X,
)
# 14:30, 14.30 (Indonesian dot time), 08:43:53, 10:00 AM.
_TIME_RE = re.compile(
    r"(?<![\d.:/])(?P<h>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)(?:[:.](?P<s>[0-5]\d)(?:[.,]\d+)?)?"
    r"(?![\d:])(?:\s*(?P<ampm>[ap])\.?m\b\.?)?",
    re.I,
)
# Named zone, optionally with an offset: WIB, WITA, WIT, GMT+7, UTC+07:00.
_ZONE_RE = re.compile(
    r"(?<![a-z])(?P<name>WITA|WIT|WIB|UTC|GMT)(?![a-z])"
    r"(?:\s*(?P<sign>[+-])(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?(?!\d))?",
    re.I,
)
# A bare numeric offset is only trusted right after the time ("08:00 +0700").  A minus
# with a colon is a time range ("10:15-10:45"), not UTC-10:45.
_OFFSET_RE = re.compile(r"\s*(?P<sign>[+-])(?P<oh>\d{2})(?P<colon>:?)(?P<om>\d{2})(?!\d)")
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_MONTH_WORD_RE = re.compile(rf"(?<![a-z])(?:{_MONTH_ALT})(?![a-z])", re.I)

# In-body mentions: "Senin (15/9/2025)", "Kamis (19/9)", "Jum'at (13/02/26)",
# "Senin, 15 September 2025", "Selasa, (18/2/2020)", "Minggu (15 /3/2020)",
# "(Kamis, 12/9/2019)", "Kamis (23/3/2017 malam" (unclosed), "Minggu 9 Januari 2022".
# A weekday is required: a bare "8 Oktober 2025" in a body is as often a future event
# as the publication day. Without a comma or parenthesis after the weekday, and in the
# numeric form without parentheses, a year is required too ("minggu 9 Januari" may be
# a week).
_BODY_RE = re.compile(
    rf"""
    (?<![a-z])(?P<wd>{_WEEKDAY_ALT})(?![a-z])\s*
    (?:
        ,?\s*\(\s*(?P<d>\d{{1,2}})\s*(?P<sep>[/.-])\s*(?P<m>\d{{1,2}})
            (?:\s*(?P=sep)\s*(?P<y>\d{{4}}|\d{{2}}))?(?:\s*\)|(?<=\d{{4}})(?=\s+[a-z]))
      | ,\s*(?P<d3>\d{{1,2}})/(?P<m3>\d{{1,2}})/(?P<y3>\d{{4}})(?![\d/])
      | [,(]\s*(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH_ALT})(?![a-z])\.?
        (?:,?\s+(?P<y2>\d{{4}})(?!\d))?
      | (?<=[a-z])\s+(?P<d4>\d{{1,2}})\s+(?P<m4>{_MONTH_ALT})(?![a-z])\.?,?\s+(?P<y4>\d{{4}})(?!\d)
    )
    """,
    re.I | re.X,
)
#: How far from the article's other evidence (``anchor``) a year-less day may lie.
ANCHOR_WINDOW = timedelta(days=366)

# --- relative dates ----------------------------------------------------------------
_UNITS = {
    "detik": "seconds", "dtk": "seconds", "second": "seconds", "seconds": "seconds",
    "sec": "seconds", "secs": "seconds",
    "menit": "minutes", "mnt": "minutes", "minute": "minutes", "minutes": "minutes",
    "min": "minutes", "mins": "minutes",
    "jam": "hours", "hour": "hours", "hours": "hours", "hr": "hours", "hrs": "hours",
    "hari": "days", "day": "days", "days": "days",
    "minggu": "weeks", "pekan": "weeks", "week": "weeks", "weeks": "weeks",
    "bulan": "months", "bln": "months", "month": "months", "months": "months",
    "tahun": "years", "thn": "years", "year": "years", "years": "years",
}  # fmt: skip
_NUMBER_WORDS = {
    "se": 1, "satu": 1, "a": 1, "an": 1, "one": 1, "dua": 2, "two": 2, "tiga": 3,
    "three": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9, "sepuluh": 10,
}  # fmt: skip
_SUBDAY_UNITS = frozenset({"seconds", "minutes", "hours"})

RELATIVE_RE: re.Pattern[str] = re.compile(
    # No boundary before a digit: feeds glue the section name on ("Serba-Serbi7 hari ago").
    rf"""
      (?:(?P<num>\d{{1,4}})|(?<![a-z])(?P<word>{_alternation(list(_NUMBER_WORDS))}))
          \s*(?P<unit>{_alternation(list(_UNITS))})\s+(?:yang\s+|yg\s+)?(?:lalu|ago|silam)(?![a-z])
    | (?<![a-z])(?P<yesterday>kemarin(?P<lusa>\s+lusa)?|kmrn|yesterday)(?![a-z])
    | (?<![a-z])(?P<now>baru\s+saja|barusan|just\s+now)(?![a-z])
    """,
    re.I | re.X,
)
# "Hari ini, 08:15 WIB".  Not part of RELATIVE_RE: "Berita Hari Ini" is a heading, so
# "today" counts only together with a clock time.
_TODAY_RE = re.compile(r"(?<![a-z])(?P<today>hari\s+ini|today)(?![a-z])", re.I)
# What may follow a relative phrase in a date string: a time and zone, punctuation.
# Anything else means prose ("Warga yang datang kemarin mengaku puas"), not a date.
_RELATIVE_TAIL_RE = re.compile(
    r"[\s,.;:|()-]*(?:(?:pukul|pkl)\.?\s*)?(?:\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?"
    r"\s*(?:WITA|WIT|WIB)?[\s.,)]*",
    re.I,
)
# A whole related-news feed line: "TangselCity | 16 jam yang lalu", bare "Kemarin",
# or a section glued on without space ("Serba-Serbi7 hari ago").  The glued prefix
# must end in a letter touching the digit, so "terjadi 2 hari lalu" is not a feed line.
_FEED_LINE_RE = re.compile(
    rf"""
    \s*(?:[^|\n]{{1,40}}?\s*[|\u2022\u00b7]\s*|[a-z][\w&.'-]*(?:\ [\w&.'-]+){{0,3}}(?<=[a-z]))?
    (?:{RELATIVE_RE.pattern})\s*
    """,
    re.I | re.X,
)


@dataclass(frozen=True)
class ParsedDate:
    """A date read from a page.

    ``value`` is timezone-aware.  ``raw`` is the (stripped) input or, for
    :func:`find_body_date`, the matched mention.  ``source`` is the caller's label, or
    ``"relative"`` for relative forms.  ``has_time`` is False when only a day was given;
    ``value`` is then 00:00 local time of that day.
    """

    value: datetime
    raw: str
    source: str
    has_time: bool


def _aware(dt: datetime | None, zone: tzinfo) -> datetime:
    if dt is None:
        return datetime.now(zone)
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=zone)


def _normalise(text: str) -> str:
    """Fold the spellings that vary between portals: odd spaces, curly quotes, dashes."""
    text = _APOSTROPHE_RE.sub("'", text)
    text = _DASH_RE.sub("-", text)
    text = _JUMAT_RE.sub("Jumat", text)
    return _SPACE_RE.sub(" ", text).strip()


def _expand_year(year: str, now: datetime) -> int:
    """Four-digit year; a two-digit one is 20yy unless that is over a year ahead of now."""
    y = int(year)
    if len(year) <= 2:
        y += 2000
        if y > now.year + 1:
            y -= 100
    return y


def _resolve_yearless(
    month: int,
    day: int,
    reference: datetime,
    weekday: str | None = None,
    anchor: datetime | None = None,
) -> date | None:
    """The most recent ``day``/``month`` not after reference + 1 day (local dates).

    With a ``weekday`` name (``Kamis (18/9)``) the year is the most recent one in which
    that day falls on that weekday: a mention read a year later still finds its year
    (reference 2026-11-26: ``Kamis (18/9)`` is 2025-09-18, 18/9/2026 being a Friday).
    None when no year in the last 28 (one full weekday cycle) fits.

    With an ``anchor`` (the article's other evidence: the day in its URL, its sitemap
    ``lastmod``, its page's modification time), the search goes back from the anchor
    instead, and a day more than ``ANCHOR_WINDOW`` before it is None: a year-less
    mention is never put years away from what the page says elsewhere."""
    if anchor is not None:
        reference = anchor.astimezone(reference.tzinfo) if reference.tzinfo else anchor
    limit = (reference + FUTURE_SLACK).date()
    wanted = _INFO.weekday(weekday) if weekday else None
    span = 29 if wanted is not None else 9  # 9 years cover any 29 Feb
    for year in range(limit.year, limit.year - span, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= limit and (wanted is None or candidate.weekday() == wanted):
            if anchor is not None and limit - candidate > ANCHOR_WINDOW:
                return None
            return candidate
    return None


def _offset_zone(sign: str, hours: str, minutes: str | None) -> tzinfo | None:
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


def _explicit_zone(text: str, time_end: int | None) -> tzinfo | None:
    """Zone named in the text (WIB/WITA/WIT/GMT+7), else an offset right after the time."""
    m = _ZONE_RE.search(text)
    if m:
        name = m["name"].lower()
        if name in _ZONES and not m["sign"]:
            return _ZONES[name]
        if m["sign"]:
            return _offset_zone(m["sign"], m["oh"], m["om"])
        return UTC if name in ("utc", "gmt") else _ZONES.get(name)
    if time_end is not None:
        m = _OFFSET_RE.match(text, time_end)
        if m and not (m["sign"] == "-" and m["colon"]):
            return _offset_zone(m["sign"], m["oh"], m["om"])
    return None


def _date_from_match(
    m: re.Match[str], now: datetime, anchor: datetime | None = None
) -> date | None:
    """Calendar date of one _DATE_RE match, or None if it is not a real date."""
    g = m.groupdict()
    try:
        if g["wd_d"]:
            day, month = int(g["wd_d"]), int(g["wd_m"])
            if g["wd_y"]:
                return date(_expand_year(g["wd_y"], now), month, day)
            if not 1 <= month <= 12:
                return None
            return _resolve_yearless(month, day, now, g["wd_n"], anchor)
        if g["ymd_y"]:
            return date(int(g["ymd_y"]), int(g["ymd_m"]), int(g["ymd_d"]))
        if g["dmy_d"]:
            # "14.30.00" is a time with seconds, not 14 March 2000.
            if g["dmy_s"] == "." and len(g["dmy_y"]) == 2:
                return None
            return date(_expand_year(g["dmy_y"], now), int(g["dmy_m"]), int(g["dmy_d"]))
        if g["dm_d"]:
            day, month = int(g["dm_d"]), _INFO.month(g["dm_m"])
            if g["dm_y"]:
                return date(int(g["dm_y"]), month, day)
            return _resolve_yearless(month, day, now, anchor=anchor)
        return date(int(g["md_y"]), _INFO.month(g["md_m"]), int(g["md_d"]))
    except (ValueError, TypeError):  # 31/02, month 13, unknown month name
        return None


def _accept(value: datetime, now: datetime, raw: str) -> bool:
    """Reject (with an INFO log) dates after now + 1 day or before 1990-01-01."""
    if value > now + FUTURE_SLACK:
        logger.info("rejected date %r: %s is more than 1 day after %s", raw, value, now)
        return False
    if value.year < MIN_YEAR:
        logger.info("rejected date %r: %s is before %d-01-01", raw, value, MIN_YEAR)
        return False
    return True


def _time_of(text: str, start: int, end: int) -> tuple[re.Match[str] | None, int | None]:
    """Time belonging to the date at text[start:end]: after it first, else before it."""
    m = _TIME_RE.search(text, end) or _TIME_RE.search(text, 0, start)
    return m, (m.end() if m else None)


def _combine(day: date, tm: re.Match[str] | None, zone: tzinfo) -> datetime:
    if tm is None:
        return datetime(day.year, day.month, day.day, tzinfo=zone)
    hour = int(tm["h"])
    if tm["ampm"]:
        hour = hour % 12 + (12 if tm["ampm"].lower() == "p" else 0)
    return datetime(
        day.year, day.month, day.day, hour, int(tm["mi"]), int(tm["s"] or 0), tzinfo=zone
    )


def _relative_delta(m: re.Match[str]) -> tuple[timedelta | relativedelta, bool]:
    """(delta to subtract from now, whether it is finer than a day) for a RELATIVE_RE or
    _TODAY_RE match."""
    g = m.groupdict()
    if g.get("today"):
        return timedelta(0), False
    if m["now"]:
        return timedelta(0), True
    if m["yesterday"]:  # "kemarin lusa" is the day before yesterday
        return timedelta(days=2 if m["lusa"] else 1), False
    count = int(m["num"]) if m["num"] else _NUMBER_WORDS[m["word"].lower()]
    unit = _UNITS[m["unit"].lower()]
    return relativedelta(**{unit: count}), unit in _SUBDAY_UNITS


def parse_relative(text: str, now: datetime) -> datetime | None:
    """Relative phrase -> ``now`` minus its delta, or None.

    Understands ``16 jam yang lalu``, ``sejam yang lalu``, ``2 hari lalu``,
    ``5 menit yang lalu``, ``kemarin``, ``kemarin lusa`` (2 days), ``baru saja``,
    ``7 hari ago``, ``1 minggu yang lalu`` (weeks), ``2 bulan lalu`` and ``setahun lalu``
    (calendar months/years), ``30 detik yang lalu``, English ``3 hours ago``, and a section name
    glued before the number (``Serba-Serbi7 hari ago``).  ``now`` should be the fetch
    time; its zone is kept.
    """
    m = RELATIVE_RE.search(_normalise(text))
    if m is None:
        return None
    delta, _ = _relative_delta(m)
    return now - delta


def _dateutil_fallback(text: str, zone: tzinfo) -> tuple[datetime, bool] | None:
    """Strict (non-fuzzy) dateutil parse for word orders the regexes do not cover.

    Parsing twice with different defaults shows which fields were really in the text:
    a string without a day or month is not a date, and an unchanged time means one was given.
    """
    text = _TIME_RE.sub(lambda t: t.group(0).replace(".", ":"), text)  # dateutil reads 14.30 wrong
    try:
        first = _dateutil_parse(text, _INFO, default=datetime(1904, 1, 1))
        second = _dateutil_parse(text, _INFO, default=datetime(1908, 2, 2, 1, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    if first.date() != second.date():
        return None
    value = first if first.tzinfo is not None else first.replace(tzinfo=zone)
    return value, first.time() == second.time()


def parse_date(
    text: str,
    *,
    tz: str | tzinfo = JAKARTA,
    now: datetime | None = None,
    source: str = "text",
    anchor: datetime | None = None,
) -> ParsedDate | None:
    """Absolute or relative date string -> ParsedDate, or None if it is not a date.

    Accepts dates with optional weekday, time (``19:04``, ``14.30``, ``08:43:53``,
    ``10:00 AM``) and zone (WIB +7, WITA +8, WIT +9, ``GMT+7``, ``+0700``) in any order,
    with leading or trailing noise; ISO 8601 with or without offset; relative phrases
    (see :func:`parse_relative`), for which ``source`` becomes ``"relative"``.
    No explicit zone means ``tz``, the portal's zone (not UTC).  ``now`` (aware; a naive
    one is taken to be in ``tz``) is the fetch time: the base of relative forms and the
    reference for year-less forms; default: the current time.  Dates more than 1 day
    after ``now`` or before 1990-01-01 are rejected: None, with an INFO log giving why.
    ``anchor``: the article's other evidence of its day (see :func:`find_body_date`),
    which a year-less date is read against instead of ``now``.
    Never raises on bad input.
    """
    raw = text.strip() if isinstance(text, str) else ""
    if not raw:
        return None
    zone = _as_tz(tz)
    now = _aware(now, zone)
    norm = _normalise(raw)

    iso = _ISO_RE.search(norm)
    if iso:
        try:
            value = isoparse(iso.group(0).replace(" ", ""))
        except (ValueError, OverflowError):
            value = None
        if value is not None:
            # Plain stdlib zones rather than dateutil's tzutc/tzoffset, like every other path.
            offset = value.utcoffset()
            fixed = zone if offset is None else UTC if not offset else timezone(offset)
            value = value.replace(tzinfo=fixed)
            return ParsedDate(value, raw, source, True) if _accept(value, now, raw) else None

    for m in _DATE_RE.finditer(norm):
        day = _date_from_match(m, now, anchor)
        if day is None:
            continue
        tm, time_end = _time_of(norm, m.start(), m.end())
        value = _combine(day, tm, _explicit_zone(norm, time_end) or zone)
        return ParsedDate(value, raw, source, tm is not None) if _accept(value, now, raw) else None

    rel = RELATIVE_RE.search(norm)
    if rel and not _RELATIVE_TAIL_RE.fullmatch(norm, rel.end()):
        rel = None
    if rel is None:
        today = _TODAY_RE.search(norm)
        if today and _TIME_RE.search(norm) and _RELATIVE_TAIL_RE.fullmatch(norm, today.end()):
            rel = today
    if rel:
        delta, subday = _relative_delta(rel)
        base = now - delta
        if subday:
            return ParsedDate(base, raw, "relative", True)
        # "kemarin" / "2 hari lalu" name a day, not an instant: 00:00 local that day,
        # unless a clock time is given too ("Kemarin, 19:04").
        local = base.astimezone(zone)
        tm = _TIME_RE.search(norm)
        value = _combine(local.date(), tm, _explicit_zone(norm, tm.end() if tm else None) or zone)
        return ParsedDate(value, raw, "relative", tm is not None)

    # Only try dateutil on a month name plus a full year: it would read "Halaman 1/2" as
    # 1 Feb, and "11/25/2015" month first, which Indonesian portals never mean.
    if _YEAR_RE.search(norm) and _MONTH_WORD_RE.search(norm):
        found = _dateutil_fallback(norm, zone)
        if found is not None and _accept(found[0], now, raw):
            return ParsedDate(found[0], raw, source, found[1])
    logger.debug("no date in %r", raw)
    return None


def find_body_date(
    text: str,
    *,
    tz: str | tzinfo = JAKARTA,
    reference: datetime | None = None,
    anchor: datetime | None = None,
) -> ParsedDate | None:
    """First in-body day mention of the publication day, or None.

    Forms: ``Senin (15/9/2025)``, ``Selasa, (18/2/2020)``, ``Minggu (15 /3/2020)``,
    ``(Kamis, 12/9/2019)``, ``Kamis (23/3/2017 malam``, ``Kamis (19/9)`` (year-less),
    ``Jum'at (13/02/26)`` (two-digit year: 2026), ``Senin, 15 September 2025`` and
    ``Minggu 9 Januari 2022`` in running text. A weekday is required. A year-less day is
    the most recent such day not after reference + 1 day; with an ``anchor`` (the day
    in the article's URL, its sitemap ``lastmod``, its page's modification time), the
    most recent one not after the anchor, and none when that lies more than a year
    before it. Mentions that are impossible dates, or more than 1 day after
    ``reference`` (default: now), are skipped. Result: 00:00 local in ``tz``,
    ``source="text"``, ``has_time=False``; ``raw`` is the matched mention.
    """
    zone = _as_tz(tz)
    reference = _aware(reference, zone)
    local_ref = reference.astimezone(zone)
    local_anchor = _aware(anchor, zone).astimezone(zone) if anchor is not None else None
    for m in _BODY_RE.finditer(_normalise(text)):
        try:
            if m["d"]:
                day, month, year = int(m["d"]), int(m["m"]), m["y"]
            elif m["d3"]:
                day, month, year = int(m["d3"]), int(m["m3"]), m["y3"]
            elif m["d2"]:
                day, month, year = int(m["d2"]), _INFO.month(m["m2"]), m["y2"]
            else:
                day, month, year = int(m["d4"]), _INFO.month(m["m4"]), m["y4"]
            if year:
                found: date | None = date(_expand_year(year, local_ref), month, day)
            else:
                found = (
                    _resolve_yearless(month, day, local_ref, m["wd"], local_anchor)
                    if 1 <= month <= 12
                    else None
                )
        except (ValueError, TypeError):
            continue
        if found is None:
            continue
        value = datetime(found.year, found.month, found.day, tzinfo=zone)
        if _accept(value, reference, m.group(0)):
            return ParsedDate(value, m.group(0), "text", False)
    return None


def is_date_line(text: str, max_chars: int = 60) -> bool:
    """True for a short text that names a full day with its month in words: ``Dec 26,
    2025``, ``Published on Oct 21, 2025``, ``15 September 2025 14:30 WIB``. The shape
    of a page's date line (a sentence that mentions a day is longer than ``max_chars``);
    numeric forms are left out, as on a page they are as often a version or a price."""
    norm = _normalise(text)
    if not 8 <= len(norm) <= max_chars or not _YEAR_RE.search(norm):
        return False
    m = _DATE_RE.search(norm)
    return bool(m and (m["dm_y"] or m["md_y"]))


def is_feed_line(line: str) -> bool:
    """True for a whole related-news feed line (``TangselCity | 16 jam yang lalu``,
    ``Kemarin``, ``baru saja``, ``Serba-Serbi7 hari ago``); False for prose that merely
    contains a relative phrase (``Ia datang 2 hari lalu ke kantor.``)."""
    return _FEED_LINE_RE.fullmatch(_normalise(line)) is not None
