"""radarbanten.co.id: Banten (WordPress, Jawa Pos group). Articles are dated,
``/YYYY/MM/DD/<slug>/``; older ones keep their undated ``/<slug>/``. The video subsite
``tv.radarbanten.co.id`` is another site (see docs/portals/radarbanten.md)."""

from crawler.portals.base import WP_DATED_OR_SLUG, wordpress

PORTAL = wordpress(
    "radarbanten", "https://www.radarbanten.co.id/", "RADARBANTEN.CO.ID",
    article_url=WP_DATED_OR_SLUG,
    foreign_hosts=("tv.radarbanten.co.id",),
)  # fmt: skip
