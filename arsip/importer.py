"""Importing articles written by other tools: a JSON-lines file, one article per line,
either with arsip's Article field names or in news-please's JSON output format (the
schema: ``arsip.import_schema``, docs/import.md).

Every line goes through the same stages as a crawled page where they apply (news-please
text through Indonesian cleaning; every date through ``crawler.extract.dates``) and
then through ``ArchiveWriter.store_many``, so dedup, clusters and history rules are the crawl's.
A line that cannot become an article is rejected with its reason; nothing else stops
the import. Lines are read into records, and their texts signed (``archive.dedup``), by
worker processes when ``jobs`` > 1 (``LineReader``); storing stays in this process, in
the file's order, so the archive is the same whatever ``jobs``.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archive import Archive
from archive.dedup import TextSignature, text_signature
from archive.text import repaired_note
from archive.times import JAKARTA, to_utc_iso
from archive.writer import Entry
from arsip.import_schema import ArticleLine, InvalidLine, NewsPleaseLine, validate_line
from arsip.workers import Workers, ahead
from crawler.extract.clean import clean_article
from crawler.extract.dates import parse_date
from crawler.extract.normalise import normalise_article
from crawler.items import Article
from crawler.portals import portal_for_url

BATCH = 500
"""Lines per transaction (``ArchiveWriter.store_many``); each article is still all-or-nothing."""
SNIFF_LINES = 20
"""A file none of whose first lines (that many, blank ones aside) is a JSON object is
not JSON lines at all, and is not imported (``NotJsonLines``)."""
_SNIFF_LINE_BYTES = 8 * 1024 * 1024


class Rejected(ValueError):
    """A line that cannot become an article; the message is the reason (counted), and
    ``detail`` says more about this line, when there is more to say."""

    def __init__(self, reason: str, detail: str | None = None):
        self.detail = detail
        super().__init__(reason)

    def __reduce__(self) -> tuple[type[Rejected], tuple[str, str | None]]:
        return Rejected, (str(self), self.detail)  # from a worker process, detail kept


class NotJsonLines(ValueError):
    """A file that is not JSON lines at all (a README, a JSON array, a compressed
    file): nothing of it is imported."""


@dataclass
class ImportResult:
    counts: Counter[str] = field(default_factory=Counter)
    """Per outcome: ``new``, ``updated``, ``unchanged``, ``duplicate``, ``rejected``."""
    reasons: Counter[str] = field(default_factory=Counter)
    """Rejection reason -> number of lines."""
    rejected_lines: list[tuple[int, str]] = field(default_factory=list)
    """(line number, reason) of the first rejected lines."""
    repaired: int = 0
    """Lines stored with characters that cannot be stored replaced (``archive.text``)."""

    def summary_line(self, name: str) -> str:
        c = self.counts
        line = (
            f"import {name}: {c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged,"
            f" {c['duplicate']} duplicate, {c['rejected']} rejected"
        )
        if self.reasons:
            line += " (" + ", ".join(f"{r}: {n}" for r, n in self.reasons.most_common()) + ")"
        return line + repaired_note(self.repaired)


def import_file(
    arch: Archive,
    source: str | Path,
    *,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> ImportResult:
    """Import a JSON-lines file into the archive. ``now`` (aware) is the instant dates
    are checked against (a publication date after it is rejected); ``progress`` is
    called with the number of bytes read since its last call; ``jobs``: processes that
    read lines into records (1: this one alone; the archive is the same whatever
    ``jobs``). Raises ``NotJsonLines`` (before anything is written) for a file that is
    not JSON lines at all."""
    check_json_lines(source)
    now = now or datetime.now(UTC)
    result = ImportResult()
    with (
        arch.writer() as archive,
        open(source, "rb") as lines,
        LineReader(jobs) as reader,
    ):
        numbered = enumerate(lines, start=1)
        batches = iter(lambda: list(itertools.islice(numbered, BATCH)), [])
        for size, read in reader.read(batches, now):
            entries = []
            for number, line in read:
                if isinstance(line, Rejected):
                    _count_rejected(number, line, result)
                elif line is not None:
                    record, signature = line
                    entries.append(Entry(record, signature=signature))
            # Another tool's reading of an archived text leaves arsip's fields alone.
            for outcome, _ in archive.store_many(entries, correct_fields=False):
                result.counts[str(outcome)] += 1
            if progress:
                progress(size)
        result.repaired = archive.repaired
    return result


ReadLine = tuple[int, "tuple[dict[str, Any], TextSignature | None] | Rejected | None"]
"""A line's number, and its record with the signature of its body (when signed), the
reason it is rejected, or None for a blank line."""


def read_lines(
    batch: list[tuple[int, bytes]], now: datetime, sign: bool
) -> tuple[int, list[ReadLine]]:
    """The pure part of an import (no archive): a batch of numbered lines read into
    records, signed (``archive.dedup.text_signature``) when ``sign`` (in a worker: the
    writer then need not), with the batch's size in bytes."""
    read: list[ReadLine] = []
    for number, raw in batch:
        if not raw.strip():
            read.append((number, None))
            continue
        try:
            record = record_from_line(raw, now=now)
        except Rejected as reason:
            read.append((number, reason))
            continue
        signature = text_signature(record.get("body")) if sign else None
        read.append((number, (record, signature)))
    return sum(len(raw) for _, raw in batch), read


