"""The crawl's fetch decisions (``crawler.frontier``) on plain data: which article URLs
a run fetches and why, which child sitemaps it reads and remembers, how far it pages
through listings. No Scrapy process, no HTTP server: the archive's memory is a dict."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from archive.dedup import canonical_url
from archive.memory.known import EmptyPage, KnownArticle
from archive.memory.sitemaps import RememberedSitemap, recheck_due_at
from crawler.frontier import (
    LASTMOD_SLACK,
    UNBOUNDED,
    ArticleDecision,
    Frontier,
    ListingStep,
    failed_for_now,
)

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
DAY = timedelta(days=1)
URL = "https://portal.example/2026/02/20/berita"
OTHER = "https://portal.example/2026/02/21/lain"
CHILD = "https://portal.example/post-sitemap2.xml"


class Memory:
    """The archive's memory as plain dicts (the ``KnownArticles`` interface)."""

    def __init__(
        self,
        known: dict[str, KnownArticle] | None = None,
        empty: dict[str, EmptyPage] | None = None,
    ):
        self.known = {canonical_url(u): a for u, a in (known or {}).items()}
        self.empties = {canonical_url(u): p for u, p in (empty or {}).items()}

    def get(self, url: str) -> KnownArticle | None:
        return self.known.get(canonical_url(url))

    def empty(self, url: str) -> EmptyPage | None:
        return self.empties.get(canonical_url(url))


def frontier(**kwargs) -> tuple[Frontier, Counter]:
    stats: Counter = Counter()

    def count(key: str, n: int = 1) -> None:
        stats[key] += n

    kwargs.setdefault("clock", lambda: NOW)
    return Frontier(count=count, **kwargs), stats


def archived(first_seen: datetime, last_seen: datetime | None = None) -> KnownArticle:
    return KnownArticle(1, first_seen, last_seen or first_seen)


# -- articles ----------------------------------------------------------------------------


def test_a_new_article_is_requested_once_per_run():
    front, stats = frontier(known=Memory())
    first = front.article(URL)
    assert first == ArticleDecision("requested", canonical_url(URL), "new", False)
    assert first.fetch
    again = front.article(URL + "?utm_source=feed")  # the same article under another URL
    assert again.outcome == "requested" and not again.fetch
    assert stats == {"article_links": 1, "requested/new": 1}
    assert front.articles_requested == 1
    assert front.requested == {canonical_url(URL)}


def test_without_memory_every_article_is_new():
    front, _ = frontier()
    assert front.article(URL).reason == "new"


def test_an_archived_article_is_skipped_unless_its_lastmod_moved():
    memory = Memory(known={URL: archived(NOW - 10 * DAY, NOW - 5 * DAY)})
    front, stats = frontier(known=memory)
    skipped = front.article(URL, lastmod=NOW - 6 * DAY)
    assert (skipped.outcome, skipped.fetch) == ("skipped_known", False)
    assert stats == {"article_links": 1, "skipped_known": 1}
    # Found again in the same run, with a lastmod after its last fetch: fetched, and no
    # longer counted as skipped.
    modified = front.article(URL, lastmod=NOW - 4 * DAY)
    assert (modified.outcome, modified.reason) == ("requested", "modified")
    assert stats == {"article_links": 1, "skipped_known": 0, "requested/modified": 1}
    assert front.skipped == {}


def test_a_skipped_article_counts_as_one_link():
    memory = Memory(known={URL: archived(NOW - 10 * DAY)})
    front, stats = frontier(known=memory)
    for _ in range(3):
        assert front.article(URL).outcome == "skipped_known"
    assert stats == {"article_links": 1, "skipped_known": 1}


def test_refresh_days_fetch_articles_first_seen_inside_the_window():
    memory = Memory(known={URL: archived(NOW - 2 * DAY), OTHER: archived(NOW - 9 * DAY)})
    front, _ = frontier(known=memory, refresh_after=NOW - 3 * DAY)
    assert front.article(URL).reason == "refresh"
    assert front.article(OTHER).outcome == "skipped_known"


