"""The articles list searched through Datasette (``?_search=``), its plan chosen by how
many articles have the words (``archive.web.large_lists``): the thresholds lowered so
that the small analyst archive's four articles about "banjir" take each plan."""

from __future__ import annotations

import asyncio
import html
import json
import re
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from archive.serve import make_datasette
from archive.web import facets, large_lists
from archive.web.facets import local_day_range
from tests.archives import build_analyst_archive

SEARCH = "/archive/articles?_search=banjir&_searchmode=escaped"


@pytest.fixture(scope="module")
def analyst_archive(tangselpos_first_crawl, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("large_lists") / "news.db"
    build_analyst_archive(path, tangselpos_first_crawl)
    return path


@pytest.fixture(scope="module")
def datasette(analyst_archive):
    return make_datasette(analyst_archive)


def get(datasette, url: str):
    return asyncio.run(datasette.client.get(url))


def listed(datasette, url: str) -> tuple[list[int], str]:
    """The ids of every page of a searched list (one row a page, following its next
    links, as JSON), and the SQL of its first page."""
    ids, sql = [], None
    page = url.replace("/archive/articles?", "/archive/articles.json?", 1) + "&_size=1"
    while page:
        answer = get(datasette, page).json()
        sql = sql or answer["query"]["sql"]
        ids += [row[0] for row in answer["rows"]]
        following = urlsplit(answer["next_url"] or "")
        page = following.query and f"{following.path}?{following.query}"
    return ids, sql


PLANS = [
    # (FEW, SOME, extra arguments, the clause the list's SQL has)
    (5_000, 200_000, "", "where id in (select rowid from articles_fts"),
    (1, 100, "", "where +id in (select rowid from articles_fts"),
    (1, 2, "", "where +id in (select rowid from articles_fts"),  # counted: no exists
    (1, 2, "&_nocount=1", "where exists (select 1 from articles_fts where articles_fts"),
]


@pytest.mark.parametrize("order", ["", "&_sort=published_at", "&_sort_desc=published_at",
                                   "&_sort_desc=id"])  # fmt: skip
def test_each_plan_lists_the_same_articles_in_the_same_order(datasette, monkeypatch, order):
    expected, sql = listed(datasette, SEARCH + order)
    assert len(expected) == 4 and "where id in (select rowid" in sql
    for few, some, extra, clause in PLANS:
        if order.endswith("=id") and "+id" in clause:  # in id order, Datasette's up to SOME
            clause = PLANS[0][-1]
        monkeypatch.setattr(large_lists, "FEW", few)
        monkeypatch.setattr(large_lists, "SOME", some)
        ids, sql = listed(datasette, SEARCH + order + extra)
        assert clause in sql, (few, some, extra)
        assert ids == expected, (few, some, extra)


def test_the_rows_alone_as_json_are_the_same_from_each_plan(datasette, monkeypatch):
    """``_shape=array`` is not counted (Datasette's rule): past ``SOME``, the walk asks
    the full-text index for each article."""
    url = SEARCH.replace("articles?", "articles.json?") + "&_shape=array&_col=id"
    expected = [row["id"] for row in get(datasette, url).json()]
    assert len(expected) == 4
    monkeypatch.setattr(large_lists, "FEW", 1)
    monkeypatch.setattr(large_lists, "SOME", 2)
    assert [row["id"] for row in get(datasette, url).json()] == expected


@pytest.mark.parametrize("order", ["&_sort=title", "&_sort=section"])
def test_another_order_stays_datasette_s_search(datasette, monkeypatch, order):
    expected, _ = listed(datasette, SEARCH + order)
    monkeypatch.setattr(large_lists, "FEW", 1)
    monkeypatch.setattr(large_lists, "SOME", 2)
    ids, sql = listed(datasette, SEARCH + order + "&_nocount=1")
    assert ids == expected and "where id in (select rowid from articles_fts" in sql


def hidden_args(page: str) -> list[tuple[str, str]]:
    """The hidden arguments of the list's filter form (the first form)."""
    form = page[page.index('<form class="filters"') :]
    form = form[: form.index("</form>")]
    return [
        (html.unescape(n), html.unescape(v))
        for n, v in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form)
    ]


def test_the_page_of_many_matches_says_how_many_and_counts_nothing_more(datasette, monkeypatch):
    few = get(datasette, SEARCH).text
    assert "4 rows" in few and 'class="facet-info' in few and "large-list" not in few
    monkeypatch.setattr(large_lists, "FEW", 3)
    many = get(datasette, SEARCH + "&_size=2")
    assert many.status_code == 200
    page = many.text
    assert "These words are in 4 articles. A list of more than 3 of them is listed" in page
    assert 'href="/search?q=banjir">the search page</a>' in page
    assert "4 rows" not in page and 'class="facet-info' not in page
    # Its next page keeps leaving them out; its form searches anew, counted.
    nexts = [html.unescape(u) for u in re.findall(r'href="([^"]*_next=[^"]*)"', page)]
    assert nexts and all(("_nocount", "1") in parse_qsl(urlsplit(u).query) for u in nexts)
    assert hidden_args(page) == [("_searchmode", "escaped"), ("_size", "2")]
    more = get(datasette, SEARCH + "&_nocount=1&_nofacet=1&_sort=published_at").text
    assert "These words are in 4 articles" in more
    assert hidden_args(more) == [("_searchmode", "escaped")]
    monkeypatch.setattr(large_lists, "FEW", 4)  # as many as FEW: Datasette's page
    assert "4 rows" in get(datasette, SEARCH).text


