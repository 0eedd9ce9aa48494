"""Running spiders from Python (the ``arsip crawl`` and ``arsip demo`` commands): all
named portals in one Scrapy process, with a result per portal that says whether it
worked, so that cron sees a dead portal in the exit status."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Imported here, near the bottom of the stack: Scrapy builds deprecated aliases in these
# modules with inspect.stack(), whose cost grows with the depth it is imported at (0.25 s
# of every crawl when Scrapy imports it while starting the crawler, 0.05 s here).
import scrapy.core.downloader.contextfactory  # noqa: F401
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

import crawler.settings  # noqa: F401  (its ARSIP_* numbers are checked before a crawl touches anything)
from archive import Archive
from archive.memory.runlog import portal_problem
from archive.times import utc_now

# Scrapy components that arsip's settings turn off (COOKIES_ENABLED, TELNETCONSOLE_ENABLED,
# REMOTE_CONTROL_ENABLED are False): taken out of Scrapy's defaults for the crawls arsip
# starts. Left in, each is still imported to refuse itself (a key mapped to None is
# imported too), bringing tldextract, aiohttp and Twisted's conch into every crawl:
# 0.15 s of CPU each time.
_OFF_COMPONENTS = {  # component: (the *_BASE setting it is in, the setting that turns it on)
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": (
        "DOWNLOADER_MIDDLEWARES_BASE",
        "COOKIES_ENABLED",
    ),
    "scrapy.extensions.telnet.TelnetConsole": ("EXTENSIONS_BASE", "TELNETCONSOLE_ENABLED"),
    "scrapy.extensions.remote_control.RemoteControl": ("EXTENSIONS_BASE", "REMOTE_CONTROL_ENABLED"),
}


def _without_off_components(settings: Settings) -> dict[str, dict]:
    """The ``*_BASE`` component dicts of ``settings`` less the components that are off (a
    setting that turns one on, ``-s COOKIES_ENABLED=1``, keeps it)."""
    bases: dict[str, dict] = {}
    for component, (base, switch) in _OFF_COMPONENTS.items():
        kept = bases.setdefault(base, settings.getdict(base))
        if not settings.getbool(switch):
            kept.pop(component, None)
    return bases


def crawl_settings(
    db_path: str | Path,
    *,
    mirror: str | None = None,
    verbose: bool = False,
    quiet: bool = False,
    log_file: str | Path | None = None,
    keep_pages: bool | None = None,
    warc: tuple[str | Path, int] | None = None,
) -> Settings:
    """Project settings with the command's choices on top. The log: Scrapy's INFO log
    into ``log_file`` when given (appended); on stderr, warnings (INFO with ``verbose``,
    nothing with ``quiet``)."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    overrides: dict[str, Any] = {
        "ARSIP_DB": str(db_path),
        "LOG_LEVEL": "INFO" if verbose else "CRITICAL" if quiet else "WARNING",
        "ARSIP_INVOCATION": (f"{utc_now()} {socket.gethostname()}:{os.getpid()}"),
    }
    if log_file:
        overrides.update(LOG_FILE=str(log_file), LOG_FILE_APPEND=True, LOG_LEVEL="INFO")
    if keep_pages is not None:
        overrides["ARSIP_KEEP_PAGES"] = keep_pages
    if warc is not None:
        overrides.update(ARSIP_WARC_DIR=str(warc[0]), ARSIP_WARC_SIZE=warc[1])
    if mirror:
        overrides.update(mirror_settings(mirror))
    settings.setdict(overrides, priority="cmdline")
    settings.setdict(_without_off_components(settings), priority="project")
    return settings


def mirror_settings(mirror: str) -> dict[str, Any]:
    """The settings of a crawl of the offline mirror at ``mirror`` (also handed to the
    jobs ``arsip dispatch`` schedules)."""
    return {
        "ARSIP_MIRROR": mirror,
        # The mirror is our own loopback server: no one to be polite to.
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    }


