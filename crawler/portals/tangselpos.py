"""tangselpos.id: Tangerang Selatan and Banten (custom CMS, Laravel-like /storage/ paths)."""

from crawler.portals import Portal, Selectors

PORTAL = Portal(
    name="tangselpos",
    home="https://www.tangselpos.id/",
    domains=("tangselpos.id",),
    site_name="TangselPos.id",
    family="custom",
    article_url=r"^/detail/\d+/[^/]+$",
    listing_url=r"^/(?:kategori/[^/]+)?(?:\?page=\d+)?$",
    sitemaps=("https://www.tangselpos.id/sitemap.xml",),
    listings=("https://www.tangselpos.id/",),
    selectors=Selectors(
        title="h1.detail-title",
        body="div.detail-text",
        date=".detail-date",
        authors=".detail-author a",
        editor=".detail-editor",
        section=".breadcrumb li:last-child",
        tags=".detail-tags a",
    ),
    # The related-news block sits inside the text container on the real site.
    remove=(".related-feed", ".ads", "script", "style", "figure"),
)
