"""``arsip pages move``: a real crawl's raw pages moved out of SQLite into WARC files,
and read back from there by ``reextract``, ``export --format warc`` and ``arsip pages``;
a move killed (SIGKILL) in the middle, then run again; a WARC file gone missing."""

from __future__ import annotations

import hashlib
import re
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import copy_archive, rows, run_cli, start_cli


@pytest.fixture(scope="module")
def before_and_after(tangselpos_first_crawl, tmp_path_factory):
    """(the crawl's archive, unmoved; its copy with every page moved, the move's output)."""
    home = tmp_path_factory.mktemp("pages-move")
    before = copy_archive(tangselpos_first_crawl, home / "before.db")
    after = copy_archive(tangselpos_first_crawl, home / "news.db")
    result = run_cli("pages", "move", "--to", str(home / "moved"), "--warc-size", "64KB",
                     "--vacuum", "--db", str(after))  # fmt: skip
    assert result.returncode == 0, result.stderr
    return before, after, result.stdout


def payloads(directory: Path) -> dict[tuple[str, str], bytes]:
    """(URL, WARC-Date) -> payload of every response record of the WARC files in
    ``directory``, every digest checked by warcio."""
    found = {}
    for path in sorted(directory.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests=True):
                if record.rec_type != "response":
                    continue
                key = (record.rec_headers["WARC-Target-URI"], record.rec_headers["WARC-Date"])
                found[key] = record.content_stream().read()
                assert record.digest_checker.passed is not False
    return found


def test_move_clears_sqlite_and_records_where_each_page_is(before_and_after):
    before, after, output = before_and_after
    pages = rows(before, "SELECT id, size FROM pages")
    assert len(pages) >= 26
    assert re.match(rf"moved {len(pages)} pages \(.*\) to \d+ WARC files in .* pages/s\)\n"
                    r"vacuum: [\d.]+ KB -> [\d.]+ KB in [\d.]+s\n$", output)  # fmt: skip
    assert rows(after, "SELECT count(*) AS n FROM pages WHERE length(body) > 0") == [{"n": 0}]
    located = rows(after, "SELECT page_id, path, offset, length FROM page_warc ORDER BY page_id")
    assert [r["page_id"] for r in located] == [p["id"] for p in pages]
    # Under the archive's directory: recorded relative to it, so the two move together.
    assert all(r["path"].startswith("moved/") for r in located)
    assert after.stat().st_size < before.stat().st_size  # the vacuum gave the space back
    status = run_cli("pages", "--db", str(after))
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith("in SQLite: 0 pages, 0 bytes")
    assert f"in WARC files: {len(pages)} pages" in status.stdout
    # Moving again moves nothing and writes no file.
    files = sorted((after.parent / "moved").iterdir())
    again = run_cli("pages", "move", "--to", str(after.parent / "moved"), "--db", str(after))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("moved 0 pages")
    assert sorted((after.parent / "moved").iterdir()) == files


def test_reextract_reads_moved_pages_and_gives_the_same_articles(before_and_after, tmp_path):
    before, after, _ = before_and_after
    plain = copy_archive(before, tmp_path / "plain.db")
    moved = copy_archive(after, after.parent / "reextract.db")  # beside its WARC files
    try:
        children = [start_cli("reextract", "--db", str(db)) for db in (plain, moved)]
        (plain_out, _), (moved_out, moved_err) = (c.communicate(timeout=120) for c in children)
        assert [c.returncode for c in children] == [0, 0], moved_err
        assert moved_out == plain_out
        assert re.match(r"reextract: 2\d pages: 0 new", moved_out)
        query = "SELECT url, title, body, published_at, revision FROM articles ORDER BY url"
        assert rows(moved, query) == rows(plain, query)
    finally:
        moved.unlink()


def test_export_after_the_move_holds_the_same_payloads(before_and_after, tmp_path):
    before, after, _ = before_and_after
    for name, db in (("before", before), ("after", after)):
        result = run_cli("export", "--format", "warc", "-o", str(tmp_path / name), "--db", str(db))
        assert result.returncode == 0, result.stderr
    exported_before, exported_after = payloads(tmp_path / "before"), payloads(tmp_path / "after")
    assert len(exported_after) == len(rows(before, "SELECT id FROM pages"))
    assert exported_after == exported_before


