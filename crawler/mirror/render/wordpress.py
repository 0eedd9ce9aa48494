"""WordPress sample sites: the default theme markup (kabar6, radarbanten, bantenhits),
tagDiv's Newspaper theme (bantennews) and JNews (satelitnews).

What all three share, as on real WordPress portals: post-name (or dated) permalinks,
``/category/<slug>/page/N/`` listings, Yoast's ``/sitemap_index.xml`` (each child with
its ``<lastmod>``) -> ``/post-sitemap.xml``, ``/post-sitemap2.xml``... (+ a category
sitemap of non-articles), ``/feed/``, a Yoast-like JSON-LD ``@graph``,
``article:published_time``, and a ``rel=next`` / post navigation that links the next
*story*. Credit lines (``Editor: ...``) close the text.
"""

from __future__ import annotations

from html import escape

from crawler.mirror.render.base import (
    XML,
    Article,
    PortalSite,
    body_pages,
    has_credit,
    html_page,
    indonesian_date,
    insert_kind,
    json_ld_script,
    lastmod,
    news_article_ld,
    og_head,
    paged_sitemaps,
    published,
    sitemap_index,
    slugify,
    urlset,
)
from crawler.mirror.server import Page


class WordPressSite(PortalSite):
    category_base = "/category/"
    rel_next_story = False
    """The page's ``<link rel=next>`` names the next story (kabar6, biem)."""
    sitemap_size = 3
    """Posts per ``post-sitemapN.xml`` (Yoast's is 1,000; small, so that the samples
    have several)."""

    def article_path(self, article: Article) -> str:
        return f"/{article['slug']}/"

    def section_path(self, section: str) -> str:
        return f"{self.category_base}{slugify(section)}/"

    def listing_target(self, path: str, page: int) -> str:
        return path if page == 1 else f"{path}page/{page}/"

    def discovery(self) -> dict[str, Page]:
        # Yoast: posts oldest first in pages of ``sitemap_size``, each with its lastmod
        # in the index.
        posts = [(self.url(a), lastmod(a)) for a in reversed(self.articles)]
        rows, children = paged_sitemaps(
            posts,
            self.sitemap_size,
            lambda n: f"{self.base}/post-sitemap{n if n > 1 else ''}.xml",
        )
        newest = self.articles[0]["published"]
        categories = [(self.base + self.section_path(s), newest) for s in self.sections]
        rows.append((f"{self.base}/category-sitemap.xml", newest))
        return {
            self.sitemap_path: Page(sitemap_index(rows), XML),
            **{url.removeprefix(self.base): Page(body, XML) for url, body in children.items()},
            "/category-sitemap.xml": Page(urlset(categories), XML),
            **self.feed(),
        }

    # -- markup ------------------------------------------------------------------------

    def layout(self, title: str, head: str, main: str) -> bytes:
        nav = "".join(
            f'<li class="menu-item"><a href="{self.section_path(s)}">{escape(s)}</a></li>'
            for s in self.sections
        )
        body = f"""<div id="page" class="site">
<header id="masthead" class="site-header"><p class="site-title"><a href="/" rel="home">{escape(self.site_name)}</a></p>
<nav class="main-navigation"><ul class="menu"><li class="menu-item"><a href="/">Home</a></li>{nav}</ul></nav></header>
<div id="content" class="site-content"><main id="main" class="site-main">
{main}
</main>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">Berita Terkini</h2><ul>
{"".join(f'<li><a href="{self.article_path(a)}">{escape(a["title"])}</a></li>' for a in self.listed[:5])}
</ul></section></aside></div>
<footer class="site-footer"><div class="site-info">&copy; 2025 {escape(self.site_name)}. <a href="/redaksi/">Redaksi</a> | <a href="/pedoman-media-siber/">Pedoman Media Siber</a></div></footer>
</div>"""
        return html_page(title, head, body)

    def head(self, article: Article) -> str:
        url = self.url(article)
        tags = og_head(article, url, self.image_url(article), self.site_name)
        if article.get("jsonld", True):
            tags.append(
                f'<meta property="article:published_time" content="{article["published"]}">'
            )
            tags.append(f'<meta property="article:section" content="{escape(article["section"])}">')
            tags.append(json_ld_script(self.yoast_graph(article)))
        newer, older = self.neighbours(article)
        if self.rel_next_story and older:
            # The trap: WordPress's adjacent-post link, not page 2 of this story.
            tags.append(f'<link rel="next" href="{self.url(older)}">')
        if self.rel_next_story and newer:
            tags.append(f'<link rel="prev" href="{self.url(newer)}">')
        return "\n".join(tags)

    def yoast_graph(self, article: Article) -> dict:
        url = self.url(article)
        node = news_article_ld(article, url, self.image_url(article), self.site_name, "Article")
        node["@id"] = f"{url}#article"
        node["isPartOf"] = {"@id": url}
        return {
            "@context": "https://schema.org",
            "@graph": [
                node,
                {"@type": "WebPage", "@id": url, "url": url, "name": article["title"]},
                {"@type": "WebSite", "@id": f"{self.base}/#website", "name": self.site_name},
            ],
        }

    def insert_html(self, text: str) -> str:
        kind = insert_kind(text)
        if kind == "read-also":
            label, _, rest = text.partition(":")
            return (
                f'<p><strong>{escape(label)}:</strong> <a href="/">{escape(rest.strip())}</a></p>'
            )
        if kind == "ad":
            return f'<div class="code-block code-block-2"><span>{escape(text)}</span></div>'
        return f"<p>{escape(text)}</p>"

    def credits(self, article: Article) -> list[str]:
        if article.get("editor") and not has_credit(article, "editor"):
            return [f"<p><strong>Editor: {escape(article['editor'])}</strong></p>"]
        return []

    def byline(self, article: Article) -> str:
        when = published(article)
        author = (
            f' <span class="byline">oleh <span class="author vcard"><a class="url fn n" '
            f'href="/author/{slugify(article["author"])}/">{escape(article["author"])}</a>'
            "</span></span>"
            if article.get("author")
            else ""
        )
        return (
            f'<div class="entry-meta"><span class="posted-on"><time class="entry-date published" '
            f'datetime="{article["published"]}">{indonesian_date(when, time_sep=" ")}</time>'
            f"</span>{author}</div>"
        )

    def post_navigation(self, article: Article) -> str:
        newer, older = self.neighbours(article)
        links = []
        if newer:
            links.append(
                f'<div class="nav-previous"><a href="{self.article_path(newer)}" rel="prev">'
                f"{escape(newer['title'])}</a></div>"
            )
        if older:
            links.append(
                f'<div class="nav-next"><a href="{self.article_path(older)}" rel="next">'
                f"{escape(older['title'])}</a></div>"
            )
        return f'<nav class="navigation post-navigation"><div class="nav-links">{"".join(links)}</div></nav>'

    def footer(self, article: Article) -> str:
        tags = ", ".join(
            f'<a href="/tag/{slugify(t)}/" rel="tag">{escape(t)}</a>' for t in article["tags"]
        )
        return (
            f'<footer class="entry-footer"><span class="cat-links"><a href="'
            f'{self.section_path(article["section"])}" rel="category tag">'
            f"{escape(article['section'])}</a></span> "
            f'<span class="tags-links">{tags}</span></footer>'
        )

    def article_pages(self, article: Article) -> dict[str, bytes]:
        (blocks,) = body_pages(article, self.insert_html, trailer=self.credits(article))
        main = f"""<article class="post type-post status-publish format-standard hentry">
<header class="entry-header"><h1 class="entry-title">{escape(article["title"])}</h1>
{self.byline(article)}</header>
<figure class="post-thumbnail"><img src="{self.image_url(article)}" alt=""><figcaption>Ilustrasi. (Dok. {escape(self.site_name)})</figcaption></figure>
<div class="entry-content">
{chr(10).join(blocks)}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Bagikan:</h3><a href="#">Facebook</a> <a href="#">WhatsApp</a></div>
</div>
{self.footer(article)}
</article>
{self.post_navigation(article)}"""
        title = f"{article['title']} - {self.site_name}"
        return {self.article_path(article): self.layout(title, self.head(article), main)}


