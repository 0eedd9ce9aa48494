"""How raw pages are kept (``archive.pages``): raw DEFLATE that a WARC record can take as
it is, told apart from the zlib streams of pages kept by an older arsip, and the CRC-32
arithmetic and stored blocks that splicing needs (``archive.gzip_members``)."""

from __future__ import annotations

import gzip
import random
import zlib

import pytest

from archive.gzip_members import crc32_combine, stored_blocks, stored_member
from archive.pages import deflate_body, is_zlib, page_body, spliceable


def bodies() -> list[bytes]:
    rng = random.Random(16)
    words = b"berita banten gubernur andra soni pantai anyer warga serpong".split()
    return [
        b"",
        b"x",
        b"<html><body><p>Halaman tidak ditemukan</p></body></html>",
        b" ".join(rng.choice(words) for _ in range(20_000)),  # compresses well
        rng.randbytes(70_000),  # does not compress: stored blocks
        bytes(100_000),
    ]


@pytest.mark.parametrize("body", bodies(), ids=["empty", "one", "small", "text", "noise", "zeros"])
def test_a_kept_body_reads_back_and_splices(body):
    kept = deflate_body(body)
    assert not is_zlib(kept)
    assert page_body(kept) == body
    blocks = spliceable(kept)
    assert blocks is not None and kept == blocks + b"\x03\x00"
    # The blocks continue a stream: headers before them, a closing block after.
    opening = zlib.compressobj(6, zlib.DEFLATED, -15)
    closing = zlib.compressobj(6, zlib.DEFLATED, -15)
    stream = (opening.compress(b"HEAD\r\n") + opening.flush(zlib.Z_SYNC_FLUSH) + blocks
              + closing.compress(b"\r\n\r\n") + closing.flush())  # fmt: skip
    assert zlib.decompress(stream, -15) == b"HEAD\r\n" + body + b"\r\n\r\n"


@pytest.mark.parametrize("level", range(0, 10))
def test_a_body_kept_by_an_older_arsip_is_read_as_zlib(level):
    for body in bodies():
        old = zlib.compress(body, level)
        assert is_zlib(old) and spliceable(old) is None
        assert page_body(old) == body


def test_a_cut_body_is_an_error_not_a_shorter_page():
    kept = deflate_body(bodies()[3])
    with pytest.raises(zlib.error):
        page_body(kept[: len(kept) // 2])


def test_crc32_combine_is_the_crc32_of_the_joined_bytes():
    rng = random.Random(32)
    for _ in range(50):
        first, second = rng.randbytes(rng.randint(0, 600)), rng.randbytes(rng.randint(0, 90_000))
        combined = crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second))
        assert combined == zlib.crc32(first + second)


@pytest.mark.parametrize("size", [0, 1, 4, 65_535, 65_536, 200_000])
def test_stored_blocks_are_deflate_as_it_is(size):
    data = random.Random(size).randbytes(size)
    assert gzip.decompress(stored_member(data)) == data
    # Not final: other blocks follow, as a spliced body follows a record's headers.
    stream = stored_blocks(data, final=False) + deflate_body(b"after")
    assert zlib.decompress(stream, -zlib.MAX_WBITS) == data + b"after"
    assert len(stored_member(data)) - size < 30 + 5 * (size // 65_535)  # stored, not grown