def test_a_missing_warc_file_is_named(before_and_after, tmp_path):
    _, after, _ = before_and_after
    elsewhere = copy_archive(after, tmp_path / "news.db")  # its WARC files stayed behind
    first = rows(elsewhere, "SELECT path FROM page_warc ORDER BY page_id LIMIT 1")[0]["path"]
    children = [
        start_cli(*args, "--db", str(elsewhere))
        for args in (("reextract",), ("export", "--format", "warc", "-o", str(tmp_path / "out")))
    ]
    for child in children:
        _, stderr = child.communicate(timeout=120)
        assert child.returncode == 1
        assert f"the WARC file {tmp_path / first} is missing" in stderr
        assert "put the file back" in stderr and "Traceback" not in stderr


def test_a_killed_move_is_run_again_and_loses_no_page(before_and_after, tmp_path):
    """Every page is, at every moment, in SQLite or in a verified WARC record: the move
    is SIGKILLed once files are being recorded, then run again."""
    before, _, _ = before_and_after
    db = copy_archive(before, tmp_path / "news.db")
    conn = sqlite3.connect(db)
    with conn:  # about 600 pages, so that the move lasts long enough to be killed
        for copy in range(8):
            conn.execute(
                "INSERT INTO pages (url, fetched_at, status, headers, body, body_sha256, size,"
                " page_number) SELECT url || '?copy=' || ?, fetched_at, status, headers, body,"
                " body_sha256, size, 1 FROM pages WHERE id <= 67",
                [copy],
            )
    conn.close()
    total = rows(db, "SELECT count(*) AS n FROM pages")[0]["n"]
    warc = tmp_path / "moved"
    child = start_cli("pages", "move", "--to", str(warc), "--warc-size", "48KB", "--db", str(db))
    deadline = time.monotonic() + 60
    while not _moved(db):
        assert child.poll() is None, f"ended before the kill: {child.communicate()}"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL
    moved_then = _moved(db)
    assert 0 < moved_then < total, "the kill came after the move ended"
    _assert_every_page_somewhere(db, total)
    again = run_cli("pages", "move", "--to", str(warc), "--warc-size", "48KB", "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"moved {total - moved_then} pages")
    assert not list(warc.glob("*.part"))
    assert _moved(db) == total
    _assert_every_page_somewhere(db, total)
    shutil.rmtree(warc)


def _moved(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute("SELECT count(*) FROM page_warc").fetchone()[0]
    except sqlite3.OperationalError:  # the table is being created
        return 0
    finally:
        conn.close()


def _assert_every_page_somewhere(db: Path, total: int) -> None:
    """Every page's bytes, from SQLite or from its WARC record, match its digest."""
    import archive

    with archive.open(db, readonly=True) as arch:
        from archive.moved_pages import page_body_of

        checked = 0
        for page_id, body, sha256 in arch.db.execute("SELECT id, body, body_sha256 FROM pages"):
            assert hashlib.sha256(page_body_of(arch.db, page_id, body)).hexdigest() == sha256
            checked += 1
    assert checked == total


def test_a_merge_of_a_shard_with_moved_pages_keeps_them_in_sqlite(before_and_after, tmp_path):
    before, after, _ = before_and_after
    target = tmp_path / "merged.db"
    result = run_cli("merge", str(after), "--into", str(target))
    assert result.returncode == 0, result.stderr
    query = "SELECT url, body_sha256 FROM pages WHERE length(body) > 0 ORDER BY url, body_sha256"
    assert rows(target, query) == rows(before, query)
    total = rows(target, "SELECT count(*) AS n FROM pages")[0]["n"]
    _assert_every_page_somewhere(target, total)


def test_only_the_selected_pages_move(before_and_after, tmp_path):
    before, _, _ = before_and_after
    db = copy_archive(before, tmp_path / "news.db")
    recent = run_cli("pages", "move", "--to", str(tmp_path / "w"), "--older-than", "36500",
                     "--portal", "tangselpos", "--db", str(db))  # fmt: skip
    assert recent.returncode == 0, recent.stderr
    assert recent.stdout.startswith("moved 0 pages") and not (tmp_path / "w").exists()
    assert rows(db, "SELECT count(*) AS n FROM page_warc") == [{"n": 0}]
