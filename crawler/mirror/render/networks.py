"""Sample sites of the national networks' regional editions: Tribun (banten.tribunnews.com)
and Pikiran Rakyat (kabarbanten.pikiran-rakyat.com).

Tribun: ``/YYYY/MM/DD/<slug>``, JSON-LD ``@graph`` with a NewsArticle in +07:00, body
``div.side-article.txt-article`` holding ``blockquote.summary-article``, ``p.baca``
read-also lines and ad placeholders, ``Halaman 1/2`` paging with ``?page=2``; discovery
through ``sitemap.xml`` -> ``sitemap_news.xml``, because its ``/rss`` links every item to
the home page (as the real one does).

Pikiran Rakyat: ``/<section>/pr-<id>/<slug>``, body ``article.read__content``, byline
and date in ``.read__info``, the ``Penulis: X | Editor: Y`` credit line closing the
text, feed ``/rss`` and a news sitemap.
"""

from __future__ import annotations

from html import escape

from crawler.mirror.render.base import (
    RSS,
    XML,
    Article,
    PortalSite,
    body_pages,
    html_page,
    indonesian_date,
    insert_kind,
    json_ld_script,
    news_article_ld,
    og_head,
    published,
    rss,
    sitemap_index,
    slugify,
    urlset,
)
from crawler.mirror.server import Page


class TribunSite(PortalSite):
    @property
    def title_name(self) -> str:
        """How the article pages' titles name the site."""
        return self.site_name

    @property
    def footer_name(self) -> str:
        return self.site_name

    def article_path(self, article: Article) -> str:
        return f"/{published(article):%Y/%m/%d}/{article['slug']}"

    def discovery(self) -> dict[str, Page]:
        entries = [(self.url(a), a["published"]) for a in self.articles]
        # The trap: every item of the network's RSS links the home page.
        items = [(a["title"], self.base + "/", published(a)) for a in self.articles]
        return {
            self.sitemap_path: Page(sitemap_index([f"{self.base}/sitemap_news.xml"]), XML),
            "/sitemap_news.xml": Page(urlset(entries, news=self.site_name), XML),
            "/rss": Page(rss(self.site_name, self.base + "/", items), RSS),
        }

    def layout(self, title: str, head: str, main: str) -> bytes:
        nav = "".join(
            f'<li><a href="{self.section_path(s)}">{escape(s)}</a></li>' for s in self.sections
        )
        body = f"""<div id="header"><a class="logo" href="/">{escape(self.site_name)}</a>
<ul class="menu"><li><a href="/">Home</a></li>{nav}</ul></div>
<div class="main">{main}</div>
<div id="footer">Copyright &copy; 2025 {escape(self.footer_name)}. All Right Reserved</div>"""
        return html_page(title, head, body)

    def insert_html(self, text: str) -> str:
        if insert_kind(text) == "read-also":
            label, _, rest = text.partition(":")
            return f'<p class="baca">{escape(label)}: <a href="/">{escape(rest.strip())}</a></p>'
        return f"<p>{escape(text)}</p>"

    def article_pages(self, article: Article) -> dict[str, bytes]:
        url = self.url(article)
        when = published(article)
        pages = body_pages(article, self.insert_html)
        graph = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebPage", "@id": url, "name": article["title"]},
                news_article_ld(article, url, self.image_url(article), self.site_name),
            ],
        }
        head = og_head(article, url, self.image_url(article), self.site_name)
        if article.get("jsonld", True):
            head.append(json_ld_script(graph))
        credit = ""
        if article.get("author"):
            credit += (
                f'<div id="penulis">Penulis: <a href="/penulis/{slugify(article["author"])}">'
                f"{escape(article['author'])}</a></div>"
            )
        if article.get("editor"):
            credit += (
                f'<div id="editor">Editor: <a href="/editor/{slugify(article["editor"])}">'
                f"{escape(article['editor'])}</a></div>"
            )
        tags = "".join(f'<a href="/tag/{slugify(t)}">{escape(t)}</a>' for t in article["tags"])
        path = self.article_path(article)
        rendered: dict[str, bytes] = {}
        for number, blocks in enumerate(pages, start=1):
            total = len(pages)
            summary = (
                '<blockquote class="summary-article"><ul><li>'
                f"{escape(article['paragraphs'][0].split('. ')[0])}.</li></ul></blockquote>"
                if number == 1
                else ""
            )
            pager = ""
            if total > 1:
                links = " ".join(
                    f'<a href="{path}?page={n}">{n}</a>' if n != number else f"<span>{n}</span>"
                    for n in range(1, total + 1)
                )
                following = (
                    f' <a class="next" href="{path}?page={number + 1}">Selanjutnya</a>'
                    if number < total
                    else ""
                )
                pager = f'<div class="paging" id="paginga">{links}{following}</div>'
                blocks = [*blocks, f"<p>Halaman {number}/{total}</p>"]
            ads = (
                '<div class="ads-placeholder" id="ads-in-article"><span>Advertisement</span></div>'
            )
            middle = len(blocks) // 2
            blocks = [*blocks[:middle], ads, *blocks[middle:]]
            main = f"""<ul class="breadcrumb"><li><a href="/">Home</a></li><li><a href="{self.section_path(article["section"])}">{escape(article["section"])}</a></li></ul>
<div id="article"><h1 id="arttitle" class="f32 ln40 fbo">{escape(article["title"])}</h1>
<div class="credit mt10">{credit}</div>
<time class="grey" datetime="{article["published"]}">{indonesian_date(when, time_sep=" ")}</time>
<div class="side-article txt-article multi-fontsize">
{summary}
{chr(10).join(blocks)}
</div>
{pager}
<div class="tagcloud3">{tags}</div></div>"""
            target = path if number == 1 else f"{path}?page={number}"
            title = f"{article['title']} - {self.title_name}"
            rendered[target] = self.layout(title, "\n".join(head), main)
        return rendered


