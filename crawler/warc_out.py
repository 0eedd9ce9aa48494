"""WARC files written during a crawl (``arsip crawl --warc DIR``, the ``ARSIP_WARC_DIR``
setting): every raw page the run reads, as ``arsip export --format warc`` writes it
(``archive.warc``), whether or not the archive keeps it (``--no-pages`` keeps the raw
pages out of SQLite, in the WARC files alone).

One set of files per portal and run, named after the portal
(``tangselpos-<timestamp>-<serial>.warc.gz``), a new file every ``ARSIP_WARC_SIZE``
bytes, and the run's CDXJ index (``tangselpos-<timestamp>.cdxj``) written when the
portal's crawl ends. A page that cannot be written (a full disk) stops the WARC files,
with an error in the log, not the crawl: the archive is what the run is for.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


class WarcOut:
    def __init__(self, crawler: Crawler, directory: Path, max_size: int):
        self.crawler = crawler
        self.directory = directory
        self.max_size = max_size
        self.files: Any = None  # archive.warc.WarcFiles while the spider runs
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcOut:
        directory = crawler.settings.get("ARSIP_WARC_DIR")
        if not directory:
            raise NotConfigured("no ARSIP_WARC_DIR")
        # Imported only for a crawl that writes WARC files (the index, warcio, surt).
        from archive.warc import DEFAULT_MAX_SIZE

        size = crawler.settings.getint("ARSIP_WARC_SIZE", DEFAULT_MAX_SIZE) or DEFAULT_MAX_SIZE
        return cls(crawler, Path(directory), size)

    def spider_opened(self, spider: Any) -> None:
        from archive.warc import WarcFiles

        archive_name = Path(self.crawler.settings.get("ARSIP_DB", "arsip.db")).name
        self.files = WarcFiles(
            self.directory, prefix=spider.name, is_part_of=archive_name,
            max_size=self.max_size,
            description=f"pages read by arsip's crawl of {spider.name} into {archive_name}",
        )  # fmt: skip

    def item_scraped(self, item: Any, **kwargs: Any) -> None:
        self._write(item)

    def item_dropped(self, item: Any, **kwargs: Any) -> None:
        self._write(item)

    def _write(self, item: Any) -> None:
        page = getattr(item, "raw_page", None)
        if self.files is None or not page:
            return
        try:
            for each in (page, *getattr(item, "following_pages", ())):
                self.files.write_page(each)
        except OSError as error:
            logger.error("WARC files in %s stopped: %s", self.directory, error)
            self.files.abandon()
            self.files = None
            return
        if self.crawler.stats:
            self.crawler.stats.inc_value(
                "arsip/warc_pages", 1 + len(getattr(item, "following_pages", ()))
            )

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.files is None:
            return
        try:
            index = self.files.close()
        except OSError as error:
            logger.error(
                "WARC files in %s: the index could not be written: %s", self.directory, error
            )
            return
        finally:
            files, self.files = self.files, None
        logger.info("%d pages written to %d WARC files, index %s",
                    files.pages, len(files.files), index)  # fmt: skip
