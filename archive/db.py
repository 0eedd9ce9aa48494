"""The archive's SQLite file: connections, their settings and the wait for the write
lock. The schema and its migrations are in ``archive.migrations``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from archive.migrations import apply_migrations


def connect(
    path: str | Path, *, readonly: bool = False, autocommit: bool = False
) -> sqlite3.Connection:
    """A connection to the SQLite file at ``path``: the only place arsip makes one.

    Read-only connections go through a ``file:`` URI with ``mode=ro``, built from the
    resolved path so that a name with ``#``, ``?`` or ``%`` opens that file and no
    other; they neither create the file nor write to it. ``autocommit`` leaves
    transactions to explicit ``BEGIN``/``COMMIT``. ``busy_timeout`` makes a crawl's
    brief commits invisible to the reader or writer waiting on them."""
    if readonly:
        conn = sqlite3.connect(
            Path(path).resolve().as_uri() + "?mode=ro",
            uri=True,
            isolation_level=None if autocommit else "",
        )
    else:
        conn = sqlite3.connect(str(path), isolation_level=None if autocommit else "")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
    return conn


BUSY_TIMEOUT_MS = 10_000
"""How long a statement waits, silently, for a lock another connection holds."""
BUSY_WAIT = 300.0
"""Default of ``ARSIP_BUSY_WAIT``: how long a write transaction waits for another
process that holds the archive's write lock (then it fails as "database is locked")."""
BUSY_WAIT_MAX = 86_400.0
"""The most ``ARSIP_BUSY_WAIT`` may be: a day."""
_BUSY_STEP_MS = 1000

logger = logging.getLogger(__name__)


class ArchiveDatabase(sqlite_utils.Database):
    """``sqlite_utils.Database`` whose ``atomic()`` transactions take SQLite's write
    lock when they begin (``BEGIN IMMEDIATE``), not at their first write.

    A deferred transaction that read before another process committed cannot write
    at all ("database is locked" at once, whatever the busy timeout: its snapshot is
    stale), and a writer that found the archive busy for longer than the busy timeout
    gave up. Here the wait is at the start, where nothing is lost by waiting: up to
    ``ARSIP_BUSY_WAIT`` seconds (logged as a warning when it lasts over a second, and
    when it ends), then the transaction fails as before. arsip's own writers do not
    meet each other (they share ``archive.lock``); this is for any other process that
    writes to the file (the ``sqlite3`` shell, a script), and for an arsip that does
    not take the lock."""

    @contextlib.contextmanager
    def atomic(self) -> Iterator[ArchiveDatabase]:  # type: ignore[override]
        if self.conn.in_transaction:  # nested: a savepoint, as sqlite_utils does it
            with super().atomic():
                yield self
            return
        begin_write(self.conn)
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise


def begin_write(conn: sqlite3.Connection, bound: float | None = None) -> None:
    """``BEGIN IMMEDIATE``, waiting up to ``bound`` seconds (``ARSIP_BUSY_WAIT``) for
    another process's write transaction to end, and saying so when it takes a while."""
    bound = busy_wait() if bound is None else bound
    conn.execute(f"PRAGMA busy_timeout = {min(_BUSY_STEP_MS, int(bound * 1000)):d}")
    started = time.monotonic()
    said = False
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as error:
                waited = time.monotonic() - started
                if not _is_busy(error):
                    raise
                if waited >= bound:
                    raise sqlite3.OperationalError(
                        f"database is locked: another process has been writing to it for "
                        f"more than {bound:g} s (ARSIP_BUSY_WAIT)"
                    ) from None
                if not said:
                    logger.warning(
                        "the archive %s is being written by another process (not an arsip "
                        "command: those take turns); waiting up to %g s for it (ARSIP_BUSY_WAIT)",
                        _file_of(conn), bound,
                    )  # fmt: skip
                    said = True
        if said:
            logger.warning(
                "the archive %s is free again after %.1f s: writing",
                _file_of(conn), time.monotonic() - started,
            )  # fmt: skip
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")


