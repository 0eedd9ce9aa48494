"""satelitnews.com: Tangerang Raya and Banten (WordPress, JNews theme; ``/<id>/<slug>/``)."""

from crawler.portals.base import jnews

PORTAL = jnews(
    "satelitnews", "https://www.satelitnews.com/", "Satelit News",
    article_url=r"^/\d+/[a-z0-9]+(?:-[a-z0-9]+)+/?$",
)  # fmt: skip
