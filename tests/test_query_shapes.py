"""The query shapes that keep the analyst's calls fast on a large archive give the answers
of the plain statements they replaced: search ranks first and snips the best only,
exports read in index order, stats count in two passes, places in one; and the counting
statements read covering indexes, not article rows."""

from __future__ import annotations

import random
import re
from collections import defaultdict

import pytest

from archive import counts
from archive.clusters import largest_clusters
from archive.opening import open_archive
from archive.places import ABOUT, place_counts
from archive.writer import ArchiveWriter
from tests.conftest import ALL_BANDS

SYLLABLES = ["ba", "di", "ku", "la", "me", "no", "pa", "ri", "su", "ta", "wi", "ya"]
PORTALS = ["tangselpos", "kabar6", "bantennews"]
SECTIONS = ["Berita", "Politik", None]


def words(rng: random.Random, n: int) -> str:
    return " ".join("".join(rng.choices(SYLLABLES, k=rng.randint(2, 3))) for _ in range(n))


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    """Sixty articles over three portals, two sections and none, three months (some
    sharing a publication time, some undated), a few about Pamulang or Serang."""
    rng = random.Random(16)
    path = tmp_path_factory.mktemp("shapes") / "shapes.db"
    records = []
    for number in range(60):
        month, day = 1 + number % 3, 1 + number % 5
        dated = number % 11 != 5
        place = ["", " di Pamulang, Tangerang Selatan", " di Kota Serang"][number % 3]
        records.append({
            "url": f"https://www.example.id/berita/{number}", "portal": PORTALS[number % 3],
            "section": SECTIONS[number % 4 % 3], "title": words(rng, 6).title(),
            "body": f"Banjir {words(rng, 20)}{place}.\n\n{words(rng, 60)}. Banjir lagi.",
            "published_at": f"2025-0{month}-0{day}T0{number % 4}:00:00Z" if dated else None,
            "published_local": f"2025-0{month}-0{day}T0{7 + number % 4}:00:00+07:00"
            if dated else None,
        })  # fmt: skip
    with ArchiveWriter(path) as writer:
        list(writer.store_many(records))
    return path


@pytest.fixture(scope="module")
def archive(path):
    with open_archive(path, readonly=True) as opened:
        yield opened


def plain_search(archive, query: str, **filters) -> list[dict]:
    """The search as one statement, as it was written before it ranked first."""
    where = archive.filter(query, **filters)
    conditions, params = where.where()
    cursor = archive.conn.execute(
        f"SELECT a.id, snippet(articles_fts, -1, '[', ']', ' … ', 12),"
        f" round(bm25(articles_fts, 5.0, 1.0), 3) FROM {where.source()} WHERE {conditions}"
        " ORDER BY bm25(articles_fts, 5.0, 1.0), a.id LIMIT 20",
        params,
    )
    return [{"id": i, "snippet": (s or "").strip(), "rank": r} for i, s, r in cursor]


@pytest.mark.parametrize(
    "query, filters",
    [("banjir", {}), ("banjir", {"portals": ["kabar6"], "since": "2025-02-01"}),
     ('"banjir lagi"', {"places": ["Tangsel"]}), ("banjir -lagi", {}), ("ba*", {})],
)  # fmt: skip
def test_search_gives_the_plain_statement_s_ranks_and_snippets(archive, query, filters):
    found = [{k: r[k] for k in ("id", "snippet", "rank")} for r in archive.search(query, **filters)]
    assert found == plain_search(archive, query, **filters)


def test_exports_are_dated_in_order_then_undated_by_id(archive):
    everything = [(a["published_at"], a["id"]) for a in archive.articles()]
    dated = [row for row in everything if row[0] is not None]
    undated = [row for row in everything if row[0] is None]
    assert undated and everything == sorted(dated) + sorted(undated, key=lambda r: r[1])
    since = [(a["published_at"], a["id"]) for a in archive.articles(since="2025-02-01")]
    assert since == [row for row in sorted(dated) if row[0] >= "2025-01-31T17:00:00Z"]


def test_stats_sum_to_what_the_rows_say(archive):
    rows = archive.conn.execute(
        "SELECT portal, section, published_at, substr(published_local, 1, 10) FROM articles"
    ).fetchall()
    stats = archive.stats(by="month", group="section")
    assert stats["articles"] == len(rows)
    assert stats["undated"] == sum(1 for r in rows if r[2] is None) > 0
    for entry in stats["per_portal"]:
        dates = [r[2] for r in rows if r[0] == entry["portal"] and r[2]]
        assert entry["articles"] == sum(1 for r in rows if r[0] == entry["portal"])
        assert (entry["first_published"], entry["last_published"]) == (min(dates), max(dates))
    sections = defaultdict(int)
    days = defaultdict(int)
    for portal, section, _, day in rows:
        sections[portal, section] += 1
        if day:
            days[day, portal] += 1
    assert [(s["portal"], s["section"], s["articles"]) for s in stats["per_section"]] == sorted(
        ((p, s, n) for (p, s), n in sections.items()),
        key=lambda r: (r[0], r[1] is None, r[1] or ""),
    )
    assert [(d["day"], d["portal"], d["articles"]) for d in stats["per_day"]] == sorted(
        (d, p, n) for (d, p), n in days.items()
    )
    per_section_month = defaultdict(int)
    for _, section, _, day in rows:
        if day:
            per_section_month[day[:7], section or "(no section)"] += 1
    assert {(c["period"], c["group"]): c["articles"] for c in stats["per_period"]["counts"]} == (
        per_section_month
    )


