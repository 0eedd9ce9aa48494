"""Counts kept as articles and place tags are written, so that counting the archive
reads tables of days instead of every article (``arsip stats``, ``arsip places``, the
web UI's facets of the whole archive).

- ``article_day_counts``: how many articles each (``portal``, ``local_day``,
  ``utc_day``) has: the date parts of ``published_local`` and ``published_at`` (NULL
  for an article without them). At most two rows a portal and day, whatever the number
  of articles.
- ``article_section_counts``: per (``portal``, ``section``, ``utc_month``). Sections
  by day would be nearly a row an article on a large archive.
- ``article_place_counts``: per place ``code``, how many articles are about it or about
  a place within it (a tag scoring at least ``ABOUT``), each article once however many
  of the places within it it names: ``archive.places.place_counts`` of the whole
  archive.
- ``article_tag_counts``: per ``tag``, how many articles carry it.
- ``tag_articles``: each tag's articles, one row a (``tag``, ``article_id``) pair: not a
  count, but kept the same way, so that the web UI's list of one tag reads its
  articles instead of the tags of every article (migration 23).
- ``cluster_sizes``: per near-duplicate cluster, its ``size`` and how many ``portals``
  ran it (from ``cluster_portal_counts``: its articles per portal), for ``arsip
  duplicates`` (migration 20).

A key the article has no value for (no section, no date) is an empty BLOB (``NONE``),
not NULL: keys are primary keys, and a count is one upsert.

Triggers on ``articles`` and ``article_places`` keep them, so every writer (a crawl, an
import, a merge, a re-extraction, a re-tagging) does, inside its own transaction.
Migration 19 fills them from what is stored. ``recount`` gives what they should hold,
counted from the articles and tags themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlite_utils

from archive.places import LEVEL_LENGTHS, articles_per_place
from archive.places.tagger import ABOUT

DAY_TABLE = "article_day_counts"
SECTION_TABLE = "article_section_counts"
PLACE_TABLE = "article_place_counts"
TAG_TABLE = "article_tag_counts"
CLUSTER_PORTAL_TABLE = "cluster_portal_counts"
CLUSTER_TABLE = "cluster_sizes"
TAG_ARTICLES_TABLE = "tag_articles"


NONE = "x''"
"""How a count table keys a NULL (no section, no date): an empty BLOB, which equals no
text, so that a key can be a primary key and a count one upsert."""


@dataclass(frozen=True)
class Kept:
    """A table of article counts: ``columns`` are its key, ``values`` the SQL giving
    each from an ``articles`` row (``{row}``: ``new.``, ``old.`` or nothing)."""

    table: str
    columns: tuple[str, ...]
    values: tuple[str, ...]

    def of(self, row: str) -> list[str]:
        return [value.format(row=f"{row}." if row else "") for value in self.values]

    def rows(self) -> str:
        """A SELECT of the table's rows, NULL where a key is none."""
        keys = ", ".join(f"nullif({c}, {NONE}) AS {c}" for c in self.columns)
        return f"SELECT {keys}, articles FROM {self.table}"

    def counted(self, row: str, step: str) -> str:
        """Statements adding ``step`` (``+ 1``, ``- 1``) to ``row``'s count."""
        key = ", ".join(f"ifnull({value}, {NONE})" for value in self.of(row))
        return _stepped(self.table, ", ".join(self.columns), f"SELECT {key}", step)


def _stepped(table: str, columns: str, keys: str, step: str, count: str = "articles") -> str:
    """Statements adding ``step`` (``+ 1``, ``- 1``) to the ``count`` column of each key
    ``keys`` selects (the values of ``columns``); a count fallen to 0 is removed."""
    if step == "+ 1":
        return (
            f"INSERT INTO {table} ({columns}, {count}) SELECT *, 1 FROM ({keys}) WHERE 1"
            f" ON CONFLICT ({columns}) DO UPDATE SET {count} = {count} + 1;"
        )
    return (
        f"UPDATE {table} SET {count} = {count} - 1 WHERE ({columns}) IN ({keys});"
        f" DELETE FROM {table} WHERE {count} <= 0 AND ({columns}) IN ({keys});"
    )


DAYS = Kept(
    DAY_TABLE, ("portal", "local_day", "utc_day"),
    ("{row}portal", "substr({row}published_local, 1, 10)", "substr({row}published_at, 1, 10)"),
)  # fmt: skip
SECTIONS = Kept(
    SECTION_TABLE, ("portal", "section", "utc_month"),
    ("{row}portal", "{row}section", "substr({row}published_at, 1, 7)"),
)  # fmt: skip
KEPT = (DAYS, SECTIONS)


