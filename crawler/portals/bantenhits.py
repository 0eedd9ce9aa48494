"""bantenhits.com: Banten (WordPress; articles at ``/YYYY/MM/DD/<slug>/`` on the bare
host, ``https://bantenhits.com/2021/06/23/<slug>/``; see docs/portals/bantenhits.md)."""

from crawler.portals.base import WP_DATED, wordpress

PORTAL = wordpress("bantenhits", "https://bantenhits.com/", "BantenHits", article_url=WP_DATED)
