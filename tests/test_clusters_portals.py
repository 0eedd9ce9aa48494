"""Near-duplicate clusters on the sample portals' articles: two press releases that
several portals rewrote, and one exact copy, stored as the crawler would store them."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from archive import cluster_placement
from archive.writer import ArchiveWriter, Outcome
from crawler.mirror.render import sample_portals

# Release A: the Pemprov Banten release on influencers (tangselpos 51234) as five other
# portals rewrote it (Jaccard against 51234 between 0.76 and 0.83). Release B: four
# portals' versions of another release (pairwise Jaccard 0.64-0.76).
RELEASE_A = {("tangselpos", 51234), ("kabar6", 232118), ("bantennews", 99412),
             ("tribunbanten", 1006238), ("kabarbanten", 5929104417), ("biem", 119344)}  # fmt: skip
RELEASE_B = {("bantenhits", 61873), ("radarbanten", 413877), ("tangerangnews", 87410),
             ("satelitnews", 513902)}  # fmt: skip
# Release C: two write-ups of one release on tangselpos, the same text under new leads.
RELEASE_C = {("tangselpos", 51311), ("tangselpos", 51337)}
COPY, ORIGINAL = ("bantenhits", 61195), ("tangselpos", 51398)


def sample_articles() -> list[tuple[str, dict]]:
    """``(portal, article)`` for every sample portal's ``articles.json``, in the order
    they were published."""
    found = []
    for site in files("crawler.mirror").joinpath("sites").iterdir():
        source = site.joinpath("articles.json")
        if source.is_file():
            found.extend((site.name, a) for a in json.loads(source.read_text("utf-8")))
    return sorted(found, key=lambda pa: (pa[1]["published"], pa[0]))


def record(portal: str, article: dict) -> dict:
    """The record the crawler's pipeline would store for a sample article."""
    return {
        "url": f"https://www.{portal}.example.id/{article['id']}/{article['slug']}",
        "portal": portal,
        "section": article["section"],
        "title": article["title"],
        "published_at": article["published"],
        "dateline": article["dateline"],
        "body": "\n\n".join(article["paragraphs"]),
        "press_release": article["press_release"] is not None,
        "press_release_phrase": article["press_release"],
        "tags": article["tags"],
    }


@pytest.mark.parametrize("cache_bytes", [cluster_placement.SHINGLE_CACHE_BYTES, 1])
def test_sample_portals_cluster_their_releases_and_copy(db_path, cache_bytes):
    """The same clusters whether the candidates' shingle sets come from the writer's
    cache of recent texts or, with a cache too small to keep one, from their stored
    bodies; the cache stays within its bound."""
    articles = sample_articles()
    assert {portal for portal, _ in articles} == set(sample_portals())
    ids = {}
    with ArchiveWriter(db_path, shingle_cache_bytes=cache_bytes) as archive:
        for portal, article in articles:
            outcome, article_id = archive.store(record(portal, article))
            assert outcome in (Outcome.NEW, Outcome.DUPLICATE)
            ids[(portal, article["id"])] = article_id
            # Within the bound, or the one text stored since the cache started again.
            assert archive._shingle_bytes <= cache_bytes or len(archive._shingles) == 1
            assert archive._shingle_bytes == sum(s.nbytes for s in archive._shingles.values())
        found = archive.db.execute("SELECT id, cluster_id, duplicate_of FROM articles").fetchall()
    cluster = {article_id: cluster_id for article_id, cluster_id, _ in found}
    duplicate_of = {article_id: original for article_id, _, original in found}
    by_cluster: dict[int, set] = {}
    for key, article_id in ids.items():
        if cluster[article_id] is not None:
            by_cluster.setdefault(cluster[article_id], set()).add(key)

    assert len(ids) == len(found)
    assert duplicate_of[ids[COPY]] == ids[ORIGINAL]
    # These clusters and no other; nothing else joins them.
    assert sorted(by_cluster.values(), key=lambda c: (len(c), sorted(c))) == [
        {COPY, ORIGINAL},
        RELEASE_C,
        RELEASE_B,
        RELEASE_A,
    ]
    assert sum(1 for original in duplicate_of.values() if original is not None) == 1
