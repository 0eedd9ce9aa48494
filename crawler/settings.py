"""Scrapy settings for arsip: polite by default.

Every arsip setting can be given on the command line (``scrapy crawl tangselpos -s
ARSIP_DB=news.db``) or through the environment variable of the same name.
"""

import os
import sys


def _number(name: str, default: str, kind: type = float) -> float:
    """The environment's number for ``name``: a value that is not one (``ARSIP_EMPTY_RETRY_DAYS=
    abc``, a negative count) stops arsip with a message naming it, exit status 2 as for
    any usage error, rather than a traceback from a cron job or a silent default."""
    value = os.environ.get(name, default)
    try:
        number = kind(value)
    except ValueError:
        number = -1
    if not number >= 0:  # also refuses nan
        what = "a whole number" if kind is int else "a number"
        sys.stderr.write(f"arsip: {name}={value!r} is not {what} of 0 or more\n")
        raise SystemExit(2)
    return number


BOT_NAME = "arsip"
# One spider per declared portal, built from the portal registry (``crawler.portals``):
# no spider modules to write or keep in step with the declarations.
SPIDER_LOADER_CLASS = "crawler.spiders.loader.PortalSpiderLoader"

# Where articles are stored (one SQLite file).
ARSIP_DB = os.environ.get("ARSIP_DB", "arsip.db")
# Base URL of an offline mirror (``http://127.0.0.1:8642``): when set, every request goes
# there with the real host in the Host header, and responses keep the real URLs.
ARSIP_MIRROR = os.environ.get("ARSIP_MIRROR") or None
# Keep every fetched article page (compressed) in the archive's ``pages`` table, so
# that ``arsip reextract`` can re-run extraction without re-crawling. ``0`` turns it off.
_OFF = ("0", "false", "no", "off")
ARSIP_KEEP_PAGES = os.environ.get("ARSIP_KEEP_PAGES", "1").strip().lower() not in _OFF
# A directory to write every raw page read into as WARC files (``crawler.warc_out``,
# ``arsip crawl --warc DIR``), a new file every ARSIP_WARC_SIZE bytes; unset: none.
ARSIP_WARC_DIR = os.environ.get("ARSIP_WARC_DIR") or None
ARSIP_WARC_SIZE = _number("ARSIP_WARC_SIZE", str(1024**3), int)
# Days before a page that was read and held no article (a video or gallery page under
# an article URL) is fetched again; until then every run skips it like an archived
# article (``archive.memory.empty``). A sitemap ``lastmod`` newer than its last fetch, or
# ``--refresh-days``, fetches it sooner; ``0`` fetches every such page again.
ARSIP_EMPTY_RETRY_DAYS = _number("ARSIP_EMPTY_RETRY_DAYS", "7")
# Days after which a remembered child sitemap of a sitemap index is read again although
# the index gives it no newer ``lastmod`` (indexes that never move a child's lastmod
# would otherwise hide its new articles for good); each child comes due at its own point
# between half of this and all of it (``archive.memory.sitemaps``). ``0`` reads every child
# on every run.
ARSIP_SITEMAP_RECHECK_DAYS = _number("ARSIP_SITEMAP_RECHECK_DAYS", "7")
# Runs in a row that ask again for an article page given up before (an error status
# after the retries, a timeout); after that many failures it is left alone.
ARSIP_FAILED_RETRY_RUNS = _number("ARSIP_FAILED_RETRY_RUNS", "5", int)
# A page where portal operators can learn what arsip is and reach whoever runs it.
ARSIP_CONTACT = os.environ.get("ARSIP_CONTACT", "https://github.com/arsip-id/arsip")

