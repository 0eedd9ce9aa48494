"""gzip members assembled from parts, for WARC records written without compressing
them again: a record's headers kept as they are in DEFLATE stored blocks, a kept body's
DEFLATE blocks spliced in as they are, and the gzip trailer's CRC-32 combined from the
parts' (RFC 1951 3.2.4 for stored blocks, RFC 1952 for the member).

Stored blocks cost a few hundred bytes a record against compressing the headers (about
3% of a WARC file of news pages) and no zlib stream to set up: writing them is copying.
"""

from __future__ import annotations

import functools
import struct
import zlib

GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
"""A gzip member's header: DEFLATE, no name, no time, operating system unknown."""
STORED_MAX = 0xFFFF
"""The most bytes one stored block holds."""
_MASK = 0xFFFFFFFF


def stored_blocks(data: bytes, *, final: bool) -> bytes:
    """``data`` as DEFLATE stored blocks, starting and ending on a byte boundary; with
    ``final``, the last closes the stream. Empty ``data`` is one empty block."""
    blocks = []
    start = 0
    while True:
        chunk = data[start : start + STORED_MAX]
        start += STORED_MAX
        last = start >= len(data)
        header = 1 if (final and last) else 0  # BFINAL, then BTYPE 00 and padding bits
        blocks.append(struct.pack("<BHH", header, len(chunk), len(chunk) ^ 0xFFFF) + chunk)
        if last:
            return b"".join(blocks)


def trailer(crc: int, size: int) -> bytes:
    """A gzip member's end: the CRC-32 and the length (modulo 2**32) of what it holds."""
    return struct.pack("<II", crc & _MASK, size & _MASK)


def stored_member(data: bytes) -> bytes:
    """A whole gzip member holding ``data`` uncompressed."""
    return GZIP_HEADER + stored_blocks(data, final=True) + trailer(zlib.crc32(data), len(data))


def crc32_combine(first: int, second: int, second_length: int) -> int:
    """The CRC-32 of ``A + B`` from ``crc32(A)``, ``crc32(B)`` and ``len(B)``, as zlib's
    ``crc32_combine``: the CRC register of ``A`` run through ``len(B)`` zero bytes (a
    linear map, applied as the maps for the powers of two that make up the length),
    XOR-ed with ``crc32(B)``. A few microseconds whatever the length."""
    register, length, power = first & _MASK, second_length, 0
    while length:
        if length & 1:
            register = _apply(_zero_bytes_map(power), register)
        length >>= 1
        power += 1
    return register ^ (second & _MASK)


@functools.cache
def _zero_bytes_map(power: int) -> tuple[list[int], ...]:
    """The map of a CRC-32 register through ``2**power`` zero bytes, as four tables of
    what each byte of the register contributes."""
    if power == 0:
        # zlib.crc32(b"\0", v) inverts the register on the way in and out.
        basis = [~zlib.crc32(b"\0", (1 << bit) ^ _MASK) & _MASK for bit in range(32)]
    else:
        half = _zero_bytes_map(power - 1)
        basis = [_apply(half, _apply(half, 1 << bit)) for bit in range(32)]
    tables = []
    for byte in range(4):
        table = [0] * 256
        for value in range(1, 256):
            low = value & -value
            table[value] = table[value ^ low] ^ basis[8 * byte + low.bit_length() - 1]
        tables.append(table)
    return tuple(tables)


def _apply(tables: tuple[list[int], ...], register: int) -> int:
    t0, t1, t2, t3 = tables
    return (
        t0[register & 0xFF]
        ^ t1[(register >> 8) & 0xFF]
        ^ t2[(register >> 16) & 0xFF]
        ^ t3[register >> 24]
    )
