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


# --- the real forms of the portals (docs/portals/<portal>.md), one rule at a time ---
# Each case is written for these tests in the shape the real pages show; next to what a
# rule must remove is prose of the same look that it must keep.

LEAD = "Warga Kelurahan Pondok Jagung mengeluhkan genangan air yang tak kunjung surut."
MIDDLE = "Menurut Lurah setempat, saluran air di kawasan itu tersumbat sampah plastik."
LAST = "Pihak kecamatan berjanji mengerahkan petugas untuk membersihkan saluran."


def removed(cleaned) -> list[tuple[str, str]]:
    return [(r.line, r.rule) for r in cleaned.removed]


@pytest.mark.parametrize(
    "caption",
    [
        "Suasana rapat paripurna di gedung dewan, Senin pagi.(foto:cep)",
        "Petugas memeriksa kendaraan di gerbang tol. (foto: k6)",
        "Ilustrasi (bbs)",
        "Ilustrasi gambar.(ist)",
        "Ratusan warga mengantre minyak goreng di halaman kantor kelurahan. "
        "(@TangerangNews / Fajar Nugraha)",
        "Jembatan penghubung dua desa ambruk diterjang arus. (Dedi Kurnia / @TangerangNews.com)",
        "Lokasi kebakaran gudang plastik di Jatiuwung. (@TangerangNews2017 / Istimewa)",
        "Wali kota meninjau pasar darurat. (tangerangnews / Aditya Putra)",
        "Kondisi jalan yang rusak parah di Cikupa. (Istimewa / Istimewa)",
        "Tim SAR menyisir aliran sungai. (dok K6)",
    ],
)
def test_caption_with_its_photo_credit_is_removed_first_or_last(caption: str) -> None:
    for lines in ([caption, LEAD, LAST], [LEAD, LAST, caption]):
        cleaned = clean_lines(lines)
        assert cleaned.paragraphs == [LEAD, LAST]
        assert removed(cleaned) == [(caption, "caption")]


@pytest.mark.parametrize(
    "prose",
    [
        # Ends in a parenthesis that is no photo credit.
        "Anggaran itu sudah disetujui Dewan Perwakilan Rakyat Daerah (DPRD).",
        "Kata Ketua Komisi Pemilihan Umum (KPU)",
        "Pengukuhan digelar di aula Pusat Pemerintahan Kota Tangerang (Puspemkot)",
        "Ia menyebut proyek itu molor dua bulan (lihat tabel)",
        "Warga menyebut foto yang beredar itu hoaks (tidak benar)",
        # Starts like an illustration caption, but is a sentence of the text.
        "Ilustrasi yang dipakai di baliho itu menuai protes dari warga karena dianggap "
        "tidak sesuai dengan fakta di lapangan.",
    ],
)
def test_paragraphs_ending_in_a_parenthesis_are_kept(prose: str) -> None:
    cleaned = clean_lines([LEAD, prose, LAST])
    assert cleaned.paragraphs == [LEAD, prose, LAST]
    assert cleaned.removed == []


def test_caption_after_the_signoff_is_removed_and_the_signoff_kept_apart() -> None:
    cleaned = clean_lines([LEAD, LAST + " (cr/tim k6)", "Banjir merendam jalan desa.(yud)"])
    assert cleaned.paragraphs == [LEAD, LAST]
    assert cleaned.signoff == "(cr/tim k6)"
    assert removed(cleaned) == [("Banjir merendam jalan desa.(yud)", "caption")]


def test_initials_caption_as_first_paragraph_is_removed() -> None:
    caption = "Kemacetan di ruas Jalan Raya Serpong.(shy)"
    cleaned = clean_lines([caption, "Kabar6-" + LEAD, LAST + "(yud)"])
    assert cleaned.paragraphs == [LEAD, LAST]
    assert cleaned.signoff == "(yud)"
    assert removed(cleaned) == [(caption, "caption")]


