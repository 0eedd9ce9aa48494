"""The archive a crawl reads and writes, open once for the whole crawl: the spider reads
what is archived and its memory from it, the store pipeline writes through it.

``arsip crawl`` opens the archive itself (checked, before taking the crawl lock) and
hands it to each portal's spider (``archive=``); a crawl started otherwise (``scrapy
crawl``, as every job ``arsip dispatch`` schedules) opens the file named by the
``ARSIP_DB`` setting at first use, once, takes its writer lock (``archive.lock``, as
``arsip crawl`` does) for the whole crawl, and closes both when the crawl's engine
stops. Held by another writer, the crawl waits for it up to ``ARSIP_BUSY_WAIT`` seconds
(saying so), then does not start: the error names the holder, and ``scrapy crawl``
exits with status 1 having written nothing.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler

import archive
from archive.db import busy_wait
from archive.lock import LockHeld, WriterLock, describe, holding

logger = logging.getLogger(__name__)


class NotCrawling(RuntimeError):
    """The crawl does not start: its archive is busy for longer than ARSIP_BUSY_WAIT, or
    ARSIP_BUSY_WAIT is not a bound."""


class _Opened:
    """An archive this crawl opened, closed when its engine stops (after the spider
    has written its memory and the pipeline its run)."""

    def __init__(self, crawler: Crawler):
        try:
            wait = busy_wait()
        except ValueError as error:  # a typo in the job's environment: named
            logger.error("%s; not crawling", error)
            raise NotCrawling(f"{error}; not crawling") from None
        self.archive = archive.open(crawler.settings["ARSIP_DB"])
        try:
            self.lock = self._take_lock(wait)
        except BaseException:
            self.archive.close()
            raise
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    def _take_lock(self, wait: float) -> WriterLock:
        lock = self.archive.lock(wait=wait, command="crawl")
        holder = lock.held_by()
        if holder:
            logger.warning(
                "archive %s: %s (%s); waiting up to %g s for it to end (ARSIP_BUSY_WAIT)",
                self.archive.path, holding(holder), describe(holder), wait,
            )  # fmt: skip
        try:
            lock.acquire(wait=wait)
        except LockHeld as held:
            message = (
                f"archive {self.archive.path}: {held}, for more than {wait:g} s "
                "(ARSIP_BUSY_WAIT); not crawling"
            )
            logger.error(message)
            raise NotCrawling(message) from None
        if lock.stale:
            logger.warning(
                "archive %s: taking over the writer lock of a run that did not end "
                "cleanly (%s)", self.archive.path, describe(lock.stale),
            )  # fmt: skip
        return lock

    def engine_stopped(self) -> None:
        self.archive.close()
        self.lock.release()


def crawl_archive(crawler: Crawler) -> archive.Archive:
    """The open archive of the crawl ``crawler`` runs."""
    handed = getattr(crawler.spider, "archive", None)
    if isinstance(handed, archive.Archive):
        return handed
    opened = getattr(crawler, "arsip_archive", None)
    if opened is None:
        try:
            opened = crawler.arsip_archive = _Opened(crawler)  # held: signals keep weak refs
        except NotCrawling:
            crawler.arsip_not_crawling = True
            raise
    return opened.archive


def not_crawling(crawler: Crawler) -> bool:
    """Whether the crawl did not start for want of its archive (``NotCrawling``): its
    closing has nothing to write."""
    return bool(getattr(crawler, "arsip_not_crawling", False))