# -- politeness ----------------------------------------------------------------------
# On by default; docs/operating.md (Politeness) explains each. A portal may ask for more
# (``crawl_delay`` / ``concurrency`` in its declaration).
USER_AGENT = f"arsip/0.1 (news archiver; +{ARSIP_CONTACT})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0  # seconds between requests to one host, as a start
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# Scrapy hands each response's output (an article, or a listing's links) to this many
# tasks at once, each a new asyncio task per response: 100 by default, for one item a
# page. 1,000-article mirror, alternated runs: 16.8 -> 14.7 s median of three (the
# profile: 142,200 tasks for 1,422 responses, a tenth of the crawl's CPU).
CONCURRENT_ITEMS = 8
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# 429/503 retries wait as long as Retry-After asks, up to this many seconds (a longer
# wait: the page is left for the next run); a 429 without the header waits the default.
ARSIP_RETRY_AFTER_MAX = _number("ARSIP_RETRY_AFTER_MAX", "120")
ARSIP_RETRY_AFTER_DEFAULT = 5.0
DOWNLOADER_MIDDLEWARES = {
    # First: a request past the run's budget is never sent (nor checked against robots.txt).
    "crawler.budget.CrawlBudgetMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    # After decompression (590), before retries: mislabelled charsets, binary bodies.
    "crawler.guards.ResponseGuardMiddleware": 560,
}
# Seconds before a stalled answer is given up (and retried); the environment variable
# lets a test (or a slow link) change it.
DOWNLOAD_TIMEOUT = _number("ARSIP_DOWNLOAD_TIMEOUT", "30")
# A news page is well under 1 MiB. Bigger bodies are cut off at MAXSIZE, also while
# decompressing (a gzip bomb stops there), and logged from WARNSIZE.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# Real portals chain two or three redirects at most; a loop ends here.
REDIRECT_MAX_TIMES = 5
# Listing pages followed from a start page per run at most (a calendar or paging trap
# that keeps offering new listing URLs ends here even if its pages hold articles).
ARSIP_MAX_LISTING_DEPTH = _number("ARSIP_MAX_LISTING_DEPTH", "1000", int)
# The crawl budget of a portal per run, bounding a trap of any shape (a calendar by date
# and by page number escapes any depth bound): listing pages from every start page
# together (``crawler.frontier``), and requests of any kind (``crawler.budget``).
ARSIP_MAX_LISTING_PAGES = _number("ARSIP_MAX_LISTING_PAGES", "5000", int)
ARSIP_MAX_REQUESTS = _number("ARSIP_MAX_REQUESTS", "50000", int)
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control is an HTTP server on localhost that runs the Python code sent to
# it, started by every crawler of the process, with a job file in the user's state
# directory (left behind by a killed crawl). A crawl from cron has no use for either.
REMOTE_CONTROL_ENABLED = False
# Scrapy reads and parses the source of every callback of every spider at each start to
# warn about generators that return a value; tests/test_spider_callbacks.py checks ours once.
WARN_ON_GENERATOR_RETURN_VALUE = False

if ARSIP_MIRROR:
    # The mirror is our own server on loopback: no one to be polite to.
    DOWNLOAD_DELAY = 0
    AUTOTHROTTLE_ENABLED = False
    CONCURRENT_REQUESTS_PER_DOMAIN = 8

DOWNLOAD_HANDLERS = {
    "http": "crawler.middlewares.MirrorDownloadHandler",
    "https": "crawler.middlewares.MirrorDownloadHandler",
}

# Every page given up is counted by cause in the run log and logged in one line.
SPIDER_MIDDLEWARES = {"crawler.guards.DownloadFailureMiddleware": 10}

EXTENSIONS = {
    "crawler.extensions.RunLogStats": 500,
    "crawler.extensions.StallWatch": 510,
    "crawler.warc_out.WarcOut": 520,
}

# Clean -> normalise -> validate -> store, in a store process of its own beside the
# crawl (``crawler.store_process``); ``ARSIP_STORE_PROCESS=0``: in the crawl's process.
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 900}
ARSIP_STORE_PROCESS = os.environ.get("ARSIP_STORE_PROCESS", "1").strip().lower() not in _OFF

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# Items are logged by their URL: they carry their raw page bytes.
LOG_FORMATTER = "crawler.logformatter.ArticleLogFormatter"
