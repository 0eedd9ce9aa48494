"""Real ``arsip crawl`` runs against a misbehaving mirror: every fault kind of
``crawler.mirror.faults`` on its own page of one site, in one run. For each: the crawl
finishes, retries what deserves a retry, stores nothing false (every stored article is
exactly the mirror's: title, text, date), records the fault in the run log, and a later
run over the mended site archives what the faults kept out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

import archive
from archive.memory.runlog import previous_walk_cut
from crawler.mirror.faults import KINDS, XML_BOMB, FaultPlan
from crawler.mirror.generated import generate_articles
from crawler.mirror.render.base import XML, sitemap_index
from crawler.mirror.server import MirrorServer, Page, Site
from crawler.mirror.tangselpos import BASE, article_path, build_site, load_articles
from crawler.sitemap import Sitemap
from tests.conftest import ROOT, rows, run_cli
from tests.peak_rss import measured, peak_mb

ARSIP = Path(sys.executable).with_name("arsip")
# Stalled answers are given up after two seconds (and retried), so the suite stays fast.
FAST_TIMEOUT = {"ARSIP_DOWNLOAD_TIMEOUT": "2"}
GZIP_BOMB_SIZE = 1024**3  # 1 GiB once inflated, about 1 MiB on the wire
RSS_LIMIT_MB = 400


ACCENTED = ("Café Señora", "Kesehatán Lansia", "Kafé Rosé", "Pâtisserie Warga", "Résumé Dinas")


def accented_articles() -> list[dict]:
    """Articles whose title and text need more than ASCII (windows-1252 can encode
    them): what a mislabelled charset garbles, one per charset fault."""
    articles = generate_articles(
        len(ACCENTED), first_id=88000, newest=datetime.fromisoformat("2025-09-20T09:00:00+07:00")
    )
    for article, name in zip(articles, ACCENTED, strict=True):
        article["title"] = f"{name} – “Pelayanan” Warga {article['id']}"
        article["paragraphs"][0] = (
            f"Pengelola {name} menyebut “layanan ramah” itu dibuka pukul 09.00 – 15.00 "
            f"untuk lansia’s club. " + article["paragraphs"][0]
        )
    return articles


def bogus_dated_article() -> dict:
    """A page whose every date (JSON-LD, meta, date line, image name) says 2099: no
    date is better than that one."""
    (article,) = generate_articles(1, first_id=88100)
    article["published"] = "2099-01-01T09:00:00+07:00"
    article["bogus_date"] = True
    return article


def site_articles() -> list[dict]:
    return sorted(
        [*load_articles(), *accented_articles(), bogus_dated_article()],
        key=lambda a: a["published"],
        reverse=True,
    )


def crawl(url: str, db_path: Path, env: dict | None = None) -> tuple[int, str, float]:
    """``arsip crawl`` in a child process -> (exit status, stderr, its own peak RSS in
    MB: ``tests.peak_rss``, not this worker's high-water mark)."""
    cmd, report = measured([ARSIP, "crawl", "tangselpos", "--mirror", url, "--db", db_path])
    child = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, err = child.communicate()
    return child.returncode, err, peak_mb(report)


def assert_nothing_false(db_path: Path, articles: list[dict]) -> dict[str, dict]:
    """Every stored article is one of the mirror's, with its exact title, first words
    of text and date; no replacement characters or mojibake anywhere."""
    truth = {BASE + article_path(a): a for a in articles}
    stored = {r["url"]: r for r in rows(db_path, "SELECT * FROM articles")}
    assert set(stored) <= set(truth)
    for url, row in stored.items():
        article = truth[url]
        assert row["title"] == article["title"], url
        published = datetime.fromisoformat(article["published"])
        if article.get("bogus_date"):
            assert row["published_at"] is None and row["published_local"] is None, url
        elif not article.get("jsonld", True) and article.get("body_date"):
            # The page gives only a day in its text ("Kamis (18/9)"): that day, shortly
            # before the page went out.
            day = datetime.fromisoformat(row["published_local"]).date()
            assert row["published_has_time"] == 0, url
            assert 0 <= (published.date() - day).days <= 7, url
        else:
            stored_at = datetime.fromisoformat(row["published_at"].replace("Z", "+00:00"))
            assert stored_at == published, url
        first_words = " ".join(article["paragraphs"][0].split()[:12])
        assert first_words in row["body"], url
        for text in (row["title"], row["body"]):
            assert "\ufffd" not in text and "Ã" not in text and "â€" not in text, url
    return stored


def test_every_fault_kind_in_one_crawl_then_a_later_run_completes(tmp_path):
    articles = site_articles()
    paths = [article_path(a) for a in articles]
    accented = [article_path(a) for a in articles if 88000 <= a["id"] < 88100]
    media = {article_path(a) for a in articles if a.get("media")}
    plain = [p for p in paths if p not in accented and p not in media and "/88100/" not in p]
    # One page per fault; "missed" pages cannot be archived in this run.
    faults = {
        "status": (plain[0], "status:503x1"),  # retried: archived in this run
        "status-given-up": (plain[1], "status:500x3"),  # 3 attempts fail: missed
        "retry-after": (plain[2], "retry-after:1x1"),  # waits 1 s, then archived
        "retry-after-too-long": (plain[3], "retry-after:999x1"),  # not waited for: missed
        "reset": (plain[4], "resetx1"),
        "stall": (plain[5], "stall:10x1"),  # past the 2 s timeout, retried
        "truncate": (plain[6], "truncatex1"),
        "charset": (accented[0], "charsetx1"),  # windows-1252 labelled utf-8
        "charset-reverse": (accented[1], "charset-reversex1"),  # utf-8 labelled 1252
        "charset-meta": (accented[2], "charset-metax1"),  # utf-8, <meta> says iso-8859-1
        "charset-xml": (accented[3], "charset-xmlx1"),  # utf-8, <?xml encoding> iso-8859-1
        "charset-stray": (accented[4], "charset-strayx1"),  # utf-8 + 1 stray, labelled 1252
        "binary": (plain[7], "binaryx1"),  # refused: missed
        "huge": (plain[8], "hugex1"),  # over DOWNLOAD_MAXSIZE: missed
        "gzip-bomb": (plain[9], f"gzip-bomb:{GZIP_BOMB_SIZE}x1"),  # missed
        "redirect-loop": (plain[10] + "*", "redirect-loop"),  # missed
        "xml-bomb": ("/sitemap-news.xml", "xml-bomb"),  # the listings still find all
        "gzip": (plain[17], "gzipx1"),  # Content-Encoding: gzip, inflated and archived
        "gzip-file": ("/sitemap.xml", "gzip-file"),  # the index as a .xml.gz: read
        "huge-sitemap": ("/sitemap-posts.xml", "huge-sitemap:50001"),  # read up to 50,000
        # By day and by page: 40 fresh-looking pages, then gone (404).
        "calendar": ("/kategori/olahraga*", "calendarx40"),
        "trap": ("/kategori/*", "trap"),  # every other section page pages on for ever
        "json": (plain[11], "jsonx1"),  # no HTML page: remembered without an article
        "pdf": (plain[12], "pdfx1"),
        "image": (plain[13], "imagex1"),
        # Canonical links elsewhere: to the home page, to another article (two pages):
        # each page archived under its own URL, no article merged into another.
        "canonical-home": (plain[14], "canonical-home"),
        "canonical-other": (plain[15], "canonical-other"),
        "canonical-other-2": (plain[16], "canonical-other"),
    }
    plan = FaultPlan.from_specs([f"{path}={spec}" for path, spec in faults.values()])
    assert {f.kind for _, f in plan.rules} == set(KINDS)  # every kind is exercised
    fault = {name: plan.rules[i][1] for i, name in enumerate(faults)}
    db_path = tmp_path / "news.db"
    site = build_site(articles)
    # A second child sitemap in the index, a copy of the news sitemap, for huge-sitemap.
    site.pages["/sitemap-posts.xml"] = site.pages["/sitemap-news.xml"]
    site.pages["/sitemap.xml"] = Page(
        sitemap_index([f"{BASE}/sitemap-news.xml", f"{BASE}/sitemap-posts.xml"]), XML
    )

    with MirrorServer([site], log=None, faults=plan) as server:
        started = time.monotonic()
        status, err, rss = crawl(server.url, db_path, FAST_TIMEOUT)
        seconds = time.monotonic() - started
    assert status == 0, err  # the portal ran: pages read, articles stored
    assert "Traceback" not in err
    assert rss < RSS_LIMIT_MB  # the 1 GiB gzip bomb was never inflated
    assert seconds < 30

    stored = assert_nothing_false(db_path, articles)
    not_html = {"json": "application/json", "pdf": "application/pdf", "image": "image/png"}
    missed = {
        "status-given-up", "retry-after-too-long", "binary", "huge", "gzip-bomb",
        "redirect-loop", *not_html,
    }  # fmt: skip
    for name, (path, _) in faults.items():
        if path.startswith("/detail/"):
            assert (BASE + path.rstrip("*") in stored) == (name not in missed), name
    assert len(stored) == len(articles) - len(missed)

    # Retried as often as deserved, and no more.
    assert fault["status"].hits == 2 and fault["status-given-up"].hits == 3
    assert fault["retry-after"].hits == 2 and fault["retry-after-too-long"].hits == 1
    assert fault["reset"].hits == 2 and fault["stall"].hits == 2
    assert fault["truncate"].hits == 2
    charsets = (k for k in KINDS if k.startswith("charset"))
    for name in ("binary", "huge", "gzip-bomb", *charsets, *not_html):
        assert fault[name].hits == 1, name  # nothing to gain from asking again
    assert fault["gzip"].hits == 1 and fault["gzip-file"].hits == 1  # read at once
    assert fault["huge-sitemap"].hits >= 1  # 3 MB: on a busy machine, past the 2 s timeout
    assert fault["redirect-loop"].hits == 6  # REDIRECT_MAX_TIMES = 5, then given up
    assert 1 <= fault["trap"].hits <= 12  # each section: its page and one more at most
    assert fault["calendar"].hits > 40  # walked on both axes while its pages looked fresh

    # The run log records each fault.
    (run,) = rows(db_path, "SELECT * FROM crawl_runs")
    stats = json.loads(run["stats"])
    statuses = json.loads(run["statuses"])
    assert run["finish_reason"] == "finished" and run["failure"] is None
    assert statuses["503"] == 1 and statuses["500"] == 3 and statuses["429"] == 2
    assert statuses["302"] == fault["redirect-loop"].hits
    assert stats["arsip/retry_after/waited"] == 1 and stats["arsip/retry_after/gave_up"] == 1
    # Stall (timeout), truncated body, huge; the reset too, unless it hit a reused
    # keep-alive connection, which Twisted's pool retries once by itself.
    assert run["exceptions"] >= 3, stats
    exceptions = {k.rsplit("/", 1)[1] for k in stats if k.startswith("downloader/exception_type")}
    assert {"DownloadTimeoutError", "ResponseDataLossError", "DownloadCancelledError"} <= {
        name.rsplit(".", 1)[-1] for name in exceptions
    }, exceptions
    assert stats["arsip/refused/binary"] == 1
    assert stats["arsip/sitemaps_empty"] == 1  # the XML bomb, read without expansion
    assert stats["arsip/sitemaps_cut"] == 1  # the huge sitemap's entries past 50,000
    assert stats["arsip/charset_repaired"] == len(ACCENTED)  # one per charset fault
    # Answers that are no HTML page: remembered as pages without an article, with their
    # content type, and no traceback (checked above); none is an extraction failure.
    assert stats["arsip/not_html"] == len(not_html)
    empty = {r["url"]: r["reason"] for r in rows(db_path, "SELECT url, reason FROM empty_pages")}
    assert empty == {
        BASE + faults[name][0]: f"not HTML ({kind})" for name, kind in not_html.items()
    }
    assert run["dropped"] == len(not_html)
    assert stats["arsip/canonical_ignored/not_article"] == 1  # the home page
    ignored = stats.get("arsip/canonical_ignored/collision", 0)
    assert ignored + stats.get("arsip/canonical_ignored/unarchived", 0) == 2
    assert run["updated"] == 0 and not rows(db_path, "SELECT * FROM article_revisions")
    assert run["errors"] >= 2  # the given-up 500 and the cancelled huge page
    given_up = {k.split("/")[-1]: v for k, v in stats.items() if k.startswith("arsip/given_up/")}
    # The calendar's pages once it stopped answering: gone for good, no cut walk.
    assert given_up.pop("http_404") == statuses["404"] > 0
    assert stats.get("arsip/listing_cut") is None
    assert given_up == {
        "http_500": 1,  # retries spent
        "http_429": 1,  # Retry-After too long
        "DownloadCancelledError": 1,  # huge
        "IgnoreRequest": 3,  # binary refused, gzip bomb cut off, redirect loop
    }

    # Re-extraction of the kept pages reads the mislabelled ones as the crawl did.
    reread = run_cli("reextract", "--db", str(db_path))
    assert reread.returncode == 0, reread.stderr
    assert f"{len(stored)} unchanged" in reread.stdout, reread.stdout
    assert_nothing_false(db_path, articles)

    # A later run over the mended site archives exactly what was missed.
    with MirrorServer([build_site(articles)], log=None) as server:
        status, err, clean_rss = crawl(server.url, db_path)
    assert status == 0, err
    assert rss < clean_rss + 64  # the 1 GiB gzip bomb was never inflated
    stored = assert_nothing_false(db_path, articles)
    assert len(stored) == len(articles)
    last = rows(db_path, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    assert last["new"] == len(missed)
    assert rows(db_path, "SELECT count(*) AS n FROM article_urls")[0]["n"] == len(articles)


@pytest.mark.parametrize("seed", [11])
def test_random_faults_with_a_seed_then_a_clean_run(tmp_path, seed):
    """A portal that fails at random (5xx, 429, resets, truncations, stalls on a third
    of its answers): the crawl ends; what it stored is true; the next run completes."""
    articles = load_articles()
    plan = FaultPlan(rate=0.33, seed=seed, stall_seconds=3.0)
    db_path = tmp_path / "news.db"
    with MirrorServer([build_site(articles)], log=None, faults=plan) as server:
        status, err, _ = crawl(server.url, db_path, FAST_TIMEOUT)
    assert status in (0, 1), err  # 1 only if no page at all could be read
    assert "Traceback" not in err
    first = assert_nothing_false(db_path, articles)
    with MirrorServer([build_site(articles)], log=None) as server:
        status, err, _ = crawl(server.url, db_path)
    assert status == 0, err
    assert len(assert_nothing_false(db_path, articles)) == len(articles) >= len(first)


class CalendarTrap(Site):
    """Every section page is an endless calendar: each page shows the five latest
    articles (which the run fetches anyway, so each page looks fresh) and links the
    next one."""

    def __init__(self, site: Site):
        super().__init__(site.hosts, site.pages)
        self.latest = [p for p in site.pages if p.startswith("/detail/")][:5]
        self.hits = 0

    def get(self, target: str) -> Page | None:
        if not target.startswith("/kategori/"):
            return super().get(target)
        self.hits += 1
        path, _, query = target.partition("?page=")
        links = "".join(f'<a href="{p}">artikel</a>' for p in self.latest)
        following = f'<a rel="next" href="{path}?page={int(query or 1) + 1}">Berikutnya</a>'
        return Page(f"<html><body>{links}{following}</body></html>".encode())


def test_a_calendar_trap_ends_at_the_listing_depth(tmp_path):
    db_path = tmp_path / "news.db"
    site = CalendarTrap(build_site())
    with MirrorServer([site], log=None) as server:
        status, err, _ = crawl(server.url, db_path, {"ARSIP_MAX_LISTING_DEPTH": "6"})
    assert status == 0, err
    sections = len({a["section"] for a in load_articles()})
    assert sections * 5 <= site.hits <= sections * 7  # depth 6 from the home page
    (run,) = rows(db_path, "SELECT stats, new FROM crawl_runs")
    assert json.loads(run["stats"])["arsip/listing_depth_reached"] >= 1
    assert run["new"] == len(load_articles())  # the trap cost requests, lost nothing


def test_the_sitemap_parser_does_not_expand_entities():
    """The billion-laughs sitemap parses to nothing: lxml is told not to resolve
    entities (Scrapy's Sitemap, which arsip's reader wraps), so no URL of 10^9 "lol"s (3 GB) is ever built."""
    sitemap = Sitemap(XML_BOMB)
    assert sitemap.type == "urlset" and list(sitemap) == []


def walk_cut(db_path: Path) -> str | None:
    """``previous_walk_cut`` of tangselpos's next run, read from the archive."""
    with archive.open(db_path, readonly=True) as arch:
        return previous_walk_cut(arch.db, "tangselpos", None)


def test_a_listing_page_given_up_is_walked_past_by_the_next_run(tmp_path):
    """A portal whose only way to its articles is the home listing (no sitemap, no
    section pages) fails on listing page 3 (500, three times): the run archives what
    pages 1-2 list. The next run sees that the last walk was cut and pages on past the
    archived articles to the end, instead of stopping at the pages it already knows."""
    articles = load_articles()
    db_path = tmp_path / "news.db"
    home_only = ["/sitemap*=status:404", "/kategori/*=status:404"]
    plan = FaultPlan.from_specs(["/[?]page=3=status:500x3", *home_only])
    with MirrorServer([build_site(articles)], log=None, faults=plan) as server:
        status, err, _ = crawl(server.url, db_path)
    assert status == 0, err
    assert len(assert_nothing_false(db_path, articles)) == 10  # 5 per listing page
    (first,) = rows(db_path, "SELECT stats FROM crawl_runs")
    # Page 3 only: the sections' 404s are gone for good, no reason to walk on for them.
    assert json.loads(first["stats"])["arsip/listing_cut"] == 1
    assert walk_cut(db_path) == "run 1 left listing pages unread"

    plan = FaultPlan.from_specs(home_only)
    with MirrorServer([build_site(articles)], log=None, faults=plan) as server:
        status, err, _ = crawl(server.url, db_path)
    assert status == 0, err
    assert "walking every listing page" in err
    assert len(assert_nothing_false(db_path, articles)) == len(articles)
    second = rows(db_path, "SELECT stats FROM crawl_runs ORDER BY id")[-1]
    assert json.loads(second["stats"])["arsip/catch_up"] == 1
    assert walk_cut(db_path) is None  # the next run is usual


def health_flags(db_path: Path) -> dict[str, str]:
    """``arsip health --json``: tangselpos's flags, kind -> message."""
    checked = run_cli("health", "--db", str(db_path), "--json")
    assert checked.returncode in (0, 1) and "Traceback" not in checked.stderr, checked.stderr
    (portal,) = [p for p in json.loads(checked.stdout)["portals"] if p["portal"] == "tangselpos"]
    return {flag["kind"]: flag["message"] for flag in portal["flags"]}


def test_a_two_axis_calendar_trap_ends_at_the_crawl_budget(tmp_path):
    """Every section page is a calendar by day and by page number, each page showing
    the section's articles (fresh to a first run): at a depth of 30 that is over 2,000
    listing pages, since a bound on depth bounds each path and not their number. The
    listing budget ends it; the run log counts it and ``arsip health`` flags it."""
    db_path = tmp_path / "news.db"
    plan = FaultPlan.from_specs(["/kategori/*=calendar"])
    budget = {"ARSIP_MAX_LISTING_DEPTH": "30", "ARSIP_MAX_LISTING_PAGES": "100"}
    with MirrorServer([build_site()], log=None, faults=plan) as server:
        status, err, _ = crawl(server.url, db_path, budget)
    assert status == 0, err
    assert "Traceback" not in err
    assert "crawl budget: 100 listing pages of tangselpos" in err
    calendar = plan.rules[0][1]
    assert 30 < calendar.hits < 100  # every listing page counts, the home pages too
    (run,) = rows(db_path, "SELECT stats, failure FROM crawl_runs")
    stats = json.loads(run["stats"])
    assert stats["arsip/listing_pages"] == 100
    assert stats["arsip/budget_reached/listing_pages"] == 1
    assert "arsip/budget_reached/requests" not in stats
    assert run["failure"] is None  # a trap is no failed portal
    assert_nothing_false(db_path, load_articles())
    flags = health_flags(db_path)
    assert "listing pages (ARSIP_MAX_LISTING_PAGES)" in flags["crawl_budget_reached"]
    # Not a cut walk: the next run does not walk every listing page for it.
    assert walk_cut(db_path) is None


def test_the_request_budget_bounds_a_run_and_the_next_run_completes(tmp_path):
    db_path = tmp_path / "news.db"
    articles = load_articles()
    with MirrorServer([build_site(articles)], log=None) as server:
        status, err, _ = crawl(server.url, db_path, {"ARSIP_MAX_REQUESTS": "20"})
        assert status == 0, err
        assert "crawl budget: 20 requests sent in this run" in err
        (run,) = rows(db_path, "SELECT requests, stats FROM crawl_runs")
        assert run["requests"] == 20
        assert json.loads(run["stats"])["arsip/budget_reached/requests"] == 1
        stored = assert_nothing_false(db_path, articles)
        assert 0 < len(stored) < len(articles)
        assert "requests (ARSIP_MAX_REQUESTS)" in health_flags(db_path)["crawl_budget_reached"]

        status, err, _ = crawl(server.url, db_path)  # the default budget
    assert status == 0, err
    assert len(assert_nothing_false(db_path, articles)) == len(articles)
    last = rows(db_path, "SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    assert not any(key.startswith("arsip/budget_reached") for key in json.loads(last["stats"]))
    assert "crawl_budget_reached" not in health_flags(db_path)


def test_a_canonical_link_joins_a_version_and_never_another_article(tmp_path):
    """A second URL of an archived article (an old slug) naming it as canonical joins
    it; a new article naming another archived article as canonical is archived under
    its own URL, and that other article keeps its text (no revision)."""
    articles = load_articles()
    db_path = tmp_path / "news.db"
    with MirrorServer([build_site(articles)], log=None) as server:
        status, err, _ = crawl(server.url, db_path)
    assert status == 0, err

    (fresh,) = generate_articles(1, first_id=88200)
    site = build_site([fresh, *articles])
    joined, other = articles[0], articles[1]
    version = article_path(joined) + "-lama"  # the same page under an old slug
    site.pages[version] = site.pages[article_path(joined)]
    own = article_path(fresh)
    site.pages[own] = Page(
        site.pages[own].body.replace(
            f'<link rel="canonical" href="{BASE + own}">'.encode(),
            f'<link rel="canonical" href="{BASE + article_path(other)}">'.encode(),
        )
    )
    home = site.pages["/"]
    site.pages["/"] = Page(
        home.body.replace(b"</main>", f'<a href="{version}">x</a></main>'.encode())
    )
    with MirrorServer([site], log=None) as server:
        status, err, _ = crawl(server.url, db_path)
    assert status == 0, err
    assert "canonical link of " + BASE + own in err
    stored = assert_nothing_false(db_path, [fresh, *articles])
    assert len(stored) == len(articles) + 1 and BASE + own in stored
    assert not rows(db_path, "SELECT * FROM article_revisions")
    (key,) = rows(
        db_path,
        "SELECT a.url FROM article_urls u JOIN articles a ON a.id = u.article_id"
        " WHERE u.url LIKE ?",
        "%-lama",
    )
    assert key["url"] == BASE + article_path(joined)
    run = rows(db_path, "SELECT stats, new, updated FROM crawl_runs ORDER BY id DESC")[0]
    assert (run["new"], run["updated"]) == (1, 0)
    assert json.loads(run["stats"])["arsip/canonical_ignored/collision"] == 1
