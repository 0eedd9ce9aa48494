"""Deduplication keys: canonical URLs, content hashes and near-duplicate signatures.

Level 1 (same article, other URL) folds URL variants to one canonical form; level 2
(same text, other URL or portal) compares hashes of the normalised body; level 3 (nearly
the same text: a press release with a new lead paragraph or title) compares MinHash
signatures of word 5-shingles, bucketed by LSH banding so that only articles sharing a
bucket are ever compared.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from archive.dedup_keys import (  # noqa: F401  (re-exported: arsip's modules import them from here)
    AMP_PATH,
    HOST_PREFIX,
    IGNORED_PARAMS,
    body_words,
    canonical_url,
    content_hash,
    normalised_text,
)

# -- level 3: near duplicates ---------------------------------------------------------

SHINGLE = 5
"""Words per shingle."""
NUM_PERM = 64
"""MinHash permutations per signature."""
BANDS, ROWS = 16, 4
"""LSH banding: BANDS bands of ROWS signature values. Two texts become candidates when
one band agrees; the chance is ``1 - (1 - J**ROWS) ** BANDS``: 0.9998 at Jaccard 0.8,
0.988 at 0.7, 0.64 at 0.5, 0.12 at 0.3. Every candidate is then checked exactly."""
NEAR_DUPLICATE_JACCARD = 0.8
"""Texts whose word 5-shingle sets have at least this Jaccard similarity are near
duplicates."""
RELEASE_CONTAINMENT = 0.8
"""Two press releases (both flagged ``press_release`` by extraction) are the same
release when at least this share of the shorter text's shingles is in the other. Portals
rewrite a release's lead, drop or move a paragraph: on the sample portals the versions
of one release share 0.80-0.93 of the shorter text while their Jaccard similarity is
0.64-0.84. Ordinary articles keep the stricter Jaccard bar: a follow-up story that
repeats most of yesterday's text is not the same article."""
MIN_RELEASE_SHINGLES = 80
"""A text must have at least this many shingles to be matched by containment: a short
note is too easily contained in a long text."""

assert BANDS * ROWS == NUM_PERM


def _seeds(count: int, label: str) -> np.ndarray:
    """Stable 64-bit odd multipliers/offsets derived from SHA-256 (never from a random
    generator whose stream could change between library versions): stored buckets must
    mean the same thing to every arsip version."""
    values = [
        int.from_bytes(hashlib.sha256(f"arsip-{label}-{i}".encode()).digest()[:8], "little") | 1
        for i in range(count)
    ]
    return np.array(values, dtype=np.uint64)[:, None]


_MUL = _seeds(NUM_PERM, "minhash-a")
_ADD = _seeds(NUM_PERM, "minhash-b")
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(32)


