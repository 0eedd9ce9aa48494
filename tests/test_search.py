"""arsip search: the query language, filters, formats, and hostile input."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from archive.search import parse_when
from archive.search_language import QuerySyntaxError, fts_query
from arsip.cli import cli
from tests.archives import build_analyst_archive, file_digest
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def archive(tangselpos_first_crawl, tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "news.db"
    ids = build_analyst_archive(path, tangselpos_first_crawl)
    return path, ids


def search(archive, *args: str):
    path, _ = archive
    return CliRunner().invoke(cli, ["search", *args, "--db", str(path)])


def titles(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [row["title"] for row in json.loads(result.stdout)]


# -- the language, pure ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("banjir", '"banjir"'),
        ("banjir pamulang", '"banjir" AND "pamulang"'),
        ('"andra soni"', '"andra soni"'),
        ("banjir OR longsor", '("banjir" OR "longsor")'),
        ("banjir tangsel OR serpong", '"banjir" AND ("tangsel" OR "serpong")'),
        ("banjir -hoaks", '"banjir" NOT "hoaks"'),
        ("banjir NOT hoaks", '"banjir" NOT "hoaks"'),
        ("vaksin*", '"vaksin" *'),
        ("(banjir OR longsor) -hoaks", '("banjir" OR "longsor") NOT "hoaks"'),
        ("a -(b c)", '"a" NOT ("b" AND "c")'),
        ("banjir AND lebak", '"banjir" AND "lebak"'),
        ("covid-19 Jum'at", '"covid-19" AND "Jum\'at"'),
        ('"say ""hi"""', None),  # quotes cannot nest: a clear error, checked below
        ("and or not", '"and" AND "or" AND "not"'),  # lower case: plain words
    ],
)
def test_query_language_translates_to_quoted_fts5(query, expected):
    if expected is None:
        with pytest.raises(QuerySyntaxError):
            fts_query(query)
    else:
        assert fts_query(query) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"andra soni', "unbalanced quote at column 1"),
        ("OR", "OR at column 1 needs a word each side"),
        ("banjir OR", "OR at column 8 needs a word each side"),
        ("AND banjir", "AND at column 1"),
        ("NOT banjir", "not only words to exclude"),
        ("-banjir", "not only words to exclude"),
        ("*", "'*' at column 1 must end a word"),
        ("ban*jir", "'*' at column 4 must end a word"),
        ("(banjir", "unbalanced '(' at column 1"),
        ("banjir)", "unbalanced ')' at column 7"),
        ("()", "empty parentheses"),
        ('""', "empty phrase"),
        ("", "empty query"),
        ("title:banjir", "unexpected character ':' at column 6"),
        ("'; DROP TABLE articles; --", 'unexpected character "\'" at column 1'),
        ("banjir; DELETE FROM articles", "unexpected character ';' at column 7"),
        ("a -- b", "'-' at column 3 must be followed by a word"),
        ("(" * 11 + "a" + ")" * 11, "too many nested parentheses"),
        ("kata " * 300, "longer than 1000 characters"),
    ],
)
def test_malformed_queries_say_where(query, message):
    with pytest.raises(QuerySyntaxError, match=None) as error:
        fts_query(query)
    assert message in str(error.value)


def test_dates_are_wib_days_unless_utc_or_offset():
    assert parse_when("2025-09-17") == "2025-09-16T17:00:00Z"
    assert parse_when("2025-09-17", end=True) == "2025-09-17T17:00:00Z"
    assert parse_when("2025-09-17", utc=True) == "2025-09-17T00:00:00Z"
    assert parse_when("2025-09-17T06:00") == "2025-09-16T23:00:00Z"
    assert parse_when("2025-09-17T06:00:00+08:00") == "2025-09-16T22:00:00Z"
    assert parse_when("2025-09-17T06:00:00Z", end=True) == "2025-09-17T06:00:01Z"
    for bad in ("yesterdayish", "2025-02-30", "17/09/2025", "2025-09-17T25:00", ""):
        with pytest.raises(ValueError, match="is not a date"):
            parse_when(bad)


# -- the command -------------------------------------------------------------------------


