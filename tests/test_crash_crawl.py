"""The real commands killed (SIGKILL) in the middle of their work, and a full disk: the
archive stays whole, and the next run completes it.

The mirror answers article pages slowly here (a small delay each), so that a crawl lasts
long enough to be killed half-way; the kill comes once a random number of articles is
stored, plus a random fraction of a page's time.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from arsip.cli import cli
from crawler.mirror.generated import generate_articles
from crawler.mirror.server import MirrorServer, Page, Site
from crawler.mirror.tangselpos import BASE, article_path, build_site, load_articles
from tests.archives import file_digest
from tests.conftest import ROOT, copy_archive, run_cli
from tests.test_crash import check_whole

ARSIP = Path(sys.executable).with_name("arsip")
COPIES = 500  # rows per article in the export test


class SlowSite(Site):
    """A site whose article pages answer after ``delay`` seconds (0: at once)."""

    def __init__(self, site: Site, delay: float):
        super().__init__(site.hosts, site.pages)
        self.delay = delay

    def get(self, target: str) -> Page | None:
        if self.delay and target.startswith("/detail/"):
            time.sleep(self.delay)
        return super().get(target)


def mirror_articles() -> list[dict]:
    """The sample site and 48 more articles: 74 in all. A crawl of the mirror stores its
    articles in waves of up to 8 (its concurrency), so each of five kills may land up to
    a wave after its target: the site must outlast five waves and the targets."""
    newer = generate_articles(48, newest=datetime.fromisoformat("2025-09-21T08:00:00+07:00"))
    return newer + load_articles()


ARTICLES = mirror_articles()
URLS = {BASE + article_path(a) for a in ARTICLES}


def count(db_path: Path, sql: str) -> int:
    """One number from the archive, read-only (as a concurrent reader would)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def wait_for(predicate, child: subprocess.Popen, timeout: float = 60, poll: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert child.poll() is None, f"ended before the kill: {child.communicate()}"
        assert time.monotonic() < deadline, "the moment to kill never came"
        time.sleep(poll)


def stored_articles(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    try:
        return count(db_path, "SELECT count(*) FROM articles")
    except sqlite3.OperationalError:  # the schema is being created
        return 0


def writing(db_path: Path) -> bool:
    """Whether another process holds a write transaction open on the archive."""
    conn = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return True
    finally:
        conn.close()


def kill(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    _, child.stderr_text = child.communicate()
    assert child.returncode == -signal.SIGKILL


def assert_complete(db_path: Path) -> None:
    """Exactly the mirror's articles, each once, each with its one URL and its page."""
    assert check_whole(db_path) == len(ARTICLES)
    conn = sqlite3.connect(db_path)
    try:
        urls = [r[0] for r in conn.execute("SELECT url FROM articles")]
        assert sorted(urls) == sorted(URLS)
        assert conn.execute("SELECT count(*) FROM article_urls").fetchone()[0] == len(URLS)
        without_page = conn.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS"
            " (SELECT 1 FROM pages p WHERE p.article_id = a.id)"
        ).fetchone()[0]
        assert without_page == 0
    finally:
        conn.close()


@pytest.fixture(scope="module")
def slow_site():
    site = SlowSite(build_site(ARTICLES), delay=0.0)
    with MirrorServer([site], log=None) as server:
        yield site, server.url


def crawl_child(url: str, db_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ARSIP), "crawl", "tangselpos", "--mirror", url, "--db", str(db_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_crawls_killed_at_random_moments_then_completed(slow_site, tmp_path):
    """Five crawls in a row on one archive, each killed (seeds 1-5) once a random
    number of further articles is stored; each next one takes over the stale lock.
    After every kill the archive is whole; a last run completes it exactly."""
    site, url = slow_site
    db_path = tmp_path / "news.db"
    site.delay = 0.12
    stored = 0
    for seed in range(1, 6):
        rng = random.Random(seed)
        child = crawl_child(url, db_path)
        try:
            target = stored + rng.randint(1, 6)
            wait_for(lambda: stored_articles(db_path) >= target, child)  # noqa: B023
            time.sleep(rng.random() * site.delay)
        finally:
            kill(child)
        if seed > 1:
            assert "did not end cleanly" in child.stderr_text  # took over the stale lock
        killed_at = check_whole(db_path)  # whole: integrity, full-text index, no orphans
        assert target <= killed_at < len(ARTICLES)
        assert str(child.pid) in Path(f"{db_path}.lock").read_text()  # a stale lock
        health = CliRunner().invoke(cli, ["health", "--db", str(db_path), "--json"])
        assert health.exception is None or isinstance(health.exception, SystemExit)
        assert json.loads(health.stdout)["portals"]  # the unfinished run is reported
        stored = killed_at

    site.delay = 0.0
    result = run_cli("crawl", "tangselpos", "--mirror", url, "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "did not end cleanly" in result.stderr
    assert_complete(db_path)
    conn = sqlite3.connect(db_path)
    runs = conn.execute("SELECT finished_at, new FROM crawl_runs ORDER BY id").fetchall()
    conn.close()
    assert [r[0] for r in runs[:5]] == [None] * 5  # the killed runs never finished
    assert runs[5][1] == len(ARTICLES) - stored


@pytest.fixture(scope="module")
def complete_archive(slow_site, tmp_path_factory) -> Path:
    site, url = slow_site
    site.delay = 0.0
    db_path = tmp_path_factory.mktemp("complete") / "news.db"
    result = run_cli("crawl", "tangselpos", "--mirror", url, "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert_complete(db_path)
    return db_path


def test_reextract_killed_then_rerun(complete_archive, tmp_path):
    db_path = copy_archive(complete_archive, tmp_path / "news.db")
    conn = sqlite3.connect(db_path)
    with conn:  # as if an older extractor had read every title wrong
        conn.execute("UPDATE articles SET title = 'Judul lama ' || id")
    conn.close()
    child = subprocess.Popen(
        [str(ARSIP), "reextract", "--db", str(db_path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:  # killed in the middle of its write transaction
        wait_for(lambda: writing(db_path), child, poll=0.002)
        time.sleep(random.Random(7).random() * 0.01)
    finally:
        kill(child)
    assert check_whole(db_path) == len(ARTICLES)
    # Killed before its last commit: some titles are still the old ones...
    assert count(db_path, "SELECT count(*) FROM articles WHERE title LIKE 'Judul lama %'") > 0
    # ...and each article is either still as it was or wholly re-read (revision kept).
    assert count(db_path, "SELECT count(*) FROM articles WHERE title LIKE 'Judul lama %'"
                 " AND revision != 1") == 0  # fmt: skip
    assert count(db_path, "SELECT count(*) FROM articles WHERE title NOT LIKE 'Judul lama %'"
                 " AND revision != 2") == 0  # fmt: skip

    result = run_cli("reextract", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert check_whole(db_path) == len(ARTICLES)
    assert count(db_path, "SELECT count(*) FROM articles WHERE title LIKE 'Judul lama %'") == 0
    # Every article read wrong once has exactly one earlier revision: the wrong one.
    assert count(db_path, "SELECT count(*) FROM article_revisions") == len(ARTICLES)
    assert count(db_path, "SELECT max(revision) FROM articles") == 2


def test_export_killed_leaves_no_file_under_its_name(complete_archive, tmp_path):
    db_path = copy_archive(complete_archive, tmp_path / "news.db")
    conn = sqlite3.connect(db_path)
    with conn:  # enough rows (20,000 short ones) that the export takes a while
        conn.execute("DROP TRIGGER IF EXISTS articles_ai")  # not searched here
        conn.execute(
            "INSERT INTO articles (url, portal, title, body, revision, first_seen_at,"
            " last_seen_at) SELECT a.url || '?copy=' || n.value, a.portal, a.title,"
            " substr(a.body, 1, 300), 1, a.first_seen_at, a.last_seen_at FROM articles a,"
            " (WITH RECURSIVE c(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM c"
            f"  WHERE value < {COPIES}) SELECT value FROM c) n"
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = file_digest(db_path)
    output = tmp_path / "out" / "articles.jsonl"
    output.parent.mkdir()
    partial = output.with_name(output.name + ".part")
    child = subprocess.Popen(
        [str(ARSIP), "export", "--format", "jsonl", "-o", str(output), "--db", str(db_path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(lambda: partial.exists() and partial.stat().st_size > 256 * 1024, child)
    finally:
        kill(child)
    assert not output.exists()  # never a half file under the name asked for
    assert file_digest(db_path) == before  # the archive untouched

    result = run_cli("export", "--format", "jsonl", "-o", str(output), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    lines = output.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(ARTICLES) * (COPIES + 1)
    assert not partial.exists()


def test_full_disk_stops_the_crawl_with_the_archive_intact(complete_archive, slow_site, tmp_path):
    _, url = slow_site
    full_size = count(complete_archive, "PRAGMA page_count")
    db_path = tmp_path / "news.db"
    # Room for about half the archive: the disk fills half-way through the crawl.
    cap = {"ARSIP_MAX_DB_PAGES": str(full_size // 2)}
    result = run_cli("crawl", "tangselpos", "--mirror", url, "--db", str(db_path), env=cap)
    assert result.returncode == 4, result.stderr
    assert "cannot be written (database or disk is full)" in result.stderr
    assert "the articles stored before are intact" in result.stderr
    assert "Traceback" not in result.stderr
    stored = check_whole(db_path)
    assert 0 < stored < len(ARTICLES)
    assert count(db_path, "PRAGMA page_count") <= full_size // 2

    # Room again (the operator freed the disk): the next run completes the archive.
    result = run_cli("crawl", "tangselpos", "--mirror", url, "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert_complete(db_path)
    assert os.path.getsize(db_path) > 0
