from crawler.portals.satelitnews import PORTAL
from crawler.spiders.portal import PortalSpider


class SatelitnewsSpider(PortalSpider):
    name = "satelitnews"
    portal = PORTAL
