"""Every declared portal, crawled over HTTP from its mirror site with the real spiders;
the known traps of the region's portals; the generic portal (``arsip add-portal``);
``arsip portals``; and the check that each declaration has its spider, fixture and site."""

from __future__ import annotations

import importlib
import io
import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
from parsel import Selector
from scrapy import Request

import crawler.portals
from crawler.extract.paging import next_page_url
from crawler.mirror.render import portal_site, sample_portals
from crawler.mirror.render.base import PortalSite
from crawler.mirror.server import MirrorServer, Page, Site
from crawler.portals import Portal, all_portals
from crawler.portals.base import FAMILY_BASES, wordpress
from crawler.spiders.loader import PortalSpiderLoader
from crawler.spiders.portal import PortalSpider
from tests.conftest import ROOT, SAMPLE_DATA, rows, run_cli
from tests.mirror_data import mirror_articles, mismatches


def declared_modules() -> dict[str, Portal]:
    """Module name -> PORTAL for every portal module arsip ships."""
    found = {}
    for info in pkgutil.iter_modules(crawler.portals.__path__):
        module = importlib.import_module(f"crawler.portals.{info.name}")
        if isinstance(getattr(module, "PORTAL", None), Portal):
            found[info.name] = module.PORTAL
    return found


SHIPPED = sorted(declared_modules())


@pytest.fixture(scope="module")
def archive(mirror, tmp_path_factory):
    """One crawl of every shipped portal (disabled ones named) from the mirror."""
    db_path = tmp_path_factory.mktemp("portals") / "banten.db"
    result = run_cli("crawl", *SHIPPED, "--mirror", mirror.url, "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    return db_path


def stored(db_path: Path, portal: str) -> dict[str, dict]:
    return {r["url"]: r for r in rows(db_path, "SELECT * FROM articles WHERE portal = ?", portal)}


# -- every portal -------------------------------------------------------------------


def test_every_family_has_a_shipped_portal():
    """Each markup family arsip has a base for (``generic`` aside) and a custom CMS is
    exercised by at least one shipped portal, crawled below."""
    families = {p.family for p in declared_modules().values()}
    assert {*FAMILY_BASES, "custom"} - {"generic"} <= families


@pytest.mark.parametrize("portal", SHIPPED)
def test_every_shipped_portal_is_of_a_known_family(portal):
    assert declared_modules()[portal].family in {*FAMILY_BASES, "custom"}


@pytest.mark.parametrize("portal", SHIPPED)
def test_every_article_matches_its_mirror_data(archive, portal):
    """Body, title, dateline, authors, editor, press-release flag and published day of
    each stored article equal the data its mirror pages were rendered from."""
    articles = mirror_articles(portal)
    found = stored(archive, portal)
    assert set(found) == {url for url, _ in articles}
    wrong = {url: mismatches(found[url], article, portal) for url, article in articles}
    assert {url: fields for url, fields in wrong.items() if fields} == {}


def test_cross_portal_copies_are_found(archive):
    """The press releases run by several portals cluster; the word-for-word copy
    (bantenhits 61195 of tangselpos 51398) is a duplicate of one stored article."""
    copies = rows(
        archive,
        "SELECT a.portal, b.portal AS of FROM articles a JOIN articles b ON a.duplicate_of = b.id",
    )
    assert [sorted((c["portal"], c["of"])) for c in copies] == [["bantenhits", "tangselpos"]]
    # The Pemprov Banten releases, rewritten by several portals, share clusters.
    shared = rows(
        archive,
        "SELECT cluster_id, count(DISTINCT portal) AS portals FROM articles "
        "WHERE cluster_id IS NOT NULL GROUP BY cluster_id HAVING portals >= 3",
    )
    assert shared


# -- the traps ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("portal", "selector"),
    [
        ("kabar6", "link[rel=next]::attr(href)"),
        ("biem", "link[rel=next]::attr(href)"),
        ("satelitnews", ".jeg_pagination_nextprev a.next::attr(href)"),
    ],
)
def test_next_story_links_are_not_article_pages(archive, portal, selector):
    """kabar6 and biem's ``rel=next`` and JNews' next/prev bar link another story: the
    page really has the link, arsip does not follow it as page 2, and each article
    keeps only its own text."""
    site = portal_site(portal)
    article = site.articles[0]
    path, html = next(iter(site.article_pages(article).items()))
    page = Selector(text=html.decode())
    target = urljoin(site.base + path, page.css(selector).get())
    assert target != site.base + path and all_portals()[portal].is_article(target)
    assert next_page_url(page, site.base + path) is None
    row = stored(archive, portal)[site.url(article)]
    assert row["body"] == "\n\n".join(article["paragraphs"])
    run = rows(archive, "SELECT * FROM crawl_runs WHERE portal = ?", portal)[-1]
    assert run["article_pages"] == len(site.articles)