def test_since_skips_new_articles_dated_before_it():
    front, stats = frontier(known=Memory(), since=NOW - 7 * DAY)
    assert front.article(URL, listed=NOW - 8 * DAY).outcome == "skipped_before_since"
    assert stats["skipped_before_since"] == 1
    # The sitemap's lastmod is the article's date where both are given.
    assert front.article(OTHER, lastmod=NOW - DAY, listed=NOW - 8 * DAY).reason == "new"
    # Undated: fetched.
    assert front.article(URL + "-undated").reason == "new"


def test_since_does_not_hold_back_an_edited_archived_article():
    memory = Memory(known={URL: archived(NOW - 30 * DAY)})
    front, _ = frontier(known=memory, since=NOW - 7 * DAY)
    assert front.article(URL, lastmod=NOW - 20 * DAY).reason == "modified"


def test_max_pages_spends_the_budget_on_the_first_requests():
    front, stats = frontier(known=Memory(), max_articles=1)
    assert front.article(URL).reason == "new"
    assert front.budget_spent()
    spent = front.article(OTHER)
    assert (spent.outcome, spent.fetch) == ("budget_spent", False)
    assert stats == {"article_links": 2, "requested/new": 1}
    assert front.requested == {canonical_url(URL)}


def test_a_page_without_article_is_read_once_more_to_confirm():
    page = EmptyPage("no body", NOW - 3 * DAY, NOW - 3 * DAY, fetches=1)
    front, stats = frontier(known=Memory(empty={URL: page}), empty_retry_before=NOW - 7 * DAY)
    decision = front.article(URL)
    assert (decision.reason, decision.was_empty) == ("empty_confirm", True)
    assert stats["requested/empty_confirm"] == 1


def test_a_page_found_empty_twice_waits_for_the_retry_days():
    recent = EmptyPage("no body", NOW - 20 * DAY, NOW - 3 * DAY, fetches=2)
    old = EmptyPage("no body", NOW - 20 * DAY, NOW - 9 * DAY, fetches=2)
    memory = Memory(empty={URL: recent, OTHER: old})
    front, stats = frontier(known=memory, empty_retry_before=NOW - 7 * DAY)
    skipped = front.article(URL)
    assert (skipped.outcome, skipped.was_empty) == ("skipped_empty", True)
    assert stats["skipped_empty"] == 1
    assert front.article(OTHER).reason == "empty_retry"


def test_an_empty_page_is_fetched_when_its_lastmod_moved_or_inside_refresh_days():
    page = EmptyPage("no body", NOW - 2 * DAY, NOW - 2 * DAY, fetches=2)
    memory = Memory(empty={URL: page})
    front, _ = frontier(known=memory, empty_retry_before=NOW - 7 * DAY)
    assert front.article(URL, lastmod=NOW - 3 * DAY).outcome == "skipped_empty"
    assert front.article(URL, lastmod=NOW - DAY).reason == "modified"
    refreshing, _ = frontier(
        known=memory, empty_retry_before=NOW - 7 * DAY, refresh_after=NOW - 3 * DAY
    )
    assert refreshing.article(URL).reason == "refresh"


def test_an_empty_page_older_than_since_is_not_fetched():
    page = EmptyPage("no body", NOW - 20 * DAY, NOW - 20 * DAY, fetches=1)
    front, _ = frontier(known=Memory(empty={URL: page}), since=NOW - 7 * DAY)
    assert front.article(URL, listed=NOW - 10 * DAY).outcome == "skipped_before_since"


@pytest.mark.parametrize(
    ("status", "ignored", "retried"),
    [
        (503, True, True),  # an error status after the retries
        (429, True, True),
        (404, True, False),  # gone for good
        (0, True, False),  # refused by robots.txt
        (0, False, True),  # a timeout, a reset connection
    ],
)
def test_failed_pages_are_asked_again_only_when_failed_for_now(status, ignored, retried):
    assert failed_for_now(status, ignored=ignored) is retried


# -- listings ----------------------------------------------------------------------------


