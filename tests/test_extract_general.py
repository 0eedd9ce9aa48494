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


# -- the furniture guard ---------------------------------------------------------------

LEAD = (
    "Ratusan warga turun ke jalan pada Selasa pagi untuk membersihkan saluran air yang "
    "tersumbat sampah sejak awal musim hujan di kompleks perumahan mereka."
)
MIDDLE = (
    "Ketua rukun warga mengatakan kegiatan ini digelar setiap bulan agar genangan tidak "
    "lagi masuk ke rumah warga ketika hujan deras turun pada malam hari."
)
CLOSE = (
    "Pemerintah kota berjanji mengirim truk pengangkut sampah untuk membawa endapan "
    "lumpur yang sudah dikumpulkan warga di tepi jalan sejak pagi."
)
COMMENTS = [
    "Mantap sekali warga di sana, semoga kompak terus dan lingkungannya bersih dari sampah.",
    "Harusnya pemerintah yang bergerak duluan, bukan warga yang disuruh kerja bakti terus.",
    "Di tempat saya juga sama, saluran mampet dan tidak ada yang peduli sampai banjir.",
    "Setuju, dinas kebersihan harus lebih sering datang ke perumahan kami di ujung jalan.",
    "Semoga kegiatan seperti ini ditiru kelurahan lain supaya tidak banjir lagi tahun ini.",
    "Truk sampah jarang lewat di jalan kami, padahal iuran kebersihan selalu dibayar.",
    "Kerja bakti itu bagus, tapi kalau sampahnya tidak diangkut ya percuma saja nanti.",
    "Lingkungan bersih dimulai dari diri sendiri, jangan buang sampah ke selokan ya.",
]


def _article(body: str, after: str = "", wrapper: str = '<div class="isi">') -> str:
    """An unseen portal's article page: headline, date line, the text in ``wrapper``,
    and ``after`` (what the layout puts below the text)."""
    return f"""<html lang="id"><head><title>Warga Bersihkan Saluran Air</title>
<meta property="article:published_time" content="2016-02-16T14:38:00+07:00"></head>
<body><h1>Warga Bersihkan Saluran Air</h1><div class="tanggal">Selasa, 16/02/2016</div>
{wrapper}{body}</div>{after}</body></html>"""


def _read(page: str) -> list[str]:
    article = extract_article(page, "https://warta.example/berita/1/saluran", fetched_at=FETCHED)
    return (article.body or "").split("\n\n")


def _dateline(page: str) -> str | None:
    return extract_article(page, "https://warta.example/berita/1/saluran").dateline


BR_TEXT = f"<b>Serpong</b> - {LEAD}<br><br>{MIDDLE}<br><br>{CLOSE}<br>"
P_TEXT = f"<p>{LEAD}</p><p>{MIDDLE}</p><p>{CLOSE}</p>"


def test_a_comment_thread_of_paragraphs_does_not_outweigh_an_article_between_brs() -> None:
    thread = "".join(f"<p>{c}</p>" for c in COMMENTS)
    for box in ('<div class="komentar">', '<div id="comments">', '<div class="fb-comments">'):
        page = _article(BR_TEXT, f"{box}<h3>Komentar</h3>{thread}</div>")
        assert _read(page) == [LEAD, MIDDLE, CLOSE], box
        assert _dateline(page) == "Serpong"


def test_an_unnamed_comment_section_opened_by_its_heading_goes() -> None:
    thread = "".join(f"<div><p>{c}</p></div>" for c in COMMENTS)
    body = _read(_article(P_TEXT, f"<div><h3>Komentar</h3>{thread}</div>"))
    assert body == [LEAD, MIDDLE, CLOSE]


def test_related_news_tag_lists_and_author_boxes_go() -> None:
    links = '<ul><li><a href="/a">Banjir Rendam Rumah di Pamulang</a></li>'
    links += '<li><a href="/b">Saluran Tersumbat, Jalan Tergenang</a></li></ul>'
    inside = (
        f'{P_TEXT}<div class="list_terkait"><h3>Berita Terkait</h3>{links}</div>'
        '<div class="detail__body-tag"><a href="/t/banjir">banjir</a> '
        '<a href="/t/serpong">serpong</a></div>'
        '<div class="author-box"><p>Penulis adalah wartawan yang meliput Tangerang '
        "Selatan sejak tahun 2010 dan menulis soal lingkungan.</p></div>"
        f"<h4>Simak Video</h4>{links}<p><strong>Baca juga:</strong></p>{links}"
    )
    assert _read(_article(inside)) == [LEAD, MIDDLE, CLOSE]


