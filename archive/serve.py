"""``arsip serve``: the archive in Datasette, read-only, with the analyst's questions
as stored queries.

The archive is opened read-only but live (SQLite ``mode=ro``, Datasette's "mutable"
database, which it only ever reads here): a read-only connection cannot write, and in
WAL mode it reads beside a writer without waiting, so ``serve`` runs while a crawl
writes and shows each committed article as soon as it is stored. (An ``immutable=1``
connection would be faster to count, but ignores the write-ahead log: it would show a
torn state during a crawl, so it could only serve an archive no one writes.)

Published days in facets are the portal's local days (the date part of
``published_local``): Datasette's own date facet would use SQLite's ``date()``, which
converts ``+07:00`` times to UTC and files a 06:00 WIB story under the previous day.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

DATABASE_NAME = "archive"

# Datasette lists column descriptions above the table, so only the columns whose
# meaning is not obvious from their name are described, to keep results in view.
ARTICLE_COLUMNS = {
    "published_at": "First publication, UTC, YYYY-MM-DDTHH:MM:SSZ.",
    "published_local": "First publication in the portal's time, e.g. +07:00 (WIB).",
    "published_source": "Where it was read: jsonld, meta, time, text, relative or url.",
    "published_has_time": "0 when the page gave a day but no time of day.",
    "body": "Clean text; paragraphs separated by a blank line.",
    "press_release": "1 when the text says it comes from a press release.",
    "content_hash": "SHA-256 of the normalised body: equal for the same text anywhere.",
    "duplicate_of": "The earlier article with exactly the same text, if any.",
    "cluster_id": "Near-duplicate cluster: articles sharing it are versions of one release.",
    "revision": "1 for the first version, +1 each time the title or body changed.",
    "first_seen_at": "First fetch that stored the article, UTC.",
    "last_seen_at": "Latest fetch that saw the article, UTC.",
}

QUERIES: dict[str, dict[str, str]] = {
    "release_cluster": {
        "title": "Who ran this release, and when",
        "description": (
            "The articles sharing a near-duplicate cluster (or the exact text) with the "
            "given article, earliest first: which portals ran a press release and when. "
            "article_id is a number from the articles table."
        ),
        "sql": """
select a.id, a.portal, a.published_local, a.published_at, a.title, a.url,
       a.duplicate_of, a.cluster_id
from articles a
where a.id = cast(:article_id as integer)
   or a.duplicate_of = cast(:article_id as integer)
   or a.cluster_id = (select cluster_id from articles where id = cast(:article_id as integer))
order by a.published_at is null, a.published_at, a.id
""".strip(),
    },
    "largest_clusters": {
        "title": "Releases run by several portals",
        "description": (
            "Near-duplicate clusters with articles from two portals or more, those "
            "spanning most portals first; a cluster_id opens the release's page."
        ),
        "sql": """
select cluster_id, count(*) as articles, count(distinct portal) as portals,
       group_concat(distinct portal) as portal_names,
       min(published_at) as first_published, max(published_at) as last_published,
       (select title from articles f where f.cluster_id = a.cluster_id
        order by f.published_at is null, f.published_at, f.id limit 1) as earliest_title
from articles a
where cluster_id is not null
group by cluster_id
having count(distinct portal) >= 2
order by portals desc, articles desc, first_published
""".strip(),
    },
    "articles_per_day": {
        "title": "Articles per day per portal",
        "description": "Days are the portal's local days (WIB for most portals).",
        "sql": """
select substr(published_local, 1, 10) as day, portal, count(*) as articles
from articles
where published_local is not null
group by day, portal
order by day desc, portal
""".strip(),
    },
    "article_revisions": {
        "title": "Revisions of an article",
        "description": (
            "Every version of one article, oldest first; the last row is the current "
            "text (replaced_at empty). article_id is a number from the articles table."
        ),
        "sql": """
