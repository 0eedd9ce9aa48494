"""Item pipelines: clean -> normalise -> validate -> store.

Each stage is a thin wrapper over a pure function of ``crawler.extract`` or a call into
``archive``; ``crawler.extract.extract_article`` runs the same stages outside Scrapy.
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

from archive.cluster_placement import CRAWL_SHINGLE_CACHE_BYTES
from archive.dedup import canonical_url
from archive.memory.empty import forget_empty, remember_empty
from archive.times import utc_now
from archive.writer import ArchiveWriter
from crawler.canonical import NOT_ARCHIVED, canonical_collision
from crawler.crawl_archive import crawl_archive
from crawler.extract.clean import clean_article
from crawler.extract.normalise import normalise_article
from crawler.items import Article

logger = logging.getLogger(__name__)


class _PortalStage:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    @property
    def portal(self):
        return getattr(self.crawler.spider, "portal", None)


class CleanPipeline(_PortalStage):
    """Boilerplate out of title and body; credits, dateline, press-release flag in."""

    def process_item(self, item: Article) -> Article:
        portal = self.portal
        return clean_article(
            item, portal.site_name if portal else None, portal.cleaning if portal else None
        )


class NormalisePipeline(_PortalStage):
    """Date strings to UTC and local instants; word count and content hash."""

    def process_item(self, item: Article) -> Article:
        return normalise_article(item, self.portal.timezone if self.portal else "Asia/Jakarta")


class NoArticle(DropItem):
    """A page that was read and held no article; ``reason`` says what was missing
    (``no title``, ``no body``, ``no title and no body``)."""

    def __init__(self, reason: str, url: str):
        self.reason = reason
        super().__init__(f"{reason} in {url}")


class ValidatePipeline:
    """Articles without a title or a body are not stored (logged with the reason), nor
    answers that are no HTML page (``Article.not_html``)."""

    def process_item(self, item: Article) -> Article:
        if item.not_html:
            raise NoArticle(f"not HTML ({item.not_html})", item.url)
        missing = [name for name in ("title", "body") if not getattr(item, name)]
        if missing:
            raise NoArticle(f"no {' and no '.join(missing)}", item.url)
        return item


ARCHIVE_ERROR = "archive_error"
"""Finish reason of a crawl stopped because the archive could not be written (disk
full, ``ARSIP_MAX_DB_PAGES`` reached, a broken file): ``arsip crawl`` exits 4."""


class StorePipeline:
    """Writes each article into the crawl's archive (``crawler.crawl_archive``; one
    transaction each)
    and records the run in ``crawl_runs``. When a write fails (disk full...), the
    article's transaction is rolled back, the crawl stops (finish reason
    ``archive_error``, the error in the stat ``arsip/archive_error``): fetching more
    pages that cannot be stored would only cost the portal requests."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.path = None
        self.mirror = crawler.settings.get("ARSIP_MIRROR")
        self.keep_pages = crawler.settings.getbool("ARSIP_KEEP_PAGES", True)
        self.counts: Counter[str] = Counter()
        self.archive: ArchiveWriter | None = None
        self.run_id: int | None = None
        self.failed = False
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        # The finish reason is known only once the spider has closed.
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        opened = crawl_archive(self.crawler)
        self.path = opened.path
        self.archive = opened.writer(shingle_cache_bytes=CRAWL_SHINGLE_CACHE_BYTES)
        self.run_id = self.archive.start_run(self.crawler.spider.name, self.mirror)
        if self.crawler.stats:  # the spider looks at the run before this one
            self.crawler.stats.set_value("arsip/run_id", self.run_id)

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
        if isinstance(exception, NoArticle) and self.archive is not None and not self.failed:
            # Read and empty: the next runs skip it for a while (``archive.memory.empty``).
            # An answer that is no HTML page is not kept: it has no raw page, only its URL.
            page = getattr(item, "raw_page", None) or {"url": item.url}
            try:
                remember_empty(
                    self.archive.db,
                    _fetched_urls(response, page.get("url")),
                    portal=getattr(item, "portal", None),
                    reason=exception.reason,
                    fetched_at=page.get("fetched_at") or item.fetched_at or utc_now(),
                    run_id=self.run_id,
                )
            except sqlite3.Error as error:
                self._stop(error)
        # A page nothing could be read from now may yield an article to a better
        # extractor: keep it for ``arsip reextract``.
        page = getattr(item, "raw_page", None)
        if self.archive is not None and self.keep_pages and page and not self.failed:
            try:
                following = getattr(item, "following_pages", [])
                self.archive.store_pages([page, *following], run_id=self.run_id)
            except sqlite3.Error as error:
                self._stop(error)

    def item_scraped(self, item, response, **kwargs) -> None:
        """A stored article's URLs are no page without an article any more."""
        if self.archive is None or self.failed:
            return
        page = getattr(item, "raw_page", None) or {}
        try:
            forget_empty(self.archive.db, [item.url, *_fetched_urls(response, page.get("url"))])
        except sqlite3.Error as error:
            self._stop(error)

    def _stop(self, error: sqlite3.Error) -> None:
        """The archive cannot be written: say so once and stop the crawl."""
        if self.failed:
            return
        self.failed = True
        logger.critical("archive %s cannot be written (%s): stopping the crawl", self.path, error)
        if self.crawler.stats:
            self.crawler.stats.set_value("arsip/archive_error", str(error))
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=ARCHIVE_ERROR))

    def process_item(self, item: Article) -> Article:
        assert self.archive is not None
        if self.failed:
            raise DropItem(f"not stored (the archive cannot be written): {item.url}")
        fetched = item.raw_page or {}
        page = item.raw_page if self.keep_pages else None
        try:
            item = self._placed(item, fetched.get("url"))
            outcome, article_id = self.archive.store(
                item.to_record(),
                run_id=self.run_id,
                fetched_url=fetched.get("url"),
                also_urls=fetched.get("redirected_from", ()),
                page=page,
                following_pages=item.following_pages if page else (),
            )
        except sqlite3.Error as error:  # the article's transaction was rolled back
            self._stop(error)
            raise DropItem(f"not stored (the archive cannot be written): {item.url}") from None
        self.counts[outcome] += 1
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"arsip/articles/{outcome}")
        return item

    def _placed(self, item: Article, fetched_url: str | None) -> Article:
        """``item`` under the URL it is to be archived under (``crawler.canonical``):
        its canonical URL when that is the archived article this page is a version of,
        else the URL it was fetched under (``arsip/canonical_ignored/collision`` when
        the canonical URL is another archived article, ``.../unarchived`` when it is
        none)."""
        assert self.archive is not None
        if not fetched_url or not item.title or not item.body:
            return item
        if canonical_url(item.url) == canonical_url(fetched_url):
            return item
        why = canonical_collision(self.archive.db, item.url, fetched_url, item.title, item.body)
        if why is None:
            return item
        unarchived = why == NOT_ARCHIVED
        logger.log(
            logging.INFO if unarchived else logging.WARNING,
            "canonical link of %s to %s ignored: %s", fetched_url, item.url, why,
        )  # fmt: skip
        self._stat(f"canonical_ignored/{'unarchived' if unarchived else 'collision'}")
        return replace(item, url=fetched_url)

    def _stat(self, key: str) -> None:
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"arsip/{key}")


def _fetched_urls(response, page_url: str | None) -> list[str]:
    """The URLs an item's first page was fetched under: the one requested and any it
    was redirected through (what the spider looks links up by), and where it landed.
    Never the page's canonical link: a gallery naming an article as its canonical URL
    must not make that article's URL look empty."""
    urls = [page_url] if page_url else []
    request = getattr(response, "request", None)
    if request is not None and getattr(response, "url", None) == page_url:
        urls += request.meta.get("redirect_urls", [])
    return urls
