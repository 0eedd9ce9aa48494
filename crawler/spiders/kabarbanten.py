from crawler.portals.kabarbanten import PORTAL
from crawler.spiders.portal import PortalSpider


class KabarbantenSpider(PortalSpider):
    name = "kabarbanten"
    portal = PORTAL
