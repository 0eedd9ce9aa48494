"""The store on real SQLite files: levels 2 and 3 of dedup, and history."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest

from archive import cluster_placement
from archive.dedup import BANDS, body_words, content_hash, jaccard, shingle_ids
from archive.writer import ArchiveWriter, Entry, Outcome
from crawler.mirror.tangselpos import load_articles
from tests.conftest import ALL_BANDS

SYLLABLES = ["ba", "be", "bi", "bu", "da", "de", "di", "du", "ga", "gi", "ka", "ke", "ki", "ku", "la", "li", "lu", "ma", "me", "mi", "mu", "na", "ni", "nu", "pa", "pe", "pi", "ra", "ri", "ru", "sa", "se", "si", "su", "ta", "te", "ti", "tu"]  # fmt: skip


def words(rng: random.Random, n: int) -> str:
    return " ".join("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(n))


def paragraphs(rng: random.Random, count: int, length: int = 60) -> list[str]:
    return [words(rng, length).capitalize() + "." for _ in range(count)]


def record(url: str, body: str, title: str = "Judul", **extra) -> dict:
    return {"url": url, "portal": extra.pop("portal", "tangselpos"), "title": title,
            "body": body, **extra}  # fmt: skip


def rows(archive: ArchiveWriter, sql: str, *params) -> list[dict]:
    cursor = archive.db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def release_pair() -> tuple[str, str]:
    """The bodies of mirror articles 51311 and 51337: one press release, two leads."""
    mirror = {a["id"]: a for a in load_articles()}
    one, other = ("\n\n".join(mirror[i]["paragraphs"]) for i in (51311, 51337))
    return one, other


@pytest.fixture(autouse=True, params=["recent", "settled"])
def bucket_table(request, monkeypatch):
    """Every test twice: with new texts' LSH buckets in ``minhash_bands_recent``, as
    until there are many, and moved into ``minhash_bands`` after every store."""
    if request.param == "settled":
        monkeypatch.setattr(cluster_placement, "RECENT_BUCKET_ROWS", 0)
    return request.param


@pytest.fixture
def archive(db_path):
    with ArchiveWriter(db_path) as opened:
        yield opened


# -- level 1 and 2 -----------------------------------------------------------------------


def test_url_variant_is_the_same_article(archive):
    body = "\n\n".join(paragraphs(random.Random(1), 4))
    first = archive.store(record("https://www.tangselpos.id/detail/1/a", body))
    again = archive.store(record("https://m.tangselpos.id/detail/1/a/amp?utm_source=wa", body))
    assert first == (Outcome.NEW, 1) and again == (Outcome.UNCHANGED, 1)
    urls = rows(archive, "SELECT url_key, url, article_id FROM article_urls ORDER BY url")
    assert urls == [
        {"url_key": "https://tangselpos.id/detail/1/a",
         "url": "https://www.tangselpos.id/detail/1/a", "article_id": 1},
    ]  # fmt: skip
    assert archive.count() == 1


def test_fetched_and_canonical_urls_both_map_to_the_article(archive):
    body = "\n\n".join(paragraphs(random.Random(2), 4))
    _, article_id = archive.store(
        record("https://www.tangselpos.id/detail/2/b", body),
        fetched_url="https://www.tangselpos.id/detail/2/b-old-slug?fbclid=1",
    )
    keys = {r["url_key"]: r["article_id"] for r in rows(archive, "SELECT * FROM article_urls")}
    assert keys == {
        "https://tangselpos.id/detail/2/b": article_id,
        "https://tangselpos.id/detail/2/b-old-slug": article_id,
    }
    # The old slug alone now finds the article.
    outcome, same = archive.store(record("http://tangselpos.id/detail/2/b-old-slug/", body))
    assert (outcome, same) == (Outcome.UNCHANGED, article_id)


def test_exact_copy_on_another_portal_points_at_the_first(archive):
    body = "\n\n".join(paragraphs(random.Random(3), 5))
    copy = body.upper().replace(".", " !")  # case, punctuation, spacing folded
    assert content_hash(copy) == content_hash(body)
    first = archive.store(record("https://www.tangselpos.id/detail/3/c", body))
    second = archive.store(record("https://kabar6.com/c/", copy, portal="kabar6"))
    third = archive.store(record("https://bantennews.co.id/c/", body, portal="bantennews"))
    assert first[0] == Outcome.NEW
    assert second[0] == third[0] == Outcome.DUPLICATE
    found = rows(archive, "SELECT id, duplicate_of, cluster_id FROM articles ORDER BY id")
    assert found == [
        {"id": 1, "duplicate_of": None, "cluster_id": 1},
        {"id": 2, "duplicate_of": 1, "cluster_id": 1},
        {"id": 3, "duplicate_of": 1, "cluster_id": 1},
    ]
    # Copies store no buckets of their own; the first article's stand for the text.
    assert {r["article_id"] for r in rows(archive, f"SELECT * FROM {ALL_BANDS}")} == {1}


# -- level 3 -----------------------------------------------------------------------------


def release_variants(seed: int, portals: int, rest: int = 8, lead: int = 25) -> list[str]:
    """One press release as several portals run it: the same paragraphs after a lead
    paragraph each portal writes itself."""
    rng = random.Random(seed)
    body = paragraphs(rng, rest)
    return ["\n\n".join([words(rng, lead).capitalize() + ".", *body]) for _ in range(portals)]


def test_press_release_with_new_leads_forms_one_cluster(archive):
    variants = release_variants(10, 4)
    sets = [shingle_ids(body_words(v)) for v in variants]
    assert 0.8 <= jaccard(sets[0], sets[1]) < 1.0
    ids = []
    for n, (portal, body) in enumerate(zip(["a", "b", "c", "d"], variants, strict=True)):
        outcome, article_id = archive.store(
            record(
                f"https://{portal}.example.id/rilis/{n}",
                body,
                title=f"Judul {portal}",
                portal=portal,
                published_at=f"2025-09-2{n}T01:00:00Z",
            )  # fmt: skip
        )
        assert outcome == Outcome.NEW  # not the same text: no duplicate_of
        ids.append(article_id)
    # Unrelated articles stay alone.
    for n in range(5):
        body = "\n\n".join(paragraphs(random.Random(100 + n), 8))
        archive.store(record(f"https://a.example.id/lain/{n}", body, portal="a"))
    clusters = rows(archive, "SELECT id, cluster_id FROM articles ORDER BY id")
    assert [r["cluster_id"] for r in clusters[:4]] == [ids[0]] * 4
    assert all(r["cluster_id"] is None for r in clusters[4:])


def test_cluster_id_is_the_earliest_published_article(archive):
    variants = release_variants(11, 3)
    dates = ["2025-09-20T05:00:00Z", "2025-09-19T23:00:00Z", "2025-09-21T00:00:00Z"]
    for n, (body, date) in enumerate(zip(variants, dates, strict=True)):
        archive.store(record(f"https://p{n}.example.id/x", body, portal=f"p{n}", published_at=date))
    # The second stored was published first: the cluster takes its id.
    assert {r["cluster_id"] for r in rows(archive, "SELECT cluster_id FROM articles")} == {2}


def test_below_threshold_is_not_a_near_duplicate(archive):
    rng = random.Random(12)
    shared = paragraphs(rng, 4)
    one = "\n\n".join([*shared, *paragraphs(rng, 4)])
    other = "\n\n".join([*shared, *paragraphs(rng, 4)])
    assert jaccard(shingle_ids(body_words(one)), shingle_ids(body_words(other))) < 0.6
    archive.store(record("https://a.example.id/1", one, portal="a"))
    archive.store(record("https://b.example.id/1", other, portal="b"))
    assert [r["cluster_id"] for r in rows(archive, "SELECT cluster_id FROM articles")] == [
        None,
        None,
    ]


def test_mirror_press_release_pair_is_clustered_by_containment(archive):
    """51311 and 51337 share every paragraph after the first; their new leads bring the
    Jaccard similarity of the whole short text down to 0.70. Both are press releases,
    and 0.83 of either text's shingles are in the other."""
    one, other = release_pair()
    assert jaccard(shingle_ids(body_words(one)), shingle_ids(body_words(other))) < 0.8
    archive.store(record("https://www.tangselpos.id/detail/51311/a", one, press_release=True))
    archive.store(record("https://www.tangselpos.id/detail/51337/b", other, press_release=True))
    assert [r["cluster_id"] for r in rows(archive, "SELECT cluster_id FROM articles")] == [1, 1]


