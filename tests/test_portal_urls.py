"""The URL shapes of the real sites, classified by the shipped declarations: which portal
owns each URL and what it is to that portal (``crawler.portals.explain_url``), and
``arsip explain``, which prints the same.

Every URL below was seen on the real site, in a public copy of one of its pages or in
public code that names it; ``docs/portals/<portal>.md`` gives each one's source. Where
only the shape is known (a placeholder slug), the comment says so."""

from __future__ import annotations

import json

import pytest

from crawler.portals import all_portals, explain_url, portal_for_url
from tests.conftest import run_cli
from tests.test_portals import declared_modules

SHAPES = [
    # bantenhits: dated permalinks on the bare host; a Joomla-era path of the old site.
    ("https://bantenhits.com/2021/06/23/mengenal-alina-gadis-cantik-di-cilegon-getol-bereksperimen-hingga-bermimpi-jadi-entrepreneur-sukses-di-tanah-air/", "bantenhits", "article"),  # noqa: E501
    ("https://bantenhits.com/2018/09/17/contoh-judul-berita/", "bantenhits", "article"),  # shape
    ("https://bantenhits.com/feed", "bantenhits", "feed"),
    ("https://bantenhits.com/", "bantenhits", "listing"),
    ("http://www.bantenhits.com/mega-pilgub/read?limit=14&format=feed", "bantenhits", "other"),
    # bantennews: post-name permalinks on www; tagDiv category, author and tag archives.
    ("https://www.bantennews.co.id/pemkab-serang-pastikan-pelayanan-hotel-laksanakan-prokes/", "bantennews", "article"),  # noqa: E501
    ("https://www.bantennews.co.id/generasi-milenial-mudah-alami-gangguan-mental/", "bantennews", "article"),  # noqa: E501
    ("https://www.bantennews.co.id/category/bisnis/", "bantennews", "listing"),
    ("https://www.bantennews.co.id/category/kesehatan/", "bantennews", "listing"),
    ("https://www.bantennews.co.id/author/redaksi-2/", "bantennews", "other"),
    ("https://www.bantennews.co.id/tag/pantai-anyer/", "bantennews", "other"),
    ("https://www.bantennews.co.id/wp-content/uploads/2021/12/WhatsApp-Image-2021-12-27-at-14.08.19.jpeg", "bantennews", "other"),  # noqa: E501
    ("https://fesbukbantennews.com/id/2020/03/page/4", None, "other"),
    ("https://distrikbantennews.com/page/151/", None, "other"),
    # biem: served from www.biem.co, /read/YYYY/MM/DD/<id>/<slug>/; uploads under wp-content.
    ("https://www.biem.co/read/2026/07/01/114728/exciting-banten-festival-2026-diserbu-pengunjung-anyer-dipadati-wisatawan/", "biem", "article"),  # noqa: E501
    ("https://www.biem.co/wp-content/uploads/2019/12/ip-man-4.jpg", "biem", "other"),
    ("https://www.biem.co/sitemap.xml", "biem", "sitemap"),
    ("https://www.biem.co/", "biem", "listing"),
    # kabar6: post-name permalinks on the bare host; nested categories; print and
    # tagDiv filter variants of the listings, which are not paged through.
    ("https://kabar6.com/gunung-krakatau-siaga-pemkab-serang-pastikan-wisata-pantai-anyer-dan-cinangka-aman-dikunjungi/", "kabar6", "article"),  # noqa: E501
    ("https://kabar6.com/banjir-di-tangsel-meluas-perumahan-bsd-terendam/", "kabar6", "article"),
    ("http://kabar6.com/category/tangerang-raya/tangerang-selatan/page/1140/", "kabar6", "listing"),
    ("https://kabar6.com/category/banten/serang/page/429/", "kabar6", "listing"),
    ("https://kabar6.com/category/tangerang-raya/tangerang-kota/page/775/", "kabar6", "listing"),
    ("https://kabar6.com/category/tangerang-raya/page/2945/?Itemid=148&print=print-search", "kabar6", "other"),  # noqa: E501
    ("https://kabar6.com/category/banten/rangkas-bitung/?filter_by=popular7", "kabar6", "other"),
    ("https://kabar6.com/tag/puspemkab-tangerang/page/2/", "kabar6", "other"),
    ("https://kabar6.com/author/redaksi/page/32/", "kabar6", "other"),
    ("https://kabar6.com/redaksi/", "kabar6", "other"),
    ("https://kabar6.com/wp-content/uploads/IMG-20240627-WA00001.jpg", "kabar6", "other"),
    ("https://kabar6.com/feed/", "kabar6", "feed"),
    ("https://kabar6.com/sitemap_index.xml", "kabar6", "sitemap"),
    ("https://kabar6.com/post-sitemap2.xml", "kabar6", "sitemap"),
    # kabarbanten: Pikiran Rakyat network paths, ?page=all; the network's other sites.
    ("https://kabarbanten.pikiran-rakyat.com/seputar-banten/pr-5910413002/naker-fest-kabupaten-serang-dibuka-september-cek-loker-dalam-dan-luar-negeri?page=all", "kabarbanten", "article"),  # noqa: E501
    ("https://kabarbanten.pikiran-rakyat.com/seputar-banten/pr-5910345075/bmpp-siap-kolaborasi", "kabarbanten", "article"),  # noqa: E501
    ("https://kabarbanten.pikiran-rakyat.com/rss", "kabarbanten", "feed"),
    ("https://kabarbanten.pikiran-rakyat.com/", "kabarbanten", "listing"),
    ("https://www.pikiran-rakyat.com/", None, "other"),
    # radarbanten: dated on www, undated older articles, the tv. subsite, the CDN.
    ("https://www.radarbanten.co.id/2025/10/17/koran-radar-banten-hari-ini-polemik-kepsek-sman-1-cimarga-hingga-protes-truk-muatan-besar/", "radarbanten", "article"),  # noqa: E501
    ("https://www.radarbanten.co.id/2024/11/02/puting-beliung-menggulung-cikamunding/", "radarbanten", "article"),  # noqa: E501
    ("https://www.radarbanten.co.id/contoh-judul-berita-lama/", "radarbanten", "article"),  # shape
    ("http://tv.radarbanten.co.id/2024/10/03/dishub-bakal-kaji-kebutuhan-angkutan-ke-puspemkab-serang/", None, "other"),  # noqa: E501
    ("https://radarbanten.co.id/feed", "radarbanten", "feed"),
    ("https://www.radarbanten.co.id/feed", "radarbanten", "feed"),
    ("https://www.radarbanten.co.id/wp-content/uploads/2019/01/Loogo-copy.png", "radarbanten", "other"),  # noqa: E501
    ("https://i0.wp.com/www.radarbanten.co.id/wp-content/uploads/2024/11/IMG.jpg", None, "other"),
    # satelitnews: /<id>/<slug>/ on www.
    ("https://www.satelitnews.com/161281/kunjungan-ke-anyer-cinangka-tembus-sebanyak-273-158-wisatawan/", "satelitnews", "article"),  # noqa: E501
    ("https://www.satelitnews.com/wp-content/uploads/2025/07/avatarr-3.jpg", "satelitnews", "other"),
    ("https://www.satelitnews.com/", "satelitnews", "listing"),
    # tangerangnews: /<section>/read/<id>/<Slug>, with and without www, old lower-case slugs.
    ("https://www.tangerangnews.com/kota-tangerang/read/49500/Pembukaan-POPDA-XI-Banten-di-Stadion-Benteng-Tangerang-Warga-Kecewa-Cuma-Lihat-Belakang-Panggung", "tangerangnews", "article"),  # noqa: E501
    ("https://tangerangnews.com/tangsel/read/14496/Wali-Kota-Tangsel-Diminta-Selesaikan-Sengketa-Tanah-yang-dicomot-Alam-Sutera", "tangerangnews", "article"),  # noqa: E501
    ("http://tangerangnews.com/bandara/read/5156/penyelundupan-daging-trenggiling-senilai-rp-2-3-miliar-digagalkan", "tangerangnews", "article"),  # noqa: E501
    ("https://www.tangerangnews.com/nasional/read/331/Korban-Situ-Gintung-Memilih-di-TPS-23", "tangerangnews", "article"),  # noqa: E501
    ("https://www.tangerangnews.com/page/search?q=banjir", "tangerangnews", "other"),
    ("https://tangerangnews.com/assets/uploaded/photo/2021/10/12/c55b2b8691807b5ba6e5b8a25d738ce9.jpg", "tangerangnews", "other"),  # noqa: E501
    ("https://kabartangerangnews.com/2026/05/01/", None, "other"),
    # tangselpos: /detail/<id>/<slug>, with and without www; images under /storage/.
    ("https://www.tangselpos.id/detail/14071/tangani-banjir-kali-ciater-segmen-laverde-serpong-park-dilebarkan-dan-dibangun-turap", "tangselpos", "article"),  # noqa: E501
    ("https://tangselpos.id/detail/55538/jadwal-padat-menanti-persija-shin-tae-yong-prioritaskan-kebugaran-pemain", "tangselpos", "article"),  # noqa: E501
    ("https://www.tangselpos.id/storage/2024/11/sd-negeri-atau-swasta-harusnya-semua-gratis-12112024-095250.jpg", "tangselpos", "other"),  # noqa: E501
    ("https://www.hariantangsel.com/banjir-luas-tangerang-selatan-terdampak", None, "other"),
    # tribunbanten: /YYYY/MM/DD/<slug> (?page=N), the news sitemap, other Tribun editions.
    ("https://banten.tribunnews.com/2023/03/28/tawuran-perang-sarung-marak-di-kabupaten-serang-saat-ramadan-33-remaja-diamankan?page=2", "tribunbanten", "article"),  # noqa: E501
    ("https://banten.tribunnews.com/2022/03/01/luapan-sungai-di-ciomas-merendam-rumah-warga-jembatan-banjir-akses-jalan-terputus", "tribunbanten", "article"),  # noqa: E501
    ("https://banten.tribunnews.com/ajax/latest_section?start=0&section=41", "tribunbanten", "other"),
    ("https://banten.tribunnews.com/sitemap.xml", "tribunbanten", "sitemap"),
    ("https://banten.tribunnews.com/sitemap_news.xml", "tribunbanten", "sitemap"),
    ("https://wartakota.tribunnews.com/", None, "other"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "portal", "kind"), SHAPES)
