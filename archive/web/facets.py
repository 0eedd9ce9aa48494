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
counted each facet over every article: about a second a page.
"""

from __future__ import annotations

import re
from typing import Any

from archive import counts
from archive.places.gazetteer import gazetteer
from archive.places.tagger import ABOUT

PLACE_ARG = "_place"
"""The query-string argument that selects articles about a place (a code)."""


def facet_classes() -> list[type]:
    """The facet classes to register with Datasette, its own column, date and array
    facets included (``archive.serve`` unregisters those of Datasette)."""
    from datasette.facets import DateFacet

    return [_column_facet_class(), DateFacet, _array_facet_class(), _local_day_facet_class(),
            _place_facet_class()]  # fmt: skip


_WHOLE_TABLE = re.compile(r"select .+ from articles\s*", re.IGNORECASE | re.DOTALL)

COUNTED_COLUMNS = {
    "portal": f"select portal as value, sum(articles) as count from {counts.SECTION_TABLE}"
    f" where portal != {counts.NONE} group by portal order by count desc, value limit ?",
    "section": f"select section as value, sum(articles) as count from {counts.SECTION_TABLE}"
    f" where section != {counts.NONE} group by section order by count desc, value limit ?",
    "tags": f"select tag as value, articles as count from {counts.TAG_TABLE}"
    " order by count desc, value limit ?",
    "published_local": f"select local_day as value, sum(articles) as count from {counts.DAY_TABLE}"
    f" where local_day != {counts.NONE} group by local_day order by value desc limit ?",
    "places": f"select code as value, articles as count from {counts.PLACE_TABLE}"
    " order by count desc, value limit ?",
}
"""The facets the counts answer for the whole table, by column (``places``: the place
facet), as Datasette's or arsip's facet of every article would: a ``value`` and its
``count``, in the facet's order, at most ``?`` rows."""


