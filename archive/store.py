"""Writing articles into the archive: one row per article, every URL remembered,
history kept, copies and near-copies linked, raw pages kept.

``Archive.store`` is the only way an article enters the database. It decides, in one
transaction, whether the article is new, unchanged (only ``last_seen_at`` moves), updated
(``revision`` + 1, the previous title and body kept in ``article_revisions``) or a copy
of an article already stored under another URL (``duplicate_of``), and places it in its
near-duplicate cluster (``cluster_id``). ``Archive.store_many`` does the same for a
batch in one transaction, each article still all-or-nothing (a savepoint each).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import sqlite_utils

from archive.db import open_db
from archive.dedup import (
    TextSignature,
    canonical_url,
    is_near_duplicate,
    lsh_buckets,
    minhash,
    normalised_text,
    text_shingle_ids,
    text_signature,
    text_signatures,
)
from archive.memory.runlog import run_log_columns
from archive.times import utc_now

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

    def options(self) -> dict[str, Any]:
        """Everything but the record, as ``store``'s keyword arguments."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "record"}


PUBLISHED_COLUMNS = ("published_at", "published_local", "published_raw", "published_source",
                     "published_has_time")  # fmt: skip
"""One reading of the publication time: corrected together or not at all."""


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


class Archive:
    """An open archive file. Use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path | sqlite_utils.Database):
        self.db = path if isinstance(path, sqlite_utils.Database) else open_db(path)
        # Ids of the articles of the running ``store_many`` batch still to be indexed
        # for search (None outside a batch: the triggers index as rows change).
        self._fts_pending: set[int] | None = None
        # Shingle sets of recently stored texts by content hash: near-duplicate
        # candidates are mostly recent, and re-reading and re-shingling their bodies is
        # the cost. Keyed by text, not id, so that a rolled-back article leaves nothing
        # wrong behind.
        self._shingles: dict[str, np.ndarray] = {}
        # The LSH buckets of the texts of re-split clusters (see ``_resplit``).
        self._buckets: dict[str, list[tuple[int, int]]] = {}

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- runs -------------------------------------------------------------------------

    def start_run(self, portal: str, mirror: str | None = None) -> int:
        with self.db.atomic():
            table = self.db["crawl_runs"]
            table.insert({"portal": portal, "started_at": utc_now(), "mirror": mirror})
            return int(table.last_pk)

    def finish_run(self, run_id: int, counts: Mapping[str, int], reason: str, stats: Any) -> None:
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
        in place (``updated``, no new revision; see ``_corrections``)."""
        return self._store(
            record,
            text_signature(record.get("body")),
            seen_at=seen_at,
            fetched_url=fetched_url,
            run_id=run_id,
            page=page,
            following_pages=following_pages,
            also_urls=also_urls,
        )

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
        row = {col: record.get(col) for col in ARTICLE_COLUMNS}
        for col in JSON_COLUMNS:
            row[col] = json.dumps(row[col] or [], ensure_ascii=False)
        row["press_release"] = int(bool(row["press_release"]))
        if row["published_has_time"] is not None:
            row["published_has_time"] = int(bool(row["published_has_time"]))
        row["content_hash"] = signature.content_hash
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
        entries = [e if isinstance(e, Entry) else Entry(e) for e in records]
        signatures = text_signatures([e.record.get("body") for e in entries])
        stored = (
            self._store(e.record, s, run_id=run_id, correct_fields=correct_fields, **e.options())
            for e, s in zip(entries, signatures, strict=True)
        )
        if self._fts_pending is not None:  # nested in a running batch: that one indexes
            yield from stored
            return
        with self.db.atomic():
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

    def _place(
        self, article_id: int, original: int | None, signature: TextSignature, press_release: int
    ) -> None:
        """Put a new or changed text into its cluster. An exact copy joins its original's
        cluster and stores no buckets of its own (the original's stand for the text);
        any other text is compared with the articles sharing one of its LSH buckets,
        never with all articles."""
        if original is not None:
            self._join([article_id, original])
            return
        if not signature.buckets:
            return
        matches = self._near_duplicates(article_id, signature, press_release)
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO minhash_bands (band, bucket, article_id) VALUES (?, ?, ?)",
            [(band, bucket, article_id) for band, bucket in signature.buckets],
        )
        self._remember(signature.content_hash, signature.shingles)
        if matches:
            self._join([article_id, *matches])

    def _near_duplicates(
        self, article_id: int, signature: TextSignature, press_release: int
    ) -> list[int]:
        """Candidates from shared buckets, kept when they are near duplicates by
        ``is_near_duplicate`` (the containment rule when both are press releases)."""
        marks = ", ".join("(?, ?)" for _ in signature.buckets)
        found = self.db.execute(
            "SELECT id, content_hash, press_release FROM articles WHERE id IN (SELECT mb.article_id"
            f" FROM minhash_bands mb JOIN (VALUES {marks}) v"
            " ON mb.band = v.column1 AND mb.bucket = v.column2 WHERE mb.article_id != ?)",
            [*(x for pair in signature.buckets for x in pair), article_id],
        ).fetchall()
        matches = []
        for candidate, digest, candidate_release in found:
            other = self._stored_shingles(candidate, digest)
            both = bool(press_release and candidate_release)
            if is_near_duplicate(signature.shingles, other, press_releases=both):
                matches.append(candidate)
        return matches

    def _remember(
        self,
        digest: str | None,
        shingles: np.ndarray,
        buckets: list[tuple[int, int]] | None = None,
    ) -> None:
        """Keep a text's shingle set (and LSH buckets) in the cache of recent texts."""
        if digest is None:
            return
        if len(self._shingles) >= 20_000:  # bounded memory over a long import
            self._shingles.clear()
            self._buckets.clear()
        self._shingles[digest] = shingles
        if buckets is not None:
            self._buckets[digest] = buckets

    def _stored_shingles(self, article_id: int, digest: str | None) -> np.ndarray:
        """The shingle set of a stored article's text: from the cache of recent texts,
        else its body read and shingled again."""
        cached = self._shingles.get(digest) if digest else None
        if cached is not None:
            return cached
        (body,) = self.db.execute("SELECT body FROM articles WHERE id = ?", [article_id]).fetchone()
        return text_shingle_ids(normalised_text(body or ""))

    def _join(self, ids: list[int]) -> None:
        """Merge these articles and every cluster they belong to into one cluster whose
        id is its earliest article (by ``published_at``, then first stored)."""
        marks = ", ".join("?" for _ in ids)
        members = self.db.execute(
            f"SELECT id FROM articles WHERE id IN ({marks}) OR cluster_id IN"
            f" (SELECT cluster_id FROM articles WHERE id IN ({marks}) AND cluster_id IS NOT NULL)",
            [*ids, *ids],
        ).fetchall()
        self._set_cluster([m[0] for m in members])

    def _set_cluster(self, members: list[int]) -> None:
        if len(members) < 2:
            self.db.conn.executemany(
                "UPDATE articles SET cluster_id = NULL WHERE id = ?", [(m,) for m in members]
            )
            return
        marks = ", ".join("?" for _ in members)
        (head,) = self.db.execute(
            f"SELECT id FROM articles WHERE id IN ({marks})"
            " ORDER BY published_at IS NULL, published_at, id LIMIT 1",
            members,
        ).fetchone()
        self.db.execute(
            f"UPDATE articles SET cluster_id = ? WHERE id IN ({marks}) AND cluster_id IS NOT ?",
            [head, *members, head],
        )

    def _unplace(self, article_id: int, old_body: str | None) -> None:
        """Take an article whose text changed out of its cluster and buckets. Copies
        of its old text now point at the first of them, which takes over its buckets.
        The rest of the cluster is split again (``_resplit``): members that were
        joined only through the article's old text part."""
        old = text_signature(old_body)
        self.db.conn.executemany(
            "DELETE FROM minhash_bands WHERE band = ? AND bucket = ? AND article_id = ?",
            [(band, bucket, article_id) for band, bucket in old.buckets],
        )
        copies = [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM articles WHERE duplicate_of = ? ORDER BY id", [article_id]
            ).fetchall()
        ]
        if copies:
            heir = copies[0]
            self.db.execute("UPDATE articles SET duplicate_of = NULL WHERE id = ?", [heir])
            self.db.execute(
                "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", [heir, article_id]
            )
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO minhash_bands (band, bucket, article_id) VALUES (?, ?, ?)",
                [(band, bucket, heir) for band, bucket in old.buckets],
            )
            # The old text stays in the archive, as the heir's: spare re-reading it.
            self._remember(old.content_hash, old.shingles, old.buckets)
        (cluster,) = self.db.execute(
            "SELECT cluster_id FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        if cluster is None:
            return
        self.db.execute("UPDATE articles SET cluster_id = NULL WHERE id = ?", [article_id])
        self._resplit(cluster)

    def _resplit(self, cluster: int) -> None:
        """Split the members left in a cluster into the groups that placement's rules
        still link, single link as ``_place`` joins them: an exact copy to its original;
        two other texts that share an LSH bucket (the candidates placement compares)
        when ``is_near_duplicate`` (the containment rule when both are press releases).
        Only the cluster's members are compared, with each other, never with the rest
        of the archive. Each group of two or more takes its earliest article's id
        (``_set_cluster``); a member left alone leaves the cluster."""
        members = self.db.execute(
            "SELECT id, duplicate_of, content_hash, press_release FROM articles"
            " WHERE cluster_id = ? ORDER BY id",
            [cluster],
        ).fetchall()
        parent = {m[0]: m[0] for m in members}  # union-find over the members' ids

        def root(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        texts: dict[int, tuple[np.ndarray, int]] = {}  # original -> shingles, press_release
        sharing: dict[tuple[int, int], list[int]] = {}  # (band, bucket) -> its texts
        for member, original, digest, press_release in members:
            if original in parent:
                parent[root(member)] = root(original)
                continue
            shingles = self._stored_shingles(member, digest)
            buckets = self._buckets.get(digest) if digest else None
            if buckets is None:
                buckets = lsh_buckets(minhash(shingles)) if len(shingles) else []
                # The next change in this cluster (a re-extraction revises its
                # articles one by one) compares the same texts again.
                self._remember(digest, shingles, buckets)
            texts[member] = (shingles, press_release)
            for key in buckets:
                sharing.setdefault(key, []).append(member)
        # Within a bucket, a text is compared with the groups met before it there until
        # one member of each matches: a cluster that still holds together costs one
        # comparison per text, not one per pair.
        compared: set[tuple[int, int]] = set()  # pairs found apart
        for candidates in sharing.values():  # ids in ascending order
            met: dict[int, list[int]] = {}  # root -> the bucket's texts in its group so far
            for one in candidates:
                group = root(one)
                mine = met.pop(group, [])
                shingles, release = texts[one]
                for other_group in list(met):
                    # Latest first: the texts of a story that changes day by day meet
                    # their neighbours first.
                    for other in reversed(met[other_group]):
                        if (other, one) in compared:
                            continue
                        other_shingles, other_release = texts[other]
                        both = bool(release and other_release)
                        if is_near_duplicate(shingles, other_shingles, press_releases=both):
                            parent[other_group] = group
                            mine += met.pop(other_group)
                            break
                        compared.add((other, one))
                met[group] = [*mine, one]
        groups: dict[int, list[int]] = {}
        for member in parent:
            groups.setdefault(root(member), []).append(member)
        for group in groups.values():
            self._set_cluster(group)

    # -- raw pages --------------------------------------------------------------------

    def store_page(
        self,
        page: Mapping[str, Any],
        *,
        article_id: int | None = None,
        run_id: int | None = None,
        page_number: int = 1,
        first_page_id: int | None = None,
    ) -> int:
        """Keep a fetched page, zlib-compressed. ``page`` has ``url``, ``body`` (bytes as
        received), ``fetched_at`` (UTC ISO 8601), ``status`` and ``headers`` (a mapping of
        names to values). A page already kept with the same bytes under the same URL (and
        at the same ``page_number``) only gets its newer ``fetched_at`` (and its article,
        and the first page it came with); returns the page row's id. ``page_number`` and
        ``first_page_id``: see ``store_pages``."""
        body: bytes = page["body"]
        digest = hashlib.sha256(body).hexdigest()
        fetched_at = page.get("fetched_at") or utc_now()
        with self.db.atomic():
            known = self.db.execute(
                "SELECT id FROM pages WHERE url = ? AND body_sha256 = ? AND page_number = ?"
                " ORDER BY id DESC LIMIT 1",
                [page["url"], digest, page_number],
            ).fetchone()
            if known:
                self.db.execute(
                    "UPDATE pages SET fetched_at = max(fetched_at, ?),"
                    " article_id = coalesce(?, article_id),"
                    " first_page_id = coalesce(?, first_page_id) WHERE id = ?",
                    [fetched_at, article_id, first_page_id, known[0]],
                )
                return int(known[0])
            cursor = self.db.execute(
                "INSERT INTO pages (url, fetched_at, status, headers, body, body_sha256, size,"
                " article_id, crawl_run_id, page_number, first_page_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    page["url"],
                    fetched_at,
                    page.get("status"),
                    json.dumps(dict(page.get("headers") or {}), ensure_ascii=False),
                    zlib.compress(body, 6),
                    digest,
                    len(body),
                    article_id,
                    run_id,
                    page_number,
                    first_page_id,
                ],
            )
            return int(cursor.lastrowid)

    def store_pages(
        self,
        pages: Sequence[Mapping[str, Any]],
        *,
        article_id: int | None = None,
        run_id: int | None = None,
    ) -> int:
        """Keep the pages of one article as fetched, in order (see ``store_page``), in
        one transaction; returns the first page's row id. A multi-page article's further
        pages (page 2 first, or its ``?page=all`` view) get ``page_number`` 2, 3... and
        ``first_page_id`` = the first page's row, which ``arsip reextract`` joins them
        to; a single page is kept as ``store_page`` keeps it."""
        with self.db.atomic():
            first = self.store_page(pages[0], article_id=article_id, run_id=run_id)
            for number, page in enumerate(pages[1:], start=2):
                self.store_page(
                    page,
                    article_id=article_id,
                    run_id=run_id,
                    page_number=number,
                    first_page_id=first,
                )
            return first

    # -- reading ----------------------------------------------------------------------

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])


def page_body(compressed: bytes) -> bytes:
    """The original bytes of a ``pages.body``."""
    return zlib.decompress(compressed)
