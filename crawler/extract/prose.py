"""Whether a reading of a page holds an article's prose and not only the page's layout
(``has_article_prose``, scored by ``prose_score``): what a guessing body reader's text
must show to become ``Article.body`` on a declared portal's page (``crawler.extract.body``).
A video or gallery page under an article URL has none.
"""

from __future__ import annotations

import re

from lxml import etree
from parsel import Selector

from crawler.extract.text import block_lines, fold

PROSE_LINE_CHARS = 80
"""A prose line adds to a page's prose score by its characters beyond this many."""
PROSE_SCORE = 20.0
"""The prose score a run of lines must reach to be an article's text: the sum, over
its prose lines, of the square root of their characters beyond ``PROSE_LINE_CHARS``.
As Readability's "probably readerable" test (which counts beyond 140 characters, for
English), this needs a few real paragraphs, and many short lines add nothing: two
paragraphs of 200 characters pass (22), a caption of two sentences (300 characters,
15) does not. The shortest article of the sample portals scores 47."""

_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?:\s|$)")
_TRUNCATED = re.compile(r"(?:\.\.\.|\u2026|\[\u2026\]|\[\.\.\.\])[\"'\u201d\u2019)\]]*$")
_CAPTIONS = etree.XPath("//figcaption | //*[contains(@class, 'caption')]")
CAPTION_CHARS = 400
"""A caption element holds at most this much text; a longer one is a wrapper whose
class merely names captions (``<body class="theme-caption-two">``)."""


def has_article_prose(sel: Selector | None, lines: list[str]) -> bool:
    """Whether ``lines``, a reading of the page ``sel``, hold an article's text and not
    only the page's layout: their ``prose_score`` reaches ``PROSE_SCORE``."""
    return prose_score(sel, lines) >= PROSE_SCORE


def prose_score(sel: Selector | None, lines: list[str]) -> float:
    """The prose score (see ``PROSE_SCORE``) of the best run of paragraphs of a reading.

    The reading's paragraphs are taken as the page lays them out (``block_lines`` of the
    page, those the reading holds): a generic reader may run several of the page's
    blocks into one line (a headline, a byline and captions). Each is one of:

    - boilerplate cleaning takes out (``Baca juga``, feed lines, credits): skipped;
    - link text: a line that is (a line of) some link's text on the page: a menu item,
      a headline of a ``Berita lainnya`` or ``Terpopuler`` list. It ends the run: an
      article's paragraphs follow each other, a list's teasers sit between links;
    - a photo caption (``<figcaption>``, or an element of a ``*caption*`` class holding
      at most ``CAPTION_CHARS``: a gallery's text): skipped;
    - prose: four words or more with a sentence end, not a teaser cut short (``...``);
      it scores ``sqrt(characters - PROSE_LINE_CHARS)``;
    - anything else (headings, date lines, counters): neither scores nor ends the run.

    A line that goes on the sentence the line before broke off (``<br>``s or hard
    wrapping in the middle of a paragraph) is joined to it first. ``sel`` None scores
    ``lines`` as they are (JSON-LD ``articleBody``: no page to lay them out against).
    """
    from crawler.extract.clean import is_boilerplate

    if sel is None:
        links: set[str] = set()
        captions: set[str] = set()
        laid_out = lines
    else:
        links = _link_lines(sel)
        captions = {
            line
            for node in _CAPTIONS(sel.root)
            if len("".join(node.itertext())) <= CAPTION_CHARS
            for line in block_lines(node)
        }
        laid_out = _laid_out(sel, lines)
    # Paragraphs, hard-wrapped ones joined again; None for a link line.
    paragraphs: list[str | None] = []
    for line in laid_out:
        if is_boilerplate(line) or line in captions:
            continue
        if line in links:
            paragraphs.append(None)
        elif paragraphs and paragraphs[-1] and _wrapped(paragraphs[-1], line):
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
    best = run = 0.0
    for paragraph in paragraphs:
        if paragraph is None:
            run = 0.0
        elif (
            _SENTENCE_END.search(paragraph)
            and not _TRUNCATED.search(paragraph)
            and len(paragraph.split()) >= 4
        ):
            run += max(0, len(paragraph) - PROSE_LINE_CHARS) ** 0.5
            best = max(best, run)
    return best


_NO_SPACE = re.compile(r"\s+")
_NO_TEXT_TAGS = {"script", "style", "noscript", "template", "svg"}
"""Tags the page lay-out leaves out: not ``button`` or ``select``, which an unclosed
tag in broken markup makes hold the rest of the page."""


def _laid_out(sel: Selector, lines: list[str]) -> list[str]:
    """The page's lines (``block_lines`` of its ``<body>``), in page order, that the
    reading ``lines`` holds: as a line, or inside one of its lines. Compared without
    whitespace, which readers set differently around inline elements."""
    reading = _NO_SPACE.sub("", "\n".join(lines))
    body = sel.root.find("body")
    page = block_lines(body if body is not None else sel.root, skip_tags=_NO_TEXT_TAGS)
    return [line for line in page if _NO_SPACE.sub("", line) in reading]


def _wrapped(previous: str, line: str) -> bool:
    """``line`` goes on the sentence ``previous`` broke off (text broken by ``<br>``
    or by the width of the page): no end mark before it, lower case after."""
    return previous[-1] not in _END_MARKS and line[0].islower()


_END_MARKS = set(".!?:;\"'\u201d\u2019)]")


def _link_lines(sel: Selector) -> set[str]:
    """Every link's text on the page, whole and line by line (a link around a
    headline and its date)."""
    lines: set[str] = set()
    for anchor in sel.root.iter("a"):
        lines.add(fold("".join(anchor.itertext())))
        lines.update(block_lines(anchor))
    lines.discard("")
    return lines