class NewspaperSite(WordPressSite):
    """tagDiv's Newspaper theme: ``td-post-*`` classes, ``td-a-rec`` ad slots."""

    @property
    def photo_credit(self) -> str:
        """The featured image's caption."""
        return f"Foto: Dok. {self.site_name}"

    def insert_html(self, text: str) -> str:
        kind = insert_kind(text)
        if kind == "ad":
            return (
                '<div class="td-a-rec td-a-rec-id-content_inline"><span class="td-adspot-title">'
                f"{escape(text)}</span></div>"
            )
        if kind == "read-also":
            return f"<p><strong>{escape(text)}</strong></p>"
        return f"<p>{escape(text)}</p>"

    def article_pages(self, article: Article) -> dict[str, bytes]:
        (blocks,) = body_pages(article, self.insert_html, trailer=self.credits(article))
        when = published(article)
        author = (
            f'<div class="td-post-author-name"><div class="td-author-by">By</div> '
            f'<a href="/author/{slugify(article["author"])}/">{escape(article["author"])}</a>'
            '<div class="td-author-line"> - </div></div>'
            if article.get("author")
            else ""
        )
        tags = "".join(
            f'<li><a href="/tag/{slugify(t)}/">{escape(t)}</a></li>' for t in article["tags"]
        )
        main = f"""<div class="td-main-content"><article class="post type-post">
<div class="td-post-header"><ul class="td-category"><li class="entry-category"><a href="{self.section_path(article["section"])}">{escape(article["section"])}</a></li></ul>
<header class="td-post-title"><h1 class="entry-title">{escape(article["title"])}</h1>
<div class="td-module-meta-info">{author}<span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{article["published"]}">{indonesian_date(when, weekday=False, time_sep=None)}</time></span></div></header></div>
<div class="td-post-sharing td-post-sharing-top"><a href="#">Share</a></div>
<div class="td-post-content tagdiv-type">
<div class="td-post-featured-image"><figure><img src="{self.image_url(article)}" alt=""><figcaption class="wp-caption-text">{escape(self.photo_credit)}</figcaption></figure></div>
{chr(10).join(blocks)}
</div>
<footer><div class="td-post-source-tags"><ul class="td-tags td-post-small-box clearfix"><li><span>TAGS</span></li>{tags}</ul></div></footer>
</article>
{self.post_navigation(article)}</div>"""
        title = f"{article['title']} - {self.site_name}"
        return {self.article_path(article): self.layout(title, self.head(article), main)}


