"""What the archive remembers of a portal's child sitemaps (the ``sitemaps`` table,
migration m008), so that a repeated run reads only the children of a sitemap index
whose ``<lastmod>`` moved.

A WordPress portal of 50,000 posts lists about 50 ``post-sitemapN.xml`` children in its
index; new posts change only the newest one or two. The crawler remembers a child's
index ``lastmod`` only when it read the child completely in a run that ended
``finished`` (every article the child lists archived or already known: see
``crawler.spiders.portal``), so a child read by a killed, cut or failed run is read
again by the next one and no article it lists is lost.

An index's ``lastmod`` is only as good as the software that writes it: some never move a
child's ``lastmod`` when the child gains posts, or write one date forever. So a
remembered child is read again once ``ARSIP_SITEMAP_RECHECK_DAYS`` have passed since it
was remembered (``recheck_due_at``), whatever its ``lastmod`` says; each child at its own
point of that period, so that the children remembered by one run do not all come due
on one later run, and on every run after it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from archive.times import parse_utc, to_utc_iso


@dataclass(frozen=True)
class RememberedSitemap:
    lastmod: datetime
    """The child's ``<lastmod>`` in the index when it was last read completely (UTC)."""
    read_at: datetime
    """When that read was remembered: the end of its run (UTC). Every article the child
    listed then was first archived no later than this."""


RECHECK_DAYS = 7.0
"""Default of ``ARSIP_SITEMAP_RECHECK_DAYS``: the longest a remembered child goes unread.
A re-read costs one request per child; a portal of 50 children pays about ten a day,
against the 50 a run saved by skipping them (600 a day for a cron run every two
hours). In return an article that the index's ``lastmod`` hides is archived within a
week, the same bound as pages without an article get (``ARSIP_EMPTY_RETRY_DAYS``)."""


def recheck_fraction(url: str) -> float:
    """Where in the recheck period the child at ``url`` comes due: a number in [0.5, 1),
    the same for a URL on every run and machine (a hash of it, not Python's salted
    ``hash``)."""
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest()
    return 0.5 + 0.5 * int.from_bytes(digest, "big") / 2**64


def recheck_due_at(url: str, read_at: datetime, days: float) -> datetime:
    """When the child sitemap at ``url``, remembered at ``read_at``, is read again
    although its index ``lastmod`` has not moved: between half of ``days`` and ``days``
    after ``read_at``, at the child's own fraction (``recheck_fraction``). Children
    remembered by one run thus come due over the second half of the period, and
    since each keeps its own interval, they stay spread after they were re-read
    together. ``days`` of 0 or less: due at once."""
    if days <= 0:
        return read_at
    return read_at + timedelta(days=days * recheck_fraction(url))


def _utc_text(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def remembered_sitemaps(db: sqlite_utils.Database, portal: str) -> dict[str, RememberedSitemap]:
    """Child sitemap URL -> what was remembered of it, for ``portal`` (empty for an
    archive that predates the table). One small read at the start
    of a run: a portal has tens of children, not thousands."""
    found = db.execute(
        "SELECT url, lastmod, read_at FROM sitemaps WHERE portal = ?", [portal]
    ).fetchall()
    return {url: RememberedSitemap(parse_utc(lm), parse_utc(at)) for url, lm, at in found}


def remember_sitemaps(
    db: sqlite_utils.Database,
    portal: str,
    children: Iterable[tuple[str, datetime]],
    *,
    forget: Iterable[str] = (),
    run_id: int | None = None,
    read_at: datetime | None = None,
) -> int:
    """Remember the (child URL, index lastmod) pairs read completely by run ``run_id``
    of ``portal``, and forget the children at the URLs ``forget`` (the next run reads
    them whatever their ``lastmod``), in one transaction (all or none). ``read_at``
    defaults to now. Returns the number of children written."""
    stamp = to_utc_iso(read_at or datetime.now(UTC))
    rows = [(portal, url, _utc_text(lastmod), stamp, run_id) for url, lastmod in children]
    gone = [(portal, url) for url in forget]
    if not rows and not gone:
        return 0
    with db.atomic():  # one transaction: committed whole or rolled back
        db.conn.executemany("DELETE FROM sitemaps WHERE portal = ? AND url = ?", gone)
        db.conn.executemany(
            "INSERT INTO sitemaps (portal, url, lastmod, read_at, crawl_run_id)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (portal, url) DO UPDATE SET"
            " lastmod = excluded.lastmod, read_at = excluded.read_at,"
            " crawl_run_id = excluded.crawl_run_id",
            rows,
        )
    return len(rows)
