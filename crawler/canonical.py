"""Where a crawled page is archived when it names a canonical link: never onto another
article.

Extraction follows a page's ``<link rel="canonical">`` only to an article URL of the
page's own portal (``crawler.extract.page``: the portal's ``article_url`` rule, so a
canonical link to the home page or a section is no article's). Whether it collides
with the archive is decided here, just before the store pipeline writes, against what
is archived at that moment (``canonical_collision``):

- the page's own URL is another archived article than the canonical URL's: the page
  stays under its own URL;
- the canonical URL is an archived article that is another article (neither its title
  nor a near-duplicate text): the page stays under its own URL;
- the canonical URL is no archived article: the page stays under its own URL.

It is followed when it names the archived article this page is a version of (the same
title or a near-duplicate text): the page's URL joins that article's.

A canonical URL that is no archived article is not followed either: the page would
claim a URL whose own page may be another article, and which the next runs would then
skip as archived. The page is archived under its own URL; when the canonical URL's page
is read, it is archived as what it is (the same text: a duplicate of this one).
"""

from __future__ import annotations

import sqlite_utils

from archive.dedup import canonical_url, is_near_duplicate, text_signature

NOT_ARCHIVED = "the canonical URL is no archived article"
"""``canonical_collision``'s reason when the canonical URL is no archived article."""


def article_at(db: sqlite_utils.Database, url: str) -> int | None:
    """The archived article ``url`` (any spelling of it) belongs to, or None."""
    found = db.execute(
        "SELECT article_id FROM article_urls WHERE url_key = ?", [canonical_url(url)]
    ).fetchone()
    return int(found[0]) if found else None


def same_article(db: sqlite_utils.Database, article_id: int, title: str, body: str) -> bool:
    """Whether archived article ``article_id`` is the article of ``title`` and ``body``:
    the same title, or a near-duplicate text (an edited version)."""
    found = db.execute("SELECT title, body FROM articles WHERE id = ?", [article_id]).fetchone()
    if found is None:
        return False
    stored_title, stored_body = found
    if stored_title == title:
        return True
    stored, page = text_signature(stored_body), text_signature(body)
    return stored.content_hash == page.content_hash or is_near_duplicate(
        stored.shingles, page.shingles
    )


def canonical_collision(
    db: sqlite_utils.Database, canonical: str, fetched: str, title: str, body: str
) -> str | None:
    """Why the page fetched at ``fetched``, whose canonical link ``canonical`` was
    followed, must not be archived under it (see the module docstring); None when it may."""
    if canonical_url(canonical) == canonical_url(fetched):
        return None
    target = article_at(db, canonical)
    if target is None:
        return NOT_ARCHIVED
    own = article_at(db, fetched)
    if own is not None and own != target:
        return f"its own URL is archived article {own}, the canonical URL article {target}"
    if own is None and not same_article(db, target, title, body):
        return f"the canonical URL is archived article {target}, of another title and text"
    return None
