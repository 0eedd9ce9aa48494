"""bantennews.co.id: Banten (WordPress, tagDiv Newspaper theme)."""

from crawler.portals.base import newspaper

PORTAL = newspaper("bantennews", "https://www.bantennews.co.id/", "BantenNews.co.id")
