"""Reading the archive: the summary ``arsip demo`` prints."""

from __future__ import annotations

from typing import Any

import sqlite_utils


def summary(db: sqlite_utils.Database, latest: int = 5) -> dict[str, Any]:
    """Counts per portal and the latest articles."""
    total = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    per_portal = db.execute(
        "SELECT portal, count(*) FROM articles GROUP BY portal ORDER BY portal"
    ).fetchall()
    newest = list(
        db.query(
            "SELECT title, published_local, published_has_time, url FROM articles"
            " ORDER BY published_at DESC NULLS LAST LIMIT ?",
            [latest],
        )
    )
    return {"articles": total, "per_portal": per_portal, "latest": newest}
