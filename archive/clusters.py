"""Near-duplicate clusters as an analyst asks about them: which portals ran this text,
and when, and who ran it first."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from archive.search import booleans


def largest_clusters(
    db: sqlite_utils.Database, *, min_portals: int = 1, limit: int | None = 20
) -> list[dict[str, Any]]:
    """The largest near-duplicate clusters (most articles first), each a dict:
    ``cluster_id`` (the id of its earliest article), ``size``, ``portals`` (names, sorted),
    ``first_published_at`` and ``last_published_at`` (UTC ISO 8601, None when no member
    has a date), ``earliest`` (the first article: ``id``, ``url``, ``portal``, ``title``,
    ``published_at``, ``published_local``, ``published_has_time``) and ``articles``
    (every member, earliest first, same keys plus ``duplicate_of``, the id of the
    article it is an exact copy of)."""
    from archive import counts

    if counts.clusters_kept(db):  # the sizes kept by triggers, largest first by index
        clusters = db.execute(
            f"SELECT cluster_id, size FROM {counts.CLUSTER_TABLE} WHERE portals >= ?"
            " ORDER BY size DESC, portals DESC, cluster_id LIMIT ?",
            [min_portals, -1 if limit is None else limit],
        ).fetchall()
    else:  # an archive of an older arsip, opened only for reading
        clusters = db.execute(
            """
            SELECT cluster_id, count(*) AS size, count(DISTINCT portal) AS portal_count
            FROM articles WHERE cluster_id IS NOT NULL
            GROUP BY cluster_id HAVING portal_count >= ?
            ORDER BY size DESC, portal_count DESC, cluster_id
            LIMIT ?
            """,
            [min_portals, -1 if limit is None else limit],
        ).fetchall()
    result = []
    for cluster_id, size, *_ in clusters:
        articles = [
            booleans(row)
            for row in db.query(
                "SELECT id, url, portal, title, published_at, published_local,"
                " published_has_time, duplicate_of FROM articles"
                " WHERE cluster_id = ? ORDER BY published_at IS NULL, published_at, id",
                [cluster_id],
            )
        ]
        dated = [a["published_at"] for a in articles if a["published_at"] is not None]
        result.append(
            {
                "cluster_id": cluster_id,
                "size": size,
                "portals": sorted({a["portal"] for a in articles}),
                "first_published_at": min(dated, default=None),
                "last_published_at": max(dated, default=None),
                "earliest": {k: v for k, v in articles[0].items() if k != "duplicate_of"},
                "articles": articles,
            }
        )
    return result