def test_real_url_shapes_classify_right(url, portal, kind):
    found = explain_url(url)
    assert (found.portal, found.kind) == (portal, kind), found.rule


def test_every_shipped_portal_has_real_shapes():
    """Each shipped portal has at least one real article URL above."""
    articles = {portal for _, portal, kind in SHAPES if kind == "article"}
    assert set(declared_modules()) <= articles


@pytest.mark.parametrize(
    ("url", "alternative"),
    [
        (
            "https://www.radarbanten.co.id/2024/11/02/puting-beliung-menggulung-cikamunding/",
            "dated",
        ),
        ("https://www.radarbanten.co.id/contoh-judul-berita-lama/", "undated"),
    ],
)
def test_the_rule_names_the_alternative_that_matched(url, alternative):
    assert explain_url(url).rule.startswith(f"article_url ({alternative}): ")


def test_a_foreign_subsite_is_named_by_the_portal_that_excludes_it():
    rule = explain_url("http://tv.radarbanten.co.id/2024/10/03/dishub-bakal-kaji/").rule
    assert rule == "radarbanten foreign_hosts: tv.radarbanten.co.id is not radarbanten"


def test_explain_prints_one_json_object_per_url():
    urls = [url for url, _, _ in SHAPES[:3]] + ["http://tv.radarbanten.co.id/2024/10/03/x-y/"]
    result = run_cli("explain", "--json", *urls)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["url"], o["portal"], o["kind"]) for o in lines] == [
        *[(url, portal, kind) for url, portal, kind in SHAPES[:3]],
        (urls[-1], None, "other"),
    ]
    assert all(set(o) == {"url", "portal", "kind", "rule"} and o["rule"] for o in lines)


