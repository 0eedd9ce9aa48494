"""What a portal changed when it ran another's story: a word-level diff of two versions
of one text, classified as an analyst reads it.

Words are compared with case, accents and punctuation folded (as the content hash
folds them: ``archive.dedup``), so a version that differs only in those ran
verbatim. ``difflib.SequenceMatcher`` (without its "popular word" heuristic, which
would make ``dan`` and ``yang`` invisible to the matching) finds the words both
versions share; the rest is cut (only in the original), added (only in the
republication) or rewritten (words replaced by others). A change that touches the
lead (the first paragraph of either version) makes a **rewritten lead**, a different
title a **new headline**. Pure: no database.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from archive.dedup_keys import normalised_text

# Labels, in the order they are listed.
NEW_HEADLINE = "new headline"
REWRITTEN_LEAD = "rewritten lead"
CUT = "cut"
ADDED = "added"
REWRITTEN = "rewritten"
MOVED = "moved"
LABELS = (NEW_HEADLINE, REWRITTEN_LEAD, CUT, ADDED, REWRITTEN, MOVED)
MIN_MOVED_WORDS = 5
"""A cut run of words that reappears, word for word, as an added run elsewhere is a
passage moved, when it is at least this long (shorter runs repeat by chance)."""

_PARAGRAPHS = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Hunk:
    """One run of changed words."""

    kind: str
    """``cut`` (words only in the original), ``added`` (only in the republication),
    ``rewritten`` (the original's words replaced by others) or ``moved`` (a passage
    cut in one place and added, word for word, in another; listed where it was)."""
    before: str
    """The original's words, as it wrote them (empty when added)."""
    after: str
    """The republication's words, as it wrote them (empty when cut)."""
    in_lead: bool
    """The change touches the lead (the first paragraph of either version)."""


@dataclass(frozen=True)
class Edits:
    """How a republication differs from its original."""

    verbatim: bool
    """The same text, word for word (case, accents and punctuation aside)."""
    new_headline: bool
    changes: tuple[str, ...]
    """The kinds of change, in ``LABELS`` order: ``new headline``, ``rewritten lead``,
    ``cut``, ``added``, ``rewritten``, ``moved``; empty for a verbatim copy under the
    same title."""
    words_cut: int
    """Words of the original not in the republication (cut or rewritten away; a
    moved passage is not counted)."""
    words_added: int
    """Words of the republication not in the original (added or rewritten in)."""
    similarity: float
    """Share of the two texts' words they have in common (``SequenceMatcher.ratio``)."""
    hunks: tuple[Hunk, ...]

    @property
    def ran(self) -> str:
        """``verbatim`` or ``edited``, of the text (a new headline alone is not an
        edit of the text)."""
        return "verbatim" if self.verbatim else "edited"


@dataclass(frozen=True)
class _Words:
    shown: list[str]
    """Words as written (split at white space)."""
    keys: list[str]
    """Each word folded (``normalised_text``); a word of punctuation only is its own key."""
    lead: int
    """How many of the words are the first paragraph."""


def _words(text: str | None) -> _Words:
    paragraphs = [p for p in _PARAGRAPHS.split(text or "") if p.strip()]
    shown: list[str] = []
    lead = 0
    for number, paragraph in enumerate(paragraphs):
        shown.extend(paragraph.split())
        if number == 0:
            lead = len(shown)
    keys = [_word_key(word) for word in shown]
    return _Words(shown, keys, lead)


@functools.lru_cache(maxsize=65_536)
def _word_key(word: str) -> str:
    """A word folded (``normalised_text``), remembered: news text repeats its words, and
    folding each anew was half the time of ``arsip releases`` (20 releases: 0.6 s)."""
    return normalised_text(word) or word


def _same_title(a: str | None, b: str | None) -> bool:
    return normalised_text(a or "") == normalised_text(b or "")


def word_diff(
    original_title: str | None,
    original_body: str | None,
    title: str | None,
    body: str | None,
) -> Edits:
    """How ``title`` and ``body`` (a republication) differ from the original's."""
    old, new = _words(original_body), _words(body)
    verbatim = old.keys == new.keys
    # A verbatim copy (half the republications) needs no matching: no runs, ratio 1.
    matcher = (
        None if verbatim else difflib.SequenceMatcher(None, old.keys, new.keys, autojunk=False)
    )
    runs = [r for r in matcher.get_opcodes() if r[0] != "equal"] if matcher else []
    # Passages moved: a deleted run whose words are inserted elsewhere.
    inserted = {
        tuple(new.keys[j1:j2]): n
        for n, (op, _, _, j1, j2) in enumerate(runs)
        if op == "insert" and j2 - j1 >= MIN_MOVED_WORDS
    }
    pairs: dict[int, int] = {}  # deleted run -> the inserted run it moved to
    for n, (op, i1, i2, _, _) in enumerate(runs):
        to = inserted.get(tuple(old.keys[i1:i2])) if op == "delete" else None
        if to is not None and to not in pairs.values():
            pairs[n] = to
    hunks: list[Hunk] = []
    cut = added = 0
    for n, (op, i1, i2, j1, j2) in enumerate(runs):
        in_lead = i1 < old.lead or j1 < new.lead
        if n in pairs.values():
            continue
        if n in pairs:
            text = " ".join(old.shown[i1:i2])
            hunks.append(Hunk(MOVED, text, text, i1 < old.lead))
            continue
        kind = {"delete": CUT, "insert": ADDED, "replace": REWRITTEN}[op]
        hunks.append(Hunk(kind, " ".join(old.shown[i1:i2]), " ".join(new.shown[j1:j2]), in_lead))
        cut += i2 - i1
        added += j2 - j1
    new_headline = not _same_title(original_title, title)
    found = {h.kind for h in hunks if not h.in_lead}
    if any(h.in_lead for h in hunks):
        found.add(REWRITTEN_LEAD)
    if new_headline:
        found.add(NEW_HEADLINE)
    return Edits(
        verbatim=verbatim,
        new_headline=new_headline,
        changes=tuple(label for label in LABELS if label in found),
        words_cut=cut,
        words_added=added,
        similarity=round(matcher.ratio(), 3) if matcher else 1.0,
        hunks=tuple(hunks),
    )
