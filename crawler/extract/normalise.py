"""Normalisation: date strings to instants, counts, hashes and place tags."""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, replace
from datetime import UTC, datetime
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

from archive.places.tagger import tag_places
from archive.times import JAKARTA, parse_instant, to_local_iso, to_utc_iso, zone
from crawler.extract.dates import ParsedDate, find_body_date, parse_date
from crawler.items import Article

logger = logging.getLogger(__name__)
_WORD = re.compile(r"\w+")


def _local_iso(value: datetime, timezone: str, keep_page_offset: bool) -> str:
    offset = value.utcoffset()
    if keep_page_offset and offset is not None and not isinstance(value.tzinfo, ZoneInfo):
        return value.astimezone(dt_timezone(offset)).isoformat(timespec="seconds")
    return to_local_iso(value, timezone)


def publication_date(article: Article, timezone: str = JAKARTA) -> ParsedDate | None:
    """The first date hint that parses, else an in-body day mention
    (``Senin (15/9/2025)``), read against the fetch time."""
    now = parse_instant(article.fetched_at) or datetime.now(UTC)
    url_days = {raw[:10] for source, raw in article.date_hints if source == "url"}
    for source, raw in article.date_hints:
        parsed = parse_date(raw, tz=timezone, now=now, source=source)
        if not parsed:
            logger.debug("date hint %s=%r of %s not understood", source, raw, article.url)
            continue
        if source == "byline":  # the date line under the headline: text to the reader
            parsed = replace(parsed, source="text")
        # A page's date line that disagrees with the day in its own URL is some other
        # story's (a sidebar's): the URL wins.
        if parsed.source == "text" and url_days:
            day = parsed.value.astimezone(zone(timezone)).date().isoformat()
            if day not in url_days:
                continue
        return parsed
    if article.body:
        return find_body_date(article.body, tz=timezone, reference=now)
    return None


def normalise_article(
    article: Article, timezone: str = JAKARTA, *, keep_page_offset: bool = False
) -> Article:
    """The normalisation stage: published_* fields, modified_at, word count, and the
    Banten places the article is about (``places``; the archive computes
    ``content_hash`` when it stores the article).

    ``timezone`` is the portal's zone, used for times printed without one and for
    ``published_local``. With ``keep_page_offset`` (pages of no declared portal),
    ``published_local`` keeps a non-UTC offset the page itself gave (``-05:00``), so
    that the local day is the page's own."""
    published = publication_date(article, timezone)
    updates: dict = {
        "word_count": len(_WORD.findall(article.body or "")),
        "places": [
            asdict(tag) for tag in tag_places(article.title, article.dateline, article.body)
        ],
    }
    if published:
        updates.update(
            published_at=to_utc_iso(published.value),
            published_local=_local_iso(published.value, timezone, keep_page_offset),
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
