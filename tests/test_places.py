"""Place tagging, pure: the gazetteer, what a text says about places, what ``--place``
values mean. Sentences are shaped as Banten portals write them."""

from __future__ import annotations

import pytest

from archive.places.gazetteer import gazetteer, gazetteer_version, resolve_place
from archive.places.tagger import ABOUT, tag_places
from crawler.extract.normalise import normalise_article
from crawler.items import Article


def tags(title: str = "", dateline: str | None = None, *paragraphs: str) -> dict[str, tuple]:
    """code -> (score, role)."""
    found = tag_places(title, dateline, "\n\n".join(paragraphs))
    return {t.code: (t.score, t.role) for t in found}


# -- the gazetteer ----------------------------------------------------------------------


def test_gazetteer_holds_banten_with_official_codes():
    places = gazetteer()
    assert len(places) == 164
    levels = [p.level for p in places.values()]
    assert levels.count("provinsi") == 1 and levels.count("kecamatan") == 155
    regions = {p.code: p.name for p in places.values() if p.level in ("kabupaten", "kota")}
    assert regions == {
        "36.01": "Kabupaten Pandeglang", "36.02": "Kabupaten Lebak",
        "36.03": "Kabupaten Tangerang", "36.04": "Kabupaten Serang",
        "36.71": "Kota Tangerang", "36.72": "Kota Cilegon", "36.73": "Kota Serang",
        "36.74": "Kota Tangerang Selatan",
    }  # fmt: skip
    assert places["36"].name == "Banten"
    assert places["36.74.01"].name == "Serpong" and places["36.02.14"].name == "Rangkasbitung"
    for place in places.values():  # every kecamatan sits in a region of the list
        assert place.parent is None or place.parent in places
    assert "Tangsel" in places["36.74"].aliases


def test_gazetteer_names_its_source_and_has_a_version():
    from importlib import resources

    head = resources.files("archive.places").joinpath("banten.csv").read_text("utf-8")
    assert "Kepmendagri No 300.2.2-2138 Tahun 2025" in head
    assert "github.com/cahyadsn/wilayah" in head
    assert gazetteer_version().startswith("banten-")


# -- datelines, leads and passing mentions ----------------------------------------------


def test_dateline_weighs_most_and_short_names_count():
    found = tags(
        "KPU Tangsel Ajak Warga Cek Data Pemilih Secara Mandiri",
        "TANGSEL",
        "Komisi Pemilihan Umum (KPU) Kota Tangerang Selatan mengajak warga mengecek data "
        "pemilih secara mandiri melalui laman resmi.",
        "Sosialisasi juga digelar di kantor kelurahan di Kecamatan Serpong Utara.",
    )
    # dateline 3 + title 3 + lead 2; Serpong Utara is one passing mention.
    assert found == {"36.74": (8, "dateline"), "36.74.02": (1, "body")}
    assert found["36.74.02"][0] < ABOUT <= found["36.74"][0]


def test_lead_weighs_more_than_a_passing_mention():
    found = tags(
        "Harga Cabai Rawit Tembus Rp 80 Ribu per Kilogram",
        None,
        "Harga cabai rawit di Pasar Ciputat, Tangerang Selatan, tembus Rp 80 ribu per "
        "kilogram pada Senin (8/9/2025).",
        "Pedagang mengaku pasokan dari Rangkasbitung berkurang sejak sepekan terakhir.",
    )
    assert found["36.74.04"] == (2, "lead") and found["36.74"] == (2, "lead")
    assert found["36.02.14"] == (1, "body")


def test_body_mentions_count_up_to_three():
    paragraph = "Warga Pamulang mengeluhkan banjir."
    found = tags("Banjir", None, "Hujan deras sejak sore.", *[paragraph] * 6)
    assert found == {"36.74.06": (3, "body")}
    everywhere = tags("Banjir Rendam Pamulang", "PAMULANG", paragraph, *[paragraph] * 5)
    assert everywhere == {"36.74.06": (11, "dateline")}


def test_capitals_and_longest_names_first():
    assert tags("BANJIR RENDAM PERUMAHAN DI PONDOK AREN") == {"36.74.03": (3, "title")}
    found = tags("Ibu-ibu di Serpong Utara Olah Minyak Jelantah", None,
                 "Warga Kecamatan Serpong Utara, Tangerang Selatan, mengolah jelantah.")  # fmt: skip
    assert set(found) == {"36.74.02", "36.74"}  # neither Serpong nor Kota Tangerang