def test_words_that_do_not_parse_get_datasette_s_answer(datasette, monkeypatch):
    raw = "/archive/articles?_search=banjir+NEAR(&_searchmode=raw"
    before = get(datasette, raw)
    monkeypatch.setattr(large_lists, "FEW", 0)
    after = get(datasette, raw)
    assert after.status_code == before.status_code == 400
    assert "fts5: syntax error" in after.text
    assert "These words are in" not in after.text


def test_datasette_s_other_filters_are_still_registered(datasette):
    """``archive.serve`` swaps Datasette's filter module for arsip's, which keeps its
    ``_where`` and ``_through`` filters."""
    where = get(datasette, "/archive/articles.json?_where=id+%3C%3D+3&_shape=array&_col=id")
    assert sorted(row["id"] for row in where.json()) == [1, 2, 3]


PLACE = "/archive/articles?_place=Lebak"


def test_a_place_of_many_articles_is_walked_with_the_same_rows(datasette, monkeypatch):
    expected, sql = listed(datasette, PLACE)
    assert len(expected) >= 3 and "where id in (select article_id from article_places" in sql
    monkeypatch.setattr(large_lists, "FEW", 1)
    ids, sql = listed(datasette, PLACE)
    assert ids == expected and "where +id in (select article_id from article_places" in sql
    ids, sql = listed(datasette, PLACE + "&_nocount=1")
    assert ids == expected and "where exists (select 1 from article_places p" in sql
    ids, sql = listed(datasette, PLACE + "&_sort=title&_nocount=1")  # another order: the set
    assert "where id in (select article_id from article_places" in sql
    page = get(datasette, PLACE).text
    assert f"{len(expected)} articles are about Kabupaten Lebak. A list of more than 1" in page
    assert f"{len(expected)} rows" not in page and 'class="facet-info' not in page
    # Words that select few articles: the list is counted and faceted again.
    few_words = get(datasette, PLACE + "&_search=zzzz&_searchmode=escaped").text
    assert "large-list" not in few_words and "0 rows" in few_words


def facet_values(page: dict) -> dict[str, list]:
    return {
        name: [(r["value"], r["count"], r["selected"]) for r in facet["results"]]
        for name, facet in page["facet_results"].items()
    }


def test_a_list_past_facet_rows_shows_the_facets_the_counts_answer(datasette, monkeypatch):
    """One portal's portal, section and day facets come from the counts and equal those
    of its articles (``id__gte=0`` keeps them all but is no longer one portal's list);
    past ``FACET_ROWS`` articles, the facets that would read each are left out."""
    portal = get(datasette, "/archive/articles.json?_facet=portal").json()
    name = portal["facet_results"]["portal"]["results"][0]["value"]
    one = f"/archive/articles.json?portal={name}&_facet_size=100"
    scanned = facet_values(get(datasette, one + "&id__gte=0").json())
    assert set(scanned) == {"portal", "section", "published_local", "places", "tags"}
    monkeypatch.setattr(facets, "FACET_ROWS", 0)
    counted = facet_values(get(datasette, one).json())
    assert set(counted) == {"portal", "section", "published_local"}
    assert counted == {key: scanned[key] for key in counted}
    page = get(datasette, one.replace(".json", "")).text
    assert "Not faceted, as the list holds more than" in page and ": places, tags." in page
    assert facet_values(get(datasette, one + "&id__gte=0").json()) == {}
    whole = get(datasette, "/archive/articles").text  # every facet from the counts
    assert "Not faceted" not in whole and whole.count('class="facet-info ') == 5


def test_the_local_day_filter_reads_the_same_articles_through_the_time_index(datasette):
    """A local day, month or year chosen (the day facet's ``published_local__startswith``)
    is also asked of the publication-time index, wide enough for any UTC offset: the
    same articles as the plain filter (``_where`` of the same start, which arsip does
    not add to), and a prefix that is no date is left to the plain filter."""
    days = get(datasette, "/archive/articles.json").json()["facet_results"]["published_local"]
    day = days["results"][0]["value"]
    assert len(day) == 10
    for prefix in (day, day[:7], day[:4], day[:6], "2025-13", "nanti"):
        asked, sql = listed(datasette, f"/archive/articles?published_local__startswith={prefix}")
        plain, _ = listed(datasette, "/archive/articles?_where="
                          + quote(f"published_local like '{prefix}%'"))  # fmt: skip
        assert asked == plain, prefix
        dated = len(prefix) in (4, 7, 10) and prefix[:4].isdigit() and prefix != "2025-13"
        assert ("published_at >= :arsip_from_0" in sql) == dated, prefix
    assert listed(datasette, f"/archive/articles?published_local__startswith={day}")[0]


