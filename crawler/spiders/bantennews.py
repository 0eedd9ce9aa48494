from crawler.portals.bantennews import PORTAL
from crawler.spiders.portal import PortalSpider


class BantennewsSpider(PortalSpider):
    name = "bantennews"
    portal = PORTAL