# -- ambiguity: Serang, Tangerang, Curug ------------------------------------------------


def test_serang_is_the_kabupaten_or_the_kota_the_text_names():
    kabupaten = tags(
        "Polres Serang Ringkus Dua Pencuri Kabel Telepon",
        "SERANG",
        "Satuan Reserse Kriminal Polres Serang menangkap dua pria di Kecamatan Kragilan, "
        "Kabupaten Serang, Kamis (4/9/2025) dini hari.",
    )
    assert kabupaten["36.04"][1] == "dateline" and "36.73" not in kabupaten
    assert "36.04.11" in kabupaten  # Kragilan
    kota = tags(
        "Pasar Rau Ditata Ulang",
        "SERANG",
        "Pemerintah Kota Serang mulai menata ulang kawasan Pasar Induk Rau.",
        "Pedagang dari Kecamatan Cipocok Jaya ikut dipindahkan.",
    )
    assert kota["36.73"] == (5, "dateline") and "36.04" not in kota
    assert "36.73.05" in kota


def test_serang_alone_is_banten_not_a_guess():
    found = tags(
        "Pemprov Banten Targetkan 95 Ribu Siswi Terima Vaksin HPV",
        "SERANG",
        "Pemerintah Provinsi Banten menargetkan 95 ribu siswi menerima vaksin HPV.",
    )
    assert set(found) == {"36"} and found["36"][1] == "dateline"


def test_tangerang_dateline_follows_the_kabupaten_named_in_the_lead():
    found = tags(
        "Truk Tabrak Sepeda Motor di Jalan Raya Serang Cikupa",
        "TANGERANG",
        "Kecelakaan terjadi di Jalan Raya Serang, Kecamatan Cikupa, Kabupaten Tangerang.",
    )
    # "Jalan Raya Serang" is a road, not Serang.
    assert set(found) == {"36.03", "36.03.18"} and found["36.03"][1] == "dateline"


def test_curug_is_the_kecamatan_of_the_region_named_else_nothing():
    tangerang = tags("", None, "Banjir merendam Kecamatan Curug, Kabupaten Tangerang.")
    assert set(tangerang) == {"36.03.17", "36.03"}
    serang = tags("", None, "Warga Kecamatan Curug, Kota Serang, menolak tambang pasir.")
    assert set(serang) == {"36.73.04", "36.73"}
    # A waterfall (curug) is not the kecamatan, even in Banten; Carita is one.
    assert tags("Curug Putri Carita Ramai Wisatawan", None,
                "Curug Putri di Kabupaten Pandeglang ramai.") == {
        "36.01.28": (3, "title"), "36.01": (2, "lead"),
    }  # fmt: skip
    # Named as a kecamatan but with no Banten region to say which: left out.
    assert tags("", None, "Petugas memadamkan api di Kecamatan Curug.") == {}


def test_names_of_places_elsewhere_need_their_region():
    assert tags("", None, "Warga Cisoka, Kabupaten Tangerang, memanen padi.") == {
        "36.03.05": (2, "lead"), "36.03": (2, "lead"),
    }  # fmt: skip
    assert tags("", None, "Warga Cisoka memanen padi di tengah kemarau.") == {}
    assert tags("", None, "Banjir melanda Kecamatan Cibitung, Kabupaten Bekasi.") == {}
    pandeglang = tags("", None, "Banjir melanda Kecamatan Cibitung, Kabupaten Pandeglang.")
    assert set(pandeglang) == {"36.01.27", "36.01"}


def test_cibeber_in_the_title_counts_once_the_text_names_it():
    found = tags(
        "Longsor Tutup Akses Jalan Desa di Cibeber Lebak",
        "LEBAK",
        "Tanah longsor menutup akses jalan di Kecamatan Cibeber, Kabupaten Lebak.",
    )
    assert found["36.02.19"] == (5, "title")  # not Cibeber of Kota Cilegon
    assert found["36.02"][1] == "dateline"


def test_ordinary_words_are_no_places_without_kecamatan():
    found = tags("Petir Sambar Rumah Warga", None,
                 "Petir menyambar rumah warga di Kabupaten Serang.")  # fmt: skip
    assert set(found) == {"36.04"}
    named = tags("", None, "Petir menyambar rumah warga di Kecamatan Petir, Kabupaten Serang.",
                 "Camat Petir meninjau lokasi.")  # fmt: skip
    assert named["36.04.19"] == (3, "lead")
    assert tags("", None, "Benda itu ditemukan warga Kota Tangerang.") == {"36.71": (2, "lead")}


