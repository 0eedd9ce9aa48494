"""The facets of the articles table that Datasette has no class for, built lazily (so
that importing this module does not import Datasette):

- ``local_day``: the date part of a text column (``published_local``), selecting with
  ``column__startswith=day``: the portal's local days. Datasette's own date facet would
  use SQLite's ``date()``, which converts ``+07:00`` times to UTC and files a 06:00 WIB
  story under the previous day.
- ``place``: the Banten places the listed articles are about (an article about a
  kecamatan counts for its regency or city and the province too), most articles
  first, selecting with ``_place=CODE`` (``archive.web.plugin`` filters on it).

Over the whole articles table (no filter, no search), every facet reads the counts
the archive keeps (``archive.counts``) instead of every article: Datasette's column
and array facets are replaced by subclasses that do so for ``portal``, ``section`` and
``tags`` (``archive.serve`` takes Datasette's own facet classes out of its plugins),
and the local-day and place facets here do the same. A million-article archive
counted each facet over every article: about a second a page. The counts also answer
the portal, section and day facets of one portal's list (``COUNTED_IN_PORTAL``); a list
of more than ``FACET_ROWS`` articles is not faceted otherwise (the page names the
facets left out).

The local-day facet's selection, Datasette's ``published_local__startswith=DAY``, is
said again through the publication-time index (``local_day_range``, added by
``archive.web.plugin``'s filter).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from archive import counts
from archive.places import LEVEL_LENGTHS
from archive.places.gazetteer import gazetteer
from archive.places.tagger import ABOUT
from archive.times import UTC_FORMAT

PLACE_ARG = "_place"
"""The query-string argument that selects articles about a place (a code)."""
PLACES_FACET = "places"
"""The place facet's name on the page (its column, ``id``, says nothing)."""
LOCAL_DAY_ARG = "published_local__startswith"
"""The local-day facet's selection: Datasette's filter of a text's start."""
_DATE_PREFIX = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
EARLIEST_OFFSET, LATEST_OFFSET = timedelta(hours=-12), timedelta(hours=14)
"""The UTC offsets a local time can have."""


