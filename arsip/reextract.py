"""Re-running extraction over the raw pages the archive kept, without re-crawling.

Each URL's newest kept first page goes through ``crawler.extract.extract_article``
again and the result through ``ArchiveWriter.store_many``: an article whose text comes out the
same only keeps its ``last_seen_at``; a better (or different) reading bumps its
``revision`` and keeps the previous version; dedup and clusters follow, as for a crawl.

A multi-page article is read from all of its pages, joined as the crawl joins them
(``crawler.extract.paging.join_page``): page by page, as long as the page read last
links a next page (``next_page_url``, up to ``MAX_ARTICLE_PAGES``), the page kept at the
next place (``pages.page_number``) with that first page (``first_page_id``) follows. When
a page the article needs is not kept (an archive written before every page was kept,
or a page lost), the article is rejected and keeps its stored text: re-extracting it
from the pages that are there would store a truncated body as its new revision.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

from parsel import Selector

from archive import Archive
from archive.moved_pages import page_body_of
from archive.text import repaired_note
from archive.writer import ArchiveWriter, Entry
from arsip.page_article import Rejected, article_entry, read_fetched
from crawler.extract.paging import MAX_ARTICLE_PAGES, next_page_url
from crawler.portals import portal_for_url

BATCH = 200
"""First pages per transaction (``ArchiveWriter.store_many``); each article is still
all-or-nothing."""

REJECTED = "rejected: "
"""Prefix of the counts of rejections by reason (``rejected: a page is not kept``)."""


def reextract(
    arch: Archive,
    *,
    portal: str | None = None,
    progress: Callable[[int], None] | None = None,
    rejected: Callable[[str, str], None] | None = None,
) -> Counter[str]:
    """Re-extract the newest first page of every kept URL (of one portal, when named),
    with its further pages for a multi-page article. Returns counts per outcome
    (``new``, ``updated``, ``unchanged``, ``duplicate``) plus ``rejected`` and, per
    reason, ``rejected: <reason>`` (no title or no body could be read, a page refused as
    binary, a page of a multi-page article not kept), and ``pages``: the first pages
    read (a multi-page article counts once). ``progress`` is called with the number of
    first pages done since its last call; ``rejected`` with the URL and the message of
    each rejected one. ``repaired`` counts the articles stored with characters that
    cannot be stored replaced (``archive.text``)."""
    counts: Counter[str] = Counter()
    with arch.writer() as archive:
        db = archive.db
        # Each URL's newest fetch: by fetched_at, not by row id, since a page whose bytes
        # change back (A, B, A) keeps A's older row and only moves its fetched_at.
        latest = db.execute(
            "SELECT id, url FROM (SELECT id, url, row_number() OVER (PARTITION BY url"
            " ORDER BY fetched_at DESC, id DESC) AS newest FROM pages WHERE page_number = 1)"
            " WHERE newest = 1 ORDER BY id"
        ).fetchall()
        ids = [page_id for page_id, url in latest if portal is None or _portal_name(url) == portal]
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            entries: list[Entry] = []
            read: list[list[int]] = []  # the page ids each entry was read from
            for page_id in batch:
                counts["pages"] += 1
                try:
                    entry, page_ids = _read_article(archive, page_id)
                except Rejected as error:
                    counts["rejected"] += 1
                    counts[REJECTED + error.reason] += 1
                    if rejected:
                        rejected(_url(archive, page_id), str(error))
                    continue
                entries.append(entry)
                read.append(page_ids)
            stored = archive.store_many(entries)
            for page_ids, (outcome, article_id) in zip(read, stored, strict=True):
                counts[str(outcome)] += 1
                db.conn.executemany(  # in the batch's transaction, with its article
                    "UPDATE pages SET article_id = ? WHERE id = ? AND article_id IS NULL",
                    [(article_id, i) for i in page_ids],
                )
            if progress:
                progress(len(batch))
        if archive.repaired:
            counts["repaired"] = archive.repaired
    return counts


def first_pages(arch: Archive) -> int:
    """How many first pages ``reextract`` reads (without a portal named)."""
    return int(
        arch.db.execute("SELECT count(DISTINCT url) FROM pages WHERE page_number = 1").fetchone()[0]
    )


def _portal_name(url: str) -> str | None:
    found = portal_for_url(url)
    return found.name if found else None


def _url(archive: ArchiveWriter, page_id: int) -> str:
    return archive.db.execute("SELECT url FROM pages WHERE id = ?", [page_id]).fetchone()[0]


def _read(
    archive: ArchiveWriter, page_id: int, url: str, body: bytes, headers: str | None,
    page_number: int,
) -> Selector:  # fmt: skip
    # Read the bytes as the crawl did: a mislabelled charset is repaired the same way,
    # so a re-extraction never turns a good text into mojibake. A page moved to a WARC
    # file (arsip pages move) is read from its record.
    raw = page_body_of(archive.db, page_id, body)
    return read_fetched(url, raw, json.loads(headers or "{}"), page_number)


def _read_article(archive: ArchiveWriter, page_id: int) -> tuple[Entry, list[int]]:
    """The article read again from a kept first page and its further pages, and the
    ids of the pages it was read from; raises ``Rejected``."""
    db = archive.db
    url, fetched_at, body, headers = db.execute(
        "SELECT url, fetched_at, body, headers FROM pages WHERE id = ?", [page_id]
    ).fetchone()
    first = _read(archive, page_id, url, body, headers, 1)
    # The pages kept with this first page, the newest fetch of each place.
    kept: dict[int, tuple[int, str, str, bytes, str | None]] = {}
    for row in db.execute(
        "SELECT page_number, id, url, fetched_at, body, headers FROM pages"
        " WHERE first_page_id = ? ORDER BY page_number, fetched_at DESC, id DESC",
        [page_id],
    ):
        kept.setdefault(row[0], row[1:])
    # Follow the pages as the crawl did: a page comes next only if the one before links
    # a next page; one linked but not kept leaves the stored article as it is.
    following: list[tuple[Selector, str, str]] = []
    page_ids = [page_id]
    last, last_url = first, url
    while len(page_ids) < MAX_ARTICLE_PAGES and (wanted := next_page_url(last, last_url)):
        number = len(page_ids) + 1
        if number not in kept:
            raise Rejected(
                "a page is not kept",
                f"page {number} ({wanted}) is not kept; the article keeps its stored text",
            )
        more_id, more_url, more_fetched_at, more_body, more_headers = kept[number]
        last = _read(archive, more_id, more_url, more_body, more_headers, number)
        last_url = more_url
        following.append((last, more_url, more_fetched_at))
        page_ids.append(more_id)
    return article_entry(archive, first, url, fetched_at, following=following), page_ids


def summary_line(counts: Counter[str]) -> str:
    """``reextract: 26 pages: 0 new, 2 updated, 24 unchanged, 0 duplicate, 0 rejected``,
    then the rejections by reason, if any: ``1 rejected (a page is not kept: 1)``."""
    line = (
        f"reextract: {counts['pages']} pages: {counts['new']} new, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['duplicate']} duplicate, "
        f"{counts['rejected']} rejected"
    )
    reasons = Counter(
        {k.removeprefix(REJECTED): n for k, n in counts.items() if k.startswith(REJECTED)}
    )
    if reasons:
        line += " (" + ", ".join(f"{r}: {n}" for r, n in reasons.most_common()) + ")"
    return line + repaired_note(counts["repaired"])
