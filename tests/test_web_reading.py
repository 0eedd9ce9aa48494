"""The web UI of ``arsip serve`` made for reading, in a real headless Chromium: the
article page, the articles list without bodies, hidden internal tables, the release
page's timeline, the releases list, the places facet. One server and one browser for
the module; each page's screenshot goes to pytest's tmp directory (path printed)."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.archives import RELEASE, build_analyst_archive, file_digest
from tests.serving import CHROMEDRIVER, CHROMIUM, chromium, get_json, serving

# Skipped on a contributor's machine without a browser, never in CI (.ci/run installs it).
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
    reason="needs Debian chromium and chromium-driver (apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def site(tangselpos_first_crawl, tmp_path_factory):
    """The analyst archive served, a browser, and where screenshots go."""
    path = tmp_path_factory.mktemp("reading") / "news.db"
    shots = tmp_path_factory.mktemp("screenshots")
    with contextlib.ExitStack() as stack:
        # The browser starts while the archive is built: the one waits on the other.
        with ThreadPoolExecutor(1) as pool:
            starting = pool.submit(stack.enter_context, chromium(shots / "chromium"))
            ids = build_analyst_archive(path, tangselpos_first_crawl)
            driver = starting.result()
        yield from _served(path, ids, driver, shots)


def _served(path, ids, driver, shots):
    with contextlib.closing(sqlite3.connect(path)) as conn:
        (ids["date_only"],) = conn.execute(
            "SELECT id FROM articles WHERE published_has_time = 0 AND cluster_id IS NOT NULL"
        ).fetchone()
        (ids["date_only_cluster"],) = conn.execute(
            "SELECT cluster_id FROM articles WHERE id = ?", [ids["date_only"]]
        ).fetchone()
    print(f"\nscreenshots of the web UI: {shots}")
    before = file_digest(path)
    with serving(path) as base:
        yield base, ids, driver, shots
    assert file_digest(path) == before  # every page read it read-only


def open_page(site, path: str, shot: str):
    base, _, driver, shots = site
    driver.get(base + path)
    driver.save_screenshot(str(shots / f"{shot}.png"))
    return driver


def texts(driver, css: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, css)]


def hrefs(driver, css: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.get_attribute("href") for e in driver.find_elements(By.CSS_SELECTOR, css)]


def test_the_list_s_search_box_leads_to_the_search_page_then_back_to_the_table(site):
    """The articles list's search box gives arsip's search (fast on any word of a large
    archive); its link gives Datasette's searched list, counted and faceted."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver = open_page(site, "/archive/articles", "articles")
    box = driver.find_element(By.CSS_SELECTOR, "input[name=_search]")
    box.send_keys("banjir lebak", Keys.ENTER)
    WebDriverWait(driver, 15).until(expected_conditions.url_contains("/search?q="))
    WebDriverWait(driver, 15).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "a.result"))
    )
    found = {
        "Pemprov Banten Salurkan Bantuan untuk Korban Banjir Lebak",
        "Bantuan Banjir Lebak Mulai Disalurkan",
        "Salinan: Bantuan Banjir Lebak",
    }
    assert set(texts(driver, "a.result")) == found
    assert driver.find_element(By.CSS_SELECTOR, "input[name=q]").get_attribute("value") == (
        "banjir lebak"
    )
    driver.find_element(By.CSS_SELECTOR, "p.table-search a").click()
    WebDriverWait(driver, 15).until(expected_conditions.url_contains("_search="))
    WebDriverWait(driver, 15).until(
        expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h3"), "banjir lebak")
    )
    heading = driver.find_element(By.TAG_NAME, "h3").text
    assert heading.startswith('3 rows where search matches "banjir lebak"'), heading
    assert {c.text for c in driver.find_elements(By.CSS_SELECTOR, "td.col-title")} == found
    driver.save_screenshot(str(site[3] / "search.png"))


