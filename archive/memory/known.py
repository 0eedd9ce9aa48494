"""The archive as the crawler's memory: which article URLs are already archived, and
when each article was first seen and last fetched; which were fetched and held no
article (``empty_pages``, see ``archive.memory.empty``).

Incremental crawling asks this for every article link it discovers, so a lookup is one
indexed query on ``article_urls`` (by canonical URL key) joined to ``articles``; nothing
is loaded up front, so an archive of years costs no memory.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from archive.dedup_keys import canonical_url
from archive.times import parse_utc


@dataclass(frozen=True)
class KnownArticle:
    article_id: int
    first_seen_at: datetime
    """When the article was first archived (UTC, aware)."""
    last_seen_at: datetime
    """When its page was last fetched (UTC, aware)."""


@dataclass(frozen=True)
class EmptyPage:
    reason: str
    """What extraction missed (``no body``...)."""
    first_seen_at: datetime
    """When the page was first found without an article (UTC, aware)."""
    fetched_at: datetime
    """When it was last fetched (UTC, aware)."""
    fetches: int = 1
    """How many fetches found no article in it."""

    def state(self, retry_before: datetime | None) -> str:
        """What a run does when it meets the page again, if no sitemap lastmod or
        ``--refresh-days`` calls for it: ``unconfirmed`` (found empty once, which may have
        been a passing fault such as an error page served with 200: read once more),
        ``due`` (last fetched before ``retry_before``, i.e. ``ARSIP_EMPTY_RETRY_DAYS``
        ago: read again; None: always), or ``skipped``. The crawler and ``arsip memory``
        both ask this, so that what memory shows is what the next run does."""
        if self.fetches < 2:
            return "unconfirmed"
        if retry_before is None or self.fetched_at < retry_before:
            return "due"
        return "skipped"


class KnownArticles:
    """What the open archive ``db`` knows of article URLs (an archive without articles'
    URLs yet knows nothing); it only reads."""

    def __init__(self, db: sqlite_utils.Database):
        self.db: sqlite_utils.Database | None = db
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection | None:
        if self._conn is None and self.db is not None:
            conn = self.db.conn
            if not conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'article_urls'"
            ).fetchone():
                return None
            self._conn = conn
        return self._conn

    def get(self, url: str) -> KnownArticle | None:
        conn = self._connection()
        if conn is None:
            return None
        row = conn.execute(
            "SELECT a.id, a.first_seen_at, a.last_seen_at FROM article_urls u"
            " JOIN articles a ON a.id = u.article_id WHERE u.url_key = ?",
            [canonical_url(url)],
        ).fetchone()
        if row is None:
            return None
        return KnownArticle(int(row[0]), parse_utc(row[1]), parse_utc(row[2]))

    def empty(self, url: str) -> EmptyPage | None:
        """The page at ``url`` as last fetched, when it held no article; None when it is
        not remembered (or the archive predates ``empty_pages``)."""
        conn = self._connection()
        if conn is None:
            return None
        try:
            row = conn.execute(
                "SELECT reason, first_seen_at, fetched_at, fetches FROM empty_pages"
                " WHERE url_key = ?",
                [canonical_url(url)],
            ).fetchone()
        except sqlite3.OperationalError:  # an archive older than migration m007
            return None
        if row is None:
            return None
        return EmptyPage(row[0], parse_utc(row[1]), parse_utc(row[2]), int(row[3]))

    def close(self) -> None:
        """Stop reading (the archive stays open for its owner)."""
        self.db = None
        self._conn = None
