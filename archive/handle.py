"""An open archive (``archive.open`` returns one): the analysts' and the commands' calls
on it, each a thin layer over the module that does the work.

Filters: the calls that select articles (``search``, ``articles``, ``count``,
``dataframe``, ``export``, ``stats``, ``releases``) take the keywords of ``Archive.filter``
(``portals``, ``sections``, ``places``, ``since``, ``until``, ``utc``), or a ready
``where``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import sqlite_utils

from archive.errors import ArchiveError
from archive.lock import WriterLock

if TYPE_CHECKING:
    import sqlite3

    import pandas

    from archive.health import PortalHealth
    from archive.memory.report import Forgotten, Memory
    from archive.merge import MergeResult
    from archive.releases import Release
    from archive.search import ArticleFilter, Found
    from archive.warc import WarcFiles
    from archive.writer import ArchiveWriter


class Archive:
    """An archive file, open for reading (``readonly``) or writing. ``db`` is its
    ``sqlite_utils.Database`` for anything else; close it, or use it in a ``with``."""

    def __init__(self, path: Path, db: sqlite_utils.Database, *, readonly: bool):
        self.path = path
        self.db = db
        self.readonly = readonly
        self.places_retagged: int | None = None
        """Articles tagged again with a new gazetteer when the archive was opened
        (``archive.places.refresh``); None when its tags were current."""

    def __repr__(self) -> str:
        return f"<archive {str(self.path)!r}{' read-only' if self.readonly else ''}>"

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lock(self, wait: float | None = 0.0, command: str = "crawl") -> WriterLock:
        """The writer lock (``archive.lock``), taken on entering a ``with``: waits up to
        ``wait`` seconds (None: as long as it takes) for the writer holding it (a crawl,
        an import...), then raises ``archive.lock.LockHeld``. ``command`` names this
        writer to whoever finds the lock held. One writer at a time."""
        return WriterLock(self.path, wait=wait, command=command)

    def writer(self, *, shingle_cache_bytes: int | None = None) -> ArchiveWriter:
        """The writer (``archive.writer``) over this connection: how articles, pages and
        runs enter the archive (``shingle_cache_bytes``: see ``ArchiveWriter``)."""
        from archive.writer import ArchiveWriter

        self._require_writable("store articles")
        return ArchiveWriter(self.db, shingle_cache_bytes=shingle_cache_bytes)

    # -- articles -------------------------------------------------------------------

    def filter(
        self,
        query: str | None = None,
        *,
        portals: Sequence[str] = (),
        sections: Sequence[str] = (),
        places: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        utc: bool = False,
    ) -> ArticleFilter:
        """Which articles to look at: ``query`` in the search language, ``portals``,
        ``sections`` (any case), ``places`` (Banten places the articles are about, or
        places within them: codes, official or short names, any case; see
        ``archive.places.gazetteer.resolve_place``), published ``since``/``until``
        (``YYYY-MM-DD`` or ISO 8601, read in WIB unless ``utc`` or an offset; ``until``
        includes its whole day). ValueError (``QuerySyntaxError`` for the query) for
        what cannot be read."""
        from archive.places.gazetteer import resolve_place
        from archive.search import ArticleFilter, parse_when

        return ArticleFilter(
            portals=tuple(portals),
            sections=tuple(sections),
            places=tuple(resolve_place(place).code for place in places),
            query=query,
            since=parse_when(since, utc=utc) if since else None,
            until=parse_when(until, end=True, utc=utc) if until else None,
        )

    def _where(self, where: ArticleFilter | None, query: str | None, filters: Any) -> ArticleFilter:
        return where if where is not None else self.filter(query, **filters)

    def search(
        self, query: str, *, limit: int = 20, where: ArticleFilter | None = None,
        time_limit: float | None = None, order: str = "auto", rank_limit: int | None = None,
        **filters: Any,
    ) -> Found:  # fmt: skip
        """The best ``limit`` matches of ``query``, best first, each with a ``snippet``
        (matched words in [brackets]) and ``rank`` (bm25, lower is better). ``order``:
        ``auto`` ranks them unless more than ``rank_limit`` (None:
        ``archive.search.RANK_LIMIT``, 50,000) articles of the archive match, then gives
        the newest first (rank None), as ``newest`` always does; ``rank`` always ranks.
        The list's ``order`` says which it is. With
        ``time_limit`` (seconds), a search running longer is stopped with
        ``archive.search.SearchTimeLimit``."""
        from archive.search import search

        where = self._where(where, query, filters)
        return search(self.db, where, limit=limit, time_limit=time_limit, order=order,
                      rank_limit=rank_limit)  # fmt: skip

    def articles(
        self, query: str | None = None, *, where: ArticleFilter | None = None, **filters: Any
    ) -> Iterator[dict[str, Any]]:
        """Every selected article with all its columns, oldest first, one at a time."""
        from archive.search import iter_articles

        return iter_articles(self.db, self._where(where, query, filters))

    def count(
        self, query: str | None = None, *, where: ArticleFilter | None = None, **filters: Any
    ) -> int:
        """How many articles are selected."""
        from archive.search import count_articles

        return count_articles(self.db, self._where(where, query, filters))

    def columns(self) -> list[tuple[str, str]]:
        """The ``articles`` columns and their SQLite types, in order."""
        from archive.search import article_columns

        return article_columns(self.db)

    def dataframe(
        self, query: str | None = None, *, where: ArticleFilter | None = None, **filters: Any
    ) -> pandas.DataFrame:
        """The selected articles as a pandas DataFrame (pandas must be installed),
        one row per article, every column, typed (``archive.export.pandas_dtype``):
        instants as ``datetime64[ms, UTC]``, ids and counts as nullable ``Int64``,
        ``press_release`` as ``bool``, ``published_has_time`` as nullable ``boolean``,
        ``authors`` and ``tags`` as lists. ``read_parquet`` of an export gives the same."""
        import pandas

        from archive.export import pandas_dtype, typed

        columns = self.columns()
        rows = (typed(row) for row in self.articles(query, where=where, **filters))
        frame = pandas.DataFrame.from_records(rows, columns=[name for name, _ in columns])
        dtypes = {name: pandas_dtype(name, declared) for name, declared in columns}
        return frame.astype({name: dtype for name, dtype in dtypes.items() if dtype})

    def export(
        self,
        out: IO[str] | str | Path,
        fmt: str = "csv",
        query: str | None = None,
        *,
        where: ArticleFilter | None = None,
        **filters: Any,
    ) -> int:
        """Write the selected articles to ``out`` as ``csv`` or ``jsonl`` (a text stream)
        or ``parquet`` (a file name; needs the ``parquet`` extra); returns how many."""
        from archive.export import write_csv, write_jsonl, write_parquet

        rows = self.articles(query, where=where, **filters)
        if fmt == "parquet":
            return write_parquet(rows, self.columns(), str(out))
        writer = {"csv": write_csv, "jsonl": write_jsonl}[fmt]
        return writer(rows, [name for name, _ in self.columns()], out)

    # -- raw pages ------------------------------------------------------------------

    def pages(self, *, where: ArticleFilter | None = None) -> Iterator[dict[str, Any]]:
        """Every raw page kept by crawls (``archive.pages``), in the order kept, one at a
        time: ``url``, ``fetched_at``, ``status``, ``headers`` (a dict) and ``body``
        (the bytes as received); with ``where``, only the selected articles' pages."""
        from archive.warc import iter_pages

        return iter_pages(self.db, where)

    def page_count(self, *, where: ArticleFilter | None = None) -> int:
        from archive.warc import count_pages

        return count_pages(self.db, where)

    def page_status(self) -> dict[str, int]:
        """How many raw pages, and bytes, are kept in SQLite and in WARC files
        (``archive.moved_pages.page_status``)."""
        from archive.moved_pages import page_status

        return page_status(self.db)

    def move_pages(
        self, directory: str | Path, *, max_size: int | None = None,
        older_than: float | None = None, portal: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Any:  # fmt: skip
        """Move raw pages out of SQLite into WARC files in ``directory``
        (``archive.moved_pages.move_pages``: verified, recorded, resumable); every
        reader of pages reads them back from there. Hold the writer lock (``lock``)."""
        from archive.moved_pages import move_pages

        self._require_writable("move pages")
        return move_pages(
            self.db, Path(directory), prefix=self.path.stem, is_part_of=self.path.name,
            max_size=max_size, older_than=older_than, portal=portal, progress=progress,
        )  # fmt: skip

    def export_warc(
        self, directory: str | Path, *, max_size: int | None = None,
        where: ArticleFilter | None = None, progress: Callable[[int], None] | None = None,
    ) -> WarcFiles:  # fmt: skip
        """Write the raw pages (``pages``) as WARC files and their CDXJ index into
        ``directory`` (``archive.warc``; needs the ``warc`` extra); returns the closed
        ``WarcFiles`` (its ``files``, ``index_path`` and ``pages``). ``progress`` is
        called with 1 after each page. Pages kept as raw DEFLATE go into their records
        without being inflated (``WarcFiles``); a failed export leaves no unfinished
        file."""
        from archive.warc import DEFAULT_MAX_SIZE, WarcFiles, iter_pages

        files = WarcFiles(
            Path(directory), prefix=self.path.stem, is_part_of=self.path.name,
            max_size=max_size or DEFAULT_MAX_SIZE,
            description=f"raw pages of the arsip archive {self.path.name}",
        )  # fmt: skip
        with files:
            for page in iter_pages(self.db, where, spliced=True):
                files.write_page(page)
                if progress is not None:
                    progress(1)
        return files

    def stats(
        self,
        *,
        where: ArticleFilter | None = None,
        utc: bool = False,
        by: str = "day",
        group: str = "portal",
        days: bool = True,
        **filters: Any,
    ) -> dict[str, Any]:
        """Articles per portal, per section, per local day (UTC days with ``utc``; not
        with ``days`` False), and per period ``by`` (``day``, ``week``, ``month``) of
        each ``group`` (``portal``, ``section``, ``place``: ``archive.stats.GROUPS``);
        see ``archive.stats.article_stats``."""
        from archive.stats import GROUPS, PERIODS, article_stats

        if by not in PERIODS or group not in GROUPS:
            raise ValueError(
                f"by is one of {', '.join(PERIODS)} and group one of {', '.join(GROUPS)}"
            )
        where = self._where(where, None, {**filters, "utc": utc})
        return article_stats(self.db, where, utc=utc, by=by, group=group, days=days)

    def merge(
        self, shard: str | Path, *, progress: Callable[[int], None] | None = None
    ) -> MergeResult:
        """Fold the shard archive at ``shard`` (written by one node of a spread crawl)
        into this one, under a crawl's rules; idempotent and resumable
        (``archive.merge``). Hold the writer lock meanwhile. ``ArchiveError`` for a
        shard that cannot be merged, before anything is written."""
        from archive.merge import merge_shard

        self._require_writable("merge shards into it")
        return merge_shard(self, shard, progress=progress)

    def retag_places(self) -> int:
        """Tag every article again with the shipped gazetteer (``archive.places``);
        returns how many articles were read."""
        from archive.places import retag

        self._require_writable("tag places")
        return retag(self.db)

    def places_state(self, *, counted: bool = True) -> dict[str, Any]:
        """The gazetteer of the archive's place tags against the one shipped:
        ``tagged_version`` (None: no tags), ``version``, ``current``, ``articles``
        (tagged with at least one place), ``tags``; without ``counted``, the last two
        are None (counting them reads every tag: 160 ms at a million articles)."""
        from archive.places import has_places, tagged_version
        from archive.places.gazetteer import gazetteer_version

        tagged = tagged_version(self.db)
        articles = tags = 0 if counted else None
        if counted and has_places(self.db):
            articles, tags = self.db.execute(
                "SELECT count(DISTINCT article_id), count(*) FROM article_places"
            ).fetchone()
        return {
            "tagged_version": tagged,
            "version": gazetteer_version(),
            "current": tagged == gazetteer_version(),
            "articles": articles,
            "tags": tags,
        }

    def portals(self) -> list[str]:
        """The portals the archive holds articles of."""
        from archive.search import portals_in

        return portals_in(self.db)

    def show(self, article: int | str) -> dict[str, Any] | None:
        """One article by id or by any URL it was seen under, with its URLs, earlier
        revisions, cluster and copies (``archive.search.article_record``); None when
        the archive has no such article."""
        from archive.search import article_record, find_article_id

        article_id = find_article_id(self.db, str(article))
        return None if article_id is None else article_record(self.db, article_id)

    def summary(self, latest: int = 5) -> dict[str, Any]:
        """Articles in all, per portal, and the ``latest`` published."""
        from archive.query import summary

        return summary(self.db, latest)

    def duplicates(self, *, min_portals: int = 1, limit: int | None = 20) -> list[dict[str, Any]]:
        """The largest near-duplicate clusters (``archive.clusters.largest_clusters``)."""
        from archive.clusters import largest_clusters

        return largest_clusters(self.db, min_portals=min_portals, limit=limit)

    def releases(
        self,
        query: str | None = None,
        *,
        min_portals: int = 1,
        limit: int | None = 20,
        where: ArticleFilter | None = None,
        **filters: Any,
    ) -> list[Release]:
        """Press releases and republished stories with an article the filters select,
        each with its original and every republication (portal, local time, lag,
        verbatim or edited, the word diff), newest first (``archive.releases``)."""
        from archive.releases import releases

        return releases(
            self.db, self._where(where, query, filters), min_portals=min_portals, limit=limit
        )

    # -- runs and the crawler's memory ------------------------------------------------

    def health(
        self,
        *,
        days: int = 3,
        portals: list[str] | None = None,
        now: datetime | None = None,
        failed_retry_runs: int = 5,
        zones: Mapping[str, str] | None = None,
    ) -> list[PortalHealth]:
        """Each portal's latest crawls checked against its history (``archive.health``);
        ``zones``: portal -> IANA zone for the times in messages (default WIB)."""
        from archive.health import check_health

        return check_health(
            self.conn, self.path, days=days, portals=portals, now=now,
            failed_retry_runs=failed_retry_runs, zones=zones,
        )  # fmt: skip

    def last_runs(self) -> dict[str, dict[str, Any]]:
        """Portal -> its latest run (``started_at``, ``finished_at``, ``new``,
        ``updated``, ``failure``); empty for an archive without a run log."""
        from archive.memory.runlog import last_runs

        return last_runs(self.conn)

    def memory(self, **options: Any) -> Memory:
        """What the crawler remembers between runs (``archive.memory.report.read_memory``:
        ``portals``, ``kinds``, and the retry settings)."""
        from archive.memory.report import read_memory

        return read_memory(self.conn, **options)

    def memory_portals(self) -> list[str]:
        """The portals the crawler remembers something of."""
        from archive.memory.report import memory_portals

        return memory_portals(self.conn)

    def forget(
        self, *, portals: Sequence[str] = (), kinds: Sequence[str] | None = None,
        urls: Sequence[str] = (),
    ) -> Forgotten:  # fmt: skip
        """Forget remembered entries so that the next run fetches them again
        (``archive.memory.report.forget_entries``). Hold the writer lock meanwhile."""
        from archive.memory.report import KINDS, forget_entries

        self._require_writable("forget")
        return forget_entries(self.conn, portals=portals, kinds=kinds or KINDS, urls=urls)

    def _require_writable(self, what: str) -> None:
        if self.readonly:
            raise ArchiveError(
                f"{self.path} is open read-only: open it with readonly=False to {what}",
                self.path,
            )