class LineReader(Workers):
    """``read_lines`` of each batch, in order: in ``jobs`` worker processes, a few
    batches ahead of the one being stored (memory stays that of ``2 * jobs + 1``
    batches), or in this process (``jobs`` 1)."""

    def read(
        self, batches: Iterator[list[tuple[int, bytes]]], now: datetime
    ) -> Iterator[tuple[int, list[ReadLine]]]:
        if self.pool is None:
            for batch in batches:
                yield read_lines(batch, now, False)  # the writer signs the batch's texts
            return
        submitted = (self.pool.submit(read_lines, batch, now, True) for batch in batches)
        for read in ahead(submitted, 2 * self.jobs):
            yield read.result()


def _count_rejected(number: int, reason: Rejected, result: ImportResult) -> None:
    """A rejected line, counted with its reason (the first ones kept with their number)."""
    result.counts["rejected"] += 1
    result.reasons[str(reason)] += 1
    if len(result.rejected_lines) < 20:
        detail = f" ({reason.detail})" if reason.detail else ""
        result.rejected_lines.append((number, f"{reason}{detail}"))


def check_json_lines(source: str | Path) -> None:
    """Raise ``NotJsonLines`` when none of the first ``SNIFF_LINES`` non-blank lines of
    ``source`` is a JSON object (an empty file is empty JSON lines)."""
    seen = 0
    with open(source, "rb") as lines:
        while seen < SNIFF_LINES and (raw := lines.readline(_SNIFF_LINE_BYTES)):
            if not raw.strip():
                continue
            seen += 1
            try:
                if isinstance(json.loads(raw), dict):
                    return
            except (ValueError, UnicodeDecodeError, RecursionError):
                pass
    if seen:
        raise NotJsonLines(
            f"{source} is not JSON lines: none of its first {seen} lines is a JSON object"
            " (arsip import reads one JSON object per line, see docs/import.md)"
        )


def record_from_line(raw: bytes | str, *, now: datetime) -> dict[str, Any]:
    """One JSON line -> an Article record ready for ``ArchiveWriter.store``; raises
    ``Rejected`` with the reason when the line cannot be one."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[...
        raise Rejected("not JSON") from None
    if not isinstance(data, dict):
        raise Rejected("not a JSON object")
    url = data.get("url")
    if not isinstance(url, str) or not url.strip():
        raise Rejected("no url")
    url = url.strip()
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise Rejected("not an http(s) URL")
    try:
        line = validate_line({**data, "url": url})
    except InvalidLine as invalid:
        raise Rejected(invalid.reason, invalid.detail) from None
    if isinstance(line, NewsPleaseLine):
        article, date_text = _from_news_please(line)
    else:
        article, date_text = _from_article_fields(line)
    if not article.title:
        raise Rejected("no title")
    if not article.body:
        raise Rejected("no body")
    portal = portal_for_url(url)
    timezone = portal.timezone if portal else JAKARTA
    article.fetched_at = _instant(article.fetched_at, timezone, now) or to_utc_iso(now)
    if date_text:
        _check_not_future(date_text, timezone, now)
        source = line.published_source if isinstance(line, ArticleLine) else None
        article.date_hints = [(source or "meta", date_text)]
    given_raw = line.published_raw if isinstance(line, ArticleLine) else None
    article = normalise_article(article, timezone)
    if date_text and not article.published_at:
        raise Rejected("unreadable publication date")
    if given_raw:
        article.published_raw = given_raw
    return article.to_record()


def _from_news_please(line: NewsPleaseLine) -> tuple[Article, str | None]:
    url = line.url
    portal = portal_for_url(url)
    domain = line.source_domain or urlsplit(url).hostname or ""
    text = line.maintext or line.text or ""
    # news-please separates paragraphs with single newlines; arsip with blank lines.
    paragraphs = [p.strip() for p in re.split(r"\n+", text) if p.strip()]
    article = Article(
        url=url,
        portal=portal.name if portal else re.sub(r"^www\.", "", domain.lower()),
        title=_text(line.title) or _text(line.title_page),
        body="\n\n".join(paragraphs) or None,
        description=_text(line.description),
        authors=line.authors or [],
        image_url=_text(line.image_url),
        language=_text(line.language) or "id",
        modified_at=_text(line.date_modify),
        fetched_at=_text(line.date_download),
    )
    # The owning portal's own cleaning rules (``Portal.cleaning``), as a crawl applies them.
    article = clean_article(
        article, portal.site_name if portal else None, portal.cleaning if portal else None
    )
    return article, _text(line.date_publish)


def _from_article_fields(line: ArticleLine) -> tuple[Article, str | None]:
    # The publication fields are recomputed from the date text below (a given
    # "9999-99-99" must not be stored); the archive computes content_hash and word_count.
    values = line.model_dump(
        exclude={"published_at", "published_local", "published_raw", "published_source"},
        exclude_none=True,
    )
    portal = portal_for_url(line.url)
    values["portal"] = line.portal or (portal.name if portal else urlsplit(line.url).hostname)
    article = Article(**values)
    date_text = _text(line.published_local or line.published_at)
    return article, date_text or _text(line.published_raw)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _instant(text: str | None, timezone: str, now: datetime) -> str | None:
    if not text:
        return None
    parsed = parse_date(text, tz=timezone, now=now)
    return to_utc_iso(parsed.value) if parsed else None


def _check_not_future(text: str, timezone: str, now: datetime) -> None:
    """A date the parser reads only against a far-off "now" lies in the future."""
    if parse_date(text, tz=timezone, now=now):
        return
    later = parse_date(text, tz=timezone, now=now + timedelta(days=365 * 50))
    if later and later.value > now:
        raise Rejected("publication date in the future")