class JNewsSite(WordPressSite):
    """The JNews theme: ``jeg_*`` classes; ``.jeg_pagination_nextprev`` links the
    neighbouring stories (not pages of this one)."""

    def article_path(self, article: Article) -> str:
        return f"/{article['id']}/{article['slug']}/"

    def insert_html(self, text: str) -> str:
        kind = insert_kind(text)
        if kind == "ad":
            return (
                f'<div class="jeg_ad jeg_ad_article jnews_content_inline_ads">{escape(text)}</div>'
            )
        if kind == "read-also":
            label, _, rest = text.partition(":")
            return f'<p><strong>{escape(label)}:</strong><a href="/">{escape(rest)}</a></p>'
        return f"<p>{escape(text)}</p>"

    def article_pages(self, article: Article) -> dict[str, bytes]:
        (blocks,) = body_pages(article, self.insert_html, trailer=self.credits(article))
        when = published(article)
        newer, older = self.neighbours(article)
        nextprev = "".join(
            [
                f'<a href="{self.article_path(newer)}" class="page_nav prev" rel="prev">'
                '<span class="text">Sebelumnya</span></a>'
                if newer
                else "",
                f'<a href="{self.article_path(older)}" class="page_nav next" rel="next">'
                '<span class="text">Next</span></a>'
                if older
                else "",
            ]
        )
        author = (
            f'<div class="jeg_meta_author"><span class="meta_text">Penulis</span> '
            f'<a href="/author/{slugify(article["author"])}/">{escape(article["author"])}</a></div>'
            if article.get("author")
            else ""
        )
        tags = "".join(f'<a href="/tag/{slugify(t)}/">{escape(t)}</a>' for t in article["tags"])
        main = f"""<div class="jeg_main"><div class="jeg_inner_content">
<div class="jeg_breadcrumbs"><a href="/">Home</a> / <a href="{self.section_path(article["section"])}">{escape(article["section"])}</a></div>
<h1 class="jeg_post_title">{escape(article["title"])}</h1>
<div class="jeg_meta_container"><div class="jeg_post_meta">{author}
<div class="jeg_meta_date"><a href="{self.article_path(article)}">{indonesian_date(when, time_sep=" ")}</a></div>
<div class="jeg_meta_category"><a href="{self.section_path(article["section"])}">{escape(article["section"])}</a></div></div></div>
<div class="jeg_featured featured_image"><img src="{self.image_url(article)}" alt=""></div>
<div class="jeg_share_button"><a href="#">Facebook</a><a href="#">Twitter</a></div>
<div class="entry-content no-share"><div class="jeg_post_content"><div class="content-inner">
{chr(10).join(blocks)}
<div class="jeg_pagination jeg_pagination_nextprev">{nextprev}</div>
</div></div>
<div class="jeg_post_tags"><span>Tags:</span> {tags}</div></div>
<div class="jnews_related_post_container"><h3>Berita Terkait</h3><a href="/">Lainnya</a></div>
</div></div>"""
        title = f"{article['title']} - {self.site_name}"
        return {self.article_path(article): self.layout(title, self.head(article), main)}