def store_pair_second_unflagged(archive) -> str:
    """Store the release pair, 51311 flagged as a press release and 51337 not; they stay
    apart (Jaccard 0.70, below the bar). Returns 51337's text."""
    one, other = release_pair()
    archive.store(record("https://www.tangselpos.id/detail/51311/a", one, press_release=True))
    archive.store(record("https://www.tangselpos.id/detail/51337/b", other))
    assert [r["cluster_id"] for r in rows(archive, "SELECT cluster_id FROM articles")] == [
        None,
        None,
    ]
    return other


def test_same_texts_not_flagged_as_releases_need_the_jaccard_bar(archive):
    """Containment joins press releases only: two ordinary articles as alike as 51311
    and 51337 (Jaccard 0.70) stay apart."""
    store_pair_second_unflagged(archive)


def test_buckets_per_article_are_bounded(archive):
    """Ingest cost does not grow with the archive: each text stores BANDS buckets,
    whatever else is stored."""
    for n in range(30):
        archive.store(
            record(f"https://a.example.id/{n}", "\n\n".join(paragraphs(random.Random(n), 5)))
        )
    per_article = rows(
        archive, f"SELECT article_id, count(*) AS n FROM {ALL_BANDS} GROUP BY article_id"
    )
    assert len(per_article) == 30 and {r["n"] for r in per_article} == {BANDS}


