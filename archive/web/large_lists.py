"""Large lists of the articles table: selected by words (``?_search=``), a place
(``?_place=``) or a tag (``?tags__arraycontains=``) that many articles have, within the
time limit.

Datasette writes a search as ``id in (select rowid from articles_fts where articles_fts
match ...)`` (and arsip's place filter alike, from ``article_places``), and SQLite then
fetches every selected article by its id and sorts them all in the list's order. That
is quick for a rare word and slow for a common one: on a million-article archive, 4 ms
for a word in 1,390 articles, 172 ms for one in 99,921, 1.1 s for one in every article
(past Datasette's time limit: HTTP 400; the same for Banten, the place of every
tagged article). The page counts them, and each facet of them, as long again.

arsip's search filter (``search_filters``, in the place of Datasette's: ``archive.serve``
registers this module instead of ``datasette.filters``) first counts the articles the
words are in, from the full-text index alone (``search_matches``: 58 ms for a million
matches, under a millisecond for a few thousand); the place filter
(``archive.web.plugin``) reads its number from the counts the archive keeps
(``place_articles``). With more than ``FEW`` and the list in the order of publication
(``WALKED_ORDERS``: newest first, as the list is by default), SQLite walks the
publication-time index instead and stops at a page of them:

- ``+id in (...)``: each article of the walk is looked up in the set of the selected
  (16 ms for a word in 99,921 articles; 192 ms for one in every article, the set
  built);
- when the page will not count them (``_nocount``, or JSON of the rows alone) and, for
  words, past ``SOME`` matches, ``exists (...)``: the full-text index (or the place
  tags of the article) is asked for each article of the walk (8 ms for the word in
  every article; at 10,000 matches it would be 507 ms: each question to the full-text
  index reads its list of matches).

A tag's articles are read from ``tag_articles`` besides Datasette's filter (which reads
the tags of every article): ``tag_clauses``.

When the words, the place and the tag (those asked) each select more than ``FEW``
articles, the list's page neither counts the list nor counts its facets (counting a
million matches takes 0.4-1 s, each facet 1.4 s and more): ``page_scope`` adds
``_nocount=1`` and ``_nofacet=1`` to the request (the ASGI wrapper of
``archive.web.plugin``, before Datasette reads them), the page says how many articles
have the words, are about the place and have the tag (``large_list``), and the list's
form leaves the two out (``form_hidden_args``) so that another search is counted
again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import filters as datasette_filters
from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.filters import through_filters, where_filters  # noqa: F401 - Datasette's own

from archive import counts
from archive.places.gazetteer import resolve_place
from archive.places.tagger import ABOUT
from archive.serve import DATABASE_NAME
from archive.web.facets import PLACE_ARG

ARTICLES = "articles"
FEW = 5_000
"""Up to this many matches, Datasette's search (every match fetched, sorted, counted
and faceted) stays within the time limit."""
SOME = 200_000
"""Up to this many matches, a walk of the list's order looks each article up in the
set of the matches; past it, the full-text index is asked for each."""
WALKED_ORDERS = frozenset({"published_at"})
"""The list's orders a narrow index keeps (``idx_articles_published_at``), walked past
``FEW`` matches. In id order Datasette's search is quick up to ``SOME``: SQLite reads the
set of the matches in id order (1 ms for a word in 5,885 articles of a million; a walk
of the table itself, 14 ms); past ``SOME``, building the set is the cost (350 ms for
the page of a word in every article), and the table is walked as below."""
ASKED_ORDERS = frozenset({"published_at", "id"})
"""The orders walked past ``SOME`` matches, the full-text index asked for each
article."""
LEFT_OUT = ("_nocount", "_nofacet")
"""What a page of a search with more than ``FEW`` matches leaves out (Datasette's
arguments)."""
MATCHES_KEY = "arsip.search_matches"
"""Where the ASGI wrapper leaves the count in the request's scope, for the filter and
the form."""
TAG_ARG = "tags__arraycontains"
"""The tags facet's selection: Datasette's filter of a JSON array's values."""
TAG_KEY = "arsip.tag_articles"
"""Where the ASGI wrapper leaves the number of articles with the tag asked."""
PLACE_KEY = "arsip.place_articles"
"""Where the ASGI wrapper leaves the number of articles about the place asked."""
LARGE_KEY = "arsip.large_list"
"""Whether the ASGI wrapper left out the count and the facets (``LEFT_OUT``)."""


def _words(args: Any) -> str | None:
    """The words of a search of the whole row (``_search``); None for none, or for a
    search Datasette's filter answers as it is (a column's, another index)."""
    if "_fts_table" in args or "_fts_pk" in args:
        return None
    words = args.get("_search")
    return words if words and words.strip() else None