def test_a_listing_page_with_an_article_to_fetch_is_paged_on():
    front, _ = frontier(known=Memory())
    front.article(URL)
    step = front.listing_step({URL: None}, stale_pages=1, depth=3)
    assert step == ListingStep(None, 0, 4)


def test_paging_stops_after_the_overlap_of_archived_pages():
    memory = Memory(known={URL: archived(NOW - 10 * DAY)})
    front, _ = frontier(known=memory)
    front.article(URL)
    assert front.listing_step({URL: None}, stale_pages=0) == ListingStep(None, 1, 1)
    assert front.listing_step({URL: None}, stale_pages=1, depth=1) == ListingStep("stale", 2, 2)


def test_after_a_cut_walk_only_since_stops_the_paging():
    memory = Memory(known={URL: archived(NOW - 10 * DAY)})
    front, _ = frontier(known=memory, catch_up=True, since=NOW - 7 * DAY)
    assert front.listing_step({URL: None}, stale_pages=5).stop is None
    older = front.listing_step({URL: NOW - 8 * DAY}, stale_pages=0)
    assert (older.stop, older.stale) == ("stale", UNBOUNDED)


def test_a_listing_page_of_articles_older_than_since_ends_the_paging():
    front, _ = frontier(known=Memory(), since=NOW - 7 * DAY)
    listed = {URL: NOW - 8 * DAY, OTHER: None}
    for url, when in listed.items():
        front.article(url, listed=when)
    # OTHER (undated) is requested, but every dated article here is older than --since.
    assert front.listing_step(listed).stop == "stale"
    assert front.listing_step({OTHER: None}).stop is None


def test_paging_stops_when_the_budget_is_spent_or_too_deep():
    front, _ = frontier(known=Memory(), max_articles=1, max_listing_depth=5)
    assert front.listing_step({}, stale_pages=0, depth=5).stop == "depth"
    front.article(URL)
    assert front.listing_step({URL: None}, depth=0).stop == "budget_spent"


def test_listing_pages_of_a_run_are_bounded_all_start_pages_together():
    front, stats = frontier(max_listing_pages=3)
    home, section = "https://portal.example/", "https://portal.example/kategori/kota"
    assert front.listing(home) == "requested"
    assert front.listing(home + "#top") is None  # requested already: not counted again
    assert front.listing(section) == "requested"
    assert front.listing(section + "?page=2") == "requested"
    assert front.listing(section + "-20260228") == "budget"
    assert front.listing(section + "?page=3") == "budget"
    assert front.listing(home) is None
    assert stats == {"listing_pages": 3, "budget_reached/listing_pages": 1}


# -- sitemaps ----------------------------------------------------------------------------


def remembered(lastmod: datetime, read_at: datetime) -> dict[str, RememberedSitemap]:
    return {CHILD: RememberedSitemap(lastmod, read_at)}


def test_an_unknown_or_undated_child_sitemap_is_read():
    front, _ = frontier(remembered_sitemaps=remembered(NOW - 5 * DAY, NOW - 4 * DAY))
    assert front.child_sitemap(CHILD + "?other", NOW - DAY) == "unknown"
    assert front.child_sitemap(CHILD, None) == "unknown"


def test_a_child_sitemap_whose_lastmod_did_not_move_is_skipped():
    front, stats = frontier(remembered_sitemaps=remembered(NOW - 5 * DAY, NOW - 4 * DAY))
    assert front.child_sitemap(CHILD, NOW - 5 * DAY) is None
    assert stats == {"sitemaps_skipped": 1}
    assert front.child_sitemap(CHILD, NOW - 3 * DAY) == "moved"


def test_a_child_sitemap_read_inside_refresh_days_is_read_again():
    memory = remembered(NOW - 5 * DAY, NOW - 2 * DAY)
    front, _ = frontier(remembered_sitemaps=memory, refresh_after=NOW - 3 * DAY)
    assert front.child_sitemap(CHILD, NOW - 5 * DAY) == "refresh"
    before, _ = frontier(remembered_sitemaps=memory, refresh_after=NOW - DAY)
    assert before.child_sitemap(CHILD, NOW - 5 * DAY) is None