def test_two_clusters_merge_when_a_text_bridges_them(archive):
    rng = random.Random(13)
    common, xs, ys = paragraphs(rng, 16), paragraphs(rng, 4), paragraphs(rng, 4)
    left = "\n\n".join([*common, *xs])
    right = "\n\n".join([*common, *ys])
    bridge = "\n\n".join([*common, *xs[:2], *ys[:2]])
    sets = {name: shingle_ids(body_words(t)) for name, t in
            (("left", left), ("right", right), ("bridge", bridge))}  # fmt: skip
    assert jaccard(sets["left"], sets["right"]) < 0.8
    assert jaccard(sets["left"], sets["bridge"]) >= 0.8
    assert jaccard(sets["right"], sets["bridge"]) >= 0.8
    archive.store(record("https://a.example.id/1", left, portal="a"))
    archive.store(record("https://b.example.id/1", left + " tambahan", portal="b"))
    archive.store(record("https://c.example.id/1", right, portal="c"))
    archive.store(record("https://d.example.id/1", right + " tambahan", portal="d"))
    before = [r["cluster_id"] for r in rows(archive, "SELECT cluster_id FROM articles ORDER BY id")]
    assert before == [1, 1, 3, 3]
    archive.store(record("https://e.example.id/1", bridge, portal="e"))
    after = [r["cluster_id"] for r in rows(archive, "SELECT cluster_id FROM articles ORDER BY id")]
    assert after == [1, 1, 1, 1, 1]


# -- history -----------------------------------------------------------------------------


def test_unchanged_article_moves_last_seen_only(archive):
    body = "\n\n".join(paragraphs(random.Random(20), 4))
    url = "https://www.tangselpos.id/detail/20/a"
    archive.store(record(url, body), seen_at="2025-09-16T03:00:00Z")
    before = rows(archive, "SELECT * FROM articles")[0]
    outcome, _ = archive.store(record(url, body), seen_at="2025-09-17T03:00:00Z")
    after = rows(archive, "SELECT * FROM articles")[0]
    assert outcome == Outcome.UNCHANGED
    assert after.pop("last_seen_at") == "2025-09-17T03:00:00Z"
    assert before.pop("last_seen_at") == "2025-09-16T03:00:00Z"
    assert after == before
    # An older sighting (a re-extraction of an old page) never moves it back.
    archive.store(record(url, body), seen_at="2025-09-01T00:00:00Z")
    assert rows(archive, "SELECT last_seen_at FROM articles")[0]["last_seen_at"] == (
        "2025-09-17T03:00:00Z"
    )
    assert rows(archive, "SELECT count(*) AS n FROM article_revisions")[0]["n"] == 0


