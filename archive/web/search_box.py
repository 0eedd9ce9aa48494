"""The articles list's search box leads to arsip's search page.

Datasette searches a table by counting every match, faceting every match and sorting
every match by the list's order: a word in most articles of a million-article archive
runs past the time limit (HTTP 400), and even a rare word takes about 0.4 s there.
arsip's ``/search`` (``archive.search``) answers the same words within the limit: the
best matches, or the newest past ``archive.search.RANK_LIMIT`` matches.

So a search of the articles list as its search box sends it (the words, the list's
default order, an empty filter row, and the filters ``/search`` also takes: a portal, a
place) is redirected to ``/search``. Anything else the request asks of the list (a
section filter, a facet, a sort, columns, a page, ``_searchmode``) keeps Datasette's
searched list, count and facets included: ``/search`` links to it as
``?_search=...&_searchmode=escaped`` (arsip's configured mode, named).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

TABLE_ARGS = {"q": "_search", "portal": "portal__exact", "place": "_place"}
"""``/search``'s arguments the articles list takes, and their names there."""
MAPPED = {**{table: page for page, table in TABLE_ARGS.items()}, "portal": "portal"}
"""The list's arguments ``/search`` takes, and their names there (``portal=`` is the
list's short form of ``portal__exact=``)."""
DEFAULT_ORDER = {("_sort_desc", "published_at"), ("_sort", "published_at"),
                 ("_sort_by_desc", "on")}  # fmt: skip
"""The list's own order (newest first), as the URL or the search box's form says it."""
EMPTY_FILTER_ROW = ("_filter_column", "_filter_op", "_filter_value")
"""The search box's form sends its empty filter row (``_filter_op`` set, no column)."""


def search_page_args(query: str) -> dict[str, str] | None:
    """The ``/search`` arguments of a search of the articles list, when the request is
    one the search page answers alike; else None (Datasette's list answers it)."""
    args = parse_qsl(query, keep_blank_values=True)
    columns = {value for key, value in args if key.startswith("_filter_column")}
    if columns - {""}:
        return None  # a filter row being added: Datasette turns it into a filter
    if ("_sort", "published_at") in args and ("_sort_by_desc", "on") not in args:
        return None  # oldest first
    found: dict[str, str] = {}
    for key, value in args:
        if (key, value) in DEFAULT_ORDER or key.startswith(EMPTY_FILTER_ROW):
            continue
        if key not in MAPPED or MAPPED[key] in found:  # another argument, or one given twice
            return None
        found[MAPPED[key]] = value
    return found if found.get("q", "").strip() else None


def search_page_url(search_url: str, query: str) -> str | None:
    """Where a search of the articles list goes: ``/search`` with its arguments, or None."""
    args = search_page_args(query)
    return f"{search_url}?{urlencode(args)}" if args is not None else None


def table_search_args(args: dict[str, str]) -> str:
    """The articles list's query string for the words (and portal, place) of a search
    page's arguments: Datasette's searched list, with its count and facets."""
    filters = {
        name: args[page] for page, name in TABLE_ARGS.items() if page != "q" and args.get(page)
    }
    return urlencode({"_search": args.get("q", ""), "_searchmode": "escaped", **filters})
