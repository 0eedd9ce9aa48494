"""Backfill from web archives: the ``response`` records of WARC files (ISO 28500) read
as fetches of a crawl (``arsip import --warc``).

Each file is streamed with warcio (gzip, one member per record, or plain; chunked and
compressed payloads decoded). A record is kept when its URL is an article URL of a
declared portal, by the classification ``arsip explain`` shows (``--portal NAME``: of
that portal only; ``--portal auto``: also pages of hosts no portal declares, read as a
page of an undeclared portal); everything else is skipped and counted by reason. A kept
page is read exactly as ``arsip reextract`` reads a kept page (``arsip.page_article``:
the crawl's charset decision, extraction, cleaning, normalisation, canonical rule), with
the record's ``WARC-Date`` as its fetch time, and stored with its raw page through
``ArchiveWriter.store_many``: URL, content-hash and near-duplicate dedup, revisions and
clusters are the crawl's. A ``revisit`` record is the page of the earlier response with
the same payload digest (``warc_payloads``), fetched again at its own date; a revisit
whose payload was never imported is skipped.

Records are stored in batches of ``BATCH``, one transaction each, which also records the
file's offset after the batch (``warc_imports``): a killed import goes on from the
first record not stored, and a file read to its end is not read again.

The first page of each article is read into an article record by ``jobs`` worker
processes (``arsip.extract_pool``) as the file is read, up to ``IN_FLIGHT`` records
ahead per worker beyond the first; everything that depends on the order of the records
(revisits, multi-page articles, dedup, storage, offsets, the reports of corrupt records)
is done here, in the file's order, as with one process: the archive is the same
whatever ``jobs``. Memory stays flat: the records read ahead with their payloads (each
at most ``DOWNLOAD_MAXSIZE``, as a crawl), one batch of entries.

A truncated or corrupt record is counted and reported; the import goes on at the next
record boundary found after it (the next gzip member, or the next ``WARC/`` header).
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from archive import Archive
from archive.moved_pages import page_body_of
from archive.text import repaired_note
from archive.times import parse_utc, to_utc_iso, utc_now
from archive.writer import ArchiveWriter, Entry
from arsip.extract_pool import MULTI, REJECTED, Extractor, Outcome, first_page
from arsip.page_article import Rejected, article_entry, read_fetched, record_entry
from arsip.workers import ahead
from crawler.extract.paging import MAX_ARTICLE_PAGES, is_further_page, next_page_url
from crawler.non_html import not_html
from crawler.portals import Portal, all_portals, explain_url
from crawler.settings import DOWNLOAD_MAXSIZE

BATCH = 200
"""Kept records per transaction; the file's offset is recorded with each batch."""
AUTO = "auto"
"""``--portal auto``: any portal by URL, declared or not."""
KEY_BYTES = 64 * 1024
"""A file is known by its name and the SHA-256 of its first bytes (its first records)."""
_DROPPED_HEADERS = {"transfer-encoding", "content-encoding", "content-length"}
"""Headers that describe the bytes on the wire: the kept body is decoded."""
_GZIP = b"\x1f\x8b\x08"
_WARC = b"WARC/1."
_SCAN = 1024 * 1024
_PROBE = 64 * 1024
"""Bytes read at a candidate boundary to inflate its first line."""

SKIPPED = "skipped: "
"""Prefix of the counts of skipped records by reason."""


class NotWarc(ValueError):
    """A file that is not a WARC file at all: nothing of it is imported."""