@pytest.mark.parametrize("filters", [{}, {"portals": ["kabar6"]}, {"since": "2025-02-01"}])
def test_place_counts_count_each_article_once_per_place(archive, filters):
    where = archive.filter(**filters)
    conditions, params = where.where()
    selected = {r[0] for r in archive.conn.execute(
        f"SELECT a.id FROM {where.source()} WHERE {conditions}", params)}  # fmt: skip
    about = defaultdict(set)
    for article_id, code in archive.conn.execute(
        "SELECT article_id, code FROM article_places WHERE score >= ?", [ABOUT]
    ):
        if article_id in selected:
            for length in (2, 5, 8):
                if len(code) >= length:
                    about[code[:length]].add(article_id)
    counted = place_counts(archive.db, where.source(), conditions, params)
    assert counted and {c["code"]: c["articles"] for c in counted} == {
        code: len(ids) for code, ids in about.items()
    }


def plans(archive, call, marker: str | None = None) -> list[str]:
    """The plans of the SELECT statements ``call`` runs (those containing ``marker``)."""
    statements: list[str] = []
    archive.conn.set_trace_callback(statements.append)
    try:
        call()
    finally:
        archive.conn.set_trace_callback(None)
    return [
        " / ".join(row[3] for row in archive.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        for sql in statements
        if sql.lstrip().upper().startswith(("SELECT", "WITH")) and (marker is None or marker in sql)
    ]


def test_counting_reads_the_kept_counts_or_indexes_not_article_rows(archive):
    """The whole archive's stats and places read the counts kept per day and place
    (``archive.counts``), never the articles or their tags; stats grouped by place,
    which the counts cannot give, read covering indexes of the articles."""
    whole = plans(archive, lambda: archive.stats(by="month"))
    assert any(counts.DAY_TABLE in plan for plan in whole), whole
    assert any(counts.PLACE_TABLE in plan for plan in whole), whole
    assert not [plan for plan in whole if re.search(r"SCAN (a|p|articles|article_places)\b", plan)]
    by_place = plans(archive, lambda: archive.stats(by="month", group="place"))
    scans = [plan for plan in by_place if re.search(r"SCAN a\b", plan)]
    assert scans and all("COVERING INDEX" in plan for plan in scans), scans
    (largest,) = plans(archive, archive.duplicates, "ORDER BY size DESC")
    assert largest.startswith(f"SCAN {counts.CLUSTER_TABLE} USING COVERING INDEX"), largest
    assert "TEMP B-TREE" not in largest, largest


def test_the_largest_clusters_from_the_kept_sizes_are_those_of_every_article(tmp_path):
    """Copies stored before and after their originals, near copies, edits that move
    articles between clusters and portals: the kept cluster sizes equal a count of the
    articles, and ``duplicates`` gives what grouping every article gives."""
    rng = random.Random(20)
    texts = [f"{words(rng, 80)}.\n\n{words(rng, 80)}." for _ in range(12)]
    records = []
    for number in range(90):
        body = texts[number % 12] + (f" {words(rng, 3)}." if number % 3 else "")
        records.append({
            "url": f"https://www.example.id/berita/{number}", "portal": PORTALS[number % 3],
            "title": f"Salinan {number}", "body": body,
            "published_at": f"2025-03-{1 + number % 20:02d}T0{number % 9}:00:00Z",
        })  # fmt: skip
    rng.shuffle(records)
    path = tmp_path / "clusters.db"
    with ArchiveWriter(path) as writer:
        list(writer.store_many(records[:60]))
        for record in records[60:]:
            writer.store(record)
    with open_archive(path) as opened:
        db = opened.db
        assert counts.stored_clusters(db) == counts.recount_clusters(db)
        assert max(size for size, _ in counts.recount_clusters(db).values()) >= 5
        with db.conn:
            ids = [row[0] for row in db.execute("SELECT id FROM articles ORDER BY id")]
            for article_id in rng.sample(ids, 15):
                db.execute(
                    "UPDATE articles SET cluster_id = ?, portal = ? WHERE id = ?",
                    [rng.choice([None, *ids[:5]]), rng.choice(PORTALS), article_id],
                )
        assert counts.stored_clusters(db) == counts.recount_clusters(db)
        with db.conn:  # an article moved to another portal within its cluster
            clustered = db.execute(
                "SELECT id, portal FROM articles WHERE cluster_id IS NOT NULL ORDER BY id"
            ).fetchall()
            for article_id, portal in clustered[::4]:
                other = PORTALS[(PORTALS.index(portal) + 1) % len(PORTALS)]
                db.execute("UPDATE articles SET portal = ? WHERE id = ?", [other, article_id])
        assert counts.stored_clusters(db) == counts.recount_clusters(db)
        for min_portals in (1, 2, 3):
            kept = opened.duplicates(min_portals=min_portals, limit=None)
            assert kept == plain_duplicates(db, min_portals)


def plain_duplicates(db, min_portals: int) -> list[dict]:
    """``duplicates`` as an archive without the kept sizes answers it."""
    with db.conn:
        db.execute(f"ALTER TABLE {counts.CLUSTER_TABLE} RENAME TO set_aside")
        try:
            return largest_clusters(db, min_portals=min_portals, limit=None)
        finally:
            db.execute(f"ALTER TABLE set_aside RENAME TO {counts.CLUSTER_TABLE}")


def test_search_ranks_with_the_index_as_its_outer_loop(archive):
    (ranking,) = plans(archive, lambda: archive.search("banjir", portals=["kabar6"]), "bm25")
    assert ranking.startswith("SCAN articles_fts"), ranking


def test_the_newest_matches_are_read_on_the_time_index_and_looked_up_by_rowid(archive):
    """A search in ``newest`` order reads the articles newest first on an index of
    their publication time and looks each up in the full-text index by rowid: it stops
    at the 20th match, never reads every match."""
    (newest,) = plans(
        archive, lambda: archive.search("banjir", order="newest", portals=["kabar6"]), "EXISTS"
    )
    assert newest.startswith("SEARCH a USING COVERING INDEX idx_articles_portal_published_at")
    assert "SCAN f VIRTUAL TABLE INDEX 0:=" in newest and "TEMP B-TREE" not in newest, newest
    (whole,) = plans(archive, lambda: archive.search("banjir", order="newest"), "EXISTS")
    assert whole.startswith("SCAN a USING COVERING INDEX idx_articles_published_at"), whole


def test_an_earlier_copy_takes_over_the_buckets_by_index(tmp_path):
    """A copy arriving before its original: when the original comes, it takes over the
    copy's near-duplicate buckets, read and dropped by article through an index (a
    read of every bucket row of the archive each time, before schema 18)."""
    rng = random.Random(18)
    body = f"{words(rng, 80)}.\n\n{words(rng, 80)}."
    late = {"url": "https://www.example.id/berita/copy", "portal": "kabar6", "title": "Salinan",
            "body": body, "published_at": "2025-03-02T05:00:00Z"}  # fmt: skip
    early = {**late, "url": "https://www.example.id/berita/original", "portal": "tangselpos",
             "title": "Asli", "published_at": "2025-03-01T05:00:00Z"}  # fmt: skip
    statements: list[str] = []
    with ArchiveWriter(tmp_path / "copies.db") as writer:
        _, copy_id = writer.store(late)
        writer.db.conn.set_trace_callback(statements.append)
        _, original_id = writer.store(early)
        writer.db.conn.set_trace_callback(None)
        by_article = [s for s in statements if re.search(r"minhash_bands\w* WHERE article_id", s)]
        assert any("minhash_bands_recent WHERE" in s for s in by_article)
        assert any("minhash_bands WHERE" in s for s in by_article)  # the takeover, by article
        for sql in by_article:
            plan = " / ".join(r[3] for r in writer.db.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert "SCAN minhash_bands" not in plan, plan
        owners = {r[0] for r in writer.db.execute(f"SELECT DISTINCT article_id FROM {ALL_BANDS}")}
        duplicate_of = writer.db.execute(
            "SELECT duplicate_of FROM articles WHERE id = ?", [copy_id]
        ).fetchone()[0]
    assert owners == {original_id} and duplicate_of == original_id


def test_the_portals_are_found_one_index_lookup_each(archive):
    """``portals_in`` gives what ``SELECT DISTINCT`` gives, looking each portal up from
    the one before instead of reading every entry of an index."""
    from archive.search import portals_in

    distinct = [
        r[0] for r in archive.conn.execute("SELECT DISTINCT portal FROM articles ORDER BY 1")
    ]
    assert portals_in(archive.db) == distinct == sorted(PORTALS)
    steps = plans(archive, lambda: portals_in(archive.db), "RECURSIVE")
    assert steps and "SCAN articles" not in steps[0] and "SEARCH articles" in steps[0], steps
