"""Release tracing: who ran a press release (or republished a story), when, and how.

A release is a near-duplicate cluster (``archive.cluster_placement``), exact copies
included: one row per cluster with its original (``archive.originals``: the earliest
publication, unless a republication note or press-release evidence says otherwise)
and each republication with its portal, portal-local time, lag after the original,
and what it changed (``archive.wordiff``: verbatim or edited, cut, added, rewritten
lead, new headline, word by word).

Which releases: those with at least one article the ``ArticleFilter`` selects
(``--since``/``--until``, ``--portal``, a search query, and whatever filter
``ArticleFilter`` gains): the filter picks releases, and each release is shown whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from archive.originals import EVIDENCE_COLUMNS, Candidate, decide
from archive.search import ArticleFilter
from archive.wordiff import Edits, word_diff

ZONE_NAMES = {"+07:00": "WIB", "+08:00": "WITA", "+09:00": "WIT"}
"""Indonesia's zones by UTC offset: western, central and eastern Indonesian time."""


def local_time(published_local: str | None, *, date_only: bool = False) -> str | None:
    """``2025-09-24T14:55:00+07:00`` -> ``2025-09-24 14:55 WIB``; a publication the
    portal gave only a day for -> ``2025-09-24 (date only)``; None for none."""
    if not published_local:
        return None
    if date_only:
        return f"{published_local[:10]} (date only)"
    try:
        moment = datetime.fromisoformat(published_local)
    except ValueError:
        return published_local
    offset = moment.isoformat()[-6:] if moment.tzinfo else ""
    zone = ZONE_NAMES.get(offset, f"UTC{offset}" if offset else "")
    return f"{moment:%Y-%m-%d %H:%M} {zone}".rstrip()


def lag_text(seconds: int | None, days: int | None = None) -> str:
    """``+5h20m``, ``+1d 02h05m``, ``-0h10m``; by days (``+1 day``, ``same day``) when
    one of the two has only a date; ``?`` without dates."""
    if seconds is None:
        if days is None:
            return "?"
        return "same day" if days == 0 else f"{days:+d} day{'' if abs(days) == 1 else 's'}"
    sign = "-" if seconds < 0 else "+"
    minutes = abs(seconds) // 60
    d, rest = divmod(minutes, 24 * 60)
    h, m = divmod(rest, 60)
    return f"{sign}{d}d {h:02d}h{m:02d}m" if d else f"{sign}{h}h{m:02d}m"


@dataclass(frozen=True)
class Publication:
    """One article of a release."""

    id: int
    portal: str
    title: str | None
    url: str
    published_at: str | None
    """UTC, ``YYYY-MM-DDTHH:MM:SSZ``."""
    published_local: str | None
    """Portal-local ISO 8601 with its offset."""
    local_time: str | None
    """``2025-09-24 14:55 WIB`` (``local_time``)."""
    date_only: bool
    press_release: bool
    republished_from: str | None
    duplicate_of: int | None
    """The original of its text when it is an exact copy (as stored)."""


@dataclass(frozen=True)
class Republication:
    """A member of a release other than its original, against the original."""

    article: Publication
    lag_seconds: int | None
    """After the original (negative: stamped before it); None when either has no
    time."""
    lag: str
    """``lag_seconds`` for people (``lag_text``)."""
    edits: Edits
    note: str | None
    """Its republication note naming the original's portal, if any."""

    @property
    def ran(self) -> str:
        return self.edits.ran


@dataclass(frozen=True)
class Release:
    """A press release or republished story: its original and its republications,
    earliest first."""

    cluster_id: int
    original: Publication
    reason: str
    """Why this is the original (``archive.originals.Decision.reason``)."""
    republications: tuple[Republication, ...]

    @property
    def portals(self) -> list[str]:
        return sorted({self.original.portal, *(r.article.portal for r in self.republications)})

    @property
    def size(self) -> int:
        return 1 + len(self.republications)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON): the fields, plus ``portals`` and ``size``, and each
        republication's ``ran``."""
        return {
            "cluster_id": self.cluster_id,
            "size": self.size,
            "portals": self.portals,
            "original": asdict(self.original),
            "reason": self.reason,
            "republications": [{**asdict(r), "ran": r.ran} for r in self.republications],
        }