# -- old and new templates (docs/portals/<portal>.md) ---------------------------------


def _pages(portal: str, template: str | None) -> list[tuple[dict, str, str]]:
    """(article data, URL, page HTML) of a sample site's articles of ``template``
    (``"old"``, or None for today's)."""
    site = portal_site(portal)
    return [
        (a, site.url(a), next(iter(site.article_pages(a).values())).decode())
        for a in site.articles
        if a.get("template") == template
    ]


@pytest.mark.parametrize(
    ("portal", "old_markup", "new_markup", "old_rule", "new_rule"),
    [
        # Older radarbanten articles at undated /<slug>/ in the older theme, today's
        # dated, with JSON-LD.
        ("radarbanten", ('class="single-title"',), ('class="entry-title"', "ld+json"),
         "article_url (undated)", "article_url (dated)"),
        # kabar6: tagDiv Newspaper's classic template, then its Cloud Library blocks.
        ("kabar6", ('class="td-post-title"', "td-post-date"),
         ('class="tdb-title-text"', "tdb_single_content"), "article_url:", "article_url:"),
        # tangerangnews: older articles keep a lower-case slug and print no JSON-LD.
        ("tangerangnews", ("/tangsel/read/20871/bank-sampah-warga-ciputat",),
         ("ld+json",), "article_url:", "article_url:"),
    ],
)  # fmt: skip
def test_old_and_new_templates_are_archived_right(
    archive, portal, old_markup, new_markup, old_rule, new_rule
):
    """A portal whose real pages come in two templates (or URL shapes): the mirror
    serves both, and each article of either is stored with its title, day and text
    without furniture, from a URL its declaration owns by the rule its shape needs."""
    old, new = _pages(portal, "old"), _pages(portal, None)
    assert old and new
    declared = all_portals()[portal]
    found = stored(archive, portal)
    for pages, markup, rule in ((old, old_markup, old_rule), (new, new_markup, new_rule)):
        for article, url, html in pages:
            assert all(m in html for m in markup), (url, markup)
            kind = declared.classify(url)
            assert kind.kind == "article" and kind.rule.startswith(rule), url
            row = found[url]
            assert row["title"] == article["title"]
            assert row["published_local"][:10] == article["published"][:10]
            assert row["body"].split("\n\n") == article["paragraphs"]
    assert not any(m in html for _, _, html in old for m in new_markup)


@pytest.mark.parametrize(
    ("portal", "shape"),
    [
        # docs/portals/<portal>.md: dated permalinks on the bare host; articles on www.
        ("bantenhits", r"https://bantenhits\.com/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/"),
        ("biem", r"https://www\.biem\.co/read/\d{4}/\d{2}/\d{2}/\d+/[a-z0-9-]+/"),
        ("radarbanten", r"https://www\.radarbanten\.co\.id/(?:\d{4}/\d{2}/\d{2}/)?[a-z0-9-]+/"),
        ("kabar6", r"https://kabar6\.com/[a-z0-9-]+/"),
    ],
)
def test_articles_are_archived_at_the_real_url_shapes(archive, portal, shape):
    """The mirror serves each portal's articles at the URL shapes of the real site, and
    the crawl archives them there."""
    urls = set(stored(archive, portal))
    assert urls == {url for url, _ in mirror_articles(portal)}
    assert [u for u in urls if not re.fullmatch(shape, u)] == []


