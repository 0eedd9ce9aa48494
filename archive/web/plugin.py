"""arsip's Datasette hooks (Datasette 0.65 plugin hooks), registered by
``archive.serve`` once per process:

- ``register_routes``: ``/`` (the archive at a glance), ``/article/ID`` (an article as
  it reads), ``/release/CLUSTER`` (who ran a release, when, and what each changed, with
  its timeline), ``/releases`` (the newest releases, filtered), ``/search`` (the
  archive's search, filtered);
- ``render_cell``: in the articles table, a title links to its article page, a local
  time reads ``2025-09-15 16:40 WIB`` (``(date only)`` for a day without a time),
  authors and tags read as names; anywhere, a ``cluster_id`` links to its release;
- ``filters_from_request``: ``_place=CODE`` (or a name) keeps the articles about that
  place or a place within it (``archive.web.large_lists`` writes its clause); a local
  day chosen is said again through the publication-time index;
- ``extra_template_vars``: what arsip's templates need (the places of the listed
  articles, the order of the tables);
- ``register_facet_classes``: ``archive.web.facets``;
- ``asgi_wrapper``: the articles list's search box leads to ``/search``
  (``archive.web.search_box``); a search of the list for words many articles have is
  neither counted nor faceted (``archive.web.large_lists``, which also takes the place
  of Datasette's search filter).

Every page reads through Datasette's read-only connection (``Database.execute_fn``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import markupsafe
import sqlite_utils
from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest, NotFound, Response, asgi_send_redirect

from archive import counts
from archive.places.gazetteer import gazetteer, resolve_place
from archive.places.tagger import ABOUT
from archive.releases import release_of
from archive.serve import DATABASE_NAME
from archive.stored import string_list
from archive.times import human_published
from archive.web import large_lists, reading
from archive.web.facets import (
    FACET_ROWS,
    LOCAL_DAY_ARG,
    PLACE_ARG,
    facet_classes,
    left_out,
    local_day_range,
)
from archive.web.search_box import search_page_url, table_search_args
from archive.web.timeline import timeline_svg, undated

ARTICLES = large_lists.ARTICLES
LIST_PLACES = 3
"""Places shown per article in the articles list, best first."""
TABLE_ORDER = ("articles", "article_urls", "article_revisions", "places", "crawl_runs")
"""The tables a reader sees, in this order; the others are the archive's own workings
(hidden: ``archive.serve.hidden_tables``)."""


def _reader(datasette: Any) -> Any:
    return datasette.get_database(DATABASE_NAME)


async def _read(datasette: Any, fn: Callable[[sqlite_utils.Database], Any]) -> Any:
    """``fn`` over the archive, on Datasette's read-only connection, in its thread."""

    def run(conn: Any) -> Any:
        return fn(sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False))

    return await _reader(datasette).execute_fn(run)


def _id(request: Any) -> int:
    return int(request.url_vars["id"])


async def _page(datasette: Any, request: Any, template: str, context: dict[str, Any]) -> Response:
    urls = datasette.urls
    context = {
        "article_url": lambda n: urls.path(f"/article/{n}"),
        "release_url": lambda n: urls.path(f"/release/{n}"),
        "articles_url": urls.table(DATABASE_NAME, ARTICLES),
        "releases_url": urls.path("/releases"),
        "search_url": urls.path("/search"),
        **context,
    }
    return Response.html(await datasette.render_template(template, context, request=request))


async def home(datasette: Any, request: Any) -> Response:
    def facts(db: sqlite_utils.Database) -> dict[str, Any]:
        from archive import counts

        # From the counts the archive keeps (a row a portal, section and month), else
        # a scan of an index of every article.
        source, counted = (
            (counts.SECTION_TABLE, "sum(articles)") if counts.kept(db) else ("articles", "count(*)")
        )
        articles, portals = db.execute(
            f"SELECT {counted}, count(DISTINCT portal) FROM {source}"
        ).fetchone()
        first, last = db.execute(
            "SELECT (SELECT min(published_at) FROM articles),"
            " (SELECT max(published_at) FROM articles)"
        ).fetchone()
        return {"articles": articles or 0, "portals": portals, "first": first, "last": last}

    from archive.times import human_instant

    found = await _read(datasette, facts)
    found["first"], found["last"] = human_instant(found["first"]), human_instant(found["last"])
    queries = await datasette.get_canned_queries(DATABASE_NAME, request.actor)
    return await _page(datasette, request, "arsip-home.html", {
        "facts": found, "queries": queries, "database": DATABASE_NAME,
        "tables": [(t, datasette.urls.table(DATABASE_NAME, t)) for t in TABLE_ORDER],
    })  # fmt: skip


