"""Raw pages as WARC files (ISO 28500), the web archives' exchange format, with a CDXJ
index that pywb replays them from.

``WarcFiles`` writes gzipped WARC files into a directory, one gzip member per record
(what readers seek by): a ``warcinfo`` record opening each file, then per fetched page
a ``response`` record (the status line rebuilt from the stored status, the stored
headers, the body as received) and its ``request`` record (``WARC-Concurrent-To`` the
response). The files are named ``<prefix>-<timestamp>-<serial>.warc.gz`` and a new one
is started once one reaches ``max_size`` bytes. Closing writes
``<prefix>-<timestamp>.cdxj``: one line per response record in pywb's CDXJ format
(SURT key, 14-digit timestamp, JSON fields), sorted in runs of ``SORT_RUN`` lines
merged from temporary files, so memory stays flat whatever the archive size.

The stored body is what the crawler received after HTTP decompression: the
``Content-Encoding`` and ``Transfer-Encoding`` headers that described the bytes on the
wire are left out and ``Content-Length`` is the stored body's.

Needs the ``warc`` extra (warcio, surt).
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import json
import os
import re
import tempfile
import time
import zlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, Any

import sqlite_utils

from archive.export import MissingExtra
from archive.gzip_members import GZIP_HEADER, crc32_combine, stored_blocks, stored_member, trailer
from archive.moved_pages import WARC_PAGE_COLUMNS, warc_page
from archive.warc_urls import request_target, surt_key

DEFAULT_MAX_SIZE = 1024**3
"""Bytes after which a new WARC file is started (``--warc-size``): 1 GiB, the size
public web archives cut their files at."""
SORT_RUN = 100_000
"""CDXJ lines sorted in memory at a time (about 30 MB); longer indexes are merged
from sorted runs in temporary files."""
GZIP_LEVEL = 6
"""zlib's default level; warcio's own writer compresses at 9, for 1-2% smaller files
at about twice the time."""
WRITE_BUFFER = 1024**2
"""Bytes gathered before each write to a WARC file: a write per few dozen pages rather
than per record, the cost of a system call a page less."""
RECORD_END = b"\r\n\r\n"
"""What closes every WARC record."""
CLOSING_BLOCK = stored_blocks(RECORD_END, final=True)
"""``RECORD_END`` as a final DEFLATE block, closing a spliced record's member."""
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
EMPTY_SHA1 = "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"
"""The payload digest of a request record, which has no payload."""
LEFT_OUT_HEADERS = frozenset(("content-encoding", "transfer-encoding", "content-length"))
"""Headers that described the bytes on the wire, not the stored (decoded) body."""


def _warcio() -> Any:
    import warcio

    try:
        import surt  # noqa: F401
    except ImportError:
        raise MissingExtra(
            "WARC export needs surt for its CDXJ index: pip install 'arsip[warc]'"
        ) from None
    return warcio


def arsip_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("arsip")
    except PackageNotFoundError:  # a source tree that was never installed
        return "unknown"


