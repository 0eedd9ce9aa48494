"""The sample portals' own data (``crawler/mirror/sites/<portal>/articles.json``) as the
archive must hold it: what crawl tests and fixture tests compare stored articles with."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from crawler.mirror import tangselpos
from crawler.mirror.render import portal_site


def mirror_articles(portal: str) -> list[tuple[str, dict[str, Any]]]:
    """(real URL, article data) of every article the mirror serves for ``portal``."""
    if portal == "tangselpos":
        return [
            (tangselpos.BASE + tangselpos.article_path(a), a) for a in tangselpos.load_articles()
        ]
    site = portal_site(portal)
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


def day_only_in_text(portal: str, article: dict[str, Any]) -> bool:
    """Whether the page gives its day only in the text (``Kamis (18/9)``): tangselpos
    pages without JSON-LD show no date line, and the in-body day names the publication
    day or one of the two days before it (``sites/tangselpos/README.md``)."""
    return (
        portal == "tangselpos"
        and not article.get("jsonld", True)
        and bool(article.get("body_date"))
    )


def mismatches(
    row: dict[str, Any], article: dict[str, Any], portal: str = ""
) -> dict[str, tuple[Any, Any]]:
    """Field -> (stored, expected) for each field of an archive row (``articles``) that
    differs from the data. The press-release phrase must contain the data's phrase;
    ``published_day`` is the local day, within the two days before publication when
    the page gives only an in-body day (``day_only_in_text``)."""
    expected = expected_fields(article)
    if day_only_in_text(portal, article):
        day = date.fromisoformat(expected["published_day"])
        stored_day = (row["published_local"] or "")[:10]
        window = {(day - timedelta(days=n)).isoformat() for n in range(3)}
        expected["published_day"] = stored_day if stored_day in window else sorted(window)
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
