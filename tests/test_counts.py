"""The counts kept per day and per place (``archive.counts``) stay equal to a count of
the articles and tags themselves through every kind of write, and ``stats`` and
``places`` read from them give what a count of every article gives."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3

import pytest

from archive import counts
from archive.opening import open_archive
from archive.places import place_counts, retag, write_tags
from archive.stats import article_stats
from archive.writer import ArchiveWriter

SYLLABLES = ["ba", "di", "ku", "la", "me", "no", "pa", "ri", "su", "ta", "wi", "ya"]
PORTALS = ["tangselpos", "kabar6", "bantennews"]
SECTIONS = ["Berita", "Politik", "politik", None]
TAGS = ["Banjir", "Pilkada", "Tangsel", "Kesehatan", "Serang"]
PLACES = ["", " di Pamulang, Tangerang Selatan", " di Kota Serang", " di Ciputat dan Pamulang"]


def words(rng: random.Random, n: int) -> str:
    return " ".join("".join(rng.choices(SYLLABLES, k=rng.randint(2, 3))) for _ in range(n))


ON_BOUNDS = [
    (3, 0, 0),
    (6, 0, 0),
    (2, 17, 0),
    (5, 17, 0),
    (3, 5, 0),
    (3, 22, 0),
    (2, 23, 0),
    (4, 1, 0),
    (2, 10, 0),
    (9, 23, 59),
]
"""(day, hour, minute) of the first articles: the bounds of ``FILTERS`` (WIB midnight
is 17:00 UTC)."""


def records(rng: random.Random, first: int, n: int) -> list[dict]:
    """Articles over three portals, sections differing in case and none, times on both
    sides of UTC midnight (a WIB morning is the UTC evening before), some undated, some
    about one place or two within one city."""
    made = []
    for number in range(first, first + n):
        day, hour, minute = 1 + number % 9, number * 5 % 24, number % 60
        if number < len(ON_BOUNDS):
            day, hour, minute = ON_BOUNDS[number]
        dated = number % 13 != 6
        local_day, local_hour = (day + 1, hour - 17) if hour >= 17 else (day, hour + 7)
        made.append({
            "url": f"https://www.example.id/berita/{number}", "portal": PORTALS[number % 3],
            "section": SECTIONS[number % 4], "title": words(rng, 6).title(),
            "tags": rng.sample(TAGS, number % 4) + TAGS[:1] * (number % 5 == 1),
            "body": f"Warga {words(rng, 20)}{PLACES[number % 4]}.\n\n{words(rng, 60)}.",
            "published_at": f"2025-03-{day:02d}T{hour:02d}:{minute:02d}:00Z" if dated else None,
            "published_local": f"2025-03-{local_day:02d}T{local_hour:02d}:{minute:02d}:00+07:00"
            if dated else None,
        })  # fmt: skip
    return made


def assert_counts_current(db) -> None:
    recounted = counts.recount(db)
    assert counts.stored(db) == recounted
    stored = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert [sum(recounted[kept.table].values()) for kept in counts.KEPT] == [stored] * 2
    assert counts.stored_tag_articles(db) == counts.recount_tag_articles(db)


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    path = tmp_path_factory.mktemp("counts") / "counts.db"
    with ArchiveWriter(path) as writer:
        list(writer.store_many(records(random.Random(19), 0, 120)))
    return path


def test_the_counts_follow_stores_edits_tags_and_deletes(path, tmp_path):
    copy = tmp_path / "edited.db"
    shutil.copy(path, copy)
    rng = random.Random(7)
    with open_archive(copy) as archive:
        db = archive.db
        assert_counts_current(db)
        assert db.execute(f"SELECT count(*) FROM {counts.PLACE_TABLE}").fetchone()[0] > 3
        assert db.execute(f"SELECT count(*) FROM {counts.TAG_TABLE}").fetchone()[0] > 3
        with ArchiveWriter(copy) as writer:  # new articles, and a new version of one
            list(writer.store_many(records(random.Random(20), 120, 30)))
        assert_counts_current(db)
        ids = [row[0] for row in db.execute("SELECT id FROM articles ORDER BY id")]
        with db.conn:  # edits of the counted columns, NULLs included
            for article_id in rng.sample(ids, 40):
                db.execute(
                    "UPDATE articles SET portal = ?, section = ?, published_at = ?,"
                    " published_local = ? WHERE id = ?",
                    [rng.choice(PORTALS), rng.choice(SECTIONS),
                     rng.choice([None, "2025-04-01T18:00:00Z", "2025-04-02T01:00:00Z"]),
                     rng.choice([None, "2025-04-02T01:00:00+07:00"]), article_id],
                )  # fmt: skip
        with db.conn:  # tag lists replaced, emptied, repeated, unreadable
            for article_id in rng.sample(ids, 30):
                db.execute("UPDATE articles SET tags = ? WHERE id = ?", [rng.choice([
                    json.dumps(rng.sample(TAGS, 2)), "[]", None, '["Banjir", "Banjir"]',
                    "not json", '{"Banjir": 1}', '["Banjir", null]', '["S\\u00e9rang", 5, "5"]',
                    json.dumps(["Sérang", True], ensure_ascii=False),
                ]), article_id])  # fmt: skip
        assert_counts_current(db)
        with db.conn:  # place tags replaced, taken away, rescored, recoded
            for article_id in rng.sample(ids, 20):
                write_tags(db, article_id, rng.sample([
                    {"code": "36.74", "score": 3, "role": "body"},
                    {"code": "36.74.01", "score": 2, "role": "body"},
                    {"code": "36.74.02", "score": 1, "role": "body"},
                    {"code": "36.73", "score": 2, "role": "dateline"},
                ], rng.randint(0, 4)))  # fmt: skip
            db.execute("UPDATE article_places SET score = 1 WHERE code = '36.74.01'")
            db.execute("UPDATE article_places SET score = 3 WHERE code = '36.74.02'")
            db.execute(
                "UPDATE article_places SET code = '36.03' WHERE code = '36.73'"
                " AND article_id IN (SELECT article_id FROM article_places WHERE code = '36.74')"
            )
        assert_counts_current(db)
        with db.conn:
            retag(db)
        assert_counts_current(db)
        db.execute("PRAGMA foreign_keys = OFF")  # arsip deletes no article: the test does
        with db.conn:
            db.execute(
                "DELETE FROM article_places WHERE article_id IN (SELECT id FROM articles WHERE id % 5 = 0)"
            )
            db.execute("DELETE FROM articles WHERE id % 7 = 0")
            db.execute("UPDATE articles SET id = id + 1000 WHERE id % 11 = 0")
        assert_counts_current(db)


def test_an_archive_before_the_counts_is_counted_when_upgraded(path, tmp_path):
    """Migration 19 fills both tables from what is stored."""
    older = tmp_path / "older.db"
    shutil.copy(path, older)
    without_counts(older, version=18)
    with open_archive(older) as archive:
        assert_counts_current(archive.db)
        assert sum(counts.stored(archive.db)[counts.DAY_TABLE].values()) == 120


def test_an_archive_before_the_tag_index_is_indexed_and_its_tags_counted_again(path, tmp_path):
    """Migration 23 fills ``tag_articles`` and counts the tags again, their strings
    alone (an arsip before it counted a number in a tags array as its text)."""
    older = tmp_path / "older.db"
    shutil.copy(path, older)
    conn = sqlite3.connect(older)
    with conn:
        conn.execute("UPDATE articles SET tags = '[\"Banjir\", 5]' WHERE id = 1")
        for name in counts.TAG_ARTICLES_TRIGGERS:
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute(f"DROP TABLE {counts.TAG_ARTICLES_TABLE}")
        conn.execute(f"INSERT INTO {counts.TAG_TABLE} VALUES ('5', 1)")  # as counted before
        conn.execute("PRAGMA user_version = 22")
    conn.close()
    with open_archive(older) as archive:
        assert counts.tag_articles_kept(archive.db)
        assert_counts_current(archive.db)
        assert ("Banjir", 1) in counts.stored_tag_articles(archive.db)
        assert counts.stored(archive.db)[counts.TAG_TABLE].get(("5",)) is None


def without_counts(path, *, version: int | None = None) -> None:
    """Drop the counts, their triggers with them, as an archive without them."""
    conn = sqlite3.connect(path)
    with conn:
        for table in (counts.DAY_TABLE, counts.SECTION_TABLE, counts.PLACE_TABLE, counts.TAG_TABLE):
            conn.execute(f"DROP TABLE {table}")
        if version is not None:
            conn.execute(f"PRAGMA user_version = {version}")
    conn.close()


@pytest.fixture(scope="module")
def plain_path(path, tmp_path_factory):
    """The same archive without the counts."""
    plain = tmp_path_factory.mktemp("counts") / "plain.db"
    shutil.copy(path, plain)
    without_counts(plain)
    return plain


FILTERS = [
    {},
    {"portals": ["kabar6"]},
    {"portals": ["kabar6", "bantennews"], "sections": ["POLITIK"]},
    {"since": "2025-03-03", "until": "2025-03-06"},  # WIB days: 17:00 UTC bounds
    {"since": "2025-03-03T00:00:00Z", "until": "2025-03-06T00:00:00Z"},  # whole UTC days
    {"since": "2025-03-03T05:00:00Z", "until": "2025-03-03T22:00:00Z"},  # within one day
    {"since": "2025-03-02T23:00:00Z", "until": "2025-03-04T01:00:00Z"},  # two partial days
    {"since": "2025-03-05"},
    {"until": "2025-03-04", "portals": ["tangselpos"]},
    {"sections": ["berita"], "since": "2025-03-02T10:00:00Z"},
    {"places": ["Tangerang Selatan"]},  # not from the counts: the same statements
    {"since": "2025-03-09T23:59:59Z", "until": "9999-12-31"},
    {"since": "2030-01-01"},
    {"since": "2025-02-27", "until": "2025-04-01T00:00:00Z"},  # whole and cut months
    # Months cut by a few hours: the month from the counts, less the hours outside.
    {"since": "2025-03-01", "until": "2025-03-31"},  # a month of WIB days
    {"since": "2025-03-01T02:00:00Z", "until": "2025-03-31"},  # articles at 00:12 UTC taken off
    {"since": "2025-03-01T00:00:00Z", "until": "2025-03-31"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=str)
@pytest.mark.parametrize(("utc", "by", "group"), [(False, "day", "portal"), (True, "month", "portal"),
                         (True, "week", "section"), (False, "month", "place")])  # fmt: skip
def test_stats_from_the_counts_equal_stats_of_every_article(path, plain_path, filters, utc, by,
                                                           group):  # fmt: skip
    with (
        open_archive(path, readonly=True) as kept,
        open_archive(plain_path, readonly=True) as plain,
    ):
        assert counts.kept(kept.db) and not counts.kept(plain.db)
        where = kept.filter(None, **filters)
        facts = article_stats(kept.db, where, utc=utc, by=by, group=group)
        assert facts == article_stats(plain.db, where, utc=utc, by=by, group=group)
        # Without the days (a month summed by SQLite): the rest alike.
        del facts["per_day"]
        assert article_stats(kept.db, where, utc=utc, by=by, group=group, days=False) == facts
        conditions, params = where.where()
        assert place_counts(kept.db, where.source(), conditions, params) == place_counts(
            plain.db, where.source(), conditions, params
        )


def test_a_month_cut_by_hours_is_read_whole_less_the_hours_outside():
    """A month of WIB days cuts two UTC months by 7 hours: the section counts read the
    UTC month from its counts and count the 7 hours outside (and inside the month
    before) from the articles, not the whole month."""
    from archive.search import ArticleFilter
    from archive.stats import _kept_rows

    month = ArticleFilter(since="2025-02-28T17:00:00Z", until="2025-03-31T17:00:00Z")
    sql, params = _kept_rows(counts.SECTIONS, 7, month, complement=True)
    assert "-count(*)" in sql and params[-4:] == [
        "2025-02-28T17:00:00Z", "2025-03-01T00:00:00Z",  # the hours of February, added
        "2025-03-31T17:00:00Z", "2025-04-01T00:00:00Z",  # the hours after, taken off
    ]  # fmt: skip
    sql, params = _kept_rows(counts.SECTIONS, 7, month)  # no complement: every hour read
    assert "-count(*)" not in sql and params[-2:] == [
        "2025-02-28T17:00:00Z",
        "2025-03-31T17:00:00Z",
    ]


def test_counts_whose_triggers_were_dropped_are_not_read_and_are_counted_again(path, tmp_path):
    """A tool that rebuilds ``articles`` drops its triggers: the counts then fall
    behind. Read-only, such an archive is counted from its articles; opened for
    writing, its triggers are made again and its counts recounted."""
    dropped = tmp_path / "dropped.db"
    shutil.copy(path, dropped)
    conn = sqlite3.connect(dropped)
    with conn:
        conn.execute("DROP TRIGGER article_counts_insert")
        conn.execute("DROP TRIGGER cluster_counts_update")
        conn.execute("DROP TRIGGER tag_articles_insert")
        conn.execute("UPDATE articles SET portal = 'kabar6' WHERE portal = 'tangselpos'")
        conn.execute(  # a copy of an article, under another URL
            "INSERT INTO articles (url, portal, section, title, body, tags, published_at,"
            " published_local, first_seen_at, last_seen_at) SELECT url || '?copy', portal,"
            " section, title, body, '[\"Banjir\"]', published_at, published_local,"
            " first_seen_at, last_seen_at FROM articles WHERE id = 1"
        )
    conn.close()
    with open_archive(dropped, readonly=True) as stale:
        assert not counts.kept(stale.db) and not counts.clusters_kept(stale.db)
        assert not counts.tag_articles_kept(stale.db)
        assert counts.stored_tag_articles(stale.db) != counts.recount_tag_articles(stale.db)
        assert counts.stored(stale.db) != counts.recount(stale.db)  # the counts fell behind
        per_portal = {r["portal"]: r["articles"] for r in stale.stats()["per_portal"]}
        assert per_portal == dict(
            stale.db.execute("SELECT portal, count(*) FROM articles GROUP BY portal").fetchall()
        )
    with open_archive(dropped) as repaired:
        assert counts.kept(repaired.db) and counts.clusters_kept(repaired.db)
        assert counts.tag_articles_kept(repaired.db)
        assert_counts_current(repaired.db)
        assert counts.stored_clusters(repaired.db) == counts.recount_clusters(repaired.db)