@pytest.mark.parametrize(
    ("last", "text", "signoff"),
    [
        (LAST + " (cr/tim k6)", LAST, "(cr/tim k6)"),
        (LAST + "(RAZ/RAC)", LAST, "(RAZ/RAC)"),
        (LAST + " (RMI / HRU)", LAST, "(RMI / HRU)"),
        (LAST + " (adin)", LAST, "(adin)"),
        (LAST + "(Den)", LAST, "(Den)"),
        (LAST + " (RAZ)", LAST, "(RAZ)"),  # after a sentence end: a sign-off
        ("Keputusan itu diambil oleh Komisi Pemilihan Umum (KPU)", None, None),
        ("Rapat dipimpin Sekretaris Daerah (Sekda)", None, None),
    ],
)
def test_signoff_forms(last: str, text: str | None, signoff: str | None) -> None:
    cleaned = clean_lines([LEAD, last])
    assert cleaned.paragraphs == [LEAD, text or last]
    assert cleaned.signoff == signoff


def test_signoff_alone_on_the_last_line() -> None:
    cleaned = clean_lines([LEAD, LAST, "(Tim K6)"])
    assert cleaned.paragraphs == [LEAD, LAST]
    assert cleaned.signoff == "(Tim K6)"


@pytest.mark.parametrize(
    ("line", "text", "cut"),
    [
        (
            "Sidang digelar Kamis (15/7/2017).**Baca Juga: Tiga Pelaku Curanmor Dibekuk Polisi",
            "Sidang digelar Kamis (15/7/2017).",
            "**Baca Juga: Tiga Pelaku Curanmor Dibekuk Polisi",
        ),
        (
            "Warga diminta waspada. Baca juga: Awas, Banjir Kiriman Datang Lagi..!",
            "Warga diminta waspada.",
            "Baca juga: Awas, Banjir Kiriman Datang Lagi..!",
        ),
        (
            "Harga beras naik. BACA JUGA : Stok Beras Bulog Aman. Pedagang mengeluh sepi.",
            "Harga beras naik. Pedagang mengeluh sepi.",
            "BACA JUGA : Stok Beras Bulog Aman.",
        ),
        (
            "Anggaran Rp1.5 miliar cair. Baca juga:Proyek Jalan Rp2.3 Miliar Molor",
            "Anggaran Rp1.5 miliar cair.",
            "Baca juga:Proyek Jalan Rp2.3 Miliar Molor",
        ),
    ],
)
def test_read_also_glued_to_a_paragraph_is_cut(line: str, text: str, cut: str) -> None:
    cleaned = clean_lines([LEAD, line])
    assert cleaned.paragraphs == [LEAD, text]
    assert removed(cleaned) == [(cut, "read-also-glued")]


def test_a_sentence_about_reading_is_not_a_read_also() -> None:
    line = "Ia mengajak warga membaca juga buku sejarah daerah: menurutnya itu penting."
    assert clean_lines([LEAD, line]).paragraphs == [LEAD, line]


@pytest.mark.parametrize(
    ("line", "dateline", "rest"),
    [
        ("Kaba6-Warga Pamulang mengeluh", None, "Warga Pamulang mengeluh"),  # declared
        ("Kabar6– Warga Pamulang mengeluh", None, "Warga Pamulang mengeluh"),
        ("TANGERANG-Gubernur Banten meninjau", "TANGERANG", "Gubernur Banten meninjau"),
        ("TANGSEL-Ratusan warga antre", "TANGSEL", "Ratusan warga antre"),
        ("SERANG, RADARBANTEN.CO.ID – Hujan deras", "SERANG", "Hujan deras"),
        ("TANGERANGNEWSNEWS.com-Warga Cipondoh", None, "Warga Cipondoh"),
        # Real sentences that open with upper-case words and a hyphen: kept whole.
        ("BPJS-Kesehatan membuka layanan baru", None, "BPJS-Kesehatan membuka layanan baru"),
        ("COVID-19 kembali merebak di Serang", None, "COVID-19 kembali merebak di Serang"),
        ("DPRD-Pemkot sepakat menunda rapat", None, "DPRD-Pemkot sepakat menunda rapat"),
        ("Tangerang-Merak macet total", None, "Tangerang-Merak macet total"),
    ],
)
def test_lead_variants(line: str, dateline: str | None, rest: str) -> None:
    assert split_dateline(line, ("Kaba6", "TANGERANGNEWSNEWS.com")) == (dateline, rest)


