"""What the reading pages of ``arsip serve`` show, read from the archive as plain data:
one article (``article``) and a list of releases (``release_list``; one release is
``archive.releases.release_of``). No Datasette here: the pages' handlers (``archive.web.plugin``)
call these with a ``sqlite_utils.Database`` over Datasette's read-only connection.

Times are for people (``archive.times.human_published``: the portal's local time with
its zone's name, ``(date only)`` for a day without a time); diffs are word diffs
(``archive.wordiff``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from archive.places import article_tags
from archive.places.gazetteer import resolve_place
from archive.places.tagger import ABOUT
from archive.releases import Release, cluster_rows, release, releases
from archive.search import ArticleFilter, parse_when
from archive.stored import string_list
from archive.times import human_instant, human_published
from archive.wordiff import Edits, word_diff

_PARAGRAPHS = re.compile(r"\n\s*\n")
RELEASES_SHOWN = 50
"""How many releases the releases page lists at most."""


def paragraphs(body: str | None) -> list[str]:
    """A stored body (paragraphs separated by a blank line) as its paragraphs."""
    return [" ".join(p.split()) for p in _PARAGRAPHS.split(body or "") if p.strip()]


def _row(db: sqlite_utils.Database, sql: str, params: list[Any]) -> dict[str, Any] | None:
    cursor = db.execute(sql, params)
    found = cursor.fetchone()
    if found is None:
        return None
    return dict(zip([c[0] for c in cursor.description], found, strict=True))


def _rows(db: sqlite_utils.Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class Member:
    """Another article of the same release, against the article read."""

    id: int
    portal: str
    title: str | None
    url: str
    published: str
    """Local time with zone, or ``(date only)``."""
    original: bool
    """The release's original (``archive.originals``)."""
    lag: str | None
    """After the original (None for the original itself)."""
    edits: Edits
    """How it differs from the article read, word by word (``cut``: words of the
    article read it has not)."""


@dataclass(frozen=True)
class Revision:
    """An earlier version of the article, and what the next version changed."""

    revision: int
    title: str | None
    replaced: str
    """When the next version replaced it, local time with zone."""
    edits: Edits
    """From this version to the next."""


@dataclass(frozen=True)
class ArticlePage:
    id: int
    title: str | None
    portal: str
    section: str | None
    url: str
    published: str
    date_only: bool
    authors: list[str]
    editor: str | None
    tags: list[str]
    places: list[dict[str, Any]]
    """The places it is about (a score of at least ``ABOUT``), best first: ``code``,
    ``place``, ``score``, ``role`` (``archive.places.article_tags``)."""
    dateline: str | None
    description: str | None
    paragraphs: list[str]
    press_release: bool
    republished_from: str | None
    revision: int
    urls: list[str]
    """Other URLs the article was seen under."""
    revisions: list[Revision]
    cluster_id: int | None
    members: list[Member] = field(default_factory=list)
    is_original: bool = False


def article(db: sqlite_utils.Database, article_id: int) -> ArticlePage | None:
    """One article as its page shows it; None when there is no such article."""
    row = _row(db, "SELECT * FROM articles WHERE id = ?", [article_id])
    if row is None:
        return None
    urls = [
        r["url"]
        for r in _rows(
            db,
            "SELECT url FROM article_urls WHERE article_id = ? ORDER BY first_seen_at, url",
            [article_id],
        )  # fmt: skip
        if r["url"] != row["url"]
    ]
    versions = _rows(
        db,
        "SELECT revision, title, body, replaced_at FROM article_revisions"
        " WHERE article_id = ? ORDER BY revision",
        [article_id],
    )
    versions.append({"revision": row["revision"], "title": row["title"], "body": row["body"],
                     "replaced_at": None})  # fmt: skip
    revisions = [
        Revision(
            revision=old["revision"],
            title=old["title"],
            replaced=human_instant(old["replaced_at"]),
            edits=word_diff(old["title"], old["body"], new["title"], new["body"]),
        )
        for old, new in zip(versions, versions[1:], strict=False)
    ]
    members: list[Member] = []
    is_original = False
    if row["cluster_id"] is not None:
        rows = cluster_rows(db, row["cluster_id"])
        if len(rows) > 1:
            found = release(rows, row["cluster_id"])
            is_original = found.original.id == article_id
            members = _members(found, rows, row)
    return ArticlePage(
        id=row["id"],
        title=row["title"],
        portal=row["portal"],
        section=row["section"],
        url=row["url"],
        published=human_published(row["published_local"], row["published_has_time"]),
        date_only=row["published_has_time"] == 0,
        authors=string_list(row["authors"]),
        editor=row["editor"],
        tags=string_list(row["tags"]),
        places=[p for p in article_tags(db, article_id) if p["score"] >= ABOUT],
        dateline=row["dateline"],
        description=row["description"],
        paragraphs=paragraphs(row["body"]),
        press_release=bool(row["press_release"]),
        republished_from=row["republished_from"],
        revision=row["revision"],
        urls=urls,
        revisions=revisions,
        cluster_id=row["cluster_id"],
        members=members,
        is_original=is_original,
    )


def _members(found: Release, rows: list[dict[str, Any]], this: dict[str, Any]) -> list[Member]:
    """The release's other articles, the original first, each diffed against ``this``."""
    bodies = {r["id"]: r["body"] for r in rows}
    lags = {r.article.id: r.lag for r in found.republications}
    members = []
    for publication in (found.original, *(r.article for r in found.republications)):
        if publication.id == this["id"]:
            continue
        members.append(
            Member(
                id=publication.id,
                portal=publication.portal,
                title=publication.title,
                url=publication.url,
                published=human_published(publication.published_local, not publication.date_only),
                original=publication.id == found.original.id,
                lag=lags.get(publication.id),
                edits=word_diff(
                    this["title"], this["body"], publication.title, bodies[publication.id]
                ),
            )  # fmt: skip
        )
    return members


class BadFilter(ValueError):
    """A filter of the releases or search page that cannot be read; the message says
    why."""


SEARCH_SHOWN = 50
"""Matches the search page shows."""


def release_filter(args: dict[str, str]) -> ArticleFilter:
    """The releases and search pages' filters (``q``, ``portal``, ``place``, ``since``,
    ``until``: the query string) as an ``ArticleFilter``. ``BadFilter`` says what is
    wrong with one."""
    try:
        place = args.get("place", "").strip()
        since, until = args.get("since", "").strip(), args.get("until", "").strip()
        return ArticleFilter(
            portals=(args["portal"].strip(),) if args.get("portal", "").strip() else (),
            places=(resolve_place(place).code,) if place else (),
            since=parse_when(since) if since else None,
            until=parse_when(until, end=True) if until else None,
            query=args.get("q", "").strip() or None,
        )
    except ValueError as error:
        raise BadFilter(str(error)) from None


def release_list(
    db: sqlite_utils.Database, where: ArticleFilter, *, min_portals: int = 1
) -> list[Release]:
    """The newest releases (``RELEASES_SHOWN`` at most) with an article ``where``
    selects, of at least two articles."""
    return [
        r for r in releases(db, where, min_portals=min_portals, limit=RELEASES_SHOWN) if r.size > 1
    ]
