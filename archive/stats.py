"""Counting the archive: articles per portal, per section and per day, and a plot of
articles per day per portal.

Days are calendar days in the portal's own time (the date part of
``published_local``, WIB for the portals arsip knows), or in UTC when asked: a story
published at 06:00 WIB belongs to that morning, not to the previous UTC evening.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.export import MissingExtra
from archive.places import place_counts
from archive.search import ArticleFilter


def article_stats(
    db: sqlite_utils.Database, where: ArticleFilter, *, utc: bool = False
) -> dict[str, Any]:
    """Counts of the articles ``where`` selects::

        {"articles": int,
         "undated": int,                      # articles without a publication time
         "per_portal": [{"portal", "articles", "first_published", "last_published"}],
         "per_section": [{"portal", "section", "articles"}],
         "per_day": [{"day": "YYYY-MM-DD", "portal", "articles"}],
         "per_place": [{"code", "place", "articles"}]}  # archive.places.place_counts

    ``first_published``/``last_published`` are UTC instants; ``day`` is the local day
    (UTC day with ``utc``). Lists are sorted by portal, then section or day.
    """
    conditions, params = where.where()
    source = where.source()
    day = "substr(a.published_at, 1, 10)" if utc else "substr(a.published_local, 1, 10)"

    def rows(sql: str) -> list[dict[str, Any]]:
        cursor = db.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    total, undated = db.execute(
        f"SELECT count(*), count(*) - count(a.published_at) FROM {source} WHERE {conditions}",
        params,
    ).fetchone()
    return {
        "articles": total,
        "undated": undated,
        "per_portal": rows(
            f"SELECT a.portal, count(*) AS articles, min(a.published_at) AS first_published,"
            f" max(a.published_at) AS last_published FROM {source} WHERE {conditions}"
            " GROUP BY a.portal ORDER BY a.portal"
        ),
        "per_section": rows(
            f"SELECT a.portal, a.section, count(*) AS articles FROM {source}"
            f" WHERE {conditions} GROUP BY a.portal, a.section"
            " ORDER BY a.portal, a.section IS NULL, a.section"
        ),
        "per_day": rows(
            f"SELECT {day} AS day, a.portal, count(*) AS articles FROM {source}"
            f" WHERE {conditions} AND {day} IS NOT NULL GROUP BY day, a.portal"
            " ORDER BY day, a.portal"
        ),
        "per_place": place_counts(db, source, conditions, params),
    }


def day_table(per_day: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """``per_day`` pivoted: one row per day (days without articles left out), one column
    per portal, then the total. Returns ``(headers, rows)``."""
    portals = sorted({r["portal"] for r in per_day})
    days: dict[str, dict[str, int]] = {}
    for r in per_day:
        days.setdefault(r["day"], {})[r["portal"]] = r["articles"]
    rows = [
        [day, *(counts.get(p, 0) for p in portals), sum(counts.values())]
        for day, counts in sorted(days.items())
    ]
    return ["day", *portals, "total"], rows


def plot_per_day(per_day: list[dict[str, Any]], path: str | Path, *, title: str) -> None:
    """Write a PNG of articles per day, one line per portal, days without articles drawn
    as zero. Uses matplotlib's Agg backend (no display needed)."""
    try:
        import matplotlib
    except ImportError:
        raise MissingExtra("--plot needs matplotlib: pip install 'arsip[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    counts: dict[str, dict[date, int]] = {}
    for r in per_day:
        counts.setdefault(r["portal"], {})[date.fromisoformat(r["day"])] = r["articles"]
    all_days = sorted({d for series in counts.values() for d in series})
    figure, axes = plt.subplots(figsize=(10, 4.5), dpi=100, layout="constrained")
    try:
        if all_days:
            span = (all_days[-1] - all_days[0]).days + 1
            days = [all_days[0] + timedelta(days=i) for i in range(span)]
            for portal, series in sorted(counts.items()):
                values = [series.get(d, 0) for d in days]
                axes.plot(days, values, marker="o" if span <= 90 else None, markersize=3,
                          linewidth=1.2, label=portal)  # fmt: skip
            locator = mdates.AutoDateLocator()
            axes.xaxis.set_major_locator(locator)
            axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
            axes.legend(title="portal", loc="upper left", frameon=False)
        else:
            axes.text(0.5, 0.5, "no dated articles", ha="center", va="center",
                      transform=axes.transAxes)  # fmt: skip
        axes.set_title(title)
        axes.set_ylabel("articles per day")
        axes.set_ylim(bottom=0)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.grid(axis="y", alpha=0.3)
        figure.savefig(path, format="png")
    finally:
        plt.close(figure)
