"""The crawl's fetch decisions for one portal and one run, as plain Python: what the
spider (``crawler.spiders.portal``) fetches, given what the archive remembers. No
Scrapy, no network, no storage: the spider reads the memory (``archive.memory``), hands
it over, asks a ``Frontier`` before each request and writes back what it gathered.

- An article URL (``Frontier.article``) is fetched when it is not archived yet
  (``new``), when its sitemap ``lastmod`` is newer than its last fetch (``modified``),
  or when it was first seen less than ``--refresh-days`` ago (``refresh``); not when
  its sitemap or listing date is older than ``--since``; at most once per run, and at
  most ``--max-pages`` of them. A page read before and found without an article
  (``archive.memory.empty``) is read once more to confirm (``empty_confirm``), then
  only after ``ARSIP_EMPTY_RETRY_DAYS`` (``empty_retry``).
- A child sitemap of an index (``Frontier.child_sitemap``) is read unless a finished
  run read it completely since its index ``lastmod`` last moved (``unknown``,
  ``moved``, ``refresh``, ``recheck`` otherwise: ``archive.memory.sitemaps``). Each read
  (``SitemapRead``) tells at its end (``Frontier.sitemap_done``) whether the child is
  to be remembered (``sitemaps_read``, kept by ``sitemaps_to_remember`` once its
  articles are settled) or forgotten, its index ``lastmod`` being behind its entries
  (``sitemaps_distrusted``).
- Paging through a listing (``Frontier.listing_step``) stops after ``LISTING_OVERLAP``
  pages holding no article to fetch (unless the previous run left listing pages
  unread: ``catch_up``), at a page whose dated articles are all older than ``--since``,
  when ``--max-pages`` is spent, and at ``max_listing_depth`` pages from the start.
  Whatever the shape of the links (a calendar by date and by page number escapes any
  bound on depth), at most ``max_listing_pages`` listing pages are requested in a run
  (``Frontier.listing``): the crawl budget's listing half (its request half is
  ``crawler.budget``).
- A page that failed for now (``failed_for_now``) is remembered in ``failed`` so that
  the next run asks for it again (``archive.memory.failed``); ``settled`` holds the
  pages whose article was stored or found missing a second time.

Each decision counts what it decided through ``count`` (the spider's ``arsip/<key>``
stats).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from archive.dedup import canonical_url
from archive.memory.known import EmptyPage, KnownArticle
from archive.memory.sitemaps import RECHECK_DAYS, RememberedSitemap, recheck_due_at

LISTING_OVERLAP = 1
"""Listing pages holding only archived articles that are still paged through (so that
an article pushed down by a burst of new ones is not missed)."""
UNBOUNDED = 10**6
LASTMOD_SLACK = timedelta(days=1)
"""How far a child sitemap's newest entry may be later than the ``lastmod`` its index
gives it before that index ``lastmod`` is taken to be behind (an index that writes
dates without a time, a clock or zone that differs between the two)."""
MAX_LISTING_DEPTH = 1000
"""Default of ``ARSIP_MAX_LISTING_DEPTH``."""
MAX_LISTING_PAGES = 5000
"""Default of ``ARSIP_MAX_LISTING_PAGES``: listing pages of one portal per run, all start
pages together. The sample portals' mirrors have under 50; a daily run of a real portal
reads a few dozen, a backfill a few thousand at most."""


class Memory(Protocol):
    """What the frontier asks of the archive (``archive.memory.known.KnownArticles``)."""

    def get(self, url: str) -> KnownArticle | None: ...

    def empty(self, url: str) -> EmptyPage | None: ...


@dataclass(frozen=True)
class ArticleDecision:
    """What became of an article URL (``Frontier.article``)."""

    outcome: str
    """``requested`` (by this call or earlier in the run), the skip stat
    (``skipped_known``, ``skipped_empty``, ``skipped_before_since``), or
    ``budget_spent`` (``--max-pages``)."""
    key: str
    """The URL's canonical form, under which the run knows it."""
    reason: str | None = None
    """Why this call requests it (``new``, ``modified``, ``refresh``, ``empty_confirm``,
    ``empty_retry``: the stat ``arsip/requested/<reason>``); None when this call
    requests nothing (a skip, a spent budget, a URL already requested)."""
    was_empty: bool = False
    """The URL is remembered as a page without an article."""

    @property
    def fetch(self) -> bool:
        """Whether the spider is to request the URL now."""
        return self.reason is not None


@dataclass(frozen=True)
class ListingStep:
    """Whether paging goes on from a listing page (``Frontier.listing_step``)."""

    stop: str | None
    """None (follow the page's listing links), ``budget_spent`` (``--max-pages``),
    ``stale`` (no article to fetch for ``LISTING_OVERLAP`` pages, or all older than
    ``--since``) or ``depth`` (``max_listing_depth`` reached)."""
    stale: int
    """The pages in a row holding no article to fetch, this one included."""
    depth: int
    """The depth of the pages this one links to (the start page's links: 1)."""


