"""An article's word count and its stored record (``crawler.extract.normalise``,
``crawler.items``)."""

from __future__ import annotations

import re

import pytest

from crawler.extract.normalise import normalise_article, word_count
from crawler.items import Article


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n ",
        "Warga Pamulang, Tangerang Selatan, menerima bantuan Rp10.000.000,- per KK.",
        "snake_case dan 2025/09/16 pukul 09.12 WIB (09:12)",
        "tab\tvertical\x0bform\x0cfile\x1cgroup\x1d\x00nul\x7fdel",
        "Kata “dikutip” — café naïve ﬁle ٣٤ 東京 ①",
        "Jakarta\u00a0Selatan\u2003dan\u200bsini",
    ],
)
def test_word_count_is_the_runs_of_word_characters(text: str) -> None:
    assert word_count(text) == len(re.findall(r"\w+", text))


def test_normalisation_counts_the_body_words() -> None:
    article = Article(url="https://x.id/a", portal="x", body="Satu dua, tiga.\n\nEmpat “lima”.")
    assert normalise_article(article).word_count == 5


def test_the_record_is_a_copy_of_the_stored_fields() -> None:
    article = Article(
        url="https://x.id/a",
        portal="x",
        title="Judul",
        authors=["Rina"],
        tags=["banjir"],
        places=[{"code": "36.74", "score": 2, "role": "lead"}],
        raw_page={"body": b"<html>"},
    )
    record = article.to_record()
    assert record["title"] == "Judul" and "raw_page" not in record
    record["authors"].append("Budi")
    record["tags"].clear()
    record["places"][0]["score"] = 9
    assert article.authors == ["Rina"]
    assert article.tags == ["banjir"]
    assert article.places == [{"code": "36.74", "score": 2, "role": "lead"}]
