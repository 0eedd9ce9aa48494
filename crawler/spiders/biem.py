from crawler.portals.biem import PORTAL
from crawler.spiders.portal import PortalSpider


class BiemSpider(PortalSpider):
    name = "biem"
    portal = PORTAL
