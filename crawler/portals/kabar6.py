"""kabar6.com: Tangerang Selatan and Banten (WordPress, tagDiv's Newspaper theme;
sections nested, ``/category/tangerang-raya/tangerang-selatan/page/N/``). Its
``rel=next`` points to another story, not page 2.

Two generations of the theme's article template: today's Cloud Library blocks
(``h1.tdb-title-text``, ``.tdb-author-name``, ``.tdb-entry-category``, ``.tdb-tags``,
the text in ``tdb_single_content``, which also carries ``td-post-content``) and the
classic one (``td-post-title``, ``td-post-content``); the default theme's
``.entry-content`` is read too. The family stays ``wordpress``: the selectors name
each template's elements, and saved pages of the default theme are still read
(docs/portals/kabar6.md)."""

from crawler.portals import Cleaning, Selectors
from crawler.portals.base import wordpress

PORTAL = wordpress(
    "kabar6", "https://kabar6.com/", "Kabar6.com",
    selectors=Selectors(
        title="h1.tdb-title-text, h1.entry-title",
        body="div.td-post-content, div.entry-content",
        date="time.entry-date",
        authors=".tdb-author-name, .td-post-author-name a, .entry-meta .author a",
        section=".tdb-entry-category, .td-category a, .cat-links a",
        tags=".tdb-tags a, .td-tags a, .tags-links a",
    ),
    # Its leads open ``Kabar6-``, ``Kabar6 – `` and, misspelt, ``Kaba6-``.
    cleaning=Cleaning(lead_outlets=("Kaba6",)),
)  # fmt: skip
