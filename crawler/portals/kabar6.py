"""kabar6.com: Tangerang Selatan and Banten (WordPress; sections nested,
``/category/tangerang-raya/tangerang-selatan/page/N/``). Its ``rel=next`` points to
another story, not page 2.

Its category pages take tagDiv Newspaper's ``?filter_by=`` parameters, so the byline,
section and tag selectors read the Newspaper markup first and the default theme's after
it; the text itself is found by markup either way (docs/portals/kabar6.md)."""

from crawler.portals import Cleaning, Selectors
from crawler.portals.base import wordpress

PORTAL = wordpress(
    "kabar6", "https://kabar6.com/", "Kabar6.com",
    selectors=Selectors(
        body="div.entry-content",
        date="time.entry-date",
        authors=".td-post-author-name a, .entry-meta .author a",
        section=".td-category a, .cat-links a",
        tags=".td-tags a, .tags-links a",
    ),
    # Its leads open ``Kabar6-``, ``Kabar6 – `` and, misspelt, ``Kaba6-``.
    cleaning=Cleaning(lead_outlets=("Kaba6",)),
)  # fmt: skip
