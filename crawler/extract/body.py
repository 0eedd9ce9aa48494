"""``Article.body`` and ``Article.body_source``: the article's text, read by the first
reader that finds some, in order of trust (``read_body``): the portal's body selector
(``selector``), a markup family's container (``family``, ``crawler.extract.families``),
the generic fallback (``generic``: a dominant paragraph container, else trafilatura
checked against it) and JSON-LD ``articleBody`` (``structured``). On a declared portal's
page, a reader other than the portal's own rule (``body_rule``) counts only when its
text holds article prose (``crawler.extract.prose``). The lines keep every line of the
container, boilerplate included: cleaning is the next stage's job.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Collection, Iterable
from typing import Any

from lxml import etree
from parsel import Selector

from crawler.extract.families import (
    COMMON_REMOVE,
    FAMILIES,
    MIN_BODY_CHARS,
    Family,
    active_families,
)
from crawler.extract.prose import has_article_prose
from crawler.extract.scan import Scan
from crawler.extract.text import block_lines, fold
from crawler.portals import Portal


def body_rule(portal: Portal | None) -> str | None:
    """How a declared portal's own rule finds its article text: ``selector`` (its
    ``selectors.body``), ``family`` (a portal built on a markup family's base, whose
    container is found by markup), or None (no rule: a ``generic`` portal, or no portal).
    The values are those of ``Article.body_source``."""
    if portal is None:
        return None
    if portal.selectors.body:
        return "selector"
    return "family" if portal.family in FAMILIES_BY_NAME else None


FAMILIES_BY_NAME = {family.name: family for family in FAMILIES}


def read_body(
    sel: Selector, scan: Scan, data: dict[str, Any], portal: Portal | None, url: str
) -> tuple[list[str], str | None]:
    """The body's lines and the reader that found them (``Article.body_source``).

    Readers in order of trust: the portal's body selector, a markup family's container,
    the generic fallback, JSON-LD ``articleBody``; the first with text wins. On a page
    of a declared portal, a reader other than the portal's own rule (``body_rule``) is
    a guess about a page the portal's rule found nothing on: a video or gallery page
    under an article URL, whose layout (menu, headline lists, footer) is all the text a
    generic reader finds, or an article after a template change. Its text counts only
    when it holds article prose (``has_article_prose``); a page where no reader finds
    any has no body. Those readers read the page without what the portal's rule drops
    (``without_removals``): the text of an article whose container was renamed is
    then what the rule would have read, without the summary box or next/previous bar
    the portal's removal list names."""
    own = body_rule(portal)
    readers: tuple[tuple[str, Callable[[Selector], list[str]]], ...] = (
        ("selector", lambda page: _body_paragraphs(page, portal)),
        ("family", lambda page: family_paragraphs(page, scan)),
        ("generic", lambda page: _fallback_paragraphs(page, url)),
        ("structured", lambda page: _structured_body(data)),
    )
    page = sel
    for source, read in readers:
        guess = source in ("family", "generic") and source != own
        if portal and own and guess and page is sel:
            page = without_removals(sel, removals(portal))  # the rule missed: guesses next
        lines = read(page)
        if not lines:
            continue
        shown = None if source == "structured" else page  # articleBody: not the page's text
        if portal is None or source == own or has_article_prose(shown, lines):
            return lines, source
    return [], None


def removals(portal: Portal) -> tuple[str, ...]:
    """CSS selectors of what a portal's own body rule drops from the text: its
    ``remove`` list, and for a portal built on a markup family's base (``body_rule``
    ``family``) that family's ``remove`` list and ``COMMON_REMOVE``."""
    family = FAMILIES_BY_NAME.get(portal.family)
    extra = (*COMMON_REMOVE, *family.remove) if family else ()
    return tuple(dict.fromkeys((*portal.remove, *extra)))


def without_removals(sel: Selector, remove: Iterable[str]) -> Selector:
    """A copy of the page without the elements ``remove`` (CSS selectors) selects, each
    one's tail text kept where it stood, as ``_container_lines`` skips them; ``sel``
    itself is left untouched (other readings share its tree).

    A removal list names elements *inside* a body container; read over the whole page,
    a selector also matches wrappers whose class merely holds its word (JNews's
    ``<div class="entry-content no-share">`` around the text, for ``[class*=share]``).
    The paragraph parent (``paragraph_parent``, where the article's paragraphs sit)
    and the elements around it are therefore kept."""
    css = ", ".join(remove)
    if not css:
        return sel
    page = Selector(root=copy.deepcopy(sel.root))
    parent = paragraph_parent(page)
    keep = {page.root} if parent is None else {parent.root, *parent.root.iterancestors()}
    for node in page.css(css):
        element = node.root
        if element in keep or element.getparent() is None:
            continue
        _drop(element)
    return page