def test_a_misspelt_outlet_is_a_portal_declaration() -> None:
    from crawler.portals import get_portal

    line = "Kaba6-Warga Pamulang mengeluh"
    assert split_dateline(line) == (None, line)  # not general: another portal keeps it
    assert clean_lines([line], get_portal("kabar6").cleaning).paragraphs == [
        "Warga Pamulang mengeluh"
    ]


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("TribunBanten.com/Ahmad Tajudin", "photo-credit"),
        ("Dok/TribunBanten.com", "photo-credit"),
        ("(Istimewa / Istimewa)", "photo-credit"),
        ("(dok K6)", "photo-credit"),
        ("(@TangerangNews / Rangga Agung Zuliansyah)", "photo-credit"),
        ("Kabar6.com", "site-name"),
        ("View this post on Instagram", "embed"),
        ("A post shared by Tangerang News (@tangerangnews)", "embed"),
        ("Connect With Us", "furniture"),
        ("TODAY TAG", "furniture"),
        ("RECOMENDED", "furniture"),
        ("@tangerangnews", "furniture"),
        ("COPYRIGHT © ANTARA 2016", "furniture"),
        ("Isi komentar sepenuhnya menjadi tanggung jawab pengguna dan diatur UU ITE.", "furniture"),
        ("Cek berita dan artikel lain di Google News dan ikuti saluran WhatsApp kami",
         "follow-call"),
        ("Jumat, 1 Agustus 2025 | 14:07", "date-line"),
        ("Tim TangerangNews.com | Sabtu, 8 Juni 2024 | 22:32", "date-line"),
    ],
)  # fmt: skip
def test_furniture_and_credit_lines_are_removed(line: str, rule: str) -> None:
    cleaned = clean_lines([LEAD, line, LAST])
    assert cleaned.paragraphs == [LEAD, LAST]
    assert removed(cleaned) == [(line, rule)]


@pytest.mark.parametrize(
    "prose",
    [
        "Akun @tangerangnews sempat mengunggah video banjir itu pada Jumat pagi.",
        "Pada Jumat, 1 Agustus 2025, warga akan menggelar kerja bakti.",
        "Situs kabar6.com mencatat lonjakan pembaca selama musim mudik.",
        "Warga diminta tidak membagikan foto korban di media sosial (demi privasi).",
        "Dok/arsip keluarga menunjukkan rumah itu dibangun pada 1950.",
    ],
)
def test_prose_that_looks_like_furniture_is_kept(prose: str) -> None:
    assert clean_lines([LEAD, prose, LAST]).paragraphs == [LEAD, prose, LAST]


def test_section_names_in_capitals_go_at_the_edges_only() -> None:
    lines = ["KOTA TANGERANG", LEAD, "KRONOLOGI", MIDDLE, LAST, "PROPERTI", "TOKOH"]
    cleaned = clean_lines(lines)
    assert cleaned.paragraphs == [LEAD, "KRONOLOGI", MIDDLE, LAST]
    assert removed(cleaned) == [
        ("KOTA TANGERANG", "section-heading"),
        ("PROPERTI", "section-heading"),
        ("TOKOH", "section-heading"),
    ]


def test_teasers_after_the_text_go_with_their_date_lines() -> None:
    lines = [
        LEAD,
        LAST + " (RAZ/RAC)",
        "Pemkot Tangerang Gelar Pasar Murah di 13 Kecamatan",
        "Sabtu, 14 Maret 2026 | 13:59",
        "Pemerintah Kota Tangerang kembali menggelar pasar murah jelang Ramadan...",
    ]
    cleaned = clean_lines(lines)
    assert cleaned.paragraphs == [LEAD, LAST]
    assert cleaned.signoff == "(RAZ/RAC)"
    assert [rule for _, rule in removed(cleaned)] == [
        "teaser-title",
        "date-line",
        "teaser-summary",
    ]


