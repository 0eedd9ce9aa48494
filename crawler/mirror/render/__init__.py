"""Sample portal sites, one renderer per markup family on one shared base
(``base.PortalSite``): ``wordpress`` (default theme, Newspaper, JNews), ``networks``
(Tribun, Pikiran Rakyat), ``custom`` (tangerangnews, biem). tangselpos has its own
module (``crawler.mirror.tangselpos``), built on the same helpers."""

from __future__ import annotations

from crawler.mirror.render.base import PortalSite
from crawler.mirror.render.custom import Biem, TangerangNews
from crawler.mirror.render.networks import KabarBanten, TribunBanten
from crawler.mirror.render.wordpress import BantenHits, BantenNews, Kabar6, RadarBanten, SatelitNews

RENDERERS: dict[str, type[PortalSite]] = {
    site.name: site
    for site in (
        Kabar6, BantenNews, RadarBanten, KabarBanten, TribunBanten, TangerangNews,
        SatelitNews, Biem, BantenHits,
    )
}  # fmt: skip
"""Portal name -> its sample site's renderer."""


def portal_site(name: str) -> PortalSite:
    """The renderer of portal ``name``'s sample site, loaded with its articles."""
    return RENDERERS[name]()
