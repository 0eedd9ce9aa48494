"""The project's spider loader (``SPIDER_LOADER_CLASS``): one spider per declared portal.

A portal is data (``crawler.portals``); its spider is the shared ``PortalSpider`` bound
to that declaration, built here for every portal of the registry: the modules of
``crawler/portals/``, those named by ``ARSIP_PORTALS_MODULE`` and the operator's portals
file (``arsip add-portal``). So ``scrapy list``, ``scrapy crawl <portal>`` and ``arsip
crawl`` know a portal as soon as it is declared, with no spider module to write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.portals import Portal, all_portals
from crawler.spiders.portal import PortalSpider

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.settings import BaseSettings


def portal_spider(portal: Portal) -> type[PortalSpider]:
    """The spider class of ``portal``: ``PortalSpider`` named after it and bound to it
    (``kabar_serang`` -> ``KabarSerangSpider``)."""
    class_name = "".join(part.title() for part in portal.name.split("_")) + "Spider"
    return type(
        class_name, (PortalSpider,), {"name": portal.name, "portal": portal, "__module__": __name__}
    )


class PortalSpiderLoader:
    """Scrapy's spider loader over the portal registry: ``list`` names every declared
    portal, ``load`` gives its spider class. It implements Scrapy's
    ``scrapy.spiderloader.SpiderLoaderProtocol`` (what the deprecated zope interface
    ``ISpiderLoader`` named): ``from_settings``, ``load``, ``list``, ``find_by_request``."""

    def __init__(self, portals: dict[str, Portal] | None = None):
        portals = all_portals() if portals is None else portals
        self._spiders = {name: portal_spider(portal) for name, portal in portals.items()}

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        """What Scrapy calls (``scrapy.spiderloader.get_spider_loader``); the spiders
        come from the registry, not from settings (``SPIDER_MODULES`` is not read)."""
        return cls()

    def load(self, spider_name: str) -> type[PortalSpider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            known = ", ".join(self._spiders)
            raise KeyError(f"unknown portal {spider_name!r} (known: {known})") from None

    def list(self) -> list[str]:
        return list(self._spiders)

    def find_by_request(self, request: Request) -> list[str]:
        """The portals whose domains hold the request's host (``scrapy fetch``,
        ``scrapy shell`` pick a spider by URL this way)."""
        return [name for name, spider in self._spiders.items() if spider.portal.owns(request.url)]