select revision, title, replaced_at, content_hash, length(body) as body_characters, body
from article_revisions
where article_id = cast(:article_id as integer)
union all
select revision, title, null, content_hash, length(body), body
from articles
where id = cast(:article_id as integer)
order by revision
""".strip(),
    },
}


def metadata(hidden: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Datasette metadata (0.65 ``metadata.json`` layout) for an archive served under
    the name ``archive``; the tables ``hidden`` are left out of the lists."""
    served = {
        "title": "arsip",
        "description_html": (
            'Archive of Indonesian regional news, read-only: <a href="/archive/articles">'
            'the articles</a>, <a href="/releases">who ran which press release</a>.'
        ),
        "databases": {
            DATABASE_NAME: {
                "description": "Articles once each, with their URLs, history and clusters.",
                "tables": {
                    "articles": {
                        "title": "Articles",
                        "description": (
                            "One row per article; a title opens it to read. Search folds "
                            "case and diacritics; facets show portal, section, the local "
                            "day, the Banten places articles are about, and tags."
                        ),
                        "fts_table": "articles_fts",
                        "fts_pk": "id",
                        "searchmode": "escaped",
                        "sort_desc": "published_at",
                        "label_column": "title",
                        "facets": [
                            "portal",
                            "section",
                            {"local_day": "published_local"},
                            {"place": "id"},
                            {"array": "tags"},
                        ],
                        "columns": ARTICLE_COLUMNS,
                    },
                    "article_urls": {
                        "title": "Article URLs",
                        "description": "Every URL seen for an article (mobile, AMP, tracking).",
                        "columns": {
                            "url_key": "The URL in canonical form (the lookup key).",
                            "url": "The URL as seen.",
                            "article_id": "The article it leads to.",
                            "first_seen_at": "When arsip first saw it, UTC.",
                        },
                    },
                    "article_revisions": {
                        "title": "Article revisions",
                        "description": "Earlier versions of articles whose title or body changed.",
                        "columns": {
                            "article_id": "The article.",
                            "revision": "The version number this text had.",
                            "title": "Its title then.",
                            "body": "Its text then.",
                            "content_hash": "Hash of that text.",
                            "replaced_at": "When a changed version replaced it, UTC.",
                        },
                    },
                    "places": {
                        "title": "Banten places",
                        "description": (
                            "The gazetteer articles are tagged with: the province, its "
                            "regencies and cities, their kecamatan (kode wilayah)."
                        ),
                        "label_column": "name",
                    },
                    "crawl_runs": {
                        "title": "Crawl runs",
                        "description": "One row per portal per crawl, with its counts.",
                        "sort_desc": "started_at",
                        "columns": {
                            "portal": "The portal crawled.",
                            "started_at": "Start, UTC.",
                            "finished_at": "End, UTC.",
                            "finish_reason": "Why Scrapy stopped.",
                            "new": "Articles stored for the first time.",
                            "updated": "Articles whose title or body changed.",
                            "unchanged": "Articles seen again unchanged.",
                            "duplicate": "New URLs whose text was already archived.",
                            "dropped": "Pages rejected by validation.",
                            "stats": "Scrapy's crawl statistics, JSON.",
                        },
                    },
                },
                "queries": QUERIES,
            }
        },
    }
    tables = served["databases"][DATABASE_NAME]["tables"]
    tables.update({name: {"hidden": True} for name in hidden if name not in tables})
    return served


SETTINGS = {
    # Bodies are long; a table page should stay scannable.
    "truncate_cells_html": 160,
    # The configured facets are the useful ones; suggestions list every date column.
    "suggest_facets": False,
    "default_facet_size": 15,
}


TEMPLATES = Path(__file__).parent / "web" / "templates"
"""arsip's pages and the Datasette templates it overrides (``archive.web``)."""
VISIBLE_TABLES = ("articles", "article_urls", "article_revisions", "places", "crawl_runs")
"""The tables a reader is shown; every other table is the archive's own workings."""


def _register_plugin() -> None:
    from datasette.plugins import pm

    # arsip's facet classes subclass Datasette's column, date and array facets (the
    # whole table counted from the archive's counts): Datasette's own registrations
    # would facet every column twice.
    own = pm.get_plugin("datasette.facets")
    if own is not None:
        pm.unregister(own)
    # Datasette's filters with arsip's search of the articles list in the place of its
    # own (``archive.web.large_lists``).
    filters = pm.get_plugin("datasette.filters")
    if filters is not None:
        pm.unregister(filters)
    if pm.get_plugin("arsip.filters") is None:
        from archive.web import large_lists

        pm.register(large_lists, name="arsip.filters")
    if pm.get_plugin("arsip") is None:
        from archive.web import plugin

        pm.register(plugin, name="arsip")


def hidden_tables(path: Path) -> list[str]:
    """The archive's tables a reader is not shown: all but ``VISIBLE_TABLES`` (the
    crawler's memory, raw pages, MinHash bands, the full-text index, place tags...)."""
    from archive.db import connect

    conn = connect(path, readonly=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    finally:
        conn.close()
    return sorted(n for n in names if n not in VISIBLE_TABLES and not n.startswith("sqlite_"))


def make_datasette(path: Path) -> Any:
    """A Datasette instance serving ``path`` read-only (``mode=ro``) as ``/archive``
    with arsip's metadata, facets, templates and pages (``archive.web``)."""
    from datasette.app import Datasette
    from datasette.database import Database

    _register_plugin()
    ds = Datasette(metadata=metadata(hidden_tables(path)), settings=SETTINGS,
                   template_dir=str(TEMPLATES))  # fmt: skip
    ds.remove_database("_memory")  # Datasette's empty scratch database: nothing to read
    # is_mutable: opened mode=ro (sees a crawl's commits), not immutable=1; Datasette
    # writes nothing through it (no write plugin, no write API in 0.65).
    ds.add_database(Database(ds, path=str(path), is_mutable=True), name=DATABASE_NAME)
    return ds


def serve(path: Path, *, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Serve the archive until interrupted (Ctrl-C)."""
    import uvicorn

    ds = make_datasette(path)
    print(
        f"arsip serve: http://{host}:{port}/{DATABASE_NAME}/articles", file=sys.stderr, flush=True
    )
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)
