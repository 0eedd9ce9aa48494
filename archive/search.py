"""Finding articles: the shared filters, full-text search (its language is
``archive.search_language``), the selected rows, and one article's record.

Times: filters take instants as UTC strings ``YYYY-MM-DDTHH:MM:SSZ`` (the format of
``articles.published_at``), so comparisons are plain string comparisons on an index.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from time import monotonic
from typing import Any

import sqlite_utils

from archive.search_language import fts_query
from archive.stored import string_list
from archive.times import to_utc_iso

WIB = timezone(timedelta(hours=7), "WIB")


# -- dates ------------------------------------------------------------------------------


def parse_when(text: str, *, end: bool = False, utc: bool = False) -> str:
    """A ``--since``/``--until`` value as a UTC instant ``YYYY-MM-DDTHH:MM:SSZ``.

    Accepts a day ``YYYY-MM-DD`` or an ISO 8601 date-time (``2025-09-16T09:00``,
    ``2025-09-16 09:00:00+07:00``, ``...Z``). Without an offset it is read in WIB
    (UTC+07:00), or in UTC when ``utc`` is true. With ``end`` the result is the first
    instant *after* the given time: the next day's midnight for a day, one second later
    for a date-time, so that ``published_at < result`` includes the whole of it.

    Raises ``ValueError`` with a message for anything else.
    """
    value = text.strip()
    zone = UTC if utc else WIB
    try:
        return _when(value, zone, end=end)
    except OverflowError:
        # The calendar's ends (9999-12-31 in WIB ends after the last UTC instant Python
        # can hold, 0001-01-01 in WIB starts before the first): a bound beyond every
        # stored time on that side.
        return BEYOND_LAST if int(value[:4]) >= 5000 else BEFORE_FIRST
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date: use YYYY-MM-DD or an ISO 8601 time such as "
            "2025-09-16T09:00 (read in WIB unless it has an offset or --utc is given)"
        ) from None


# Bounds past the ends of the calendar, in the archive's UTC text: every stored time
# sorts after the first and before the second (":60" is the leap second's notation).
BEFORE_FIRST = "0001-01-01T00:00:00Z"
BEYOND_LAST = "9999-12-31T23:59:60Z"


def _when(value: str, zone: tzinfo, *, end: bool) -> str:
    """``parse_when`` without its error handling: ValueError for what is not a date,
    OverflowError past the ends of the calendar."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        day = date.fromisoformat(value)
        instant = datetime.combine(day, time(0), zone)
        if end:
            instant += timedelta(days=1)
    elif re.fullmatch(
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", value
    ):
        instant = datetime.fromisoformat(value)
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=zone)
        instant = instant.replace(microsecond=0)
        if end:
            instant += timedelta(seconds=1)
    else:
        raise ValueError
    return to_utc_iso(instant)


# -- filters ----------------------------------------------------------------------------


@dataclass
class ArticleFilter:
    """Which articles a search, an export or the stats look at. Empty means all.

    ``since`` is inclusive and ``until`` exclusive, both UTC instants as returned by
    ``parse_when`` (an article without a publication time is left out when either is
    set). ``portals`` and ``sections`` match exactly, sections ignoring case.
    ``places`` are place codes (``36.74``): an article about one of them or about a
    place within it (``archive.places.place_clause``). ``query`` is in the search
    language.
    """

    portals: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    query: str | None = None
    _fts: str | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.query is not None:
            self._fts = fts_query(self.query)
        if self.since and self.until and self.since >= self.until:
            raise ValueError("--since must be before --until")

    def where(self, alias: str = "a") -> tuple[str, list[Any]]:
        """SQL conditions over ``articles AS alias`` (joined with ``articles_fts`` when
        there is a query) and their parameters; never any user text in the SQL."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.portals:
            clauses.append(f"{alias}.portal IN ({', '.join('?' for _ in self.portals)})")
            params.extend(self.portals)
        if self.sections:
            marks = ", ".join("?" for _ in self.sections)
            clauses.append(f"{alias}.section COLLATE NOCASE IN ({marks})")
            params.extend(self.sections)
        if self.places:
            from archive.places import place_clause

            clause, values = place_clause(self.places, alias)
            clauses.append(clause)
            params.extend(values)
        if self.since:
            clauses.append(f"{alias}.published_at >= ?")
            params.append(self.since)
        if self.until:
            clauses.append(f"{alias}.published_at < ?")
            params.append(self.until)
        if self._fts:
            clauses.append("articles_fts MATCH ?")
            params.append(self._fts)
        return (" AND ".join(clauses) or "1"), params

    def source(self, alias: str = "a") -> str:
        """The FROM clause matching ``where``."""
        if self._fts:
            return f"articles_fts JOIN articles {alias} ON {alias}.id = articles_fts.rowid"
        return f"articles {alias}"


SEARCH_COLUMNS = (
    "id", "published_local", "published_at", "published_has_time", "portal", "section",
    "title", "url", "snippet", "rank",
)  # fmt: skip


class SearchTimeLimit(Exception):
    """A search ran past its time limit and was stopped (``seconds``)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"the search was stopped after its time limit of {seconds:g} s")


