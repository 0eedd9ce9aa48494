"""Sample portal sites, one renderer per markup family on one shared base
(``base.PortalSite``): ``wordpress`` (default theme, Newspaper, JNews), ``networks``
(Tribun, Pikiran Rakyat), ``custom`` (tangerangnews, biem). tangselpos has its own
module (``crawler.mirror.tangselpos``), built on the same helpers.

A declared portal has a sample site when ``crawler/mirror/sites/<name>/articles.json``
exists: it is rendered by its family's renderer, with the host names, site name,
sitemaps and feeds of its declaration, or by its own renderer (``RENDERERS``) where
its pages differ from its family's (URL scheme, a trap, the real site's spelling)."""

from __future__ import annotations

from importlib.resources import files

from crawler.mirror.render.base import Article, PortalSite
from crawler.mirror.render.custom import Biem, TangerangNews
from crawler.mirror.render.networks import PikiranRakyatSite, TribunBanten, TribunSite
from crawler.mirror.render.wordpress import (
    BantenHits,
    BantenNews,
    JNewsSite,
    Kabar6,
    NewspaperSite,
    RadarBanten,
    WordPressSite,
)
from crawler.portals import Portal, all_portals, get_portal

RENDERERS: dict[str, type[PortalSite]] = {
    site.name: site
    for site in (Kabar6, BantenNews, RadarBanten, BantenHits, TribunBanten, TangerangNews, Biem)
}
"""Portal name -> its own renderer, for the portals whose pages need more than their
family's markup."""

FAMILY_RENDERERS: dict[str, type[PortalSite]] = {
    "wordpress": WordPressSite,
    "wordpress-newspaper": NewspaperSite,
    "wordpress-jnews": JNewsSite,
    "tribun": TribunSite,
    "pikiran-rakyat": PikiranRakyatSite,
}
"""Markup family (``Portal.family``) -> the renderer of its portals' sample sites."""


def sample_portals() -> list[str]:
    """The declared portals that have sample pages, in name order."""
    sites = files("crawler.mirror") / "sites"
    return [name for name in all_portals() if (sites / name / "articles.json").is_file()]


def portal_site(portal: str | Portal, articles: list[Article] | None = None) -> PortalSite:
    """The renderer of a portal's sample site (the portal by name or its declaration),
    loaded with its articles (those of ``sites/<name>/articles.json`` unless given)."""
    if isinstance(portal, str):
        if portal in RENDERERS:
            return RENDERERS[portal](articles)
        portal = get_portal(portal)
    if portal.family not in FAMILY_RENDERERS:
        raise KeyError(
            f"portal {portal.name}: the mirror renders no {portal.family!r} site; "
            "give it a renderer in crawler.mirror.render.RENDERERS"
        )
    return FAMILY_RENDERERS[portal.family](articles, portal=portal)