@dataclass
class WarcResult:
    counts: Counter[str] = field(default_factory=Counter)
    """``records`` (response and revisit records read), the store outcomes (``new``,
    ``updated``, ``unchanged``, ``duplicate``), ``skipped`` and per reason
    ``skipped: <reason>``, ``corrupt``."""
    errors: list[str] = field(default_factory=list)
    """The corrupt records, one message each (the first ones)."""
    resumed_at: int = 0
    """Records of the file imported by an earlier, interrupted run."""
    done_before: bool = False
    """The file had been read to its end by an earlier run: nothing was read."""
    repaired: int = 0
    _last_corrupt: int | None = None
    tail_corrupt: int | None = None
    """Where the corrupt record the file ends in starts (None: it ends whole)."""

    def corrupt(self, offset: int, message: str, error: Callable[[str], None] | None) -> None:
        """Count and report the corrupt record at ``offset`` (once: reading its payload
        and skipping past it may both fail)."""
        self.tail_corrupt = offset
        if offset == self._last_corrupt:
            return
        self._last_corrupt = offset
        self.counts["corrupt"] += 1
        if len(self.errors) < 20:
            self.errors.append(message)
        if error:
            error(message)

    def summary_line(self, name: str) -> str:
        c = self.counts
        if self.done_before:
            return f"import {name}: imported already, nothing to do"
        line = (
            f"import {name}: {c['records']} records: {c['new']} new, {c['updated']} updated,"
            f" {c['unchanged']} unchanged, {c['duplicate']} duplicate, {c['skipped']} skipped"
        )
        reasons = Counter(
            {k.removeprefix(SKIPPED): n for k, n in c.items() if k.startswith(SKIPPED)}
        )
        if reasons:
            line += " (" + ", ".join(f"{r}: {n}" for r, n in reasons.most_common()) + ")"
        if c["corrupt"]:
            line += f", {c['corrupt']} corrupt"
        if self.resumed_at:
            line += f"; resumed after {self.resumed_at} records"
        return line + repaired_note(self.repaired)


class Skip(Exception):
    """A record that is not imported; the message is the reason (counted)."""


def check_warc(source: str | Path) -> None:
    """Raise ``NotWarc`` when ``source`` starts neither as gzip nor as a WARC record."""
    with open(source, "rb") as f:
        head = f.read(8)
    if head and not (head.startswith(_GZIP) or head.startswith(_WARC)):
        raise NotWarc(
            f"{source} is not a WARC file: it starts neither with a gzip member nor with"
            " a WARC/1.x record header"
        )


def file_key(source: str | Path) -> str:
    with open(source, "rb") as f:
        digest = hashlib.sha256(f.read(KEY_BYTES)).hexdigest()
    return f"{Path(source).name}:{digest}"


def import_warc(
    arch: Archive,
    source: str | Path,
    *,
    portal: str | None = None,
    progress: Callable[[int], None] | None = None,
    error: Callable[[str], None] | None = None,
    jobs: int = 1,
) -> WarcResult:
    """Import the response records of one WARC file (see the module docstring).
    ``portal``: a declared portal's name (only its pages), ``auto`` (any portal by URL),
    or None (the declared portals). ``progress`` is called with the number of bytes of
    the file read since its last call; ``error`` with each corrupt record's message.
    ``jobs``: processes that read pages into articles (1: this one alone); the archive
    is the same whatever their number."""
    with Extractor(jobs) as extractor:
        return _import(arch, source, portal, progress, error, extractor)


