"""A tangselpos.id-like sample site, rendered from ``sites/tangselpos/articles.json``.

The markup follows what is known of the real portal (DOMAIN.md): articles at
``/detail/<id>/<slug>``, images under ``/storage/YYYY/MM/<slug>-DDMMYYYY-HHMMSS.jpg``,
a related-news feed (``TangselCity | 16 jam yang lalu``) inside the text container,
a date line, JSON-LD on most pages but not all; video and gallery pages under the same
``/detail/<id>/<slug>`` URLs as articles, in the full layout but with no article text
(an entry with ``"media": "video"`` or ``"gallery"``, see ``render_media``). Boilerplate the articles' data lists
under ``inserts`` is placed inside the text where a real page shows it. Date lines,
JSON-LD and sitemaps come from the helpers every sample site shares
(``crawler.mirror.render.base``).
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from crawler.mirror.render.base import (
    XML,
    declared_path,
    html_page,
    indonesian_date,
    json_ld_script,
    load_site_articles,
    news_article_ld,
    origin,
    site_hosts,
    sitemap_index,
    urlset,
)
from crawler.mirror.server import Page, Site
from crawler.portals import get_portal

PORTAL = get_portal("tangselpos")
HOSTS = site_hosts(PORTAL)
BASE = origin(PORTAL.home)
SITE_NAME = escape(PORTAL.site_name)
SITEMAP = declared_path(PORTAL.sitemaps[0])
PER_PAGE = 5
SITEMAP_SIZE = 20
# The feed lines of the seed article's page, as the real site showed them.
SEED_FEED = [
    ("TangselCity", "16 jam yang lalu"), ("TangselCity", "2 hari yang lalu"),
    ("TangselCity", "1 hari yang lalu"), ("Olahraga", "2 hari yang lalu"),
    ("Olahraga", "2 hari yang lalu"), ("TangselCity", "17 jam yang lalu"),
    ("TangselCity", "6 jam yang lalu"), ("Olahraga", "2 hari yang lalu"),
    ("Olahraga", "2 hari yang lalu"), ("Pos Banten", "2 hari yang lalu"),
]  # fmt: skip
AGES = ["baru saja", "5 menit yang lalu", "59 menit lalu", "6 jam yang lalu", "Kemarin",
        "16 jam yang lalu", "1 hari yang lalu", "2 hari yang lalu", "3 hari yang lalu"]  # fmt: skip
SEED_ID = 51234


def load_articles(path: str | Path | None = None) -> list[dict[str, Any]]:
    return load_site_articles("tangselpos", path)


def section_slug(section: str) -> str:
    return section.lower().replace(" ", "-")


def article_path(article: dict[str, Any]) -> str:
    return f"/detail/{article['id']}/{article['slug']}"


def date_line(published: datetime) -> str:
    """``Selasa, 16 September 2025 | 09:12 WIB``"""
    return indonesian_date(published)


def image_url(article: dict[str, Any]) -> str:
    when = datetime.fromisoformat(article["published"])
    return f"{BASE}/storage/{when:%Y/%m}/{article['slug']}-{when:%d%m%Y-%H%M%S}.jpg"


def _layout(title: str, head: str, main: str, sections: list[str]) -> bytes:
    nav = "".join(
        f'<li><a href="/kategori/{section_slug(s)}">{escape(s)}</a></li>' for s in sections
    )
    body = f"""<header class="site-header"><a class="logo" href="/">{SITE_NAME}</a>