@functools.cache
def http_status_line(status: int) -> str:
    """``200 OK``: the stored status with its standard reason phrase (none for a status
    the standard does not name)."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def response_headers(headers: Mapping[str, str], body_length: int) -> list[tuple[str, str]]:
    """The stored headers as they describe the stored body: no ``Content-Encoding`` or
    ``Transfer-Encoding``, ``Content-Length`` the body's length (where the original
    had it, else last)."""
    out: list[tuple[str, str]] = []
    placed = False
    for name, value in headers.items():
        lowered = name.lower()
        if lowered == "content-length" and not placed:
            out.append(("Content-Length", str(body_length)))
            placed = True
        elif lowered not in LEFT_OUT_HEADERS:
            out.append((name, value))
    if not placed:
        out.append(("Content-Length", str(body_length)))
    return out


class _GzipMembers:
    """A file written as one gzip member per record: warcio flushes after each record,
    and the flush ends the member."""

    def __init__(self, out: IO[bytes]):
        self.out = out
        self.compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)

    def write(self, data: bytes) -> None:
        self.out.write(self.compressor.compress(data))

    def flush(self) -> None:
        self.out.write(self.compressor.flush())
        self.compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)


class WarcFiles:
    """WARC files being written into ``directory`` (created when missing, its parent
    must exist); ``write_page`` per fetched page,
    then ``close`` (or use it in a ``with``). ``description`` goes into each file's
    ``warcinfo`` record (``isPartOf``: the archive's name). A failed export (an
    exception in the ``with``) removes its unfinished file and the index."""

    def __init__(
        self,
        directory: Path,
        *,
        prefix: str,
        is_part_of: str,
        max_size: int = DEFAULT_MAX_SIZE,
        description: str = "",
        started: datetime | None = None,
    ):
        warcio = _warcio()
        from warcio.warcwriter import WARCWriter

        self._warcio = warcio
        self._writer_class = WARCWriter
        self.directory = Path(directory)
        self.prefix = prefix
        self.is_part_of = is_part_of
        self.max_size = max_size
        self.description = description
        self.stamp = (started or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
        self._started_given = started is not None
        self.files: list[Path] = []
        self.pages = 0
        self.index_path: Path | None = None
        self._serial = 0
        self._file: IO[bytes] | None = None
        self._writer: Any = None
        self._members: _GzipMembers | None = None
        self._lines: list[str] = []
        self._runs: list[Path] = []
        self.last_record: tuple[str, int, int] | None = None
        """The file name, offset and length of the last response (or resource) record
        written: where the page written last can be read back."""

    # -- writing ----------------------------------------------------------------------

    def write_page(self, page: Mapping[str, Any]) -> None:
        """Write one fetched page: ``url``, ``fetched_at`` (UTC ISO 8601), ``status``,
        ``headers`` (a mapping), ``body`` (bytes as received, decoded)."""
        from warcio.statusandheaders import StatusAndHeaders

        if self._file is None or self._file.tell() >= self.max_size:
            self._next_file()
        if page.get("deflated") is not None and page.get("status") is not None:
            self._write_spliced(page)
            return
        writer = self._writer
        url, body = page["url"], page["body"]
        date = page["fetched_at"]
        headers = dict(page.get("headers") or {})
        status = page.get("status")
        if status is None:  # no HTTP answer to rebuild: the bytes as a resource
            content_type = next(
                (v for k, v in headers.items() if k.lower() == "content-type"), "text/html"
            )
            record = writer.create_warc_record(
                url, "resource", payload=BytesIO(body), length=len(body),
                warc_content_type=content_type, warc_headers_dict={"WARC-Date": date},
            )  # fmt: skip
            self._write_indexed(record, content_type, None)
            self.pages += 1
            return
        http_headers = StatusAndHeaders(
            http_status_line(int(status)), response_headers(headers, len(body)), protocol="HTTP/1.1"
        )
        # The digests computed here, in one pass over the body each, spare warcio
        # reading the record's stream again for them.
        http_headers.compute_headers_buffer()
        block = hashlib.sha1(http_headers.headers_buff)
        block.update(body)
        response = writer.create_warc_record(
            url, "response", payload=BytesIO(body), length=len(body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": date, "WARC-Payload-Digest": sha1_digest(body),
                               "WARC-Block-Digest": sha1_label(block.digest())},
        )  # fmt: skip
        content_type = http_headers.get_header("Content-Type") or ""
        self._write_indexed(response, content_type, str(int(status)))
        assert self._file is not None
        self._file.write(
            _request_member(url, date, response.rec_headers.get_header("WARC-Record-ID"))
        )
        self.pages += 1

    def _write_spliced(self, page: Mapping[str, Any]) -> None:
        """A response record whose body is spliced in compressed as kept
        (``archive.pages.spliceable``), then its request record: the response's gzip
        member is its headers in stored blocks (``archive.gzip_members``), the body's
        DEFLATE blocks as they are, then the record's closing CRLFs in a final stored
        block, with the CRC-32 of the whole combined from the headers' and the kept
        body's. Nothing of the body is inflated, compressed or hashed again (the payload
        digest is the SHA-1 kept with it), and the headers are written as warcio writes
        them, without building its record objects: the export runs faster than reading
        the pages. The one difference from ``write_page``'s records: no
        ``WARC-Block-Digest`` on the response (optional in ISO 28500), which would need
        the body read through."""
        assert self._file is not None
        url, date, size = page["url"], page["fetched_at"], int(page["size"])
        status = int(page["status"])
        headers = response_headers(dict(page.get("headers") or {}), size)
        http_head = http_head_bytes(status, headers)
        digest = sha1_label(bytes.fromhex(page["sha1"]))
        record_id = new_record_id()
        head = (
            f"WARC/1.0\r\nWARC-Date: {date}\r\nWARC-Payload-Digest: {digest}\r\n"
            f"WARC-Type: response\r\nWARC-Record-ID: {record_id}\r\n"
            f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http_head) + size}\r\n\r\n"
        ).encode() + http_head
        crc = zlib.crc32(RECORD_END, crc32_combine(zlib.crc32(head), int(page["crc32"]), size))
        response = b"".join((
            GZIP_HEADER, stored_blocks(head, final=False), page["deflated"], CLOSING_BLOCK,
            trailer(crc, len(head) + size + len(RECORD_END)),
        ))  # fmt: skip
        offset = self._file.tell()
        self._file.write(response + _request_member(url, date, record_id))
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        self._index(url, date, digest, content_type, str(status), offset, len(response))
        self.pages += 1

    def _write_indexed(self, record: Any, content_type: str, status: str | None) -> None:
        assert self._file is not None and self._members is not None
        offset = self._file.tell()
        self._writer.write_record(record)
        headers = record.rec_headers
        self._index(
            headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date"),
            headers.get_header("WARC-Payload-Digest"), content_type, status, offset,
            self._file.tell() - offset,
        )  # fmt: skip

    def _index(
        self, url: str, date: str, digest: str, content_type: str, status: str | None,
        offset: int, length: int,
    ) -> None:  # fmt: skip
        self.last_record = (self.files[-1].name, offset, length)
        fields = {
            "url": url,
            "mime": content_type.replace(";", " ").split(" ", 1)[0].strip(),
            "status": status,
            "digest": digest,
            "length": str(length),
            "offset": str(offset),
            "filename": self.files[-1].name,
        }
        for name in ("mime", "status"):  # as pywb's indexer leaves them out
            if not fields[name]:
                del fields[name]
        timestamp = _timestamp(date)
        self._lines.append(f"{surt_key(url)} {timestamp} {json.dumps(fields)}\n")
        if len(self._lines) >= SORT_RUN:
            self._spill()

    def _next_file(self) -> None:
        self._finish_file()
        if not self.files:
            self.directory.mkdir(exist_ok=True)
            self._claim_stamp()
        name = f"{self.prefix}-{self.stamp}-{self._serial:05d}.warc.gz"
        self._serial += 1
        path = self.directory / name
        if path.exists():  # written meanwhile by another process: never overwritten
            raise FileExistsError(f"{path} exists already")
        self.files.append(path)
        self._file = _partial(path).open("wb", buffering=WRITE_BUFFER)
        self._members = _GzipMembers(self._file)
        self._writer = self._writer_class(self._members, gzip=False)
        info = {
            "software": f"arsip/{arsip_version()} (warcio/{_module_version('warcio')})",
            "format": "WARC File Format 1.0",
            "isPartOf": self.is_part_of,
            "description": self.description,
        }
        self._writer.write_record(self._writer.create_warcinfo_record(name, info))

    def _claim_stamp(self) -> None:
        """A run that starts in the same second as an earlier one into this directory
        (a move run again right after a kill, two exports in a row) waits for the next
        second, so that no name of the earlier run is ever taken again."""
        for _ in range(5):
            taken = (self.directory / f"{self.prefix}-{self.stamp}.cdxj").exists() or any(
                self.directory.glob(f"{self.prefix}-{self.stamp}-*")
            )
            if not taken:
                return
            if self._started_given:
                break
            time.sleep(1.0 - time.time() % 1.0 + 0.01)
            self.stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        raise FileExistsError(
            f"{self.directory / self.prefix}-{self.stamp}-*.warc.gz exist already"
        )

    def _finish_file(self) -> None:
        if self._file is None:
            return
        self._file.close()
        self._file = None
        path = self.files[-1]
        _partial(path).replace(path)

    # -- the index --------------------------------------------------------------------

    def _spill(self) -> None:
        self._lines.sort()
        handle, name = tempfile.mkstemp(prefix=".cdxj-run-", dir=self.directory)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.writelines(self._lines)
        self._runs.append(Path(name))
        self._lines = []

    def _write_index(self) -> Path:
        path = self.directory / f"{self.prefix}-{self.stamp}.cdxj"
        self._lines.sort()
        runs = [run.open(encoding="utf-8") for run in self._runs]
        try:
            with _partial(path).open("w", encoding="utf-8") as out:
                out.writelines(heapq.merge(self._lines, *runs))
        finally:
            for run in runs:
                run.close()
            self._drop_runs()
        _partial(path).replace(path)
        self._lines = []
        return path

    def _drop_runs(self) -> None:
        for run in self._runs:
            run.unlink(missing_ok=True)
        self._runs = []

    # -- closing ----------------------------------------------------------------------

    def close(self) -> Path:
        """Finish the last file and write the index; returns the index's path. An
        export of no page writes one file with its ``warcinfo`` record alone."""
        if self._file is None and not self.files:
            self._next_file()
        self._finish_file()
        self.index_path = self._write_index()
        return self.index_path

    def abandon(self) -> None:
        """Stop after a failure: the unfinished file and the index runs are removed;
        finished files stay (each is whole)."""
        if self._file is not None:
            self._file.close()
            self._file = None
            _partial(self.files.pop()).unlink(missing_ok=True)
        self._drop_runs()

    def __enter__(self) -> WarcFiles:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is None:
            self.close()
        else:
            self.abandon()


def _request_member(url: str, date: str, response_id: str) -> bytes:
    """The gzip member of a response's ``request`` record (``WARC-Concurrent-To`` the
    response), its headers as warcio writes them, in stored blocks."""
    target, host = request_target(url)  # as sent: percent-encoded path, IDNA host
    http = f"GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode("ascii")
    record = (
        f"WARC/1.0\r\nWARC-Date: {date}\r\nWARC-Concurrent-To: {response_id}\r\n"
        f"WARC-Type: request\r\nWARC-Record-ID: {new_record_id()}\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Payload-Digest: {EMPTY_SHA1}\r\n"
        f"WARC-Block-Digest: {sha1_digest(http)}\r\n"
        f"Content-Type: application/http; msgtype=request\r\nContent-Length: {len(http)}\r\n\r\n"
    ).encode()
    return stored_member(record + http + RECORD_END)


def new_record_id() -> str:
    """A ``WARC-Record-ID``: a random (version 4) UUID URN, as warcio makes them
    (``uuid.uuid4``'s bits, spelled without building its object)."""
    bits = bytearray(os.urandom(16))
    bits[6] = bits[6] & 0x0F | 0x40  # version 4
    bits[8] = bits[8] & 0x3F | 0x80  # RFC 4122 variant
    h = bits.hex()
    return f"<urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}>"


def http_head_bytes(status: int, headers: list[tuple[str, str]]) -> bytes:
    """A response's status line and headers as warcio writes them (``StatusAndHeaders.
    to_ascii_bytes``): ASCII as they are, others percent-encoded (RFC 8187) by warcio."""
    lines = [f"HTTP/1.1 {http_status_line(status)}\r\n"]
    lines.extend(f"{name}: {value}\r\n" for name, value in headers)
    lines.append("\r\n")
    try:
        return "".join(lines).encode("ascii")
    except UnicodeEncodeError:
        from warcio.statusandheaders import StatusAndHeaders

        return StatusAndHeaders(
            http_status_line(status), headers, protocol="HTTP/1.1"
        ).to_ascii_bytes()


def sha1_digest(data: bytes) -> str:
    """A WARC digest of ``data``: ``sha1:`` and the SHA-1 in base 32."""
    return sha1_label(hashlib.sha1(data).digest())


_BASE32_PAIRS = [a + b for a in _BASE32 for b in _BASE32]
"""Every pair of base-32 digits, by the 10 bits they spell."""


def sha1_label(sha1: bytes) -> str:
    """``sha1:`` and a SHA-1's 20 bytes in base 32 (RFC 4648, as ``base64.b32encode``
    spells them: 160 bits, 32 digits, no padding), 16 pairs of digits at a time."""
    bits = int.from_bytes(sha1, "big")
    return "sha1:" + "".join(
        [_BASE32_PAIRS[(bits >> shift) & 0x3FF] for shift in range(150, -1, -10)]
    )


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".part")


