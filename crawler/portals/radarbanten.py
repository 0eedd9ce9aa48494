"""radarbanten.co.id: Banten (WordPress, Jawa Pos group; ``/YYYY/MM/DD/<slug>/``)."""

from crawler.portals.base import WP_DATED, wordpress

PORTAL = wordpress(
    "radarbanten", "https://www.radarbanten.co.id/", "RADARBANTEN.CO.ID", article_url=WP_DATED
)
