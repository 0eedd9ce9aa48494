"""The writer lock, from the sides ``tests/test_writers.py`` does not take: a crawl that
``scrapy crawl`` runs (every job ``arsip dispatch`` schedules) holds it as ``arsip
crawl`` does, and two hard links of one archive (two names, one file) share it. Real
``scrapy crawl`` processes on one archive against the loopback mirror."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import archive
from archive.lock import LockHeld, WriterLock, lock_is_held
from crawler.mirror.server import MirrorServer
from tests.conftest import ROOT, rows, run_cli, start_cli
from tests.test_writers import ARTICLES, GatedSite, imported_lines, wait_for_gate


def scrapy_crawl(server: MirrorServer, db_path: Path, busy_wait: str) -> subprocess.Popen:
    env = {**os.environ, "ARSIP_MIRROR": server.url, "ARSIP_DB": str(db_path),
           "ARSIP_BUSY_WAIT": busy_wait}  # fmt: skip
    return subprocess.Popen(
        [Path(sys.executable).with_name("scrapy"), "crawl", "tangselpos"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_scrapy_crawls_of_one_archive_take_turns(tmp_path):
    """While one ``scrapy crawl`` writes: a second one bounded to 1 s by ARSIP_BUSY_WAIT
    does not start (status 1, the holder named, no run of its own in the archive), ``arsip
    crawl`` refuses (status 3) as for any writer, and a second one allowed to wait longer
    waits, says so, and crawls once the first has ended."""
    db_path = tmp_path / "news.db"
    site = GatedSite()
    with MirrorServer([site], log=None) as server:
        first = scrapy_crawl(server, db_path, "60")
        waiting = None
        try:
            wait_for_gate(site, db_path, first)
            waiting = scrapy_crawl(server, db_path, "60")
            bounded = scrapy_crawl(server, db_path, "1")
            by_arsip = start_cli(
                "crawl", "tangselpos", "--mirror", server.url, "--db", str(db_path)
            )
            _, err = bounded.communicate(timeout=60)
            assert bounded.returncode == 1, err
            assert "another crawl is running on this archive" in err
            assert f"pid {first.pid}" in err
            assert "for more than 1 s (ARSIP_BUSY_WAIT); not crawling" in err
            _, arsip_err = by_arsip.communicate(timeout=60)
            assert by_arsip.returncode == 3, arsip_err
            assert "another crawl is running on this archive" in arsip_err
            assert len(rows(db_path, "SELECT id FROM crawl_runs")) == 1
            assert waiting.poll() is None
        finally:
            site.release.set()
            _, first_err = first.communicate(timeout=60)
            waited_err = waiting.communicate(timeout=60)[1] if waiting else ""
    assert first.returncode == 0, first_err
    assert waiting.returncode == 0, waited_err
    assert "waiting up to 60 s for it to end (ARSIP_BUSY_WAIT)" in waited_err
    runs = rows(db_path, "SELECT finish_reason FROM crawl_runs ORDER BY id")
    assert [r["finish_reason"] for r in runs] == ["finished", "finished"]
    assert rows(db_path, "SELECT count(*) AS n FROM articles")[0]["n"] == len(ARTICLES)


HOLD = """
import sys, time
from archive.lock import WriterLock
with WriterLock(sys.argv[1], command="import"):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_hard_links_of_one_archive_share_its_lock(tmp_path):
    """Two hard links of one archive (one inode, no path from one name to the other):
    while a writer holds the lock through one name, the other name's lock is held too,
    for the API and for ``arsip import`` (status 3, nothing imported); once it ends,
    the other name is free."""
    db_path = tmp_path / "news.db"
    archive.open(db_path).close()  # a new, empty archive
    (tmp_path / "other").mkdir()
    other = tmp_path / "other" / "same.db"
    os.link(db_path, other)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db_path)], cwd=ROOT, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert holder.stdout.readline() == "held\n"
        assert lock_is_held(other)
        with pytest.raises(LockHeld, match="holder unknown"):
            WriterLock(other).acquire(wait=0)
        before = rows(other, "SELECT count(*) AS n FROM articles")[0]["n"]
        refused = run_cli("import", str(imported_lines(tmp_path)), "--db", str(other))
        assert refused.returncode == 3, refused.stderr
        assert rows(other, "SELECT count(*) AS n FROM articles")[0]["n"] == before
    finally:
        holder.communicate("", timeout=30)
    assert holder.returncode == 0
    assert not lock_is_held(other)
    with WriterLock(other, command="import") as lock:
        assert lock.stale is None
    assert not lock_is_held(db_path)


@pytest.mark.parametrize("value", ["-5", "1e9"])
def test_a_busy_wait_out_of_bounds_is_refused_by_arsip_and_scrapy(tmp_path, value):
    """ARSIP_BUSY_WAIT (how long a writer waits for the archive) below 0 or above a day
    is refused before anything is opened: a usage error of ``arsip``, a crawl that
    ``scrapy crawl`` does not start."""
    db_path = tmp_path / "news.db"
    env = {"ARSIP_BUSY_WAIT": value}
    result = run_cli("import", str(imported_lines(tmp_path)), "--db", str(db_path), env=env)
    assert result.returncode == 2
    limit = "is not a number of 0 or more" if value == "-5" else "is more than a day (86400 s)"
    assert f"ARSIP_BUSY_WAIT={value!r} {limit}" in result.stderr
    assert not db_path.exists()
    if value == "-5":
        return  # scrapy crawl reads it through the same check: one value is enough
    scrapy = subprocess.run(
        [Path(sys.executable).with_name("scrapy"), "crawl", "tangselpos"], cwd=ROOT,
        env={**os.environ, **env, "ARSIP_DB": str(db_path), "ARSIP_MIRROR": "http://127.0.0.1:9"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert scrapy.returncode == 1
    assert f"ARSIP_BUSY_WAIT={value!r} {limit}" in scrapy.stderr
    assert scrapy.stderr.rstrip().endswith("; not crawling")
    assert not db_path.exists()