def _raw(args: Any, table_metadata: dict[str, Any]) -> bool:
    """Whether the words are FTS5 syntax (``searchmode`` raw) or plain words."""
    mode = args.get("_searchmode") or table_metadata.get("searchmode")
    return mode == "raw"


def _match(raw: bool) -> str:
    return "articles_fts match " + (":search" if raw else "escape_fts(:search)")


async def search_matches(datasette: Any, args: Any) -> int | None:
    """How many articles have the words of a search of the articles list, from the
    full-text index; None when ``args`` (a request's) is no such search, or the words
    are FTS5 syntax that does not parse (Datasette's search says so)."""
    words = _words(args)
    if words is None:
        return None
    metadata = datasette.table_metadata(DATABASE_NAME, ARTICLES)
    db = datasette.get_database(DATABASE_NAME)
    try:
        found = await db.execute(
            f"select count(*) from articles_fts where {_match(_raw(args, metadata))}",
            {"search": words},
        )
    except (sqlite3.DatabaseError, QueryInterrupted):
        return None
    return found.rows[0][0]


def _order(args: Any, table_metadata: dict[str, Any]) -> str | None:
    """The column the list is ordered by, as Datasette reads it."""
    return (
        args.get("_sort")
        or args.get("_sort_desc")
        or table_metadata.get("sort")
        or table_metadata.get("sort_desc")
    )


async def tag_articles(datasette: Any, tag: str | None) -> int | None:
    """How many articles have the tag ``tag``, from the counts the archive keeps; None
    for no tag or an archive without the counts."""
    return None if tag is None else await _counted(datasette, counts.TAG_TABLE, "tag", tag)


async def _counted(datasette: Any, table: str, key: str, value: str) -> int | None:
    """The articles ``table`` of the counts holds for ``key = value`` (0 for none);
    None for an archive that does not keep the counts."""
    db = datasette.get_database(DATABASE_NAME)
    if not await db.execute_fn(counts.kept):
        return None
    found = await db.execute(f"select articles from {table} where {key} = ?", [value])
    return found.rows[0][0] if found.rows else 0


SET, WALKED_SET, ASKED = "set", "walked set", "asked"
"""How a list reads the articles its words, place or tag select (``plan``): Datasette's
way, the set of them fetched and sorted; the set, walked in the list's order; or the
walk asking the selection of each article."""


def plan(args: Any, table_metadata: dict[str, Any], selected: int | None,
         asked_past: int | None = None) -> str:  # fmt: skip
    """How the list of ``args`` reads the ``selected`` articles (None: not known): the
    set up to ``FEW``; past it, in the order of publication, the set walked; past
    ``asked_past`` (``FEW``), when the page does not count, in that order or the id's,
    the walk asking each article."""
    if selected is None or selected <= FEW:
        return SET
    order = _order(args, table_metadata)
    past = FEW if asked_past is None else asked_past
    if selected > past and _uncounted(args) and order in ASKED_ORDERS:
        return ASKED
    return WALKED_SET if order in WALKED_ORDERS else SET


async def request_plan(request: Any, datasette: Any, key: str,
                       count: Callable[[], Awaitable[int | None]],
                       asked_past: int | None = None) -> str:  # fmt: skip
    """The ``plan`` of the list ``request`` asks for, from the number of the articles it
    selects that ``page_scope`` noted under ``key``, or else ``count()`` (a request the
    ASGI wrapper does not see: the JSON of the list)."""
    selected = request.scope[key] if key in request.scope else await count()
    metadata = datasette.table_metadata(DATABASE_NAME, ARTICLES)
    return plan(request.args, metadata, selected, asked_past)


def _in_set(selected: str, how: str) -> str:
    """The clause keeping the articles whose id ``selected`` (a query) gives, the set
    walked (``+id``: no lookup of the ids) or not."""
    return f"{'+' if how == WALKED_SET else ''}id in ({selected})"


def tag_clauses(tags: list[str], how: str) -> tuple[list[str], dict[str, str]]:
    """Clauses said besides Datasette's ``tags__arraycontains=TAG`` (which reads the tags
    of every article, as JSON, newest first: 1.1 s at a million articles, and as long
    for each facet): the articles with the tag, from ``tag_articles`` (each tag's
    articles, ``archive.counts``), as the set the list reads (``how``, a ``plan``).
    Datasette's clause stays; it is the question the walk asks of each article
    (``ASKED``: nothing said)."""
    if how == ASKED:
        return [], {}
    clauses, params = [], {}
    for i, tag in enumerate(tag for tag in tags if tag):
        params[f"arsip_tag_{i}"] = tag
        clauses.append(_in_set(
            f"select article_id from {counts.TAG_ARTICLES_TABLE} where tag = :arsip_tag_{i}", how
        ))  # fmt: skip
    return clauses, params