_WORD_BASE = 0x100000001B3
"""Base of the polynomial hash of a word's UTF-8 bytes (odd, so invertible mod 2**64)."""
_POWERS = np.ones(1, dtype=np.uint64)
_INVERSE_POWERS = np.ones(1, dtype=np.uint64)


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``base ** i`` and ``base ** -i`` mod 2**64 for i < n (cached, grown by doubling)."""
    global _POWERS, _INVERSE_POWERS
    if len(_POWERS) < n:
        size = max(n, 2 * len(_POWERS), 1 << 16)
        for base, name in (
            (_WORD_BASE, "_POWERS"),
            (pow(_WORD_BASE, -1, 1 << 64), "_INVERSE_POWERS"),
        ):
            steps = np.full(size, base, dtype=np.uint64)
            steps[0] = 1
            globals()[name] = np.multiply.accumulate(steps)  # wraps mod 2**64
    return _POWERS, _INVERSE_POWERS


def _word_hashes(text: str) -> np.ndarray:
    """64-bit hash of each word of a normalised text (words joined by single spaces):
    a polynomial hash of the word's UTF-8 bytes, for all words in a few array passes
    (prefix sums) instead of a Python call per word."""
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    if len(data) == 0:
        return np.zeros(0, dtype=np.uint64)
    powers, inverse = _powers(len(data))
    spaces = np.flatnonzero(data == 32)
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [len(data)]))
    prefix = np.zeros(len(data) + 1, dtype=np.uint64)
    np.cumsum(data * powers[: len(data)], out=prefix[1:])
    return (prefix[ends] - prefix[starts]) * inverse[starts]


def shingle_ids(words: list[str]) -> np.ndarray:
    """32-bit ids of the word 5-shingles (one id per distinct shingle, sorted). A text
    shorter than five words is one shingle."""
    return text_shingle_ids(" ".join(words))


def text_shingle_ids(text: str) -> np.ndarray:
    """``shingle_ids`` of a normalised text (``normalised_text``)."""
    ids = _word_hashes(text)
    if len(ids) == 0:
        return ids
    n = max(len(ids) - SHINGLE + 1, 1)
    mixed = ids[:n].copy()
    for k in range(1, min(SHINGLE, len(ids))):
        mixed = mixed * _MIX + ids[k : k + n]
    # 32-bit ids in 32-bit arrays: half the memory of the archive's shingle cache, and
    # faster set operations.
    return _sorted_unique((mixed >> _SHIFT).astype(np.uint32))


def _sorted_unique(ids: np.ndarray) -> np.ndarray:
    """``np.unique`` of a 1-D array, by a sort and a comparison of neighbours: for an
    article's few hundred ids, 5 us where ``np.unique`` (a hash table since numpy 2.3)
    takes 35, a sixth of the time of a whole text signature."""
    ids.sort()
    keep = np.empty(len(ids), dtype=bool)
    keep[:1] = True
    np.not_equal(ids[1:], ids[:-1], out=keep[1:])
    return ids[keep]


def minhash(shingles: np.ndarray) -> np.ndarray:
    """NUM_PERM minimum hash values (uint64 below 2**32) of a shingle id set, with the
    multiply-shift hash family ``(a * x + b) >> 32``."""
    if len(shingles) == 0:
        return np.zeros(NUM_PERM, dtype=np.uint64)
    # The shift is monotonic, so it can follow the minimum: one array pass fewer.
    hashed = _MUL * shingles
    hashed += _ADD
    return hashed.min(axis=1) >> _SHIFT


_BAND_MUL = _seeds(ROWS, "band-a")[:, 0]
_BAND_ADD = _seeds(BANDS, "band-b")[:, 0]


def lsh_buckets(signature: np.ndarray) -> list[tuple[int, int]]:
    """``(band, bucket)`` per band: the bucket is a signed 64-bit hash of the band's
    values (an SQLite INTEGER): a seeded multiply-add over the band's ROWS values,
    finished with a multiply-xorshift so that every bit depends on all of them."""
    bands = signature.astype(np.uint64).reshape(BANDS, ROWS)
    mixed = (bands * _BAND_MUL).sum(axis=1, dtype=np.uint64) + _BAND_ADD
    mixed = (mixed ^ (mixed >> _SHIFT)) * _MIX
    mixed ^= mixed >> np.uint64(29)
    return list(enumerate(mixed.view(np.int64).tolist()))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted shingle id sets."""
    if len(a) == 0 and len(b) == 0:
        return 1.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def is_near_duplicate(a: np.ndarray, b: np.ndarray, *, press_releases: bool = False) -> bool:
    """Whether two sorted shingle id sets are near duplicates: Jaccard similarity at least
    NEAR_DUPLICATE_JACCARD, or, for two press releases (``press_releases``), at least
    RELEASE_CONTAINMENT of the shorter set found in the other."""
    if len(a) == 0 or len(b) == 0:
        return False
    common = len(np.intersect1d(a, b, assume_unique=True))
    if common >= NEAR_DUPLICATE_JACCARD * (len(a) + len(b) - common):
        return True
    shorter = min(len(a), len(b))
    return (
        press_releases
        and shorter >= MIN_RELEASE_SHINGLES
        and common >= RELEASE_CONTAINMENT * shorter
    )


@dataclass(frozen=True)
class TextSignature:
    """Everything the archive compares a body by."""

    content_hash: str | None
    shingles: np.ndarray
    buckets: list[tuple[int, int]]
    """``(band, bucket)`` LSH buckets of the MinHash signature."""


def text_signature(body: str | None) -> TextSignature:
    """Content hash, shingle set and LSH buckets of a body, from one pass over its words."""
    if not body:
        return TextSignature(None, np.zeros(0, dtype=np.uint64), [])
    text = normalised_text(body)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    shingles = text_shingle_ids(text)
    buckets = lsh_buckets(minhash(shingles)) if len(shingles) else []
    return TextSignature(digest, shingles, buckets)