async def counted_rows(facet: Any, column: str, size: int) -> list | None:
    """The rows of ``facet`` on ``column`` (at most ``size + 1``) from the counts when
    it counts the whole articles table of an archive that keeps them; None otherwise
    (a filter or a search, another column, an archive of an older arsip)."""
    if (
        column not in COUNTED_COLUMNS
        or facet.table != "articles"
        or facet.params
        or not _WHOLE_TABLE.fullmatch(facet.sql)
    ):
        return None
    # The counts with every trigger in place (``archive.counts.kept``: a connection
    # answers the queries it asks as a sqlite-utils database would).
    if not await facet.ds.get_database(facet.database).execute_fn(counts.kept):
        return None
    found = await facet.ds.execute(
        facet.database, COUNTED_COLUMNS[column], [size + 1], truncate=False,
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


def _column_facet_class() -> type:
    """Datasette's column facet, answering ``portal`` and ``section`` of the whole
    table from the counts."""
    from datasette.facets import ColumnFacet
    from datasette.utils import path_with_removed_args

    class CountedColumnFacet(ColumnFacet):
        async def facet_results(self) -> tuple[list, list]:
            size = self.get_facet_size()
            mine: dict[str, dict[str, Any]] = {}
            for source_and_config in self.get_configs():
                column = source_and_config["config"].get("column") or source_and_config[
                    "config"
                ].get("simple")
                if column in ("portal", "section") and column not in mine:
                    rows = await counted_rows(self, column, size)
                    if rows is not None:
                        mine[column] = {
                            "name": column,
                            "type": self.type,
                            "hideable": source_and_config["source"] != "metadata",
                            "toggle_url": self.ds.urls.path(
                                path_with_removed_args(self.request, {"_facet": column})
                            ),
                            "results": facet_values(self, rows[:size], column),
                            "truncated": len(rows) > size,
                        }
            self._counted = set(mine)
            results, timed_out = await super().facet_results()
            return [*mine.values(), *results], timed_out

        def get_configs(self) -> list:
            """Each column once (an asked facet the table shows already is not shown
            twice), but those answered from the counts."""
            seen = set(getattr(self, "_counted", ()))
            configs = []
            for config in super().get_configs():
                column = config["config"].get("column") or config["config"].get("simple")
                if column not in seen:
                    seen.add(column)
                    configs.append(config)
            return configs

    return CountedColumnFacet


def _array_facet_class() -> type:
    """Datasette's array facet, answering ``tags`` of the whole table from the counts."""
    from datasette.facets import ArrayFacet
    from datasette.utils import path_with_removed_args

    class CountedArrayFacet(ArrayFacet):
        async def facet_results(self) -> tuple[list, list]:
            size = self.get_facet_size()
            configs = self.get_configs()
            rows = None
            if len(configs) == 1:
                config = configs[0]["config"]
                column = config.get("column") or config.get("simple")
                if column == "tags":
                    rows = await counted_rows(self, column, size)
            if rows is None:
                return await super().facet_results()
            key = f"{column}__arraycontains"
            return [{
                "name": column,
                "type": self.type,
                "results": facet_values(self, rows[:size], key),
                "hideable": configs[0]["source"] != "metadata",
                "toggle_url": self.ds.urls.path(
                    path_with_removed_args(self.request, {"_facet_array": column})
                ),
                "truncated": len(rows) > size,
            }], []  # fmt: skip

    return CountedArrayFacet


def _local_day_facet_class() -> type:
    """A Datasette facet on the date part of a text column (``YYYY-MM-DD...``),
    selecting with ``column__startswith=day``: local days, unlike the built-in date
    facet. Built lazily so that importing this module does not import Datasette."""
    from datasette.database import QueryInterrupted
    from datasette.facets import DateFacet
    from datasette.utils import (
        escape_sqlite,
        path_with_removed_args,
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
                config = source_and_config["config"]
                column = config.get("column") or config["simple"]
                day = f"substr({escape_sqlite(column)}, 1, 10)"
                sql = (
                    f"select {day} as value, count(*) as count from ({self.sql})"
                    f" where {escape_sqlite(column)} is not null"
                    f" group by value order by value desc limit {size + 1}"
                )
                try:
                    rows = (
                        await counted_rows(self, column, size)
                        if column == "published_local"
                        else None
                    )
                    if rows is None:
                        rows = (await self.ds.execute(
                            self.database, sql, self.params, truncate=False,
                            custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                        )).rows  # fmt: skip
                except QueryInterrupted:
                    timed_out.append(column)
                    continue
                values = facet_values(self, rows[:size], f"{column}__startswith")
                results.append(
                    {
                        "name": column,
                        "type": self.type,
                        "results": values,
                        "hideable": source_and_config["source"] != "metadata",
                        "toggle_url": path_with_removed_args(
                            self.request, {"_facet_local_day": column}
                        ),
                        "truncated": len(rows) > size,
                    }
                )
            return results, timed_out

    return LocalDayFacet


def _place_facet_class() -> type:
    from datasette.database import QueryInterrupted
    from datasette.facets import Facet
    from datasette.utils import path_with_removed_args

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
                f"select p.article_id, {expression} as code from article_places p"
                f" where p.score >= {ABOUT:d} and length(p.code) >= {length:d}"
                f" and p.article_id in (select id from ({self.sql}))"
                for expression, length in (("substr(p.code, 1, 2)", 2),
                                           ("substr(p.code, 1, 5)", 5), ("p.code", 8))
            )  # fmt: skip
            sql = (
                f"select code as value, count(distinct article_id) as count from ({levels})"
                f" group by code order by count desc, code limit {size + 1}"
            )
            places = gazetteer()
            for source_and_config in self.get_configs():
                try:
                    rows = await counted_rows(self, "places", size)
                    if rows is None:
                        rows = (await self.ds.execute(
                            self.database, sql, self.params, truncate=False,
                            custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                        )).rows  # fmt: skip
                except QueryInterrupted:
                    timed_out.append("places")
                    continue
                values = facet_values(
                    self, rows[:size], PLACE_ARG,
                    lambda code: places[code].label if code in places else code,
                )  # fmt: skip
                results.append(
                    {
                        "name": "places",
                        "type": self.type,
                        "results": values,
                        "hideable": source_and_config["source"] != "metadata",
                        "toggle_url": path_with_removed_args(self.request, {"_facet_place": "id"}),
                        "truncated": len(rows) > size,
                    }
                )
            return results, timed_out

    return PlaceFacet
