"""arsip serve: Datasette over the archive, read-only, checked over real HTTP (its pages
in a real headless browser: test_web_reading.py)."""

from __future__ import annotations

import html
import json
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import archive as archive_api
from arsip.cli_analyst import serve as serve_command
from tests.archives import build_analyst_archive, copy_archive, file_digest
from tests.serving import get_json, serving


@pytest.fixture(scope="module")
def analyst_path(tangselpos_first_crawl, tmp_path_factory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("serve") / "news.db"
    return path, build_analyst_archive(path, tangselpos_first_crawl)


@pytest.fixture(scope="module")
def server(analyst_path):
    """``arsip serve`` on a free port, stopped (and reaped) whatever the tests do."""
    path, ids = analyst_path
    before = file_digest(path)
    with serving(path) as base:
        yield base, ids
    assert file_digest(path) == before  # served read-only: the archive is untouched


def test_search_through_the_json_api(server):
    base, _ = server
    rows = get_json(f"{base}/archive/articles.json?_search=banjir&_shape=array&_col=title")
    assert {r["title"] for r in rows} == {
        "Hujan Deras Semalaman, Perumahan di Pamulang Terendam Banjir 50 Sentimeter",
        "Pemprov Banten Salurkan Bantuan untuk Korban Banjir Lebak",
        "Bantuan Banjir Lebak Mulai Disalurkan",
        "Salinan: Bantuan Banjir Lebak",
    }
    folded = get_json(f"{base}/archive/articles.json?_search=kesehatan+lansia&_shape=array")
    assert [r["title"] for r in folded] == ["Layanan Kesehatán Gratis di Puskesmas Cipocok"]
    # Datasette's escaped search mode: FTS syntax is plain text, never an error page.
    hostile = urllib.parse.quote('"; DROP TABLE articles; -- NEAR(')
    assert get_json(f"{base}/archive/articles.json?_search={hostile}&_shape=array") == []


def test_read_only_with_metadata_and_local_day_facets(server):
    base, ids = server
    # Opened mode=ro (Datasette's "mutable", read live during a crawl); any statement
    # but a SELECT is refused, and the fixture checks the file is unchanged.
    databases = {d["name"]: d for d in get_json(f"{base}/-/databases.json")}
    assert databases["archive"]["is_mutable"] is True
    with pytest.raises(urllib.error.HTTPError) as refused:
        get_json(f"{base}/archive.json?sql=" + urllib.parse.quote("delete from articles"))
    assert refused.value.code == 400
    refused.value.close()  # an HTTPError holds the answer's socket open
    meta = get_json(f"{base}/-/metadata.json")
    tables = meta["databases"]["archive"]["tables"]
    assert (
        tables["articles"]["title"] == "Articles"
        and tables["articles"]["fts_table"] == "articles_fts"
    )
    assert "published_local" in tables["articles"]["columns"]
    page = get_json(f"{base}/archive/articles.json?_facet_size=50")
    facets = page["facet_results"]
    assert {"portal", "section", "published_local", "tags"} <= set(facets)
    days = {f["value"]: f["count"] for f in facets["published_local"]["results"]}
    assert days["2025-09-17"] == 2 and days["2025-09-20"] == 3  # WIB days, not UTC
    chosen = get_json(
        f"{base}/archive/articles.json?published_local__startswith=2025-09-17&_shape=array"
    )
    assert {r["id"] for r in chosen} >= {ids["accented"]}


def test_stored_queries_answer_the_analysts_questions(server):
    base, ids = server
    cluster = get_json(
        f"{base}/archive/release_cluster.json?article_id={ids['rewrite']}&_shape=array"
    )
    assert [(r["id"], r["portal"]) for r in cluster] == [
        (ids["release"], "bantennews"), (ids["rewrite"], "tangselpos"), (ids["copy"], "bantennews"),
    ]  # fmt: skip
    revisions = get_json(
        f"{base}/archive/article_revisions.json?article_id={ids['revised']}&_shape=array"
    )
    assert [(r["revision"], r["replaced_at"]) for r in revisions] == [
        (1, "2025-09-19T02:00:00Z"), (2, None),
    ]  # fmt: skip
    per_day = get_json(f"{base}/archive/articles_per_day.json?_shape=array&_size=max")
    assert {"day": "2025-09-20", "portal": "bantennews", "articles": 2} in per_day
    largest = get_json(f"{base}/archive/largest_clusters.json?_shape=array")
    assert largest[0]["cluster_id"] == ids["release"] and largest[0]["portals"] == 2


FACETS = {"portal", "section", "published_local", "places", "tags"}


def facet_counts(page: dict) -> dict[str, list]:
    """Each facet's values as shown: value, label, count, selected, in order."""
    return {
        name: [(r["value"], r["label"], r["count"], r["selected"]) for r in facet["results"]]
        for name, facet in page["facet_results"].items()
    }


def test_the_whole_tables_facets_read_the_counts_and_equal_those_of_every_article(
    server, analyst_path, tmp_path
):
    """Without a filter, the facets come from the counts the archive keeps; they show
    what the facets of every article (any filter that keeps all: ``id__gte=0``) show.
    Proved from the counts by a copy whose counts were altered."""
    base, _ = server
    whole = get_json(f"{base}/archive/articles.json?_facet_size=100&_facet=portal")
    every = get_json(f"{base}/archive/articles.json?_facet_size=100&_facet=portal&id__gte=0")
    assert set(whole["facet_results"]) == FACETS  # an asked facet configured already: once
    assert facet_counts(whole) == facet_counts(every)
    assert all(len(values) > 1 for values in facet_counts(whole).values())
    chosen = get_json(f"{base}/archive/articles.json?_facet_size=100&portal=bantennews")
    assert [r["value"] for r in chosen["facet_results"]["portal"]["results"]] == ["bantennews"]

    altered = tmp_path / "altered.db"
    copy_archive(analyst_path[0], altered)
    with sqlite3.connect(altered) as conn:
        for table in ("article_section_counts", "article_day_counts", "article_tag_counts",
                      "article_place_counts"):  # fmt: skip
            conn.execute(f"UPDATE {table} SET articles = articles + 1000")
    conn.close()
    with serving(altered) as other:
        shown = facet_counts(get_json(f"{other}/archive/articles.json?_facet_size=100"))
        plain = facet_counts(get_json(f"{other}/archive/articles.json?_facet_size=100&id__gte=0"))
    assert {name: [v[2] for v in values] for name, values in shown.items()} != {
        name: [v[2] for v in values] for name, values in plain.items()
    }
    for name in FACETS:
        assert min(v[2] for v in shown[name]) > 1000, name


def test_the_tags_facet_of_a_searched_list_counts_each_article_once_per_tag(server, analyst_path):
    """A searched or filtered list's tags facet (not from the counts) counts each
    article once for each tag it has, as Datasette's array facet does (arsip's reads
    no body to do so)."""
    base, _ = server
    with sqlite3.connect(analyst_path[0]) as conn:
        rows = conn.execute(
            "SELECT a.id, a.tags FROM articles a WHERE a.id IN"
            " (SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'banjir')"
        ).fetchall()
        bantennews = conn.execute(
            "SELECT tags FROM articles WHERE portal = 'bantennews'"
        ).fetchall()
    conn.close()

    def expected(tag_lists) -> dict[str, int]:
        found: dict[str, int] = {}
        for tags in tag_lists:
            for tag in set(json.loads(tags or "[]")):
                found[tag] = found.get(tag, 0) + 1
        return found

    searched = get_json(f"{base}/archive/articles.json?_search=banjir&_searchmode=escaped"
                        "&_facet_size=max")  # fmt: skip
    shown = {r["value"]: r["count"] for r in searched["facet_results"]["tags"]["results"]}
    assert shown == expected(tags for _, tags in rows) and shown
    filtered = get_json(f"{base}/archive/articles.json?portal=bantennews&_facet_size=max")
    shown = {r["value"]: r["count"] for r in filtered["facet_results"]["tags"]["results"]}
    assert shown == expected(tags for (tags,) in bantennews) and shown


def page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode()


def result_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<a class="result" href="/article/([0-9]+)"', html)]


def test_the_search_page_gives_the_archive_s_search_with_its_orders(server, analyst_path):
    base, ids = server
    ranked = page(f"{base}/search?q=banjir")
    assert "Best matches first." in ranked and "[banjir]" in ranked.lower()
    with archive_api.open(analyst_path[0], readonly=True) as arch:
        best = [r["id"] for r in arch.search("banjir", limit=50)]
        newest = [r["id"] for r in arch.search("banjir", limit=50, order="newest")]
    assert result_ids(ranked) == best and len(best) == 4
    assert result_ids(page(f"{base}/search?q=banjir&order=newest")) == newest
    assert result_ids(page(f"{base}/search?q=banjir&place=Lebak")) == [
        i for i in best if i in (ids["release"], ids["rewrite"], ids["copy"])
    ]
    assert "No article matches." in page(f"{base}/search?q=banjir&portal=kabar6")
    home = page(f"{base}/")
    assert 'action="/search"' in home  # the home page's search box
    with sqlite3.connect(analyst_path[0]) as conn:
        stored, portals = conn.execute(
            "SELECT count(*), count(DISTINCT portal) FROM articles"
        ).fetchone()
    conn.close()
    assert f"{stored:,} articles from {portals} portals, published" in home  # from the counts
    for bad, says in (("place=Atlantis", "Atlantis"), ("order=best", "order is one of"),
                      ("since=kemarin", "kemarin")):  # fmt: skip
        with pytest.raises(urllib.error.HTTPError) as refused:
            page(f"{base}/search?q=banjir&{bad}")
        assert refused.value.code == 400 and says in refused.value.read().decode()
        refused.value.close()


class _Unredirected(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def redirected_to(url: str) -> str | None:
    """Where the server redirects ``url``, or None when it answers it (HTTP 200)."""
    opener = urllib.request.build_opener(_Unredirected)
    try:
        with opener.open(url, timeout=10) as answer:
            assert answer.status == 200
            return None
    except urllib.error.HTTPError as error:
        error.close()
        assert error.code == 302, error.code
        return error.headers["Location"]


def test_the_articles_list_s_search_box_leads_to_the_search_page(server):
    """The list's search, as its search box sends it (with or without a portal or a
    place), goes to ``/search``; a searched list asked for anything more stays
    Datasette's, with its count and facets, and the search page links to it."""
    base, _ = server
    box = "&_filter_column=&_filter_op=exact&_filter_value=&_sort=published_at&_sort_by_desc=on"
    lists = f"{base}/archive/articles?_search=banjir+lebak"
    assert redirected_to(lists) == "/search?q=banjir+lebak"
    assert redirected_to(lists + box) == "/search?q=banjir+lebak"
    assert redirected_to(lists + "&_sort_desc=published_at") == "/search?q=banjir+lebak"
    assert redirected_to(lists + "&portal__exact=kabar6") == "/search?q=banjir+lebak&portal=kabar6"
    assert redirected_to(lists + "&_place=Lebak") == "/search?q=banjir+lebak&place=Lebak"
    for more in ("&_searchmode=escaped", "&section__exact=Banten", "&_facet=portal",
                 "&_sort=published_at", "&_size=5", "&portal__exact=a&portal__exact=b",
                 "&_filter_column=section&_filter_op=exact&_filter_value=Banten"):  # fmt: skip
        where = redirected_to(lists + more)  # Datasette's own redirects are its own
        assert where is None or not where.startswith("/search"), more
    assert redirected_to(f"{base}/archive/articles.json?_search=banjir") is None
    assert redirected_to(f"{base}/archive/articles") is None
    table = "/archive/articles?_search=banjir&_searchmode=escaped&_place=Lebak"
    assert f'href="{html.escape(table)}"' in page(f"{base}/search?q=banjir&place=Lebak")
    assert "3 rows where search matches &#34;banjir lebak&#34;" in page(
        f"{base}/archive/articles?_search=banjir+lebak&_searchmode=escaped"
    )


def test_the_search_page_says_when_it_gives_the_newest_unranked(analyst_path, monkeypatch):
    """Past ``RANK_LIMIT`` matches (lowered to 2 in this process), the page says the
    newest come first, unranked, and how to have them ranked."""
    import asyncio

    from archive import search as search_module
    from archive.serve import make_datasette

    monkeypatch.setattr(search_module, "RANK_LIMIT", 2)
    datasette = make_datasette(analyst_path[0])

    async def get(url: str) -> str:
        return (await datasette.client.get(url)).text

    html = asyncio.run(get("/search?q=banjir"))
    assert "More than 2 articles of the archive match these words: the newest first" in html
    assert "Best matches first." in asyncio.run(get("/search?q=banjir&order=rank"))


def test_serve_binds_loopback_by_default():
    host = next(p for p in serve_command.params if p.name == "host")
    assert host.default == "127.0.0.1"
