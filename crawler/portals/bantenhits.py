"""bantenhits.com: Banten (WordPress)."""

from crawler.portals.base import wordpress

PORTAL = wordpress("bantenhits", "https://www.bantenhits.com/", "BantenHits")
