"""``archive.open`` on real files: each way a file can fail to be an archive is its own
``ArchiveError``, refused before anything is written to it."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

import pytest

import archive
from archive.lock import LockHeld, lock_is_held
from archive.migrations import MIGRATIONS


def file_digest(path: Path) -> bytes:
    return path.read_bytes()


def test_a_new_archive_is_created_and_read_back(tmp_path):
    path = tmp_path / "news.db"
    with archive.open(path) as arch:
        assert not arch.readonly and arch.count() == 0
    with archive.open(path, readonly=True) as arch:
        assert arch.readonly and arch.count() == 0 and arch.portals() == []


def test_missing_file(tmp_path):
    path = tmp_path / "nothing.db"
    for opening in (dict(readonly=True), dict(create=False)):
        with pytest.raises(archive.ArchiveMissing) as raised:
            archive.open(path, **opening)
        assert str(raised.value) == f"no archive at {path}" and raised.value.path == path
    assert not path.exists()


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"", "an empty file"),
        (b"tanggal,judul\n2025-09-16,Banjir\n" * 50, "not an SQLite file"),
        (bytes(range(256)) * 20, "not an SQLite file"),
    ],
    ids=["zero-byte", "text", "garbage"],
)
def test_not_a_sqlite_file(tmp_path, content, what):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    openings = [dict(readonly=True)] + ([dict()] if content else [])
    for opening in openings:
        with pytest.raises(archive.NotSQLiteFile) as raised:
            archive.open(path, **opening)
        assert str(raised.value) == f"{path} is not an arsip archive ({what})"
        assert isinstance(raised.value, archive.ArchiveError)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_zero_byte_file_opened_for_writing_becomes_an_archive(tmp_path):
    """What SQLite itself does, and what ``arsip import`` into a reserved name expects."""
    path = tmp_path / "reserved.db"
    path.touch()
    with archive.open(path) as arch:
        assert arch.count() == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_a_foreign_sqlite_file_is_left_untouched(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('mine')")
    conn.close()
    before = file_digest(path)
    for opening in (dict(readonly=True), dict(), dict(upgrade=False)):
        with pytest.raises(archive.NotAnArchive, match="not an arsip archive"):
            archive.open(path, **opening)
    assert file_digest(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
    assert tables == ["notes"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_a_newer_archive_is_read_but_not_written(tmp_path):
    path = tmp_path / "news.db"
    archive.open(path).close()
    newer = len(MIGRATIONS) + 1
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")
    conn.close()
    with pytest.raises(archive.NewerArchive) as raised:
        archive.open(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: it was written by a newer arsip")
    assert "upgrade arsip" in message and isinstance(raised.value, archive.ArchiveError)
    with archive.open(path, readonly=True) as arch:
        assert arch.count() == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == newer


def test_a_path_with_url_characters_opens_that_file(tmp_path):
    """``#``, ``?`` and ``%`` mean something in a ``file:`` URI: read-only opens must
    still reach the file so named, not a truncated or decoded name."""
    folder = tmp_path / "arsip #1 ?x=%41"
    folder.mkdir()
    path = folder / "berita #2?%20.db"
    with archive.open(path) as arch:
        arch.db["articles"].insert({"url": "https://a.example.id/1", "portal": "a",
                                    "first_seen_at": "x", "last_seen_at": "x"})  # fmt: skip
        arch.db.conn.commit()
    with archive.open(path, readonly=True) as arch:
        assert arch.count() == 1
    decoy = tmp_path / "arsip "  # where an unencoded URI would stop, at "#"
    assert not decoy.exists()
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".db") == ["berita #2?%20.db"]


def test_a_directory_is_not_an_archive(tmp_path):
    with pytest.raises(archive.NotSQLiteFile, match="a directory"):
        archive.open(tmp_path, readonly=True)


def test_the_crawl_lock_on_an_open_archive(tmp_path):
    path = tmp_path / "news.db"
    with archive.open(path) as arch:
        with arch.lock() as lock:
            assert lock_is_held(path) and lock.path == Path(f"{path}.lock")
            with pytest.raises(LockHeld), archive.open(path).lock(wait=0.1):
                pass
        assert not lock_is_held(path)


def test_a_read_only_handle_refuses_to_write(tmp_path):
    path = tmp_path / "news.db"
    archive.open(path).close()
    with archive.open(path, readonly=True) as arch:
        with pytest.raises(archive.ArchiveError, match="open read-only"):
            arch.writer()
        with pytest.raises(archive.ArchiveError, match="open read-only"):
            arch.forget(portals=["tangselpos"])


# -- permissions ------------------------------------------------------------------------
# Root writes to anything: as root, the checks run in a forked child as ``nobody``.


def open_for_writing_unprivileged(path: Path) -> str:
    """``Kind|message`` of the error opening ``path`` for writing, or ``opened``."""
    if os.geteuid() != 0:
        return _try_open(path)
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's coverage is not collected)
        status = 1
        try:
            os.close(reader)
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            os.write(writer, _try_open(path).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(writer)
    with os.fdopen(reader, "rb") as answer:
        found = answer.read().decode()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return found


NOBODY = 65534


def _try_open(path: Path) -> str:
    try:
        archive.open(path).close()
    except archive.ArchiveError as error:
        return f"{type(error).__name__}|{error}"
    return "opened"


@pytest.fixture
def shared_dir():
    """A directory others can enter (pytest's own are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="arsip-ro-"))
    folder.chmod(0o755)
    yield folder
    for child in folder.iterdir():
        child.chmod(0o644)
        child.unlink()
    folder.chmod(0o755)
    folder.rmdir()


def archive_file(folder: Path, mode: int) -> Path:
    """A closed archive in ``folder`` (no write-ahead log beside it) with ``mode``."""
    path = folder / "news.db"
    archive.open(path).close()
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    path.chmod(mode)
    return path


def test_a_read_only_file(shared_dir):
    path = archive_file(shared_dir, 0o444)
    shared_dir.chmod(0o777)  # the directory is not what stops it
    before = file_digest(path)
    kind, message = open_for_writing_unprivileged(path).split("|")
    assert kind == "ArchiveReadOnly" and message == f"cannot write {path}: the file is read-only"
    assert file_digest(path) == before
    with archive.open(path, readonly=True) as arch:
        assert arch.count() == 0


def test_a_read_only_directory(shared_dir):
    path = archive_file(shared_dir, 0o666)
    shared_dir.chmod(0o555)
    kind, message = open_for_writing_unprivileged(path).split("|")
    assert kind == "ArchiveReadOnly"
    assert message == f"cannot write {path}: its directory {shared_dir.resolve()} is read-only"
    new = shared_dir / "new.db"
    kind, _ = open_for_writing_unprivileged(new).split("|")
    assert kind == "ArchiveReadOnly" and not new.exists()
