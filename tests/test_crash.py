"""A writer killed at any moment leaves the archive whole: the previous state or the
new one, never half an article."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from archive.dedup import BANDS
from tests.conftest import ALL_BANDS

# The child stores forever: new articles with their pages (one transaction each),
# batches of them (one transaction per batch), and new revisions of earlier ones.
WRITER = r"""
import random, sys
from archive.writer import ArchiveWriter
rng = random.Random(int(sys.argv[2]))
vocab = ["kata%d" % i for i in range(3000)]
def body():
    return "\n\n".join(" ".join(rng.choices(vocab, k=60)) for _ in range(6))
def record(n, kind):
    return {"url": "https://www.tangselpos.id/detail/%d/x" % n, "portal": "tangselpos",
            "title": "Judul %s" % kind, "body": body()}
archive = ArchiveWriter(sys.argv[1])
start = int(sys.argv[2]) * 100_000
for n in range(start, start + 100_000):
    page = {"url": "https://www.tangselpos.id/detail/%d/x" % n, "status": 200,
            "headers": {}, "body": b"<html>" + body().encode() * 20}
    archive.store(record(n, "P"), page=page)  # "P": stored with its page
    if n % 5 == 0:
        list(archive.store_many(record(n * 1000 + k, "B") for k in range(20)))
    if n % 3 == 0:
        archive.store(record(rng.randint(start, n), "P"))  # a new revision of an earlier one
    print(n, flush=True)
"""


def check_whole(db_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == articles
        orphans = {
            "article without url": "SELECT count(*) FROM articles a WHERE NOT EXISTS"
            " (SELECT 1 FROM article_urls u WHERE u.article_id = a.id)",
            "url without article": "SELECT count(*) FROM article_urls u WHERE NOT EXISTS"
            " (SELECT 1 FROM articles a WHERE a.id = u.article_id)",
            "article without buckets": "SELECT count(*) FROM articles a WHERE duplicate_of IS NULL"
            f" AND (SELECT count(*) FROM {ALL_BANDS} b WHERE b.article_id = a.id) < {BANDS}",
            "bucket without article": f"SELECT count(*) FROM {ALL_BANDS} b WHERE NOT EXISTS"
            " (SELECT 1 FROM articles a WHERE a.id = b.article_id)",
            "page without article": "SELECT count(*) FROM pages p WHERE NOT EXISTS"
            " (SELECT 1 FROM articles a WHERE a.id = p.article_id)",
            "article without its page": "SELECT count(*) FROM articles a"
            " WHERE a.title = 'Judul P' AND a.revision = 1 AND NOT EXISTS"
            " (SELECT 1 FROM pages p WHERE p.article_id = a.id)",
            "revision without history": "SELECT count(*) FROM articles a WHERE revision - 1 !="
            " (SELECT count(*) FROM article_revisions r WHERE r.article_id = a.id)",
        }
        found = {name: conn.execute(sql).fetchone()[0] for name, sql in orphans.items()}
        assert found == dict.fromkeys(orphans, 0)
        return articles
    finally:
        conn.close()


def test_kills_during_writes_leave_no_half_article(tmp_path):
    """Ten writers in turn on one archive, each killed at another moment of its work;
    after each kill the archive opens whole and the next writer carries on."""
    db_path = tmp_path / "archive.db"
    rng = random.Random(4)
    stored = 0
    for writer in range(1, 11):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), str(writer)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            for _ in range(rng.randint(3, 12)):
                line = child.stdout.readline()
                assert line, child.stderr.read()
            time.sleep(rng.random() / 50)
            child.send_signal(signal.SIGKILL)
        finally:
            child.kill()
            child.communicate()
        assert child.returncode == -signal.SIGKILL
        now = check_whole(db_path)
        assert now > stored
        stored = now
