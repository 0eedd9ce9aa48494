"""biem.co: Banten (custom CMS; ``/read/YYYY/MM/DD/<id>/<slug>/``, served from
``www.biem.co``). Like kabar6, its ``rel=next`` points to another story (see
docs/portals/biem.md)."""

from crawler.extract.families import COMMON_REMOVE
from crawler.portals import Selectors
from crawler.portals.base import declare

PORTAL = declare(
    "biem", "https://www.biem.co/", "biem.co",
    article_url=r"^/read/\d{4}/\d{2}/\d{2}/\d+/[a-z0-9-]+/?$",
    listing_url=r"^/(?:kanal/[a-z0-9-]+/?)?(?:\?page=\d+)?$",
    sitemaps=("https://www.biem.co/sitemap.xml",),
    selectors=Selectors(
        title="h1.post-title", body="div.post-content", date=".post-date",
        authors=".post-author a", editor=".post-editor", section=".post-kanal a",
        tags=".post-tags a",
    ),
    remove=COMMON_REMOVE,
)  # fmt: skip
