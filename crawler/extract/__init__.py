"""Page in, Article out: no crawling, no storage, no clock (the fetch time is an input).

``extract_article`` runs the three stages that the Scrapy item pipelines also run one by
one: ``read_page`` (structured data, portal selectors, generic fallback), ``clean_article``
(Indonesian boilerplate) and ``normalise_article`` (dates, counts, hashes). The pages of a
multi-page article are each read, then joined as a crawl joins them (``join_page``),
before the joined article is cleaned and normalised.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parsel import Selector

    from crawler.items import Article
    from crawler.portals import Portal

__all__ = ["extract_article", "read_page", "clean_article", "normalise_article"]

# The stages are imported when first used: importing one light module of this package
# (the markup families, which every portal declaration names) does not compile the
# cleaning and date rules, so `arsip show` or `arsip health` start without them.
_STAGES = {
    "read_page": "crawler.extract.page",
    "clean_article": "crawler.extract.clean",
    "normalise_article": "crawler.extract.normalise",
}


def __getattr__(name: str) -> Any:
    if name in _STAGES:
        return getattr(importlib.import_module(_STAGES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def extract_article(
    page: str | bytes | Selector,
    url: str,
    *,
    portal: Portal | None = None,
    fetched_at: str | None = None,
    following: Sequence[tuple[str | bytes | Selector, str, str | None]] = (),
    declared: bool = True,
) -> Article:
    """Extract one article. ``portal`` defaults to the declared portal owning ``url``;
    ``fetched_at`` (UTC ISO 8601) is the time relative dates are read against.
    ``following`` are a multi-page article's further pages, in order, each as
    ``(page, url, fetched_at)``: page 2, 3... or the ``?page=all`` view. With
    ``declared`` False the page is read as one of no declared portal, whoever owns it
    (the leave-one-portal-out measure of the quality bench)."""
    from crawler.extract.clean import clean_article
    from crawler.extract.normalise import normalise_article
    from crawler.extract.page import read_page
    from crawler.extract.paging import join_page
    from crawler.portals import portal_for_url

    portal = (portal or portal_for_url(url)) if declared else None
    article = read_page(page, url, portal=portal, fetched_at=fetched_at)
    for more, more_url, more_fetched_at in following:
        read = read_page(more, more_url, portal=portal, fetched_at=more_fetched_at)
        article = join_page(article, read, more_url)
    article = clean_article(
        article, portal.site_name if portal else None, portal.cleaning if portal else None
    )
    if portal:
        return normalise_article(article, portal.timezone)
    # An Indonesian page of an undeclared portal is still read in Jakarta time.
    return normalise_article(article, "Asia/Jakarta", keep_page_offset=article.language != "id")