_LEVELS = " UNION ALL ".join(f"SELECT {length} AS len" for length in LEVEL_LENGTHS)


def _count_places(row: str, step: str, *, skip_current: bool) -> str:
    """Statements adding ``step`` to the count of each place ``row`` (``new`` or
    ``old``, an ``article_places`` row) is in, for the levels its article has no other
    tag about (``skip_current``: leave out the row as it is now stored, in an insert or
    an update trigger)."""
    current = " AND NOT (q.article_id = new.article_id AND q.code = new.code)"
    others = (
        f"SELECT 1 FROM article_places q WHERE q.article_id = {row}.article_id"
        f" AND q.score >= {ABOUT:d} AND substr(q.code, 1, len) = substr({row}.code, 1, len)"
        f"{current if skip_current else ''}"
    )
    levels = (
        f"SELECT substr({row}.code, 1, len) AS code FROM ({_LEVELS})"
        f" WHERE {row}.score >= {ABOUT:d} AND length({row}.code) >= len AND NOT EXISTS ({others})"
    )
    return _stepped(PLACE_TABLE, "code", levels, step)


def _tag_array(row: str) -> str:
    """``row``'s tags column if it holds a JSON array, else an empty one."""
    tags = f"{row}tags"
    return (
        f"CASE WHEN json_valid({tags}) THEN"
        f" (CASE WHEN json_type({tags}) = 'array' THEN {tags} ELSE '[]' END) ELSE '[]' END"
    )


TAG_TYPE = "type = 'text'"
"""Which of a tags array's values are tags (a ``json_each`` condition): its strings, the
values Datasette's ``tags__arraycontains=`` can select (a number never equals the
text it is asked with; a null cannot be a key)."""


EVERY_TAG = f"articles, json_each({_tag_array('articles.')}) t WHERE t.{TAG_TYPE}"
"""Every article's tags (``t.value``, an article's tag as often as its array has it),
as a FROM and WHERE clause."""


def _make_triggers(db: sqlite_utils.Database, triggers: dict[str, str]) -> None:
    """Create ``triggers`` (name: body), each replacing one of its name."""
    for name, body in triggers.items():
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
        db.execute(f"CREATE TRIGGER {name} {body}")


def _tags_of(row: str) -> str:
    """``row``'s tags, each once."""
    return f"SELECT DISTINCT value FROM json_each({_tag_array(row)}) WHERE {TAG_TYPE}"


def _count_tags(row: str, step: str) -> str:
    """Statements adding ``step`` to the count of each of ``row``'s tags."""
    return _stepped(TAG_TABLE, "tag", _tags_of(row + "."), step)


_CHANGED = " OR ".join(
    f"{old} IS NOT {new}"
    for kept in KEPT
    for old, new in zip(kept.of("old"), kept.of("new"), strict=True)
)

TRIGGERS = {
    "article_counts_insert": "AFTER INSERT ON articles BEGIN"
    f" {' '.join(kept.counted('new', '+ 1') for kept in KEPT)} END",
    "article_counts_delete": "AFTER DELETE ON articles BEGIN"
    f" {' '.join(kept.counted('old', '- 1') for kept in KEPT)} END",
    "article_counts_update": (
        "AFTER UPDATE OF portal, section, published_local, published_at ON articles"
        f" WHEN {_CHANGED} BEGIN"
        f" {' '.join(kept.counted('old', '- 1') + ' ' + kept.counted('new', '+ 1') for kept in KEPT)}"
        " END"
    ),
    "article_tag_counts_insert": f"AFTER INSERT ON articles BEGIN {_count_tags('new', '+ 1')} END",
    "article_tag_counts_delete": f"AFTER DELETE ON articles BEGIN {_count_tags('old', '- 1')} END",
    "article_tag_counts_update": (
        "AFTER UPDATE OF tags ON articles WHEN old.tags IS NOT new.tags"
        f" BEGIN {_count_tags('old', '- 1')} {_count_tags('new', '+ 1')} END"
    ),
    "article_place_counts_insert": (
        f"AFTER INSERT ON article_places WHEN new.score >= {ABOUT:d}"
        f" BEGIN {_count_places('new', '+ 1', skip_current=True)} END"
    ),
    "article_place_counts_delete": (
        f"AFTER DELETE ON article_places WHEN old.score >= {ABOUT:d}"
        f" BEGIN {_count_places('old', '- 1', skip_current=False)} END"
    ),
    # As a delete of the old row then an insert of the new one, each leaving out the
    # row as it is stored now.
    "article_place_counts_update": (
        "AFTER UPDATE ON article_places"
        f" BEGIN {_count_places('old', '- 1', skip_current=True)}"
        f" {_count_places('new', '+ 1', skip_current=True)} END"
    ),
}
"""Each trigger's name and body (``CREATE TRIGGER name body``)."""


