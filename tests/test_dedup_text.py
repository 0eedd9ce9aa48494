"""The text every content hash and shingle is made of: ``normalised_text`` folds case,
accents, punctuation and whitespace, and must keep doing it exactly the same way, since
archives hold hashes computed by earlier versions."""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata

import pytest

from archive.dedup import content_hash, normalised_text, text_signature

WORD = re.compile(r"\w+")


def reference(text: str) -> str:
    """The definition: the words (``\\w+``) of the NFKD-folded, casefolded text, joined by
    single spaces (words starting with a combining mark dropped)."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    return " ".join(w for w in WORD.findall(folded) if not unicodedata.combining(w[0]))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("TANGERANG SELATAN,  Senin (15/9/2025)", "tangerang selatan senin 15 9 2025"),
        ("“Peran semua pihak” — sangat penting…", "peran semua pihak sangat penting"),
        ("Wali\u00a0Kota\u200bTangsel\ttahun\n\n2025", "wali kota tangsel tahun 2025"),
        ("Café Straße ﬁnal ①", "cafe strasse final 1"),
        ("snake_case tetap_satu kata", "snake_case tetap_satu kata"),
        ("Jakarta—(ANTARA) «Baca juga»", "jakarta antara baca juga"),
        ("漢字 dan ‘kutipan’", "漢字 dan kutipan"),
        ("", ""),
        (" ... ", ""),
    ],
)
def test_normalised_text(text, expected):
    assert normalised_text(text) == expected == reference(text)


def test_normalised_text_matches_its_definition_on_any_characters():
    rng = random.Random(4)
    alphabet = [chr(c) for c in (*range(0x300), *range(0x2000, 0x2100))]
    alphabet += list("“”‘’—–…\x85\xa0éÉßﬁ①²漢\u200b\ufeff\u3000\U0001f600")
    # Mostly-ASCII texts too: with only separators outside ASCII they take the fast path.
    plain = [chr(c) for c in range(128)] + list("“”‘’—–…\xa0\u200b")
    for n in range(20_000):
        text = "".join(rng.choices(alphabet if n % 2 else plain, k=rng.randint(0, 40)))
        assert normalised_text(text) == reference(text), repr(text)


def test_content_hash_is_stable_across_versions():
    """Stored hashes are compared with new ones: this value must never change."""
    text = (
        "“Peran semua pihak” — sangat penting… Wali Kota Tangerang Selatan, Benyamin Davnie,"
        " 16/9/2025."
    )
    assert content_hash(text) == "56e3831a033c910ed1f65b0afd4e17c59273427477d62b0fa926521295a93fa7"


def test_lsh_buckets_are_stable_across_versions():
    """``minhash_bands`` rows written by earlier versions must meet a new text's buckets:
    changing the hashes needs a migration that recomputes them (as m005 did)."""
    text = " ".join(f"kata{i % 97} isi{i % 13}" for i in range(200))
    signature = text_signature(text)
    assert len(signature.shingles) == 396
    assert signature.buckets[:2] == [(0, 8856852631970041570), (1, 277240021423830494)]
    digest = hashlib.sha256(repr(signature.buckets).encode()).hexdigest()
    assert digest == "57b17eaebd500be21244615400692632f89c9904e7324ddbcd352c340e91a831"


def test_shingle_ids_are_each_id_once_in_order_as_numpy_unique_gives_them():
    """Shingle ids are deduplicated by a sort (``np.unique`` was six times slower on an
    article's few hundred ids): the same ids as ``np.unique``, whatever repeats."""
    import numpy as np

    from archive.dedup import _sorted_unique

    rng = random.Random(3)
    for size in (0, 1, 2, 5, 400, 3000):
        for spread in (3, 2**32 - 1):
            ids = np.array([rng.randint(0, spread) for _ in range(size)], dtype=np.uint32)
            expected = np.unique(ids)
            found = _sorted_unique(ids.copy())
            assert found.dtype == np.uint32 and found.tolist() == expected.tolist()