def test_search_ranks_title_matches_first_and_highlights(archive):
    result = search(archive, "hujan", "--format", "json")
    rows = json.loads(result.stdout)
    # Three titles hold the word; they come before the articles with it in the body only.
    in_title = ["hujan" in r["title"].lower().replace(",", "").split() for r in rows]
    assert in_title == [True] * 3 + [False] * (len(rows) - 3) and len(rows) > 3
    assert all("[hujan]" in r["snippet"].lower() for r in rows)
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)


def test_search_phrases_or_not_prefix(archive):
    assert titles(search(archive, '"andra soni"', "--format", "json")) == [
        "Andra Soni Ajak Influencer Berperan Dukung Pembangunan di Banten"
    ]
    either = set(titles(search(archive, "kebakaran OR korsleting", "--format", "json")))
    assert either == {"Kebakaran Hanguskan Tiga Kios di Ciputat, Diduga Akibat Korsleting"}
    without = titles(search(archive, "banjir -lebak", "--format", "json"))
    assert without and not any("Lebak" in t for t in without)
    prefix = titles(search(archive, "vaksin*", "--format", "json"))
    assert {"Pemprov Banten Targetkan 95 Ribu Siswi Terima Vaksin HPV",
            "Vaksinasi HPV Serentak Sasar Siswi SD di Pamulang"} <= set(prefix)  # fmt: skip


def test_search_folds_diacritics_both_ways(archive):
    expected = ["Layanan Kesehatán Gratis di Puskesmas Cipocok"]
    assert titles(search(archive, "kesehatan gratis", "--format", "json")) == expected
    assert titles(search(archive, "KESEHATÁN lansia", "--format", "json")) == expected


def test_search_filters_portal_section_and_wib_days(archive):
    lebak = titles(search(archive, "banjir lebak", "--portal", "bantennews", "--format", "json"))
    assert set(lebak) == {"Pemprov Banten Salurkan Bantuan untuk Korban Banjir Lebak",
                          "Salinan: Bantuan Banjir Lebak"}  # fmt: skip
    assert titles(search(archive, "banjir", "--section", "pos banten", "--format", "json")) == [
        "Bantuan Banjir Lebak Mulai Disalurkan"
    ]
    # Published 06:30 WIB on the 17th, which is the 16th in UTC.
    wib = titles(search(archive, "kesehatan", "--since", "2025-09-17", "--until", "2025-09-17",
                        "--format", "json"))  # fmt: skip
    assert wib == ["Layanan Kesehatán Gratis di Puskesmas Cipocok"]
    utc = search(archive, "kesehatan", "--since", "2025-09-17", "--until", "2025-09-17",
                 "--utc", "--format", "json")  # fmt: skip
    # In UTC the 17th holds not that one but 51337 (00:00 WIB on the 18th: day-only date).
    assert utc.exit_code == 0
    assert titles(utc) == ["Vaksinasi HPV Serentak Sasar Siswi SD di Pamulang"]
    assert titles(search(archive, "kesehatan", "--since", "2025-09-16T23:00:00Z",
                         "--until", "2025-09-17T06:30", "--format", "json"))  # fmt: skip