@contextlib.contextmanager
def journals_in_memory(conn: sqlite3.Connection) -> Iterator[None]:
    """SQLite's savepoint and statement journals kept in memory for the block
    (``PRAGMA temp_store = MEMORY``), then the connection's own setting again.

    For a batch of articles each stored under a savepoint of its own: the first change
    an article makes to a page copies the page into the savepoint's journal, which
    SQLite writes to a temporary file past 64 KiB. An import of 20,000 articles wrote
    53 pages an article (2.0 of them the archive's growth), 42 of them to those files;
    in memory, its storing process spent 12.3 s of CPU instead of 13.6. The journal of
    one article's savepoint is a few hundred KiB. An article stored in a transaction of
    its own (a crawl's) has statement journals instead: 1.77 ms an article, 1.49 in
    memory. Not for the whole connection: a ``VACUUM`` builds its copy of the archive
    in the temporary store. (Changing the setting drops the connection's TEMP tables;
    arsip makes none.)"""
    if conn.in_transaction:  # a batch inside another transaction: its setting stands
        yield
        return
    (before,) = conn.execute("PRAGMA temp_store").fetchone()
    conn.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA temp_store = {int(before):d}")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error)


def _file_of(conn: sqlite3.Connection) -> str:
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return file or "(memory)"
    return "?"


def busy_wait() -> float:
    """``ARSIP_BUSY_WAIT``: seconds a write waits for another process's write
    transaction (default ``BUSY_WAIT``); a ValueError naming it when it is not a
    number of 0 or more, or is more than ``BUSY_WAIT_MAX`` (``arsip`` checks it before
    any command)."""
    value = os.environ.get("ARSIP_BUSY_WAIT")
    if not value:
        return BUSY_WAIT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise ValueError(f"ARSIP_BUSY_WAIT={value!r} is not a number of 0 or more")
    if seconds > BUSY_WAIT_MAX:
        raise ValueError(
            f"ARSIP_BUSY_WAIT={value!r} is more than a day ({BUSY_WAIT_MAX:g} s): a writer "
            "that holds the archive that long is stuck, not taking its turn"
        )
    return seconds


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (and create or upgrade) an archive for writing. WAL lets readers (search,
    serve) work while a crawl writes; ``busy_timeout`` makes brief lock waits invisible.
    Checks nothing first: ``archive.open`` is the checked way in."""
    # Without sqlite-utils' plugins: arsip uses none, and loading them reads every
    # installed package's entry points (27 ms of every command) and lets any of them
    # change the archive's connection.
    db = ArchiveDatabase(connect(path), execute_plugins=False)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    # A writer's page cache of 32 MiB instead of SQLite's 2,000 pages (8 MiB): storing
    # an article touches the URL, hash and LSH-bucket indexes at random places, and
    # once they outgrow the cache every store re-reads pages (100,000 articles: 1.04 ms
    # per article with the default, 0.71 ms with this).
    db.execute("PRAGMA cache_size = -32768")
    apply_migrations(db)
    if (max_pages := max_db_pages()) is not None:
        db.execute(f"PRAGMA max_page_count = {max_pages:d}")
    return db


def max_db_pages() -> int | None:
    """``ARSIP_MAX_DB_PAGES``: a cap on the archive file's size in pages (4 KiB each);
    writes past it fail as on a full disk ("database or disk is full"). For operators
    with a quota, and for the full-disk tests. None when unset; a ValueError naming it
    when it is not a whole number of 0 or more (``arsip`` checks it before any command)."""
    value = os.environ.get("ARSIP_MAX_DB_PAGES")
    if not value:
        return None
    if not value.strip().isdigit():
        raise ValueError(f"ARSIP_MAX_DB_PAGES={value!r} is not a whole number of 0 or more")
    return int(value)
