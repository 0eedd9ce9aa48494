"""Hostile input on the analyst's and operator's side, beyond ``search`` (whose query
language has its own tests): ids and URLs for ``show``, output paths for ``export``,
portal names and dates for every command that takes them, files that are not archives,
and a hostile file to ``import``. Each is a clear message with exit status 1 or 2,
never a traceback, and the archive is left as it was."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.writer import ArchiveWriter
from arsip.cli import cli
from tests.archives import EXTRA, file_digest
from tests.conftest import run_cli
from tests.test_crash import check_whole


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "news.db"
    with ArchiveWriter(path) as stored:
        for record in EXTRA:
            stored.store(record, seen_at="2025-09-21T00:00:00Z")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # so that the digest sees everything
    conn.close()
    return path


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def assert_clear(result, status: int, message: str) -> None:
    assert result.exit_code == status, result.output
    assert message in result.output, result.output
    # A traceback would end the run with an exception that click did not turn into
    # a message.
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("'; DROP TABLE articles; --", "no article with URL '; DROP TABLE articles; --"),
        ("99999999999999999999999", "no article with id 99999999999999999999999"),
        ("1 OR 1=1", "no article with URL 1 OR 1=1"),
        ("", "no article with URL"),
        ("https://x.test/a\"b'c?utm_source=<script>", "no article with URL"),
    ],
)
def test_show_hostile_keys(archive, key, message):
    before = file_digest(archive)
    assert_clear(run("show", key, "--db", str(archive)), 1, message)
    assert file_digest(archive) == before


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        ("export", ["--portal", "x' OR 1=1 --"], "unknown portal"),
        ("export", ["--since", "'; DROP TABLE articles"], "Invalid value for '--since'"),
        ("export", ["--until", "2025-02-30"], "Invalid value for '--until'"),
        ("export", ["banjir OR"], "OR at column 8 needs a word each side"),
        ("export", ['"; DROP TABLE articles; NEAR('], "Invalid value for 'QUERY'"),
        ("stats", ["--portal", "../../etc/passwd"], "unknown portal"),
        ("stats", ["--since", "2025-10-01", "--until", "2025-09-01"], "--since must be before"),
        ("stats", ["--since", "1e308"], "Invalid value for '--since'"),
        ("reextract", ["--portal", "tangselpos; rm -rf /"], "unknown portal"),
        ("crawl", ["--since", "2025-09-01'; DROP TABLE x"], "Invalid value for '--since'"),
        ("crawl", ["--since", "2025-02-30"], "is not a date"),
        ("crawl", ["../../etc/passwd"], "unknown portal ../../etc/passwd"),
        ("crawl", ["--max-pages", "-1"], "Invalid value for '--max-pages'"),
        ("duplicates", ["--min-portals", "0"], "Invalid value for '--min-portals'"),
    ],
)
def test_bad_names_and_dates_are_usage_errors(archive, tmp_path, command, args, message):
    before = file_digest(archive)
    assert_clear(run(command, *args, "--db", str(archive)), 2, message)
    assert file_digest(archive) == before
    assert not Path(f"{archive}.lock").exists() or Path(f"{archive}.lock").read_text() == ""


def test_export_paths_that_cannot_be_written(archive, tmp_path):
    before = file_digest(archive)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    cases = [
        (tmp_path / "missing" / "out.csv", 2, "missing is not a directory"),
        (a_file / "out.csv", 2, "notes.txt is not a directory"),
        (tmp_path, 2, "is a directory"),
    ]
    for output, status, message in cases:
        assert_clear(run("export", "-o", str(output), "--db", str(archive)), status, message)
    # The file cannot be created (here: its temporary name is taken by a directory, as
    # a path without write permission would refuse it).
    blocked = tmp_path / "out.jsonl"
    Path(f"{blocked}.part").mkdir()
    for fmt in ("jsonl", "parquet"):
        result = run("export", "--format", fmt, "-o", str(blocked), "--db", str(archive))
        assert_clear(result, 1, f"cannot write {blocked}")
        assert not blocked.exists()
    assert a_file.read_text() == "mine"
    assert file_digest(archive) == before


@pytest.mark.parametrize(
    "command",
    [
        ["show", "1"], ["export"], ["stats"], ["search", "banjir"], ["duplicates"],
        ["reextract"], ["health"], ["crawl", "--mirror", "http://127.0.0.1:9"],
    ],
)  # fmt: skip
def test_a_file_that_is_not_an_archive(tmp_path, command):
    stranger = tmp_path / "notes.db"
    stranger.write_bytes(b"my notes, not a database " * 200)
    result = run(*command, "--db", str(stranger))
    assert result.exit_code in (1, 4), result.output
    assert "not an arsip archive" in result.output or "cannot use the archive" in (
        result.output
    ) or "not a database" in result.output, result.output  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert stranger.read_bytes() == b"my notes, not a database " * 200


def test_import_a_hostile_file(archive, tmp_path):
    db_path = tmp_path / "news.db"
    db_path.write_bytes(archive.read_bytes())
    good = {
        "url": "https://www.bantennews.co.id/pasar-murah-serang",
        "title": "Pasar Murah di Serang",
        "body": "Pemkot Serang menggelar pasar murah di enam kecamatan.",
        "published_at": "2025-09-20T03:00:00Z",
    }
    lines = [
        b"\x00\xff\xfe binary garbage \x81\x8d",
        b"[" * 100_000,  # nesting past the parser's recursion limit
        b'"just a string"',
        json.dumps({**good, "url": "javascript:alert(1)"}).encode(),
        json.dumps({**good, "url": "file:///etc/passwd"}).encode(),
        json.dumps({**good, "url": "https://x.test/a", "published_at": "9999-99-99"}).encode(),
        json.dumps({**good, "url": "https://x.test/b", "published_at": "not a date"}).encode(),
        json.dumps({**good, "url": "https://x.test/c", "published_at": "2999-01-01"}).encode(),
        json.dumps({**good, "url": "https://x.test/d", "tags": "no list"}).encode(),
        json.dumps({**good, "url": "https://x.test/e", "title": 5}).encode(),
        json.dumps(
            {
                **good,
                "url": "https://x.test/f",
                "title": "'); DROP TABLE articles;--",
                "body": "Judul ini hanya teks biasa; tidak ada yang dijalankan.",
            }
        ),  # fmt: skip
        json.dumps(good).encode(),
    ]
    source = tmp_path / "hostile.jsonl"
    source.write_bytes(b"\n".join(line if isinstance(line, bytes) else line.encode()
                                  for line in lines) + b"\n")  # fmt: skip
    result = run("import", str(source), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output and "10 rejected" in result.output
    for number, reason in [
        (1, "not JSON"), (2, "not JSON"), (3, "not a JSON object"),
        (4, "not an http(s) URL"), (5, "not an http(s) URL"),
        (6, "unreadable publication date"), (7, "unreadable publication date"),
        (8, "unreadable publication date"), (9, "tags is not a list"), (10, "title is not text"),
    ]:  # fmt: skip
        assert f"hostile.jsonl:{number}: rejected: {reason}" in result.output
    assert check_whole(db_path) == len(EXTRA) + 2
    conn = sqlite3.connect(db_path)
    stored = dict(conn.execute("SELECT url, published_at FROM articles"))
    conn.close()
    assert stored["https://x.test/f"] == "2025-09-20T03:00:00Z"  # a title is only text
    assert stored[good["url"]] == "2025-09-20T03:00:00Z"


@pytest.mark.parametrize(
    ("name", "value", "what"),
    [("ARSIP_EMPTY_RETRY_DAYS", "abc", "a number"),
     ("ARSIP_FAILED_RETRY_RUNS", "2.5", "a whole number"),
     ("ARSIP_SITEMAP_RECHECK_DAYS", "-1", "a number"),
     ("ARSIP_DOWNLOAD_TIMEOUT", "nan", "a number"),
     ("ARSIP_MAX_DB_PAGES", "2k", "a whole number")],
)  # fmt: skip
def test_a_setting_that_is_not_a_number(archive, tmp_path, name, value, what):
    """A typo in a cron job's environment stops the commands that read the setting with
    the setting named, exit status 2, rather than a traceback or a silent default."""
    for args in (("memory", "--db", str(archive)), ("health", "--db", str(archive))):
        result = run_cli(*args, env={name: value})
        assert result.returncode == 2, result.stderr
        assert f"arsip: {name}={value!r} is not {what} of 0 or more" in result.stderr
        assert "Traceback" not in result.stderr
    # A crawl stops before it creates an archive or its lock.
    result = run_cli("crawl", "tangselpos", "--db", str(tmp_path / "new.db"), env={name: value})
    assert result.returncode == 2 and f"arsip: {name}=" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("command", "args", "bounds"),
    [
        ("search", ["banjir"], ["--until", "9999-12-31"]),
        ("search", ["banjir"], ["--since", "0001-01-01"]),
        ("search", ["banjir"], ["--until", "9999-12-31T23:30-05:00"]),
        ("export", [], ["--since", "0001-01-01", "--until", "9999-12-31"]),
        ("stats", [], ["--until", "9999-12-31"]),
        ("stats", ["--utc"], ["--since", "0001-01-01"]),
    ],
)
def test_the_calendars_ends_are_dates_like_any_other(archive, command, args, bounds):
    """The first and last days Python knows are valid bounds: read in WIB they lie
    outside the range of UTC instants, and they include every article."""
    bounded = run(command, *args, *bounds, "--db", str(archive))
    assert bounded.exit_code == 0, bounded.output
    assert bounded.exception is None or isinstance(bounded.exception, SystemExit)
    assert bounded.output == run(command, *args, "--db", str(archive)).output


@pytest.mark.parametrize(
    ("command", "args", "option"),
    [
        ("search", ["banjir", "--limit", "99999999999999999999"], "--limit"),
        ("duplicates", ["--limit", "99999999999999999999"], "--limit"),
        ("duplicates", ["--min-portals", "99999999999999999999"], "--min-portals"),
        ("health", ["--days", "9999999999"], "--days"),
        ("crawl", ["--max-pages", "99999999999999999999"], "--max-pages"),
        ("crawl", ["--refresh-days", "9999999999"], "--refresh-days"),
    ],
)
def test_numbers_past_their_range_are_usage_errors(archive, command, args, option):
    before = file_digest(archive)
    assert_clear(run(command, *args, "--db", str(archive)), 2, f"Invalid value for '{option}'")
    assert file_digest(archive) == before
