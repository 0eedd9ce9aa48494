"""The archive's place tags: which Banten places each article is about.

Tables (``archive.db``, migration 11):

- ``places``: the gazetteer the tags were made with, one row per place: ``code``
  (kode wilayah, primary key), ``level`` (``provinsi``, ``kabupaten``, ``kota``,
  ``kecamatan``), ``name`` (official), ``parent`` (code), ``aliases`` (short names,
  ``|``-separated);
- ``article_places``: one row per article and place: ``article_id``, ``code``,
  ``score`` (1, one passing mention, to 11) and ``role`` (``dateline``, ``title``,
  ``lead``, ``body``: where the place counts most); see ``archive.places.tagger``;
- ``gazetteer``: one row: ``version`` (``archive.places.gazetteer.gazetteer_version``: the data
  file and the tagging rules), ``source``, ``places`` (how many) and ``tagged_at``
  (UTC), when every article was last tagged with it.

Articles are tagged as they are stored (``ArchiveWriter``). When arsip ships another
gazetteer or other tagging rules, ``refresh`` tags every article again: opening an
archive for writing does it (``archive.open``), as it applies schema migrations, and
``arsip places --retag`` does it on demand.

A place selects the articles about it or about a place within it (``36.03`` selects
those tagged ``36.03`` or ``36.03.xx``) with a score of at least ``ABOUT``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlite_utils

from archive.places.gazetteer import SOURCE, gazetteer, gazetteer_version
from archive.places.tagger import ABOUT, tag_places
from archive.times import utc_now

BATCH = 500
LEVEL_LENGTHS = (2, 5, 8)
"""The lengths of a province's, a regency's or city's and a kecamatan's codes."""


def create_tables(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE IF NOT EXISTS places (
            code TEXT PRIMARY KEY,
            level TEXT NOT NULL,
            name TEXT NOT NULL,
            parent TEXT,
            aliases TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS article_places (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            code TEXT NOT NULL REFERENCES places(code),
            score INTEGER NOT NULL,
            role TEXT NOT NULL,
            PRIMARY KEY (article_id, code)
        ) WITHOUT ROWID"""
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS article_places_code ON article_places (code, score, article_id)"
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS gazetteer (
            version TEXT NOT NULL,
            source TEXT NOT NULL,
            places INTEGER NOT NULL,
            tagged_at TEXT NOT NULL
        )"""
    )


def has_places(db: sqlite_utils.Database) -> bool:
    """Whether the archive has place tags (an archive of an older arsip opened only
    for reading has none)."""
    return bool(
        db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'article_places'"
        ).fetchone()
    )


def tagged_version(db: sqlite_utils.Database) -> str | None:
    """The gazetteer version the archive's tags were made with (None: no tags)."""
    if not has_places(db):
        return None
    row = db.execute("SELECT version FROM gazetteer").fetchone()
    return row[0] if row else None


def write_tags(
    db: sqlite_utils.Database,
    article_id: int,
    tags: Iterable[Mapping[str, Any]],
    *,
    replacing: bool = True,
) -> None:
    """Replace an article's tags (dicts with ``code``, ``score``, ``role``); without
    ``replacing``, write those of an article just inserted, which has none yet."""
    if replacing:
        db.execute("DELETE FROM article_places WHERE article_id = ?", [article_id])
    db.conn.executemany(
        "INSERT INTO article_places (article_id, code, score, role) VALUES (?, ?, ?, ?)",
        [(article_id, t["code"], int(t["score"]), t["role"]) for t in tags],
    )


