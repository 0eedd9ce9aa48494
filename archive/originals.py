"""Which article of a group of copies is the original.

A group is an exact-copy group (one text under several URLs) or a near-duplicate
cluster (a press release and its republications). Its original is the publication the
others ran after:

1. **Republication evidence.** An article whose text says it ran another member's
   story first is not the original: a note ``Artikel ini telah tayang di TangselPos.id``
   (the ``republished_from`` field), or ``dikutip dari ...``, ``dilansir dari ...``,
   ``sumber: ...`` in its text, naming the portal (or host) of another member. The note
   outweighs the clocks: a portal that says it republished a story did not run it
   first, whatever time it stamped on it.
2. **The earliest publication** among the rest (articles without a date last).
3. **Close calls.** Publications less than ``CLOSE_CALL`` apart, or on the same local
   day when one of them has only a date, are too close for their stamps to decide
   (portals stamp the time of writing, of scheduling or of the last edit). Among them
   the press-release evidence decides: a press release (the portal received the
   release itself: ``siaran pers yang diterima ...``) comes before a text that is not
   flagged as one, and a text without a republication note (``republished_from``)
   before one whose note names a source outside the group. Then the earlier stamp,
   then the first stored.

The writer keeps ``articles.duplicate_of`` and ``articles.cluster_id`` by this rule
(``archive.writer``, ``archive.cluster_placement``); ``archive.releases`` explains it
to analysts. Pure: no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

CLOSE_CALL = timedelta(minutes=30)
"""Publications closer than this are a close call: evidence, not the stamps, decides."""

EVIDENCE_COLUMNS = (
    "id", "portal", "url", "published_at", "published_local", "published_has_time",
    "press_release", "republished_from", "body",
)  # fmt: skip
"""The ``articles`` columns the rule reads, in this order (``Candidate.from_row``)."""

# Republication notes inside a text: where the story was taken from.
_NOTES = re.compile(
    r"(?:\b(?:dikutip|dilansir|disadur)\s+dari\s+"
    r"|\b(?:telah|sudah|pertama kali)\s+(?:tayang|terbit|dimuat)\s+(?:lebih dulu\s+)?di\s+"
    r"|^\s*sumber\s*:\s*)"
    r"(?P<where>[^\n,;()\"“”]{2,80})",
    re.IGNORECASE | re.MULTILINE,
)
_NOTE_WORDS = ("dikutip", "dilansir", "disadur", "tayang", "terbit", "dimuat", "sumber")
"""A text holds a note only if it holds one of these words."""
EVIDENCE_SELECT = ", ".join(
    [
        *EVIDENCE_COLUMNS[:-1],
        "CASE WHEN "
        + " OR ".join(f"body LIKE '%{word}%'" for word in _NOTE_WORDS)
        + " THEN body END AS body",
    ]
)
"""``EVIDENCE_COLUMNS`` for a SELECT: the body only when it may hold a note (SQLite's
LIKE ignores ASCII case), so that deciding a large cluster reads few texts into Python."""
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Host labels that name no portal.
_GENERIC_LABELS = {"www", "m", "amp", "mobile", "com", "co", "id", "net", "org", "or", "go",
                   "ac", "sch", "web", "my", "example"}  # fmt: skip


def _folded(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


@dataclass(frozen=True)
class Candidate:
    """What the rule knows of one article."""

    id: int
    portal: str
    url: str = ""
    published_at: str | None = None
    """UTC, ``YYYY-MM-DDTHH:MM:SSZ`` (text order is time order)."""
    published_local: str | None = None
    date_only: bool = False
    """The portal gave a day without a time (``published_has_time`` 0)."""
    press_release: bool = False
    republished_from: str | None = None
    notes: tuple[str, ...] = ()
    """Sources named by republication notes in the text (``dikutip dari X``)."""

    @classmethod
    def from_row(
        cls, row: Mapping[str, Any] | Sequence[Any], notes: tuple[str, ...] | None = None
    ) -> Candidate:
        """From a row of ``EVIDENCE_COLUMNS`` (a mapping, or a sequence in that order);
        ``body`` is read for notes (``text_notes``) unless they are given, and not kept."""
        if not isinstance(row, Mapping):
            row = dict(zip(EVIDENCE_COLUMNS, row, strict=True))
        return cls(
            id=int(row["id"]),
            portal=row["portal"] or "",
            url=row.get("url") or "",
            published_at=row.get("published_at"),
            published_local=row.get("published_local"),
            date_only=row.get("published_has_time") == 0,
            press_release=bool(row.get("press_release")),
            republished_from=row.get("republished_from") or None,
            notes=text_notes(row.get("body")) if notes is None else notes,
        )

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source its notes name: the ``republished_from`` field first."""
        return ((self.republished_from,) if self.republished_from else ()) + self.notes

    def names(self) -> set[str]:
        """Folded names a note may call this article's portal by: the portal's name and
        the site's label of its URL's host (``bantenhits`` of bantenhits.com,
        ``tribunnews`` of banten.tribunnews.com)."""
        names = {_folded(self.portal)}
        host = (urlsplit(self.url).hostname or "").casefold()
        # The site's own label, before the public suffix: not a subdomain, which is
        # often a region (banten.tribunnews.com) that any text may name.
        labels = [label for label in host.split(".") if label not in _GENERIC_LABELS]
        if labels:
            names.add(_folded(labels[-1]))
        return {n for n in names if len(n) >= 4}

    def cites(self, other: Candidate) -> str | None:
        """The note of this article that names ``other``'s portal as its source, if any.
        Never a member of its own portal: a portal's own earlier write-up is no source."""
        if other.portal == self.portal:
            return None
        names = other.names()
        for source in self.sources:
            folded = _folded(source)
            if any(name in folded for name in names):
                return source
        return None


