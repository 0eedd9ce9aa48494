"""tangerangnews.com: Tangerang Raya (custom CMS; ``/<section>/read/<id>/<Slug>``).

The byline is one line, ``Name | Senin, 26 Januari 2026 | 19:04``: the date is read
from it; the author comes from JSON-LD."""

from crawler.extract.families import COMMON_REMOVE
from crawler.portals import Cleaning, Selectors
from crawler.portals.base import declare

PORTAL = declare(
    "tangerangnews", "https://www.tangerangnews.com/", "TangerangNews.com",
    article_url=r"^/[a-z0-9-]+/read/\d+/[A-Za-z0-9-]+$",
    listing_url=r"^/(?:[a-z0-9-]+)?(?:\?page=\d+)?$",
    sitemaps=("https://www.tangerangnews.com/sitemap.xml",),
    selectors=Selectors(
        title="h1.news-title", body="div.news-content", date=".news-byline",
        editor=".news-editor", section=".news-section a", tags=".news-tags a",
    ),
    remove=COMMON_REMOVE,
    # The misspelt outlet of some leads; the site's name alone on a line (its social
    # box) around the text.
    cleaning=Cleaning(
        lead_outlets=("TANGERANGNEWSNEWS.com",), drop_lines=(r"^tangerang\s?news$",),
    ),
)  # fmt: skip