def test_changed_title_then_body_keeps_every_previous_version(archive):
    rng = random.Random(21)
    body = "\n\n".join(paragraphs(rng, 4))
    new_body = body + "\n\nRalat: " + words(rng, 10)
    url = "https://www.tangselpos.id/detail/21/a"
    archive.store(record(url, body, title="Judul lama"), seen_at="2025-09-16T03:00:00Z")
    first = archive.store(record(url, body, title="Judul baru"), seen_at="2025-09-16T05:00:00Z")
    second = archive.store(
        record(url, new_body, title="Judul baru"), seen_at="2025-09-17T05:00:00Z"
    )
    assert first == (Outcome.UPDATED, 1) and second == (Outcome.UPDATED, 1)
    article = rows(archive, "SELECT * FROM articles")[0]
    assert article["revision"] == 3
    assert (article["title"], article["body"]) == ("Judul baru", new_body)
    assert article["content_hash"] == content_hash(new_body)
    assert article["first_seen_at"] == "2025-09-16T03:00:00Z"
    assert article["last_seen_at"] == "2025-09-17T05:00:00Z"
    history = rows(archive, "SELECT revision, title, body, content_hash FROM article_revisions"
                   " ORDER BY revision")  # fmt: skip
    assert history == [
        {"revision": 1, "title": "Judul lama", "body": body, "content_hash": content_hash(body)},
        {"revision": 2, "title": "Judul baru", "body": body, "content_hash": content_hash(body)},
    ]
    # Search sees the current text only.
    hits = archive.db.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", ['"Ralat"']
    ).fetchall()
    assert hits == [(1,)]
    assert archive.db.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", ['"lama"']
    ).fetchone() == (0,)


def test_changed_text_leaves_its_cluster_and_copies_keep_their_original(archive):
    variants = release_variants(22, 3)
    for n, body in enumerate(variants):
        archive.store(record(f"https://p{n}.example.id/x", body, portal=f"p{n}"))
    archive.store(record("https://copy.example.id/x", variants[0], portal="copy"))
    assert [r["cluster_id"] for r in rows(archive, "SELECT cluster_id FROM articles")] == [1] * 4
    rewritten = "\n\n".join(paragraphs(random.Random(99), 8))
    outcome, _ = archive.store(record("https://p0.example.id/x", rewritten, portal="p0"))
    assert outcome == Outcome.UPDATED
    found = rows(archive, "SELECT id, duplicate_of, cluster_id FROM articles ORDER BY id")
    assert found == [
        {"id": 1, "duplicate_of": None, "cluster_id": None},
        {"id": 2, "duplicate_of": None, "cluster_id": 2},
        {"id": 3, "duplicate_of": None, "cluster_id": 2},
        # The copy of the old text is now the first of that text and stays clustered.
        {"id": 4, "duplicate_of": None, "cluster_id": 2},
    ]
    # The old text's buckets moved to the copy: a later copy of it still finds it.
    outcome, _ = archive.store(record("https://late.example.id/x", variants[0], portal="late"))
    assert outcome == Outcome.DUPLICATE
    assert rows(archive, "SELECT duplicate_of, cluster_id FROM articles WHERE id = 5") == [
        {"duplicate_of": 4, "cluster_id": 2}
    ]


def test_store_many_is_one_transaction_with_all_or_nothing_articles(archive):
    good = "\n\n".join(paragraphs(random.Random(30), 3))
    batch = [record(f"https://a.example.id/{n}", good + f" {n}") for n in range(3)]
    batch.insert(1, {"url": "https://a.example.id/bad", "portal": None, "title": "x", "body": good})
    with pytest.raises(sqlite3.IntegrityError):
        list(archive.store_many(batch))
    # The failing article rolled the batch back: nothing half-written is left.
    assert archive.count() == 0
    assert rows(archive, "SELECT count(*) AS n FROM article_urls")[0]["n"] == 0
    assert rows(archive, f"SELECT count(*) AS n FROM {ALL_BANDS}")[0]["n"] == 0
    outcomes = list(archive.store_many([r for r in batch if r["portal"]]))
    assert [o for o, _ in outcomes] == [Outcome.NEW] * 3


