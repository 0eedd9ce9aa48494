"""A changed text leaves its near-duplicate cluster, and what is left of the cluster is
split again by the placement rules: articles that were joined only through the old
text part; the rest stays together under its earliest article. On real SQLite files,
through ``ArchiveWriter.store`` and the real CLI."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

from archive.dedup import body_words, jaccard, shingle_ids
from archive.writer import ArchiveWriter, Outcome
from crawler.mirror.tangselpos import load_articles
from tests.conftest import ALL_BANDS, run_cli
from tests.test_store import paragraphs, record, release_variants, rows


@pytest.fixture
def archive(db_path):
    with ArchiveWriter(db_path) as opened:
        yield opened


def chain(seed: int) -> dict[str, str]:
    """Three texts in a single-link chain: ``left`` and ``right`` share most of their
    paragraphs but are not near duplicates of each other; ``bridge`` is a near duplicate
    of both (it has half of each one's own paragraphs). ``unrelated`` shares nothing."""
    rng = random.Random(seed)
    common, xs, ys = paragraphs(rng, 16), paragraphs(rng, 4), paragraphs(rng, 4)
    texts = {
        "left": "\n\n".join([*common, *xs]),
        "right": "\n\n".join([*common, *ys]),
        "bridge": "\n\n".join([*common, *xs[:2], *ys[:2]]),
        "unrelated": "\n\n".join(paragraphs(rng, 20)),
    }
    sets = {name: shingle_ids(body_words(text)) for name, text in texts.items()}
    assert jaccard(sets["left"], sets["right"]) < 0.8
    assert jaccard(sets["left"], sets["bridge"]) >= 0.8
    assert jaccard(sets["right"], sets["bridge"]) >= 0.8
    assert jaccard(sets["bridge"], sets["unrelated"]) < 0.1
    return texts


def day(n: int) -> str:
    return f"2025-09-{10 + n:02d}T03:00:00Z"


def clusters(archive: ArchiveWriter) -> dict[str, int | None]:
    """``cluster_id`` by portal (each test's articles are one per portal)."""
    return {r["portal"]: r["cluster_id"] for r in rows(archive, "SELECT * FROM articles")}


def store(archive: ArchiveWriter, portal: str, body: str, published: int, **extra) -> int:
    url = f"https://{portal}.example.id/berita/1"
    outcome, article_id = archive.store(
        record(url, body, portal=portal, published_at=day(published), **extra)
    )
    assert outcome in (Outcome.NEW, Outcome.DUPLICATE, Outcome.UPDATED)
    return article_id


def test_chain_falls_apart_when_its_link_changes(archive):
    texts = chain(40)
    a = store(archive, "a", texts["left"], 1)
    store(archive, "c", texts["right"], 2)
    store(archive, "b", texts["bridge"], 3)
    # An unrelated pair elsewhere in the archive, which the change must not touch.
    other = "\n\n".join(paragraphs(random.Random(41), 12))
    d = store(archive, "d", other, 0)
    store(archive, "e", other + " Tambahan.", 5)
    assert clusters(archive) == {"a": a, "c": a, "b": a, "d": d, "e": d}
    # The bridge is corrected to a text of its own: A and C are no longer near
    # duplicates of anything in the cluster.
    assert store(archive, "b", texts["unrelated"], 3) == 3
    assert rows(archive, "SELECT revision FROM articles WHERE portal = 'b'") == [{"revision": 2}]
    assert clusters(archive) == {"a": None, "c": None, "b": None, "d": d, "e": d}


def test_changed_link_joins_what_its_new_text_matches(archive):
    texts = chain(42)
    store(archive, "a", texts["left"], 1)
    store(archive, "c", texts["right"], 2)
    b = store(archive, "b", texts["bridge"], 0)
    assert clusters(archive) == {"a": b, "c": b, "b": b}
    # Corrected to a version of A's text: B stays with A only, and heads that cluster
    # (published first); C is left alone.
    store(archive, "b", texts["left"] + "\n\nRalat: jumlah peserta 150 orang.", 0)
    assert clusters(archive) == {"a": b, "b": b, "c": None}


def test_split_groups_each_take_their_earliest_article(archive):
    """A~A' and C~C' joined into one cluster through B; B changes: two clusters, each
    headed by its earliest published article (not its first stored)."""
    texts = chain(43)
    a = store(archive, "a", texts["left"], 2)
    store(archive, "a2", texts["left"] + "\n\nTambahan dari redaksi.", 4)
    store(archive, "c", texts["right"], 3)
    c2 = store(archive, "c2", texts["right"] + "\n\nTambahan dari redaksi.", 1)
    b = store(archive, "b", texts["bridge"], 0)
    assert set(clusters(archive).values()) == {b}
    store(archive, "b", texts["unrelated"], 0)
    assert clusters(archive) == {"a": a, "a2": a, "c": c2, "c2": c2, "b": None}


def test_remaining_members_still_linked_stay_one_cluster_under_their_earliest(archive):
    variants = release_variants(44, 4)
    dates = [0, 3, 1, 2]  # stored order: the third stored was published second
    ids = [store(archive, f"p{n}", body, dates[n]) for n, body in enumerate(variants)]
    assert set(clusters(archive).values()) == {ids[0]}
    # The head's text changes: the other three are still near duplicates of each other
    # and keep one cluster, now headed by the earliest of them.
    store(archive, "p0", "\n\n".join(paragraphs(random.Random(45), 9)), 0)
    assert clusters(archive) == {"p0": None, "p1": ids[2], "p2": ids[2], "p3": ids[2]}


def test_exact_copies_stay_with_their_original(archive):
    texts = chain(46)
    a = store(archive, "a", texts["left"], 1)
    store(archive, "copy", texts["left"].upper(), 5)  # the same text, folded
    store(archive, "c", texts["right"], 2)
    store(archive, "b", texts["bridge"], 3)
    assert rows(archive, "SELECT duplicate_of FROM articles WHERE portal = 'copy'") == [
        {"duplicate_of": a}
    ]
    store(archive, "b", texts["unrelated"], 3)
    assert clusters(archive) == {"a": a, "copy": a, "c": None, "b": None}


def test_copies_of_the_changed_text_keep_its_place_in_the_chain(archive):
    """The first copy of the old text inherits it (and its buckets): the chain still
    holds through the copy, and the article's new text goes its own way."""
    texts = chain(47)
    a = store(archive, "a", texts["left"], 1)
    store(archive, "c", texts["right"], 2)
    b = store(archive, "b", texts["bridge"], 3)
    heir = store(archive, "copy", texts["bridge"], 4)
    later = store(archive, "copy2", texts["bridge"], 5)
    assert set(clusters(archive).values()) == {a}
    store(archive, "b", texts["unrelated"], 3)
    assert clusters(archive) == {"a": a, "c": a, "b": None, "copy": a, "copy2": a}
    found = rows(archive, "SELECT id, duplicate_of FROM articles WHERE id IN (?, ?, ?)",
                 b, heir, later)  # fmt: skip
    assert found == [
        {"id": b, "duplicate_of": None},
        {"id": heir, "duplicate_of": None},
        {"id": later, "duplicate_of": heir},
    ]


@pytest.mark.parametrize("press_releases", [True, False])
def test_two_press_releases_stay_together_by_the_containment_rule(archive, press_releases):
    """51311 and 51337 (the mirror's release, each with its own lead) are near
    duplicates only by the press-release containment rule (Jaccard 0.70). A third text
    with both leads joins either by Jaccard. When the third changes, the two stay
    together when both are flagged press releases, and part when they are not."""
    mirror = {a["id"]: a for a in load_articles()}
    one, other = mirror[51311]["paragraphs"], mirror[51337]["paragraphs"]
    both_leads = "\n\n".join([one[0], *other])
    store(archive, "a", "\n\n".join(one), 2, press_release=press_releases)
    earlier = store(archive, "b", "\n\n".join(other), 1, press_release=press_releases)
    third = store(archive, "c", both_leads, 0, press_release=press_releases)
    assert set(clusters(archive).values()) == {third}
    store(archive, "c", "\n\n".join(paragraphs(random.Random(48), 8)), 0)
    expected = {"a": earlier, "b": earlier} if press_releases else {"a": None, "b": None}
    assert clusters(archive) == {**expected, "c": None}


def test_resplit_is_part_of_the_articles_transaction(archive):
    """The change, its re-split and its new placement are one unit: a batch that fails
    after the change leaves the cluster as it was."""
    texts = chain(49)
    a = store(archive, "a", texts["left"], 1)
    store(archive, "c", texts["right"], 2)
    store(archive, "b", texts["bridge"], 3)
    before = rows(archive, "SELECT * FROM articles ORDER BY id")
    bands = rows(archive, f"SELECT * FROM {ALL_BANDS} ORDER BY band, bucket, article_id")
    change = record("https://b.example.id/berita/1", texts["unrelated"], portal="b",
                    published_at=day(3))  # fmt: skip
    bad = {"url": "https://x.example.id/1", "portal": None, "title": "x", "body": "isi"}
    with pytest.raises(sqlite3.IntegrityError):
        list(archive.store_many([change, bad]))
    assert rows(archive, "SELECT * FROM articles ORDER BY id") == before
    assert rows(archive, f"SELECT * FROM {ALL_BANDS} ORDER BY band, bucket, article_id") == bands
    assert set(clusters(archive).values()) == {a}
    assert [o for o, _ in archive.store_many([change])] == [Outcome.UPDATED]
    assert clusters(archive) == {"a": None, "c": None, "b": None}


def write_jsonl(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    return path


def test_duplicates_command_shows_the_split_after_an_import_corrects_the_link(tmp_path, db_path):
    texts = chain(50)

    def line(portal: str, body: str, published: int) -> dict:
        return {"url": f"https://www.{portal}.example.id/rilis-banjir", "portal": portal,
                "title": "Bantuan banjir Lebak", "body": body,
                "published_at": day(published)}  # fmt: skip

    first = write_jsonl(
        tmp_path / "first.jsonl",
        [
            line("kabar6", texts["left"], 1),
            line("bantennews", texts["left"], 4),  # an exact copy
            line("radarbanten", texts["right"], 2),
            line("biem", texts["right"] + "\n\nTambahan dari redaksi.", 3),
            line("satelitnews", texts["bridge"], 5),
        ],
    )
    result = run_cli("import", str(first), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "4 new, 0 updated, 0 unchanged, 1 duplicate" in result.stdout
    listed = run_cli("duplicates", "--format", "json", "--db", str(db_path))
    assert [c["size"] for c in json.loads(listed.stdout)] == [5]

    # The bridging portal corrects its article to a text of its own.
    correction = write_jsonl(tmp_path / "ralat.jsonl", [line("satelitnews", texts["unrelated"], 5)])
    result = run_cli("import", str(correction), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "0 new, 1 updated" in result.stdout
    listed = run_cli("duplicates", "--format", "json", "--db", str(db_path))
    assert listed.returncode == 0, listed.stderr
    found = {
        c["earliest"]["portal"]: (c["size"], [a["portal"] for a in c["articles"]])
        for c in json.loads(listed.stdout)
    }
    assert found == {
        "kabar6": (2, ["kabar6", "bantennews"]),
        "radarbanten": (2, ["radarbanten", "biem"]),
    }
    table = run_cli("duplicates", "--db", str(db_path)).stdout
    assert "satelitnews" not in table
    assert "2 articles on 2 portal(s) (bantennews, kabar6)" in table
    assert "2 articles on 2 portal(s) (biem, radarbanten)" in table
    assert "(copy of 1)" in table


def test_clusters_are_those_a_fresh_archive_of_the_current_texts_has(tmp_path):
    """Arrivals and changes in any order leave the clusters that storing the current
    texts afresh, in the same order, gives: placement and re-split are one rule. The
    texts are windows sliding over one story (a window is a near duplicate of the
    next, and of the one two further when both are press releases, by containment),
    so changing one article breaks and makes chains."""
    rng = random.Random(60)
    story = paragraphs(rng, 40)
    pool = ["\n\n".join(story[i : i + 12]) for i in range(28)]
    pool += ["\n\n".join(paragraphs(rng, 12)) for _ in range(4)]
    release = [k % 2 == 0 for k in range(len(pool))]  # a property of the text
    published: dict[str, str] = {}
    text: dict[str, int] = {}  # url -> its text in the pool

    def current(archive: ArchiveWriter) -> list[dict]:
        return rows(archive, "SELECT id, cluster_id FROM articles ORDER BY id")

    with ArchiveWriter(tmp_path / "live.db") as live:
        for step in range(60):
            if not published or (len(published) < 14 and rng.random() < 0.4):
                url = f"https://p{len(published)}.example.id/berita"
                published[url] = day(rng.randrange(15))
            else:
                url = rng.choice(sorted(published))
            # Mostly a neighbour of the text the article has, as corrections are.
            if url in text and rng.random() < 0.7:
                k = min(max(text[url] + rng.choice([-2, -1, 1, 2]), 0), len(pool) - 1)
            else:
                k = rng.randrange(len(pool))
            text[url] = k
            portal = url.split("/")[2].split(".")[0]
            live.store(record(url, pool[k], portal=portal, published_at=published[url],
                              press_release=release[k]))  # fmt: skip
            if step % 6 != 5:
                continue
            with ArchiveWriter(tmp_path / f"fresh-{step}.db") as fresh:
                for row in rows(live, "SELECT * FROM articles ORDER BY id"):
                    fresh.store(record(row["url"], row["body"], portal=row["portal"],
                                       published_at=row["published_at"],
                                       press_release=bool(row["press_release"])))  # fmt: skip
                assert current(live) == current(fresh), f"after step {step}"
        sizes = rows(live, "SELECT count(*) AS n FROM articles WHERE cluster_id IS NOT NULL"
                           " GROUP BY cluster_id")  # fmt: skip
        assert max(r["n"] for r in sizes) >= 3  # the case is not trivial