<nav><ul class="menu"><li><a href="/">Home</a></li>{nav}</ul></nav></header>
<main class="container">
{main}
</main>
<footer class="site-footer"><p>&copy; 2025 {SITE_NAME}. Semua hak dilindungi.</p>
<p><a href="/redaksi">Redaksi</a> | <a href="/pedoman-media-siber">Pedoman Media Siber</a></p>
</footer>"""
    return html_page(title, head, body)


def _json_ld(article: dict[str, Any]) -> str:
    url = BASE + article_path(article)
    data = news_article_ld(article, url, image_url(article), PORTAL.site_name)
    return json_ld_script({"@context": "https://schema.org", **data})


def _paragraphs(article: dict[str, Any]) -> list[str]:
    """Body paragraphs as the page shows them: dateline prefix, inserts, sign-off."""
    paragraphs = [escape(p) for p in article["paragraphs"]]
    if article.get("dateline"):
        paragraphs[0] = f"<strong>{escape(article['dateline'])}</strong> - {paragraphs[0]}"
    if article.get("signoff"):
        paragraphs[-1] += escape(article["signoff"])
    blocks = [f"<p>{p}</p>" for p in paragraphs]
    for insert in sorted(article.get("inserts") or [], key=lambda i: -i["after"]):
        blocks.insert(min(insert["after"], len(blocks)), _insert_block(insert["text"]))
    return blocks


def _insert_block(text: str) -> str:
    lowered = text.lower()
    if lowered.startswith(("baca", "**baca", "lihat", "pilihan")):
        return f'<p class="baca-juga"><strong>{escape(text)}</strong></p>'
    if text.isupper():
        return f'<div class="ads-label">{escape(text)}</div>'
    return f"<p>{escape(text)}</p>"


def _feed(article: dict[str, Any], others: list[dict[str, Any]]) -> str:
    if article["id"] == SEED_ID:
        pairs = SEED_FEED
        targets = [o for o in others if o["id"] != SEED_ID][: len(pairs)]
    else:
        targets = [o for o in others if o["id"] != article["id"]][:6]
        pairs = [
            (o["section"], AGES[(article["id"] + i) % len(AGES)]) for i, o in enumerate(targets)
        ]
    items = []
    for (section, age), target in zip(pairs, targets, strict=False):
        items.append(
            f'<div class="box-feed"><a href="{article_path(target)}">'
            f'<img src="{image_url(target)}" alt="{escape(target["title"])}"></a>'
            f'<div class="feed-meta"><a href="/kategori/{section_slug(section)}">'
            f"{escape(section)}</a> | {escape(age)}</div></div>"
        )
    return "\n".join(items)


def render_article(
    article: dict[str, Any], others: list[dict[str, Any]], sections: list[str]
) -> bytes:
    published = datetime.fromisoformat(article["published"])
    url = BASE + article_path(article)
    head = [
        f'<link rel="canonical" href="{url}">',
        f'<meta name="description" content="{escape(article["paragraphs"][0][:150])}">',
        f'<meta property="og:title" content="{escape(article["title"])}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{url}">',
        f'<meta property="og:image" content="{image_url(article)}">',
    ]
    with_structured = article.get("jsonld", True)
    if with_structured:
        head.append(f'<meta property="article:published_time" content="{article["published"]}">')
        head.append(_json_ld(article))
    # Pages without structured data that mention their day in the text show no date
    # line either: the day in the text is all a reader (and arsip) gets.
    show_date = with_structured or not article.get("body_date")
    author = article.get("author")
    byline = (
        f'<span class="detail-author">Penulis: <a href="/penulis/{author.lower().replace(" ", "-")}">'
        f"{escape(author)}</a></span>"
        if author
        else ""
    )
    if article.get("editor"):
        byline += f' <span class="detail-editor">Editor: {escape(article["editor"])}</span>'
    date_html = f'<span class="detail-date">{date_line(published)}</span>' if show_date else ""
    tags = "".join(
        f'<a href="/tag/{escape(t.lower().replace(" ", "-"))}">{escape(t)}</a>'
        for t in article.get("tags") or []
    )
    main = f"""<ol class="breadcrumb"><li><a href="/">Home</a></li>
<li><a href="/kategori/{section_slug(article["section"])}">{escape(article["section"])}</a></li></ol>
<article class="detail">
<h1 class="detail-title">{escape(article["title"])}</h1>
<div class="detail-meta">{byline} {date_html}</div>
<figure class="detail-image"><img src="{image_url(article)}" alt="{escape(article["title"])}">
<figcaption>{escape(article["title"])}. (Foto: Dok. TangselPos)</figcaption></figure>
<div class="detail-text">
{chr(10).join(_paragraphs(article))}
<div class="related-feed">
{_feed(article, others)}
</div>
</div>
<div class="detail-tags">{tags}</div>
</article>"""
    return _layout(f"{article['title']} - {PORTAL.site_name}", "\n".join(head), main, sections)


def render_media(entry: dict[str, Any], others: list[dict[str, Any]], sections: list[str]) -> bytes:
    """A video or gallery page (``"media": "video"`` or ``"gallery"``) under an article
    URL (``/detail/<id>/<slug>``), in the portal's full layout as a real one keeps it:
    menu, headline, date line, then a player drawn by JavaScript with a one-line
    caption, or photos with captions, and no article text; a ``Berita Lainnya`` list
    of headlines, a ``Terpopuler`` sidebar and a footer that describes the portal. What
    a crawler following article links reads without finding an article: the generic
    readers see only menus, lists, captions and the footer."""
    url = BASE + article_path(entry)
    published = datetime.fromisoformat(entry["published"])
    head = "\n".join(
        [
            f'<link rel="canonical" href="{url}">',
            f'<meta property="og:title" content="{escape(entry["title"])}">',
            f'<meta property="og:type" content="{"video.other" if entry["media"] == "video" else "article"}">',
            f'<meta property="og:url" content="{url}">',
            '<script src="/js/video-player.js" defer></script>',
        ]
    )
    captions = entry.get("captions") or []
    if entry["media"] == "video":
        media = (
            f'<div class="detail-video"><div id="video-app" data-video="{entry["id"]}"></div>'
            + "".join(f'<p class="video-caption">{escape(c)}</p>' for c in captions[:1])
            + "</div>"
        )
    else:
        media = (
            '<div class="galeri">'
            + "".join(
                f'<div class="galeri-item"><img src="/storage/galeri/{entry["id"]}-{n}.jpg" alt="">'
                f'<div class="galeri-caption">{escape(c)}</div></div>'
                for n, c in enumerate(captions, start=1)
            )
            + "</div>"
        )
    listed = [o for o in others if o["id"] != entry["id"] and not o.get("media")]
    lainnya = "".join(
        f'<div class="box-feed"><a href="{article_path(o)}">{escape(o["title"])}</a>'
        f'<div class="feed-meta"><a href="/kategori/{section_slug(o["section"])}">'
        f"{escape(o['section'])}</a> | {AGES[(entry['id'] + i) % len(AGES)]}</div></div>"
        for i, o in enumerate(listed[:5])
    )
    popular = "".join(
        f'<li><a href="{article_path(o)}">{escape(o["title"])}</a><span>{900 - 37 * i} dibaca</span></li>'
        for i, o in enumerate(listed[5:9])
    )
    main = f"""<ol class="breadcrumb"><li><a href="/">Home</a></li>
