"""Running spiders from Python (the ``arsip crawl`` and ``arsip demo`` commands): all
named portals in one Scrapy process, with a result per portal that says whether it
worked, so that cron sees a dead portal in the exit status."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings


def crawl_settings(
    db_path: str | Path,
    *,
    mirror: str | None = None,
    verbose: bool = False,
    keep_pages: bool | None = None,
) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    overrides: dict[str, Any] = {
        "ARSIP_DB": str(db_path),
        "LOG_LEVEL": "INFO" if verbose else "WARNING",
    }
    if keep_pages is not None:
        overrides["ARSIP_KEEP_PAGES"] = keep_pages
    if mirror:
        overrides.update(
            ARSIP_MIRROR=mirror,
            # The mirror is our own loopback server: no one to be polite to.
            DOWNLOAD_DELAY=0,
            AUTOTHROTTLE_ENABLED=False,
            CONCURRENT_REQUESTS_PER_DOMAIN=8,
        )
    settings.setdict(overrides, priority="cmdline")
    return settings


@dataclass
class PortalResult:
    portal: str
    stats: dict[str, Any] = field(default_factory=dict)

    def count(self, outcome: str) -> int:
        return int(self.stats.get(f"arsip/articles/{outcome}", 0))

    @property
    def responses(self) -> int:
        return int(self.stats.get("downloader/response_count", 0))

    @property
    def problem(self) -> str | None:
        reason = self.stats.get("finish_reason")
        if reason not in (None, "finished", "closespider_itemcount", "closespider_pagecount"):
            return f"crawl ended with {reason}"
        ok_pages = int(self.stats.get("downloader/response_status_count/200", 0))
        if ok_pages == 0:
            errors = self.stats.get("downloader/exception_count", 0)
            return f"no page could be fetched ({errors} connection errors)"
        return None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def summary_line(self) -> str:
        seconds = self.stats.get("elapsed_time_seconds", 0.0)
        return (
            f"{self.portal}: {self.count('new')} new, {self.count('updated')} updated, "
            f"{self.count('unchanged')} unchanged, {self.count('duplicate')} duplicate, "
            f"{int(self.stats.get('item_dropped_count', 0))} dropped; "
            f"{self.responses} responses in {seconds:.1f}s"
        )


def run_crawl(
    portals: list[str],
    db_path: str | Path,
    *,
    mirror: str | None = None,
    max_articles: int | None = None,
    verbose: bool = False,
    keep_pages: bool | None = None,
) -> list[PortalResult]:
    """Crawl the named portals into ``db_path``; blocks until all are done. Scrapy's
    reactor runs once per process, so call this once per process."""
    process = CrawlerProcess(
        crawl_settings(db_path, mirror=mirror, verbose=verbose, keep_pages=keep_pages)
    )
    crawlers = []
    for name in portals:
        crawler = process.create_crawler(name)
        process.crawl(crawler, max_articles=max_articles)
        crawlers.append((name, crawler))
    process.start()
    return [PortalResult(name, dict(crawler.stats.get_stats())) for name, crawler in crawlers]
