"""What the archive remembers of a portal's child sitemaps (the ``sitemaps`` table,
migration m008), so that a repeated run reads only the children of a sitemap index
whose ``<lastmod>`` moved.

A WordPress portal of 50,000 posts lists about 50 ``post-sitemapN.xml`` children in its
index; new posts change only the newest one or two. The crawler remembers a child's
index ``lastmod`` only when it read the child completely in a run that ended
``finished`` (every article the child lists archived or already known: see
``crawler.spiders.portal``), so a child read by a killed, cut or failed run is read
again by the next one and no article it lists is lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archive.db import open_db, read_if_present
from archive.known import parse_utc


@dataclass(frozen=True)
class RememberedSitemap:
    lastmod: datetime
    """The child's ``<lastmod>`` in the index when it was last read completely (UTC)."""
    read_at: datetime
    """When that read was remembered: the end of its run (UTC). Every article the child
    listed then was first archived no later than this."""


def _utc_text(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def remembered_sitemaps(db_path: str | Path, portal: str) -> dict[str, RememberedSitemap]:
    """Child sitemap URL -> what was remembered of it, for ``portal`` (empty for an
    archive that does not exist yet or predates the table). One small read at the start
    of a run: a portal has tens of children, not thousands."""
    found = read_if_present(
        db_path, "SELECT url, lastmod, read_at FROM sitemaps WHERE portal = ?", [portal]
    )
    return {url: RememberedSitemap(parse_utc(lm), parse_utc(at)) for url, lm, at in found}


def remember_sitemaps(
    db_path: str | Path,
    portal: str,
    children: Iterable[tuple[str, datetime]],
    *,
    run_id: int | None = None,
    read_at: datetime | None = None,
) -> int:
    """Remember the (child URL, index lastmod) pairs read completely by run ``run_id``
    of ``portal``, in one transaction (all or none). ``read_at`` defaults to now.
    Returns the number of children written."""
    stamp = (read_at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = [(portal, url, _utc_text(lastmod), stamp, run_id) for url, lastmod in children]
    if not rows:
        return 0
    db = open_db(db_path)
    try:
        with db.atomic():  # one transaction: committed whole or rolled back
            db.conn.executemany(
                "INSERT INTO sitemaps (portal, url, lastmod, read_at, crawl_run_id)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (portal, url) DO UPDATE SET"
                " lastmod = excluded.lastmod, read_at = excluded.read_at,"
                " crawl_run_id = excluded.crawl_run_id",
                rows,
            )
    finally:
        db.close()
    return len(rows)