<li><a href="/kategori/{section_slug(entry["section"])}">{escape(entry["section"])}</a></li></ol>
<div class="col-main"><div class="detail">
<h1 class="detail-title">{escape(entry["title"])}</h1>
<div class="detail-meta"><span class="detail-date">{date_line(published)}</span></div>
{media}
<div class="detail-share"><a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">WhatsApp</a></div>
</div>
<div class="box-berita-lainnya"><div class="box-title">Berita Lainnya</div>
{lainnya}</div></div>
<div class="col-side"><div class="widget-terpopuler"><div class="widget-title">Terpopuler</div>
<ol>{popular}</ol></div></div>
<div class="footer-about"><p>{SITE_NAME} adalah portal berita yang menyajikan informasi terkini
seputar Tangerang Selatan, Banten, dan sekitarnya secara cepat, akurat, dan berimbang.</p></div>"""
    return _layout(f"{entry['title']} - {PORTAL.site_name}", head, main, sections)


def _card(article: dict[str, Any]) -> str:
    published = datetime.fromisoformat(article["published"])
    return (
        f'<div class="card"><a class="card-title" href="{article_path(article)}">'
        f"{escape(article['title'])}</a>"
        f'<span class="card-meta">{escape(article["section"])} | {date_line(published)}</span></div>'
    )


def render_listing(
    title: str, path: str, articles: list[dict[str, Any]], page: int, sections: list[str]
) -> bytes:
    pages = max(1, -(-len(articles) // PER_PAGE))
    shown = articles[(page - 1) * PER_PAGE : page * PER_PAGE]
    links = []
    if page > 1:
        prev = path if page == 2 else f"{path}?page={page - 1}"
        links.append(f'<a rel="prev" href="{prev}">&laquo; Sebelumnya</a>')
    if page < pages:
        links.append(f'<a rel="next" href="{path}?page={page + 1}">Selanjutnya &raquo;</a>')
    main = (
        f'<h1 class="listing-title">{escape(title)}</h1>\n'
        + "\n".join(_card(a) for a in shown)
        + f'\n<div class="pagination">{" ".join(links)}</div>'
    )
    return _layout(f"{title} - {PORTAL.site_name}", "", main, sections)


def render_sitemaps(articles: list[dict[str, Any]]) -> dict[str, Page]:
    entries = [(BASE + article_path(a), a["published"]) for a in articles[:SITEMAP_SIZE]]
    return {
        SITEMAP: Page(sitemap_index([f"{BASE}/sitemap-news.xml"]), XML),
        "/sitemap-news.xml": Page(urlset(entries), XML),
    }


def build_site(articles: list[dict[str, Any]] | None = None) -> Site:
    """Every page of the sample site, rendered once."""
    articles = load_articles() if articles is None else articles
    sections = list(dict.fromkeys(a["section"] for a in articles))
    pages: dict[str, Page] = {
        "/robots.txt": Page(
            f"User-agent: *\nDisallow: /cari\nSitemap: {BASE}{SITEMAP}\n".encode(),
            "text/plain; charset=utf-8",
        ),
        **render_sitemaps(articles),
    }
    listings = [("Berita Terbaru", "/", articles)] + [
        (s, f"/kategori/{section_slug(s)}", [a for a in articles if a["section"] == s])
        for s in sections
    ]
    for title, path, chosen in listings:
        for page in range(1, max(1, -(-len(chosen) // PER_PAGE)) + 1):
            target = path if page == 1 else f"{path}?page={page}"
            pages[target] = Page(render_listing(title, path, chosen, page, sections))
    for article in articles:
        if article.get("media"):
            pages[article_path(article)] = Page(render_media(article, articles, sections))
        else:
            pages[article_path(article)] = Page(render_article(article, articles, sections))
    return Site(hosts=HOSTS, pages=pages)
