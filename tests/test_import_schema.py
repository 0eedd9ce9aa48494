"""`arsip import` lines against their schema (``arsip.import_schema``, docs/import.md):
a bad line is rejected with its line number and reason and the good lines of the same
file are stored; a file that is not JSON lines is refused; what is imported never
crashes ``arsip show`` or the Parquet export."""

from __future__ import annotations

import gzip
import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from arsip.import_schema import ArticleLine, NewsPleaseLine
from arsip.importer import NotJsonLines, Rejected, check_json_lines, record_from_line
from tests.conftest import ROOT, rows, run_cli

NOW = datetime(2025, 9, 21, 3, 0, tzinfo=UTC)
GOOD = {
    "url": "https://www.bantennews.co.id/pasar-murah-serang",
    "title": "Pasar Murah di Serang",
    "body": "Pemkot Serang menggelar pasar murah di enam kecamatan pekan ini.",
    "published_at": "2025-09-20T03:00:00Z",
    "authors": ["Rizki Maulana"],
    "tags": ["pasar murah"],
}


def line(**changes) -> bytes:
    return json.dumps({**GOOD, **changes}).encode()


@pytest.mark.parametrize(
    ("changes", "reason", "detail"),
    [
        ({"authors": [1, {"a": 2}]}, "authors is not a list of text", "authors[0] is 1"),
        ({"authors": "Rizki"}, "authors is not a list", "authors is 'Rizki'"),
        ({"tags": [None]}, "tags is not a list of text", "tags[0] is None"),
        ({"press_release": "tidak"}, "press_release is not true or false", "'tidak'"),
        ({"press_release": 1}, "press_release is not true or false", "press_release is 1"),
        ({"title": 5}, "title is not text", "title is 5"),
        ({"section": ["Banten"]}, "section is not text", "['Banten']"),
        ({"published_at": 20250920}, "published_at is not text", "20250920"),
        ({"title": "  ", "body": " \n "}, "no title", None),
        ({"body": ""}, "no body", None),
    ],
)
def test_a_line_that_breaks_the_schema_is_rejected_with_its_reason(changes, reason, detail):
    with pytest.raises(Rejected) as rejected:
        record_from_line(line(**changes), now=NOW)
    assert str(rejected.value) == reason
    if detail:
        assert detail in rejected.value.detail


def test_news_please_lines_have_their_own_schema():
    news_please = {"url": GOOD["url"], "title": GOOD["title"], "maintext": GOOD["body"],
                   "date_publish": "2025-09-20 10:00:00", "source_domain": "bantennews.co.id"}  # fmt: skip
    record = record_from_line(json.dumps({**news_please, "authors": None}), now=NOW)
    assert record["authors"] == [] and record["published_at"] == "2025-09-20T03:00:00Z"
    for changes, reason in [
        ({"authors": [None]}, "authors is not a list of text"),
        ({"maintext": ["satu", "dua"]}, "maintext is not text"),
        ({"date_publish": 1758340800}, "date_publish is not text"),
    ]:
        with pytest.raises(Rejected, match=re.escape(reason)):
            record_from_line(json.dumps({**news_please, **changes}), now=NOW)


def test_a_good_line_keeps_its_fields():
    record = record_from_line(
        line(press_release=True, authors=[" Rizki Maulana ", " "], tags=None, language=None),
        now=NOW,
    )
    assert record["authors"] == ["Rizki Maulana"] and record["tags"] == []
    assert record["press_release"] is True and record["language"] == "id"
    assert record["portal"] == "bantennews"


def test_the_docs_name_exactly_the_schema_fields():
    """docs/import.md has a table per line shape whose first column is exactly the
    fields of its schema."""
    page = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    sections = page.split("\n## ")
    for schema, heading in ((ArticleLine, "arsip's field names"),
                            (NewsPleaseLine, "news-please's field names")):  # fmt: skip
        (section,) = [s for s in sections if s.startswith(heading)]
        documented = re.findall(r"^\| `(\w+)` \|", section, flags=re.M)
        assert sorted(documented) == sorted(schema.model_fields), heading
        assert len(documented) == len(set(documented))


