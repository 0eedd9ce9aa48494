"""PortalSpider: discovery and article parsing shared by every declared portal.

A portal spider only names its portal; this class reads the declaration
(``crawler.portals``): it starts from the portal's sitemaps and listing pages, follows
listing pages and pagination that match ``listing_url``, and parses pages that match
``article_url`` into raw Articles for the item pipelines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.utils.sitemap import Sitemap

from crawler.extract.page import read_page
from crawler.extract.paging import next_page_url
from crawler.items import Article
from crawler.portals import Portal

MAX_ARTICLE_PAGES = 20
"""Pages followed for one article at most (a pager that loops stops here)."""


class PortalSpider(scrapy.Spider):
    portal: Portal

    def __init__(self, *args: Any, max_articles: int | str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.max_articles = int(max_articles) if max_articles else None
        self.articles_requested = 0
        self.allowed_domains = list(self.portal.domains)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.portal.sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap)
        for url in self.portal.listings:
            yield scrapy.Request(url, callback=self.parse_listing)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            sitemap = Sitemap(response.body)
        except Exception:  # lxml raises several kinds on malformed XML
            self.logger.warning("unreadable sitemap %s", response.url)
            return
        for entry in sitemap:
            url = entry.get("loc", "")
            if sitemap.type == "sitemapindex":
                yield response.follow(url, callback=self.parse_sitemap)
            elif self.portal.is_article(url):
                yield from self._article_request(response, url)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if self.portal.is_article(url):
                yield from self._article_request(response, url)
            elif self.portal.is_listing(url):
                yield scrapy.Request(url, callback=self.parse_listing)

    def _article_request(self, response: Response, url: str) -> Iterator[scrapy.Request]:
        if self.max_articles is not None and self.articles_requested >= self.max_articles:
            return
        self.articles_requested += 1
        yield scrapy.Request(url, callback=self.parse_article)

    def parse_article(
        self, response: Response, article: Article | None = None, pages: int = 1
    ) -> Iterator[Article | scrapy.Request]:
        """One article page; a multi-page article follows its pages (or its
        ``?page=all`` view) and yields one Article with the bodies joined."""
        fetched_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        page = read_page(response.selector, response.url, portal=self.portal, fetched_at=fetched_at)
        if article is None or "page=all" in response.url:
            if article is not None:  # the whole-article view replaces what we had
                page.url = article.url
            article = page
        elif page.body:
            article.body = "\n\n".join(b for b in (article.body, page.body) if b)
        following = next_page_url(response.selector, response.url)
        if following and pages < MAX_ARTICLE_PAGES:
            yield response.follow(
                following,
                callback=self.parse_article,
                cb_kwargs={"article": article, "pages": pages + 1},
            )
        else:
            yield article