def test_search_formats(archive):
    table = search(archive, '"andra soni"')
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split() == [
        "id",
        "published",
        "portal",
        "section",
        "title",
        "snippet",
    ]
    assert "[Andra Soni]" in table.stdout
    rows = list(csv.DictReader(io.StringIO(search(archive, "banjir", "--format", "csv").stdout)))
    assert rows and set(rows[0]) >= {"id", "url", "title", "snippet", "published_at", "rank"}
    lines = search(archive, "banjir", "--limit", "2", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 2 and all(json.loads(line)["portal"] for line in lines)
    vaksin = search(archive, "vaksinasi serentak")
    assert "2025-09-18 (date only)" in vaksin.stdout and "00:00" not in vaksin.stdout
    hits = json.loads(search(archive, "vaksinasi serentak", "--format", "json").stdout)
    (hit,) = [h for h in hits if h["title"].startswith("Vaksinasi HPV Serentak")]
    assert hit["published_has_time"] is False and hit["published_local"].startswith("2025-09-18")
    andra = search(archive, '"andra soni" influencer berperan').stdout
    assert "2025-09-16 09:12 WIB" in andra and "+07:00" not in andra
    none = search(archive, "zzzzzz")
    assert none.exit_code == 0 and none.stdout == "" and "no matches" in none.stderr


def test_a_word_in_too_many_articles_gives_the_newest_first_and_says_so(archive, monkeypatch):
    """Past ``RANK_LIMIT`` matches (lowered here from 50,000 to 2), ``auto`` gives the
    newest matches first, unranked, and the command says so; ``rank`` ranks them all,
    ``newest`` never ranks."""
    import archive as archive_api
    from archive import search as search_module

    path, _ = archive
    with archive_api.open(path, readonly=True) as arch:
        ranked = arch.search("banjir", limit=50)
        assert ranked.order == "rank" and len(ranked) == 4
        newest = arch.search("banjir", limit=50, rank_limit=2)
        assert newest.order == "newest" and all(r["rank"] is None for r in newest)
        assert {r["id"] for r in newest} == {r["id"] for r in ranked}
        published = [r["published_at"] for r in newest]
        assert published == sorted(published, reverse=True) and newest[0]["snippet"]
        assert all("[banjir]" in r["snippet"].lower() for r in newest)
        assert [r["id"] for r in arch.search("banjir", limit=2, order="newest")] == [
            r["id"] for r in newest[:2]
        ]
        assert arch.search("banjir", limit=50, rank_limit=2, order="rank").order == "rank"
        only = arch.search("banjir", order="newest", portals=["bantennews"])
        assert only and {r["portal"] for r in only} == {"bantennews"}
        assert arch.search("banjir", rank_limit=4).order == "rank"  # 4 matches: not more
        with pytest.raises(ValueError, match="order is one of auto, rank, newest"):
            arch.search("banjir", order="best")
    ranked_cli = search(archive, "banjir", "--format", "json")  # 4 matches: ranked, no note
    assert ranked_cli.exit_code == 0 and "not ranked" not in ranked_cli.stderr
    assert [r["id"] for r in json.loads(ranked_cli.stdout)] == [r["id"] for r in ranked]
    monkeypatch.setattr(search_module, "RANK_LIMIT", 2)
    unranked = search(archive, "banjir", "--format", "json")
    assert [r["id"] for r in json.loads(unranked.stdout)] == [r["id"] for r in newest]
    assert "articles of the archive match the words: the newest first" in unranked.stderr
    for order in ("rank", "newest"):
        asked = search(archive, "banjir", "--order", order, "--format", "json")
        assert asked.exit_code == 0 and "not ranked" not in asked.stderr
        assert (json.loads(asked.stdout)[0]["rank"] is None) == (order == "newest")


def test_a_query_that_starts_with_a_dash(archive):
    path, _ = archive
    expected = titles(search(archive, "banjir -pamulang", "--format", "json"))
    assert expected and not any("Pamulang" in t for t in expected)
    # One argument with a space is never an option: it is the query, wherever it stands.
    for args in (["-pamulang banjir", "--db", str(path)],
                 ["--db", str(path), "-pamulang banjir", "--limit", "20"],
                 ["--db", str(path), "--", "-pamulang banjir"]):  # fmt: skip
        result = run_cli("search", *args, "--format", "json") if "--" not in args else (
            run_cli("search", "--format", "json", *args)
        )  # fmt: skip
        assert result.returncode == 0, (args, result.stderr)
        assert [r["title"] for r in json.loads(result.stdout)] == expected, args
    # Separate words: the first reads as an option; the error says what to do.
    split = run_cli("search", "-pamulang", "banjir", "--db", str(path))
    assert split.returncode == 2 and "Traceback" not in split.stderr
    assert "No such option" in split.stderr
    assert "goes after '--', as the last argument: arsip search [OPTIONS] -- '-pamulang ...'" in (
        split.stderr
    )
    # An option's value with a space stays that option's value.
    section = run_cli("search", "banjir", "--section", "-no such section", "--db", str(path))
    assert section.returncode == 0 and "no matches" in section.stderr


HOSTILE = [
    (["'; DROP TABLE articles; --"], "Invalid value for 'QUERY'"),
    (['"banjir'], "unbalanced quote"),
    (["OR"], "OR at column 1"),
    (["*"], "must end a word"),
    (["banjir", "--since", "yesterdayish"], "Invalid value for '--since'"),
    (["banjir", "--until", "2025-13-01"], "Invalid value for '--until'"),
    (["banjir", "--since", "2025-10-01", "--until", "2025-09-01"], "--since must be before"),
    (["banjir", "--portal", "kompas"], "unknown portal 'kompas'"),
    (["banjir", "--portal", "x' OR 1=1 --"], "unknown portal"),
    (["banjir", "--limit", "0"], "Invalid value for '--limit'"),
    (["banjir", "--format", "xml"], "Invalid value for '--format'"),
]


@pytest.mark.parametrize(("args", "message"), HOSTILE)
def test_hostile_input_is_a_clear_usage_error_and_changes_nothing(archive, args, message):
    path, _ = archive
    before = file_digest(path)
    result = run_cli("search", *args, "--db", str(path))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert file_digest(path) == before


def test_section_text_never_reaches_sql(archive):
    result = search(archive, "banjir", "--section", "x' OR '1'='1", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_search_without_archive_or_with_a_stranger_file(tmp_path):
    missing = run_cli("search", "banjir", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 1 and "no archive at" in missing.stderr
    stranger = tmp_path / "notes.db"
    stranger.write_text("not a database")
    result = run_cli("search", "banjir", "--db", str(stranger))
    assert result.returncode == 1 and "is not an arsip archive" in result.stderr
    assert "Traceback" not in result.stderr


# Many OR-ed one-letter prefixes: each matches most of the index's terms, and FTS5
# merges them all for every row (seconds on a hundred articles, minutes on thousands).
SLOW_QUERY = " OR ".join(f"{letter}*" for letter in "bhjwkpstarlmncdegiou" * 6)


@pytest.fixture(scope="module")
def varied_archive(tmp_path_factory):
    """120 articles of 300 distinct words each: a large vocabulary for the prefixes."""
    import random

    from archive.writer import ArchiveWriter

    path = tmp_path_factory.mktemp("slow") / "news.db"
    draw = random.Random(7)
    stems = ["banjir", "hujan", "jalan", "warga", "kota", "pasar", "sekolah", "listrik"]
    with ArchiveWriter(path) as writer:
        records = [
            {"url": f"https://www.tangselpos.id/detail/{n}/x", "portal": "tangselpos",
             "title": f"Banjir di Pamulang, laporan {n}", "published_at": "2025-09-01T00:00:00Z",
             "body": " ".join(f"{draw.choice(stems)}{draw.randint(0, 999)}" for _ in range(300))}
            for n in range(1, 121)
        ]  # fmt: skip
        list(writer.store_many(records))
    return path


def test_a_search_past_its_time_limit_is_stopped_with_a_clear_message(varied_archive):
    import time

    import archive as archive_api
    from archive.search import SearchTimeLimit

    with archive_api.open(varied_archive, readonly=True) as arch:
        started = time.monotonic()
        with pytest.raises(SearchTimeLimit, match="time limit of 0.2 s"):
            arch.search(SLOW_QUERY, time_limit=0.2)
        assert time.monotonic() - started < 1.0
        # The connection is usable again, without the limit.
        assert len(arch.search("banjir", time_limit=0.2)) == 20
    started = time.monotonic()
    result = run_cli("search", SLOW_QUERY, "--time-limit", "0.3", "--db", str(varied_archive))
    assert result.returncode == 1
    assert "the search was stopped after its time limit of 0.3 s" in result.stderr
    assert "--time-limit SECONDS" in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 5.0
    fine = run_cli("search", "pamulang", "--format", "csv", "--db", str(varied_archive))
    assert fine.returncode == 0 and fine.stdout.count("\n") == 21
    bad = run_cli("search", "banjir", "--time-limit", "-1", "--db", str(varied_archive))
    assert bad.returncode == 2 and "--time-limit" in bad.stderr


def test_a_time_limit_passed_between_two_statements_stops_the_next_one(varied_archive):
    """SQLite drops an interrupt that comes while no statement runs: the limit must
    still stop the statement that follows, at once, not after it has run its course."""
    import sqlite3
    import time

    from archive.search import SearchTimeLimit, stopped_after

    conn = sqlite3.connect(varied_archive)
    counting = (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20000000)"
        " SELECT count(*) FROM n"
    )
    started = time.monotonic()
    with pytest.raises(SearchTimeLimit, match="time limit of 0.05 s"), stopped_after(conn, 0.05):
        conn.execute("SELECT count(*) FROM articles").fetchone()
        time.sleep(0.2)  # the limit passes here, while no statement runs
        conn.execute(counting).fetchone()
    assert time.monotonic() - started < 1.0
    # Without a limit the connection runs statements to their end again.
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 120
    conn.close()