def create(db: sqlite_utils.Database) -> None:
    """Create the tables and their triggers, and count what is stored."""
    for kept in KEPT:
        columns = ", ".join(kept.columns)
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {kept.table} ({columns}, articles INTEGER NOT NULL,"
            f" PRIMARY KEY ({columns})) WITHOUT ROWID"
        )
    # The web UI's day facet: the newest days first, without grouping every row.
    db.execute(f"CREATE INDEX IF NOT EXISTS idx_{DAY_TABLE}_local_day ON {DAY_TABLE} (local_day)")
    for table, key in ((PLACE_TABLE, "code"), (TAG_TABLE, "tag")):
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {table}"
            f" ({key} TEXT PRIMARY KEY, articles INTEGER NOT NULL) WITHOUT ROWID"
        )
    _make_triggers(db, TRIGGERS)
    fill(db)


def fill(db: sqlite_utils.Database) -> None:
    """Replace the tables' rows by the counts of what is stored."""
    for table, rows in recount(db).items():
        db.execute(f"DELETE FROM {table}")
        values = [(*(b"" if v is None else v for v in key), n) for key, n in rows.items()]
        if values:
            marks = ", ".join("?" * len(values[0]))
            db.conn.executemany(f"INSERT INTO {table} VALUES ({marks})", values)


Counts = dict[str, dict[tuple[Any, ...], int]]
"""Per table, its counts: ``{key: n}``, the key a tuple of the table's key columns
(None where the article has no value)."""


def recount(db: sqlite_utils.Database) -> Counts:
    """What the tables should hold, counted from the articles (each a scan of a
    covering index, but for the tags) and the place tags."""
    counted: Counts = {}
    for kept in KEPT:
        values = kept.of("")
        groups = ", ".join(str(n) for n in range(1, len(values) + 1))
        counted[kept.table] = {
            tuple(row[:-1]): row[-1]
            for row in db.execute(
                f"SELECT {', '.join(values)}, count(*) FROM articles GROUP BY {groups}"
            )
        }
    places = articles_per_place(
        db.execute(f"SELECT article_id, code FROM article_places WHERE score >= {ABOUT:d}")
    )
    counted[PLACE_TABLE] = {(code,): n for code, n in places.items()}
    counted[TAG_TABLE] = {
        (tag,): n
        for tag, n in db.execute(
            f"SELECT t.value, count(DISTINCT articles.id) FROM {EVERY_TAG} GROUP BY t.value"
        )
    }
    return counted


def stored(db: sqlite_utils.Database) -> Counts:
    """What the tables hold, in ``recount``'s shape."""
    counted: Counts = {}
    for kept in KEPT:
        counted[kept.table] = {tuple(key): n for *key, n in db.execute(kept.rows())}
    for table in (PLACE_TABLE, TAG_TABLE):
        counted[table] = {(key,): n for key, n in db.execute(f"SELECT * FROM {table}")}
    return counted


def _in_cluster(row: str, step: str) -> str:
    """Statements adding ``step`` to the counts of ``row``'s cluster, if it has one:
    its articles on ``row``'s portal, its size, its number of portals."""
    cluster = f"{row}.cluster_id"
    clustered = f"WHERE {cluster} IS NOT NULL"
    portal = f"SELECT {cluster}, ifnull({row}.portal, {NONE}) {clustered}"
    sized = _stepped(CLUSTER_TABLE, "cluster_id", f"SELECT {cluster} {clustered}", step, "size")
    return (
        f"{_stepped(CLUSTER_PORTAL_TABLE, 'cluster_id, portal', portal, step)} {sized}"
        f" {_recount_portals(cluster)}"
    )


def _recount_portals(cluster: str) -> str:
    return (
        f"UPDATE {CLUSTER_TABLE} SET portals = (SELECT count(*) FROM {CLUSTER_PORTAL_TABLE} c"
        f" WHERE c.cluster_id = {cluster} AND c.portal != {NONE}) WHERE cluster_id = {cluster};"
    )