def test_a_batch_with_bad_lines_stores_its_good_lines(tmp_path, db_path):
    bad = [
        {**GOOD, "url": "https://x.test/authors", "authors": [1, {"a": 2}]},
        {**GOOD, "url": "https://x.test/tags", "tags": "banjir"},
        {**GOOD, "url": "https://x.test/blank", "title": "   ", "body": "   "},
        {**GOOD, "url": "https://x.test/flag", "press_release": "tidak"},
    ]
    good = [
        GOOD,
        {**GOOD, "url": "https://x.test/release", "title": "Siaran Pers Pemkot",
         "body": "Pemkot Serang menyampaikan siaran pers tentang jadwal vaksinasi warga.",
         "press_release": True, "authors": [], "tags": ["vaksin", "Serang"]},
        {"url": "https://x.test/np", "title": "Banjir di Serang", "authors": ["Tim"],
         "maintext": "Hujan deras membuat banjir.\nWarga mengungsi ke masjid.",
         "date_publish": "2025-09-20 08:00:00", "source_domain": "x.test"},
    ]  # fmt: skip
    source = tmp_path / "mixed.jsonl"
    lines = [good[0], bad[0], bad[1], good[1], bad[2], bad[3], good[2]]
    source.write_text("".join(json.dumps(x) + "\n" for x in lines))
    done = run_cli("import", str(source), "--db", str(db_path))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "3 new" in done.stdout and "4 rejected" in done.stdout, done.stdout
    for number, reason in [
        (2, "authors is not a list of text (authors[0] is 1)"),
        (3, "tags is not a list (tags is 'banjir')"),
        (5, "no title"),
        (6, "press_release is not true or false (press_release is 'tidak')"),
    ]:
        assert f"mixed.jsonl:{number}: rejected: {reason}" in done.stderr, done.stderr
    stored = rows(db_path, "SELECT id, url, authors, tags, press_release FROM articles")
    assert sorted(r["url"] for r in stored) == sorted(x["url"] for x in good)

    # Every imported record shows, and the whole archive exports to Parquet.
    for row in stored:
        shown = run_cli("show", str(row["id"]), "--db", str(db_path))
        assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stderr
        as_json = run_cli("show", str(row["id"]), "--format", "json", "--db", str(db_path))
        assert as_json.returncode == 0, as_json.stderr
        shown_record = json.loads(as_json.stdout)
        assert all(isinstance(a, str) for a in shown_record["authors"] + shown_record["tags"])
    assert_parquet_export(db_path, tmp_path / "all.parquet", len(good))


def assert_parquet_export(db_path: Path, out: Path, count: int) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    done = run_cli("export", "--format", "parquet", "-o", str(out), "--db", str(db_path))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    table = pq.read_table(out).to_pylist()
    assert len(table) == count
    for row in table:
        assert all(isinstance(a, str) for a in row["authors"] + row["tags"])


def test_records_an_older_import_let_in_still_show_and_export(tmp_path, db_path):
    """An archive written before the schema may hold authors or tags that are not lists
    of text: show and the Parquet export read them as text, without a crash."""
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps(GOOD) + "\n")
    assert run_cli("import", str(source), "--db", str(db_path)).returncode == 0
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("""UPDATE articles SET authors = '[1, {"a": 2}, null]', tags = '"banjir"'""")
    conn.close()
    shown = run_cli("show", "1", "--format", "json", "--db", str(db_path))
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert record["authors"] == ["1", '{"a": 2}', "null"] and record["tags"] == ["banjir"]
    assert run_cli("show", "1", "--db", str(db_path)).returncode == 0
    assert_parquet_export(db_path, tmp_path / "old.parquet", 1)


def test_json_lines_are_told_by_their_first_lines(tmp_path):
    """A file some of whose first lines are JSON objects is JSON lines (its bad lines
    are rejected one by one); one whose first 20 are none is not."""
    mostly_bad = tmp_path / "mostly-bad.jsonl"
    mostly_bad.write_bytes(b"{not json\n" * 19 + b"\n\n" + line() + b"\n")
    check_json_lines(mostly_bad)
    (tmp_path / "empty.jsonl").touch()
    check_json_lines(tmp_path / "empty.jsonl")  # empty JSON lines: nothing to import
    too_late = tmp_path / "too-late.jsonl"
    too_late.write_bytes(b"{not json\n" * 20 + line() + b"\n")
    with pytest.raises(NotJsonLines, match="none of its first 20 lines is a JSON object"):
        check_json_lines(too_late)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("README.md", None),  # the project's own README
        ("array.json", json.dumps([GOOD, GOOD], indent=2).encode()),  # JSON, not lines
        ("articles.jsonl.gz", gzip.compress((json.dumps(GOOD) + "\n").encode(), mtime=0)),
        ("numbers.txt", b"1\n2\n3\n"),  # JSON values, but no object
    ],
)
def test_a_file_that_is_not_json_lines_is_refused(tmp_path, db_path, name, content):
    source = ROOT / name if content is None else tmp_path / name
    if content is not None:
        source.write_bytes(content)
    done = run_cli("import", str(source), "--db", str(db_path))
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr
    assert f"arsip: {source} is not JSON lines" in done.stderr
    assert "nothing imported" in done.stderr
    assert done.stdout == ""
    assert not db_path.exists()  # refused before the archive was opened
