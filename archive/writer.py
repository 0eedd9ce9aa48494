"""Writing articles into the archive: one row per article, every URL remembered,
history kept, copies linked, and the run log. Near-copies are placed in their clusters
by ``archive.cluster_placement``, raw pages kept by ``archive.pages``.

``ArchiveWriter.store`` is the only way an article enters the database. It decides, in one
transaction, whether the article is new, unchanged (only ``last_seen_at`` moves), updated
(``revision`` + 1, the previous title and body kept in ``article_revisions``) or a copy
of an article already stored under another URL (``duplicate_of``), places it in its
near-duplicate cluster (``cluster_id``) and keeps its place tags (``archive.places``). ``ArchiveWriter.store_many`` does the same for a
batch in one transaction, each article still all-or-nothing (a savepoint each).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.cluster_placement import ClusterPlacement
from archive.db import journals_in_memory, open_db
from archive.dedup import (
    TextSignature,
    canonical_url,
    text_signature,
)
from archive.memory.runlog import run_log_columns
from archive.pages import RawPages
from archive.places import tags_for, write_tags
from archive.text import valid_record
from archive.times import utc_now

logger = logging.getLogger(__name__)

# Columns copied from an Article record into ``articles``.
ARTICLE_COLUMNS = (
    "url", "portal", "section", "title", "description", "authors", "editor",
    "published_at", "published_local", "published_raw", "published_source",
    "published_has_time", "modified_at", "dateline", "body", "word_count", "tags",
    "image_url", "language", "press_release", "press_release_phrase", "republished_from",
    "content_hash",
)  # fmt: skip
JSON_COLUMNS = {"authors", "tags"}
FIELD_COLUMNS = tuple(
    c for c in ARTICLE_COLUMNS if c not in {"url", "title", "body", "content_hash"}
)
"""The fields besides the title and text: a new reading corrects them in place."""
EMPTY = (None, "", "[]")
"""Values a new reading does not overwrite a stored field with: a source that lacks a
field (an import without sections, a page without its author line) erases nothing."""


def article_row(record: Mapping[str, Any], content_hash: str | None) -> dict[str, Any]:
    """The ``ARTICLE_COLUMNS`` of ``articles`` for a record, as they are stored: lists as
    JSON, flags as 0 or 1."""
    row = {col: record.get(col) for col in ARTICLE_COLUMNS}
    for col in JSON_COLUMNS:
        row[col] = json.dumps(row[col] or [], ensure_ascii=False)
    row["press_release"] = int(bool(row["press_release"]))
    if row["published_has_time"] is not None:
        row["published_has_time"] = int(bool(row["published_has_time"]))
    row["content_hash"] = content_hash
    return row


class Outcome(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    UPDATED = "updated"
    DUPLICATE = "duplicate"
    """New row whose text equals an article stored under another URL."""


@dataclass(frozen=True)
class Entry:
    """One article of a ``store_many`` batch with what ``Archive.store`` takes besides
    the record (see there)."""

    record: Mapping[str, Any]
    seen_at: str | None = None
    fetched_url: str | None = None
    page: Mapping[str, Any] | None = None
    following_pages: Sequence[Mapping[str, Any]] = ()
    also_urls: Sequence[str] = ()
    signature: TextSignature | None = None
    """``text_signature`` of the record's body, when it was computed elsewhere (an
    import's worker processes); ``store_many`` computes it when None, and again when it
    repairs the body (characters that cannot be stored: ``_valid_entry``)."""

    def options(self) -> dict[str, Any]:
        """Everything but the record and its signature, as ``store``'s keyword arguments."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("record", "signature")
        }


PUBLISHED_COLUMNS = ("published_at", "published_local", "published_raw", "published_source",
                     "published_has_time")  # fmt: skip
"""One reading of the publication time: corrected together or not at all."""
EVIDENCE_FIELDS = {*PUBLISHED_COLUMNS, "press_release", "republished_from"}
"""The fields that decide which copy is the original (``archive.originals``)."""


