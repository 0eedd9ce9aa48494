"""Raw pages kept in the archive (the ``pages`` table): each fetched page's bytes as
received, zlib-compressed, so that ``arsip reextract`` can read them again."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import sqlite_utils

from archive.times import utc_now


class RawPages:
    """The raw-page store of ``archive.writer.ArchiveWriter`` (it needs ``db``)."""

    db: sqlite_utils.Database

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


def page_body(compressed: bytes) -> bytes:
    """The original bytes of a ``pages.body``."""
    return zlib.decompress(compressed)