@contextlib.contextmanager
def stopped_after(conn: sqlite3.Connection, seconds: float | None) -> Iterator[None]:
    """Stop the statements run in the block once ``seconds`` have passed (None or 0:
    no limit), with ``SearchTimeLimit``, as Datasette's ``sql_time_limit_ms`` does for
    ``arsip serve``. A timer interrupts the connection (``sqlite3_interrupt``): FTS5
    heeds it within its own long steps (ranking and snippets of many OR-ed prefixes),
    where SQLite's progress handler is not called for seconds. An interrupt that comes
    while no statement runs (between two of the block's) is lost by SQLite: the
    progress handler then stops the next statement at once."""
    if not seconds:
        yield
        return
    guard = threading.Lock()
    running = True
    past = threading.Event()

    def interrupt() -> None:
        with guard:
            if running:
                past.set()
                conn.interrupt()

    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    started = monotonic()
    conn.set_progress_handler(past.is_set, PROGRESS_STEPS)
    timer.start()
    try:
        yield
    except sqlite3.OperationalError as error:
        if "interrupted" in str(error) and monotonic() - started >= seconds:
            raise SearchTimeLimit(seconds) from None
        raise
    finally:
        with guard:
            running = False
        timer.cancel()
        conn.set_progress_handler(None, PROGRESS_STEPS)


PROGRESS_STEPS = 10_000
"""Virtual machine steps between two of ``stopped_after``'s checks of its limit."""


RANK_LIMIT = 50_000
"""``search`` ranks the matches by bm25 when at most this many articles of the archive
match the query (before ``--portal``, ``--since``... narrow them); more come newest
first. Ranking costs about 1.7 us a match on a 2-core machine (a word in every one
of 100,000 articles: 165 ms, and ten times that at a million), counting them about
0.1 us; and a word in that many articles says next to nothing about relevance (in
every article, bm25 gives them all the same score within 1e-8)."""

ORDERS = ("auto", "rank", "newest")
"""``search``'s orders: ``rank`` (bm25, best first), ``newest`` (publication time,
newest first, undated last), ``auto`` (``rank`` unless more than ``RANK_LIMIT``
articles match, then ``newest``)."""


class Found(list):
    """A search's rows, with the ``order`` they are in: ``rank`` or ``newest``."""

    order: str = "rank"


def search(
    db: sqlite_utils.Database, where: ArticleFilter, *, limit: int = 20,
    time_limit: float | None = None, order: str = "auto", rank_limit: int | None = None,
) -> Found:  # fmt: skip
    """The best ``limit`` articles for ``where.query``, in ``order`` (``ORDERS``).

    Ranked by bm25 with the title weighted five times the body (``rank``: lower is
    better; None for rows in ``newest`` order); ``snippet`` is a dozen words around the
    match from the title or body, matched words in ``[brackets]``. ``time_limit``:
    ``SearchTimeLimit`` once the search has run that many seconds (None: no limit).
    ``rank_limit``: ``auto`` ranks at most that many matches (None: ``RANK_LIMIT``).
    """
    if not where.query:
        raise ValueError("search needs a query")
    if order not in ORDERS:
        raise ValueError(f"order is one of {', '.join(ORDERS)}")
    with stopped_after(db.conn, time_limit):
        if order == "auto":
            most = RANK_LIMIT if rank_limit is None else rank_limit
            order = "newest" if _matches_more_than(db, where, most) else "rank"
        ranked = _ranked(db, where, limit) if order == "rank" else _newest(db, where, limit)
        found = Found(_snipped(db, where, ranked))
    found.order = order
    return found


def _matches_more_than(db: sqlite_utils.Database, where: ArticleFilter, n: int) -> bool:
    """Whether more than ``n`` articles of the whole archive match ``where.query``
    (a walk of the index's lists of articles, stopped after ``n + 1``)."""
    found = db.execute(
        "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
        [where._fts, n + 1],
    ).fetchone()[0]
    return found > n


