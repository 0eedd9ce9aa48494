"""Reading the archive: search and summaries used by the CLI (and later Datasette)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from archive.db import open_db


def fts_query(text: str) -> str:
    """A user's words as a safe FTS5 query: every word must occur (quoted, so FTS
    operators and punctuation in the input are plain text)."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{w}"' for w in words)


def search_articles(db_path: str | Path, text: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Articles matching every word of ``text``, best first, with a highlighted snippet."""
    query = fts_query(text)
    if not query:
        return []
    db = open_db(db_path, readonly=True)
    try:
        rows = db.execute(
            """
            SELECT a.id, a.url, a.portal, a.section, a.title, a.published_at, a.published_local,
                   snippet(articles_fts, 1, '[', ']', ' … ', 12) AS snippet
            FROM articles_fts
            JOIN articles a ON a.id = articles_fts.rowid
            WHERE articles_fts MATCH ?
            ORDER BY bm25(articles_fts, 5.0, 1.0)
            LIMIT ?
            """,
            [query, limit],
        )
        columns = [c[0] for c in rows.description]
        return [dict(zip(columns, row, strict=True)) for row in rows.fetchall()]
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
        rows = db.execute(
            "SELECT title, published_local, url FROM articles"
            " ORDER BY published_at DESC NULLS LAST LIMIT ?",
            [latest],
        )
        columns = [c[0] for c in rows.description]
        newest = [dict(zip(columns, row, strict=True)) for row in rows.fetchall()]
        return {"articles": total, "per_portal": per_portal, "latest": newest}
    finally:
        db.close()
