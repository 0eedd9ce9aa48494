"""arsip, the application: the command line, crawl orchestration, import, re-extraction
and the demo. It stands on ``crawler`` (spiders, pipelines, extraction, the offline
mirror), which stands on ``archive`` (the SQLite archive); nothing below imports it."""