def tags_for(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An article record's tags: its ``places`` when normalisation gave them, else
    read from its title, dateline and body."""
    places = record.get("places")
    if places is not None:
        return list(places)
    tags = tag_places(record.get("title"), record.get("dateline"), record.get("body"))
    return [{"code": t.code, "score": t.score, "role": t.role} for t in tags]


def retag(db: sqlite_utils.Database, *, progress: Callable[[int], None] | None = None) -> int:
    """Tag every article again with the shipped gazetteer, in one transaction; returns
    how many articles were read. ``progress`` is called with each batch's size."""
    count = 0
    with db.atomic():
        db.execute("DELETE FROM article_places")
        db.execute("DELETE FROM places")
        db.conn.executemany(
            "INSERT INTO places (code, level, name, parent, aliases) VALUES (?, ?, ?, ?, ?)",
            [(p.code, p.level, p.name, p.parent, "|".join(p.aliases) or None)
             for p in gazetteer().values()],
        )  # fmt: skip
        last = -1
        while True:
            batch = db.execute(
                "SELECT id, title, dateline, body FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                [last, BATCH],
            ).fetchall()
            if not batch:
                break
            rows = [
                (article_id, tag.code, tag.score, tag.role)
                for article_id, title, dateline, body in batch
                for tag in tag_places(title, dateline, body)
            ]
            db.conn.executemany(
                "INSERT INTO article_places (article_id, code, score, role) VALUES (?, ?, ?, ?)",
                rows,
            )
            last = batch[-1][0]
            count += len(batch)
            if progress is not None:
                progress(len(batch))
        db.execute("DELETE FROM gazetteer")
        db.execute(
            "INSERT INTO gazetteer (version, source, places, tagged_at) VALUES (?, ?, ?, ?)",
            [gazetteer_version(), SOURCE, len(gazetteer()), utc_now()],
        )
    return count


def refresh(db: sqlite_utils.Database) -> int | None:
    """Tag every article again when the archive's tags were made with another
    gazetteer than the one shipped; returns how many were read, or None when the tags
    were current."""
    if tagged_version(db) == gazetteer_version():
        return None
    return retag(db)


def place_clause(codes: Iterable[str], alias: str = "a") -> tuple[str, list[Any]]:
    """An SQL condition on ``articles AS alias``: the article is about one of the places
    ``codes`` or a place within one of them (a score of at least ``ABOUT``)."""
    codes = list(codes)
    # A code and the codes under it sort from "36.03" to just before "36.03/".
    ranges = " OR ".join("(p.code >= ? AND p.code < ?)" for _ in codes)
    params: list[Any] = [value for code in codes for value in (code, code + "/")]
    return (
        f"EXISTS (SELECT 1 FROM article_places p WHERE p.article_id = {alias}.id"
        f" AND p.score >= {ABOUT:d} AND ({ranges}))",
        params,
    )


def place_counts(db: sqlite_utils.Database, source: str, conditions: str,
                 params: list[Any]) -> list[dict[str, Any]]:  # fmt: skip
    """How many of the selected articles (``source``/``conditions`` as in
    ``ArticleFilter``) are about each place, counting an article about a kecamatan for
    its regency or city and the province too; places without articles are left out.
    Rows ``{"code", "place", "articles"}`` in code order (each regency or city before
    its kecamatan)."""
    if not has_places(db):
        return []
    if conditions == "1" and source == "articles a":
        from archive import counts

        if counts.kept(db):  # the whole archive: the counts kept per place
            return _labelled(db.execute(f"SELECT code, articles FROM {counts.PLACE_TABLE}"
                                        " WHERE articles > 0 ORDER BY code").fetchall())  # fmt: skip
    # One pass over the tags, counted here: an article is counted once per place
    # however many of the places within it it is about. Without a filter the tags are
    # not matched against the selection at all: every tag's article is in the archive.
    sql = f"SELECT p.article_id, p.code FROM article_places p WHERE p.score >= {ABOUT:d}"
    if conditions != "1" or source != "articles a":
        sql += f" AND p.article_id IN (SELECT a.id FROM {source} WHERE {conditions})"
    return _labelled(sorted(articles_per_place(db.execute(sql, params)).items()))


def articles_per_place(tags: Iterable[tuple[int, str]]) -> dict[str, int]:
    """``{code: articles}`` from ``(article_id, code)`` tags: an article counts once for
    each place it or a place within it is tagged with."""
    about: dict[str, set[int]] = defaultdict(set)
    for article_id, code in tags:
        for length in LEVEL_LENGTHS:
            if len(code) >= length:
                about[code[:length]].add(article_id)
    return {code: len(articles) for code, articles in about.items()}


def _labelled(counts: list[tuple[str, int]]) -> list[dict[str, Any]]:
    places = gazetteer()
    return [
        {"code": code, "place": places[code].label if code in places else code, "articles": n}
        for code, n in counts
    ]


def article_tags(db: sqlite_utils.Database, article_id: int) -> list[dict[str, Any]]:
    """One article's places, best first: ``code``, ``place`` (its name), ``score``,
    ``role``."""
    if not has_places(db):
        return []
    places = gazetteer()
    rows = db.execute(
        "SELECT code, score, role FROM article_places WHERE article_id = ?"
        " ORDER BY score DESC, code",
        [article_id],
    ).fetchall()
    return [
        {"code": code, "place": places[code].label if code in places else code,
         "score": score, "role": role}
        for code, score, role in rows
    ]  # fmt: skip