def _corrections(row: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a new reading of an unchanged title and text that differ from the
    stored ones and may replace them: never with an empty value, and the publication
    time as one group, never from a relative date (``2 hari yang lalu`` read later is
    coarser than the reading of the first fetch)."""
    fields = {
        col: row[col]
        for col in FIELD_COLUMNS
        if col not in PUBLISHED_COLUMNS
        and row[col] != stored[col]
        and (col == "press_release" or row[col] not in EMPTY)
    }
    if (
        row["published_at"] not in EMPTY
        and any(row[col] != stored[col] for col in PUBLISHED_COLUMNS)
        and not (row["published_source"] == "relative" and stored["published_at"])
    ):
        fields.update({col: row[col] for col in PUBLISHED_COLUMNS})
    return fields


class ArchiveWriter(ClusterPlacement, RawPages):
    """Writes articles, their URLs and revisions, and the run log into an open archive
    file. Use as a context manager or call ``close()``."""

    def __init__(
        self, path: str | Path | sqlite_utils.Database, *, shingle_cache_bytes: int | None = None
    ):
        """``shingle_cache_bytes``: how much of recent texts' shingle sets to keep
        (``archive.cluster_placement.SHINGLE_CACHE_BYTES`` by default)."""
        ClusterPlacement.__init__(self, shingle_cache_bytes)
        # An archive opened elsewhere (``Archive.writer``) stays open for its owner.
        self._owns_db = not isinstance(path, sqlite_utils.Database)
        self.db = open_db(path) if self._owns_db else path
        # Ids of the articles of the running ``store_many`` batch still to be indexed
        # for search (None outside a batch: the triggers index as rows change).
        self._fts_pending: set[int] | None = None
        self.repaired = 0
        """Articles stored since the writer opened (or its run started) whose texts held
        characters that cannot be stored, replaced (see ``archive.text``)."""

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction for storing through this writer (a savepoint inside one
        already open), SQLite's journals in memory (``archive.db.journals_in_memory``):
        ``store_many`` opens one for its batch, and a caller that writes more with a
        batch in the same transaction (a WARC import's offset, a merge's versions)
        opens it instead, else its articles' savepoint journals go to temporary files.
        Once the outermost one is committed, the recent LSH buckets move when they are
        many (``settle_buckets``)."""
        with journals_in_memory(self.db.conn), self.db.atomic():
            yield
        self.settle_buckets()  # (nothing inside a caller's transaction)

    def close(self) -> None:
        if self._owns_db:
            self.db.close()

    # -- runs -------------------------------------------------------------------------

    def start_run(self, portal: str, mirror: str | None = None) -> int:
        self.repaired = 0
        with self.db.atomic():
            table = self.db["crawl_runs"]
            table.insert({"portal": portal, "started_at": utc_now(), "mirror": mirror})
            return int(table.last_pk)

    def finish_run(self, run_id: int, counts: Mapping[str, int], reason: str, stats: Any) -> None:
        if self.repaired:
            stats = {**stats, "arsip/text_repaired": self.repaired}
        with self.db.atomic():
            self.db["crawl_runs"].update(
                run_id,
                {
                    "finished_at": utc_now(),
                    "finish_reason": reason,
                    **{k: counts.get(k, 0) for k in (*Outcome, "dropped")},
                    "stats": json.dumps(stats, default=str, sort_keys=True),
                    **run_log_columns(stats, reason),
                },
            )

    # -- articles ---------------------------------------------------------------------

    def store(
        self,
        record: Mapping[str, Any],
        *,
        seen_at: str | None = None,
        fetched_url: str | None = None,
        run_id: int | None = None,
        page: Mapping[str, Any] | None = None,
        following_pages: Sequence[Mapping[str, Any]] = (),
        also_urls: Sequence[str] = (),
    ) -> tuple[Outcome, int]:
        """Store one article record (``Article.to_record()``); returns what happened and
        the article's id.

        ``fetched_url`` is the URL the page was fetched under, when it differs from the
        article's own (canonical) URL; both are remembered in ``article_urls``, with
        ``also_urls`` (links that redirected to it). ``page``
        is the raw response to keep with it, ``following_pages`` those of a multi-page
        article's further pages (see ``store_pages``). Everything happens in one
        transaction (a savepoint inside ``store_many``'s batch).

        A record with the stored title and text whose other fields differ corrects them
        in place (``updated``, no new revision; see ``_corrections``).

        Every text of the record is made valid first (``archive.text``): a character
        SQLite cannot store is replaced, never a reason to lose the article."""
        record = self._valid(record)
        signature = text_signature(record.get("body"))
        with journals_in_memory(self.db.conn):
            stored = self._store(
                record,
                signature,
                seen_at=seen_at,
                fetched_url=fetched_url,
                run_id=run_id,
                page=page,
                following_pages=following_pages,
                also_urls=also_urls,
            )
        self.settle_buckets()  # (nothing inside a caller's transaction)
        return stored

    def _store(
        self,
        record: Mapping[str, Any],
        signature: TextSignature,
        *,
        seen_at: str | None = None,
        fetched_url: str | None = None,
        run_id: int | None = None,
        page: Mapping[str, Any] | None = None,
        following_pages: Sequence[Mapping[str, Any]] = (),
        correct_fields: bool = True,
        also_urls: Sequence[str] = (),
    ) -> tuple[Outcome, int]:
        seen_at = seen_at or record.get("fetched_at") or utc_now()
        row = article_row(record, signature.content_hash)
        urls = {u: canonical_url(u) for u in (record["url"], fetched_url) if u}
        # Which article this is, by its own URLs only: a link that redirected here is
        # remembered with it, but never decides it (a redirect can be reused).
        identity = list(urls.values())
        urls.update((u, canonical_url(u)) for u in also_urls if u and u not in urls)

        indexed: list[int] = []  # articles whose search entry this one changes
        with self.db.atomic():
            article_id = self._find(identity)
            if article_id is None:
                outcome, article_id = self._insert(row, signature, seen_at, run_id)
                indexed.append(article_id)
            else:
                outcome = self._update(article_id, row, signature, seen_at, run_id, correct_fields)
                if outcome == Outcome.UPDATED:
                    indexed.append(article_id)
            if outcome != Outcome.UNCHANGED:  # the same title and text keep their places
                write_tags(
                    self.db, article_id, tags_for(record), replacing=outcome == Outcome.UPDATED
                )
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO article_urls (url_key, url, article_id, first_seen_at)"
                " VALUES (?, ?, ?, ?)",
                [(key, url, article_id, seen_at) for url, key in urls.items()],
            )
            if page is not None:
                self.store_pages([page, *following_pages], article_id=article_id, run_id=run_id)
        # Only once the article's savepoint is released: a rolled-back article leaves
        # nothing to index.
        if self._fts_pending is not None:
            self._fts_pending.update(indexed)
        return outcome, article_id

    def store_many(
        self,
        records: Iterable[Mapping[str, Any] | Entry],
        *,
        run_id: int | None = None,
        correct_fields: bool = True,
    ) -> Iterator[tuple[Outcome, int]]:
        """Store a batch of records in one transaction (twice as fast as one commit per
        article); each article is still all-or-nothing. The batch's texts are hashed
        together and indexed for search together at its end. Each item is a record, or
        an ``Entry`` with what ``store`` takes besides it. Yields as ``store`` returns,
        inside the batch's transaction. ``correct_fields`` False: a record whose title
        and text are unchanged leaves the stored article's other fields as they are
        (for readings by other tools; see ``store``)."""
        entries = [self._valid_entry(e if isinstance(e, Entry) else Entry(e)) for e in records]
        signatures = [e.signature or text_signature(e.record.get("body")) for e in entries]
        stored = (
            self._store(e.record, s, run_id=run_id, correct_fields=correct_fields, **e.options())
            for e, s in zip(entries, signatures, strict=True)
        )
        if self._fts_pending is not None:  # nested in a running batch: that one indexes
            yield from stored
            return
        with self.transaction():
            self.db.execute("INSERT INTO fts_deferred (batch) VALUES (1)")
            self._fts_pending = set()
            try:
                yield from stored
                # Indexed in bulk, outside the per-article savepoints (see m004), and in
                # ONE statement: FTS5 also writes its pending data out at the end of
                # every statement that changes it, so a statement per article would
                # leave a tiny index segment each (twice the indexing time).
                self.db.execute(
                    "INSERT INTO articles_fts (rowid, title, body)"
                    " SELECT id, title, body FROM articles"
                    " WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                    [json.dumps(sorted(self._fts_pending))],
                )
                self.db.execute("DELETE FROM fts_deferred")
            finally:
                self._fts_pending = None

    def _valid_entry(self, entry: Entry) -> Entry:
        """The entry with its record valid (``_valid``), and its signature dropped when
        that changed the body it was computed from."""
        valid = self._valid(entry.record)
        if valid is entry.record:
            return entry
        signature = entry.signature
        if signature is not None and valid.get("body") != entry.record.get("body"):
            signature = None
        return replace(entry, record=valid, signature=signature)

    def _valid(self, record: Mapping[str, Any]) -> Mapping[str, Any]:
        """The record with every text valid (``archive.text``); a repair is counted and
        logged with the article's URL."""
        valid, replaced = valid_record(record)
        if replaced:  # (a surrogate pair joined into its character loses nothing)
            self.repaired += 1
            logger.warning(
                "%s: %d character(s) that cannot be stored replaced by U+FFFD",
                valid.get("url"),
                replaced,
            )
        return valid

    def _find(self, url_keys: Iterable[str]) -> int | None:
        for key in url_keys:
            found = self.db.execute(
                "SELECT article_id FROM article_urls WHERE url_key = ?", [key]
            ).fetchone()
            if found:
                return int(found[0])
        return None

    def _original_of(self, digest: str | None, exclude: int | None = None) -> int | None:
        """The first stored article with this text (level 2), if any."""
        if not digest:
            return None
        found = self.db.execute(
            "SELECT id FROM articles WHERE content_hash = ? AND duplicate_of IS NULL"
            " AND id IS NOT ? ORDER BY id LIMIT 1",
            [digest, exclude],
        ).fetchone()
        return int(found[0]) if found else None

    def _insert(
        self, row: dict[str, Any], signature: TextSignature, seen_at: str, run_id: int | None
    ) -> tuple[Outcome, int]:
        original = self._original_of(row["content_hash"])
        values = {
            **row,
            "duplicate_of": original,
            "revision": 1,
            "first_seen_at": seen_at,
            "last_seen_at": seen_at,
            "crawl_run_id": run_id,
        }
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.db.execute(
            f"INSERT INTO articles ({columns}) VALUES ({marks})", list(values.values())
        )
        article_id = int(cursor.lastrowid)
        self._place(article_id, original, signature, row["press_release"])
        return (Outcome.DUPLICATE if original else Outcome.NEW), article_id

    def _update(
        self,
        article_id: int,
        row: dict[str, Any],
        signature: TextSignature,
        seen_at: str,
        run_id: int | None,
        correct_fields: bool = True,
    ) -> Outcome:
        current = self.db.execute(
            f"SELECT title, body, content_hash, revision, {', '.join(FIELD_COLUMNS)}"
            " FROM articles WHERE id = ?",
            [article_id],
        ).fetchone()
        title, body, old_hash, revision = current[:4]
        if title == row["title"] and old_hash == row["content_hash"]:
            fields = (
                _corrections(row, dict(zip(FIELD_COLUMNS, current[4:], strict=True)))
                if correct_fields
                else {}
            )
            if not fields:
                self.db.execute(
                    "UPDATE articles SET last_seen_at = max(last_seen_at, ?) WHERE id = ?",
                    [seen_at, article_id],
                )
                return Outcome.UNCHANGED
            self._correct(article_id, fields, signature, seen_at, run_id)
            return Outcome.UPDATED
        self.db.execute(
            "INSERT INTO article_revisions (article_id, revision, title, body, content_hash,"
            " replaced_at) VALUES (?, ?, ?, ?, ?, ?)",
            [article_id, revision, title, body, old_hash, utc_now()],
        )
        if self._fts_pending is not None and article_id not in self._fts_pending:
            # In a batch the update trigger stands aside: the old entry goes now, the
            # new one with the batch's (see m004).
            self.db.execute(
                "INSERT INTO articles_fts (articles_fts, rowid, title, body)"
                " VALUES ('delete', ?, ?, ?)",
                [article_id, title, body],
            )
        # The first URL stays the article's URL; the rest of the row takes the new version.
        values = {k: v for k, v in row.items() if k != "url"}
        values.update(revision=revision + 1, crawl_run_id=run_id)
        assignments = ", ".join(f"{col} = ?" for col in values)
        self.db.execute(
            f"UPDATE articles SET {assignments}, last_seen_at = max(last_seen_at, ?) WHERE id = ?",
            [*values.values(), seen_at, article_id],
        )
        if old_hash != row["content_hash"]:
            self._unplace(article_id, body)
            original = self._original_of(row["content_hash"], exclude=article_id)
            self.db.execute(
                "UPDATE articles SET duplicate_of = ? WHERE id = ?", [original, article_id]
            )
            self._place(article_id, original, signature, row["press_release"])
        return Outcome.UPDATED

    def _correct(
        self,
        article_id: int,
        fields: dict[str, Any],
        signature: TextSignature,
        seen_at: str,
        run_id: int | None,
    ) -> None:
        """Same title and text, another reading of its other fields (a better date, the
        authors, the section...): they are corrected in place, without a new revision
        (revisions keep titles and texts). A changed press-release flag changes which
        rule joins the article to others, so its cluster is checked again."""
        assignments = ", ".join(f"{col} = ?" for col in fields)
        self.db.execute(
            f"UPDATE articles SET {assignments}, crawl_run_id = ?,"
            " last_seen_at = max(last_seen_at, ?) WHERE id = ?",
            [*fields.values(), run_id, seen_at, article_id],
        )
        if EVIDENCE_FIELDS & fields.keys():
            # Which copy of the text, and which member of the cluster, is the original
            # depends on these: decide both again.
            self._settle_copies(signature.content_hash)
            (cluster,) = self.db.execute(
                "SELECT cluster_id FROM articles WHERE id = ?", [article_id]
            ).fetchone()
            if cluster is not None:
                self._set_cluster(
                    [r[0] for r in self.db.execute(
                        "SELECT id FROM articles WHERE cluster_id = ?", [cluster]
                    )]
                )  # fmt: skip
        if "press_release" not in fields:
            return
        cluster, original = self.db.execute(
            "SELECT cluster_id, duplicate_of FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        if original is not None:  # a copy stays with its original, whatever its flag
            return
        if cluster is not None:
            self._resplit(cluster)
        if signature.buckets:
            matches = self._near_duplicates(article_id, signature, fields["press_release"])
            if matches:
                self._join([article_id, *matches])

    # -- near-duplicate clusters --------------------------------------------------------

    # -- reading ----------------------------------------------------------------------

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])
