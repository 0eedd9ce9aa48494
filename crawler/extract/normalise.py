"""Normalisation: date strings to instants, counts and hashes."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import UTC, datetime

from archive.dedup import content_hash
from crawler.extract.dates import (
    JAKARTA,
    ParsedDate,
    find_body_date,
    parse_date,
    to_local_iso,
    to_utc_iso,
)
from crawler.items import Article

logger = logging.getLogger(__name__)
_WORD = re.compile(r"\w+")


def parse_instant(value: str | None) -> datetime | None:
    """``2025-09-16T02:12:00Z`` (or any ISO 8601 with offset) -> aware datetime."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def publication_date(article: Article, timezone: str = JAKARTA) -> ParsedDate | None:
    """The first date hint that parses, else an in-body day mention
    (``Senin (15/9/2025)``), read against the fetch time."""
    now = parse_instant(article.fetched_at) or datetime.now(UTC)
    for source, raw in article.date_hints:
        parsed = parse_date(raw, tz=timezone, now=now, source=source)
        if parsed:
            return parsed
        logger.debug("date hint %s=%r of %s not understood", source, raw, article.url)
    if article.body:
        return find_body_date(article.body, tz=timezone, reference=now)
    return None


def normalise_article(article: Article, timezone: str = JAKARTA) -> Article:
    """The normalisation stage: published_* fields, modified_at, word count, hash."""
    published = publication_date(article, timezone)
    updates: dict = {
        "word_count": len(_WORD.findall(article.body or "")),
        "content_hash": content_hash(article.body),
    }
    if published:
        updates.update(
            published_at=to_utc_iso(published.value),
            published_local=to_local_iso(published.value, timezone),
            published_raw=published.raw,
            published_source=published.source,
            published_has_time=published.has_time,
        )
    else:
        logger.info("no publication date found for %s", article.url)
    if article.modified_at:
        now = parse_instant(article.fetched_at) or datetime.now(UTC)
        modified = parse_date(article.modified_at, tz=timezone, now=now)
        updates["modified_at"] = to_utc_iso(modified.value) if modified else None
    return replace(article, **updates)
