"""Rules of the page reader measured on the development sets, on pages written here."""

from __future__ import annotations

from crawler.extract import extract_article
from crawler.extract.language import guess_language
from crawler.extract.page import read_page

FETCHED = "2026-01-10T03:00:00Z"


def _page(h1: str, headline: str, lang: str = ' lang="id"', extra: str = "") -> str:
    return f"""<html{lang}><head><title>{headline} - Warta Contoh</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{headline}",
"datePublished": "2026-01-08T10:00:00+07:00"}}</script></head>
<body><h1>{h1}</h1>{extra}<div class="isi"><p>{"Warga desa berkumpul di balai desa. " * 8}</p>
<p>{"Kepala desa menyampaikan rencana pembangunan jalan. " * 6}</p></div></body></html>"""


def test_h1_with_display_colon_gives_way_to_the_structured_headline() -> None:
    page = _page("IHSG Hari Ini: Sempat Tembus 9.000?", "IHSG Hari Ini Sempat Tembus 9.000")
    assert read_page(page, "https://warta.example/a").title == "IHSG Hari Ini Sempat Tembus 9.000"


def test_h1_with_other_wording_keeps_the_h1() -> None:
    page = _page("Mobile UX Design: The Ultimate Guide", "Mobile UX Design - The Ultimate Guide")
    assert (
        read_page(page, "https://warta.example/a").title == "Mobile UX Design: The Ultimate Guide"
    )


def test_language_guess() -> None:
    assert guess_language("Warga yang datang di balai desa dan kepala desa itu juga") == "id"
    assert guess_language("The people of the village and the mayor came to the hall with") == "en"
    assert guess_language("") == "id"


def test_undeclared_english_page_keeps_its_utc_day() -> None:
    body = "<p>" + "The council met in the town hall and the mayor spoke to the residents. " * 6
    page = f"""<html><head><meta property="article:published_time"
content="2025-12-18T22:37:57Z"></head><body><h1>Council meets on the new road plan</h1>
<div class="content">{body}</p></div></body></html>"""
    article = extract_article(page, "https://news.example/council", fetched_at=FETCHED)
    assert article.language == "en"
    assert article.published_local and article.published_local.startswith("2025-12-18")


def test_date_line_under_the_headline_is_read_as_text() -> None:
    page = _page(
        "Warga Berkumpul di Balai Desa Membahas Jalan",
        "Warga Berkumpul di Balai Desa Membahas Jalan",
        extra='<div class="post-date">Kamis, 8 Januari 2026 10:00 WIB</div>',
    ).replace('"datePublished": "2026-01-08T10:00:00+07:00"', '"x": 1')
    article = extract_article(page, "https://warta.example/b", fetched_at=FETCHED)
    assert article.published_source == "text"
    assert article.published_local == "2026-01-08T10:00:00+07:00"


def _undated_english_page(byline: str) -> str:
    body = "<p>" + "The council met in the town hall and the mayor spoke to the residents. " * 6
    return f"""<html lang="en"><head><title>Council meets</title></head><body>
<div class="sidebar"><p>Our archive since 2010</p></div>
<h1>Council meets on the new road plan</h1><div><span>{byline}</span></div>
<div class="content">{body}</p><p>The vote of March 3, 2025 decided the plan after the mayor spoke for an hour.</p></div>
</body></html>"""


def test_page_without_any_date_takes_its_first_short_day_line() -> None:
    page = _undated_english_page("By Ann Lee · Published on Oct 21, 2025 · 4 min read")
    article = extract_article(page, "https://news.example/council", fetched_at=FETCHED)
    assert article.published_source == "text"
    assert article.published_local and article.published_local.startswith("2025-10-21")


def test_a_day_mentioned_in_a_sentence_is_not_the_publication_date() -> None:
    page = _undated_english_page("By Ann Lee")
    article = extract_article(page, "https://news.example/council", fetched_at=FETCHED)
    assert article.published_at is None


def test_dominant_paragraph_container_is_the_body() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the report on the new road through the village and its cost.</p>"
        for i in range(30)
    )
    page = f"""<html lang="en"><body><h1>The new road plan of the village council</h1>
<ul class="menu"><li><a href="/a">Home</a></li><li><a href="/b">News</a></li></ul>
<div class="story">{paragraphs}</div><div class="footer"><p>Copyright the publisher.</p></div>
</body></html>"""
    body = read_page(page, "https://news.example/road").body or ""
    assert body.startswith("Paragraph 0 of the report")
    assert body.endswith(
        "Paragraph 29 of the report on the new road through the village and its cost."
    )
    assert "Home" not in body and "Copyright" not in body