def _ranked(
    db: sqlite_utils.Database, where: ArticleFilter, limit: int
) -> list[tuple[int, float | None]]:
    """The best ``limit`` matches by bm25: ``(id, score)``."""
    conditions, params = where.where()
    # Two steps: rank every match, then read and snip the best ``limit`` only. In one
    # statement SQLite computes every selected column (the snippet above all) of every
    # match before sorting them. bm25 counts the matches of each phrase in the whole
    # index once per scan of it: the index is scanned once, as the outer loop (CROSS
    # JOIN), never looked up once per article a filter selects; and the snippets'
    # lookups by rowid leave bm25 out (a common word in 100,000 articles: 25 ms each).
    filtered = where.portals or where.sections or where.places or where.since or where.until
    source = (
        "articles_fts CROSS JOIN articles a ON a.id = articles_fts.rowid"
        if filtered
        else "articles_fts"  # without a filter on articles, no article row is read
    )
    return db.execute(
        f"""
        SELECT articles_fts.rowid, bm25(articles_fts, 5.0, 1.0) AS score FROM {source}
        WHERE {conditions}
        ORDER BY score, articles_fts.rowid
        LIMIT ?
        """,
        [*params, limit],
    ).fetchall()


def _newest(
    db: sqlite_utils.Database, where: ArticleFilter, limit: int
) -> list[tuple[int, float | None]]:
    """The ``limit`` matches published last: ``(id, None)``. The articles are read
    newest first on the publication-time index, each looked up in the full-text index
    until ``limit`` match (a common word: a few dozen lookups)."""
    conditions, params = replace(where, query=None).where()
    return db.execute(
        f"""
        SELECT a.id, NULL FROM articles a
        WHERE {conditions} AND EXISTS (SELECT 1 FROM articles_fts f
            WHERE f.articles_fts MATCH ? AND f.rowid = a.id)
        ORDER BY a.published_at DESC, a.id DESC
        LIMIT ?
        """,
        [*params, where._fts, limit],
    ).fetchall()


def _snipped(
    db: sqlite_utils.Database, where: ArticleFilter, ranked: list[tuple[int, float | None]]
) -> list[dict[str, Any]]:
    """The rows of the articles ``ranked`` names, in its order, each with its snippet
    and ``rank``."""
    if not ranked:
        return []
    cursor = db.execute(
        """
        SELECT a.id, a.published_local, a.published_at, a.published_has_time, a.portal,
               a.section, a.title, a.url,
               snippet(articles_fts, -1, '[', ']', ' … ', 12) AS snippet
        FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
        WHERE articles_fts MATCH ? AND articles_fts.rowid IN (SELECT value FROM json_each(?))
        """,
        [where._fts, json.dumps([article_id for article_id, _ in ranked])],
    )
    found = {row[0]: row for row in cursor}
    rows = []
    for article_id, score in ranked:
        if article_id in found:
            rank = None if score is None else round(score, 3)
            row = dict(zip(SEARCH_COLUMNS, (*found[article_id], rank), strict=True))
            row["snippet"] = (row["snippet"] or "").strip()
            rows.append(booleans(row))
    return rows


BOOLEAN_COLUMNS = ("press_release", "published_has_time")
"""Columns SQLite stores as 0/1 that are read back as booleans (None stays None)."""


def booleans(row: dict[str, Any]) -> dict[str, Any]:
    for name in BOOLEAN_COLUMNS:
        if row.get(name) is not None:
            row[name] = bool(row[name])
    return row


