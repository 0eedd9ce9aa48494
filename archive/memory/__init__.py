"""The crawler's memory between runs, kept in the archive: what it has read and what it
should not fetch again.

``known``     the archived articles' URLs and times, read once at the start of a run
``empty``     article URLs whose page held no article (video, gallery pages)
``failed``    article pages a run gave up, asked for again by the next runs
``sitemaps``  child sitemaps read completely, skipped while their lastmod is unchanged
``runlog``    the run log (``crawl_runs``): how each run ended and what it met
``report``    the memory as the operator reads it (``arsip memory``) and forgets it
"""
