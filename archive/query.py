"""Reading the archive: search and summaries used by the CLI (and later Datasette)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.db import open_db
from archive.search import ArticleFilter, search


def search_articles(db_path: str | Path, text: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Articles matching ``text`` (the search language of ``archive.search``), best first,
    with a highlighted snippet."""
    db = open_db(db_path, readonly=True)
    try:
        return search(db, ArticleFilter(query=text), limit=limit)
    finally:
        db.close()


def summary(db_path: str | Path, latest: int = 5) -> dict[str, Any]:
    """Counts per portal and the latest articles."""
    db = open_db(db_path, readonly=True)
    try:
        total = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        per_portal = db.execute(
            "SELECT portal, count(*) FROM articles GROUP BY portal ORDER BY portal"
        ).fetchall()
        newest = list(
            db.query(
                "SELECT title, published_local, url FROM articles"
                " ORDER BY published_at DESC NULLS LAST LIMIT ?",
                [latest],
            )
        )
        return {"articles": total, "per_portal": per_portal, "latest": newest}
    finally:
        db.close()