def test_store_many_keeps_its_journals_in_memory_and_gives_the_setting_back(archive):
    """Each article's savepoint journal stays in memory during a batch (they went to
    temporary files, most of what a batch wrote), and a single article's statement
    journals during its transaction; the connection's own setting is back afterwards,
    even after a failed batch: a ``VACUUM`` copies the whole archive into the
    temporary store."""
    temp_store = "PRAGMA temp_store"
    archive.db.execute(f"{temp_store} = FILE")
    body = "\n\n".join(paragraphs(random.Random(32), 3))
    batch = [record(f"https://a.example.id/m{n}", f"{body} {n}") for n in range(3)]
    during = [archive.db.execute(temp_store).fetchone()[0] for _ in archive.store_many(batch)]
    assert during == [2, 2, 2]  # MEMORY
    assert archive.db.execute(temp_store).fetchone()[0] == 1  # FILE, as it was
    bad = [record("https://a.example.id/m9", body), {"url": "https://a.example.id/x",
           "portal": None, "title": "x", "body": body}]  # fmt: skip
    with pytest.raises(sqlite3.IntegrityError):
        list(archive.store_many(bad))
    assert archive.db.execute(temp_store).fetchone()[0] == 1
    assert archive.count() == 3
    # A batch in a caller's transaction (a WARC import's, a merge's): the caller opens
    # the writer's own, so its articles' journals stay in memory too.
    with archive.transaction():
        nested = [archive.db.execute(temp_store).fetchone()[0]
                  for _ in archive.store_many([record("https://a.example.id/m8", body)])]  # fmt: skip
    assert nested == [2] and archive.db.execute(temp_store).fetchone()[0] == 1
    # One article in a transaction of its own (a crawl's): its statement journals too.
    statements: list[str] = []
    archive.db.conn.set_trace_callback(statements.append)
    archive.store(record("https://a.example.id/m10", f"{body} 10"))
    archive.db.conn.set_trace_callback(None)
    assert f"{temp_store} = MEMORY" in statements and "BEGIN IMMEDIATE" in statements
    assert statements.index(f"{temp_store} = MEMORY") < statements.index("BEGIN IMMEDIATE")
    assert archive.db.execute(temp_store).fetchone()[0] == 1


def test_json_columns_round_trip(archive):
    body = "\n\n".join(paragraphs(random.Random(31), 2))
    archive.store(record("https://a.example.id/j", body, authors=["Nur Aisyah"], tags=["HPV"]))
    row = rows(archive, "SELECT authors, tags FROM articles")[0]
    assert json.loads(row["authors"]) == ["Nur Aisyah"] and json.loads(row["tags"]) == ["HPV"]


def test_store_many_indexes_its_batch_for_search_once_at_the_end(archive):
    """A batch indexes its articles at its end (see m004): an article added and then
    changed in the same batch, and an earlier article changed in it, are found by their
    current text only, and the index stays consistent with the table."""
    rng = random.Random(32)
    earlier = "\n\n".join(paragraphs(rng, 3))
    archive.store(record("https://a.example.id/old", earlier, title="Lama"))
    added = "\n\n".join(paragraphs(rng, 3))
    batch = [
        record("https://a.example.id/new", added, title="Pertama"),
        record("https://a.example.id/new", added + "\n\nRalat satu.", title="Kedua"),
        record("https://a.example.id/old", earlier + "\n\nRalat dua.", title="Baru"),
    ]
    assert [o for o, _ in archive.store_many(batch)] == [
        Outcome.NEW,
        Outcome.UPDATED,
        Outcome.UPDATED,
    ]

    def hits(query: str) -> list[int]:
        return [
            r[0]
            for r in archive.db.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid",
                [query],
            ).fetchall()
        ]

    assert hits('"Ralat"') == [1, 2]
    assert hits("Kedua OR Baru") == [1, 2]
    assert hits("Pertama OR Lama") == []
    archive.db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
    assert archive.db.execute("SELECT count(*) FROM fts_deferred").fetchone() == (0,)
    # Outside a batch the triggers index as before.
    archive.store(record("https://a.example.id/third", added + " Tambahan.", title="Ketiga"))
    assert hits("Ketiga") == [3]


