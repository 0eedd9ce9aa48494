"""Sample sites of portals on their own CMS: tangerangnews.com and biem.co.

tangerangnews: ``/<section>/read/<id>/<Slug>`` (a capitalised slug; older articles,
``"template": "old"``, keep a lower-case one), the byline as one
line ``Name | Senin, 26 Januari 2026 | 19:04``, photos with captions that end in
``(@TangerangNews / Name)`` inside the text.

biem: ``/read/YYYY/MM/DD/<id>/<slug>/``, a ``<link rel=next>`` and a "next story" link
that point to another article (the same trap as kabar6).
"""

from __future__ import annotations

from html import escape

from crawler.mirror.render.base import (
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
    slugify,
)


class CustomSite(PortalSite):
    """A plain layout both custom portals share; each writes its own article page."""

    def layout(self, title: str, head: str, main: str) -> bytes:
        nav = "".join(
            f'<li><a href="{self.section_path(s)}">{escape(s)}</a></li>' for s in self.sections
        )
        body = f"""<header class="top"><a class="brand" href="/">{escape(self.site_name)}</a>
<ul class="nav">{nav}</ul></header>
<div class="wrapper">{main}</div>
<footer class="bottom">&copy; 2025 {escape(self.site_name)}</footer>"""
        return html_page(title, head, body)

    def head(self, article: Article) -> list[str]:
        url = self.url(article)
        head = og_head(article, url, self.image_url(article), self.site_name)
        if article.get("jsonld", True):
            data = news_article_ld(article, url, self.image_url(article), self.site_name)
            head.append(json_ld_script({"@context": "https://schema.org", **data}))
        return head


class TangerangNews(CustomSite):
    name = "tangerangnews"

    def article_path(self, article: Article) -> str:
        slug = article["slug"]
        if article.get("template") != "old":  # older pages keep a lower-case slug
            slug = "-".join(word.capitalize() for word in slug.split("-"))
        return f"/{slugify(article['section'])}/read/{article['id']}/{slug}"

    def insert_html(self, text: str) -> str:
        if insert_kind(text) == "caption":
            return (
                f'<figure class="news-photo"><img src="/assets/photo.jpg" alt="">'
                f"<figcaption>{escape(text)}</figcaption></figure>"
            )
        return f"<p>{escape(text)}</p>"

    def article_pages(self, article: Article) -> dict[str, bytes]:
        when = published(article)
        (blocks,) = body_pages(article, self.insert_html)
        byline = indonesian_date(when, zone=None)
        if article.get("author"):
            byline = f"{escape(article['author'])} | {byline}"
        editor = (
            f'<div class="news-editor">Editor: {escape(article["editor"])}</div>'
            if article.get("editor")
            else ""
        )
        tags = "".join(f'<a href="/tag/{slugify(t)}">{escape(t)}</a>' for t in article["tags"])
        main = f"""<div class="news-section"><a href="{self.section_path(article["section"])}">{escape(article["section"])}</a></div>
<h1 class="news-title">{escape(article["title"])}</h1>
<div class="news-byline">{byline}</div>
<div class="news-cover"><img src="{self.image_url(article)}" alt=""></div>
<div class="news-content">
{chr(10).join(blocks)}
</div>
{editor}
<div class="news-tags">{tags}</div>"""
        title = f"{article['title']} - {self.site_name}"
        return {self.article_path(article): self.layout(title, "\n".join(self.head(article)), main)}


class Biem(CustomSite):
    name = "biem"

    def article_path(self, article: Article) -> str:
        return f"/read/{published(article):%Y/%m/%d}/{article['id']}/{article['slug']}/"

    def section_path(self, section: str) -> str:
        return f"/kanal/{slugify(section)}/"

    def insert_html(self, text: str) -> str:
        if insert_kind(text) == "read-also":
            label, _, rest = text.partition(":")
            return f'<p><em>{escape(label)}:</em> <a href="/">{escape(rest.strip())}</a></p>'
        return f"<p>{escape(text)}</p>"

    def article_pages(self, article: Article) -> dict[str, bytes]:
        when = published(article)
        (blocks,) = body_pages(article, self.insert_html)
        head = self.head(article)
        newer, older = self.neighbours(article)
        following = ""
        if older:
            # The trap: "next" is the next story, not page 2 of this one.
            head.append(f'<link rel="next" href="{self.url(older)}">')
            following = (
                f'<div class="next-post"><a rel="next" href="{self.article_path(older)}">'
                f"Berita Selanjutnya: {escape(older['title'])}</a></div>"
            )
        author = (
            f'<span class="post-author">Oleh <a href="/penulis/{slugify(article["author"])}/">'
            f"{escape(article['author'])}</a></span>"
            if article.get("author")
            else ""
        )
        editor = (
            f'<div class="post-editor">Editor: {escape(article["editor"])}</div>'
            if article.get("editor")
            else ""
        )
        tags = "".join(f'<a href="/tag/{slugify(t)}/">{escape(t)}</a>' for t in article["tags"])
        main = f"""<article class="post">
<div class="post-kanal"><a href="{self.section_path(article["section"])}">{escape(article["section"])}</a></div>
<h1 class="post-title">{escape(article["title"])}</h1>
<div class="post-meta">{author} <span class="post-date">{indonesian_date(when, time_sep=" ")}</span></div>
<div class="post-image"><img src="{self.image_url(article)}" alt=""></div>
<div class="post-content">
{chr(10).join(blocks)}
</div>
{editor}
<div class="post-tags">{tags}</div>
{following}
</article>"""
        title = f"{article['title']} | {self.site_name}"
        return {self.article_path(article): self.layout(title, "\n".join(head), main)}
