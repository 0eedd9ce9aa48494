"""``archive.open``: the checked way into an archive file.

Every check runs before anything is written: a file that is not arsip's (another
program's SQLite database, a text file, a damaged one) is refused untouched, with no
table added and its journal mode as it was. Each refusal is an ``ArchiveError`` whose
message names the file (``archive.errors``).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from archive import counts, places
from archive.db import ArchiveDatabase, connect, open_db
from archive.errors import (
    ArchiveError,
    ArchiveMissing,
    ArchiveReadOnly,
    NotAnArchive,
    NotSQLiteFile,
)
from archive.handle import Archive
from archive.migrations import check_not_newer

SQLITE_HEADER = b"SQLite format 3\x00"


def open_archive(
    path: str | Path, *, readonly: bool = False, create: bool = True, upgrade: bool = True
) -> Archive:
    """The archive at ``path``, open.

    ``readonly``: a read-only connection (SQLite ``mode=ro``): safe while a crawl
    writes, never creates, upgrades or writes anything; an archive written by a newer
    arsip can be read. Otherwise the archive is opened for writing: created when
    missing (``create``; an empty file becomes an archive too) and upgraded to this
    arsip's schema (``upgrade``; without it the file is left as it is, for commands
    that only write tables every version has). Upgrading also tags every article again
    when its place tags were made with another gazetteer than the one this arsip ships
    (``archive.places.refresh``; how many: ``Archive.places_retagged``, else None).

    Raises ``ArchiveMissing``, ``NotSQLiteFile``, ``NotAnArchive``, ``NewerArchive``
    (writing only) and ``ArchiveReadOnly`` (writing only), all ``ArchiveError``."""
    path = Path(path)
    if readonly:
        return _open_for_reading(path)
    return _open_for_writing(path, create=create, upgrade=upgrade)


def _open_for_reading(path: Path) -> Archive:
    is_empty_file(path, empty_ok=False)
    if "articles" not in schema(path)[0]:
        raise NotAnArchive(path)
    db = sqlite_utils.Database(connect(path, readonly=True), execute_plugins=False)
    return Archive(path, db, readonly=True)


def _open_for_writing(path: Path, *, create: bool, upgrade: bool) -> Archive:
    if path.exists():
        empty = is_empty_file(path, empty_ok=True)
        if not os.access(path, os.W_OK):
            raise ArchiveReadOnly(path, "the file is read-only")
        _check_directory(path)
        tables, version = (set(), 0) if empty else schema(path)
        if tables and "articles" not in tables:
            raise NotAnArchive(path)
        check_not_newer(version, path)
    elif not create:
        raise ArchiveMissing(path)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ArchiveReadOnly(path, error.strerror or str(error)) from None
        _check_directory(path)
    retagged = None
    try:
        db = (
            open_db(path)
            if upgrade
            else ArchiveDatabase(connect(path, autocommit=True), execute_plugins=False)
        )
        if upgrade:  # tags made with another gazetteer: tagged again, like a migration
            retagged = places.refresh(db)
            counts.repair(db)  # counts whose triggers a tool dropped: counted again
    except sqlite3.DatabaseError as error:
        raise ArchiveError(f"cannot open {path}: {error}", path) from None
    arch = Archive(path, db, readonly=False)
    arch.places_retagged = retagged
    return arch


def _check_directory(path: Path) -> None:
    """SQLite keeps its write-ahead log and shared memory next to the file."""
    directory = path.resolve().parent
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ArchiveReadOnly(path, f"its directory {directory} is read-only")


def is_empty_file(path: Path, *, empty_ok: bool) -> bool:
    """Whether the file at ``path`` is empty (refused unless ``empty_ok``); refuses a
    file that does not start as SQLite files do, without opening it as one."""
    if path.is_dir():
        raise NotSQLiteFile(path, "a directory")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise ArchiveMissing(path) from None
    except OSError as error:
        raise ArchiveError(f"cannot read {path}: {error.strerror or error}", path) from None
    if not head:
        if empty_ok:
            return True
        raise NotSQLiteFile(path, "an empty file")
    if head != SQLITE_HEADER:
        raise NotSQLiteFile(path, "not an SQLite file")
    return False


def schema(path: Path) -> tuple[set[str], int]:
    """The tables and schema version (``user_version``) of the SQLite file at ``path``,
    read without writing anything."""
    try:
        conn = connect(path, readonly=True)
    except sqlite3.DatabaseError as error:
        raise ArchiveError(f"cannot read {path}: {error}", path) from None
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.OperationalError as error:  # e.g. no -shm beside a WAL file
        raise ArchiveError(f"cannot read {path}: {error}", path) from None
    except sqlite3.DatabaseError as error:
        raise NotSQLiteFile(path, f"a damaged SQLite file: {error}") from None
    finally:
        conn.close()
    return tables, version