def test_streets_markets_and_places_of_the_same_name_elsewhere():
    found = tags(
        "Harga Telur Ayam di Pasar Anyar Turun",
        "TANGERANG",
        "Harga telur ayam ras di Pasar Anyar, Kota Tangerang, turun dalam sepekan.",
        "Sampah menumpuk di Jalan Raya Jombang dekat Lebak Bulus dan Labuan Bajo.",
    )
    assert set(found) == {"36.71"}  # no Anyar (Serang), Jombang (Cilegon), Lebak, Labuan
    anyer = tags("Libur Akhir Pekan, Pantai Anyer Dipadati Wisatawan", "SERANG",
                 "Pantai Anyer di Kabupaten Serang dipadati wisatawan.")  # fmt: skip
    assert anyer["36.04.30"] == (5, "title")  # Anyer: how people write Anyar


def test_a_regency_name_is_the_regency_unless_kecamatan_says_otherwise():
    assert set(tags("Guru Honorer di Pandeglang Menanti Kejelasan Status")) == {"36.01"}
    assert set(tags("", None, "Pasar di Kecamatan Pandeglang direnovasi.")) == {"36.01.21"}


def test_tangerang_raya_is_the_tangerang_the_article_is_about():
    found = tags(
        "Ratusan Pebulu Tangkis Muda Ikuti Kejuaraan di Tangsel",
        "TANGSEL",
        "Peserta berasal dari klub-klub di Tangerang Raya, Jakarta, Bogor, dan Depok.",
    )
    assert set(found) == {"36.74"}
    assert set(tags("", None, "Sebanyak 87 desa di Tangerang Raya rawan banjir.")) == {"36"}


def test_names_right_after_punctuation_or_digits_are_read():
    # Place names are found wherever a word starts, not only after a space.
    assert tags("Banjir", None, "Lokasi:Pamulang.") == {"36.74.06": (2, "lead")}
    assert tags("Banjir", None, "Posko 3(PAMULANG) dibuka.") == {"36.74.06": (2, "lead")}
    assert tags("Banjir", None, "Posko 3Pamulang dibuka.") == {}


def test_an_article_about_elsewhere_has_no_places():
    assert tags("Kemenkes Minta Warga Waspadai DBD", "JAKARTA",
                "Kementerian Kesehatan mengimbau masyarakat di Bandung dan Bogor.") == {}  # fmt: skip


def test_normalisation_tags_the_article():
    article = Article(
        url="https://www.tangselpos.id/detail/1/x",
        portal="tangselpos",
        title="Hujan Deras Semalaman, Perumahan di Pamulang Terendam Banjir",
        dateline="PAMULANG",
        body="Puluhan rumah di Kecamatan Pamulang, Tangerang Selatan, terendam banjir.",
        date_hints=[("meta", "2025-09-01T07:45:00+07:00")],
    )
    places = normalise_article(article).places
    assert places == [
        {"code": "36.74.06", "score": 8, "role": "dateline"},
        {"code": "36.74", "score": 2, "role": "lead"},
    ]
    assert normalise_article(article).to_record()["places"] == places


# -- what --place values mean -----------------------------------------------------------


@pytest.mark.parametrize(
    "value, code",
    [
        ("36.74", "36.74"), ("Tangsel", "36.74"), ("kota tangerang selatan", "36.74"),
        ("Kab. Tangerang", "36.03"), ("Kabupaten Tangerang", "36.03"),
        ("KOTA SERANG", "36.73"), ("Kecamatan Serang", "36.73.01"), ("Pandeglang", "36.01"),
        ("rangkas", "36.02.14"), ("Banten", "36"), ("Anyer", "36.04.30"),
    ],
)  # fmt: skip
def test_place_values_are_codes_names_or_short_names(value, code):
    assert resolve_place(value).code == code


@pytest.mark.parametrize(
    "value, message",
    [
        ("Serang", "'Serang' is ambiguous: Kabupaten Serang (36.04), Kota Serang (36.73)"),
        ("Curug", "Kecamatan Curug, Kabupaten Tangerang (36.03.17), "
                  "Kecamatan Curug, Kota Serang (36.73.04)"),
        ("Bogor", "no Banten place is called 'Bogor'"),
    ],
)  # fmt: skip
def test_unknown_or_ambiguous_place_values_say_why(value, message):
    with pytest.raises(ValueError) as error:
        resolve_place(value)
    assert message in str(error.value)
