"""Writing articles into the archive: one row per article, every URL remembered,
history kept.

``Archive.store`` is the only way an article enters the database. It decides, in one
transaction, whether the article is new, unchanged (only ``last_seen_at`` moves), updated
(``revision`` + 1, the previous title and body kept in ``article_revisions``) or a copy
of an article already stored under another URL (``duplicate_of``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.db import open_db
from archive.dedup import canonical_url, content_hash
from archive.runlog import run_log_columns

# Columns copied from an Article record into ``articles``.
ARTICLE_COLUMNS = (
    "url", "portal", "section", "title", "description", "authors", "editor",
    "published_at", "published_local", "published_raw", "published_source",
    "published_has_time", "modified_at", "dateline", "body", "word_count", "tags",
    "image_url", "language", "press_release", "press_release_phrase", "republished_from",
    "content_hash",
)  # fmt: skip
JSON_COLUMNS = {"authors", "tags"}


class Outcome(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    UPDATED = "updated"
    DUPLICATE = "duplicate"
    """New row whose text equals an article stored under another URL."""


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Archive:
    """An open archive file. Use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path | sqlite_utils.Database):
        self.db = path if isinstance(path, sqlite_utils.Database) else open_db(path)

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
    ) -> tuple[Outcome, int]:
        """Store one article record (``Article.to_record()``); returns what happened and
        the article's id. ``fetched_url`` is the URL the page was fetched under, when it
        differs from the article's own (canonical) URL."""
        seen_at = seen_at or record.get("fetched_at") or utc_now()
        row = {col: record.get(col) for col in ARTICLE_COLUMNS}
        for col in JSON_COLUMNS:
            row[col] = json.dumps(row[col] or [], ensure_ascii=False)
        row["press_release"] = int(bool(row["press_release"]))
        if row["published_has_time"] is not None:
            row["published_has_time"] = int(bool(row["published_has_time"]))
        row["content_hash"] = row["content_hash"] or content_hash(row["body"])
        urls = dict.fromkeys(u for u in (record["url"], fetched_url) if u)

        with self.db.atomic():
            article_id = self._find(urls)
            if article_id is None:
                outcome, article_id = self._insert(row, seen_at, run_id)
            else:
                outcome = self._update(article_id, row, seen_at, run_id)
            for url in urls:
                self.db.execute(
                    "INSERT OR IGNORE INTO article_urls (url_key, url, article_id, first_seen_at)"
                    " VALUES (?, ?, ?, ?)",
                    [canonical_url(url), url, article_id, seen_at],
                )
        return outcome, article_id

    def _find(self, urls: Mapping[str, None]) -> int | None:
        for url in urls:
            found = self.db.execute(
                "SELECT article_id FROM article_urls WHERE url_key = ?", [canonical_url(url)]
            ).fetchone()
            if found:
                return int(found[0])
        return None

    def _insert(self, row: dict[str, Any], seen_at: str, run_id: int | None) -> tuple[Outcome, int]:
        original = None
        if row["content_hash"]:
            original = self.db.execute(
                "SELECT id FROM articles WHERE content_hash = ? AND duplicate_of IS NULL"
                " ORDER BY id LIMIT 1",
                [row["content_hash"]],
            ).fetchone()
        values = {
            **row,
            "duplicate_of": original[0] if original else None,
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
        return (Outcome.DUPLICATE if original else Outcome.NEW), int(cursor.lastrowid)

    def _update(
        self, article_id: int, row: dict[str, Any], seen_at: str, run_id: int | None
    ) -> Outcome:
        current = self.db.execute(
            "SELECT title, body, content_hash, revision FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        title, body, old_hash, revision = current
        if title == row["title"] and old_hash == row["content_hash"]:
            self.db.execute(
                "UPDATE articles SET last_seen_at = max(last_seen_at, ?) WHERE id = ?",
                [seen_at, article_id],
            )
            return Outcome.UNCHANGED
        self.db.execute(
            "INSERT INTO article_revisions (article_id, revision, title, body, content_hash,"
            " replaced_at) VALUES (?, ?, ?, ?, ?, ?)",
            [article_id, revision, title, body, old_hash, seen_at],
        )
        # The first URL stays the article's URL; the rest of the row takes the new version.
        values = {k: v for k, v in row.items() if k != "url"}
        values.update(revision=revision + 1, last_seen_at=seen_at, crawl_run_id=run_id)
        assignments = ", ".join(f"{col} = ?" for col in values)
        self.db.execute(
            f"UPDATE articles SET {assignments} WHERE id = ?", [*values.values(), article_id]
        )
        return Outcome.UPDATED

    # -- reading ----------------------------------------------------------------------

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])