async def article_page(datasette: Any, request: Any) -> Response:
    article_id = _id(request)
    page = await _read(datasette, lambda db: reading.article(db, article_id))
    if page is None:
        raise NotFound(f"The archive has no article {article_id}.")
    return await _page(datasette, request, "arsip-article.html", {
        "page": page,
        "place_url": lambda code: datasette.urls.table(DATABASE_NAME, ARTICLES)
        + f"?{PLACE_ARG}={code}",
        "row_url": datasette.urls.row(DATABASE_NAME, ARTICLES, str(article_id)),
    })  # fmt: skip


async def release_page(datasette: Any, request: Any) -> Response:
    cluster_id = _id(request)
    found = await _read(datasette, lambda db: release_of(db, cluster_id))
    if found is None:
        raise NotFound(f"The archive has no release (cluster) {cluster_id}.")
    link = lambda n: datasette.urls.path(f"/article/{n}")  # noqa: E731
    return await _page(datasette, request, "arsip-release.html", {
        "release": found,
        "timeline": markupsafe.Markup(timeline_svg(found, link)),
        "undated": undated(found),
    })  # fmt: skip


async def releases_page(datasette: Any, request: Any) -> Response:
    args = {key: request.args.get(key, "") for key in ("q", "portal", "place", "since", "until")}
    try:
        where = reading.release_filter(args)
        min_portals = int(request.args.get("portals") or 1)
    except (reading.BadFilter, ValueError) as error:
        raise BadRequest(str(error)) from None
    found = await _read(datasette, lambda db: reading.release_list(db, where,
                                                                  min_portals=min_portals))  # fmt: skip
    return await _page(datasette, request, "arsip-releases.html", {
        "releases": found, "args": args, "min_portals": min_portals,
        "shown": reading.RELEASES_SHOWN,
    })  # fmt: skip


SEARCH_ORDERS = (("auto", "best first (newest if too many)"), ("rank", "best first"),
                 ("newest", "newest first"))  # fmt: skip


async def search_page(datasette: Any, request: Any) -> Response:
    """The archive's search (``archive.search``, as ``arsip search`` runs it), within
    Datasette's time limit for a query: a word in most articles of a large archive
    gives its newest matches, where a search of the articles table counts and facets
    every match."""
    from archive.search import RANK_LIMIT, SearchTimeLimit, search

    args = {key: request.args.get(key, "") for key in ("q", "portal", "place", "since", "until")}
    args["order"] = request.args.get("order") or "auto"
    try:
        where = reading.release_filter(args)
    except reading.BadFilter as error:
        raise BadRequest(str(error)) from None
    if args["order"] not in dict(SEARCH_ORDERS):
        raise BadRequest(f"order is one of {', '.join(dict(SEARCH_ORDERS))}")
    found = None
    if where.query:
        seconds = datasette.setting("sql_time_limit_ms") / 1000
        try:
            found = await _read(datasette, lambda db: search(
                db, where, limit=reading.SEARCH_SHOWN, time_limit=seconds, order=args["order"]
            ))  # fmt: skip
        except SearchTimeLimit as stopped:
            raise BadRequest(
                f"{stopped}: narrow it (fewer OR terms, longer prefixes than a few letters, "
                "a portal, dates)"
            ) from None
        for row in found:
            row["published"] = human_published(
                row["published_local"], row["published_has_time"], none=""
            )
    table_search = datasette.urls.table(DATABASE_NAME, ARTICLES) + "?" + table_search_args(args)
    return await _page(datasette, request, "arsip-search.html", {
        "found": found, "args": args, "orders": SEARCH_ORDERS, "rank_limit": RANK_LIMIT,
        "shown": reading.SEARCH_SHOWN, "table_search_url": table_search,
    })  # fmt: skip


@hookimpl
def register_routes() -> list:
    return [
        (r"^/$", home),
        (r"^/search$", search_page),
        (r"^/article/(?P<id>[0-9]+)$", article_page),
        (r"^/release/(?P<id>[0-9]+)$", release_page),
        (r"^/releases$", releases_page),
    ]


@hookimpl
def register_facet_classes() -> list:
    return facet_classes()


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable:
    def wrap(app: Callable) -> Callable:
        async def articles_list(scope: dict, receive: Callable, send: Callable) -> None:
            if (
                scope.get("type") == "http"
                and scope.get("method") in ("GET", "HEAD")
                and scope.get("path") == datasette.urls.table(DATABASE_NAME, ARTICLES)
            ):
                query = scope.get("query_string", b"").decode("latin-1")
                target = search_page_url(datasette.urls.path("/search"), query)
                if target is not None:
                    await asgi_send_redirect(send, target)
                    return
                scope = await large_lists.page_scope(datasette, scope)
            await app(scope, receive, send)

        return articles_list

    return wrap