def test_a_sitemap_lastmod_is_the_year_of_a_page_without_one(archive):
    """radarbanten 401122, an old page at an undated URL, with no JSON-LD, date meta,
    date line or dated image: its own date is the year-less ``Minggu (16/6)`` in its
    text, and the only full dates on it are those of today's stories in its
    "Terpopuler" box. Its sitemap entry's lastmod (the next day, 2019) reaches the
    extraction as date evidence: the box's 2025 dates, years after it, are rejected, and
    the day is read in 2019. Without that evidence the page is dated 1 October 2025."""
    ((article, url, html),) = [p for p in _pages("radarbanten", "old") if p[0]["id"] == 401122]
    assert "2019" not in html and "Minggu (16/6)" in html
    assert '<span class="date">Rabu, 1 Oktober 2025</span>' in html
    site = portal_site("radarbanten")
    sitemap = site.build().pages["/post-sitemap.xml"].body.decode()
    assert f"<loc>{url}</loc><lastmod>2019-06-17T08:05:00+07:00</lastmod>" in sitemap
    assert article not in site.listed  # reached through the sitemap alone
    row = stored(archive, "radarbanten")[url]
    assert row["published_local"][:10] == "2019-06-16"
    assert row["published_raw"] == "Minggu (16/6)"


def test_multi_page_article_is_one_article(archive):
    """tribunbanten 1006238 breaks after paragraph 7 (``Halaman 1/2``, ``?page=2``)."""
    site = portal_site("tribunbanten")
    (article,) = [a for a in site.articles if a["id"] == 1006238]
    assert list(site.article_pages(article)) == [
        site.article_path(article),
        site.article_path(article) + "?page=2",
    ]
    row = stored(archive, "tribunbanten")[site.url(article)]
    assert row["body"].split("\n\n") == article["paragraphs"]
    assert "Halaman" not in row["body"]


def _renamed(portal: str, host: str, articles: list[dict] | None = None) -> PortalSite:
    """Portal ``portal``'s sample site (of ``articles``, when given) under a host no
    portal declares."""
    site = portal_site(portal, articles)
    site.base, site.hosts = f"https://{host}", (host,)
    return site


@pytest.fixture
def portals_file(tmp_path: Path) -> dict[str, str]:
    return {"ARSIP_PORTALS_FILE": str(tmp_path / "portals.toml")}