def _module_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


_NOT_DIGIT = re.compile(r"\D")


def _timestamp(warc_date: str) -> str:
    """``20250915094000`` from ``2025-09-15T09:40:00Z``."""
    return _NOT_DIGIT.sub("", warc_date)[:14].ljust(14, "0")


# -- reading the archive's pages ------------------------------------------------------------


def iter_pages(
    db: sqlite_utils.Database, where: Any = None, *, spliced: bool = False
) -> Iterator[dict[str, Any]]:
    """Every kept raw page (``archive.pages``), in the order kept, body decompressed,
    one at a time; with ``where`` (an ``ArticleFilter``) only the pages of the
    selected articles. With ``spliced``, a page kept as raw DEFLATE with its CRC-32
    and SHA-1 comes with ``deflated`` (its blocks, ``archive.pages.spliceable``),
    ``crc32``, ``sha1`` and ``size`` instead of ``body``: what ``WarcFiles`` splices."""
    sql = f"SELECT {WARC_PAGE_COLUMNS} FROM pages"
    params: list[Any] = []
    if where is not None:
        conditions, params = where.where()
        sql += f" WHERE article_id IN (SELECT a.id FROM {where.source()} WHERE {conditions})"
    for row in db.execute(sql + " ORDER BY id", params):
        yield warc_page(db, row, spliced=spliced)


def count_pages(db: sqlite_utils.Database, where: Any = None) -> int:
    sql = "SELECT count(*) FROM pages"
    params: list[Any] = []
    if where is not None:
        conditions, params = where.where()
        sql += f" WHERE article_id IN (SELECT a.id FROM {where.source()} WHERE {conditions})"
    return int(db.execute(sql, params).fetchone()[0])