def text_notes(body: str | None) -> tuple[str, ...]:
    """The sources the republication notes of a text name (``dikutip dari TangselPos.id``
    -> ``TangselPos.id``), in order."""
    if not body:
        return ()
    folded = body.casefold()
    if not any(word in folded for word in _NOTE_WORDS):  # most texts: no regex scan
        return ()
    return tuple(m.group("where").strip(" .:-") for m in _NOTES.finditer(body))


@dataclass(frozen=True)
class Decision:
    """The original of a group and why."""

    original: Candidate
    reason: str
    """``earliest publication``, ``named as source by bantenhits #15 (TangselPos.id)``,
    ``close call: press release``..."""
    cited_by: tuple[tuple[int, int, str], ...] = ()
    """``(citing id, cited id, note)`` for every note naming another member."""


def _instant(candidate: Candidate) -> datetime | None:
    if not candidate.published_at:
        return None
    try:
        return datetime.fromisoformat(candidate.published_at.replace("Z", "+00:00"))
    except ValueError:
        return None


def _local_day(candidate: Candidate) -> str | None:
    value = candidate.published_local or candidate.published_at
    return value[:10] if value else None


def _close(a: Candidate, b: Candidate) -> bool:
    """Whether two publications are too close for their stamps to decide."""
    first, second = _instant(a), _instant(b)
    if first is None or second is None:
        return first is None and second is None
    if a.date_only or b.date_only:
        return _local_day(a) == _local_day(b)
    return abs(first - second) < CLOSE_CALL


def _by_stamp(candidate: Candidate) -> tuple[bool, str, int]:
    return (candidate.published_at is None, candidate.published_at or "", candidate.id)


def decide(members: Sequence[Candidate]) -> Decision:
    """The original of ``members`` (two or more; one is its own original), by the rule
    of this module."""
    if not members:
        raise ValueError("no members")
    cited_by = tuple(
        (m.id, other.id, note)
        for m in members
        if m.sources  # most articles name no source: no pairs to check
        for other in members
        if other.id != m.id and (note := m.cites(other))
    )
    citing = {m for m, _, _ in cited_by}
    candidates = [m for m in members if m.id not in citing] or list(members)
    earliest = min(candidates, key=_by_stamp)
    close = [m for m in candidates if m.id == earliest.id or _close(m, earliest)]
    original = min(
        close,
        key=lambda m: (not m.press_release, bool(m.republished_from), *_by_stamp(m)),
    )
    if len(members) < 2:
        reason = "alone"
    elif original.id != earliest.id:
        why = "press release" if original.press_release else "no republication note"
        reason = f"close call with {earliest.portal} #{earliest.id}: {why}"
    elif citing:
        named = [f"{by} #{i} ({note})" for i, cited, note in cited_by if cited == original.id
                 for by in [next(m.portal for m in members if m.id == i)]]  # fmt: skip
        reason = (
            f"earliest publication; named as source by {', '.join(named)}"
            if named
            else "earliest of the articles that name no other as their source"
        )
    else:
        reason = "earliest publication"
    return Decision(original, reason, cited_by)


def original_id(rows: Sequence[Mapping[str, Any] | Sequence[Any]]) -> int:
    """The id of the original among rows of ``EVIDENCE_COLUMNS``."""
    return decide([Candidate.from_row(r) for r in rows]).original.id
