"""The archive a crawl reads and writes, open once for the whole crawl: the spider reads
what is archived and its memory from it, the store pipeline writes through it.

``arsip crawl`` opens the archive itself (checked, before taking the crawl lock) and
hands it to each portal's spider (``archive=``); a crawl started otherwise (``scrapy
crawl``) opens the file named by the ``ARSIP_DB`` setting at first use, once, and
closes it when the crawl's engine stops.
"""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler

import archive


class _Opened:
    """An archive this crawl opened, closed when its engine stops (after the spider
    has written its memory and the pipeline its run)."""

    def __init__(self, crawler: Crawler):
        self.archive = archive.open(crawler.settings["ARSIP_DB"])
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    def engine_stopped(self) -> None:
        self.archive.close()


def crawl_archive(crawler: Crawler) -> archive.Archive:
    """The open archive of the crawl ``crawler`` runs."""
    handed = getattr(crawler.spider, "archive", None)
    if isinstance(handed, archive.Archive):
        return handed
    opened = getattr(crawler, "arsip_archive", None)
    if opened is None:
        opened = crawler.arsip_archive = _Opened(crawler)  # held: signals keep weak refs
    return opened.archive
