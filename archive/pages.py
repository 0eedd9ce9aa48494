"""Raw pages kept in the archive (the ``pages`` table): each fetched page's bytes as
received, compressed, so that ``arsip reextract`` can read them again and the WARC
export can write them out.

A body is kept as raw DEFLATE (``deflate_body``): the compressed blocks, a sync flush
that ends them on a byte boundary, then an empty final block (two bytes). Cut those two
bytes and the rest continues any DEFLATE stream, so the WARC export puts it between
its record's compressed headers and end, in the record's gzip member, as it is; the
CRC-32 the gzip trailer needs and the SHA-1 of the payload digest are kept beside it
(``body_crc32``, ``body_sha1``). Pages kept by arsip before schema 16 are zlib streams
(both columns NULL): ``page_body`` tells the two apart by their first bytes."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import sqlite_utils

from archive.times import utc_now


class RawPages:
    """The raw-page store of ``archive.writer.ArchiveWriter`` (it needs ``db``)."""

    db: sqlite_utils.Database

    def store_page(
        self,
        page: Mapping[str, Any],
        *,
        article_id: int | None = None,
        run_id: int | None = None,
        page_number: int = 1,
        first_page_id: int | None = None,
    ) -> int:
        """Keep a fetched page, zlib-compressed. ``page`` has ``url``, ``body`` (bytes as
        received), ``fetched_at`` (UTC ISO 8601), ``status`` and ``headers`` (a mapping of
        names to values). A page already kept with the same bytes under the same URL (and
        at the same ``page_number``) only gets its newer ``fetched_at`` (and its article,
        and the first page it came with); returns the page row's id. ``page_number`` and
        ``first_page_id``: see ``store_pages``."""
        body: bytes = page["body"]
        digest = hashlib.sha256(body).hexdigest()
        fetched_at = page.get("fetched_at") or utc_now()
        with self.db.atomic():
            known = self.db.execute(
                "SELECT id FROM pages WHERE url = ? AND body_sha256 = ? AND page_number = ?"
                " ORDER BY id DESC LIMIT 1",
                [page["url"], digest, page_number],
            ).fetchone()
            if known:
                self.db.execute(
                    "UPDATE pages SET fetched_at = max(fetched_at, ?),"
                    " article_id = coalesce(?, article_id),"
                    " first_page_id = coalesce(?, first_page_id) WHERE id = ?",
                    [fetched_at, article_id, first_page_id, known[0]],
                )
                return int(known[0])
            # Only for a page kept anew: a recrawl's same bytes hash once, above.
            stored, crc32, sha1 = kept_body(body)
            cursor = self.db.execute(
                "INSERT INTO pages (url, fetched_at, status, headers, body, body_sha256, size,"
                " article_id, crawl_run_id, page_number, first_page_id, body_crc32, body_sha1)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    page["url"],
                    fetched_at,
                    page.get("status"),
                    json.dumps(dict(page.get("headers") or {}), ensure_ascii=False),
                    stored,
                    digest,
                    len(body),
                    article_id,
                    run_id,
                    page_number,
                    first_page_id,
                    crc32,
                    sha1,
                ],
            )
            return int(cursor.lastrowid)

    def store_pages(
        self,
        pages: Sequence[Mapping[str, Any]],
        *,
        article_id: int | None = None,
        run_id: int | None = None,
    ) -> int:
        """Keep the pages of one article as fetched, in order (see ``store_page``), in
        one transaction; returns the first page's row id. A multi-page article's further
        pages (page 2 first, or its ``?page=all`` view) get ``page_number`` 2, 3... and
        ``first_page_id`` = the first page's row, which ``arsip reextract`` joins them
        to; a single page is kept as ``store_page`` keeps it."""
        with self.db.atomic():
            first = self.store_page(pages[0], article_id=article_id, run_id=run_id)
            for number, page in enumerate(pages[1:], start=2):
                self.store_page(
                    page,
                    article_id=article_id,
                    run_id=run_id,
                    page_number=number,
                    first_page_id=first,
                )
            return first


LEVEL = 6
FINAL_BLOCK = b"\x03\x00"
"""An empty final DEFLATE block (fixed Huffman codes, end of block), byte-aligned after
a sync flush: how every ``deflate_body`` ends."""
SYNC_MARK = b"\x00\x00\xff\xff"
"""The empty stored block a sync flush ends with."""


def kept_body(body: bytes) -> tuple[bytes, int, str]:
    """What ``pages.body``, ``body_crc32`` and ``body_sha1`` hold for ``body``."""
    return deflate_body(body), zlib.crc32(body), hashlib.sha1(body).hexdigest()


def deflate_body(body: bytes) -> bytes:
    """``body`` as kept in ``pages.body``: raw DEFLATE, sync-flushed, then an empty final
    block (see the module's docstring)."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(body) + compressor.flush(zlib.Z_SYNC_FLUSH) + FINAL_BLOCK


def spliceable(stored: bytes) -> bytes | None:
    """The DEFLATE blocks of a ``deflate_body``, without its final block, to be
    continued by other blocks; None for a body kept otherwise (a zlib stream)."""
    if is_zlib(stored) or not stored.endswith(SYNC_MARK + FINAL_BLOCK):
        return None
    return stored[: -len(FINAL_BLOCK)]


def spliced_fields(
    stored: bytes, crc32: int | None, sha1: str | None, size: int
) -> dict[str, Any] | None:
    """What ``archive.warc.WarcFiles.write_page`` splices a kept page from, instead of
    its body: ``deflated`` (``spliceable``), ``crc32``, ``sha1`` and ``size``; None for
    a page that must be read out (kept as zlib, without its CRC-32 and SHA-1, or
    moved to a WARC file)."""
    deflated = spliceable(stored) if crc32 is not None and sha1 else None
    if deflated is None:
        return None
    return {"deflated": deflated, "crc32": crc32, "sha1": sha1, "size": size}


def is_zlib(stored: bytes) -> bool:
    """A zlib stream (pages kept before schema 16): its header names DEFLATE (low
    nibble 8) and is a multiple of 31. A raw DEFLATE stream written by zlib cannot
    start so: a first byte with low nibble 8 would be a stored block with non-zero
    padding bits, which zlib never writes."""
    return len(stored) >= 2 and stored[0] & 0x0F == 8 and (stored[0] << 8 | stored[1]) % 31 == 0


def page_body(compressed: bytes) -> bytes:
    """The original bytes of a ``pages.body``: a zlib stream or a ``deflate_body``."""
    if is_zlib(compressed):
        return zlib.decompress(compressed)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    body = inflater.decompress(compressed)
    if not inflater.eof:
        raise zlib.error("a raw page's compressed body is cut short")
    return body