def test_a_remembered_child_sitemap_is_rechecked_when_due():
    read_at = NOW - 30 * DAY
    due = recheck_due_at(CHILD, read_at, 7.0)
    memory = remembered(NOW - 40 * DAY, read_at)
    before, _ = frontier(remembered_sitemaps=memory, clock=lambda: due - timedelta(seconds=1))
    assert before.child_sitemap(CHILD, NOW - 40 * DAY) is None
    at, _ = frontier(remembered_sitemaps=memory, clock=lambda: due)
    assert at.child_sitemap(CHILD, NOW - 40 * DAY) == "recheck"


def test_a_child_sitemap_older_than_since_is_not_read_nor_counted():
    front, stats = frontier(since=NOW - 7 * DAY)
    assert front.child_sitemap(CHILD, NOW - 8 * DAY) is None
    assert front.child_sitemap(CHILD, NOW - 6 * DAY) == "unknown"
    assert stats == {}


def read_child(front: Frontier, entries: dict[str, datetime], lastmod: datetime, **kwargs):
    """Read the child sitemap ``CHILD`` listing ``entries`` as the spider does."""
    read = front.open_sitemap((CHILD, lastmod), urlset=True, **kwargs)
    for url, when in entries.items():
        read.entries += 1
        read.saw(when)
        read.article(front.article(url, lastmod=when))
    front.sitemap_done(read)
    return read


def test_a_child_read_completely_is_remembered_once_its_articles_are_settled():
    front, _ = frontier(known=Memory(known={OTHER: archived(NOW - 9 * DAY)}))
    read_child(front, {URL: NOW - 2 * DAY, OTHER: NOW - 9 * DAY}, NOW - DAY)
    assert front.sitemaps_read == {CHILD: (NOW - DAY, {canonical_url(URL)})}
    assert front.sitemaps_to_remember(finished=True) == []  # URL not stored yet
    front.settle(canonical_url(URL))
    assert front.sitemaps_to_remember(finished=True) == [(CHILD, NOW - DAY)]
    assert front.sitemaps_to_remember(finished=False) == []


def test_a_child_with_articles_left_for_a_later_run_is_not_remembered():
    front, _ = frontier(known=Memory(), max_articles=1)
    read_child(front, {URL: NOW - 2 * DAY, OTHER: NOW - 2 * DAY}, NOW - DAY)
    assert front.sitemaps_read == {}
    since, _ = frontier(known=Memory(), since=NOW - 7 * DAY)
    read_child(since, {URL: NOW - 8 * DAY}, NOW - DAY)
    assert since.sitemaps_read == {}


def test_an_empty_child_or_an_index_is_not_remembered():
    front, _ = frontier(known=Memory())
    read_child(front, {}, NOW - DAY)
    index = front.open_sitemap((CHILD, NOW - DAY), urlset=False)
    index.entries = 3
    front.sitemap_done(index)
    assert front.sitemaps_read == {}


def test_a_child_listing_entries_later_than_its_lastmod_is_distrusted():
    front, stats = frontier(known=Memory())
    lastmod = NOW - 5 * DAY
    newest = lastmod + LASTMOD_SLACK + timedelta(minutes=1)
    read_child(front, {URL: newest}, lastmod)
    assert front.sitemaps_distrusted == {CHILD: (lastmod, newest)}
    assert front.sitemaps_read == {}
    assert stats["sitemaps_lastmod_behind"] == 1
    within, _ = frontier(known=Memory())
    read_child(within, {URL: lastmod + LASTMOD_SLACK}, lastmod)
    assert within.sitemaps_distrusted == {}
    assert CHILD in within.sitemaps_read


def test_a_recheck_counts_the_articles_its_unmoved_lastmod_hid():
    memory = Memory(known={OTHER: archived(NOW - 9 * DAY)})
    front, _ = frontier(known=memory)
    entries = {URL: NOW - 9 * DAY, OTHER: NOW - 9 * DAY}
    assert read_child(front, entries, NOW - 9 * DAY, recheck=True).found == 1
    plain, _ = frontier(known=memory)
    assert read_child(plain, entries, NOW - 9 * DAY).found == 0
