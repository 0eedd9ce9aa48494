"""Article URLs whose page yielded no article: the crawler's memory of pages not worth
fetching on every run (table ``empty_pages``, migration m007).

A portal's article URL rule also matches pages that hold no article: video and gallery
pages, index pages. Their URL never enters ``article_urls`` (nothing is stored), so
without this memory every run would fetch them again. The store pipeline remembers a
page here when it was read (HTTP 200) and extraction found no title or no body; the
spider (``archive.memory.known.KnownArticles.empty``) skips it until the entry is older than
the retry period. A page that later yields an article is stored as usual and forgotten
here. Rows are keyed by canonical URL (``archive.dedup.canonical_url``), like
``article_urls``, so every spelling of a URL finds its row.

A run in which extraction broke (a template change: every page read yields nothing)
remembers its pages like any other. They are not lost: their raw pages are kept, and
``arsip reextract`` with the mended extraction archives them (an archived article's URL
wins over its entry here); with raw pages off, one run with ``ARSIP_EMPTY_RETRY_DAYS=0``
reads them again. Forgetting them instead would make a portal whose only new page in a
run is a video page read it, and fail, on every run.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from archive.dedup_keys import canonical_url


def _keys(urls: Iterable[str]) -> dict[str, str]:
    """Canonical key -> the last spelling given of it."""
    return {canonical_url(url): url for url in urls if url}


def remember_empty(
    db: sqlite_utils.Database,
    urls: Iterable[str],
    *,
    portal: str | None,
    reason: str,
    fetched_at: str,
    run_id: int | None = None,
) -> None:
    """Remember that the page fetched under ``urls`` (the URL requested, those it was
    redirected through) at ``fetched_at`` (UTC, ``YYYY-MM-DDTHH:MM:SSZ``) held no
    article, because of ``reason``. A URL remembered before keeps its ``first_seen_at``
    and counts one more fetch. One transaction."""
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO empty_pages (url_key, url, portal, reason, first_seen_at, fetched_at,"
            " crawl_run_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url_key) DO UPDATE SET"
            " url = excluded.url, portal = excluded.portal, reason = excluded.reason,"
            " fetched_at = max(fetched_at, excluded.fetched_at), fetches = fetches + 1,"
            " crawl_run_id = excluded.crawl_run_id",
            [
                (key, url, portal, reason, fetched_at, fetched_at, run_id)
                for key, url in _keys(urls).items()
            ],
        )


def forget_empty(db: sqlite_utils.Database, urls: Iterable[str]) -> int:
    """Forget ``urls`` (their page now yielded an article); returns the rows removed."""
    keys = list(_keys(urls))
    with db.atomic():
        return sum(
            db.execute("DELETE FROM empty_pages WHERE url_key = ?", [key]).rowcount for key in keys
        )