def place_clause(how: str) -> str:
    """The where clause selecting the articles about the place (``:arsip_place``, the
    codes up to ``:arsip_place_end``), as ``how`` (a ``plan``) reads them; the walk asks
    the place tags of each article (their index on the article: cheap)."""
    if how == ASKED:
        return ("exists (select 1 from article_places p where p.article_id = articles.id"
                f" and p.score >= {ABOUT:d} and p.code >= :arsip_place"
                " and p.code < :arsip_place_end)")  # fmt: skip
    return _in_set(f"select article_id from article_places where score >= {ABOUT:d}"
                   " and code >= :arsip_place and code < :arsip_place_end", how)  # fmt: skip


def _uncounted(args: Any) -> bool:
    """Whether Datasette will not count the list: ``_nocount``, or a JSON shape of the
    rows alone (``_shape=array`` or ``object``)."""
    return bool(args.get("_nocount")) or args.get("_shape") in ("array", "object")


@hookimpl(specname="filters_from_request")
def search_filters(request: Any, database: str, table: str, datasette: Any) -> Any:
    """Datasette's search filter, but for a search of the articles list with more than
    ``FEW`` matches in an order an index keeps: then a walk of that order (above)."""
    asked = datasette_filters.search_filters(request, database, table, datasette)
    if database != DATABASE_NAME or table != ARTICLES or _words(request.args) is None:
        return asked

    async def inner() -> Any:
        found = await asked()
        how = await request_plan(request, datasette, MATCHES_KEY,
                                 lambda: search_matches(datasette, request.args), SOME)  # fmt: skip
        match = _match(_raw(request.args, datasette.table_metadata(database, table)))
        if how == ASKED:
            found.where_clauses[:] = [f"exists (select 1 from articles_fts where {match}"
                                      " and articles_fts.rowid = articles.id)"]  # fmt: skip
        elif how == WALKED_SET:  # (SET: Datasette's own clause)
            found.where_clauses[:] = [_in_set(f"select rowid from articles_fts where {match}", how)]
        return found

    return inner


async def place_articles(datasette: Any, asked: str | None) -> int | None:
    """How many articles are about the place ``asked`` (``_place``) or a place within
    it, from the counts the archive keeps; None for no place, an unknown one (the
    filter says why) or an archive without the counts."""
    if not asked:
        return None
    try:
        code = resolve_place(asked).code
    except ValueError:
        return None
    return await _counted(datasette, counts.PLACE_TABLE, "code", code)


async def page_scope(datasette: Any, scope: dict[str, Any]) -> dict[str, Any]:
    """The scope of a request of the articles list's page, with ``LEFT_OUT`` added when
    it selects more than ``FEW`` articles by words, by a place and by a tag, each of
    those asked (and the numbers noted)."""
    query = scope.get("query_string", b"").decode("latin-1")
    args: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        args.setdefault(key, value)  # the first, as Datasette's ``request.args.get``
    matches = await search_matches(datasette, args)
    about = await place_articles(datasette, args.get(PLACE_ARG))
    tagged = await tag_articles(datasette, args.get(TAG_ARG))
    selected = [n for n in (matches, about, tagged) if n is not None]
    large = bool(selected) and min(selected) > FEW
    # Noted even when None (nothing asked, or no counts): the filters read them here.
    scope = {**scope, MATCHES_KEY: matches, PLACE_KEY: about, TAG_KEY: tagged,
             LARGE_KEY: large}  # fmt: skip
    added = [name for name in LEFT_OUT if name not in args]
    if large and added:
        more = urlencode(dict.fromkeys(added, "1"))
        scope["query_string"] = (f"{query}&{more}" if query else more).encode("latin-1")
    return scope


def large_list(request: Any) -> dict[str, Any] | None:
    """What the page of a list ``page_scope`` left the counts out of says: the number
    of articles with the words and about the place; None for another page."""
    if not request.scope.get(LARGE_KEY):
        return None
    return {"matches": request.scope.get(MATCHES_KEY), "place": request.scope.get(PLACE_KEY),
            "tag": request.scope.get(TAG_KEY), "few": FEW}  # fmt: skip


def form_hidden_args(request: Any) -> list[tuple[str, str]] | None:
    """The list's form's hidden arguments (as Datasette lists them) without
    ``LEFT_OUT`` when ``page_scope`` added them: another search from the form is
    counted by its own words. None otherwise (Datasette's stand)."""
    if not request.scope.get(LARGE_KEY):
        return None
    return [
        (key, value)
        for key in request.args
        if key.startswith("_") and key not in ("_sort", "_sort_desc", "_search", "_next")
        and "__" not in key and key not in LEFT_OUT
        for value in request.args.getlist(key)
    ]  # fmt: skip
