"""One writer at a time, whoever writes: ``arsip crawl``, ``import``, ``reextract`` and
``forget`` share the archive's writer lock (``archive.lock``), keyed by the archive's
real file; readers never hold a writer up; and a crawl waits, boundedly and saying so,
for another process that holds SQLite's write lock, instead of dying on "database is
locked". Real processes on one archive, the crawl against the loopback mirror."""

from __future__ import annotations

import select
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from crawler.mirror.server import MirrorServer, Page, Site
from crawler.mirror.tangselpos import article_path, build_site, load_articles
from tests.conftest import ROOT, rows, run_cli, start_cli
from tests.test_crash_crawl import stored_articles
from tests.test_import import write_lines

ARTICLES = load_articles()
GATED = article_path(ARTICLES[-1])


class GatedSite(Site):
    """The sample site, whose article ``GATED`` answers only once ``release`` is set:
    the crawl runs (and holds the writer lock) until the test lets it end."""

    def __init__(self) -> None:
        site = build_site(ARTICLES)
        super().__init__(site.hosts, site.pages)
        self.asked, self.release = threading.Event(), threading.Event()

    def get(self, target: str) -> Page | None:
        if target == GATED:
            self.asked.set()
            self.release.wait(60)
        return super().get(target)


# Another process that writes to the archive without arsip's lock (the sqlite3 shell, a
# script): it holds SQLite's write lock for argv[2] seconds.
FOREIGN_WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE crawl_runs SET mirror = mirror WHERE 0")
print("writing", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def crawl(server: MirrorServer, db: Path, env: dict | None = None) -> subprocess.Popen:
    return start_cli("crawl", "tangselpos", "--mirror", server.url, "--db", str(db), env=env)


def wait_for_gate(site: GatedSite, db_path: Path, process: subprocess.Popen) -> None:
    """Until the crawl has stored every article but the gated one, which it waits for."""
    for _ in range(1200):
        assert process.poll() is None, process.communicate()
        if site.asked.is_set() and stored_articles(db_path) == len(ARTICLES) - 1:
            return
        time.sleep(0.05)
    raise AssertionError("the crawl did not reach the gated article in 60 s")


def imported_lines(tmp_path: Path) -> Path:
    body = " ".join(["Warga Pamulang membersihkan lumpur sisa banjir di rumah mereka."] * 12)
    lines = [
        {"url": f"https://kabar6.com/bersih-bersih-{n}/", "portal": "kabar6",
         "title": f"Kerja Bakti Bersih-bersih Sisa Banjir Pekan {n}", "body": f"{body} {n}",
         "published_at": f"2025-09-1{n}T03:00:00Z"}
        for n in range(3)
    ]  # fmt: skip
    return write_lines(tmp_path / "kabar6.jsonl", lines)


def first_line_with(process, text: str, timeout: float = 60) -> str:
    """What ``process`` wrote to stderr up to and including its first line holding
    ``text`` (fails after ``timeout`` seconds or when the stream ends first)."""
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], deadline - time.monotonic())
        line = process.stderr.readline() if ready else ""
        seen += line
        if text in line:
            return seen
        if not line:
            break
    raise AssertionError(f"no line with {text!r} on stderr: {seen!r}")


