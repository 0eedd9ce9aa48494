from crawler.portals.tangerangnews import PORTAL
from crawler.spiders.portal import PortalSpider


class TangerangnewsSpider(PortalSpider):
    name = "tangerangnews"
    portal = PORTAL