def test_the_home_page_searches_the_archive_with_snippets(site):
    """The home page's search box leads to the archive's search: the best matches
    first, each with where its words are, each a link to its article."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    _, ids, _, shots = site
    driver = open_page(site, "/", "home")
    driver.find_element(By.CSS_SELECTOR, "input[name=q]").send_keys("banjir lebak", Keys.ENTER)
    WebDriverWait(driver, 15).until(expected_conditions.url_contains("/search?q="))
    WebDriverWait(driver, 15).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "a.result"))
    )
    assert driver.find_element(By.CSS_SELECTOR, "p.search-order").text == "Best matches first."
    titles = texts(driver, "a.result")
    assert set(titles) == {
        "Pemprov Banten Salurkan Bantuan untuk Korban Banjir Lebak",
        "Bantuan Banjir Lebak Mulai Disalurkan",
        "Salinan: Bantuan Banjir Lebak",
    }
    assert all("[" in snippet and "]" in snippet for snippet in texts(driver, "td.snippet"))
    driver.save_screenshot(str(shots / "search-page.png"))
    driver.find_element(By.CSS_SELECTOR, "a.result").click()
    WebDriverWait(driver, 15).until(expected_conditions.url_contains("/article/"))
    assert driver.find_element(By.TAG_NAME, "h1").text == titles[0]


def test_an_article_reads_like_an_article(site):
    _, ids, _, _ = site
    driver = open_page(site, f"/article/{ids['rewrite']}", "article")
    assert texts(driver, "h1.headline") == ["Bantuan Banjir Lebak Mulai Disalurkan"]
    assert texts(driver, "time.published") == ["2025-09-20 12:30 WIB"]  # local, with its zone
    assert texts(driver, ".authors") == ["Siti Rahma"]  # names, not JSON
    assert "Kabupaten Lebak" in texts(driver, "a.place")
    paragraphs = texts(driver, ".body p")
    assert paragraphs == ["LEBAK - Warga menunggu sejak pagi. " + RELEASE.split("\n\n")[0],
                          RELEASE.split("\n\n")[1]]  # fmt: skip
    assert hrefs(driver, "a.original-url") == [
        "https://www.tangselpos.id/detail/60001/bantuan-banjir-lebak-disalurkan"
    ]
    # Every other member of its cluster, linked, each with a word diff against this one:
    # the press release and its exact copy lack the words tangselpos put before it.
    members = hrefs(driver, "a.member-link")
    assert [m.rsplit("/", 1)[1] for m in members] == [str(ids["release"]), str(ids["copy"])]
    cut = texts(driver, ".member .hunk-cut del")
    assert cut == ["LEBAK - Warga menunggu sejak pagi."] * 2
    assert "the original" in texts(driver, ".member")[0]
    (release,) = hrefs(driver, "a.release-link")
    assert release.endswith(f"/release/{ids['release']}")


def test_a_date_only_article_is_marked_never_midnight(site):
    _, ids, _, _ = site
    driver = open_page(site, f"/article/{ids['date_only']}", "article-date-only")
    (published,) = texts(driver, "time.published")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \(date only\)", published), published
    assert "00:00" not in driver.find_element("css selector", "article").text


def test_revisions_show_what_changed(site):
    _, ids, _, _ = site
    driver = open_page(site, f"/article/{ids['revised']}", "article-revised")
    assert texts(driver, "h1.headline") == ["Jadwal Car Free Day Kota Serang Berubah"]
    (revision,) = texts(driver, ".revision > p:first-child")
    assert revision.startswith("Revision 1: Jadwal Car Free Day Kota Serang, replaced")
    assert "2025-09-19 09:00 WIB" in revision
    assert "Jalan Veteran" in " ".join(texts(driver, ".revision ins"))


def test_the_articles_list_has_no_bodies(site):
    _, ids, _, _ = site
    driver = open_page(
        site, "/archive/articles?_search=banjir+lebak&_searchmode=escaped", "articles-list"
    )
    headers = texts(driver, "table.articles-list th")
    assert headers == ["title", "portal", "published", "section", "places"]
    page = driver.find_element("css selector", "table.articles-list").text
    assert "Badan Penanggulangan Bencana Daerah" not in page  # body text, in every hit
    assert "2025-09-20 10:00 WIB" in page
    links = hrefs(driver, "td.col-title a")
    assert any(link.endswith(f"/article/{ids['release']}") for link in links)
    assert "Kabupaten Lebak" in texts(driver, "td.col-places a")


def test_internal_tables_are_hidden_and_the_articles_come_first(site):
    base, _, _, _ = site
    driver = open_page(site, "/archive", "database")
    tables = texts(driver, ".db-table h3")
    assert tables == ["articles", "article_urls", "article_revisions", "places", "crawl_runs"]
    assert [d["name"] for d in get_json(f"{base}/-/databases.json")] == ["archive"]
    driver = open_page(site, "/", "home")
    assert "_memory" not in driver.page_source and "minhash_bands" not in driver.page_source


def test_stored_queries_do_what_their_titles_say(site):
    base, ids, _, _ = site
    several = get_json(f"{base}/archive/largest_clusters.json?_shape=array")
    assert several and all(row["portals"] >= 2 for row in several)
    driver = open_page(site, "/archive", "database")
    assert "Releases run by several portals" in texts(driver, "#queries ~ ul a")


def test_a_release_page_has_a_timeline_with_a_mark_per_republication(site):
    _, ids, _, _ = site
    driver = open_page(site, f"/release/{ids['release']}", "release")
    (original,) = driver.find_elements("css selector", "svg.release-timeline circle.original")
    assert original.get_attribute("data-article-id") == str(ids["release"])
    republications = driver.find_elements("css selector", "svg circle.republication")
    assert len(republications) == len(texts(driver, "table.publications tr.republication")) == 2
    marked = {c.get_attribute("data-article-id") for c in republications}
    assert marked == {str(ids["rewrite"]), str(ids["copy"])}
    notes = " ".join(texts(driver, "svg text.note"))
    assert "+2h30m, edited" in notes and "+4h00m, verbatim" in notes
    # A publication with only a day is drawn hollow, and read as such.
    driver = open_page(site, f"/release/{ids['date_only_cluster']}", "release-date-only")
    (hollow,) = driver.find_elements("css selector", "svg circle.date-only")
    assert hollow.get_attribute("data-article-id") == str(ids["date_only"])
    assert "(date only)" in driver.find_element("css selector", "table.publications").text


def test_the_releases_list_links_each_release(site):
    base, ids, _, _ = site
    driver = open_page(site, "/releases?place=Lebak", "releases")
    links = hrefs(driver, "a.release")
    assert [link.rsplit("/", 1)[1] for link in links] == [str(ids["release"])]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base}/releases?place=Atlantis", timeout=10)
    assert refused.value.code == 400 and "Atlantis" in refused.value.read().decode()
    refused.value.close()


def test_the_places_facet_selects_the_articles_about_a_place(site):
    from selenium.webdriver.common.by import By

    driver = open_page(site, "/archive/articles?_search=banjir&_searchmode=escaped", "places-facet")
    facet = driver.find_element(By.ID, "facet-places")
    assert "Kabupaten Lebak 3" in facet.text
    facet.find_element(By.LINK_TEXT, "Kabupaten Lebak").click()
    assert "_place=36.02" in driver.current_url and "_search=banjir" in driver.current_url
    heading = driver.find_element(By.TAG_NAME, "h3").text
    assert heading.startswith("3 rows") and "about Kabupaten Lebak" in heading, heading
    driver.save_screenshot(str(site[3] / "places-facet-selected.png"))


def test_places_by_name_and_a_clear_error_for_an_unknown_one(site):
    base, ids, _, _ = site
    lebak = get_json(f"{base}/archive/articles.json?_place=Kab.+Lebak&_shape=array&_col=id")
    assert {r["id"] for r in lebak} >= {ids["release"], ids["rewrite"], ids["copy"]}
    assert ids["accented"] not in {r["id"] for r in lebak}
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base}/archive/articles?_place=Atlantis", timeout=10)
    assert refused.value.code == 400 and "no Banten place" in refused.value.read().decode()
    refused.value.close()


def test_an_articles_row_page_links_to_its_reading_page(site):
    _, ids, _, _ = site
    driver = open_page(site, f"/archive/articles/{ids['copy']}", "row")
    (link,) = hrefs(driver, "a.read-link")
    assert link.endswith(f"/article/{ids['copy']}")
    assert texts(driver, "td.col-authors") == ["Siti Rahma"]  # names, not JSON