def article_columns(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """``(name, declared type)`` of every column of ``articles``, in table order."""
    return [(row[1], row[2].upper()) for row in db.execute("PRAGMA table_info(articles)")]


def count_articles(db: sqlite_utils.Database, where: ArticleFilter) -> int:
    conditions, params = where.where()
    sql = f"SELECT count(*) FROM {where.source()} WHERE {conditions}"
    return int(db.execute(sql, params).fetchone()[0])


def iter_articles(db: sqlite_utils.Database, where: ArticleFilter) -> Iterator[dict[str, Any]]:
    """Every matching article as a dict of all ``articles`` columns, oldest publication
    first (undated last), one row at a time from the cursor: memory stays flat however
    large the archive."""
    conditions, params = where.where()
    names = [name for name, _ in article_columns(db)]
    select = f"SELECT {', '.join(f'a.{name}' for name in names)} FROM {where.source()}"
    # Dated, then undated: two statements that each read in the order of an index
    # (published_at, whose entries end with the id; the ids) instead of one that sorts
    # every selected row, bodies and all, before giving the first (a month of 100,000
    # articles: 140 ms before the first row; the whole archive: its size in temporary
    # files). With --since or --until there are no undated articles to look for.
    parts = [("a.published_at IS NOT NULL", "a.published_at, a.id")]
    if not (where.since or where.until):
        parts.append(("a.published_at IS NULL", "a.id"))
    for condition, order in parts:
        cursor = db.execute(f"{select} WHERE {conditions} AND {condition} ORDER BY {order}", params)
        for row in cursor:
            yield dict(zip(names, row, strict=True))


def portals_in(db: sqlite_utils.Database) -> list[str]:
    """The portals the archive holds articles of, in order: each found from the one
    before on the index of ``portal`` (a portal's name leads two of its indexes), one
    lookup a portal, where ``SELECT DISTINCT`` read every entry (a million articles:
    246 ms)."""
    return [
        row[0]
        for row in db.execute(
            """WITH RECURSIVE found(portal) AS (
                SELECT min(portal) FROM articles
                UNION ALL
                SELECT (SELECT min(portal) FROM articles WHERE portal > found.portal)
                FROM found WHERE found.portal IS NOT NULL
            ) SELECT portal FROM found WHERE portal IS NOT NULL"""
        )
    ]


# -- one article ------------------------------------------------------------------------


def find_article_id(db: sqlite_utils.Database, key: str) -> int | None:
    """The id of the article named by ``key``: a number is an id; anything else is an
    URL, looked up by its canonical form among every URL seen for an article."""
    key = key.strip()
    if key.isdigit():
        if int(key) >= 2**63:  # beyond SQLite's integers: no such article
            return None
        found = db.execute("SELECT id FROM articles WHERE id = ?", [int(key)]).fetchone()
        return int(found[0]) if found else None
    # Here, not at the top: w3lib's URL module imports urllib.request, http.client and
    # ssl (20-25 ms), which a search or a show by id does without.
    from archive.dedup_keys import canonical_url

    found = db.execute(
        "SELECT article_id FROM article_urls WHERE url_key = ?", [canonical_url(key)]
    ).fetchone()
    if found is None:  # an article stored before its URL was recorded
        found = db.execute("SELECT id FROM articles WHERE url = ?", [key]).fetchone()
    return int(found[0]) if found else None


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _related(cursor: Any) -> list[dict[str, Any]]:
    return [booleans(row) for row in _rows(cursor)]


def article_record(db: sqlite_utils.Database, article_id: int) -> dict[str, Any]:
    """One article with everything the archive knows about it: every column of
    ``articles`` (``authors`` and ``tags`` as lists), plus

    - ``urls``: every URL seen for it (``url``, ``first_seen_at``), oldest first;
    - ``revisions``: earlier versions (``revision``, ``title``, ``body``,
      ``content_hash``, ``replaced_at``), oldest first;
    - ``cluster``: the other articles with the same ``cluster_id`` (``id``, ``portal``,
      ``published_at``, ``published_local``, ``published_has_time``, ``title``,
      ``url``), earliest first;
    - ``copies``: articles whose ``duplicate_of`` is this one (same fields);
    - ``places``: the Banten places it is about, best first (``code``, ``place``,
      ``score``, ``role``; see ``archive.places``).
    """
    (article,) = _rows(db.execute("SELECT * FROM articles WHERE id = ?", [article_id]))
    booleans(article)
    for name in ("authors", "tags"):
        article[name] = string_list(article.get(name))
    article["urls"] = _rows(
        db.execute(
            "SELECT url, first_seen_at FROM article_urls WHERE article_id = ?"
            " ORDER BY first_seen_at, url",
            [article_id],
        )
    )
    article["revisions"] = _rows(
        db.execute(
            "SELECT revision, title, body, content_hash, replaced_at FROM article_revisions"
            " WHERE article_id = ? ORDER BY revision",
            [article_id],
        )
    )
    related = "id, portal, published_at, published_local, published_has_time, title, url"
    article["cluster"] = (
        _related(
            db.execute(
                f"SELECT {related} FROM articles WHERE cluster_id = ? AND id != ?"
                " ORDER BY published_at IS NULL, published_at, id",
                [article["cluster_id"], article_id],
            )
        )
        if article.get("cluster_id") is not None
        else []
    )
    article["copies"] = _related(
        db.execute(
            f"SELECT {related} FROM articles WHERE duplicate_of = ? ORDER BY id", [article_id]
        )
    )
    from archive.places import article_tags

    article["places"] = article_tags(db, article_id)
    return article
