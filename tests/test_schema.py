"""An archive written by a newer arsip: this one reads it but never writes to it."""

from __future__ import annotations

import json
import sqlite3

from archive.migrations import MIGRATIONS
from tests.conftest import run_cli


def test_newer_archive_is_read_but_never_written(mirror, tmp_path):
    db_path = tmp_path / "news.db"
    source = tmp_path / "one.jsonl"
    line = {"url": "https://www.tangselpos.id/detail/1/berita", "title": "Berita vaksin",
            "body": "Vaksin HPV gratis untuk pelajar di Tangerang Selatan. " * 5,
            "published_at": "2025-09-16T02:12:00Z"}  # fmt: skip
    source.write_text(json.dumps(line) + "\n")
    assert run_cli("import", str(source), "--db", str(db_path)).returncode == 0
    newer = len(MIGRATIONS) + 1
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")

    for args, status in (
        (("import", str(source)), 1),
        (("reextract",), 1),
        (("crawl", "tangselpos", "--mirror", mirror.url), 4),
    ):
        result = run_cli(*args, "--db", str(db_path))
        assert result.returncode == status, (args, result.stderr)
        assert "written by a newer arsip" in result.stderr and "upgrade arsip" in result.stderr
        assert "Traceback" not in result.stderr
    found = run_cli("search", "vaksin", "--format", "json", "--db", str(db_path))
    assert found.returncode == 0 and len(json.loads(found.stdout)) == 1
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == newer
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM crawl_runs").fetchone()[0] == 0
