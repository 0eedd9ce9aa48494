"""Counting the archive: articles per portal, per section and per period (day, ISO
week, month) of a grouping (portal, section, place), as tables that fit a terminal and as a
plot.

Days are calendar days in the portal's own time (the date part of
``published_local``, WIB for the portals arsip knows), or in UTC when asked: a story
published at 06:00 WIB belongs to that morning, not to the previous UTC evening. A
story the page gave only a day for counts on that day.

A grouping is one entry of ``GROUPS``: the SQL that names an article's group, and the
tables to join for it. Adding one there adds it to ``arsip stats --group``, the JSON
and the plot. Grouped by place, an article counts for each regency or city it is about
(about a kecamatan: its regency or city), for ``Banten`` when it is about the province
alone, and ``(no place)`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from archive import counts
from archive.export import MissingExtra
from archive.places import has_places, place_counts
from archive.places.tagger import ABOUT
from archive.search import BEFORE_FIRST, BEYOND_LAST, ArticleFilter
from archive.times import JAKARTA, local_value, parse_instant, zone


@dataclass(frozen=True)
class Grouping:
    """How articles are grouped in ``per_period``: ``expr`` names an article's group
    (SQL over ``articles AS a``), ``join`` adds what it needs to the FROM clause (an
    article in several groups counts in each)."""

    expr: str
    join: str = ""


_REGIONS = f"""
    SELECT article_id, substr(code, 1, 5) AS region FROM article_places
    WHERE score >= {ABOUT:d} AND length(code) >= 5
    UNION
    SELECT article_id, code FROM article_places p
    WHERE score >= {ABOUT:d} AND length(code) = 2 AND NOT EXISTS (
        SELECT 1 FROM article_places q
        WHERE q.article_id = p.article_id AND q.score >= {ABOUT:d} AND length(q.code) >= 5)