def test_import_reextract_and_a_crawl_through_a_symlink_wait_their_turn(tmp_path):
    """While a crawl writes: import and reextract refuse (status 3, nothing done), also
    through a symlink to the archive, and so does a second crawl through the symlink;
    ``import --wait`` imports once the crawl has ended. A reader holding a read
    transaction open all along holds the crawl up in nothing."""
    db_path = tmp_path / "news.db"
    link = tmp_path / "link.db"
    link.symlink_to(db_path)
    source = imported_lines(tmp_path)
    site = GatedSite()
    with MirrorServer([site], log=None) as server:
        running = crawl(server, db_path)
        waiting = None
        reader = None
        try:
            wait_for_gate(site, db_path, running)
            reader = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None)
            reader.execute("BEGIN")
            held_count = reader.execute("SELECT count(*) FROM articles").fetchone()[0]

            refused = run_cli("import", str(source), "--db", str(db_path))
            assert refused.returncode == 3, refused.stderr
            assert "another crawl is running on this archive" in refused.stderr
            assert "nothing imported" in refused.stderr and f"pid {running.pid}" in refused.stderr
            by_link = run_cli("reextract", "--db", str(link))
            assert by_link.returncode == 3, by_link.stderr
            assert "nothing re-extracted" in by_link.stderr
            second = run_cli("crawl", "tangselpos", "--mirror", server.url, "--db", str(link))
            assert second.returncode == 3, second.stderr
            assert "not crawling" in second.stderr

            waiting = start_cli("import", "--wait", str(source), "--db", str(link))
            # It says it waits before the crawl is let go: a slow start cannot pass for a
            # wait, nor let the import begin after the crawl has ended.
            said = first_line_with(waiting, "waiting for it to end")
            assert waiting.poll() is None  # waits for the crawl
            assert not rows(db_path, "SELECT id FROM articles WHERE portal = 'kabar6'")
            # The open read transaction still sees what it saw: a consistent snapshot.
            assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == held_count
        finally:
            if reader is not None:
                reader.close()
            site.release.set()
            out, err = running.communicate(timeout=120)
            if waiting is not None:
                imported, import_err = waiting.communicate(timeout=60)
    assert running.returncode == 0, err
    assert "locked" not in err and "Traceback" not in err
    assert waiting.returncode == 0, import_err
    import_err = said + import_err
    assert "waiting for it to end" in import_err and "another crawl" in import_err
    assert "3 new" in imported
    portals = [r["portal"] for r in rows(db_path, "SELECT portal FROM articles")]
    assert portals.count("tangselpos") == len(ARTICLES) and portals.count("kabar6") == 3
    assert not Path(f"{link}.lock").exists()  # one lock file, beside the real archive


def test_a_crawl_waits_for_a_foreign_writer_and_says_so(tmp_path):
    """A process outside arsip holds SQLite's write lock for 3 s in the middle of a
    crawl: the crawl waits (and says so) and stores every article; with
    ``ARSIP_BUSY_WAIT=1`` the same wait is cut at its bound, and the crawl stops as on
    a full disk (status 4, the articles before intact), with the reason."""
    db_path = tmp_path / "news.db"
    bounded = tmp_path / "bounded.db"
    results = {}
    for path, env, hold in ((db_path, None, 3), (bounded, {"ARSIP_BUSY_WAIT": "1"}, 30)):
        site = GatedSite()
        with MirrorServer([site], log=None) as server:
            running = crawl(server, path, env)
            foreign = None
            try:
                wait_for_gate(site, path, running)
                foreign = subprocess.Popen(
                    [sys.executable, "-c", FOREIGN_WRITER, str(path), str(hold)],
                    cwd=ROOT, stdout=subprocess.PIPE, text=True,
                )  # fmt: skip
                assert foreign.stdout.readline().strip() == "writing"
            finally:
                site.release.set()  # the last article, stored while the other process writes
                results[path] = running.communicate(timeout=120)
                if foreign is not None:  # done in the first case; cut short in the second
                    foreign.terminate()
                    foreign.communicate(timeout=30)
            results[path] += (running.returncode,)

    out, err, status = results[db_path]
    assert status == 0, err
    assert "being written by another process" in err and "waiting up to 300 s" in err
    assert "free again after" in err
    assert "Traceback" not in err
    assert len(rows(db_path, "SELECT id FROM articles")) == len(ARTICLES)

    out, err, status = results[bounded]
    assert status == 4, err
    assert "for more than 1 s (ARSIP_BUSY_WAIT)" in err
    assert "the articles stored before are intact" in err and "Traceback" not in err
    assert len(rows(bounded, "SELECT id FROM articles")) == len(ARTICLES) - 1
    assert rows(bounded, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"


def test_a_bad_busy_wait_is_a_usage_error(tmp_path):
    result = run_cli("search", "banjir", "--db", str(tmp_path / "x.db"),
                     env={"ARSIP_BUSY_WAIT": "lama"})  # fmt: skip
    assert result.returncode == 2
    assert "ARSIP_BUSY_WAIT='lama' is not a number of 0 or more" in result.stderr