def _import(
    arch: Archive,
    source: str | Path,
    portal: str | None,
    progress: Callable[[int], None] | None,
    error: Callable[[str], None] | None,
    extractor: Extractor,
) -> WarcResult:
    chooser = _Chooser(portal)
    result = WarcResult()
    key = file_key(source)
    size = os.path.getsize(source)
    with arch.writer() as writer:
        db = writer.db
        row = db.execute(
            "SELECT offset, records, finished_at FROM warc_imports WHERE file_key = ?", [key]
        ).fetchone()
        offset, records = (row[0], row[1]) if row else (0, 0)
        if row and row[2] is not None and offset >= size:
            result.done_before = True
            if progress:
                progress(size)
            return result
        if row is None:
            now = utc_now()
            with db.atomic():
                db.execute(
                    "INSERT INTO warc_imports (file_key, path, started_at, updated_at)"
                    " VALUES (?, ?, ?, ?)",
                    [key, str(source), now, now],
                )
        result.resumed_at = records
        if progress and offset:
            progress(offset)
        batch = _Batch(writer, key, result)
        reader = _Reader(chooser, batch, source)
        reported = offset
        with open(source, "rb") as stream:
            end = size
            read = _captured(_records(stream, offset, size), chooser, extractor)
            for place, record in ahead(read, IN_FLIGHT * extractor.jobs - IN_FLIGHT):
                if progress and place > reported:
                    progress(place - reported)
                    reported = place
                if isinstance(record, _Corrupt):
                    result.corrupt(place, f"{stream.name}: {record.message}", error)
                    continue
                if record is None:  # the end of the file
                    end = place if result.tail_corrupt is None else result.tail_corrupt
                    continue
                result.tail_corrupt = None
                if record.rec_type not in ("response", "revisit"):
                    continue
                if len(batch) >= BATCH:
                    batch.commit(reader.earliest(place))
                result.counts["records"] += 1
                batch.records += 1
                try:
                    if (page := reader.read(record, place)) is not None:
                        batch.add(page)
                except Skip as reason:
                    result.counts["skipped"] += 1
                    result.counts[SKIPPED + str(reason)] += 1
                except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as bad:
                    result.corrupt(place, f"{source}: record at offset {place}: {_why(bad)}", error)
            # A file that ends in a truncated record is read again from that record
            # (if it grew since, its rest is imported; if not, it is reported again).
            for page in reader.left():
                batch.add(page)
            batch.commit(end, finished=True)
        if progress and size > reported:
            progress(size - reported)
        result.repaired = writer.repaired
    return result


@dataclass
class _Page:
    """A record to store: its entry, or only its raw page (no article read from it)."""

    entry: Entry | None
    page: dict[str, Any]
    digest: str | None
    outcome: str | None = None


class _Batch:
    """The records read since the last commit."""

    def __init__(self, writer: ArchiveWriter, key: str, result: WarcResult):
        self.writer = writer
        self.key = key
        self.result = result
        self.pages: list[_Page] = []
        self.records = 0  # response and revisit records read since the last commit
        self.payloads: dict[str, tuple[bytes, dict[str, str]]] = {}  # digest -> page
        self._counted: Counter[str] = Counter()  # the counts already in warc_imports

    def __len__(self) -> int:
        return len(self.pages)

    def add(self, page: _Page) -> None:
        self.pages.append(page)
        if page.digest:
            self.payloads[page.digest] = (page.page["body"], page.page["headers"])
        if page.outcome:  # not stored as an article: counted now
            self.result.counts["skipped"] += 1
            self.result.counts[SKIPPED + page.outcome] += 1

    def commit(self, offset: int, finished: bool = False) -> None:
        """Store the batch, and the file's offset after it, in one transaction."""
        db = self.writer.db
        entries = [p.entry for p in self.pages if p.entry is not None]
        with self.writer.transaction():
            for outcome, _ in self.writer.store_many(entries):
                self.result.counts[str(outcome)] += 1
            for page in self.pages:
                if page.entry is None:  # kept for a better extractor, as a crawl keeps it
                    self.writer.store_page(page.page)
            db.conn.executemany(
                "INSERT OR IGNORE INTO warc_payloads (digest, url, body_sha256) VALUES (?, ?, ?)",
                [
                    (p.digest, p.page["url"], hashlib.sha256(p.page["body"]).hexdigest())
                    for p in self.pages
                    if p.digest
                ],
            )
            row = db.execute(
                "SELECT records, counts FROM warc_imports WHERE file_key = ?", [self.key]
            ).fetchone()
            counts = Counter(json.loads(row[1]))
            counts.update(self.result.counts - self._counted)
            db.execute(
                "UPDATE warc_imports SET offset = ?, records = ?, counts = ?, updated_at = ?,"
                " finished_at = CASE WHEN ? THEN ? ELSE finished_at END WHERE file_key = ?",
                [offset, row[0] + self.records, json.dumps(counts, sort_keys=True), utc_now(),
                 finished, utc_now(), self.key],
            )  # fmt: skip
        self._counted = Counter(self.result.counts)
        self.pages = []
        self.payloads = {}
        self.records = 0

    def payload(self, digest: str) -> tuple[bytes, dict[str, str]] | None:
        """The body and headers of an imported response with this payload digest."""
        if digest in self.payloads:
            return self.payloads[digest]
        found = self.writer.db.execute(
            "SELECT p.id, p.body, p.headers FROM warc_payloads w JOIN pages p"
            " ON p.url = w.url AND p.body_sha256 = w.body_sha256"
            " WHERE w.digest = ? ORDER BY p.id DESC LIMIT 1",
            [digest],
        ).fetchone()
        if found is None:
            return None
        return page_body_of(self.writer.db, found[0], found[1]), json.loads(found[2] or "{}")