@dataclass
class SitemapRead:
    """One read of a sitemap, entry by entry (``Frontier.open_sitemap``)."""

    child: tuple[str, datetime] | None
    """The child's URL and the lastmod its index gave it; None for a sitemap named by
    the portal or robots.txt, or a child without a lastmod."""
    recheck: bool = False
    """Read although its unmoved lastmod said it need not be (``recheck``)."""
    requested: set[str] | None = None
    """The canonical URLs of the articles this run requested from the child, while it
    may still be remembered; None once it may not (or it is no child's urlset)."""
    newest: datetime | None = None
    """The newest lastmod among its entries."""
    found: int = 0
    """Articles to fetch a rechecked child lists that its unmoved lastmod hid."""
    entries: int = 0
    """Entries with a location."""

    def saw(self, lastmod: datetime | None) -> None:
        """An entry of a urlset, with its lastmod."""
        if lastmod and (self.newest is None or lastmod > self.newest):
            self.newest = lastmod

    def article(self, decision: ArticleDecision) -> None:
        """What became of one of its article entries."""
        if self.recheck and decision.reason in ("new", "modified"):
            self.found += 1
        # An archived article, or a page found without one twice: nothing of this child
        # is left for a later run.
        if self.requested is None or decision.outcome in ("skipped_known", "skipped_empty"):
            return
        if decision.outcome == "requested":
            self.requested.add(decision.key)
        else:  # left for a later run (--since, --max-pages): read it again
            self.requested = None


def failed_for_now(status: int, *, ignored: bool) -> bool:
    """Whether a page whose request failed is to be asked for again: given up for now
    (5xx, 429, timeouts, resets), not gone for good (404, a dead link) or refused
    (robots.txt). ``ignored``: the failure is Scrapy's ``IgnoreRequest`` (an error
    status after the retries, a robots.txt refusal); ``status``: the response's, 0 for
    none."""
    return not ignored or status >= 500 or status == 429


def _no_count(key: str, count: int = 1) -> None:
    pass