def test_explain_says_portal_kind_and_rule():
    url = "https://bantenhits.com/2021/06/23/mengenal-alina-gadis-cantik-di-cilegon/"
    result = run_cli("explain", url, "https://example.org/berita/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        url,
        "  bantenhits: article",
        f"  article_url: {all_portals()['bantenhits'].article_url}",
        "https://example.org/berita/",
        "  (no portal): other",
        "  no declared portal's domains hold example.org",
    ]


def test_explain_without_a_url_is_a_usage_error():
    result = run_cli("explain")
    assert result.returncode == 2 and "Missing argument" in result.stderr


def test_the_owner_of_a_host_follows_the_declared_portals(tmp_path, monkeypatch):
    """``portal_for_url`` remembers the owner of each host it was asked about, for the
    portals it found it among: a portal declared later owns its host once the
    declarations are read again, and the shipped ones keep theirs."""
    url = "https://www.kabarbaru.example/berita/12/banjir-pamulang"
    (tmp_path / "kabarbaru_portal.py").write_text(
        "from dataclasses import replace\n"
        "from crawler.portals.bantenhits import PORTAL as BANTENHITS\n"
        "PORTAL = replace(BANTENHITS, name='kabarbaru', domains=('kabarbaru.example',))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    all_portals.cache_clear()
    try:
        assert portal_for_url(url) is None
        assert portal_for_url(url) is None  # asked again: the remembered answer
        monkeypatch.setenv("ARSIP_PORTALS_MODULE", "kabarbaru_portal")
        all_portals.cache_clear()
        assert portal_for_url(url).name == "kabarbaru"
        assert portal_for_url("https://BantenHits.com/feed").name == "bantenhits"
        assert portal_for_url("https://tv.radarbanten.co.id/video/1") is None  # foreign
    finally:
        monkeypatch.delenv("ARSIP_PORTALS_MODULE", raising=False)
        all_portals.cache_clear()
    assert portal_for_url(url) is None
