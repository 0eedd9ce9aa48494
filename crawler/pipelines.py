"""The crawl's item pipeline: clean -> normalise -> validate -> store
(``crawler.storing``), in a store process of its own (``crawler.store_process``).

The stages are pure functions of ``crawler.extract`` and calls into ``archive``;
``crawler.extract.extract_article`` runs the same extraction stages outside Scrapy.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from dataclasses import replace

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.reactor import is_asyncio_reactor_installed

from archive.cluster_placement import CRAWL_SHINGLE_CACHE_BYTES
from archive.writer import ArchiveWriter
from crawler.crawl_archive import crawl_archive
from crawler.items import Article
from crawler.store_process import StoreProcess, StoreProcessEnded, answer_logs
from crawler.store_worker import StoreFailed
from crawler.storing import ArticleStore, PortalRules, Stored

logger = logging.getLogger(__name__)


class NoArticle(DropItem):
    """A page that was read and held no article; ``reason`` says what was missing
    (``no title``, ``no body``, ``no title and no body``, ``not HTML (...)``)."""

    def __init__(self, reason: str, url: str):
        self.reason = reason
        super().__init__(f"{reason} in {url}")


ARCHIVE_ERROR = "archive_error"
"""Finish reason of a crawl stopped because the archive could not be written (disk
full, ``ARSIP_MAX_DB_PAGES`` reached, a broken file): ``arsip crawl`` exits 4."""


MOST_WAITING = 16
"""Articles a crawl lets wait for its store process before it pauses (``StorePipeline``)."""


class StorePipeline:
    """Cleans, normalises, checks and stores each article (``crawler.storing``) and
    records the run in ``crawl_runs``. The storing runs in a store process of its own
    (``crawler.store_process``) beside the crawl; with ``ARSIP_STORE_PROCESS`` off, or
    a reactor that is not asyncio's, in the crawl's process (the same archive, slower).

    When a write fails (disk full...), the article's transaction is rolled back, the
    crawl stops (finish reason ``archive_error``, the error in the stat
    ``arsip/archive_error``): fetching more pages that cannot be stored would only cost
    the portal requests. A store process that ends stops the crawl the same way."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.path = None
        self.mirror = crawler.settings.get("ARSIP_MIRROR")
        self.keep_pages = crawler.settings.getbool("ARSIP_KEEP_PAGES", True)
        self.use_process = crawler.settings.getbool("ARSIP_STORE_PROCESS", True)
        self.counts: Counter[str] = Counter()
        self.archive: ArchiveWriter | None = None
        self.process: StoreProcess | None = None
        self.local: ArticleStore | None = None
        self.rules = PortalRules()
        self.run_id: int | None = None
        self.failed = False
        self.waiting = 0
        self.paused = False
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        # The finish reason is known only once the spider has closed.
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    async def open_spider(self) -> None:
        opened = crawl_archive(self.crawler)
        self.path = opened.path
        self.archive = opened.writer(shingle_cache_bytes=CRAWL_SHINGLE_CACHE_BYTES)
        self.run_id = self.archive.start_run(self.crawler.spider.name, self.mirror)
        if self.crawler.stats:  # the spider looks at the run before this one
            self.crawler.stats.set_value("arsip/run_id", self.run_id)
        self.rules = PortalRules.of(getattr(self.crawler.spider, "portal", None))
        if self.use_process and is_asyncio_reactor_installed():
            try:
                self.process = await StoreProcess.shared(
                    self.path, shingle_cache_bytes=CRAWL_SHINGLE_CACHE_BYTES
                )
            except StoreProcessEnded as error:
                logger.warning("%s: storing in the crawl's process", error)
        if self.process is None:
            self.local = ArticleStore(self.archive)
        else:  # this process's connection only reads now: SQLite's default cache
            opened.db.execute("PRAGMA cache_size = -2000")

    async def close_spider(self) -> None:
        if self.process is None:
            return
        await self.process.close()
        if self.process.peak_rss_mb is not None and self.crawler.stats:
            self.crawler.stats.set_value(
                "arsip/store_process_peak_rss_mb", round(self.process.peak_rss_mb, 1)
            )

    def spider_closed(self, spider, reason: str) -> None:
        if self.archive is None or self.run_id is None:
            return
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        try:
            self.archive.finish_run(self.run_id, self.counts, reason, stats)
        except sqlite3.Error as error:  # the run row stays unfinished; articles are whole
            logger.error("archive %s: the run log could not be written: %s", self.path, error)
        self.archive.close()
        self.archive = None
        logger.info("archive %s: %s", self.path, dict(self.counts))

    def item_dropped(self, item, response, exception, **kwargs) -> None:
        self.counts["dropped"] += 1

    def _stop(self, error: str) -> None:
        """The archive cannot be written: say so once and stop the crawl."""
        if self.failed:
            return
        self.failed = True
        logger.critical("archive %s cannot be written (%s): stopping the crawl", self.path, error)
        if self.crawler.stats:
            self.crawler.stats.set_value("arsip/archive_error", error)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=ARCHIVE_ERROR))

    async def process_item(self, item: Article) -> Article:
        if self.failed:
            raise DropItem(f"not stored (the archive cannot be written): {item.url}")
        request = (item, self.rules, self.run_id, self.keep_pages)
        if self.process is None:
            assert self.local is not None
            return self._settled(item, self.local.article(*request))
        self._waiting(+1)
        try:
            stored, logs = await self.process.call("article", *request)
        except StoreProcessEnded as error:
            self._stop(str(error))
            raise DropItem(f"not stored (the archive cannot be written): {item.url}") from None
        finally:
            self._waiting(-1)
        answer_logs(logs)
        if isinstance(stored, StoreFailed):
            raise stored
        return self._settled(item, stored)

    def _waiting(self, change: int) -> None:
        """Backpressure: with more than ``MOST_WAITING`` articles waiting for the store
        process, the crawl sends no new request until half of them are stored (each
        waiting article holds its page, parsed, in memory)."""
        self.waiting += change
        engine = self.crawler.engine
        if engine is None:
            return
        if not engine.paused and self.waiting > MOST_WAITING:
            engine.pause()
            self.paused = True
            self._stat("store_process_waits")
        elif self.paused and self.waiting <= MOST_WAITING // 2:
            engine.unpause()  # the next request goes out as this article's page is done
            self.paused = False

    def _settled(self, item: Article, stored: Stored) -> Article:
        """``item`` as stored (its pages kept on it), or the drop ``stored`` calls for."""
        for key, count in stored.stats.items():
            self._stat(key, count)
        if stored.error is not None:  # whatever was being written was rolled back
            self._stop(stored.error)
        if stored.empty is not None:
            raise NoArticle(stored.empty, item.url)
        if stored.outcome is None or stored.item is None:
            raise DropItem(f"not stored (the archive cannot be written): {item.url}")
        self.counts[stored.outcome] += 1
        self._stat(f"articles/{stored.outcome}")
        return replace(stored.item, raw_page=item.raw_page, following_pages=item.following_pages)

    def _stat(self, key: str, count: int = 1) -> None:
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"arsip/{key}", count)