def _drop(element: etree._Element) -> None:
    """Take ``element`` out of its tree, its tail text kept in place."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _structured_body(data: dict[str, Any]) -> list[str]:
    body = data.get("articleBody")
    return [fold(p) for p in body.splitlines() if fold(p)] if isinstance(body, str) else []


def _body_paragraphs(sel: Selector, portal: Portal | None) -> list[str]:
    if not portal or not portal.selectors.body:
        return []
    nodes = sel.css(portal.selectors.body)
    if not nodes:
        return []
    return _container_lines(nodes[0], portal.remove)


def _container_lines(node: Selector, remove: Iterable[str]) -> list[str]:
    # Elements, not their id()s: lxml proxies are rebuilt on access, ids get reused.
    remove = ", ".join(remove)  # one XPath run instead of one per selector
    dropped = {n.root for n in node.css(remove)} - {node.root} if remove else set()
    return block_lines(node.root, skip=dropped)


_CLASS_OR_ID = re.compile(r"[.#]([\w-]+)")


def find_family(
    sel: Selector, tokens: Collection[str] | None = None
) -> tuple[Family, Selector] | None:
    """The first markup family whose body container holds real text, with that
    container; None when no family fits (the generic path then runs). ``tokens``:
    the class and id names of the page, when known, to skip selectors that cannot match."""
    for family in active_families():
        for css in family.body:
            if tokens is not None and not all(t in tokens for t in _CLASS_OR_ID.findall(css)):
                continue
            for node in sel.css(css)[:3]:
                text_length = sum(len(t.strip()) for t in node.css("::text").getall())
                if text_length >= MIN_BODY_CHARS:
                    return family, node
    return None


def family_paragraphs(sel: Selector, scan: Scan | None = None) -> list[str]:
    found = find_family(sel, scan.tokens if scan else None)
    if not found:
        return []
    family, node = found
    # A family's class names can be any theme's (``.post-content``): when the page's
    # paragraphs sit, in bulk, in an element outside the family's container, the
    # container is something else (a sidebar, a player) and the generic path reads
    # the page.
    parent, paragraph_chars, _ = _paragraph_parents(sel)
    if (
        parent is not None
        and paragraph_chars >= DOMINANT_CHARS
        and not _nested(node.root, parent.root)
    ):
        return []
    return _container_lines(node, (*COMMON_REMOVE, *family.remove))


def _nested(one: etree._Element, other: etree._Element) -> bool:
    """One element is the other or holds it."""
    return (
        one is other
        or any(a is other for a in one.iterancestors())
        or any(a is one for a in other.iterancestors())
    )


def paragraph_parent(sel: Selector) -> Selector | None:
    """The element whose own ``<p>`` children hold the most text (lines of 30+
    characters): where a CMS puts an article's paragraphs. None without paragraphs."""
    return _paragraph_parents(sel)[0]


def _paragraph_parents(sel: Selector) -> tuple[Selector | None, int, int]:
    """The paragraph parent (see ``paragraph_parent``), the characters of its own
    ``<p>`` lines of 30+ characters, and those of every such line of the page."""
    totals: dict[etree._Element, int] = {}
    for p in sel.root.iter("p"):
        length = len("".join(p.itertext()).strip())
        parent = p.getparent()
        if length >= 30 and parent is not None:
            totals[parent] = totals.get(parent, 0) + length
    if not totals:
        return None, 0, 0
    best = max(totals, key=totals.__getitem__)
    return Selector(root=best), totals[best], sum(totals.values())


# A paragraph parent is the article beyond doubt, and trafilatura (most of the cost of
# a page) is not asked, when it holds this many characters of paragraphs, this share
# of all the page's paragraph text, and this share of its own text is paragraphs (not
# link lists or widgets). Measured on the development sets: the container then scores
# as well as trafilatura's choice checked against it, on over half the general pages.
DOMINANT_CHARS = 1500
DOMINANT_SHARE = 0.6
DOMINANT_DENSITY = 0.5


def _coverage(part: list[str], whole: list[str]) -> float:
    """Share of ``part``'s 4-word shingles that ``whole`` also has (multisets)."""
    from crawler.extract.quality import shingles

    mine, theirs = shingles("\n".join(part)), shingles("\n".join(whole))
    return sum((mine & theirs).values()) / max(1, sum(mine.values()))


def _fallback_paragraphs(sel: Selector, url: str) -> list[str]:
    """Generic main-text extraction for pages no selector or family fits.

    A dominant paragraph parent (see ``DOMINANT_CHARS``) is the body outright, without
    trafilatura. Otherwise trafilatura reads the tree parsel already built (it copies
    it, ``sel`` stays untouched). Its choice is checked against the paragraph parent (the element holding
    most ``<p>`` text): when that element holds most of trafilatura's text and is of a
    similar size (0.6x to 2x), it is the article's own container and wins. trafilatura
    then was either missing the lead (paragraphs outside its chosen block) or adding
    teaser lists around it; this check, measured on the development sets, lifts body F1
    on both the Indonesian and the general pages."""
    import trafilatura

    container, paragraph_chars, page_chars = _paragraph_parents(sel)
    own = _container_lines(container, COMMON_REMOVE) if container is not None else []
    if (
        paragraph_chars >= DOMINANT_CHARS
        and paragraph_chars >= DOMINANT_SHARE * page_chars
        and paragraph_chars >= DOMINANT_DENSITY * sum(map(len, own))
    ):
        return own
    text = trafilatura.extract(sel.root, url=url, include_comments=False, deduplicate=False)
    lines = [fold(line) for line in (text or "").splitlines() if fold(line)]
    if container is None:
        return lines
    if not lines:
        return own
    size, reference = sum(map(len, own)), sum(map(len, lines))
    if 0.6 * reference <= size <= 2.0 * reference and _coverage(lines, own) >= 0.5:
        return own
    if size >= MIN_BODY_CHARS and _link_share(sel, lines) >= 0.3 > _link_share(sel, own):
        return own  # trafilatura took a list of headlines (``Berita lainnya``), own did not
    return lines


def _link_share(sel: Selector, lines: list[str]) -> float:
    """Share of the text of ``lines`` made of whole lines that are link texts."""
    anchors = {fold("".join(a.itertext())) for a in sel.root.iter("a")}
    linked = sum(len(line) for line in lines if line in anchors)
    return linked / max(1, sum(map(len, lines)))
