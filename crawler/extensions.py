"""Crawl extensions: the run log's field coverage.

``RunLogStats`` counts, for every article page read in a run (stored or dropped), which
fields it yielded, into the crawl stats (``arsip/coverage/seen``, ``.../title``,
``.../date``, ``.../body`` for more than 50 words, ``.../author``). The store pipeline
writes them into ``crawl_runs``; ``arsip health`` watches them, because a field whose
coverage falls is the usual sign of a template change on the portal.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

BODY_MIN_WORDS = 50


class RunLogStats:
    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunLogStats:
        return cls(crawler)

    def item_scraped(self, item: Any, **kwargs: Any) -> None:
        self._count(item)

    def item_dropped(self, item: Any, **kwargs: Any) -> None:
        self._count(item)

    def _count(self, item: Any) -> None:
        if self.stats is None:
            return
        body = getattr(item, "body", None) or ""
        words = getattr(item, "word_count", None) or len(body.split())
        present = {
            "title": bool(getattr(item, "title", None)),
            "date": bool(getattr(item, "published_at", None)),
            "body": words > BODY_MIN_WORDS,
            "author": bool(getattr(item, "authors", None)),
        }
        self.stats.inc_value("arsip/coverage/seen")
        for name, ok in present.items():
            if ok:
                self.stats.inc_value(f"arsip/coverage/{name}")