"""
"""Each article's regencies and cities (an article about a kecamatan is about its
regency or city), or the province for one about Banten alone."""

GROUPS: dict[str, Grouping] = {
    "portal": Grouping("a.portal"),
    "section": Grouping("coalesce(a.section, '(no section)')"),
    # Short enough that a few fit beside each other: "Kab. Lebak", "Kota Serang".
    "place": Grouping(
        "coalesce(replace(pl.name, 'Kabupaten ', 'Kab. '), r.region, '(no place)')",
        f"LEFT JOIN ({_REGIONS}) r ON r.article_id = a.id LEFT JOIN places pl ON pl.code = r.region",
    ),
}
"""``arsip stats --group``: the one place a grouping is declared."""

PERIODS = ("day", "week", "month")
TABLE_WIDTH = 100
"""Text tables stay within this many columns; groups that do not fit are summed as
``other``."""
OTHER = "other"


def article_stats(
    db: sqlite_utils.Database,
    where: ArticleFilter,
    *,
    utc: bool = False,
    by: str = "day",
    group: str = "portal",
    days: bool = True,
) -> dict[str, Any]:
    """Counts of the articles ``where`` selects::

        {"articles": int,
         "undated": int,                      # articles without a publication time
         "per_portal": [{"portal", "articles", "first_published", "last_published",
                         "first_published_local", "last_published_local"}],
         "per_section": [{"portal", "section", "articles"}],
         "per_day": [{"day": "YYYY-MM-DD", "portal", "articles"}],
         "per_period": {"by", "group", "periods": [...], "groups": [...],
                        "counts": [{"period", "group", "articles"}]},
         "per_place": [{"code", "place", "articles"}]}  # archive.places.place_counts

    ``first_published``/``last_published`` are UTC instants, their ``_local`` forms the
    portal's local time with offset (the bare day when the page gave only a day);
    ``day`` is the local day (UTC day with ``utc``). ``per_period`` counts per ``by``
    (``day``, ``week``: ISO ``2025-W38``, ``month``: ``2025-09``) and per ``group``
    (a key of ``GROUPS``): ``periods`` is every period from the first to the last
    (those of ``--since``/``--until`` when given), empty ones included; ``groups`` is
    largest first; ``counts`` leaves out zeros. Other lists are sorted by portal, then
    section or day. ``days`` False leaves ``per_day`` out: counted from the archive's
    counts, articles per month are then summed by SQLite, not from every portal's days
    (``arsip stats`` as a table, at a million articles: 21,700 rows read, or 725).
    """
    conditions, params = where.where()
    source = where.source()
    grouping = GROUPS[group]
    if group == "place" and not has_places(db):  # an older archive, opened read-only
        grouping = Grouping("'(no place)'")
    day = "substr(a.published_at, 1, 10)" if utc else "substr(a.published_local, 1, 10)"
    months = not days and by == "month"  # the periods summed in SQL, no day needed
    kept = _from_counts(db, where, utc=utc, months=months) if group == "portal" else None
    if kept is not None:
        per_portal_section, per_day_portal_group, first_last = kept
    else:
        # Two passes over the selection (each a scan of a covering index when nothing
        # but dates filters it), the lists summed from them here: one per portal and
        # section, one per day, portal and group. Five statements, one per list, took
        # 2.5 times as long on a large archive.
        per_portal_section = db.execute(
            f"SELECT a.portal, a.section, count(*), count(a.published_at), min(a.published_at),"
            f" max(a.published_at) FROM {source} WHERE {conditions} GROUP BY a.portal, a.section",
            params,
        ).fetchall()
        first_last = {}
    total = sum(row[2] for row in per_portal_section)
    undated = total - sum(row[3] for row in per_portal_section)
    portals: dict[str, dict[str, Any]] = {}
    for portal, _, n, _, first, last in per_portal_section:
        row = portals.setdefault(
            portal, {"portal": portal, "articles": 0, "first_published": None,
                     "last_published": None},
        )  # fmt: skip
        row["articles"] += n
        if first is not None and (row["first_published"] is None or first < row["first_published"]):
            row["first_published"] = first
        if last is not None and (row["last_published"] is None or last > row["last_published"]):
            row["last_published"] = last
    for portal, (first, last) in first_last.items():
        portals[portal].update(first_published=first, last_published=last)
    per_portal = [portals[name] for name in sorted(portals)]
    for row in per_portal:
        for end in ("first", "last"):
            row[f"{end}_published_local"] = _local_at(db, row["portal"], row[f"{end}_published"])
    per_section = [
        {"portal": portal, "section": section, "articles": n}
        for portal, section, n, *_ in sorted(
            per_portal_section, key=lambda r: (r[0], r[1] is None, r[1] or "")
        )
    ]
    if kept is not None:  # one row a day and portal, the portal its group
        per_portal_day = per_group_day = [
            (d, portal, n) for d, portal, _, n in per_day_portal_group
        ]
    elif grouping.join:  # an article may count in several groups: its days apart
        per_group_day = db.execute(
            f"SELECT {day} AS day, {grouping.expr} AS grp, count(*) FROM {source}"
            f" {grouping.join} WHERE {conditions} AND {day} IS NOT NULL GROUP BY day, grp",
            params,
        ).fetchall()
        per_portal_day = db.execute(
            f"SELECT {day} AS day, a.portal, count(*) FROM {source}"
            f" WHERE {conditions} AND {day} IS NOT NULL GROUP BY day, a.portal",
            params,
        ).fetchall()
    else:
        per_day_portal_group = db.execute(
            f"SELECT {day} AS day, a.portal, {grouping.expr} AS grp, count(*) FROM {source}"
            f" WHERE {conditions} AND {day} IS NOT NULL GROUP BY day, a.portal, grp",
            params,
        ).fetchall()
        per_group_day = _sum_by(per_day_portal_group, lambda r: (r[0], r[2]))
        per_portal_day = _sum_by(per_day_portal_group, lambda r: (r[0], r[1]))
    facts: dict[str, Any] = {
        "articles": total,
        "undated": undated,
        "per_portal": per_portal,
        "per_section": per_section,
    }
    if days:
        facts["per_day"] = [
            {"day": d, "portal": portal, "articles": n}
            for d, portal, n in sorted(per_portal_day, key=lambda r: (r[0], r[1]))
        ]
    facts["per_period"] = _per_period(per_group_day, where, by=by, group=group, utc=utc)
    facts["per_place"] = place_counts(db, source, conditions, params)
    return facts


def _from_counts(
    db: sqlite_utils.Database, where: ArticleFilter, *, utc: bool, months: bool = False
) -> tuple[list[tuple], list[tuple], dict[str, tuple[str | None, str | None]]] | None:
    """``article_stats``'s passes over the articles, read from the counts kept per
    portal and day and per portal, section and month (``archive.counts``): rows
    ``(portal, section, articles, dated, None, None)``, ``(day, portal, portal,
    articles)`` (with ``months``, one row a month, its last day standing for it), and
    each portal's first and last publication instants. None when the
    counts cannot say: a search query, a section or a place filter (the articles of a
    section by day are not counted), or an archive of an older arsip opened only for
    reading."""
    if where.query or where.places or where.sections or not counts.kept(db):
        return None
    days_sql, days_params = _kept_rows(counts.DAYS, 10, where)
    sections_sql, sections_params = _kept_rows(counts.SECTIONS, 7, where, complement=True)
    per_portal_section = db.execute(
        f"SELECT portal, nullif(section, {counts.NONE}), sum(articles),"
        f" sum(CASE WHEN utc_month = {counts.NONE} THEN 0 ELSE articles END), NULL, NULL"
        f" FROM ({sections_sql}) GROUP BY portal, section HAVING sum(articles) <> 0",
        sections_params,
    ).fetchall()
    day = "utc_day" if utc else "local_day"
    # With ``months``, a month's row stands for it by its last day with articles.
    key, grouped = (f"max({day})", f"substr({day}, 1, 7)") if months else (day, day)
    # Two passes: the articles of each portal and day, then each portal's first and
    # last UTC day (one pass of both took 60-90 ms at 100,000 articles, these 35-50:
    # the aggregates of UTC days over every row of the table cost more than a second
    # scan that keeps only a portal's ends).
    per_day_portal_group = [
        (day_text, portal, portal, n)
        for portal, day_text, n in db.execute(
            f"SELECT portal, {key}, sum(articles) FROM ({days_sql})"
            f" WHERE {day} <> {counts.NONE} GROUP BY portal, {grouped}",
            days_params,
        )
    ]
    ends = {
        portal: (first, last)
        for portal, first, last in db.execute(
            f"SELECT portal, min(utc_day), max(utc_day) FROM ({days_sql})"
            f" WHERE utc_day <> {counts.NONE} GROUP BY portal",
            days_params,
        )
    }
    first_last = {
        portal: (_instant_on(db, where, portal, first, "min"), _instant_on(db, where, portal, last, "max"))
        for portal, (first, last) in ends.items()
    }  # fmt: skip
    return per_portal_section, per_day_portal_group, first_last


def _kept_rows(
    kept: counts.Kept, length: int, where: ArticleFilter, *, complement: bool = False
) -> tuple[str, list[Any]]:
    """A SELECT of ``kept``'s rows (its columns, ``NONE`` for NULL, then ``articles``)
    that sum to the articles ``where`` selects by portal and publication time. Whole UTC
    periods (days or months: their keys' ``length``, the last column) come from the
    table; the periods ``since`` or ``until`` cut through are counted from the articles
    of those hours (on the index of ``published_at``). With ``complement``, a cut
    period comes whole from the table less its hours outside the bounds (rows of
    negative counts) when those are fewer: a month of local days cuts two UTC months,
    by 7 hours each (a month of a million articles: 16,500 articles read, or 320).
    Rows of a key may then sum to 0: the reader leaves those out."""
    clauses: list[str] = []
    params: list[Any] = []
    if where.portals:
        clauses.append(f"portal IN ({', '.join('?' for _ in where.portals)})")
        params.extend(where.portals)
    period = kept.columns[-1]
    table = f"SELECT {', '.join(kept.columns)}, articles FROM {kept.table}"
    if where.since is None and where.until is None:
        return f"{table} WHERE {' AND '.join(clauses) or '1'}", params

    def counted(low: str, high: str, sign: str = "") -> tuple[str, list[Any]]:
        named = ", ".join(
            f"ifnull({v}, {counts.NONE}) AS {c}"
            for c, v in zip(kept.columns, kept.of(""), strict=True)
        )
        groups = ", ".join(str(n) for n in range(1, len(kept.columns) + 1))
        return (
            f"SELECT {named}, {sign}count(*) AS articles FROM articles"
            f" WHERE {' AND '.join([*clauses, 'published_at >= ?', 'published_at < ?'])}"
            f" GROUP BY {groups}",
            [*params, low, high],
        )

    low, high = where.since or BEFORE_FIRST, where.until or BEYOND_LAST
    # The table gives the periods from ``first`` to ``last`` (instants at period
    # starts; ``until`` is exclusive): the whole periods within the bounds, or with
    # ``complement`` the cut ones too where that leaves fewer hours to count.
    within = (_ceiling(low, length), _start(high[:length]))
    span = within if within[0] < within[1] else None
    if complement:
        spans = [(first, last) for first in (_start(low[:length]), within[0])
                 for last in (within[1], _ceiling(high, length)) if first < last]  # fmt: skip
        counted_hours = {s: _counted_seconds(s, low, high) for s in spans}
        direct = _seconds(low, high)
        if direct is not None and None not in counted_hours.values():
            span = min(spans, key=counted_hours.__getitem__, default=None)
            if span is not None and direct <= counted_hours[span]:
                span = None
    if span is None:
        return counted(low, high)
    first, last = span
    parts = [(f"{table} WHERE {' AND '.join([*clauses, f'{period} >= ?', f'{period} < ?'])}",
              [*params, first[:length], last[:length]])]  # fmt: skip
    if first > low:
        parts.append(counted(low, first))
    elif first < low:
        parts.append(counted(first, low, "-"))
    if last < high:
        parts.append(counted(last, high))
    elif last > high:
        parts.append(counted(high, last, "-"))
    return " UNION ALL ".join(sql for sql, _ in parts), [p for _, values in parts for p in values]


def _ceiling(instant: str, length: int) -> str:
    """The start of the first UTC period (of ``length``) at or after ``instant``."""
    period = instant[:length]
    return instant if instant == _start(period) else _start(_next(period))


def _seconds(low: str, high: str) -> float | None:
    """Seconds from ``low`` to ``high``; None for the bounds' sentinels."""
    try:
        return (datetime.fromisoformat(high) - datetime.fromisoformat(low)).total_seconds()
    except ValueError:
        return None


def _counted_seconds(span: tuple[str, str], low: str, high: str) -> float | None:
    """The hours (in seconds) counted from the articles when the table gives ``span``
    and the bounds are ``low`` and ``high``; None when one cannot be told."""
    before, after = _seconds(*sorted((span[0], low))), _seconds(*sorted((span[1], high)))
    return None if before is None or after is None else before + after


def _start(period: str) -> str:
    """The instant a UTC day (``2025-03-01``) or month (``2025-03``) starts at."""
    return f"{period}{'-01' if len(period) == 7 else ''}T00:00:00Z"


def _next(period: str) -> str:
    """The UTC day or month after ``period``."""
    try:
        if len(period) == 7:
            year, month = int(period[:4]), int(period[5:])
            return f"{year + month // 12:04d}-{month % 12 + 1:02d}"
        return (date.fromisoformat(period) + timedelta(days=1)).isoformat()
    except (ValueError, OverflowError):
        return "9999-99"  # after the last period there is: after every period


def _instant_on(
    db: sqlite_utils.Database, where: ArticleFilter, portal: str, day: str | None, end: str
) -> str | None:
    """The first (``end="min"``) or last (``"max"``) publication instant of the articles
    ``where`` selects from ``portal`` on the UTC ``day``."""
    if day is None:
        return None
    conditions, params = where.where()
    return db.execute(
        f"SELECT {end}(a.published_at) FROM articles a WHERE {conditions}"
        " AND a.portal = ? AND a.published_at >= ? AND a.published_at < ?",
        [*params, portal, _start(day), _start(_next(day))],
    ).fetchone()[0]


def _sum_by(rows: list[tuple], key: Any) -> list[tuple[str, str, int]]:
    """``(a, b, count)`` for each ``key(row) == (a, b)``, counts (each row's last
    value) summed."""
    sums: dict[tuple[str, str], int] = {}
    for row in rows:
        name = key(row)
        sums[name] = sums.get(name, 0) + row[-1]
    return [(a, b, n) for (a, b), n in sums.items()]


def _local_at(db: sqlite_utils.Database, portal: str, published_at: str | None) -> str | None:
    """The local form of a portal's article published at ``published_at``."""
    if published_at is None:
        return None
    found = db.execute(
        "SELECT published_local, published_has_time FROM articles WHERE portal = ?"
        " AND published_at = ? ORDER BY published_has_time IS 0 LIMIT 1",
        [portal, published_at],
    ).fetchone()
    return local_value(*found) if found else None


def period_of(day: date, by: str) -> str:
    """The name of the period ``day`` falls in: the day itself, its ISO week
    (``2025-W38``, Monday to Sunday) or its month (``2025-09``)."""
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{day:%Y-%m}"
    return day.isoformat()


def period_start(period: str) -> date:
    """The first day of a period named by ``period_of``."""
    if "-W" in period:
        year, week = period.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    if len(period) == 7:
        return date.fromisoformat(period + "-01")
    return date.fromisoformat(period)


def _days(first: date, last: date) -> Iterator[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def _bound_day(instant: str | None, *, utc: bool, end: bool) -> date | None:
    """The day (local, WIB, or UTC) of a filter bound; ``until`` is exclusive."""
    parsed = parse_instant(instant)
    if parsed is None:
        return None
    if end:
        parsed -= timedelta(seconds=1)
    return parsed.astimezone(UTC if utc else zone(JAKARTA)).date()


def _per_period(
    per_group_day: list[tuple[str, str, int]],
    where: ArticleFilter,
    *,
    by: str,
    group: str,
    utc: bool,
) -> dict[str, Any]:
    counts: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    days = [date.fromisoformat(d) for d in {d for d, _, _ in per_group_day}]
    period_of_day: dict[str, str] = {}  # each day once, not once per group
    for day_text, name, n in per_group_day:
        if day_text not in period_of_day:
            period_of_day[day_text] = period_of(date.fromisoformat(day_text), by)
        key = (period_of_day[day_text], name)
        counts[key] = counts.get(key, 0) + n
        totals[name] = totals.get(name, 0) + n
    first = _bound_day(where.since, utc=utc, end=False) or (min(days) if days else None)
    last = _bound_day(where.until, utc=utc, end=True) or (max(days) if days else None)
    periods: list[str] = []
    if first is not None and last is not None:
        for day in _days(first, last):
            if not periods or periods[-1] != period_of(day, by):
                periods.append(period_of(day, by))
    return {
        "by": by,
        "group": group,
        "periods": periods,
        "groups": sorted(totals, key=lambda name: (-totals[name], name)),
        "counts": [
            {"period": period, "group": name, "articles": n}
            for (period, name), n in sorted(counts.items())
        ],
    }


def period_table(
    per_period: dict[str, Any], width: int = TABLE_WIDTH
) -> tuple[list[str], list[list[Any]], list[str]]:
    """``per_period`` pivoted for a terminal: one row per period (empty ones as zeros),
    one column per group, largest first, as many as fit in ``width`` columns; the
    groups that do not fit are summed in ``other``; then the total. Returns
    ``(headers, rows, groups summed in other)``."""
    periods, groups = per_period["periods"], per_period["groups"]
    counts = {(c["period"], c["group"]): c["articles"] for c in per_period["counts"]}
    total = {p: sum(counts.get((p, g), 0) for g in groups) for p in periods}
    biggest = max(total.values(), default=0)

    def column(header: str) -> int:
        # As tabulate's "simple" format draws it: a header and 2 spaces of padding, or
        # the widest number, then 2 spaces between columns.
        return max(len(header) + 2, len(str(biggest))) + 2

    used = max([len(per_period["by"]) + 2, *map(len, periods)]) + column("total")
    shown: list[str] = []
    for index, name in enumerate(groups):
        rest = len(groups) - index - 1
        room = width - used - column(name) - (column(OTHER) if rest else 0)
        if room < 0:
            break
        shown.append(name)
        used += column(name)
    folded = groups[len(shown) :]
    headers = [per_period["by"], *shown, *([OTHER] if folded else []), "total"]
    rows = []
    for period in periods:
        row: list[Any] = [period, *(counts.get((period, g), 0) for g in shown)]
        if folded:
            row.append(sum(counts.get((period, g), 0) for g in folded))
        rows.append([*row, total[period]])
    return headers, rows, folded


PLOT_LINES = 10
"""At most this many lines in a plot: the largest groups, the rest summed as ``other``."""


def plot_per_period(
    per_period: dict[str, Any], path: str | Path, *, title: str, rolling: int | None = None
) -> None:
    """Write a PNG of articles per period, one line per group (the largest
    ``PLOT_LINES - 1``, the rest as ``other``), empty periods drawn as zero, the legend
    beside the plot, never over its lines. ``rolling``: each line is the mean of its
    last ``rolling`` periods (drawn from the ``rolling``-th period on). Uses
    matplotlib's Agg backend (no display needed)."""
    try:
        import matplotlib
    except ImportError:
        raise MissingExtra("--plot needs matplotlib: pip install 'arsip[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    periods, groups = per_period["periods"], per_period["groups"]
    counts = {(c["period"], c["group"]): c["articles"] for c in per_period["counts"]}
    shown = groups if len(groups) <= PLOT_LINES else groups[: PLOT_LINES - 1]
    folded = groups[len(shown) :]
    series = {name: [counts.get((p, name), 0) for p in periods] for name in shown}
    if folded:
        series[OTHER] = [sum(counts.get((p, g), 0) for g in folded) for p in periods]
    x = [period_start(p) for p in periods]
    figure, axes = plt.subplots(figsize=(10, 4.5), dpi=100, layout="constrained")
    try:
        if periods:
            for name, values in series.items():
                shown_values = _rolling(values, rolling) if rolling else values
                axes.plot(x, shown_values, marker="o" if len(x) <= 90 else None, markersize=3,
                          linewidth=1.2, label=name)  # fmt: skip
            locator = mdates.AutoDateLocator()
            axes.xaxis.set_major_locator(locator)
            axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
            figure.legend(title=per_period["group"], loc="outside right upper", frameon=False)
        else:
            axes.text(0.5, 0.5, "no dated articles", ha="center", va="center",
                      transform=axes.transAxes)  # fmt: skip
        axes.set_title(title)
        per = f"articles per {per_period['by']}"
        axes.set_ylabel(f"{per}, mean of {rolling}" if rolling else per)
        axes.set_ylim(bottom=0)
        if not rolling:
            axes.yaxis.get_major_locator().set_params(integer=True)
        axes.grid(axis="y", alpha=0.3)
        figure.savefig(path, format="png")
    finally:
        plt.close(figure)


def _rolling(values: list[int], window: int) -> list[float]:
    """The mean of each value and the ``window - 1`` before it; NaN (not drawn) until
    there are ``window`` values."""
    means = []
    for index in range(len(values)):
        if index + 1 < window:
            means.append(float("nan"))
        else:
            means.append(sum(values[index + 1 - window : index + 1]) / window)
    return means
