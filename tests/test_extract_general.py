"""Generalisation to portals nobody declared: the leave-one-portal-out reading of the
quality bench, the furniture guard of the generic readers (comments, related news,
tag lists, author boxes, ``Simak Video`` and ``Baca juga`` boxes), and publication
dates checked against the page's other evidence. Each rule has pages where the block
must go and pages where look-alike article text must stay; the pages are written here."""

from __future__ import annotations

from crawler.extract import extract_article
from crawler.extract.families import FAMILIES, active_families, held_out
from crawler.extract.quality import arsip_extractor

FETCHED = "2026-01-10T03:00:00Z"

DETIK_PAGE = """<html lang="id"><head><title>Jalan Desa Diperbaiki</title>
<meta name="publishdate" content="2025/07/03 08:43:53"></head><body>
<h1>Jalan Desa Diperbaiki</h1>
<div class="detail__body-text">
<p>Pemerintah kabupaten memperbaiki ruas jalan desa yang rusak sepanjang tiga kilometer
menjelang musim hujan tahun ini, kata kepala dinas kepada wartawan.</p>
<p>Perbaikan ditargetkan rampung dalam dua pekan dengan anggaran yang sudah disiapkan
sejak awal tahun, sehingga warga dapat kembali melintas dengan aman.</p>
</div></body></html>"""


def test_held_out_turns_off_the_families_written_for_the_site() -> None:
    assert {f.name for f in FAMILIES if f.written_for("https://news.detik.com/x")} == {"detik"}
    assert not any(f.written_for("https://notdetik.com/x") for f in FAMILIES)
    with held_out("https://regional.kompas.com/read/2016/01/01/x") as names:
        assert names == ("kompas",)
        assert "kompas" not in {f.name for f in active_families()}
    assert active_families() == FAMILIES
    # CMS themes name no site: never held out.
    assert all(not f.sites for f in FAMILIES if f.name.startswith("wordpress"))


def test_leave_one_out_reads_a_family_page_as_an_unseen_portal() -> None:
    url = "https://news.detik.com/berita/d-1/jalan-desa-diperbaiki"
    plain = extract_article(DETIK_PAGE, url, fetched_at=FETCHED)
    assert plain.body_source == "family"
    with held_out(url):
        unseen = extract_article(DETIK_PAGE, url, fetched_at=FETCHED, declared=False)
    assert unseen.body_source == "generic"
    assert unseen.body == plain.body
    prediction = arsip_extractor(FETCHED, leave_out=True)(DETIK_PAGE.encode(), url)
    assert prediction.body == plain.body


def test_leave_one_out_ignores_the_declared_portal() -> None:
    url = "https://www.tangselpos.id/detail/51234/jalan-desa-diperbaiki"
    assert extract_article(DETIK_PAGE, url, fetched_at=FETCHED).portal == "tangselpos"
    generic = extract_article(DETIK_PAGE, url, fetched_at=FETCHED, declared=False)
    assert generic.portal == "www.tangselpos.id"
