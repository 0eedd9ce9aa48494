"""PortalSpider: discovery and article parsing shared by every declared portal.

A portal spider only names its portal; this class reads the declaration
(``crawler.portals``): it starts from the portal's feeds (RSS/Atom: cheap, newest
first), sitemaps (and, when declared, the ``Sitemap:`` lines of robots.txt) and listing
pages, follows
listing pages and pagination that match ``listing_url``, and parses pages that match
``article_url`` into raw Articles for the item pipelines.

Crawling is incremental: the archive (``ARSIP_DB``) is the memory. Sitemaps and listing
pages are fetched every run, except a child of a sitemap index (at any depth of nested
indexes) whose index ``lastmod`` is not newer than when a finished run last read it
completely (``archive.memory.sitemaps``; with ``refresh_days``, only one read before that
window began), until ``ARSIP_SITEMAP_RECHECK_DAYS`` call for it again (an index may
not move the lastmod of a child that gained articles); an article page only when its
URL is not archived yet, when its sitemap ``lastmod`` is newer than its last fetch, or
when it was first seen less than ``refresh_days`` ago (to catch edits). A URL
whose page was read and held no article (``archive.memory.empty``) twice in a row is skipped
the same way until ``ARSIP_EMPTY_RETRY_DAYS`` have passed since its last fetch.
Paging through a listing stops after ``LISTING_OVERLAP`` pages that hold no article to
fetch, unless the previous run left listing pages unread (killed, stopped by a full
disk, a listing page given up, its ``--max-pages`` budget spent:
``archive.memory.runlog.previous_walk_cut``): then this run pages on to the end, so that the
articles behind the cut are archived. ``since`` bounds a
first run or a backfill: articles whose sitemap ``lastmod`` or listing date is older
are not fetched, and paging stops at a listing page whose dated articles are all older.
``ARSIP_MAX_LISTING_DEPTH`` bounds paging from each start page (traps), and the crawl
budget bounds the run whatever the trap's shape: ``ARSIP_MAX_LISTING_PAGES`` listing pages
(``Frontier.listing``) and ``ARSIP_MAX_REQUESTS`` requests (``crawler.budget``).

Those decisions are ``crawler.frontier``'s (plain Python, tested without Scrapy): this
class reads the memory at the start of a run and writes it back at its close, makes
the requests the frontier asks for, and parses the responses.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings

from archive.dedup import canonical_url
from archive.memory.failed import pending_failures, record_failures
from archive.memory.known import KnownArticles
from archive.memory.runlog import previous_walk_cut
from archive.memory.sitemaps import RECHECK_DAYS, remembered_sitemaps
from archive.times import instant_or_day, utc_now
from crawler.crawl_archive import crawl_archive, not_crawling
from crawler.extract.dates import parse_date
from crawler.extract.page import read_page
from crawler.extract.paging import MAX_ARTICLE_PAGES, join_page, next_page_url
from crawler.extract.structured import canonical_link
from crawler.frontier import (
    MAX_LISTING_DEPTH,
    MAX_LISTING_PAGES,
    ArticleDecision,
    Frontier,
    failed_for_now,
)
from crawler.items import Article
from crawler.non_html import not_html
from crawler.portals import Portal
from crawler.spiders.sitemaps import SitemapCallbacks


def parse_since(value: str | date | datetime | None, tz: str) -> datetime | None:
    """``2025-09-01`` (local midnight in ``tz``) or an ISO 8601 instant -> aware UTC."""
    if value is None or value == "":
        return None
    return instant_or_day(value, tz)


def _feed_instant(value: str | None) -> datetime | None:
    """An RSS ``pubDate`` (RFC 822) or Atom ``published`` (ISO 8601) -> aware UTC."""
    if not value or not value.strip():
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return parsed.astimezone(UTC) if parsed.tzinfo else None


class PortalSpider(SitemapCallbacks, scrapy.Spider):
    portal: Portal

    def __init__(
        self,
        *args: Any,
        max_articles: int | str | None = None,
        since: str | date | datetime | None = None,
        refresh_days: int | str | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.allowed_domains = list(self.portal.domains)
        self.frontier = Frontier(
            since=parse_since(since, self.portal.timezone),
            refresh_after=(
                datetime.now(UTC) - timedelta(days=int(refresh_days)) if refresh_days else None
            ),
            max_articles=int(max_articles) if max_articles else None,
            count=self._stat,
        )
        """What to fetch: asked before every article and child sitemap request."""
        self.known: KnownArticles | None = None
        self._listing_depth_reached = False
        self._listing_budget_logged = False

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """The portal's own politeness (``crawl_delay``, ``concurrency``) over the
        project defaults; settings given on the command line still win."""
        super().update_settings(settings)
        portal = getattr(cls, "portal", None)
        if portal is not None and portal.crawl_delay is not None:
            settings.set("DOWNLOAD_DELAY", portal.crawl_delay, priority="spider")
        if portal is not None and portal.concurrency:
            settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", portal.concurrency, priority="spider")

    def _stat(self, key: str, count: int = 1) -> None:
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"arsip/{key}", count)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        frontier = self.frontier
        self.known = frontier.known = KnownArticles(crawl_archive(self.crawler).db)
        retry_days = self.settings.getfloat("ARSIP_EMPTY_RETRY_DAYS", 7.0)
        frontier.empty_retry_before = datetime.now(UTC) - timedelta(days=retry_days)
        frontier.remembered_sitemaps = remembered_sitemaps(
            crawl_archive(self.crawler).db, self.name
        )
        frontier.sitemap_recheck_days = self.settings.getfloat(
            "ARSIP_SITEMAP_RECHECK_DAYS", RECHECK_DAYS
        )
        frontier.max_listing_depth = self.settings.getint(
            "ARSIP_MAX_LISTING_DEPTH", MAX_LISTING_DEPTH
        )
        frontier.max_listing_pages = self.settings.getint(
            "ARSIP_MAX_LISTING_PAGES", MAX_LISTING_PAGES
        )
        self.crawler.signals.connect(self._item_stored, signal=signals.item_scraped)
        self.crawler.signals.connect(self._item_dropped, signal=signals.item_dropped)
        stats = self.crawler.stats
        cut = previous_walk_cut(
            crawl_archive(self.crawler).db,
            self.name,
            stats.get_value("arsip/run_id") if stats else None,
        )
        if cut:
            frontier.catch_up = True
            self.logger.warning("%s: walking every listing page this run", cut)
            self._stat("catch_up")
        # Articles given up by earlier runs (an error after the retries): asked for by
        # URL, since paging may not reach them again (``archive.memory.failed``).
        for url in pending_failures(
            crawl_archive(self.crawler).db,
            self.name,
            self.settings.getint("ARSIP_FAILED_RETRY_RUNS", 5),
        ):
            for request in self._article_request(url):
                self._stat("failed_retried")
                yield request
        if self.crawler.stats and self.settings.get("ARSIP_INVOCATION"):
            self.crawler.stats.set_value("arsip/invocation", self.settings["ARSIP_INVOCATION"])
        for url in self.portal.feeds:
            yield scrapy.Request(url, callback=self.parse_feed)
        if self.portal.robots_sitemaps:
            robots = self.portal.home.rstrip("/").split("/", 3)[:3]
            yield scrapy.Request("/".join(robots) + "/robots.txt", callback=self.parse_robots)
        for url in self.portal.sitemaps:
            yield self._sitemap_request(url)
        for url in self.portal.listings:
            for request in self._listing_request(url, stale_pages=0, depth=0):
                yield request

    def listing_failed(self, failure: Any) -> None:
        """A listing page given up for now (5xx, 429, timeouts, resets): the pages
        behind it were not read in this run. One gone for good (404, a dead section
        link) or refused (robots.txt) is no reason to walk everything next time."""
        error = failure.value
        status = getattr(getattr(error, "response", None), "status", 0)
        if failed_for_now(status, ignored=isinstance(error, IgnoreRequest)):
            self._stat("listing_cut")

    def closed(self, reason: str) -> None:
        refused = self.crawler.stats.get_value("downloader/response_status_count/403", 0)
        if refused:
            self.logger.warning(
                "portal %s refused %d requests with 403 Forbidden (arsip's user agent is "
                "not a browser's, and arsip does not pretend otherwise)",
                self.portal.name, refused,
            )  # fmt: skip
        if self.known is not None:
            self.known.close()
        if not_crawling(self.crawler):
            return
        self._remember_sitemaps(reason)
        self._record_failures()

    def _item_dropped(
        self, item: Any, response: Response, exception: BaseException, **kwargs: Any
    ) -> None:
        """A page found without an article a second time is settled, as a stored
        article is. Found so once, it is not yet: it may have been a passing fault."""
        from crawler.pipelines import NoArticle

        key = response.meta.get("arsip_key") if response is not None else None
        if key and isinstance(exception, NoArticle) and response.meta.get("arsip_was_empty"):
            self.frontier.settle(key)

    def _item_stored(self, item: Any, response: Response, **kwargs: Any) -> None:
        """An article passed every pipeline (stored): settled."""
        key = response.meta.get("arsip_key") if response is not None else None
        if key:
            self.frontier.settle(key)

    def _record_failures(self) -> None:
        """Write the article pages given up in this run, and forget those settled now."""
        stats = self.crawler.stats
        try:
            record_failures(
                crawl_archive(self.crawler).db,
                self.name,
                self.frontier.failed,
                self.frontier.settled,
                run_id=stats.get_value("arsip/run_id") if stats else None,
            )
        except sqlite3.Error as error:  # the next run finds them where they are listed
            self.logger.error("failed articles of %s not remembered: %s", self.name, error)

    def article_failed(self, failure: Any) -> None:
        """An article page given up for now (5xx, 429, timeouts, resets): remembered, so
        that the next run asks for it again (``archive.memory.failed``). One gone for good (404)
        or refused (robots.txt) is not."""
        error = failure.value
        response = getattr(error, "response", None)
        status = getattr(response, "status", 0)
        if not failed_for_now(status, ignored=isinstance(error, IgnoreRequest)):
            return
        self._stat("article_failed")
        self.frontier.failed[failure.request.url] = (
            f"HTTP {status}" if response is not None else type(error).__name__
        )

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """An RSS 2.0 or Atom feed: each item's link, read with the portal's article
        rule, its ``pubDate``/``published`` as the listed date (for ``--since``). A feed
        whose links are no article URLs (Tribun's all point to the home page) is
        counted under ``arsip/feeds_without_articles``: the sitemaps must do."""
        self._stat("pages_ok")
        try:
            feed = Selector(text=response.text, type="xml")
            feed.remove_namespaces()
        except Exception:  # not XML at all (an HTML page answering at /rss)
            self.logger.warning("unreadable feed %s", response.url)
            return
        found = 0
        for entry in feed.xpath("//item | //entry"):
            link = (
                entry.xpath("link/text()").get()
                or entry.xpath("link[not(@rel) or @rel='alternate']/@href").get()
            )
            if not link:
                continue
            url = response.urljoin(link.strip())
            if not self.portal.is_article(url):
                continue
            found += 1
            when = entry.xpath("pubDate/text() | published/text() | updated/text()").get()
            yield from self._article_request(url, listed=_feed_instant(when))
        if not found:
            self._stat("feeds_without_articles")
            self.logger.info("feed %s links no article of %s", response.url, self.portal.name)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        self._stat("pages_ok")
        articles: dict[str, datetime | None] = {}
        listings: list[str] = []
        for link in response.css("a[href]"):
            url = response.urljoin(link.attrib["href"])
            if self.portal.is_article(url):
                if url not in articles or articles[url] is None:
                    articles[url] = (
                        self._listed_date(response, link) if self.frontier.since else None
                    )
            elif self.portal.is_listing(url):
                listings.append(url)
        for url, listed in articles.items():
            yield from self._article_request(url, listed=listed)
        step = self.frontier.listing_step(
            articles,
            stale_pages=response.meta.get("stale_pages", 0),
            depth=response.meta.get("listing_depth", 0),
        )
        if step.stop == "budget_spent":
            if listings:
                self._stat("listing_cut")  # the next run walks on (previous_walk_cut)
            return
        if step.stop == "depth":
            if not self._listing_depth_reached:
                self.logger.warning("listing depth %d reached at %s", step.depth - 1, response.url)
            self._listing_depth_reached = True
            self._stat("listing_depth_reached")
            return
        if step.stop:
            return
        for url in listings:
            yield from self._listing_request(url, stale_pages=step.stale, depth=step.depth)

    def _listing_request(
        self, url: str, *, stale_pages: int, depth: int
    ) -> Iterator[scrapy.Request]:
        """A request for the listing page at ``url`` unless this run requested it
        already or spent its listing budget (``Frontier.listing``; the first time,
        a warning). A listing page left out for the budget is no cut walk: the next
        run does not page on for it (a trap would spend its budget again)."""
        decision = self.frontier.listing(url)
        if decision == "budget":
            if not self._listing_budget_logged:
                self._listing_budget_logged = True
                self.logger.warning(
                    "crawl budget: %d listing pages of %s requested in this run "
                    "(ARSIP_MAX_LISTING_PAGES); no more listing pages are read, %s first "
                    "left out: a listing trap, or a backfill bigger than the budget",
                    self.frontier.max_listing_pages, self.name, url,
                )  # fmt: skip
            return
        if decision == "requested":
            yield scrapy.Request(
                url,
                callback=self.parse_listing,
                errback=self.listing_failed,
                meta={"stale_pages": stale_pages, "listing_depth": depth},
            )

    def _listed_date(self, response: Response, link: Any) -> datetime | None:
        """The date printed beside an article link on a listing page (its card): read
        from the nearest enclosing element that holds no other article link."""
        url = response.urljoin(link.attrib["href"])
        node = link
        for _ in range(3):
            parents = node.xpath("..")
            if not parents:
                return None
            node = parents[0]
            others = {response.urljoin(h) for h in node.css("a::attr(href)").getall()} - {url}
            if any(self.portal.is_article(other) for other in others):
                return None
            found = parse_date(" ".join(node.css("::text").getall()), tz=self.portal.timezone)
            if found is not None:
                return found.value.astimezone(UTC)
        return None

    def _article_request(
        self, url: str, *, lastmod: datetime | None = None, listed: datetime | None = None
    ) -> Generator[scrapy.Request, None, ArticleDecision]:
        """A request for the article at ``url`` if the frontier fetches it
        (``Frontier.article``); returns the frontier's decision."""
        decision = self.frontier.article(url, lastmod=lastmod, listed=listed)
        if decision.fetch:
            meta = {"arsip_reason": decision.reason, "arsip_key": decision.key}
            if decision.was_empty:
                meta["arsip_was_empty"] = True
            if lastmod is not None:
                # The sitemap's lastmod: evidence of the article's day for extraction.
                meta["arsip_lastmod"] = lastmod.isoformat()
            yield scrapy.Request(
                url, callback=self.parse_article, errback=self.article_failed, meta=meta
            )
        return decision

    def parse_article(
        self, response: Response, article: Article | None = None, pages: int = 1
    ) -> Iterator[Article | scrapy.Request]:
        """One article page; a multi-page article follows its pages (or its
        ``?page=all`` view) and yields one Article with the bodies joined. An answer
        that is no HTML page (``crawler.non_html``) is read as no article."""
        self._stat("pages_ok")
        kind = not_html(response)
        if kind:
            yield from self._not_html(response, kind, article, pages)
            return
        if pages == 1:
            self._stat("article_pages")
            if response.meta.get("arsip_was_empty"):
                # A page that held no article last time: finding none again says nothing
                # about extraction (``archive.memory.runlog.extraction_broken``).
                self._stat("empty_reread")
        fetched_at = utc_now()
        page = read_page(response.selector, response.url, portal=self.portal, fetched_at=fetched_at)
        if pages == 1:
            self._canonical_not_followed(response, page)
            if response.meta.get("arsip_lastmod"):
                # Never the publication date: it anchors a year-less date on the page
                # and rules out one years away (``crawler.extract.normalise``).
                page.date_hints.append(("sitemap", response.meta["arsip_lastmod"]))
        # The archive keeps every page as received, so extraction can be re-run later
        # without fetching them again.
        raw = {
            "url": response.url,
            "status": response.status,
            "headers": {
                k.decode("latin-1"): b", ".join(v).decode("latin-1")
                for k, v in response.headers.items()
            },
            "body": response.body,
            "fetched_at": fetched_at,
            # The links that redirected here: the archive remembers them as the
            # article's URLs too, so that the next run does not follow them again.
            "redirected_from": list(response.meta.get("redirect_urls", [])),
        }
        if article is None:
            page.raw_page = raw
            page.fetched_urls = _fetched_urls(response)
            article = page
        else:
            article = replace(
                join_page(article, page, response.url),
                raw_page=article.raw_page,
                following_pages=[*article.following_pages, raw],
            )
        following = next_page_url(response.selector, response.url)
        if following and pages < MAX_ARTICLE_PAGES:
            yield response.follow(
                following,
                callback=self.parse_article,
                errback=self.article_page_failed,
                cb_kwargs={"article": article, "pages": pages + 1},
                meta={"arsip_key": response.meta.get("arsip_key")},
            )
        else:
            yield article

    def _canonical_not_followed(self, response: Response, page: Article) -> None:
        """Log and count (``arsip/canonical_ignored/not_article``) a canonical link that
        extraction did not follow: it names no article URL of the portal (its home
        page, a section, another site)."""
        href = canonical_link(response.selector)
        if not href or page.url != response.url:
            return
        target = response.urljoin(href)
        if canonical_url(target) == canonical_url(response.url):
            return
        self._stat("canonical_ignored/not_article")
        self.logger.info(
            "canonical link of %s to %s ignored: no article URL of %s",
            response.url, target, self.name,
        )  # fmt: skip

    def _not_html(
        self, response: Response, kind: str, article: Article | None, pages: int
    ) -> Iterator[Article]:
        """An answer of type ``kind`` that is no HTML page, at an article URL: remembered
        as a page without an article (``Article.not_html``), counted under
        ``arsip/not_html``. A further page of a multi-page article that is none ends its
        pages there: the article is stored with the pages read."""
        self._stat("not_html")
        if article is not None:
            self.logger.warning(
                "page %d of %s is no HTML page (%s): the article is stored with %d pages",
                pages, (article.raw_page or {}).get("url") or article.url, kind, pages - 1,
            )  # fmt: skip
            yield article
            return
        self.logger.info("%s is no HTML page (%s): no article read", response.url, kind)
        yield Article(
            url=response.url,
            portal=self.portal.name,
            fetched_at=utc_now(),
            not_html=kind,
            fetched_urls=_fetched_urls(response),
        )

    def article_page_failed(self, failure: Any) -> None:
        """A further page of a multi-page article could not be fetched (an error status
        after the retries, a timeout, a refused body). The article is not stored: its
        text without that page would become the article's text (for an archived article,
        a truncated new revision). A new article stays unarchived, so the next run
        fetches it again; an archived one keeps its text and its last fetch, so a sitemap
        ``lastmod`` or ``--refresh-days`` that called for it still does. Counted under
        ``arsip/article_page_failed`` (the run log's ``article_page_failed``) and logged
        with the article's URL."""
        request = failure.request
        article: Article = request.cb_kwargs["article"]
        first = (article.raw_page or {}).get("url") or article.url
        error = failure.value
        response = getattr(error, "response", None)
        cause = f"HTTP {response.status}" if response is not None else type(error).__name__
        self._stat("article_page_failed")
        self.frontier.failed[
            first
        ] = (  # asked for again by the next run (``archive.memory.failed``)
            f"page {request.cb_kwargs['pages']}: {cause}"
        )
        self.logger.warning(
            "article %s not stored: its page %d (%s) could not be fetched (%s); the next "
            "run fetches it again",
            first, request.cb_kwargs["pages"], request.url, cause,
        )  # fmt: skip


def _fetched_urls(response: Response) -> list[str]:
    """The URLs ``response`` was fetched under (``Article.fetched_urls``): where it
    landed, then the ones it was redirected through."""
    return [response.url, *response.meta.get("redirect_urls", [])]