_COLUMNS = ("title", "duplicate_of")
_SELECT = ", ".join((*EVIDENCE_COLUMNS, *_COLUMNS))


def _publication(row: dict[str, Any]) -> Publication:
    date_only = row["published_has_time"] == 0
    return Publication(
        id=row["id"],
        portal=row["portal"],
        title=row["title"],
        url=row["url"],
        published_at=row["published_at"],
        published_local=row["published_local"],
        local_time=local_time(row["published_local"], date_only=date_only),
        date_only=date_only,
        press_release=bool(row["press_release"]),
        republished_from=row["republished_from"],
        duplicate_of=row["duplicate_of"],
    )


def _lag(original: Publication, copy: Publication) -> tuple[int | None, str]:
    if not (original.published_at and copy.published_at):
        return None, lag_text(None)
    if original.date_only or copy.date_only:
        first = (original.published_local or original.published_at)[:10]
        then = (copy.published_local or copy.published_at)[:10]
        days = (datetime.fromisoformat(then) - datetime.fromisoformat(first)).days
        return None, lag_text(None, days)
    seconds = int(
        (
            datetime.fromisoformat(copy.published_at.replace("Z", "+00:00"))
            - datetime.fromisoformat(original.published_at.replace("Z", "+00:00"))
        ).total_seconds()
    )
    return seconds, lag_text(seconds)


def release(rows: Sequence[dict[str, Any]], cluster_id: int) -> Release:
    """The release made of these articles (rows with ``EVIDENCE_COLUMNS``, ``title``
    and ``duplicate_of``)."""
    candidates = {row["id"]: Candidate.from_row(row) for row in rows}
    decision = decide(list(candidates.values()))
    by_id = {row["id"]: row for row in rows}
    first = by_id[decision.original.id]
    original = _publication(first)
    republications = []
    for row in rows:
        if row["id"] == original.id:
            continue
        article = _publication(row)
        seconds, lag = _lag(original, article)
        republications.append(
            Republication(
                article=article,
                lag_seconds=seconds,
                lag=lag,
                edits=word_diff(first["title"], first["body"], row["title"], row["body"]),
                note=candidates[row["id"]].cites(decision.original),
            )
        )
    republications.sort(
        key=lambda r: (r.article.published_at is None, r.article.published_at or "", r.article.id)
    )
    return Release(cluster_id, original, decision.reason, tuple(republications))


def releases(
    db: sqlite_utils.Database,
    where: ArticleFilter | None = None,
    *,
    min_portals: int = 1,
    limit: int | None = 20,
) -> list[Release]:
    """The releases with an article ``where`` selects, run by at least ``min_portals``
    portals, newest original first (by the cluster's head, ``articles.cluster_id``),
    at most ``limit``."""
    where = where or ArticleFilter()
    conditions, params = where.where()
    found = db.execute(
        f"""
        SELECT c.cluster_id FROM (
            SELECT DISTINCT a.cluster_id FROM {where.source()}
            WHERE {conditions} AND a.cluster_id IS NOT NULL
        ) c JOIN articles h ON h.id = c.cluster_id
        WHERE (SELECT count(DISTINCT m.portal) FROM articles m
               WHERE m.cluster_id = c.cluster_id) >= ?
        ORDER BY h.published_at IS NULL, h.published_at DESC, c.cluster_id DESC
        LIMIT ?
        """,
        [*params, min_portals, -1 if limit is None else limit],
    ).fetchall()
    return [release(cluster_rows(db, cluster_id), cluster_id) for (cluster_id,) in found]


def cluster_rows(db: sqlite_utils.Database, cluster_id: int) -> list[dict[str, Any]]:
    """The articles of a cluster, as ``release`` reads them (bodies included)."""
    cursor = db.execute(
        f"SELECT {_SELECT} FROM articles WHERE cluster_id = ? ORDER BY id", [cluster_id]
    )
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def release_of(db: sqlite_utils.Database, cluster_id: int) -> Release | None:
    """The release of one cluster (``articles.cluster_id``); None when no article has
    that cluster."""
    rows = cluster_rows(db, cluster_id)
    return release(rows, cluster_id) if rows else None
