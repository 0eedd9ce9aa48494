"""The facets of the articles table that Datasette has no class for, built lazily (so
that importing this module does not import Datasette):

- ``local_day``: the date part of a text column (``published_local``), selecting with
  ``column__startswith=day``: the portal's local days. Datasette's own date facet would
  use SQLite's ``date()``, which converts ``+07:00`` times to UTC and files a 06:00 WIB
  story under the previous day.
- ``place``: the Banten places the listed articles are about (an article about a
  kecamatan counts for its regency or city and the province too), most articles
  first, selecting with ``_place=CODE`` (``archive.web.plugin`` filters on it).
"""

from __future__ import annotations

from typing import Any

from archive.places.gazetteer import gazetteer
from archive.places.tagger import ABOUT

PLACE_ARG = "_place"
"""The query-string argument that selects articles about a place (a code)."""


def facet_classes() -> list[type]:
    """The facet classes to register with Datasette."""
    return [_local_day_facet_class(), _place_facet_class()]


def _local_day_facet_class() -> type:
    """A Datasette facet on the date part of a text column (``YYYY-MM-DD...``),
    selecting with ``column__startswith=day``: local days, unlike the built-in date
    facet. Built lazily so that importing this module does not import Datasette."""
    from datasette.database import QueryInterrupted
    from datasette.facets import DateFacet
    from datasette.utils import (
        escape_sqlite,
        path_with_added_args,
        path_with_removed_args,
    )

    class LocalDayFacet(DateFacet):
        type = "local_day"

        async def suggest(self) -> list:
            return []

        async def facet_results(self) -> tuple[list, list]:
            results: list = []
            timed_out: list = []
            args = dict(self.get_querystring_pairs())
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
                    rows = await self.ds.execute(
                        self.database, sql, self.params, truncate=False,
                        custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                    )  # fmt: skip
                except QueryInterrupted:
                    timed_out.append(column)
                    continue
                key = f"{column}__startswith"
                values = []
                for row in rows.rows[:size]:
                    selected = args.get(key) == row["value"]
                    toggle = (path_with_removed_args if selected else path_with_added_args)(
                        self.request, {key: row["value"]}
                    )
                    values.append(
                        {
                            "value": row["value"],
                            "label": row["value"],
                            "count": row["count"],
                            "toggle_url": self.ds.absolute_url(self.request, toggle),
                            "selected": selected,
                        }
                    )
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
    from datasette.utils import path_with_added_args, path_with_removed_args

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
            selected = self.request.args.get(PLACE_ARG)
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
                f"select code, count(distinct article_id) as count from ({levels})"
                f" group by code order by count desc, code limit {size + 1}"
            )
            for source_and_config in self.get_configs():
                try:
                    rows = await self.ds.execute(
                        self.database, sql, self.params, truncate=False,
                        custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                    )  # fmt: skip
                except QueryInterrupted:
                    timed_out.append("places")
                    continue
                places = gazetteer()
                values: list[dict[str, Any]] = []
                for row in rows.rows[:size]:
                    code = row["code"]
                    chosen = selected == code
                    toggle = (path_with_removed_args if chosen else path_with_added_args)(
                        self.request, {PLACE_ARG: code}
                    )
                    values.append(
                        {
                            "value": code,
                            "label": places[code].label if code in places else code,
                            "count": row["count"],
                            "toggle_url": self.ds.absolute_url(self.request, toggle),
                            "selected": chosen,
                        }
                    )
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
