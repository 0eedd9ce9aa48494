"""The crawl budget's request half: at most ``ARSIP_MAX_REQUESTS`` requests to a portal
in one run, whatever asks for them (listing, article and sitemap pages, robots.txt,
retries, redirects).

A trap of any shape (a calendar by date and by page number, endless article variants,
a redirect maze) ends here at the latest; its listing half, ``ARSIP_MAX_LISTING_PAGES``,
is ``crawler.frontier.Frontier.listing``'s. A request past the budget is not sent: it
is ignored (``IgnoreRequest``, nothing remembered as failed), the first one with a
warning, and the stat ``arsip/budget_reached/requests`` tells the run log and ``arsip
health`` (``archive.memory.runlog.budget_reached``). The run still ends ``finished``:
the next run starts afresh, with its own budget.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

logger = logging.getLogger(__name__)

MAX_REQUESTS = 50_000
"""Default of ``ARSIP_MAX_REQUESTS``: about 14 hours at one request a second; a daily
run of a real portal makes a few hundred, the sample portals' mirrors under 100."""


class CrawlBudgetMiddleware:
    """Downloader middleware, first in line: counts the portal's requests of this run
    and refuses those past ``ARSIP_MAX_REQUESTS`` (one middleware per crawler, that is
    per portal)."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.limit = crawler.settings.getint("ARSIP_MAX_REQUESTS", MAX_REQUESTS)
        self.sent = 0
        self.refused = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlBudgetMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: object = None) -> None:
        if self.sent < self.limit:
            self.sent += 1
            return
        self.refused += 1
        if self.refused == 1:
            logger.warning(
                "crawl budget: %d requests sent in this run (ARSIP_MAX_REQUESTS); the "
                "rest are not sent, %s first",
                self.limit, request.url,
            )  # fmt: skip
            if self.stats:
                self.stats.set_value("arsip/budget_reached/requests", 1)
        if self.stats:
            self.stats.inc_value("arsip/budget/refused")
        raise IgnoreRequest(f"crawl budget spent ({self.limit} requests): {request.url}")
