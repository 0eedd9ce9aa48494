"""Baseline for bench/crawl.py: a bare Scrapy spider that follows the same links as the
tangselpos spider (same declaration, same start URLs) without extraction or storage."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

# `scrapy runspider` puts this file's folder first on sys.path, where bench/archive.py
# would shadow the archive package that crawler.portals imports.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != _HERE]

import scrapy  # noqa: E402
from scrapy.utils.sitemap import Sitemap  # noqa: E402

from crawler.portals import get_portal  # noqa: E402

PORTAL = get_portal("tangselpos")


class BareSpider(scrapy.Spider):
    name = "bare"
    allowed_domains = list(PORTAL.domains)
    custom_settings = {"ITEM_PIPELINES": {}}

    async def start(self):
        for url in PORTAL.sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap)
        for url in PORTAL.listings:
            yield scrapy.Request(url, callback=self.parse_listing)

    def parse_sitemap(self, response):
        sitemap = Sitemap(response.body)
        for entry in sitemap:
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(entry["loc"], callback=self.parse_sitemap)
            elif PORTAL.is_article(entry["loc"]):
                yield scrapy.Request(entry["loc"], callback=self.parse_article)

    def parse_listing(self, response):
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if PORTAL.is_article(url):
                yield scrapy.Request(url, callback=self.parse_article)
            elif PORTAL.is_listing(url):
                yield scrapy.Request(url, callback=self.parse_listing)

    def parse_article(self, response):
        return None

    def closed(self, reason):
        stats = self.crawler.stats.get_stats()
        with open(os.environ["BARE_STATS"], "w") as out:
            json.dump({"responses": stats.get("downloader/response_count", 0)}, out)