CLUSTER_TRIGGERS = {
    "cluster_counts_insert": "AFTER INSERT ON articles WHEN new.cluster_id IS NOT NULL"
    f" BEGIN {_in_cluster('new', '+ 1')} END",
    "cluster_counts_delete": "AFTER DELETE ON articles WHEN old.cluster_id IS NOT NULL"
    f" BEGIN {_in_cluster('old', '- 1')} END",
    "cluster_counts_update": (
        "AFTER UPDATE OF cluster_id, portal ON articles"
        " WHEN old.cluster_id IS NOT new.cluster_id OR old.portal IS NOT new.portal"
        f" BEGIN {_in_cluster('old', '- 1')} {_in_cluster('new', '+ 1')} END"
    ),
}
"""The triggers keeping ``cluster_sizes``: per near-duplicate cluster, its ``size``
(articles) and ``portals`` (how many), from ``cluster_portal_counts`` (its articles
per portal)."""


def create_cluster_counts(db: sqlite_utils.Database) -> None:
    """Create the cluster tables and their triggers, and count the clusters stored."""
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {CLUSTER_PORTAL_TABLE} (cluster_id INTEGER, portal,"
        " articles INTEGER NOT NULL, PRIMARY KEY (cluster_id, portal)) WITHOUT ROWID"
    )
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {CLUSTER_TABLE} (cluster_id INTEGER PRIMARY KEY,"
        " size INTEGER NOT NULL, portals INTEGER NOT NULL DEFAULT 0)"
    )
    # ``arsip duplicates``: the largest first, read in this index's order.
    db.execute(
        f"CREATE INDEX IF NOT EXISTS idx_{CLUSTER_TABLE}_largest"
        f" ON {CLUSTER_TABLE} (size DESC, portals DESC, cluster_id)"
    )
    _make_triggers(db, CLUSTER_TRIGGERS)
    db.execute(f"DELETE FROM {CLUSTER_PORTAL_TABLE}")
    db.execute(
        f"INSERT INTO {CLUSTER_PORTAL_TABLE} (cluster_id, portal, articles)"
        f" SELECT cluster_id, ifnull(portal, {NONE}), count(*) FROM articles"
        " WHERE cluster_id IS NOT NULL GROUP BY 1, 2"
    )
    db.execute(f"DELETE FROM {CLUSTER_TABLE}")
    db.execute(
        f"INSERT INTO {CLUSTER_TABLE} (cluster_id, size, portals)"
        f" SELECT cluster_id, sum(articles), sum(portal != {NONE}) FROM {CLUSTER_PORTAL_TABLE}"
        " GROUP BY cluster_id"
    )


def recount_clusters(db: sqlite_utils.Database) -> dict[int, tuple[int, int]]:
    """Each cluster's ``(size, portals)``, counted from the articles."""
    return {
        cluster: (size, portals)
        for cluster, size, portals in db.execute(
            "SELECT cluster_id, count(*), count(DISTINCT portal) FROM articles"
            " WHERE cluster_id IS NOT NULL GROUP BY cluster_id"
        )
    }


def stored_clusters(db: sqlite_utils.Database) -> dict[int, tuple[int, int]]:
    """Each cluster's ``(size, portals)`` as ``cluster_sizes`` holds them."""
    return {
        cluster: (size, portals)
        for cluster, size, portals in db.execute(f"SELECT * FROM {CLUSTER_TABLE}")
    }


def _tag_pairs(row: str) -> str:
    """``row``'s (tag, article) pairs, each once."""
    return (
        f"SELECT DISTINCT value, {row}.id FROM json_each({_tag_array(row + '.')}) WHERE {TAG_TYPE}"
    )


TAG_ARTICLES_TRIGGERS = {
    "tag_articles_insert": "AFTER INSERT ON articles"
    f" BEGIN INSERT OR IGNORE INTO {TAG_ARTICLES_TABLE} (tag, article_id) {_tag_pairs('new')}; END",
    "tag_articles_delete": "AFTER DELETE ON articles"
    f" BEGIN DELETE FROM {TAG_ARTICLES_TABLE} WHERE (tag, article_id) IN ({_tag_pairs('old')}); END",
    "tag_articles_update": (
        "AFTER UPDATE OF tags, id ON articles WHEN old.tags IS NOT new.tags OR old.id != new.id"
        f" BEGIN DELETE FROM {TAG_ARTICLES_TABLE} WHERE (tag, article_id) IN ({_tag_pairs('old')});"
        f" INSERT OR IGNORE INTO {TAG_ARTICLES_TABLE} (tag, article_id) {_tag_pairs('new')}; END"
    ),
}
"""The triggers keeping ``tag_articles``, each pair found by its key (no index by
article needed)."""


