"""`arsip import`: other tools' articles through the same store rules."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from crawler.mirror.tangselpos import load_articles
from tests.conftest import run_cli

HPV = {a["id"]: a for a in load_articles()}


def news_please(article: dict, **changes) -> dict:
    """A line of news-please's JSON output for a mirror article (paragraphs one per line,
    its naive local date format)."""
    line = {
        "authors": [article["author"]] if article["author"] else [],
        "date_download": "2025-09-21 10:00:00",
        "date_modify": None,
        "date_publish": article["published"][:19].replace("T", " "),
        "description": article["paragraphs"][0][:150],
        "filename": "x.json",
        "image_url": None,
        "language": "id",
        "localpath": None,
        "maintext": "\n".join(article["paragraphs"]),
        "source_domain": "www.tangselpos.id",
        "title": article["title"],
        "title_page": None,
        "title_rss": None,
        "url": f"https://www.tangselpos.id/detail/{article['id']}/{article['slug']}",
    }
    line.update(changes)
    return line


def write_lines(path: Path, lines: list) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
        + "\n",
        encoding="utf-8",
    )
    return path


def test_import_news_please_and_article_lines(tmp_path, db_path):
    one, other = HPV[51311], HPV[51337]
    arsip_line = {
        "url": "https://kabar6.com/vaksin-hpv/",
        "portal": "kabar6",
        "title": "Vaksin HPV untuk Siswi SD",
        "body": "\n\n".join(one["paragraphs"]),
        "published_at": "2025-09-19T03:00:00Z",
        "authors": ["Tim K6"],
    }
    source = write_lines(
        tmp_path / "in.jsonl",
        [
            news_please(one),
            news_please(other),
            arsip_line,  # the same text as 51311 on another portal
            news_please(one),  # seen again, unchanged
            news_please(one, title="Judul yang diperbarui"),  # a new revision
            "",
            "{not json",
            {"title": "tanpa url", "maintext": "isi"},
            news_please(one, url="https://www.tangselpos.id/detail/1/x", maintext=""),
            news_please(one, url="https://www.tangselpos.id/detail/2/x", date_publish="2031-01-01 08:00:00"),
            news_please(one, url="ftp://example.id/x"),
        ],
    )  # fmt: skip
    result = run_cli("import", str(source), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "import in.jsonl: 2 new, 1 updated, 1 unchanged, 1 duplicate, 5 rejected"
        " (not JSON: 1, no url: 1, no body: 1, publication date in the future: 1,"
        " not an http(s) URL: 1)"
    )
    assert "in.jsonl:7: rejected: not JSON" in result.stderr
    assert "Traceback" not in result.stderr
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM articles ORDER BY id")]
    conn.close()
    assert len(rows) == 3
    first, second, copy = rows
    assert first["body"] == "\n\n".join(one["paragraphs"])  # paragraphs, sign-off-free
    assert first["published_at"] == "2025-09-19T01:30:00Z"  # news-please's local time, WIB
    assert first["published_local"] == "2025-09-19T08:30:00+07:00"
    assert first["dateline"] is None and first["press_release"] == 1
    assert first["revision"] == 2 and first["title"] == "Judul yang diperbarui"
    assert second["published_at"] == "2025-09-20T04:45:00Z"
    assert copy["duplicate_of"] == first["id"] and copy["portal"] == "kabar6"
    assert copy["published_at"] == "2025-09-19T03:00:00Z"
    assert json.loads(copy["authors"]) == ["Tim K6"]
    # The two write-ups and the copy are one cluster, headed by the earliest.
    assert {r["cluster_id"] for r in rows} == {first["id"]}


def test_import_missing_file_is_a_clear_error(tmp_path, db_path):
    result = run_cli("import", str(tmp_path / "nope.jsonl"), "--db", str(db_path))
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert not db_path.exists()