def _titled_page(title: str, og_title: str = "", h1: str = "") -> str:
    og = f'<meta property="og:title" content="{og_title}">' if og_title else ""
    heading = f"<h1>{h1}</h1>" if h1 else ""
    return f"""<html lang="en"><head><title>{title}</title>{og}</head><body>{heading}
<div class="content"><p>{"The council met in the town hall and the mayor spoke. " * 8}</p>
</div></body></html>"""


def test_site_name_on_any_top_level_domain_is_cut() -> None:
    page = _titled_page("How to Make a Good Game Without Mistakes | GameMaker")
    title = read_page(page, "https://gamemaker.io/page/good-game").title
    assert title == "How to Make a Good Game Without Mistakes"


def test_site_name_inside_the_host_name_is_cut() -> None:
    page = _titled_page("Top Five Payroll Tools for Small Teams | DianaHR")
    title = read_page(page, "https://www.getdianahr.com/blog/payroll").title
    assert title == "Top Five Payroll Tools for Small Teams"


def test_short_label_after_a_full_headline_is_cut() -> None:
    page = _titled_page("How meditation rewires brains and improves health | Opinion")
    title = read_page(page, "https://www.paper.example/story/1").title
    assert title == "How meditation rewires brains and improves health"


def test_short_headline_keeps_its_second_part() -> None:
    page = _titled_page("Zero Waste - A Beginner's Guide")
    assert read_page(page, "https://shop.example/zero").title == "Zero Waste - A Beginner's Guide"


def test_h1_naming_the_site_is_not_the_headline() -> None:
    page = _titled_page(
        "Choosing a Web framework - Jan's Notes", "Choosing a Web framework", "Jan's Notes"
    )
    assert read_page(page, "https://notes.example/p/web").title == "Choosing a Web framework"


def test_h1_with_a_date_line_gives_the_publisher_headline() -> None:
    page = _titled_page(
        "Preparing a transition in the build farm | Notes",
        "Preparing a transition in the build farm",
        "Dec 18 2025 Preparing a transition in the build farm",
    )
    title = read_page(page, "https://notes.example/p/farm").title
    assert title == "Preparing a transition in the build farm"


def test_family_class_outside_the_article_paragraphs_is_not_the_body() -> None:
    # ``.post-content`` is a family's body class, here used by a theme for a sidebar.
    sidebar = "<p>" + "Listen to our podcast episode about the smart home market. " * 5 + "</p>"
    paragraphs = "".join(
        f"<p>Paragraph {i} on how households weigh the risks of connected devices.</p>"
        for i in range(30)
    )
    page = f"""<html lang="en"><body><h1>Smart home risks and what buyers think</h1>
<aside><div class="post-content">{sidebar}</div></aside>
<div class="article-text">{paragraphs}</div></body></html>"""
    body = read_page(page, "https://shop.example/smart-home").body or ""
    assert body.startswith("Paragraph 0 on how households")
    assert "podcast" not in body


AGREED = "Banjir Rendam Ratusan Rumah di Pamulang - Warga Mengungsi"


def _stated_page(h1: str, title: str, og_title: str, headline: str) -> str:
    return f"""<html lang="id"><head><title>{title}</title>
<meta property="og:title" content="{og_title}"><meta property="og:site_name" content="Kabar Pamulang">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{headline}"}}</script>
</head><body><h1>{h1}</h1><div class="isi"><p>{"Air setinggi lutut masuk ke rumah warga. " * 8}</p>
</div></body></html>"""


def test_a_title_every_source_agrees_on_is_kept_whole() -> None:
    page = _stated_page(AGREED, AGREED, AGREED, AGREED)
    assert read_page(page, "https://kabarpamulang.example/banjir-rendam").title == AGREED
    # The document title may add the site's name: that still goes, the rest stays.
    page = _stated_page(AGREED, f"{AGREED} | Kabar Pamulang", AGREED, AGREED)
    assert read_page(page, "https://kabarpamulang.example/banjir-rendam").title == AGREED


def test_a_tail_one_stated_title_lacks_is_a_label() -> None:
    page = _stated_page(AGREED, AGREED, AGREED, "Banjir Rendam Ratusan Rumah di Pamulang")
    title = read_page(page, "https://kabarpamulang.example/banjir-rendam").title
    assert title == "Banjir Rendam Ratusan Rumah di Pamulang"
