"""kabar6.com: Tangerang Selatan and Banten (WordPress; sections
``/category/<a>/<b>/page/N/``). Its ``rel=next`` points to another story, not page 2."""

from crawler.portals.base import wordpress

PORTAL = wordpress("kabar6", "https://kabar6.com/", "Kabar6.com")