def test_store_many_entries_carry_what_store_takes(archive):
    """A batch entry keeps its own seen time, fetched URL and raw page, as ``store`` does."""
    rng = random.Random(33)
    body = "\n\n".join(paragraphs(rng, 3))
    page = {"url": "https://a.example.id/lama/e", "body": b"<html>e</html>",
            "fetched_at": "2025-09-16T03:00:00Z", "status": 200, "headers": {}}  # fmt: skip
    entries = [
        Entry(
            record("https://a.example.id/e", body),
            seen_at="2025-09-16T03:00:00Z",
            fetched_url=page["url"],
            page=page,
        ),
        record("https://a.example.id/f", "\n\n".join(paragraphs(rng, 3))),
    ]
    (first, first_id), (second, _) = archive.store_many(entries)
    assert (first, second) == (Outcome.NEW, Outcome.NEW)
    assert rows(archive, "SELECT first_seen_at FROM articles WHERE id = ?", first_id) == [
        {"first_seen_at": "2025-09-16T03:00:00Z"}
    ]
    urls = rows(archive, "SELECT url FROM article_urls WHERE article_id = ? ORDER BY url", first_id)
    assert [u["url"] for u in urls] == ["https://a.example.id/e", "https://a.example.id/lama/e"]
    kept = rows(archive, "SELECT url, article_id FROM pages")
    assert kept == [{"url": page["url"], "article_id": first_id}]


# -- corrected fields of an unchanged text -------------------------------------------------


def dated(url: str, body: str, when: str, source: str = "jsonld", **extra) -> dict:
    return record(url, body, published_at=when, published_local=None, published_raw=when,
                  published_source=source, published_has_time=True, **extra)  # fmt: skip


def test_better_reading_of_an_unchanged_text_corrects_its_fields_in_place(archive):
    body = "\n\n".join(paragraphs(random.Random(40), 3))
    url = "https://a.example.id/koreksi"
    archive.store(dated(url, body, "2025-09-16T09:12:00Z", source="text", section="Berita"))
    outcome, article_id = archive.store(
        dated(url, body, "2025-09-16T02:12:00Z", authors=["Nur Aisyah"], section="Banten")
    )
    assert outcome == Outcome.UPDATED
    (row,) = rows(archive, "SELECT * FROM articles WHERE id = ?", article_id)
    assert (row["published_at"], row["published_source"], row["section"]) == (
        "2025-09-16T02:12:00Z", "jsonld", "Banten"
    )  # fmt: skip
    assert json.loads(row["authors"]) == ["Nur Aisyah"]
    # Not a new version of the text: no revision, nothing in the history.
    assert row["revision"] == 1
    assert rows(archive, "SELECT count(*) AS n FROM article_revisions")[0]["n"] == 0
    # The same reading again changes nothing.
    again = dated(url, body, "2025-09-16T02:12:00Z", authors=["Nur Aisyah"], section="Banten")
    assert archive.store(again)[0] == Outcome.UNCHANGED


def test_a_reading_without_a_field_or_with_a_relative_date_erases_nothing(archive):
    body = "\n\n".join(paragraphs(random.Random(41), 3))
    url = "https://a.example.id/lengkap"
    archive.store(dated(url, body, "2025-09-16T02:12:00Z", authors=["Nur Aisyah"],
                        section="Banten", dateline="SERANG"))  # fmt: skip
    # An import without sections or authors, a later fetch reading "2 hari yang lalu".
    poorer = dated(url, body, "2025-09-16T00:00:00Z", source="relative", section=None)
    assert archive.store(poorer)[0] == Outcome.UNCHANGED
    (row,) = rows(archive, "SELECT * FROM articles")
    assert (row["published_at"], row["section"], row["dateline"]) == (
        "2025-09-16T02:12:00Z", "Banten", "SERANG"
    )  # fmt: skip
    assert json.loads(row["authors"]) == ["Nur Aisyah"]


def test_press_release_flag_found_later_rechecks_the_cluster(archive):
    """51311 and 51337 are joined only by the containment rule for press releases: when
    a better reading flags the second one, it joins the first's cluster."""
    other = store_pair_second_unflagged(archive)
    flagged = record("https://www.tangselpos.id/detail/51337/b", other, press_release=True)
    assert archive.store(flagged)[0] == Outcome.UPDATED
    assert [r["cluster_id"] for r in rows(archive, "SELECT cluster_id FROM articles")] == [1, 1]
    # And unflagged again (a reading that finds no source phrase), it leaves.
    assert archive.store(record("https://www.tangselpos.id/detail/51337/b", other))[0] == (
        Outcome.UPDATED
    )
    assert [r["cluster_id"] for r in rows(archive, "SELECT cluster_id FROM articles")] == [
        None,
        None,
    ]