def test_add_portal_archives_an_undeclared_site_through_its_sitemaps_and_feeds(
    tmp_path, portals_file
):
    """A WordPress site and a Tribun-network site that nobody declared: ``add-portal``
    with only their home pages, then a crawl through robots.txt, the usual sitemap
    places and feeds. The Tribun RSS links only its home page (a trap): its news
    sitemap finds every article, the two-page one joined."""
    wordpress = _renamed("bantenhits", "www.kabarserang.id")
    tribun = _renamed("tribunbanten", "serang.tribunkota.id")
    for home in ("https://www.kabarserang.id/", "https://serang.tribunkota.id"):
        added = run_cli("add-portal", home, env=portals_file)
        assert added.returncode == 0, added.stderr
    names = json.loads(run_cli("portals", "--format", "json", env=portals_file).stdout)
    generic = {p["name"]: p for p in names if p["family"] == "generic"}
    assert set(generic) == {"kabarserang", "serang"}
    assert generic["kabarserang"]["robots_sitemaps"] is True

    log = io.StringIO()
    db_path = tmp_path / "news.db"
    with MirrorServer([wordpress.build(), tribun.build()], log=log) as server:
        result = run_cli(
            "crawl", "kabarserang", "serang", "--mirror", server.url, "--db", str(db_path),
            env=portals_file,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name, site in (("kabarserang", wordpress), ("serang", tribun)):
        found = stored(db_path, name)
        assert set(found) == {site.url(a) for a in site.articles}, name
        for article in site.articles:
            row = found[site.url(article)]
            assert row["body"] == "\n\n".join(article["paragraphs"]), (name, article["id"])
            assert row["title"] == article["title"]
            assert row["published_local"][:10] == article["published"][:10]
    requested = log.getvalue()
    assert "GET serang.tribunkota.id/robots.txt 200" in requested
    assert "GET serang.tribunkota.id/rss 200" in requested
    assert "GET www.kabarserang.id/feed/ 200" in requested
    runs = {r["portal"]: json.loads(r["stats"]) for r in rows(db_path, "SELECT * FROM crawl_runs")}
    assert runs["serang"]["arsip/feeds_without_articles"] == 1
    assert "arsip/feeds_without_articles" not in runs["kabarserang"]


def test_add_portal_refuses_bad_input_clearly(portals_file):
    bad = run_cli("add-portal", "kabarserang.id", env=portals_file)
    assert bad.returncode == 1 and "not an http(s) URL" in bad.stderr
    taken = run_cli("add-portal", "https://www.tangselpos.id/", "--name", "tp", env=portals_file)
    assert taken.returncode == 1 and "belongs to the declared portal tangselpos" in taken.stderr
    assert run_cli("add-portal", "https://a.id/", "--name", "tangselpos", env=portals_file).stderr
    assert "Traceback" not in bad.stderr + taken.stderr
    assert not Path(portals_file["ARSIP_PORTALS_FILE"]).exists()
    printed = run_cli("add-portal", "https://www.kabarbaru.id/", "--family", "wordpress", "--print")
    assert 'PORTAL = wordpress("kabarbaru", "https://www.kabarbaru.id/"' in printed.stdout


def test_a_broken_portals_file_leaves_the_shipped_portals_working(tmp_path):
    path = tmp_path / "portals.toml"
    path.write_text("[portals.rusak\nhome = 1\n")
    result = run_cli("portals", env={"ARSIP_PORTALS_FILE": str(path)})
    assert result.returncode == 0
    assert "portals file" in result.stderr and "left out" in result.stderr
    assert "tangselpos" in result.stdout


class RefusingSite(Site):
    """A portal that answers 403 to every agent that is not a browser (arsip never is)."""

    def get(self, target: str) -> Page | None:
        return Page(b"<h1>403 Forbidden</h1>", status=403)


def test_403_is_recorded_as_the_portals_refusal(tmp_path):
    refusing = RefusingSite(hosts=("banten.tribunnews.com",), pages={})
    db_path = tmp_path / "news.db"
    with MirrorServer([refusing], log=None) as server:
        result = run_cli("crawl", "tribunbanten", "--mirror", server.url, "--db", str(db_path))
    assert result.returncode == 1
    assert "portal tribunbanten failed: refused by the portal" in result.stderr
    assert "403 Forbidden" in result.stderr and "Traceback" not in result.stderr
    (run,) = rows(db_path, "SELECT * FROM crawl_runs")
    assert run["failure"].startswith("refused by the portal: ")
    assert json.loads(run["statuses"]) == {"403": run["responses"]}


def test_page_all_view_replaces_the_paging(tmp_path, portals_file):
    """Kompas-style: page 1 links ``?page=2`` and ``?page=all``; the whole article is
    read from ``?page=all`` and page 2 is never fetched."""
    path = "/read/2025/09/16/10300011/jalan-cisoka-diperbaiki-jelang-musim-hujan"
    whole = ["SERANG, KOMPAS.com - Jalan Cisoka diperbaiki mulai pekan ini oleh dinas "
             "pekerjaan umum setempat, setelah bertahun-tahun dikeluhkan warga sekitar.",
             "Perbaikan ditargetkan rampung dalam dua pekan ke depan, kata kepala dinas "
             "kepada wartawan di lokasi pekerjaan pada Selasa pagi.",
             "Warga diminta mencari jalur lain selama pekerjaan berlangsung di lokasi, "
             "terutama pada jam berangkat dan pulang kerja."]  # fmt: skip

    def page(paragraphs: list[str]) -> Page:
        text = "".join(f"<p>{p}</p>" for p in paragraphs)
        return Page(
            f"""<html lang="id"><head><title>Jalan Cisoka Diperbaiki Jelang Musim Hujan</title>
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"Jalan Cisoka Diperbaiki
Jelang Musim Hujan","datePublished":"2025-09-16T10:30:00+07:00"}}</script></head><body>
<h1 class="read__title">Jalan Cisoka Diperbaiki Jelang Musim Hujan</h1>
<div class="read__content">{text}</div><div class="read__paging"><a href="{path}?page=2">2</a>
<a href="{path}?page=all">Show All</a></div></body></html>""".encode()
        )

    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>https://regional.kompas.example{path}</loc></url></urlset>"
    )
    site = Site(
        hosts=("regional.kompas.example",),
        pages={
            "/sitemap.xml": Page(sitemap.encode(), "application/xml"),
            path: page(whole[:2]),
            path + "?page=all": page(whole),
        },
    )
    assert run_cli("add-portal", "https://regional.kompas.example/", "--name", "kompasregional",
                   env=portals_file).returncode == 0  # fmt: skip
    log = io.StringIO()
    db_path = tmp_path / "news.db"
    with MirrorServer([site], log=log) as server:
        result = run_cli(
            "crawl", "kompasregional", "--mirror", server.url, "--db", str(db_path),
            env=portals_file,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (row,) = rows(db_path, "SELECT * FROM articles")
    assert row["url"] == "https://regional.kompas.example" + path
    assert row["dateline"] == "SERANG"
    assert row["body"].split("\n\n") == [whole[0].split(" - ", 1)[1], *whole[1:]]
    assert "page=2" not in log.getvalue() and "page=all 200" in log.getvalue()


# -- arsip portals ------------------------------------------------------------------


def test_portals_lists_families_discovery_and_the_last_run(archive):
    result = run_cli("portals", "--db", str(archive), "--format", "json")
    assert result.returncode == 0, result.stderr
    listed = {p["name"]: p for p in json.loads(result.stdout)}
    assert set(SHIPPED) <= set(listed)
    assert listed["bantennews"]["family"] == "wordpress-newspaper"
    assert listed["kabarbanten"]["feeds"] == ["https://kabarbanten.pikiran-rakyat.com/rss"]
    assert listed["tribunbanten"]["enabled"] is False
    assert listed["tribunbanten"]["sitemaps"] == ["https://banten.tribunnews.com/sitemap.xml"]
    assert listed["kabar6"]["last_run"]["new"] == 5  # four of today, one older page
    assert listed["kabar6"]["last_run"]["failure"] is None
    table = run_cli("portals", "--db", str(archive))
    assert table.returncode == 0
    line = next(x for x in table.stdout.splitlines() if x.startswith("satelitnews "))
    assert "wordpress-jnews" in line and "1 feed, 1 sitemap, 1 listing" in line
    assert "never" not in line
    plain = run_cli("portals")
    assert "last run" not in plain.stdout and "tribunbanten" in plain.stdout
    missing = run_cli("portals", "--db", str(archive.parent / "none.db"))
    assert missing.returncode == 1 and "no archive at" in missing.stderr


# -- each declaration has its spider, fixture and mirror site -----------------------


@pytest.mark.parametrize("module", SHIPPED)
def test_declaration_has_spider_fixture_and_mirror_site(module):
    portal = declared_modules()[module]
    assert portal.name == module, "a portal's name is its module's name"
    spider = PortalSpiderLoader().load(module)
    assert issubclass(spider, PortalSpider)
    assert spider.name == module, "a spider's name is its portal's name"
    assert spider.portal is portal
    cases = [c for c in (SAMPLE_DATA / module).glob("*/output.json")]
    assert cases, f"no saved page under tests/sample_data/{module}/"
    assert module in sample_portals(), f"no crawler/mirror/sites/{module}/articles.json"


def test_every_spider_has_a_declaration():
    assert PortalSpiderLoader().list() == list(all_portals())


def test_the_spider_loader_finds_a_portal_by_its_urls():
    loader = PortalSpiderLoader()
    for name, portal in all_portals().items():
        assert name in loader.find_by_request(Request(portal.home)), name
    assert loader.find_by_request(Request("https://www.example.org/")) == []
    with pytest.raises(KeyError, match="unknown portal 'nosuch'"):
        loader.load("nosuch")


def test_a_portal_of_the_portals_file_is_a_scrapy_spider(tmp_path, portals_file):
    """One entry in the operator's portals file is the whole portal: ``scrapy list``
    (run from the repository root, as a Scrapy user does) names it with every other
    declared portal, and ``scrapy crawl`` archives its site from the mirror."""
    Path(portals_file["ARSIP_PORTALS_FILE"]).write_text(
        '[portals.kabarserang]\nhome = "https://www.kabarserang.id/"\n'
    )
    site = _renamed("bantenhits", "www.kabarserang.id")
    db_path = tmp_path / "news.db"
    scrapy = Path(sys.executable).with_name("scrapy")
    with MirrorServer([site.build()], log=None) as server:
        env = {**os.environ, **portals_file, "ARSIP_MIRROR": server.url, "ARSIP_DB": str(db_path)}
        listed = subprocess.run(
            [scrapy, "list"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        assert listed.stdout.split() == sorted([*all_portals(), "kabarserang"])
        done = subprocess.run(
            [scrapy, "crawl", "kabarserang"], cwd=ROOT, env=env, capture_output=True, text=True
        )
    assert done.returncode == 0, done.stderr
    found = stored(db_path, "kabarserang")
    assert set(found) == {site.url(a) for a in site.articles}


def assert_crawl_archives(site: PortalSite, portal: str, db_path: Path, env: dict) -> None:
    """``arsip crawl <portal>`` from a mirror serving ``site`` alone stores each of its
    articles with every field of its data."""
    with MirrorServer([site.build()], log=None) as server:
        result = run_cli("crawl", portal, "--mirror", server.url, "--db", str(db_path), env=env)
    assert result.returncode == 0, result.stderr
    found = stored(db_path, portal)
    assert set(found) == {site.url(a) for a in site.articles}
    for article in site.articles:
        assert mismatches(found[site.url(article)], article) == {}, article["id"]


def test_one_declaration_file_is_a_whole_portal(tmp_path):
    """A portal declared in one module and nothing else (here through
    ARSIP_PORTALS_MODULE, as a module of crawler/portals/ would be): ``arsip portals``
    and ``scrapy list`` name it, the mirror renders its sample site from the
    declaration (its hosts and the name its titles carry), and a crawl archives every
    article with the fields of the data."""
    (tmp_path / "kabarserang_portal.py").write_text(
        "from crawler.portals.base import wordpress\n\n"
        'PORTAL = wordpress("kabarserang", "https://www.kabarserang.id/", "KabarSerang")\n'
    )
    env = {"ARSIP_PORTALS_MODULE": "kabarserang_portal", "PYTHONPATH": f"{tmp_path}:{ROOT}"}
    declared = wordpress("kabarserang", "https://www.kabarserang.id/", "KabarSerang")
    site = portal_site(declared, portal_site("bantenhits").articles)
    assert site.hosts == ("www.kabarserang.id", "kabarserang.id")
    first = site.articles[0]
    page = next(iter(site.article_pages(first).values())).decode()
    assert f"<title>{first['title']} - KabarSerang</title>" in page

    listed = json.loads(run_cli("portals", "--format", "json", env=env).stdout)
    assert {p["name"]: p["family"] for p in listed}["kabarserang"] == "wordpress"
    scrapy = Path(sys.executable).with_name("scrapy")
    spiders = subprocess.run(
        [scrapy, "list"], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True
    )
    assert "kabarserang" in spiders.stdout.split(), spiders.stderr
    assert_crawl_archives(site, "kabarserang", tmp_path / "news.db", env)


def test_the_documented_example_portal_crawls_a_site_of_its_family(tmp_path, mirror):
    """The worked example of docs/adding-a-portal.md, as written there, declared through
    ARSIP_PORTALS_MODULE: it archives a WordPress site with dated URLs (radarbanten's
    sample pages at dated URLs, served under its host) with every field right. The
    example declares dated permalinks alone, so radarbanten's older pages at undated
    ``/<slug>/`` are left out of its site."""
    text = (ROOT / "docs" / "adding-a-portal.md").read_text(encoding="utf-8")
    block = text.split("# crawler/portals/kabarbaru.py\n", 1)[1].split("```", 1)[0]
    assert len([line for line in block.splitlines() if line.strip()]) <= 4
    (tmp_path / "kabarbaru_portal.py").write_text(block)
    env = {"ARSIP_PORTALS_MODULE": "kabarbaru_portal",
           "PYTHONPATH": f"{tmp_path}:{ROOT}"}  # fmt: skip
    dated = [a for a in portal_site("radarbanten").articles if a.get("template") != "old"]
    site = _renamed("radarbanten", "www.kabarbaru.id", dated)
    assert_crawl_archives(site, "kabarbaru", tmp_path / "news.db", env)
