"""Tests for crawler.extract.dates.

The main table lives in tests/sample_data/date_cases.jsonl so that bench/dates.py can
run exactly the same strings (the bench reads the file; nothing imports tests).
Each line: {"text": ..., "expected": ISO datetime, ISO date (no time given) or null,
"now": ISO fetch time}.  The clock is always passed explicitly, never read.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.extract.dates import (
    JAKARTA,
    RELATIVE_RE,
    ParsedDate,
    find_body_date,
    is_feed_line,
    parse_date,
    parse_relative,
    to_local_iso,
    to_utc_iso,
)

WIB = ZoneInfo(JAKARTA)
NOW = datetime(2026, 1, 27, 10, 0, tzinfo=WIB)
CASES_FILE = Path(__file__).parent / "sample_data" / "date_cases.jsonl"
SEED_FILE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "tangselpos-article.txt"
# The feed lines of the seed article, kept here so the test runs without shared/.
SEED_FEED_LINES = [
    "TangselCity | 16 jam yang lalu",
    "TangselCity | 2 hari yang lalu",
    "TangselCity | 1 hari yang lalu",
    "Olahraga | 2 hari yang lalu",
    "TangselCity | 17 jam yang lalu",
    "TangselCity | 6 jam yang lalu",
    "Pos Banten | 2 hari yang lalu",
]
SEED_BODY_SENTENCE = (
    "kata Andra Soni saat menerima Influencer dan Content Creator Network (ICN), "
    "Senin (15/9/2025), melalui siaran pers yang diterima tangselpos.id. Milad ICN "
    "Banten ke-2 yang akan dilaksanakan pada 8 Oktober 2025 di Anyer."
)


def _load_cases() -> list[dict]:
    with CASES_FILE.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


CASES = _load_cases()


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 90
    assert sum(c["expected"] is None for c in CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=[repr(c["text"])[:60] for c in CASES])
def test_parse_date_table(case: dict) -> None:
    now = datetime.fromisoformat(case["now"])
    got = parse_date(case["text"], now=now)
    expected = case["expected"]
    if expected is None:
        assert got is None
        return
    assert got is not None, f"no date from {case['text']!r}"
    assert got.value.tzinfo is not None
    assert got.raw == case["text"].strip()
    if "T" in expected:
        assert got.has_time
        # Same instant (to the second) and same wall clock / offset as the portal wrote.
        want = datetime.fromisoformat(expected)
        assert got.value.replace(microsecond=0) == want
        assert got.value.utcoffset() == want.utcoffset()
    else:
        assert not got.has_time
        assert got.value.date() == date.fromisoformat(expected)
        assert (got.value.hour, got.value.minute) == (0, 0)


def test_source_label() -> None:
    assert parse_date("2025/07/03 08:43:53", now=NOW, source="meta").source == "meta"
    assert parse_date("16 jam yang lalu", now=NOW, source="meta").source == "relative"
    assert parse_date("Senin, 26 Januari 2026 | 19:04", now=NOW).source == "text"


def test_naive_time_is_portal_zone_not_utc() -> None:
    got = parse_date("2025/07/03 08:43:53", now=NOW)
    assert to_utc_iso(got.value) == "2025-07-03T01:43:53Z"
    makassar = parse_date("2025/07/03 08:43:53", now=NOW, tz="Asia/Makassar")
    assert to_utc_iso(makassar.value) == "2025-07-03T00:43:53Z"
    fixed = parse_date("2025/07/03 08:43:53", now=NOW, tz=timezone(timedelta(hours=9)))
    assert to_utc_iso(fixed.value) == "2025-07-02T23:43:53Z"


def test_default_now_is_current_time() -> None:
    assert parse_date("Senin, 15 September 2025 14:30 WIB") is not None
    assert parse_date("1 Januari 2999") is None


def test_garbage_never_raises() -> None:
    for text in ["Berita Terkini", "", "   ", "Halaman 1/2", "99/99/9999", "::", "1/2/3/4"]:
        assert parse_date(text, now=NOW) is None
    assert parse_date(None, now=NOW) is None  # type: ignore[arg-type]


def test_future_rejected_with_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="crawler.extract.dates"):
        assert parse_date("Kamis, 29 Januari 2026 11:00 WIB", now=NOW) is None
    records = [r for r in caplog.records if r.name == "crawler.extract.dates"]
    assert records and records[0].levelno == logging.INFO
    assert "more than 1 day after" in records[0].getMessage()


def test_pre_1990_rejected_with_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="crawler.extract.dates"):
        assert parse_date("12 Januari 1989", now=NOW) is None
    assert any("before 1990" in r.getMessage() for r in caplog.records)


def test_within_one_day_of_now_accepted() -> None:
    got = parse_date("Rabu, 28 Januari 2026 09:59 WIB", now=NOW)
    assert got is not None and got.value == datetime(2026, 1, 28, 9, 59, tzinfo=WIB)


# --- find_body_date ---------------------------------------------------------------


def test_body_date_seed_article() -> None:
    text = SEED_FILE.read_text(encoding="utf-8") if SEED_FILE.exists() else SEED_BODY_SENTENCE
    got = find_body_date(text, reference=datetime(2025, 9, 16, 8, 0, tzinfo=WIB))
    assert got == ParsedDate(
        datetime(2025, 9, 15, tzinfo=WIB), "Senin (15/9/2025)", "text", has_time=False
    )


def test_body_date_skips_weekdayless_event_date() -> None:
    # "8 Oktober 2025" is an upcoming event, not the publication day.
    got = find_body_date("Acara digelar pada 8 Oktober 2025 di Anyer.", reference=NOW)
    assert got is None


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("Jumat (19/9) lalu", datetime(2025, 9, 25, tzinfo=WIB), date(2025, 9, 19)),
        ("Jumat (19/9)", datetime(2025, 9, 18, 12, tzinfo=WIB), date(2025, 9, 19)),
        ("Kamis (19/9)", datetime(2025, 9, 17, 12, tzinfo=WIB), date(2024, 9, 19)),
        ("Rabu (31/12)", datetime(2026, 1, 2, 9, tzinfo=WIB), date(2025, 12, 31)),
        ("Jum'at (13/02/26) pagi", datetime(2026, 2, 14, tzinfo=WIB), date(2026, 2, 13)),
        ("Jum\u2019at (13/02/26)", datetime(2026, 2, 14, tzinfo=WIB), date(2026, 2, 13)),
        ("Kamis (29/2)", datetime(2026, 3, 5, tzinfo=WIB), date(2024, 2, 29)),
        ("ujarnya, Senin, 15 September 2025.", NOW, date(2025, 9, 15)),
        ("pada Selasa (16 September 2025) malam", NOW, date(2025, 9, 16)),
        ("kata dia, Minggu, 2 November di Serang", NOW, date(2025, 11, 2)),
        ("Rabu (15-10-2025)", NOW, date(2025, 10, 15)),
    ],
)
def test_body_date_forms(text: str, reference: datetime, expected: date) -> None:
    got = find_body_date(text, reference=reference)
    assert got is not None
    assert got.value == datetime(expected.year, expected.month, expected.day, tzinfo=WIB)
    assert got.has_time is False and got.source == "text"


def test_body_date_first_valid_mention_wins() -> None:
    text = "Jadwal Senin (31/2/2025) batal. Rapat Selasa (16/9/2025) dan Rabu (17/9/2025)."
    got = find_body_date(text, reference=NOW)
    assert got is not None and got.value.date() == date(2025, 9, 16)


def test_body_date_future_skipped(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="crawler.extract.dates"):
        assert find_body_date("Senin (15/9/2025)", reference=datetime(2025, 9, 1)) is None
    assert caplog.records


def test_body_date_none() -> None:
    assert find_body_date("Tidak ada tanggal di sini. Halaman 1/2.", reference=NOW) is None
    assert find_body_date("", reference=NOW) is None


# --- relative forms and feed lines ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("16 jam yang lalu", timedelta(hours=16)),
        ("sejam yang lalu", timedelta(hours=1)),
        ("2 hari lalu", timedelta(days=2)),
        ("5 menit yang lalu", timedelta(minutes=5)),
        ("59 menit lalu", timedelta(minutes=59)),
        ("kemarin", timedelta(days=1)),
        ("baru saja", timedelta(0)),
        ("7 hari ago", timedelta(days=7)),
        ("1 minggu yang lalu", timedelta(weeks=1)),
        ("30 detik yang lalu", timedelta(seconds=30)),
        ("Serba-Serbi7 hari ago", timedelta(days=7)),
        ("TangselCity | 6 jam yang lalu", timedelta(hours=6)),
        ("dua jam lalu", timedelta(hours=2)),
    ],
)
def test_parse_relative(text: str, delta: timedelta) -> None:
    assert parse_relative(text, NOW) == NOW - delta


def test_parse_relative_calendar_units() -> None:
    assert parse_relative("2 bulan lalu", NOW) == datetime(2025, 11, 27, 10, tzinfo=WIB)
    assert parse_relative("setahun lalu", NOW) == datetime(2025, 1, 27, 10, tzinfo=WIB)
    assert parse_relative("Berita Terkini", NOW) is None


def test_relative_re_matches_every_seed_feed_line() -> None:
    lines = SEED_FEED_LINES
    if SEED_FILE.exists():
        lines = [ln for ln in SEED_FILE.read_text(encoding="utf-8").splitlines() if "|" in ln]
        assert len(lines) == 10
    for line in lines:
        m = RELATIVE_RE.search(line)
        assert m is not None, line
        assert m.group(0) == line.split("|", 1)[1].strip()
        assert is_feed_line(line), line


@pytest.mark.parametrize(
    "line",
    [
        "TangselCity | 16 jam yang lalu",
        "Olahraga | 2 hari yang lalu",
        "Pos Banten | 2 hari yang lalu",
        "Kemarin",
        "baru saja",
        "5 menit yang lalu",
        "59 menit lalu",
        "Serba-Serbi7 hari ago",
        "  Nasional | sejam yang lalu  ",
        "Ekonomi \u2022 3 jam lalu",
    ],
)
def test_is_feed_line(line: str) -> None:
    assert is_feed_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Kejadian itu terjadi 2 hari lalu di Serang.",
        "Kejadian itu terjadi 2 hari lalu",
        "Polisi menangkap pelaku 2 hari lalu, kata Kapolres.",
        "Warga yang datang kemarin mengaku puas.",
        "Pertandingan | Persita menang 2-0 atas Persib",
        "Senin, 26 Januari 2026 | 19:04",
        "Berita Terkini",
        "",
    ],
)
def test_is_not_feed_line(line: str) -> None:
    assert not is_feed_line(line)


# --- ISO output -------------------------------------------------------------------


def test_iso_output() -> None:
    dt = datetime(2025, 9, 15, 14, 32, 5, 999, tzinfo=WIB)
    assert to_utc_iso(dt) == "2025-09-15T07:32:05Z"
    assert to_local_iso(dt) == "2025-09-15T14:32:05+07:00"
    assert to_local_iso(dt, "Asia/Makassar") == "2025-09-15T15:32:05+08:00"
    utc = datetime(2025, 9, 15, 7, 32, tzinfo=UTC)
    assert to_local_iso(utc) == "2025-09-15T14:32:00+07:00"
    assert to_utc_iso(parse_date("Senin, 15 September 2025 14:32 WIT", now=NOW).value) == (
        "2025-09-15T05:32:00Z"
    )
    with pytest.raises(ValueError):
        to_utc_iso(datetime(2025, 9, 15))


# A year-less mention with a weekday takes the most recent year whose calendar puts
# that day on that weekday, searching back from the reference.
LATE_2026 = datetime(2026, 11, 26, 9, 0, tzinfo=WIB)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kamis (18/9)", date(2025, 9, 18)),  # 18/9/2026 is a Friday
        ("Jumat (18/9)", date(2026, 9, 18)),
        ("Jum'at (18/9)", date(2026, 9, 18)),
        ("Senin (18/9)", date(2023, 9, 18)),
        ("Selasa (25/11)", date(2025, 11, 25)),
        ("Rabu (26/11)", date(2025, 11, 26)),  # 26/11/2026 is a Thursday
        ("Kamis (26/11)", date(2026, 11, 26)),
        ("Sabtu (29/2)", date(2020, 2, 29)),
    ],
)
def test_body_date_yearless_weekday_picks_matching_year(text: str, expected: date) -> None:
    got = find_body_date(f"kata dia, {text}.", reference=LATE_2026)
    assert got is not None and got.value.date() == expected


def test_parse_date_yearless_weekday_picks_matching_year() -> None:
    got = parse_date("Kamis (18/9)", now=LATE_2026)
    assert got is not None and got.value.date() == date(2025, 9, 18)


def test_date_line_shapes() -> None:
    from crawler.extract.dates import is_date_line

    assert is_date_line("Dec 26, 2025")
    assert is_date_line("Published on Oct 21, 2025")
    assert is_date_line("Kamis, 15 September 2025 14:30 WIB")
    assert not is_date_line("15/09/2025")  # numeric: as often a version or a price
    assert not is_date_line("September 2025")  # no day
    assert not is_date_line("The vote of March 3, 2025 decided the plan after a long debate.")


# --- in-body forms seen on the portals (docs/portals/kabar6.md, tangerangnews.md) ------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rapat digelar Selasa, (18/2/2020) di aula kecamatan.", date(2020, 2, 18)),
        ("kata dia, Jum'at (15/10/2021 ).", date(2021, 10, 15)),
        ("saat ditemui (Kamis, 12/9/2019).", date(2019, 9, 12)),
        ("kejadian Kamis (23/3/2017 malam itu", date(2017, 3, 23)),
        ("pada Minggu (15 /3/2020) pagi", date(2020, 3, 15)),
        ("ujarnya, Minggu 9 Januari 2022.", date(2022, 1, 9)),
        ("Sabtu 8 Juni 2024 di Tigaraksa", date(2024, 6, 8)),
    ],
)
def test_body_date_portal_forms(text: str, expected: date) -> None:
    got = find_body_date(text, reference=NOW)
    assert got is not None and got.value.date() == expected


@pytest.mark.parametrize(
    "text",
    [
        "selama satu minggu 9 Januari lalu jalan ditutup",  # a week, no year: not a day
        "Kamis 23/3 malam",  # numeric without parentheses or year
        "Minggu (23/3 malam",  # unclosed and year-less
        "Rapat dua minggu 12/9/2019",  # "minggu" as a week before a numeric date
    ],
)
def test_body_date_lookalikes_are_not_days(text: str) -> None:
    assert find_body_date(text, reference=NOW) is None


# A year-less day ("Minggu (14/06)") is read against the article's other evidence (the
# day in its URL, its sitemap lastmod, its modification time), never years from it.


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        (datetime(2015, 6, 20, tzinfo=WIB), date(2015, 6, 14)),
        (datetime(2015, 6, 14, 8, tzinfo=WIB), date(2015, 6, 14)),
        (datetime(2016, 3, 1, tzinfo=WIB), date(2015, 6, 14)),  # within a year after
        (datetime(2018, 1, 1, tzinfo=WIB), None),  # 14/6 a Sunday: 2015, 2020; both far
        (None, date(2020, 6, 14)),  # no evidence: the fetch time, as before
    ],
)
def test_yearless_day_is_anchored_to_other_evidence(
    anchor: datetime | None, expected: date | None
) -> None:
    got = find_body_date("kata dia, Minggu (14/06).", reference=NOW, anchor=anchor)
    assert (got.value.date() if got else None) == expected


def test_yearless_date_line_is_anchored_too() -> None:
    anchor = datetime(2020, 1, 25, tzinfo=WIB)
    got = parse_date("Rabu, (22/01)", now=NOW, anchor=anchor)
    assert got is not None and got.value.date() == date(2020, 1, 22)
    assert parse_date("Rabu, (22/01)", now=NOW).value.date() == date(2025, 1, 22)


def _old_page(**fields):
    from crawler.items import Article

    values = {
        "url": "https://www.tangerangnews.com/tangsel/read/21509/Contoh",
        "portal": "tangerangnews",
        "body": "Warga mengantre sejak pagi, Minggu (14/06), di halaman kantor kecamatan.",
        "fetched_at": "2026-01-27T03:00:00Z",
    }
    return Article(**{**values, **fields})


def test_old_page_yearless_day_reads_its_modification_time() -> None:
    from crawler.extract.normalise import publication_date

    # Nothing else dates the page: the fetch time's most recent Sunday 14 June.
    assert publication_date(_old_page()).value.date() == date(2020, 6, 14)
    page = _old_page(modified_at="2015-06-15T10:00:00+07:00")
    assert publication_date(page).value.date() == date(2015, 6, 14)


def test_old_page_yearless_day_reads_its_sitemap_lastmod_but_not_as_the_date() -> None:
    from crawler.extract.normalise import publication_date

    page = _old_page(date_hints=[("sitemap", "2015-06-16T01:00:00Z")])
    got = publication_date(page)
    assert got is not None and got.value.date() == date(2015, 6, 14)
    assert got.source == "text"
    # Evidence years after every Sunday 14 June near it: no day rather than a wrong one.
    assert publication_date(_old_page(date_hints=[("sitemap", "2018-02-01")])) is None
