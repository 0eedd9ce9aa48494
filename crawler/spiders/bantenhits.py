from crawler.portals.bantenhits import PORTAL
from crawler.spiders.portal import PortalSpider


class BantenhitsSpider(PortalSpider):
    name = "bantenhits"
    portal = PORTAL
