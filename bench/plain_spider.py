"""Baseline for bench/crawl.py: a plain Scrapy spider, no arsip code, run outside the
project with Scrapy's default settings. It reads what ``arsip crawl tangselpos`` reads
on the generated mirror (the sitemaps, the listing pages, the articles) and does
nothing with it.

The URL shapes are the tangselpos declaration's (``crawler/portals/tangselpos.py``),
written out here; the mirror's pages name the real host, which this spider replaces by
the mirror's address ($ARSIP_MIRROR), as arsip's mirror download handler routes them.

    cd /tmp && ARSIP_MIRROR=http://127.0.0.1:8000 PLAIN_STATS=stats.json \\
        scrapy runspider /path/to/bench/plain_spider.py
"""

from __future__ import annotations

import json
import os
import re

import scrapy
from scrapy.utils.sitemap import Sitemap

REAL = re.compile(r"^https?://(?:www\.)?tangselpos\.id")
ARTICLE = re.compile(r"^/detail/\d+/[^/]+$")
LISTING = re.compile(r"^/(?:kategori/[^/]+)?(?:\?page=\d+)?$")


class PlainSpider(scrapy.Spider):
    name = "plain"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mirror = os.environ["ARSIP_MIRROR"].rstrip("/")

    def local(self, url: str) -> str | None:
        """``url`` on the mirror, or None for another site."""
        if REAL.match(url):
            return REAL.sub(self.mirror, url)
        return url if url.startswith(self.mirror) else None

    def shape(self, url: str) -> str:
        path = url[len(self.mirror) :] or "/"
        return "article" if ARTICLE.match(path) else "listing" if LISTING.match(path) else ""

    async def start(self):
        yield scrapy.Request(f"{self.mirror}/sitemap.xml", callback=self.parse_sitemap)
        yield scrapy.Request(f"{self.mirror}/", callback=self.parse_listing)

    def parse_sitemap(self, response):
        sitemap = Sitemap(response.body)
        for entry in sitemap:
            url = self.local(entry["loc"])
            if url is None:
                continue
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(url, callback=self.parse_sitemap)
            elif self.shape(url) == "article":
                yield scrapy.Request(url, callback=self.parse_article)

    def parse_listing(self, response):
        for href in response.css("a::attr(href)").getall():
            url = self.local(response.urljoin(href))
            if url is None:
                continue
            kind = self.shape(url)
            if kind == "article":
                yield scrapy.Request(url, callback=self.parse_article)
            elif kind == "listing":
                yield scrapy.Request(url, callback=self.parse_listing)

    def parse_article(self, response):
        return None

    def closed(self, reason):
        stats = self.crawler.stats.get_stats()
        with open(os.environ["PLAIN_STATS"], "w") as out:
            json.dump({"responses": stats.get("downloader/response_count", 0)}, out)
