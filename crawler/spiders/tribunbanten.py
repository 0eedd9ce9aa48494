from crawler.portals.tribunbanten import PORTAL
from crawler.spiders.portal import PortalSpider


class TribunbantenSpider(PortalSpider):
    name = "tribunbanten"
    portal = PORTAL