def local_day_range(prefixes: list[str]) -> tuple[list[str], dict[str, str]]:
    """Clauses the publication-time index answers, for the local-day filter's values
    that are a year, a month or a day (``2025``, ``2025-09``, ``2025-09-15``): each the
    UTC times a local time of that period can be, whatever its offset (or none). The
    filter's own ``like`` stays, and read every article newest first to find them (a
    day of a million-article archive: 3.4 s, past the time limit); through the index
    it reads the articles of those hours alone, newest first. The local time is the
    publication time in the portal's offset, and there is none without one
    (``crawler.extract.normalise``, ``arsip import``)."""
    clauses, params = [], {}
    for i, prefix in enumerate(prefixes):
        found = _DATE_PREFIX.fullmatch(prefix)
        if not found:
            continue
        year, month, day = (int(part) if part else None for part in found.groups())
        try:
            start = datetime(year, month or 1, day or 1)
        except ValueError:
            continue
        if day:
            end = start + timedelta(days=1)
        elif month:
            end = datetime(year + month // 12, month % 12 + 1, 1)
        else:
            end = datetime(year + 1, 1, 1)
        clauses.append(f"published_at >= :arsip_from_{i} and published_at < :arsip_until_{i}")
        params[f"arsip_from_{i}"] = (start - LATEST_OFFSET).strftime(UTC_FORMAT)
        params[f"arsip_until_{i}"] = (end - EARLIEST_OFFSET).strftime(UTC_FORMAT)
    return clauses, params


def facet_classes() -> list[type]:
    """The facet classes to register with Datasette, its own column, date and array
    facets included (``archive.serve`` unregisters those of Datasette)."""
    from datasette.facets import DateFacet

    return [_column_facet_class(), DateFacet, _array_facet_class(), _local_day_facet_class(),
            _place_facet_class()]  # fmt: skip


_WHOLE_TABLE = re.compile(r"select .+ from articles\s*", re.IGNORECASE | re.DOTALL)

_SUMMED = {
    ("column", "portal"): (counts.SECTION_TABLE, "portal", "count desc, value"),
    ("column", "section"): (counts.SECTION_TABLE, "section", "count desc, value"),
    ("local_day", "published_local"): (counts.DAY_TABLE, "local_day", "value desc"),
}
"""The facets summed from the counts per portal: their table, column and order."""


def _summed(key: tuple[str, str], condition: str = "") -> str:
    table, column, order = _SUMMED[key]
    return (
        f"select {column} as value, sum(articles) as count from {table}"
        f" where {column} != {counts.NONE}{condition} group by {column}"
        f" order by {order} limit :size"
    )


COUNTED = {
    **{key: _summed(key) for key in _SUMMED},
    ("array", "tags"): f"select tag as value, articles as count from {counts.TAG_TABLE}"
    " order by count desc, value limit :size",
    ("place", "id"): f"select code as value, articles as count from {counts.PLACE_TABLE}"
    " order by count desc, value limit :size",
}
"""The facets the counts answer for the whole table, by facet type and column, as
Datasette's or arsip's facet of every article would: a ``value`` and its ``count``, in
the facet's order, at most ``:size`` rows."""

_ONE_PORTAL = re.compile(r'select .+ from articles where "portal" = :p0\s*',
                         re.IGNORECASE | re.DOTALL)  # fmt: skip
COUNTED_IN_PORTAL = {key: _summed(key, " and portal = :portal") for key in _SUMMED}
"""The same, for the articles of one portal (``?portal=NAME``, nothing else)."""

FACET_ROWS = 5_000
"""A list of more articles than this is not faceted by reading its articles (the
counts answer the whole table and one portal): the five facets cost about 40 µs an
article together (a month's 16,517 at a million articles: 660 ms, the places facet
past its time limit; a section's 143,288: 0.3-1.6 s each), and the page waits for
each."""


def left_out(configured: list, shown: dict[str, Any], rows: int | None) -> list[str]:
    """The configured facets (the table's metadata) a list of ``rows`` articles does
    not show because it holds more than ``FACET_ROWS``: ``shown`` is Datasette's
    ``facet_results``."""
    if rows is None or rows <= FACET_ROWS:
        return []
    names = []
    for config in configured:
        if isinstance(config, str):
            names.append(config)
        else:
            ((kind, column),) = config.items()
            names.append(PLACES_FACET if kind == "place" else column)
    return [name for name in names if name not in shown]


def too_many(facet: Any) -> bool:
    """Whether the list ``facet`` counts holds more than ``FACET_ROWS`` articles, as far
    as the page counted it."""
    return facet.row_count is not None and facet.row_count > FACET_ROWS


async def facet_rows(facet: Any, column: str, size: int, sql: str) -> list | None:
    """The rows of ``facet`` on ``column``: from the counts when they answer it
    (``counted_rows``), else ``sql`` over the list's articles within the facet time
    limit (``QueryInterrupted`` past it); None when the list holds too many articles to
    read (``too_many``)."""
    rows = await counted_rows(facet, column, size)
    if rows is not None:
        return rows
    if too_many(facet):
        return None
    found = await facet.ds.execute(
        facet.database, sql, facet.params, truncate=False,
        custom_time_limit=facet.ds.setting("facet_time_limit_ms"),
    )  # fmt: skip
    return list(found.rows)


def facet_column(config: dict[str, Any]) -> str:
    """The column of a facet's configuration (``{"column": ...}`` or ``{"simple":
    ...}``)."""
    return config["config"].get("column") or config["config"]["simple"]


async def counted_rows(facet: Any, column: str, size: int) -> list | None:
    """The rows of ``facet`` on ``column`` (at most ``size + 1``) from the counts when
    it counts the whole articles table, or one portal's articles, of an archive that
    keeps them; None otherwise (another filter or a search, a facet the counts do not
    hold, an older archive)."""
    key = (facet.type, column)
    if facet.table != "articles":
        return None
    if key in COUNTED and not facet.params and _WHOLE_TABLE.fullmatch(facet.sql):
        sql, params = COUNTED[key], {"size": size + 1}
    elif (
        key in COUNTED_IN_PORTAL
        and set(facet.params) == {"p0"}
        and _ONE_PORTAL.fullmatch(facet.sql)
    ):
        sql, params = COUNTED_IN_PORTAL[key], {"portal": facet.params["p0"], "size": size + 1}
    else:
        return None
    # The counts with every trigger in place (``archive.counts.kept``: a connection
    # answers the queries it asks as a sqlite-utils database would).
    if not await facet.ds.get_database(facet.database).execute_fn(counts.kept):
        return None
    found = await facet.ds.execute(
        facet.database, sql, params, truncate=False,
        custom_time_limit=facet.ds.setting("facet_time_limit_ms"),
    )  # fmt: skip
    return list(found.rows)


def facet_values(facet: Any, rows: list, key: str, label: Any = None) -> list[dict[str, Any]]:
    """A facet's ``results``: each row's ``value``, ``label`` (``label(value)``, else
    the value), ``count``, whether it is selected (``key=value`` in the query string)
    and the URL that toggles it, as Datasette's facets give them."""
    from datasette.utils import path_with_added_args, path_with_removed_args

    pairs = facet.get_querystring_pairs()
    values = []
    for row in rows:
        value = row["value"]
        selected = (key, str(value)) in pairs
        toggle = (path_with_removed_args if selected else path_with_added_args)(
            facet.request, {key: str(value) if selected else value}
        )
        values.append({
            "value": value,
            "label": label(value) if label else value,
            "count": row["count"],
            "toggle_url": facet.ds.absolute_url(facet.request, facet.ds.urls.path(toggle)),
            "selected": selected,
        })  # fmt: skip
    return values


def facet_result(
    facet: Any, source_and_config: dict[str, Any], rows: list, key: str, facet_arg: str,
    *, name: str | None = None, label: Any = None,
) -> dict[str, Any]:  # fmt: skip
    """One facet's entry of ``facet_results`` as Datasette's facets give it: its values
    (``facet_values``, ``rows`` past the facet's size marking it truncated) and the URL
    that takes it away (``facet_arg``: ``_facet``, ``_facet_array``...)."""
    from datasette.utils import path_with_removed_args

    size = facet.get_facet_size()
    column = facet_column(source_and_config)
    return {
        "name": name or column,
        "type": facet.type,
        "results": facet_values(facet, rows[:size], key, label),
        "hideable": source_and_config["source"] != "metadata",
        "toggle_url": facet.ds.urls.path(
            path_with_removed_args(facet.request, {facet_arg: column})
        ),
        "truncated": len(rows) > size,
    }


def _column_facet_class() -> type:
    """Datasette's column facet, answering ``portal`` and ``section`` of the whole
    table from the counts."""
    from datasette.facets import ColumnFacet

    class CountedColumnFacet(ColumnFacet):
        async def facet_results(self) -> tuple[list, list]:
            mine: dict[str, dict[str, Any]] = {}
            for config in self.get_configs():
                column = facet_column(config)
                rows = await counted_rows(self, column, self.get_facet_size())
                if rows is not None:
                    mine[column] = facet_result(self, config, rows, column, "_facet")
            self._counted = set(mine)
            if too_many(self):
                return list(mine.values()), []
            results, timed_out = await super().facet_results()
            return [*mine.values(), *results], timed_out

        def get_configs(self) -> list:
            """Each column once (an asked facet the table shows already is not shown
            twice), but those answered from the counts."""
            seen = set(getattr(self, "_counted", ()))
            configs = []
            for config in super().get_configs():
                if facet_column(config) not in seen:
                    seen.add(facet_column(config))
                    configs.append(config)
            return configs

    return CountedColumnFacet


def _array_facet_class() -> type:
    """Datasette's array facet, answering ``tags`` of the whole table from the counts."""
    from datasette.facets import ArrayFacet

    class CountedArrayFacet(ArrayFacet):
        async def facet_results(self) -> tuple[list, list]:
            configs = self.get_configs()
            rows = None
            if len(configs) == 1:
                column = facet_column(configs[0])
                rows = await counted_rows(self, column, self.get_facet_size())
            if rows is None:
                return ([], []) if too_many(self) else await self._counted_per_row(configs)
            key = f"{column}__arraycontains"
            return [facet_result(self, configs[0], rows, key, "_facet_array")], []

        async def _counted_per_row(self, configs: list) -> tuple[list, list]:
            """Each value counted once a row, as Datasette's array facet counts it, by
            the row's primary key: Datasette's keeps every column of the distinct
            (value, row) pairs, the bodies of the matches of a search included (a rare
            word at a million articles: 177 ms of a 340 ms page)."""
            from datasette.database import QueryInterrupted
            from datasette.utils import escape_sqlite

            database = self.ds.get_database(self.database)
            keys = await database.primary_keys(self.table) if self.table else []
            if not keys:
                return await super().facet_results()
            row_key = ", ".join(f"inner.{escape_sqlite(k)}" for k in keys)
            results, timed_out = [], []
            size = self.get_facet_size()
            for config in configs:
                column = escape_sqlite(facet_column(config))
                # The list read once, its keys and the column alone: flattened into the
                # join, SQLite read every article for a list its filters find through
                # an index (a local day's 550 at a million articles: 1.2 s).
                kept = ", ".join([*(escape_sqlite(k) for k in keys), column])
                sql = (
                    f"with inner as materialized (select {kept} from ({self.sql})),"
                    f" deduped_array_items as (select distinct j.value, {row_key}"
                    f" from inner join json_each(inner.{column}) j)"
                    " select value, count(*) as count from deduped_array_items"
                    f" group by value order by count(*) desc, value limit {size + 1}"
                )
                try:
                    found = await self.ds.execute(
                        self.database, sql, self.params, truncate=False,
                        custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                    )  # fmt: skip
                except QueryInterrupted:
                    timed_out.append(facet_column(config))
                    continue
                rows = [{"value": str(r["value"]), "count": r["count"]} for r in found.rows]
                key = f"{facet_column(config)}__arraycontains"
                results.append(facet_result(self, config, rows, key, "_facet_array"))
            return results, timed_out

    return CountedArrayFacet


def _local_day_facet_class() -> type:
    """A Datasette facet on the date part of a text column (``YYYY-MM-DD...``),
    selecting with ``column__startswith=day``: local days, unlike the built-in date
    facet. Built lazily so that importing this module does not import Datasette."""
    from datasette.database import QueryInterrupted
    from datasette.facets import DateFacet
    from datasette.utils import (
        escape_sqlite,
    )

    class LocalDayFacet(DateFacet):
        type = "local_day"

        async def suggest(self) -> list:
            return []

        async def facet_results(self) -> tuple[list, list]:
            results: list = []
            timed_out: list = []
            size = self.get_facet_size()
            for source_and_config in self.get_configs():
                column = facet_column(source_and_config)
                day = f"substr({escape_sqlite(column)}, 1, 10)"
                sql = (
                    f"select {day} as value, count(*) as count from ({self.sql})"
                    f" where {escape_sqlite(column)} is not null"
                    f" group by value order by value desc limit {size + 1}"
                )
                try:
                    rows = await facet_rows(self, column, size, sql)
                except QueryInterrupted:
                    timed_out.append(column)
                    continue
                if rows is None:
                    continue
                results.append(facet_result(
                    self, source_and_config, rows, f"{column}__startswith", "_facet_local_day"
                ))  # fmt: skip
            return results, timed_out

    return LocalDayFacet


def _place_facet_class() -> type:
    from datasette.database import QueryInterrupted
    from datasette.facets import Facet

    class PlaceFacet(Facet):
        type = "place"

        async def suggest(self) -> list:
            return []

        async def facet_results(self) -> tuple[list, list]:
            results: list = []
            timed_out: list = []
            tagged = await self.ds.execute(
                self.database,
                "select 1 from sqlite_master where type = 'table' and name = 'article_places'",
            )
            if not tagged.rows:  # an archive of an older arsip: no place tags
                return results, timed_out
            size = self.get_facet_size()
            # Each tag counts for its own code, its regency or city and the province.
            levels = " union ".join(
                f"select p.article_id, substr(p.code, 1, {length:d}) as code from article_places p"
                f" where p.score >= {ABOUT:d} and length(p.code) >= {length:d}"
                f" and p.article_id in (select id from ({self.sql}))"
                for length in LEVEL_LENGTHS
            )
            sql = (
                f"select code as value, count(distinct article_id) as count from ({levels})"
                f" group by code order by count desc, code limit {size + 1}"
            )
            places = gazetteer()
            for source_and_config in self.get_configs():
                try:
                    rows = await facet_rows(self, facet_column(source_and_config), size, sql)
                except QueryInterrupted:
                    timed_out.append(PLACES_FACET)
                    continue
                if rows is None:
                    continue
                results.append(facet_result(
                    self, source_and_config, rows, PLACE_ARG, "_facet_place", name=PLACES_FACET,
                    label=lambda code: places[code].label if code in places else code,
                ))  # fmt: skip
            return results, timed_out

    return PlaceFacet