def _column(row: Any, name: str) -> Any:
    try:
        return row[name]
    except (IndexError, KeyError):
        return None


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                datasette: Any) -> Any:  # fmt: skip
    if database != DATABASE_NAME:
        return None
    if column == "cluster_id" and isinstance(value, int):
        href = datasette.urls.path(f"/release/{value}")
        return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)
    if table != ARTICLES:
        return None
    if column == "title" and value is not None and _column(row, "id") is not None:
        href = datasette.urls.path(f"/article/{_column(row, 'id')}")
        return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)
    if column == "published_local" and value:
        has_time = _column(row, "published_has_time")
        return human_published(value, True if has_time is None else has_time)
    if column in ("authors", "tags") and value:
        return ", ".join(string_list(value)) or None
    return None


@hookimpl(specname="filters_from_request")
def local_day_filter(request: Any, database: str, table: str, datasette: Any) -> Any:
    """The local-day facet's selection (``published_local__startswith=DAY``), said
    again through the publication-time index (``archive.web.facets.local_day_range``)."""
    if database != DATABASE_NAME or table != ARTICLES:
        return None
    clauses, params = local_day_range(request.args.getlist(LOCAL_DAY_ARG))
    return FilterArguments(clauses, params) if clauses else None


@hookimpl(specname="filters_from_request")
def tag_filter(request: Any, database: str, table: str, datasette: Any) -> Any:
    """The tags facet's selection (``tags__arraycontains=TAG``), said again through each
    tag's articles (``archive.web.large_lists.tag_clauses``) when the archive keeps them
    (an archive of an older arsip, not yet opened for writing, does not)."""
    if database != DATABASE_NAME or table != ARTICLES or not request.args.get(large_lists.TAG_ARG):
        return None

    async def tagged() -> FilterArguments | None:
        if not await _reader(datasette).execute_fn(counts.tag_articles_kept):
            return None
        how = await large_lists.request_plan(
            request, datasette, large_lists.TAG_KEY,
            lambda: large_lists.tag_articles(datasette, request.args.get(large_lists.TAG_ARG)),
        )  # fmt: skip
        clauses, params = large_lists.tag_clauses(request.args.getlist(large_lists.TAG_ARG), how)
        return FilterArguments(clauses, params) if clauses else None

    return tagged


@hookimpl(specname="filters_from_request")
def place_filter(request: Any, database: str, table: str, datasette: Any) -> Any:
    if database != DATABASE_NAME or table != ARTICLES or not request.args.get(PLACE_ARG):
        return None
    asked = request.args.get(PLACE_ARG)

    async def about_place() -> FilterArguments:
        try:
            place = resolve_place(asked)
        except ValueError as error:
            raise BadRequest(f"{PLACE_ARG}: {error}") from None
        tagged = await _reader(datasette).execute(
            "select 1 from sqlite_master where type = 'table' and name = 'article_places'"
        )
        if not tagged.rows:
            raise BadRequest("This archive has no place tags (an older arsip wrote it).")
        how = await large_lists.request_plan(
            request, datasette, large_lists.PLACE_KEY,
            lambda: large_lists.place_articles(datasette, asked),
        )  # fmt: skip
        clause = large_lists.place_clause(how)
        # A code and the codes under it sort from "36.03" to just before "36.03/".
        return FilterArguments(
            [clause], {"arsip_place": place.code, "arsip_place_end": place.code + "/"},
            [f"about {place.label}"], {"place_label": place.label},
        )  # fmt: skip

    return about_place


@hookimpl
def extra_template_vars(
    template: str, database: str, table: str, request: Any, datasette: Any
) -> Any:
    if database != DATABASE_NAME:
        return None
    if table == ARTICLES:

        async def places_of(display_rows: list) -> dict[int, list[tuple[str, str]]]:
            """The listed articles' places, best first: ``{id: [(code, label)]}``."""
            ids = [int(cell["raw"]) for row in display_rows for cell in row
                   if cell["value_type"] == "pk"]  # fmt: skip
            if not ids:
                return {}
            marks = ", ".join("?" for _ in ids)
            try:
                rows = await _reader(datasette).execute(
                    f"select article_id, code from article_places where score >= {ABOUT:d}"
                    f" and article_id in ({marks}) order by article_id, score desc, code",
                    ids,
                )
            except Exception:  # noqa: BLE001 - an older archive without place tags
                return {}
            places = gazetteer()
            found: dict[int, list[tuple[str, str]]] = {}
            for article_id, code in rows.rows:
                shown = found.setdefault(article_id, [])
                if len(shown) < LIST_PLACES:
                    shown.append((code, places[code].label if code in places else code))
            return found

        def facets_left_out(shown: dict[str, Any], rows: int | None) -> list[str]:
            configured = datasette.table_metadata(database, table).get("facets", [])
            return left_out(configured, shown, rows)

        found = {"places_of": places_of, "place_arg": PLACE_ARG,
                 "large_list": large_lists.large_list(request) if request else None,
                 "facets_left_out": facets_left_out, "facet_rows": FACET_ROWS}  # fmt: skip
        hidden = large_lists.form_hidden_args(request) if request is not None else None
        if hidden is not None:
            found["form_hidden_args"] = hidden
        return found
    return {"table_order": TABLE_ORDER}
