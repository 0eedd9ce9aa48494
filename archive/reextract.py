"""Re-running extraction over the raw pages the archive kept, without re-crawling.

Each URL's newest kept page goes through ``crawler.extract.extract_article`` again and
the result through ``Archive.store``: an article whose text comes out the same only
keeps its ``last_seen_at``; a better (or different) reading bumps its ``revision`` and
keeps the previous version; dedup and clusters follow, as for a crawl.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from archive.store import Archive, page_body
from crawler.extract import extract_article
from crawler.guards import RefusedBody, page_text
from crawler.portals import portal_for_url

BATCH = 200  # pages per transaction; each article is still all-or-nothing


def reextract(
    db_path: str | Path,
    *,
    portal: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Counter[str]:
    """Re-extract the newest page of every kept URL (of one portal, when named).
    Returns counts per outcome (``new``, ``updated``, ``unchanged``, ``duplicate``) plus
    ``rejected`` (no title or no body could be read) and ``pages``. ``progress`` is
    called with the number of pages done since its last call."""
    counts: Counter[str] = Counter()
    with Archive(db_path) as archive:
        db = archive.db
        latest = db.execute(
            "SELECT max(id), url FROM pages GROUP BY url ORDER BY max(id)"
        ).fetchall()
        ids = [page_id for page_id, url in latest if portal is None or _portal_name(url) == portal]
        for start in range(0, len(ids), BATCH):
            with db.atomic():
                for page_id in ids[start : start + BATCH]:
                    counts["pages"] += 1
                    counts[_reextract_page(archive, page_id)] += 1
            if progress:
                progress(len(ids[start : start + BATCH]))
    return counts


def _portal_name(url: str) -> str | None:
    found = portal_for_url(url)
    return found.name if found else None


def _reextract_page(archive: Archive, page_id: int) -> str:
    url, fetched_at, body, headers = archive.db.execute(
        "SELECT url, fetched_at, body, headers FROM pages WHERE id = ?", [page_id]
    ).fetchone()
    try:
        # Read the bytes as the crawl did: a mislabelled charset is repaired the same
        # way, so a re-extraction never turns a good text into mojibake.
        page = page_text(page_body(body), json.loads(headers or "{}"))
    except RefusedBody:
        return "rejected"
    article = extract_article(page, url, fetched_at=fetched_at)
    if not article.title or not article.body:
        return "rejected"
    outcome, article_id = archive.store(article.to_record(), seen_at=fetched_at, fetched_url=url)
    archive.db.execute(
        "UPDATE pages SET article_id = ? WHERE id = ? AND article_id IS NULL",
        [article_id, page_id],
    )
    return str(outcome)


def summary_line(counts: Counter[str]) -> str:
    """``reextract: 26 pages: 0 new, 2 updated, 24 unchanged, 0 duplicate, 0 rejected``"""
    return (
        f"reextract: {counts['pages']} pages: {counts['new']} new, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['duplicate']} duplicate, "
        f"{counts['rejected']} rejected"
    )
