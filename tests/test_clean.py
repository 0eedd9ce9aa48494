"""Cleaning the seed article's text, as the site showed it (tests/sample_data)."""

from __future__ import annotations

import pytest

from crawler.extract.clean import clean_lines, clean_title, split_dateline
from tests.conftest import SAMPLE_DATA


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    text = (SAMPLE_DATA / "tangselpos-seed.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines()[1:] if line.strip()]  # first line: the title


@pytest.fixture(scope="module")
def cleaned(seed_lines):
    return clean_lines(seed_lines)


def test_seed_body_starts_after_the_dateline(cleaned):
    assert cleaned.paragraphs[0].startswith("Peran semua pihak")
    assert cleaned.dateline == "SERANG"


def test_seed_body_ends_without_the_signoff(cleaned):
    assert cleaned.paragraphs[-1].endswith("dan jajaran.")


def test_seed_feed_lines_are_gone(cleaned, seed_lines):
    feed = [line for line in seed_lines if "yang lalu" in line]
    assert len(feed) == 10
    text = "\n".join(cleaned.paragraphs)
    assert "yang lalu" not in text
    assert "TangselCity |" not in text
    assert len(cleaned.paragraphs) == 13


def test_seed_press_release_is_flagged(cleaned):
    assert cleaned.press_release == "melalui siaran pers yang diterima tangselpos.id"


def test_body_text_is_kept_verbatim(cleaned, seed_lines):
    assert cleaned.paragraphs[1] == seed_lines[1]
    assert "Senin (15/9/2025)" in cleaned.paragraphs[3]


@pytest.mark.parametrize(
    ("line", "dateline", "rest"),
    [
        ("SERANG - Peran semua pihak", "SERANG", "Peran semua pihak"),
        ("JAKARTA, KOMPAS.com - Pemerintah", "JAKARTA", "Pemerintah"),
        ("TANGSEL, TangselPos.id - Warga", "TANGSEL", "Warga"),
        ("Liputan6.com, Jakarta - Presiden", "Jakarta", "Presiden"),
        ("TANGERANGNEWS.com-Sejumlah warga", None, "Sejumlah warga"),
        ("SERANG, BANPOS – Gubernur", "SERANG", "Gubernur"),
        ("Kabar6-Warga Pamulang", None, "Warga Pamulang"),
        ("TEMPO.CO, Jakarta - Menteri", "Jakarta", "Menteri"),
        ("Jakarta (ANTARA) - Bank Indonesia", "Jakarta", "Bank Indonesia"),
        ("CNN Indonesia -- Hujan deras", None, "Hujan deras"),
        ("Mataram, NTB (ANTARA News) - Sebanyak 29", "Mataram", "Sebanyak 29"),
        ("Tol Jakarta-Merak ditutup sementara", None, "Tol Jakarta-Merak ditutup sementara"),
        ("Warga Pamulang - yang terdampak banjir - mengungsi", None,
         "Warga Pamulang - yang terdampak banjir - mengungsi"),
    ],
)  # fmt: skip
def test_dateline_forms(line, dateline, rest):
    assert split_dateline(line) == (dateline, rest)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Isi berita.", "Baca juga: 146 Polisi Amankan Touring GPN 2017 di Tangsel"], ["Isi berita."]),
        (["Isi.", "**Baca juga: 146 Polisi Amankan Touring GPN 2017 di Tangsel."], ["Isi."]),
        (["Isi.", "BACA JUGA : Jalan MH Thamrin Ditutup"], ["Isi."]),
        (["Isi.", "Baca juga:Permasalahan Malut United"], ["Isi."]),
        (["Isi.", "ADVERTISEMENT", "SCROLL TO CONTINUE WITH CONTENT", "Lagi."], ["Isi.", "Lagi."]),
        (["Isi.", "Follow Berita Okezone di Google News"], ["Isi."]),
        (["Isi.", "[Gambas:Video 20detik]"], ["Isi."]),
        (["Isi.", "Halaman 1/2"], ["Isi."]),
        (["Isi.", "Pilihan Editor: Harga Cabai Naik"], ["Isi."]),
        (["Isi akhir (ant)"], ["Isi akhir"]),
        (["Isi akhir.(RMI/HRU)"], ["Isi akhir."]),
        (["Isi akhir. (Tim K6)"], ["Isi akhir."]),
        (["Sesuai aturan Komisi Pemilihan Umum (KPU)."], ["Sesuai aturan Komisi Pemilihan Umum (KPU)."]),
        (["Kata Ketua (KPU)"], ["Kata Ketua (KPU)"]),
    ],
)  # fmt: skip
def test_boilerplate_lines(lines, expected):
    assert clean_lines(lines).paragraphs == expected


def test_credits_move_to_fields():
    cleaned = clean_lines(["Isi berita.", "Penulis: iwan Arifianto | Editor: muslimah"])
    assert cleaned.paragraphs == ["Isi berita."]
    assert cleaned.authors == ["iwan Arifianto"]
    assert cleaned.editor == "muslimah"


def test_republication_note_moves_to_field():
    cleaned = clean_lines(
        ["Isi.", 'Artikel ini telah tayang di Kompas.com dengan judul "Harga Cabai Naik"']
    )
    assert cleaned.paragraphs == ["Isi."]
    assert cleaned.republished_from == "Kompas.com"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Andra Soni Ajak Influencer - TangselPos.id", "Andra Soni Ajak Influencer"),
        ("Harga Cabai Naik | Kompas.com", "Harga Cabai Naik"),
        ("Tol Jakarta - Merak Macet", "Tol Jakarta - Merak Macet"),
    ],
)
def test_title_suffix(title, expected):
    assert clean_title(title, "TangselPos.id") == expected


TEXT = "Warga memadati lokasi sejak pagi untuk mengikuti kegiatan tersebut."


@pytest.mark.parametrize(
    "noise",
    [
        "Kemacetan di Jalan Raya Cisoka-Adiyasa.(din)",
        "(@TangerangNews / Rangga Agung Zuliansyah)",
        "Dapatkan update berita pilihan dan breaking news setiap hari dari Kompas.com. Mari "
        'bergabung di Grup Telegram "Kompas.com News Update", caranya klik link '
        "https://t.me/kompascomupdate, kemudian join.",
        "Simak juga Video 'Banjir Rendam Ratusan Rumah di Serang':",
        "[Gambas:Video 20detik]",
        "SCROLL TO RESUME CONTENT",
        "Halaman 1/2",
        "Berita Terkait",
        "Serba-Serbi7 hari ago",
    ],
)
def test_boilerplate_between_paragraphs_is_dropped(noise: str) -> None:
    assert clean_lines([TEXT, noise, TEXT]).paragraphs == [TEXT, TEXT]


def test_inline_read_also_is_cut_mid_paragraph() -> None:
    line = "Harga cabai naik. Baca juga: Pasar Murah Digelar di Serang. Pedagang mengeluh."
    assert clean_lines([line]).paragraphs == ["Harga cabai naik. Pedagang mengeluh."]


def test_caption_shape_in_last_paragraph_is_a_signoff_not_dropped() -> None:
    assert clean_lines([TEXT, "Kegiatan berakhir pukul 12.00.(din)"]).paragraphs == [
        TEXT,
        "Kegiatan berakhir pukul 12.00.",
    ]


def test_republished_note_leaves_body() -> None:
    note = 'Artikel ini telah tayang di Kompas.com dengan judul "Banjir Surut"'
    cleaned = clean_lines([TEXT, note])
    assert cleaned.paragraphs == [TEXT]
    assert cleaned.republished_from == "Kompas.com"
