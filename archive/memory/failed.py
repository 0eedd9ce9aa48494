"""Article pages a run could not fetch (the ``failed_articles`` table, migration m009),
so that the next run asks for them again by URL.

An article whose request was given up (an error status after the retries, a timeout, a
reset; or a further page of a multi-page article that failed) is not archived. The next
run would find it again only where it is listed, and a repeated run stops paging
listings early (``LISTING_OVERLAP``): an article that failed deep in a listing, and is
in no sitemap the run reads, would never be fetched again. The crawler therefore writes
the URLs it gave up at the end of a run and requests them at the start of the next, up
to ``ARSIP_FAILED_RETRY_RUNS`` runs in a row; an article stored, or a page found without
an article a second time (``archive.memory.empty``), leaves the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlite_utils

from archive.dedup_keys import canonical_url
from archive.times import utc_now


def pending_failures(db: sqlite_utils.Database, portal: str, max_failures: int) -> list[str]:
    """The URLs of ``portal``'s articles given up by earlier runs fewer than
    ``max_failures`` times and not archived since, oldest failure first (empty for an
    archive that predates the table)."""
    found = db.execute(
        "SELECT f.url FROM failed_articles f WHERE f.portal = ? AND f.failures < ?"
        " AND NOT EXISTS (SELECT 1 FROM article_urls u WHERE u.url_key = f.url_key)"
        " ORDER BY f.first_failed_at, f.url",
        [portal, max_failures],
    ).fetchall()
    return [url for (url,) in found]


def record_failures(
    db: sqlite_utils.Database,
    portal: str,
    failed: Mapping[str, str],
    settled: Iterable[str],
    *,
    run_id: int | None = None,
) -> None:
    """In one transaction: each URL of ``failed`` (URL -> what went wrong) counted as
    given up once more, and the ``settled`` canonical URL keys (stored, or found without
    an article a second time) forgotten."""
    stamp = utc_now()
    settled = [(key,) for key in settled]
    if not failed and not settled:
        return
    with db.atomic():
        db.conn.executemany("DELETE FROM failed_articles WHERE url_key = ?", settled)
        db.conn.executemany(
            "INSERT INTO failed_articles (url_key, url, portal, error, first_failed_at,"
            " failed_at, failures, crawl_run_id) VALUES (?, ?, ?, ?, ?, ?, 1, ?)"
            " ON CONFLICT (url_key) DO UPDATE SET url = excluded.url,"
            " error = excluded.error, failed_at = excluded.failed_at,"
            " failures = failures + 1, crawl_run_id = excluded.crawl_run_id",
            [
                (canonical_url(url), url, portal, error, stamp, stamp, run_id)
                for url, error in failed.items()
            ],
        )