@dataclass
class PortalResult:
    portal: str
    stats: dict[str, Any] = field(default_factory=dict)

    def count(self, outcome: str) -> int:
        return int(self.stats.get(f"arsip/articles/{outcome}", 0))

    @property
    def requests(self) -> int:
        return int(self.stats.get("downloader/request_count", 0))

    @property
    def responses(self) -> int:
        return int(self.stats.get("downloader/response_count", 0))

    @property
    def problem(self) -> str | None:
        """Why the portal failed outright (see ``archive.memory.runlog.portal_problem``)."""
        return portal_problem(self.stats)

    @property
    def ok(self) -> bool:
        return self.problem is None

    def summary_line(self) -> str:
        seconds = self.stats.get("elapsed_time_seconds", 0.0)
        skipped_empty = int(self.stats.get("arsip/skipped_empty", 0))
        page_failed = int(self.stats.get("arsip/article_page_failed", 0))
        sitemaps = int(self.stats.get("arsip/sitemaps_skipped", 0))
        rechecked = int(self.stats.get("arsip/sitemaps_rechecked", 0))
        hidden = int(self.stats.get("arsip/sitemaps_recheck_found", 0))
        missed = int(self.stats.get("arsip/body_rule/missed", 0))
        return (
            f"{self.portal}: {self.count('new')} new, {self.count('updated')} updated, "
            f"{self.count('unchanged')} unchanged, {self.count('duplicate')} duplicate, "
            f"{int(self.stats.get('item_dropped_count', 0))} dropped"
            + (f", {page_failed} left for the next run (a page failed)" if page_failed else "")
            + f"; {int(self.stats.get('arsip/skipped_known', 0))} archived articles skipped"
            + (f", {skipped_empty} pages without an article skipped" if skipped_empty else "")
            + (f"; {sitemaps} unchanged sitemaps skipped" if sitemaps else "")
            + (f"; {rechecked} unchanged sitemaps read again (due)" if rechecked else "")
            + (f", {hidden} article{'s' * (hidden != 1)} found in them" if hidden else "")
            + (f"; body rule missed on {missed} article pages (see the log)" if missed else "")
            + f"; {self.requests} requests in {seconds:.1f}s"
        )


def run_crawl(
    portals: list[str],
    arch: Archive,
    *,
    mirror: str | None = None,
    max_articles: int | None = None,
    since: str | None = None,
    refresh_days: int | None = None,
    verbose: bool = False,
    quiet: bool = False,
    log_file: str | Path | None = None,
    keep_pages: bool | None = None,
    warc: tuple[str | Path, int] | None = None,
) -> list[PortalResult]:
    """Crawl the named portals into the open archive ``arch`` (shared by every portal's
    spider and pipeline); blocks until all are done. Each portal's spider is the shared
    PortalSpider bound to its declaration, from the project's spider loader
    (``crawler.spiders.loader``). Scrapy's reactor runs once per process, so call this once per
    process. ``since`` is an ISO 8601 date or instant; ``max_articles`` bounds the article pages fetched per portal;
    ``keep_pages`` None leaves the ARSIP_KEEP_PAGES setting to decide; ``warc``
    (directory, bytes per file) writes every page read into WARC files too."""
    settings = crawl_settings(
        arch.path,
        mirror=mirror,
        verbose=verbose,
        quiet=quiet,
        log_file=log_file,
        keep_pages=keep_pages,
        warc=warc,
    )
    process = CrawlerProcess(settings)
    crawlers = []
    for name in portals:
        crawler = process.create_crawler(process.spider_loader.load(name))
        process.crawl(
            crawler,
            max_articles=max_articles,
            since=since,
            refresh_days=refresh_days,
            archive=arch,
        )
        crawlers.append((name, crawler))
    process.start()
    return [
        PortalResult(name, dict(crawler.stats.get_stats()) if crawler.stats else {})
        for name, crawler in crawlers
    ]