@dataclass
class _Corrupt:
    """A record that cannot be read (reported in the order of the file)."""

    message: str


def _records(
    stream: BinaryIO, offset: int, size: int
) -> Iterator[tuple[int, ArcWarcRecord | _Corrupt | None]]:
    """(offset, record) of each record from ``offset`` on; then (offset, None) with
    where a next run is to start: the end of the file, or the start of the truncated
    record it ends in. A corrupt record is given as (offset, ``_Corrupt``) and skipped:
    the records go on at the next record boundary after it."""
    stretch = False  # within a corrupt stretch: nothing read since the last error
    while True:
        stream.seek(offset)
        records = ArchiveIterator(stream, check_digests=False)
        try:
            for record in records:
                stretch = False
                # (not get_record_offset(): it reads the record to its end)
                yield records.offset, record
            yield size, None
            return
        except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as bad:
            offset = records.offset  # where the record that cannot be read starts
            if not stretch:
                yield offset, _Corrupt(f"record at offset {offset}: {_why(bad)}")
            stretch = True
            found = _next_boundary(stream, offset + 1)
            while found is not None and not _starts_record(stream, found):
                found = _next_boundary(stream, found + 1)
            if found is None:
                yield size, None
                return
            offset = found


def _why(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return text if text else f"{type(error).__name__} (truncated)"


def _starts_record(stream: BinaryIO, position: int) -> bool:
    """Whether a record starts at ``position``, a boundary ``_next_boundary`` found: in
    a gzipped file, a gzip member there must inflate to a ``WARC/1.`` line. Bytes that
    only look like a member's magic (in garbage, or inside compressed data) are not
    handed to warcio, which reads a member it cannot inflate as uncompressed text and
    may then take the records after it for part of a bogus one."""
    stream.seek(0)
    if stream.read(3) != _GZIP:
        return True  # plain WARC: the boundary is a "WARC/1." line already
    stream.seek(position)
    try:
        text = zlib.decompressobj(wbits=31).decompress(stream.read(_PROBE), len(_WARC))
    except zlib.error:
        return False
    return text == _WARC


def _next_boundary(stream: BinaryIO, start: int) -> int | None:
    """The offset of the next record's start after ``start``: a gzip member's magic
    bytes, or a ``WARC/1.`` header at a line start; None at the end of the file."""
    stream.seek(0)
    gzipped = stream.read(3) == _GZIP
    marker = _GZIP if gzipped else b"\n" + _WARC
    position = start
    while True:
        stream.seek(position)
        chunk = stream.read(_SCAN + len(marker))
        if len(chunk) < len(marker):
            return None
        found = chunk.find(marker)
        if found >= 0:
            return position + found + (0 if gzipped else 1)
        position += _SCAN


class _Chooser:
    """Which records' URLs are read as articles, and of which portal."""

    def __init__(self, name: str | None):
        self.auto = name == AUTO
        self.only: dict[str, Portal] | None = None
        if name and not self.auto:
            self.only = {name: all_portals()[name]}

    def portal(self, url: str) -> tuple[Portal | None, str]:
        """The portal to read ``url`` as (None: an undeclared one), and the portal name
        to store it under; raises ``Skip``."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Skip("not an http(s) URL")
        found = explain_url(url, self.only)
        if found.portal is None:
            if self.only is not None:
                owner = explain_url(url)
                raise Skip("another portal" if owner.portal else "no declared portal")
            if not self.auto:
                raise Skip("no declared portal")
            if (parts.path or "/") == "/" or _looks_like_no_article(parts.path):
                raise Skip("not an article URL")
            return None, parts.hostname.lower().removeprefix("www.")
        if found.kind != "article":
            raise Skip("not an article URL")
        return all_portals()[found.portal], found.portal


def _looks_like_no_article(path: str) -> bool:
    lower = path.lower()
    return any(
        mark in lower
        for mark in ("sitemap", "/feed", ".xml", ".rss", "/tag/", "/category/", "/page/")
    ) or lower.endswith((".jpg", ".jpeg", ".png", ".gif", ".webp", ".css", ".js", ".pdf"))


@dataclass
class _Awaited:
    """A multi-page article whose next page is still to come in the file."""

    offset: int
    """Where its first page's record starts: no commit goes past it."""
    url: str
    fetched_at: str
    portal: Portal | None
    name: str
    page: dict[str, Any]
    digest: str | None
    first: Selector
    following: list[tuple[Selector, str, str]] = field(default_factory=list)
    following_pages: list[dict[str, Any]] = field(default_factory=list)
    last: Selector | None = None

    def unread(self, reason: str) -> _Page:
        """Its first page kept without an article, counted under ``reason``."""
        return _Page(None, self.page, self.digest, outcome=reason)


AWAITED_AT_MOST = 500
"""Multi-page articles waiting for their next page at once; the oldest goes beyond."""
PAGE_MISSING = "multi-page article without its next page"


class _Reader:
    """Reads the records of one file into pages to store; holds the multi-page articles
    whose next pages are to come (a crawler writes page 2 after page 1)."""

    def __init__(self, chooser: _Chooser, batch: _Batch, source: str | Path):
        self.chooser = chooser
        self.batch = batch
        self.source = source
        self.awaited: dict[str, _Awaited] = {}  # the next page's URL -> its article

    def earliest(self, offset: int) -> int:
        """Where a next run must start for nothing awaited to be lost."""
        return min([offset, *(a.offset for a in self.awaited.values())])

    def read(self, record: _Captured, offset: int) -> _Page | None:
        """The page a response or revisit record holds, read as an article when it is
        one (None: a page of a multi-page article that is not complete yet); raises
        ``Skip``."""
        url = record.url
        awaited = self.awaited.pop(url.split("#")[0], None)
        if awaited is not None:
            if not record.read:  # not taken for a first page when it was read: again
                record = _reread(self.source, offset)
            return self._next_page(awaited, record, url)
        portal, name = record.portal(self.chooser)
        if is_further_page(url):
            raise Skip("a further page of an article")
        fetched_at, page, digest = self._page(record, url)
        try:
            outcome = record.outcome() if record.outcome else None
            if outcome is None:  # a revisit: read here
                outcome = first_page(url, page["body"], page["headers"], fetched_at,
                                     portal.name if portal else None)  # fmt: skip
            if outcome[0] == REJECTED:
                raise Rejected(outcome[1], outcome[2])
            if outcome[0] == MULTI:
                first = read_fetched(url, page["body"], page["headers"])
                article = _Awaited(offset, url, fetched_at, portal, name, page, digest, first)
                article.last = first
                return self._await(article, url)
            entry = record_entry(
                self.batch.writer, outcome[1], url, fetched_at, page=page, signature=outcome[2]
            )
            return self._named(entry, portal, name, page, digest)
        except Rejected as rejected:
            return _Page(None, page, digest, outcome=rejected.reason)

    def left(self) -> list[_Page]:
        """The multi-page articles still waiting at the end of the file."""
        pages = [a.unread(PAGE_MISSING) for a in self.awaited.values()]
        self.awaited = {}
        return pages

    def _await(self, article: _Awaited, url: str) -> _Page | None:
        assert article.last is not None
        wanted = next_page_url(article.last, url)
        if not wanted or len(article.following) + 1 >= MAX_ARTICLE_PAGES:
            return self._entry(article)
        self.awaited[wanted.split("#")[0]] = article
        if len(self.awaited) > AWAITED_AT_MOST:
            oldest = next(iter(self.awaited))
            self.batch.add(self.awaited.pop(oldest).unread(PAGE_MISSING))
        return None

    def _next_page(self, article: _Awaited, record: _Captured, url: str) -> _Page | None:
        number = len(article.following) + 2
        try:
            fetched_at, page, _ = self._page(record, url)
            article.last = read_fetched(url, page["body"], page["headers"], number)
        except (Skip, Rejected):
            return article.unread("multi-page article with a page not read")
        article.following.append((article.last, url, fetched_at))
        article.following_pages.append(page)
        try:
            return self._await(article, url)
        except Rejected as rejected:
            return article.unread(rejected.reason)

    def _entry(self, article: _Awaited) -> _Page:
        """The article read from its pages; raises ``Rejected``."""
        entry = article_entry(
            self.batch.writer, article.first, article.url, article.fetched_at,
            following=article.following, portal=article.portal, page=article.page,
            following_pages=article.following_pages,
        )  # fmt: skip
        return self._named(entry, article.portal, article.name, article.page, article.digest)

    @staticmethod
    def _named(
        entry: Entry, portal: Portal | None, name: str, page: dict[str, Any], digest: str | None
    ) -> _Page:
        if portal is None:  # an undeclared portal: stored under its host name
            entry = replace(entry, record={**entry.record, "portal": name})
        return _Page(entry, page, digest)

    def _page(self, record: _Captured, url: str) -> tuple[str, dict[str, Any], str | None]:
        """The record's fetch time, its page as a crawl keeps it, and its payload digest
        (None for a revisit: its payload is known); raises ``Skip``."""
        fetched_at = record.fetched_at()
        status, headers, digest = record.status, record.headers, record.digest
        if record.rec_type == "revisit":
            if not digest or (earlier := self.batch.payload(digest)) is None:
                raise Skip("revisit of a payload not imported")
            body, earlier_headers = earlier
            headers = headers or earlier_headers
            status = 200 if status in (0, 304) else status
            digest = None
        elif status == 200:
            body = record.body()
        if status != 200:
            raise Skip(f"HTTP {status}" if status else "no HTTP response")
        kind = record.kind if record.kind is not None else _not_html(url, headers, body)
        if kind:
            raise Skip(f"not HTML ({kind})")
        page = {"url": url, "status": status, "headers": headers, "body": body,
                "fetched_at": fetched_at}  # fmt: skip
        return fetched_at, page, digest


IN_FLIGHT = 8
"""Records read ahead per extraction process (beyond the first): bounded, so memory
stays flat."""


class _Captured:
    """What the import needs of a record, read when the file is read (warcio's records
    are streams, gone once the next record is read). A response record whose URL is a
    first page of an article has its body read (as ``_Reader._page`` reads it; an error
    is kept and raised when the record's turn comes) and is handed to the extraction
    processes at once: ``outcome`` gives their answer."""

    def __init__(self, record: ArcWarcRecord):
        self.rec_type = record.rec_type
        self.url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
        self._fetched_at: str | Skip
        try:  # once: a record without a date is fetched when it is read
            self._fetched_at = _warc_date(record.rec_headers.get_header("WARC-Date"))
        except Skip as unreadable:
            self._fetched_at = unreadable
        self._http = record.http_headers
        self.digest = record.rec_headers.get_header("WARC-Payload-Digest")
        self.read = False  # the body read (when it is to be)
        self._body = b""
        self._error: BaseException | None = None
        self.kind: str | None = None  # not HTML: what it is ("" HTML; None not known)
        self.outcome: Callable[[], Outcome] | None = None
        self._portal: tuple[Portal | None, str] | Skip | None = None

    def portal(self, chooser: _Chooser) -> tuple[Portal | None, str]:
        """``chooser.portal`` of its URL (asked once)."""
        if self._portal is None:
            try:
                self._portal = chooser.portal(self.url)
            except Skip as skip:
                self._portal = skip
        if isinstance(self._portal, Skip):
            raise self._portal
        return self._portal

    @property
    def status(self) -> int:
        """Raises ``ValueError`` for a status line without a number."""
        return int(self._http.get_statuscode() or 0) if self._http else 0

    @property
    def headers(self) -> dict[str, str]:
        return _kept_headers(self._http.headers if self._http else [])

    def fetched_at(self) -> str:
        if isinstance(self._fetched_at, Skip):
            raise self._fetched_at
        return self._fetched_at

    def read_body(self, record: ArcWarcRecord) -> None:
        """Read the payload as ``_Reader._page`` needs it (once its date is readable)."""
        self.read = True
        try:
            self.fetched_at()
        except Skip:
            return
        try:
            if self.rec_type != "response" or self.status != 200:
                return
            self._body = record.content_stream().read(DOWNLOAD_MAXSIZE + 1)
            if len(self._body) > DOWNLOAD_MAXSIZE:
                self._error = Skip("larger than DOWNLOAD_MAXSIZE")
                self._body = b""
                return
            _check_whole(record)
        except Exception as bad:  # raised in the record's turn, as if read then
            self._error = bad

    def body(self) -> bytes:
        if self._error is not None:
            raise self._error
        return self._body


def _captured(
    records: Iterator[tuple[int, ArcWarcRecord | _Corrupt | None]],
    chooser: _Chooser,
    extractor: Extractor,
) -> Iterator[tuple[int, _Captured | _Corrupt | None]]:
    """The records as ``_Captured``: the first pages of articles read and sent to the
    extraction processes as the file is read."""
    for place, record in records:
        if not isinstance(record, ArcWarcRecord):
            yield place, record
            continue
        captured = _Captured(record)
        if captured.rec_type in ("response", "revisit"):
            try:
                portal, _ = captured.portal(chooser)
                first = not is_further_page(captured.url)
            except Skip:
                first = False
            if first:
                captured.read_body(record)
                if captured.rec_type == "response" and captured._error is None:
                    _speculate(captured, portal, extractor)
        yield place, captured


def _speculate(captured: _Captured, portal: Portal | None, extractor: Extractor) -> None:
    try:
        fetched_at = captured.fetched_at()
    except Skip:
        return
    if captured.status != 200:
        return
    headers = captured.headers
    captured.kind = _not_html(captured.url, headers, captured._body) or ""
    if captured.kind:
        return
    captured.outcome = extractor.submit(
        captured.url, captured._body, headers, fetched_at,
        portal.name if portal else None,
    )  # fmt: skip


def _reread(source: str | Path, offset: int) -> _Captured:
    """The record at ``offset`` read again, its body with it."""
    with open(source, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream, check_digests=False)))
        captured = _Captured(record)
        captured.read_body(record)
        return captured


def _check_whole(record: ArcWarcRecord) -> None:
    """Raise ``EOFError`` when the record's block ends before its ``Content-Length``:
    a page cut off there must not become an article with half a text."""
    raw = record.raw_stream
    while raw.read(64 * 1024):
        pass
    missing = getattr(raw, "limit", 0)
    if missing:
        raise EOFError(f"truncated: {missing} bytes of the record are missing")


def _warc_date(text: str | None) -> str:
    try:
        return to_utc_iso(parse_utc(text)) if text else utc_now()
    except ValueError:
        raise Skip("unreadable WARC-Date") from None


def _kept_headers(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The response's headers as a crawl keeps them (repeated ones joined), less those
    of the transfer: the kept body is the decoded payload."""
    headers: dict[str, str] = {}
    for name, value in pairs:
        if name.lower() in _DROPPED_HEADERS:
            continue
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _not_html(url: str, headers: Mapping[str, str], body: bytes) -> str | None:
    """The crawl's test (``crawler.non_html``) on the response Scrapy would have made."""
    scrapy_headers = Headers(headers)
    cls = responsetypes.from_args(headers=scrapy_headers, url=url, body=body[:5000])
    return not_html(cls(url=url, headers=scrapy_headers, body=body))
