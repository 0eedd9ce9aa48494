"""Crawl extensions: the run log's field coverage and body rule.

``RunLogStats`` counts, for every article page read in a run (stored or dropped), which
fields it yielded, into the crawl stats (``arsip/coverage/seen``, ``.../title``,
``.../date``, ``.../body`` for more than 50 words, ``.../author``). The store pipeline
writes them into ``crawl_runs``; ``arsip health`` watches them, because a field whose
coverage falls is the usual sign of a template change on the portal.

It also counts, for a portal with a body rule of its own (a body selector, or a markup
family's container: ``crawler.extract.body.body_rule``), the pages with a body that
rule read (``arsip/body_rule/matched``) and those it found nothing on, whose body the
generic readers read (``arsip/body_rule/missed``). A template change that renames the
body's container costs no article (the generic readers read it) and so shows in no
coverage: a missed rule is logged as a warning at the end of the run, and ``arsip
health`` flags it (``body_rule_missed``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.extract.body import body_rule

logger = logging.getLogger(__name__)

BODY_MIN_WORDS = 50


class RunLogStats:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunLogStats:
        return cls(crawler)

    def item_scraped(self, item: Any, **kwargs: Any) -> None:
        self._count(item)

    def item_dropped(self, item: Any, **kwargs: Any) -> None:
        self._count(item)

    def _count(self, item: Any) -> None:
        if self.stats is None or getattr(item, "not_html", None):
            return  # an answer that is no HTML page is no article page read
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
        rule = body_rule(self._portal())
        source = getattr(item, "body_source", None)
        if rule and body and source:
            self.stats.inc_value(f"arsip/body_rule/{'matched' if source == rule else 'missed'}")

    def _portal(self) -> Any:
        return getattr(self.crawler.spider, "portal", None)

    def spider_closed(self, spider: Any, reason: str) -> None:
        """One warning per run when the portal's body rule missed pages."""
        if self.stats is None:
            return
        missed = int(self.stats.get_value("arsip/body_rule/missed", 0))
        if not missed:
            return
        portal = self._portal()
        rule = (
            f"body selector {portal.selectors.body!r}"
            if body_rule(portal) == "selector"
            else f"{portal.family} container"
        )
        read = missed + int(self.stats.get_value("arsip/body_rule/matched", 0))
        logger.warning(
            "%s: the %s found no text on %d of %d article pages; the generic readers read "
            "them. Has the portal's template changed? Check its declaration.",
            portal.name, rule, missed, read,
        )  # fmt: skip


class StallWatch:
    """The longest time the crawl's reactor was held up by one piece of work (a
    callback, a store), as ``arsip/longest_stall_ms`` in the run's stats: a tick every
    ``INTERVAL`` seconds, and how late the latest came. Downloads, timeouts and stores
    all wait while the reactor is held; a sitemap's 50,000 entries are weighed in
    slices (``crawler.spiders.sitemaps.SITEMAP_SLICE``) so that it never is for long."""

    INTERVAL = 0.1

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.worst = 0.0
        self.last = 0.0
        self.loop: Any = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StallWatch:
        return cls(crawler)

    def spider_opened(self, spider: Any) -> None:
        from twisted.internet.task import LoopingCall

        self.last = time.monotonic()
        self.loop = LoopingCall(self.tick)
        self.loop.start(self.INTERVAL, now=False)

    def tick(self) -> None:
        now = time.monotonic()
        self.worst = max(self.worst, now - self.last - self.INTERVAL)
        self.last = now

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.stats:
            self.stats.set_value("arsip/longest_stall_ms", round(self.worst * 1000))
