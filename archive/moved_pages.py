"""Raw pages moved out of SQLite into WARC files (``arsip pages move``), and read back.

A large archive's raw pages (``pages.body``) are most of its file. ``move_pages``
writes the selected pages as WARC files (``archive.warc.WarcFiles``: same naming,
rotation and CDXJ index as ``arsip export --format warc``), and for each finished file:
fsyncs it and its directory, reads every record it wrote back and checks the payload
against the page's ``body_sha256``, then, in one transaction per file, records where
each page now lives (``page_warc``: the file, relative to the archive's directory when
it is under it, else absolute; the record's offset and length) and clears the page's
body (an empty blob). A move killed at any point leaves every page either in SQLite or
in a verified WARC record with its row: a file being written is ``*.warc.gz.part``
(removed by the next move), and a file written but not yet recorded is left whole and
unused (its pages are moved again).

``page_body_of`` is how every reader gets a page's bytes: from SQLite, or from its
record, with ``MovedPageMissing`` naming the file when it is gone.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.errors import ArchiveError
from archive.pages import page_body, spliced_fields

MOVED = b""
"""``pages.body`` of a page moved to a WARC file (the column is NOT NULL)."""


class MovedPageMissing(ArchiveError):
    """A moved page's WARC file is not where the archive recorded it, or its record
    does not hold the page."""


def archive_dir(db: sqlite_utils.Database) -> Path:
    """The directory of the archive's SQLite file (relative WARC paths are under it)."""
    for _, name, file in db.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file).parent
    return Path.cwd()


WARC_PAGE_COLUMNS = "id, url, fetched_at, status, headers, body, body_crc32, body_sha1, size"
"""The ``pages`` columns ``warc_page`` takes a row of, in its order."""


def warc_page(
    db: sqlite_utils.Database, row: Sequence[Any], *, spliced: bool = True
) -> dict[str, Any]:
    """A ``pages`` row (``WARC_PAGE_COLUMNS``) as ``archive.warc.WarcFiles.write_page``
    takes it: a page kept as raw DEFLATE with its CRC-32 and SHA-1 with its blocks to
    splice (``archive.pages.spliced_fields``; with ``spliced``), any other with its
    bytes (``page_body_of``)."""
    page_id, url, fetched_at, status, headers, stored, crc32, sha1, size = row
    page = {"url": url, "fetched_at": fetched_at, "status": status,
            "headers": json.loads(headers) if headers else {}}  # fmt: skip
    fields = spliced_fields(stored, crc32, sha1, size) if spliced else None
    return {**page, **fields} if fields else {**page, "body": page_body_of(db, page_id, stored)}


def page_body_of(db: sqlite_utils.Database, page_id: int, stored: bytes) -> bytes:
    """A page's original bytes: ``stored`` (its ``pages.body``) decompressed, or, for a
    moved page, its WARC record's payload."""
    if stored != MOVED:
        return page_body(stored)
    row = db.execute(
        "SELECT w.path, w.offset, w.length, p.url, p.body_sha256 FROM page_warc w"
        " JOIN pages p ON p.id = w.page_id WHERE w.page_id = ?",
        [page_id],
    ).fetchone()
    if row is None:
        raise MovedPageMissing(f"page {page_id} has no body and no WARC record recorded")
    path, offset, length, url, sha256 = row
    file = _resolve(db, path)
    try:
        body = read_payload(file, offset, length)
    except FileNotFoundError:
        raise MovedPageMissing(
            f"the WARC file {file} is missing: it holds the raw page {page_id} ({url}), "
            "moved there by arsip pages move; put the file back there",
            file,
        ) from None
    if hashlib.sha256(body).hexdigest() != sha256:
        raise MovedPageMissing(
            f"the WARC file {file} at offset {offset} does not hold the raw page "
            f"{page_id} ({url}): its payload differs from the one moved there",
            file,
        )
    return body


def _resolve(db: sqlite_utils.Database, path: str) -> Path:
    file = Path(path)
    return file if file.is_absolute() else archive_dir(db) / file


def read_payload(file: Path, offset: int, length: int) -> bytes:
    """The payload of the WARC record of ``length`` bytes at ``offset`` of ``file``
    (one gzip member)."""
    from warcio.archiveiterator import ArchiveIterator

    with open(file, "rb") as handle:
        handle.seek(offset)
        raw = handle.read(length)
    for record in ArchiveIterator(BytesIO(raw)):
        return record.content_stream().read()
    raise MovedPageMissing(f"no WARC record at offset {offset} of {file}", file)


def stored_path(file: Path, base: Path) -> str:
    """``file`` as recorded: relative to the archive's directory ``base`` when under
    it, else absolute."""
    file, base = file.resolve(), base.resolve()
    try:
        return str(file.relative_to(base))
    except ValueError:
        return str(file)


# -- status ---------------------------------------------------------------------------


def page_status(db: sqlite_utils.Database) -> dict[str, int]:
    """How many pages, and bytes (as received, uncompressed; and as stored in SQLite,
    compressed), are in SQLite and in WARC files; and the WARC files recorded."""
    in_db = db.execute(
        "SELECT count(*), coalesce(sum(size), 0), coalesce(sum(length(body)), 0) FROM pages"
        " WHERE length(body) > 0"
    ).fetchone()
    in_warc = db.execute(
        "SELECT count(*), coalesce(sum(p.size), 0), coalesce(sum(w.length), 0),"
        " count(DISTINCT w.path) FROM pages p JOIN page_warc w ON w.page_id = p.id"
        " WHERE length(p.body) = 0"
    ).fetchone()
    return {
        "sqlite_pages": in_db[0], "sqlite_bytes": in_db[1], "sqlite_stored_bytes": in_db[2],
        "warc_pages": in_warc[0], "warc_bytes": in_warc[1], "warc_record_bytes": in_warc[2],
        "warc_files": in_warc[3],
    }  # fmt: skip