def create_tag_articles(db: sqlite_utils.Database) -> None:
    """Create ``tag_articles`` and its triggers, and fill it from the articles stored."""
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {TAG_ARTICLES_TABLE} (tag TEXT NOT NULL,"
        " article_id INTEGER NOT NULL, PRIMARY KEY (tag, article_id)) WITHOUT ROWID"
    )
    _make_triggers(db, TAG_ARTICLES_TRIGGERS)
    db.execute(f"DELETE FROM {TAG_ARTICLES_TABLE}")
    # In key order: the table's pages written once each.
    db.execute(
        f"INSERT OR IGNORE INTO {TAG_ARTICLES_TABLE} (tag, article_id)"
        f" SELECT t.value, articles.id FROM {EVERY_TAG} ORDER BY 1, 2"
    )


def recount_tags(db: sqlite_utils.Database) -> None:
    """Make the tag counts' triggers again and count the tags again from
    ``tag_articles``: for the counts of an arsip before migration 23, which counted
    any value of a tags array but a null (a number merged with its text)."""
    _make_triggers(db, {n: b for n, b in TRIGGERS.items() if n.startswith("article_tag_counts_")})
    db.execute(f"DELETE FROM {TAG_TABLE}")
    db.execute(
        f"INSERT INTO {TAG_TABLE} (tag, articles)"
        f" SELECT tag, count(*) FROM {TAG_ARTICLES_TABLE} GROUP BY tag"
    )


def recount_tag_articles(db: sqlite_utils.Database) -> set[tuple[str, int]]:
    """The (tag, article id) pairs ``tag_articles`` should hold, from the articles."""
    return {(tag, article_id) for tag, article_id in db.execute(
        f"SELECT t.value, articles.id FROM {EVERY_TAG}"
    )}  # fmt: skip


def stored_tag_articles(db: sqlite_utils.Database) -> set[tuple[str, int]]:
    """The (tag, article id) pairs ``tag_articles`` holds."""
    return {tuple(row) for row in db.execute(f"SELECT tag, article_id FROM {TAG_ARTICLES_TABLE}")}


def tag_articles_kept(db: sqlite_utils.Database) -> bool:
    """Whether the archive keeps ``tag_articles`` (schema 23 on), every trigger in place."""
    return _complete(db, (TAG_ARTICLES_TABLE,), TAG_ARTICLES_TRIGGERS)


def _complete(db: sqlite_utils.Database, tables: tuple[str, ...], triggers: Any) -> bool:
    """Whether ``tables`` and every one of ``triggers`` are in the archive: counts whose
    triggers were dropped (a tool that rebuilt ``articles``) may be stale."""
    names = {
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name IN"
            f" ({', '.join('?' for _ in (*tables, *triggers))})",
            [*tables, *triggers],
        )
    }
    return names == {*tables, *triggers}


def clusters_kept(db: sqlite_utils.Database) -> bool:
    """Whether the archive keeps the cluster counts (schema 20 on), every trigger in
    place."""
    return _complete(db, (CLUSTER_TABLE, CLUSTER_PORTAL_TABLE), CLUSTER_TRIGGERS)


def kept(db: sqlite_utils.Database) -> bool:
    """Whether the archive keeps the counts, every trigger in place (one of an older
    arsip, opened only for reading, does not; nor one whose triggers a tool dropped)."""
    return _complete(db, (DAY_TABLE, SECTION_TABLE, PLACE_TABLE, TAG_TABLE), TRIGGERS)


def repair(db: sqlite_utils.Database) -> None:
    """Create and count again the counts whose tables or triggers are missing from an
    archive brought up to date (opened for writing): a tool that rebuilt ``articles``
    (dropping its triggers) costs one recount, never stale counts."""
    if not kept(db):
        with db.atomic():
            create(db)
    if not clusters_kept(db):
        with db.atomic():
            create_cluster_counts(db)
    if not tag_articles_kept(db):
        with db.atomic():
            create_tag_articles(db)
