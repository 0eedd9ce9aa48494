from crawler.portals.tangselpos import PORTAL
from crawler.spiders.portal import PortalSpider


class TangselposSpider(PortalSpider):
    name = "tangselpos"
    portal = PORTAL