def test_a_paragraph_before_a_date_line_that_is_a_sentence_is_kept() -> None:
    cleaned = clean_lines([LEAD, MIDDLE, "Senin, 3 Maret 2025 | 10:00", LAST])
    assert cleaned.paragraphs == [LEAD, MIDDLE, LAST]


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("Oleh: Siti Rahmawati, Dosen Ilmu Komunikasi Universitas Pamulang", "Siti Rahmawati"),
        ("Oleh : H. Ahmad Fauzi, S.Pd., Guru SMAN 2 Kota Serang", "H. Ahmad Fauzi"),
        ("Oleh: Redaksi", "Redaksi"),
    ],
)
def test_opinion_byline_moves_to_authors(line: str, author: str) -> None:
    cleaned = clean_lines([line, LEAD, LAST])
    assert cleaned.paragraphs == [LEAD, LAST]
    assert cleaned.authors == [author]
    assert removed(cleaned) == [(line, "opinion-byline")]


def test_a_sentence_opening_with_oleh_is_kept() -> None:
    prose = "Oleh karena itu, warga diminta melapor bila melihat genangan."
    assert clean_lines([LEAD, prose]).paragraphs == [LEAD, prose]


def test_portal_furniture_lines_are_the_portals_declaration() -> None:
    from crawler.portals import get_portal

    rules = get_portal("tangerangnews").cleaning
    assert clean_lines([LEAD, "Tangerang News", LAST]).paragraphs == [
        LEAD,
        "Tangerang News",
        LAST,
    ]
    cleaned = clean_lines([LEAD, "Tangerang News", LAST], rules)
    assert cleaned.paragraphs == [LEAD, LAST]
    assert removed(cleaned) == [("Tangerang News", "portal")]


def test_every_removal_names_its_rule_in_text_order() -> None:
    lines = [
        "Ilustrasi (bbs)",
        "SERANG - " + LEAD,
        "Baca juga: Jalan Rusak Dikeluhkan Warga",
        MIDDLE,
        "Penulis: Nur Aini | Editor: Budi",
        LAST + " (red)",
    ]
    cleaned = clean_lines(lines)
    assert cleaned.dateline == "SERANG"
    assert cleaned.signoff == "(red)"
    assert cleaned.paragraphs == [LEAD, MIDDLE, LAST]
    assert removed(cleaned) == [
        ("Ilustrasi (bbs)", "caption"),
        ("Baca juga: Jalan Rusak Dikeluhkan Warga", "read-also"),
        ("Penulis: Nur Aini | Editor: Budi", "credit"),
    ]


# --- arsip clean: the same cleaning, each removed line with its rule ------------------

PARAGRAPHS = "\n".join(
    [
        "Ilustrasi (bbs)",
        "Kaba6-" + LEAD,
        "**Baca juga: Saluran Tersumbat, Warga Kerja Bakti..!",
        "",
        MIDDLE,
        LAST + "(cr/tim k6)",
    ]
)


def test_clean_command_prints_json_with_every_removal_and_its_rule() -> None:
    import json

    from click.testing import CliRunner

    from arsip.cli import cli

    result = CliRunner().invoke(cli, ["clean", "--portal", "kabar6", "--json"], input=PARAGRAPHS)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "dateline": None,
        "body": f"{LEAD}\n\n{MIDDLE}\n\n{LAST}",
        "signoff": "(cr/tim k6)",
        "removed": [
            {"line": "Ilustrasi (bbs)", "rule": "caption"},
            {"line": "**Baca juga: Saluran Tersumbat, Warga Kerja Bakti..!", "rule": "read-also"},
        ],
    }


def test_clean_command_prints_dateline_signoff_body_and_removed_lines(tmp_path) -> None:
    from click.testing import CliRunner

    from arsip.cli import cli

    source = tmp_path / "paragraphs.txt"
    source.write_text("SERANG - " + LEAD + "\nTODAY TAG\n" + LAST + " (Tim K6)\n", "utf-8")
    result = CliRunner().invoke(cli, ["clean", "--portal", "bantennews", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "dateline: SERANG",
        "signoff: (Tim K6)",
        "",
        LEAD,
        "",
        LAST,
        "",
        "removed: 1 line",
        "  furniture  TODAY TAG",
    ]


def test_clean_command_needs_a_declared_portal() -> None:
    from click.testing import CliRunner

    from arsip.cli import cli

    result = CliRunner().invoke(cli, ["clean", "--portal", "nosuch"], input=LEAD)
    assert result.exit_code == 2 and "unknown portal 'nosuch'" in result.output
    result = CliRunner().invoke(cli, ["clean"], input=LEAD)
    assert result.exit_code == 2 and "--portal" in result.output
