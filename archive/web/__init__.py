"""The web UI of ``arsip serve``: Datasette (``archive.serve``) with pages made for
reading, through Datasette's own extension points.

- ``plugin``: the hooks (routes, cell rendering, the place filter, template variables,
  facets), registered once per process;
- ``reading``: what the article, release and releases pages show, read from the
  archive (plain data; no Datasette);
- ``timeline``: a release's publications as an inline SVG chart, drawn here (nothing
  loaded from elsewhere);
- ``facets``: the local-day and place facets of the articles table;
- ``search_box``: the articles list's search box leads to ``/search``;
- ``large_lists``: the articles list selected by words or a place many articles have,
  answered by walking the publication-time index (Datasette's search filter replaced);
- ``templates/``: the pages (``article.html``, ``release.html``, ``releases.html``)
  and Datasette's templates arsip overrides (the articles list without bodies, the
  database page with the articles first).
"""