# -- moving ---------------------------------------------------------------------------


@dataclass
class MoveResult:
    pages: int = 0
    bytes: int = 0
    files: list[Path] = field(default_factory=list)
    index: Path | None = None
    seconds: float = 0.0
    stale_removed: list[Path] = field(default_factory=list)


def candidates_sql(older_than: float | None, portal: str | None) -> tuple[str, list[Any]]:
    """The pages a move selects: still in SQLite, fetched before ``older_than`` days
    ago, of ``portal``'s articles."""
    sql = f"SELECT {WARC_PAGE_COLUMNS}, body_sha256 FROM pages WHERE length(body) > 0"
    params: list[Any] = []
    if older_than is not None:
        cutoff = datetime.now(UTC) - timedelta(days=older_than)
        sql += " AND fetched_at < ?"
        params.append(cutoff.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if portal is not None:
        sql += " AND article_id IN (SELECT id FROM articles WHERE portal = ?)"
        params.append(portal)
    return sql + " ORDER BY id", params


def count_candidates(
    db: sqlite_utils.Database, older_than: float | None = None, portal: str | None = None
) -> int:
    sql, params = candidates_sql(older_than, portal)
    return int(db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])


def move_pages(
    db: sqlite_utils.Database,
    directory: Path,
    *,
    prefix: str,
    is_part_of: str,
    max_size: int | None = None,
    older_than: float | None = None,
    portal: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> MoveResult:
    """Move the selected pages into WARC files in ``directory`` (see the module's
    text); the caller holds the writer lock. Idempotent: moved pages are not selected
    again, and nothing selected writes no file."""
    from archive.warc import DEFAULT_MAX_SIZE, WarcFiles

    started = time.monotonic()
    result = MoveResult()
    directory = Path(directory)
    result.stale_removed = _remove_unfinished(directory, prefix)
    if not count_candidates(db, older_than, portal):
        result.seconds = time.monotonic() - started
        return result
    base = archive_dir(db)
    sql, params = candidates_sql(older_than, portal)
    files = WarcFiles(
        directory, prefix=prefix, is_part_of=is_part_of,
        max_size=max_size or DEFAULT_MAX_SIZE,
        description=f"raw pages moved out of the arsip archive {is_part_of}",
    )  # fmt: skip
    pending: list[tuple[int, str, int, int, int, str]] = []  # id, url, offset, length, size

    def settle() -> None:
        """The file just finished: durable, verified, then recorded and cleared."""
        if not pending:
            return
        file = files.files[len(result.files)]
        _fsync(file)
        _fsync(file.parent)
        for page_id, url, offset, length, _, sha256 in pending:
            body = read_payload(file, offset, length)
            if hashlib.sha256(body).hexdigest() != sha256:
                raise MovedPageMissing(
                    f"{file}: the record written for page {page_id} ({url}) reads back "
                    "different bytes; nothing of this file was moved",
                    file,
                )
        recorded = stored_path(file, base)
        moved_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with db.atomic():
            db.conn.executemany(
                "INSERT OR REPLACE INTO page_warc (page_id, path, offset, length, moved_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [(p[0], recorded, p[2], p[3], moved_at) for p in pending],
            )
            db.conn.executemany(
                "UPDATE pages SET body = ? WHERE id = ?", [(MOVED, p[0]) for p in pending]
            )
        result.pages += len(pending)
        result.bytes += sum(p[4] for p in pending)
        result.files.append(file)
        if progress:
            progress(len(pending))
        pending.clear()

    with files:
        # Read in slices of ids: the SELECT must not stay open across the commits.
        last = 0
        while True:
            rows = db.execute(
                sql.replace(" ORDER BY id", " AND id > ? ORDER BY id LIMIT 500"),
                [*params, last],
            ).fetchall()
            if not rows:
                break
            for row in rows:
                page_id, url, size, sha256 = row[0], row[1], row[-2], row[-1]
                last = page_id
                before = len(files.files)
                # Kept as raw DEFLATE: spliced into its record as it is (archive.warc).
                files.write_page(warc_page(db, row[:-1]))
                if len(files.files) > before and before:  # the previous file is finished
                    settle()
                name, offset, length = files.last_record
                pending.append((page_id, url, offset, length, size, sha256))
    settle()  # the last file, finished by the with
    result.index = files.index_path
    result.seconds = time.monotonic() - started
    return result


def _remove_unfinished(directory: Path, prefix: str) -> list[Path]:
    """The ``.part`` files of a move (or export) killed in this directory: never
    recorded, so never read."""
    if not directory.is_dir():
        return []
    stale = sorted(directory.glob(f"{prefix}-*.warc.gz.part"))
    for path in stale:
        path.unlink()
    return stale


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def moved_files(db: sqlite_utils.Database) -> Iterator[Path]:
    """Every WARC file that holds moved pages, as a path."""
    for (path,) in db.execute("SELECT DISTINCT path FROM page_warc ORDER BY path"):
        yield _resolve(db, path)