def test_the_local_day_range_covers_every_offset():
    assert local_day_range(["2025-09-15"]) == (
        ["published_at >= :arsip_from_0 and published_at < :arsip_until_0"],
        {"arsip_from_0": "2025-09-14T10:00:00Z", "arsip_until_0": "2025-09-16T12:00:00Z"},
    )
    _, month = local_day_range(["2025-12"])
    assert month == {
        "arsip_from_0": "2025-11-30T10:00:00Z",
        "arsip_until_0": "2026-01-01T12:00:00Z",
    }
    assert local_day_range(["2025-02-30", "20", "2025-09-15T10"]) == ([], {})


def test_a_tag_s_list_reads_the_same_articles_through_each_tag_s_articles(datasette, monkeypatch):
    """A tag chosen (``tags__arraycontains``) is also read from ``tag_articles``, as a
    set; its articles are those of Datasette's filter alone (the same test written as
    ``_where``, which arsip does not add to), in each plan."""
    page = get(datasette, "/archive/articles.json?_facet_size=max").json()
    tags = [r["value"] for r in page["facet_results"]["tags"]["results"]][:3]
    assert tags
    for tag in tags:
        url = f"/archive/articles?tags__arraycontains={quote(tag)}"
        exact = "_where=" + quote(f"'{tag}' in (select value from json_each(tags))")
        expected, _ = listed(datasette, f"/archive/articles?{exact}")
        ids, sql = listed(datasette, url)
        assert ids == expected and expected, tag
        assert "id in (select article_id from tag_articles where tag = :arsip_tag_0)" in sql
        with monkeypatch.context() as patched:
            patched.setattr(large_lists, "FEW", 0)
            ids, sql = listed(datasette, url)
            assert ids == expected and "+id in (select article_id from tag_articles" in sql
            ids, sql = listed(datasette, url + "&_nocount=1")  # the walk alone
            assert ids == expected and "tag_articles" not in sql
            assert f"articles have the tag {tag}." in get(datasette, url).text


def test_a_tag_s_list_has_the_tag_in_either_json_encoding_and_nothing_like_it(
    analyst_archive, tmp_path
):
    """A tag is a JSON string however it is escaped (``ensure_ascii=False`` as arsip
    writes it, or not, as other writers may): its list has the articles with it, and
    none whose tag is only like it; an archive before ``tag_articles`` (not yet opened
    for writing) lists the same from Datasette's filter alone."""
    tag = 'Sérang 50%_"x"\\'
    copy = tmp_path / "tags.db"
    shutil.copy(analyst_archive, copy)
    conn = sqlite3.connect(copy)
    ids = [row[0] for row in conn.execute("select id from articles order by id limit 4")]
    with conn:
        for article_id, tags in zip(ids, (
            json.dumps(["a", tag], ensure_ascii=False), json.dumps([tag]),
            json.dumps(['Sérang 50ab"x"\\'], ensure_ascii=False), json.dumps(["Sérang 50%_"]),
        ), strict=True):  # fmt: skip
            conn.execute("update articles set tags = ? where id = ?", [tags, article_id])
    conn.close()
    url = f"/archive/articles?tags__arraycontains={quote(tag)}"
    got, sql = listed(make_datasette(copy), url)
    assert sorted(got) == ids[:2] and "tag_articles" in sql
    conn = sqlite3.connect(copy)
    with conn:
        conn.execute("drop table tag_articles")
    conn.close()
    got, sql = listed(make_datasette(copy), url)
    assert sorted(got) == ids[:2] and "tag_articles" not in sql


def test_a_section_s_list_is_read_newest_first_from_an_index(analyst_archive):
    """``section = ?`` newest first, as the list of one section asks it: read in order
    from ``(section, published_at)``, never the section's articles all sorted."""
    conn = sqlite3.connect(f"file:{analyst_archive}?mode=ro", uri=True)
    plan = [row[3] for row in conn.execute(
        "explain query plan select id, title from articles where section = ?"
        " order by published_at desc limit 101", ["Banten"]
    )]  # fmt: skip
    counted = [row[3] for row in conn.execute(
        "explain query plan select count(*) from articles where section = ?", ["Banten"]
    )]  # fmt: skip
    conn.close()
    assert plan == ["SEARCH articles USING INDEX idx_articles_section_published_at (section=?)"]
    assert counted == [
        "SEARCH articles USING COVERING INDEX idx_articles_section_published_at (section=?)"
    ]
