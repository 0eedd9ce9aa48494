"""The sample portals' own data (``crawler/mirror/sites/<portal>/articles.json``) as the
archive must hold it: what crawl tests and fixture tests compare stored articles with."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from crawler.mirror import tangselpos
from crawler.mirror.render import RENDERERS


def mirror_articles(portal: str) -> list[tuple[str, dict[str, Any]]]:
    """(real URL, article data) of every article the mirror serves for ``portal``."""
    if portal == "tangselpos":
        return [
            (tangselpos.BASE + tangselpos.article_path(a), a) for a in tangselpos.load_articles()
        ]
    site = RENDERERS[portal]()
    return [(site.url(a), a) for a in site.articles]


def expected_fields(article: dict[str, Any]) -> dict[str, Any]:
    """The fields of a stored article that the data fixes exactly."""
    published = datetime.fromisoformat(article["published"])
    return {
        "title": article["title"],
        "body": "\n\n".join(article["paragraphs"]),
        "dateline": article["dateline"],
        "authors": [article["author"]] if article["author"] else [],
        "editor": article["editor"],
        "press_release": bool(article["press_release"]),
        "published_day": published.date().isoformat(),
        "published_at": published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def mismatches(row: dict[str, Any], article: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Field -> (stored, expected) for each field of an archive row (``articles``) that
    differs from the data. The press-release phrase must contain the data's phrase;
    ``published_day`` is the local day (a page may give only the day)."""
    expected = expected_fields(article)
    stored = {
        "title": row["title"],
        "body": row["body"],
        "dateline": row["dateline"],
        "authors": json.loads(row["authors"] or "[]"),
        "editor": row["editor"],
        "press_release": bool(row["press_release"]),
        "published_day": (row["published_local"] or "")[:10],
    }
    wrong = {k: (v, expected[k]) for k, v in stored.items() if v != expected[k]}
    phrase = article["press_release"]
    if phrase and phrase not in (row["press_release_phrase"] or ""):
        wrong["press_release_phrase"] = (row["press_release_phrase"], phrase)
    return wrong
