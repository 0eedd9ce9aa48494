"""banten.tribunnews.com: Banten (Tribun network).

Disabled by default: the network answers 403 to non-browser user agents, and arsip
does not pose as a browser. Crawl it by name where the portal allows arsip in."""

from crawler.portals.base import tribun

PORTAL = tribun("tribunbanten", "https://banten.tribunnews.com/", "TribunBanten.com", enabled=False)