class PikiranRakyatSite(PortalSite):
    def article_path(self, article: Article) -> str:
        return f"/{slugify(article['section'])}/pr-{article['id']}/{article['slug']}"

    def discovery(self) -> dict[str, Page]:
        entries = [(self.url(a), a["published"]) for a in self.articles]
        return {
            self.sitemap_path: Page(urlset(entries, news=self.site_name), XML),
            **self.feed(),
        }

    def layout(self, title: str, head: str, main: str) -> bytes:
        nav = "".join(
            f'<a class="nav__item" href="{self.section_path(s)}">{escape(s)}</a>'
            for s in self.sections
        )
        body = f"""<header class="header"><a class="header__logo" href="/">{escape(self.site_name)}</a>
<nav class="nav">{nav}</nav></header>
<main class="main">{main}</main>
<footer class="footer">&copy; 2025 Pikiran Rakyat Media Network</footer>"""
        return html_page(title, head, body)

    def insert_html(self, text: str) -> str:
        if insert_kind(text) == "read-also":
            label, _, rest = text.partition(":")
            return (
                f'<p><strong>{escape(label)}:</strong> <a href="/">{escape(rest.strip())}</a></p>'
            )
        return f"<p>{escape(text)}</p>"

    def article_pages(self, article: Article) -> dict[str, bytes]:
        url = self.url(article)
        when = published(article)
        (blocks,) = body_pages(article, self.insert_html)
        head = og_head(article, url, self.image_url(article), self.site_name)
        if article.get("jsonld", True):
            data = news_article_ld(article, url, self.image_url(article), self.site_name)
            head.append(json_ld_script({"@context": "https://schema.org", **data}))
        author = (
            f'<div class="read__info__author">Penulis: <a href="/author/{slugify(article["author"])}">'
            f"{escape(article['author'])}</a></div>"
            if article.get("author")
            else ""
        )
        tags = "".join(
            f'<li class="tag__article__item"><a href="/tag/{slugify(t)}">{escape(t)}</a></li>'
            for t in article["tags"]
        )
        main = f"""<ul class="breadcrumb"><li class="breadcrumb__item"><a href="/">Home</a></li><li class="breadcrumb__item"><a href="{self.section_path(article["section"])}">{escape(article["section"])}</a></li></ul>
<h1 class="read__title">{escape(article["title"])}</h1>
<div class="read__info">{author}<div class="read__info__date">- {indonesian_date(when, time_sep=", ")}</div></div>
<div class="photo"><img src="{self.image_url(article)}" alt=""><div class="photo__caption">Ilustrasi. ({escape(self.site_name)})</div></div>
<article class="read__content clearfix">
{chr(10).join(blocks)}
</article>
<ul class="tag__article">{tags}</ul>"""
        title = f"{article['title']} - {self.site_name}"
        return {self.article_path(article): self.layout(title, "\n".join(head), main)}


class TribunBanten(TribunSite):
    name = "tribunbanten"
    # The real site spells its name three ways (TribunBanten.com in its declaration).
    title_name = "Tribunbanten.com"
    footer_name = "Tribun-Banten.com"