class Kabar6(NewspaperSite):
    """kabar6.com, on tagDiv's Newspaper theme (docs/portals/kabar6.md): nested
    categories (``/category/tangerang-raya/tangerang-selatan/``); today's articles in
    the theme's Cloud Library template (``tdb_*`` blocks: ``h1.tdb-title-text``,
    ``tdb_single_date``, the text in ``tdb_single_content td-post-content``, then tags,
    the next/previous story and related posts); older ones (``"template": "old"``) in
    its classic template (``td-post-title``, ``td-post-date``, ``td-post-content``)."""

    name = "kabar6"
    rel_next_story = True
    photo_credit = "Kabar6.com"
    parents = {
        "Tangsel": "tangerang-raya/tangerang-selatan",
        "Kabupaten Tangerang": "tangerang-raya",
        "Serang": "banten/serang",
    }
    """Section -> its category path on the real site (docs/portals/kabar6.md); other
    sections are top-level categories."""

    def section_path(self, section: str) -> str:
        return f"{self.category_base}{self.parents.get(section) or slugify(section)}/"

    def article_pages(self, article: Article) -> dict[str, bytes]:
        if article.get("template") == "old":
            return super().article_pages(article)
        return {self.article_path(article): self.cloud_article_page(article)}

    def cloud_article_page(self, article: Article) -> bytes:
        (blocks,) = body_pages(article, self.insert_html, trailer=self.credits(article))
        when = published(article)
        section = escape(article["section"])
        section_href = self.section_path(article["section"])
        author = (
            '<div class="td_block_wrap tdb_single_author"><div class="tdb-block-inner '
            'td-fix-index"><div class="tdb-author-name-wrap"><span class="tdb-author-by">'
            f'By</span> <a class="tdb-author-name" href="/author/{slugify(article["author"])}/">'
            f"{escape(article['author'])}</a></div></div></div>"
            if article.get("author")
            else ""
        )
        tags = "".join(
            f'<li><a href="/tag/{slugify(t)}/">{escape(t)}</a></li>' for t in article["tags"]
        )
        newer, older = self.neighbours(article)
        next_prev = "".join(
            f'<div class="tdb-next-post tdb-post-{kind}"><span>{label}</span>'
            f'<a href="{self.article_path(other)}">{escape(other["title"])}</a></div>'
            for kind, label, other in (
                ("prev", "Previous article", newer),
                ("next", "Next article", older),
            )
            if other
        )
        related = "".join(
            f'<div class="td_module_flex td_module_flex_1"><h3 class="entry-title td-module-title">'
            f'<a href="{self.article_path(a)}">{escape(a["title"])}</a></h3></div>'
            for a in self.listed[:3]
            if a is not article
        )
        main = f"""<div id="tdb-autoload-article" data-autoload="off"><div class="td-main-content-wrap td-container-wrap"><div class="tdc-content-wrap">
<div class="vc_row tdc-row"><div class="vc_column tdc-column">
<div class="td_block_wrap tdb_breadcrumbs"><span><a href="/">Home</a></span> <i class="tdb-bread-sep"></i> <span><a href="{section_href}">{section}</a></span></div>
<div class="td_block_wrap tdb_single_categories"><div class="tdb-category td-fix-index"><a class="tdb-entry-category" href="{section_href}"><span class="tdb-cat-bg"></span>{section}</a></div></div>
<div class="td_block_wrap tdb_title"><h1 class="tdb-title-text">{escape(article["title"])}</h1></div>
{author}<div class="td_block_wrap tdb_single_date"><div class="tdb-block-inner td-fix-index"><time class="entry-date updated td-module-date" datetime="{article["published"]}">{indonesian_date(when, weekday=False, time_sep=None)}</time></div></div>
<div class="td_block_wrap tdb_single_featured_image"><div class="tdb-block-inner td-fix-index"><figure><img src="{self.image_url(article)}" alt=""><figcaption class="tdb-caption-text">{escape(self.photo_credit)}</figcaption></figure></div></div>
<div class="td_block_wrap tdb_single_content td-pb-border-top td_block_template_1 td-post-content tagdiv-type"><div class="tdb-block-inner td-fix-index">
{chr(10).join(blocks)}
</div></div>
<div class="td_block_wrap tdb_single_tags"><div class="tdb-block-inner td-fix-index"><ul class="tdb-tags"><li><span>Tags</span></li>{tags}</ul></div></div>
<div class="td_block_wrap tdb_single_next_prev">{next_prev}</div>
<div class="td_block_wrap td_flex_block_1 tdb-single-related-posts"><div class="td-block-title-wrap"><h4 class="td-block-title"><span>Berita Terkait</span></h4></div>{related}</div>
</div></div></div></div></div>"""
        title = f"{article['title']} - {self.site_name}"
        return self.layout(title, self.head(article), main)