@dataclass
class Frontier:
    """The fetch decisions of one run of one portal (see the module docstring)."""

    known: Memory | None = None
    """The archive's articles and pages without one; None: nothing is known."""
    since: datetime | None = None
    """``--since`` (aware UTC): older articles and sitemaps are not fetched."""
    refresh_after: datetime | None = None
    """Articles first seen after this are fetched again (``--refresh-days``)."""
    max_articles: int | None = None
    """``--max-pages``: article requests of this run at most."""
    empty_retry_before: datetime | None = None
    """A page remembered without an article and last fetched before this is fetched
    again (``ARSIP_EMPTY_RETRY_DAYS``)."""
    remembered_sitemaps: dict[str, RememberedSitemap] = field(default_factory=dict)
    sitemap_recheck_days: float = RECHECK_DAYS
    """``ARSIP_SITEMAP_RECHECK_DAYS``: a remembered child is read again this long after
    it was remembered (at its own point of the period: ``recheck_due_at``)."""
    max_listing_depth: int = MAX_LISTING_DEPTH
    """``ARSIP_MAX_LISTING_DEPTH``: paging from a start page stops this deep (traps)."""
    max_listing_pages: int = MAX_LISTING_PAGES
    """``ARSIP_MAX_LISTING_PAGES``: listing pages requested in this run at most, from
    every start page together (``listing``)."""
    catch_up: bool = False
    """The previous run left listing pages unread (``previous_walk_cut``): paging goes
    on past archived articles this run, up to ``max_listing_depth``."""
    count: Callable[..., None] = _no_count
    """``count(key, n=1)``: a stat of the run (the spider's ``arsip/<key>``)."""
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    """Now, for the sitemap recheck."""

    requested: set[str] = field(default_factory=set)
    """Canonical URLs of the articles requested in this run."""
    articles_requested: int = 0
    listings_requested: set[str] = field(default_factory=set)
    """Listing page URLs requested in this run (without their fragment)."""
    listing_budget_reached: bool = False
    """A listing page was left unrequested because ``max_listing_pages`` were."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Canonical URL -> the stat it was counted under when skipped."""
    sitemaps_read: dict[str, tuple[datetime, set[str]]] = field(default_factory=dict)
    """Child sitemap URL -> (its index lastmod, the canonical URLs of the articles
    this run requested from it), for each child read to its end with every other
    article it lists already archived: remembered at a finished close when all
    those articles were settled (``sitemaps_to_remember``)."""
    sitemaps_distrusted: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)
    """Child sitemap URL -> (the lastmod its index gives it, its newest entry's), for
    each child read in this run whose entries are later than that lastmod (by more
    than ``LASTMOD_SLACK``): forgotten at close, so that the next run reads it."""
    settled: set[str] = field(default_factory=set)
    """Canonical URLs (as requested) of the article pages this run settled: their
    article stored, or found without one a second time (``archive.memory.empty``). What a
    child sitemap waits for before it is remembered, and what leaves
    ``failed_articles``."""
    failed: dict[str, str] = field(default_factory=dict)
    """Article URL -> why its page (or a further page) was given up in this run:
    written at close (``archive.memory.failed``) so that the next run asks again."""

    # -- articles ----------------------------------------------------------------------

    def budget_spent(self) -> bool:
        """Whether ``--max-pages`` article requests were made."""
        return self.max_articles is not None and self.articles_requested >= self.max_articles

    def before_since(self, when: datetime | None) -> bool:
        """Whether a dated thing (an article, a sitemap) is older than ``--since``."""
        return bool(self.since and when and when < self.since)

    def article(
        self, url: str, *, lastmod: datetime | None = None, listed: datetime | None = None
    ) -> ArticleDecision:
        """Whether the article at ``url`` is fetched, with ``lastmod`` its sitemap's and
        ``listed`` its feed's or listing's date. A URL is requested at most once per
        run; one skipped where it was found without a date (a listing) is decided again
        where a ``lastmod`` comes with it (the sitemap). A request is counted here."""
        key = canonical_url(url)
        if key in self.requested:
            return ArticleDecision("requested", key)
        if key not in self.skipped:
            self.count("article_links")
        reason, skip, was_empty = self.fetch_reason(url, lastmod, listed)
        if reason is None:
            if key not in self.skipped:
                self.skipped[key] = skip
                self.count(skip)
            return ArticleDecision(skip, key, was_empty=was_empty)
        if self.budget_spent():
            return ArticleDecision("budget_spent", key, was_empty=was_empty)
        if key in self.skipped:
            self.count(self.skipped.pop(key), -1)
        self.requested.add(key)
        self.articles_requested += 1
        self.count(f"requested/{reason}")
        return ArticleDecision("requested", key, reason, was_empty)

    def fetch_reason(
        self, url: str, lastmod: datetime | None = None, listed: datetime | None = None
    ) -> tuple[str | None, str, bool]:
        """Why the article at ``url`` is to be fetched (``new``, ``modified``,
        ``refresh``, ``empty_confirm``, ``empty_retry``) or None, the skip stat that
        None is counted under, and whether ``url`` is remembered as a page without an
        article. Asks the memory only; the run's own requests are ``article``'s."""
        known = self.known.get(url) if self.known else None
        if known is None:
            if self.before_since(lastmod or listed):
                return None, "skipped_before_since", False
            empty = self.known.empty(url) if self.known else None
            if empty is None:
                return "new", "skipped_known", False
            # Read before and held no article: like an archived article, unless the
            # sitemap says it changed, it is inside --refresh-days, or it is due again.
            if lastmod and lastmod > empty.fetched_at:
                return "modified", "skipped_empty", True
            if self.refresh_after and empty.first_seen_at >= self.refresh_after:
                return "refresh", "skipped_empty", True
            reason = {"unconfirmed": "empty_confirm", "due": "empty_retry"}.get(
                empty.state(self.empty_retry_before)
            )
            return reason, "skipped_empty", True
        if lastmod and lastmod > known.last_seen_at:
            return "modified", "skipped_known", False
        if self.refresh_after and known.first_seen_at >= self.refresh_after:
            return "refresh", "skipped_known", False
        return None, "skipped_known", False

    def settle(self, key: str) -> None:
        """The article page requested under ``key`` was settled (see ``settled``)."""
        self.settled.add(key)

    # -- listings ----------------------------------------------------------------------

    def listing(self, url: str) -> str | None:
        """Whether to request the listing page at ``url``: ``requested`` (counted), None
        when this run requested it already, ``budget`` when ``max_listing_pages`` were
        requested (counted as ``listing_budget_reached``, once per run)."""
        key = url.split("#", 1)[0]
        if key in self.listings_requested:
            return None
        if len(self.listings_requested) >= self.max_listing_pages:
            if not self.listing_budget_reached:
                self.listing_budget_reached = True
                self.count("budget_reached/listing_pages")
            return "budget"
        self.listings_requested.add(key)
        self.count("listing_pages")
        return "requested"

    def listing_step(
        self, articles: Mapping[str, datetime | None], *, stale_pages: int = 0, depth: int = 0
    ) -> ListingStep:
        """Whether to follow the listing links of a listing page at ``depth`` (the
        start page: 0) that came after ``stale_pages`` pages without an article to
        fetch, after its ``articles`` (URL -> listed date or None) were decided. A page
        holding an article this run fetches (new, edited, inside the --refresh-days
        window; requested from here or elsewhere) may have more on the next page; a
        page of articles the archive already has ends the paging."""
        fresh = any(canonical_url(url) in self.requested for url in articles)
        dated = [d for d in articles.values() if d is not None]
        stale = 0 if fresh else stale_pages + 1
        if self.since and dated and max(dated) < self.since:
            stale = UNBOUNDED  # every dated article here is older than --since
        depth += 1
        if self.budget_spent():
            return ListingStep("budget_spent", stale, depth)
        # After a cut walk (see ``catch_up``) only --since ends the paging.
        if stale > LISTING_OVERLAP and not (self.catch_up and stale < UNBOUNDED):
            return ListingStep("stale", stale, depth)
        # A trap (a calendar, a pager that never ends) may keep offering listing pages
        # that hold fresh links: the depth from the start page bounds it per run.
        if depth > self.max_listing_depth:
            return ListingStep("depth", stale, depth)
        return ListingStep(None, stale, depth)

    # -- sitemaps ----------------------------------------------------------------------

    def child_sitemap(self, url: str, lastmod: datetime | None) -> str | None:
        """Why the child sitemap at ``url``, given ``lastmod`` by its index, is read
        (``sitemap_reading``); None when it is not: it need not be (counted as
        ``sitemaps_skipped``), or it last changed before ``--since`` (it holds nothing
        newer)."""
        if self.before_since(lastmod):
            return None
        reading = self.sitemap_reading(url, lastmod)
        if reading is None:
            self.count("sitemaps_skipped")
        return reading

    def sitemap_reading(self, url: str, lastmod: datetime | None) -> str | None:
        """Why the child sitemap at ``url``, given ``lastmod`` by its index, is read:
        ``unknown`` (no finished run read it completely, or the index gives it no
        lastmod), ``moved`` (its lastmod is newer than when it was), ``refresh``
        (``--refresh-days``: read inside the window) or ``recheck`` (remembered longer
        ago than its share of ``ARSIP_SITEMAP_RECHECK_DAYS``); None when it need not
        be read."""
        known = self.remembered_sitemaps.get(url)
        if lastmod is None or known is None:
            return "unknown"
        if lastmod > known.lastmod:
            return "moved"
        # --refresh-days re-fetches the articles first archived in its window. Every
        # article of a child read before the window began was archived before it (one
        # added later would have moved the child's lastmod); a child read since may
        # list some.
        if self.refresh_after and known.read_at >= self.refresh_after:
            return "refresh"
        # The premise above fails on indexes that do not move a child's lastmod when it
        # gains articles: now and then, read it whatever its lastmod says.
        if self.clock() >= recheck_due_at(url, known.read_at, self.sitemap_recheck_days):
            return "recheck"
        return None

    def open_sitemap(
        self, child: tuple[str, datetime] | None, *, urlset: bool, recheck: bool = False
    ) -> SitemapRead:
        """A read of a sitemap begins: ``child`` as ``SitemapRead.child``, ``urlset``
        whether it lists pages (a child that is an index itself is read on every run,
        its children's lastmods telling them apart, and never remembered)."""
        return SitemapRead(child, recheck, set() if child and urlset else None)

    def sitemap_done(self, read: SitemapRead) -> None:
        """A read of a sitemap ended: a child read to its end with no article left
        for a later run goes to ``sitemaps_read``; one whose entries are later than
        its index lastmod to ``sitemaps_distrusted`` (counted as
        ``sitemaps_lastmod_behind``)."""
        child = read.child
        if child and read.newest and read.newest > child[1] + LASTMOD_SLACK:
            # The index gives this child a lastmod older than what the child lists: it
            # does not move a child's lastmod as the child changes, so a later run could
            # not tell from it when the child gains articles. Not remembered (and
            # forgotten): read on every run while this lasts.
            self.sitemaps_distrusted[child[0]] = (child[1], read.newest)
            self.count("sitemaps_lastmod_behind")
            read.requested = None
        if child and read.requested is not None and read.entries:
            self.sitemaps_read[child[0]] = (child[1], read.requested)

    def sitemaps_to_remember(self, *, finished: bool) -> list[tuple[str, datetime]]:
        """The (child URL, index lastmod) of each child sitemap this run read
        completely, to be remembered: only when the run ended ``finished`` (not killed,
        not stopped by an archive error) and every article it requested from the child
        was settled. A child with an article left unfetched (``--max-pages``,
        ``--since``) or whose request failed or yielded no article is read again by the
        next run."""
        if not finished:
            return []
        return [
            (url, lastmod)
            for url, (lastmod, requested) in self.sitemaps_read.items()
            if requested <= self.settled
        ]
