from crawler.portals.radarbanten import PORTAL
from crawler.spiders.portal import PortalSpider


class RadarbantenSpider(PortalSpider):
    name = "radarbanten"
    portal = PORTAL