class DatedWordPressSite(WordPressSite):
    """WordPress "day and name" permalinks: ``/YYYY/MM/DD/<slug>/``."""

    def article_path(self, article: Article) -> str:
        return f"/{published(article):%Y/%m/%d}/{article['slug']}/"


class RadarBanten(DatedWordPressSite):
    """radarbanten.co.id: today's articles at dated permalinks; older ones
    (``"template": "old"``) at their first, undated ``/<slug>/``, in the older theme
    (docs/portals/radarbanten.md): no JSON-LD and no date meta, the lead's en dash
    (``SERANG, RADARBANTEN.CO.ID – ``), a date line under the headline when the page
    has one (``"date_line": false``: none, the year then only in the sitemap's
    ``lastmod``), no featured image where ``"image": false``."""

    name = "radarbanten"

    def article_path(self, article: Article) -> str:
        if article.get("template") == "old":
            return f"/{article['slug']}/"
        return super().article_path(article)

    def article_pages(self, article: Article) -> dict[str, bytes]:
        if article.get("template") != "old":
            return super().article_pages(article)
        return {self.article_path(article): self.old_article_page(article)}

    def old_article_page(self, article: Article) -> bytes:
        url = self.url(article)
        (blocks,) = body_pages(article, self.insert_html)
        head = [
            f'<link rel="canonical" href="{url}">',
            f'<meta property="og:site_name" content="{escape(self.site_name)}">',
            f'<meta property="og:title" content="{escape(article["title"])}">',
            f'<meta property="og:url" content="{url}">',
        ]
        image = ""
        if article.get("image", True):
            head.append(f'<meta property="og:image" content="{self.image_url(article)}">')
            image = f'<div class="single-thumb"><img src="{self.image_url(article)}" alt=""></div>'
        date_line = ""
        if article.get("date_line", True):
            date_line = (
                f'<span class="meta-date">{indonesian_date(published(article), time_sep=" - ")}'
                "</span>"
            )
        author = (
            f'<span class="meta-author">Penulis: <a href="/author/{slugify(article["author"])}/">'
            f"{escape(article['author'])}</a></span>"
            if article.get("author")
            else ""
        )
        main = f"""<div class="single-post"><div class="breadcrumb"><a href="/">Home</a> &raquo; <a href="{self.section_path(article["section"])}">{escape(article["section"])}</a></div>
<h1 class="single-title">{escape(article["title"])}</h1>
<div class="single-meta">{author} {date_line}</div>
{image}
<div class="entry-content">
{chr(10).join(blocks)}
</div>
<div class="single-tags">{" ".join(f'<a href="/tag/{slugify(t)}/" rel="tag">{escape(t)}</a>' for t in article["tags"])}</div>
{self.popular()}
</div>"""
        title = f"{article['title']} | {self.site_name}"
        return self.layout(title, "\n".join(head), main)

    def popular(self) -> str:
        """The older theme's "Terpopuler" box under the text: today's stories, each with
        its date line, years after an old article's own day."""
        items = "".join(
            f'<li><a href="{self.article_path(a)}">{escape(a["title"])}</a> '
            f'<span class="date">{indonesian_date(published(a), time_sep=None)}</span></li>'
            for a in self.listed[:3]
        )
        return f'<div class="widget-populer"><h3>Terpopuler</h3><ul>{items}</ul></div>'


class BantenHits(DatedWordPressSite):
    """bantenhits.com: dated permalinks on the bare host (docs/portals/bantenhits.md)."""

    name = "bantenhits"


class BantenNews(NewspaperSite):
    name = "bantennews"
    photo_credit = "Foto: Dok. BantenNews"
