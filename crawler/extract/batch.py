"""Extraction of saved pages: one file, or a JSON-lines manifest of many."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from archive.times import utc_now
from crawler.extract import extract_article

logger = logging.getLogger(__name__)

# Fields printed per manifest line, in this order.
BATCH_FIELDS = ("title", "published_at", "authors", "section", "dateline", "body")


def extract_file(path: Path, url: str, *, fetched_at: str | None = None) -> dict[str, Any]:
    """The Article of one saved page, as a plain dict."""
    article = extract_article(path.read_bytes(), url, fetched_at=fetched_at or utc_now())
    return article.to_record()


def extract_manifest(manifest: Path, *, fetched_at: str | None = None) -> Iterator[dict[str, Any]]:
    """One dict per manifest line, in order; a page that fails gets ``error`` and the
    others go on. ``published_at`` is given with its offset (local time)."""
    base = manifest.parent
    with manifest.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            entry: dict[str, Any] = {}
            try:
                entry = json.loads(line)
                record = extract_file(base / entry["path"], entry["url"], fetched_at=fetched_at)
                out = {"id": entry.get("id"), "url": entry["url"]}
                out.update({name: record.get(name) for name in BATCH_FIELDS})
                out["published_at"] = record.get("published_local") or record.get("published_at")
                yield out
            except Exception as error:  # one bad page must not stop the batch
                logger.warning("manifest line %d failed: %s", number, error)
                yield {
                    "id": entry.get("id"),
                    "url": entry.get("url"),
                    **{name: None for name in BATCH_FIELDS},
                    "authors": [],
                    "error": f"{type(error).__name__}: {error}",
                }