def test_article_text_that_looks_like_furniture_stays() -> None:
    # A WordPress post wrapper carries tag-<slug> classes; a sentence starts with
    # "Terkait"; a link list without a furniture heading is part of the text.
    tagged = '<article class="post hentry tag-banjir tag-serpong">'
    said = "Terkait hal itu, camat meminta warga tidak membuang sampah ke saluran air lagi."
    links = '<ul><li><a href="/perda">Peraturan daerah tentang sampah rumah tangga</a></li></ul>'
    body = _read(_article(f"{P_TEXT}<p>{said}</p>{links}", wrapper=tagged))
    assert body == [LEAD, MIDDLE, CLOSE, said, "Peraturan daerah tentang sampah rumah tangga"]


def test_the_articles_own_wrapper_is_never_furniture() -> None:
    # A wrapper named like furniture that holds the article's paragraphs stays, and
    # so does a wrapper whose class says only a state ("has-comments").
    for wrapper in ('<div id="map-and-related">', '<div class="post has-comments">'):
        assert _read(_article(P_TEXT, wrapper=wrapper)) == [LEAD, MIDDLE, CLOSE], wrapper


def test_code_comments_in_the_text_stay() -> None:
    code = '<pre><code>git pull <span class="hljs-comment"># ambil perubahan</span></code></pre>'
    body = _read(_article(f"{P_TEXT}{code}"))
    assert any("# ambil perubahan" in line for line in body)


# -- dates never years away from the page's other evidence ----------------------------


def _old_page(date_line: str, url_path: str = "/berita/3143000/saluran", images: str = "") -> str:
    body = "".join(f"<p>{text}</p>" for text in (LEAD, MIDDLE, CLOSE))
    return f"""<html lang="id"><head><title>Warga Bersihkan Saluran Air</title></head>
<body><h1>Warga Bersihkan Saluran Air</h1><div class="tanggal">{date_line}</div>
{images}<div class="isi">{body}</div></body></html>"""


OLD_IMAGES = '<img src="https://cdn.warta.example/visual/2015/11/04/saluran.jpg">'


def _published(page: str, url: str = "https://warta.example/berita/3143000/saluran") -> str | None:
    article = extract_article(page, url, fetched_at="2026-11-20T03:00:00Z")
    return article.published_local and article.published_local[:10]


def test_a_relative_date_years_after_the_pages_images_is_not_its_date() -> None:
    # An old page read today: "2 jam yang lalu" is today, eleven years after the
    # day its images were filed; no date is better than that one.
    assert _published(_old_page("2 jam yang lalu", images=OLD_IMAGES)) is None
    # The same page with its date line: the date line is read.
    page = _old_page("Rabu, 4 November 2015 10:20 WIB", images=OLD_IMAGES)
    assert _published(page) == "2015-11-04"


def test_a_relative_date_without_other_evidence_is_read_as_before() -> None:
    assert _published(_old_page("2 jam yang lalu")) == "2026-11-20"


def test_a_date_line_a_few_months_after_the_images_stays() -> None:
    # A file photo filed months before the story: the story's own date stands.
    page = _old_page("Senin, 1 Februari 2016 09:00 WIB", images=OLD_IMAGES)
    assert _published(page) == "2016-02-01"


def test_a_yearless_body_date_is_read_in_the_year_of_the_pages_evidence() -> None:
    said = f"{LEAD[:-1]}, Rabu (4/11)."
    body = "".join(f"<p>{text}</p>" for text in (said, MIDDLE, CLOSE))
    page = f"""<html lang="id"><head><title>Saluran Air</title></head><body><h1>Saluran
Air Dibersihkan Warga Kompleks</h1>{OLD_IMAGES}<div class="isi">{body}</div></body></html>"""
    assert _published(page) == "2015-11-04"


def test_image_days_are_evidence_never_the_publication_date() -> None:
    page = _old_page("", images=OLD_IMAGES)
    article = extract_article(page, "https://warta.example/b/1/x", fetched_at=FETCHED)
    assert ("image", "2015-11-04") in article.date_hints
    assert article.published_source != "image"
