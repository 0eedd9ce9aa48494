from crawler.portals.kabar6 import PORTAL
from crawler.spiders.portal import PortalSpider


class Kabar6Spider(PortalSpider):
    name = "kabar6"
    portal = PORTAL
