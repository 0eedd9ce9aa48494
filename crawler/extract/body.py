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
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

from lxml import etree
from parsel import Selector

from crawler.extract.families import (
    COMMON_REMOVE,
    FAMILIES,
    MIN_BODY_CHARS,
    Family,
    active_families,
    is_furniture_heading,
)
from crawler.extract.prose import has_article_prose
from crawler.extract.scan import Scan
from crawler.extract.text import BLOCK_TAGS, block_lines, fold
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
        ("family", lambda page: family_paragraphs(page, scan, furniture(page, scan))),
        ("generic", lambda page: _fallback_paragraphs(page, url, furniture(page, scan))),
        ("structured", lambda page: _structured_body(data)),
    )
    page = sel
    for source, read in readers:
        guess = source in ("family", "generic") and source != own
        if portal and own and guess and page is sel:
            page = without_removals(sel, removals(portal))  # the rule missed: guesses next
            scan = Scan(page.root)
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


def _container_lines(
    node: Selector, remove: Iterable[str], skip: Collection[etree._Element] = ()
) -> list[str]:
    # Elements, not their id()s: lxml proxies are rebuilt on access, ids get reused.
    remove = ", ".join(remove)  # one XPath run instead of one per selector
    dropped = {n.root for n in node.css(remove)} - {node.root} if remove else set()
    return block_lines(node.root, skip=dropped | (set(skip) - {node.root}))


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


def family_paragraphs(
    sel: Selector, scan: Scan | None = None, skip: Collection[etree._Element] = ()
) -> list[str]:
    """The lines of a markup family's container (see ``find_family``), without the
    family's removals and the page furniture ``skip`` holds; none when the page's
    paragraphs sit, in bulk, elsewhere."""
    found = find_family(sel, scan.tokens if scan else None)
    if not found:
        return []
    family, node = found
    # A family's class names can be any theme's (``.post-content``): when the page's
    # paragraphs sit, in bulk, in an element outside the family's container, the
    # container is something else (a sidebar, a player) and the generic path reads
    # the page.
    parent, paragraph_chars, _ = _paragraph_parents(sel, skip)
    if (
        parent is not None
        and paragraph_chars >= DOMINANT_CHARS
        and not _nested(node.root, parent.root)
    ):
        return []
    return _container_lines(node, (*COMMON_REMOVE, *family.remove), skip)


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


def _paragraph_parents(
    sel: Selector, skip: Collection[etree._Element] = ()
) -> tuple[Selector | None, int, int]:
    """The paragraph parent (see ``paragraph_parent``), the characters of its own
    paragraph lines of 30+ characters, and those of every such line of the page.

    A paragraph is a ``<p>``, or a run of text written straight into a block element
    between ``<br>``s (``<div>Tangerang - Warga ...<br><br>Kepala ...</div>``, the
    layout of older portal templates), which counts for that element. The page
    furniture ``skip`` holds (comments, related news, tag lists) is never the article:
    its paragraphs do not count, or a comment thread of ``<p>``s would outweigh an
    article written between ``<br>``s."""
    skipped = {p for node in skip for p in node.iter("p")}
    totals: dict[etree._Element, int] = {}
    for p in sel.root.iter("p"):
        if p in skipped:
            continue
        length = len("".join(p.itertext()).strip())
        parent = p.getparent()
        if length >= 30 and parent is not None:
            totals[parent] = totals.get(parent, 0) + length
    for block, length in _loose_text(sel.root, skip):
        totals[block] = totals.get(block, 0) + length
    if not totals:
        return None, 0, 0
    best = max(totals, key=totals.__getitem__)
    return Selector(root=best), totals[best], sum(totals.values())


_LONG_TEXT = etree.XPath(
    "//text()[string-length(normalize-space()) >= 30]"
    "[not(ancestor::p or ancestor::script or ancestor::style or ancestor::li"
    " or ancestor::td or ancestor::a or ancestor::h1 or ancestor::h2 or ancestor::h3)]"
)


def _loose_text(
    root: etree._Element, skip: Collection[etree._Element]
) -> Iterator[tuple[etree._Element, int]]:
    """Runs of 30+ characters of text outside any ``<p>`` (nor in a list, a table cell,
    a link or a heading), written between the ``<br>``s of a block element, each with
    that element."""
    for text in _LONG_TEXT(root):
        holder = text.getparent()
        if holder is None:
            continue
        if text.is_tail:  # after an inline child (``<b>Tangerang</b> - Warga ...``)
            holder = holder.getparent()
        while holder is not None and holder.tag not in BLOCK_TAGS:
            holder = holder.getparent()
        if holder is None or holder.find("br") is None:
            continue  # a block of its own (``<div>`` as a paragraph): not a run between ``<br>``s
        if any(a in skip for a in (holder, *holder.iterancestors())):
            continue
        yield holder, len(text.strip())


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


def _fallback_paragraphs(
    sel: Selector, url: str, skip: Collection[etree._Element] = ()
) -> list[str]:
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

    container, paragraph_chars, page_chars = _paragraph_parents(sel, skip)
    own = _container_lines(container, COMMON_REMOVE, skip) if container is not None else []
    if (
        paragraph_chars >= DOMINANT_CHARS
        and paragraph_chars >= DOMINANT_SHARE * page_chars
        and paragraph_chars >= DOMINANT_DENSITY * sum(map(len, own))
    ):
        return own
    tree = _without(sel.root, skip) if skip else sel.root
    text = trafilatura.extract(tree, url=url, include_comments=False, deduplicate=False)
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


# -- page furniture -------------------------------------------------------------------

_HEADINGS = etree.XPath(
    "//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::strong"
    " or self::b or self::span or self::div or self::p or self::dt]"
    "[string-length(normalize-space()) <= 30][normalize-space()]"
)
_ARTICLE_BODY = etree.XPath("//*[@itemprop='articleBody'] | (//h1)[1]")
_HEADING_CLIMB = 2
"""How many levels a furniture heading that opens its block climbs to that block."""


def furniture(sel: Selector, scan: Scan | None = None) -> set[etree._Element]:
    """The page's furniture: blocks that are no article on any portal, which the
    generic readers and the markup families leave out.

    - Elements whose class or id names furniture (``Scan.furniture``): comments
      (``comments-area``, ``fb-comments``, ``disqus_thread``, ``komentar``), related,
      recommended and popular news (``list_terkait``, ``box-rekomendasi``), tag lists
      (``post-tags``, ``newstag``), author boxes (``author-box``, ``penulis-bio``).
    - Blocks opened by a furniture heading (``Berita Terkait``, ``Komentar``, ``Simak
      Video``, ``Tag:``; ``FURNITURE_HEADINGS``): the element the heading opens (the
      heading climbs while it is its parent's first child, up to ``_HEADING_CLIMB``
      levels), or, for a heading standing alone, the heading and the lists of links
      that follow it.

    Never furniture: ``<html>``, ``<body>``, the first ``<h1>`` and what holds it, and
    an ``itemprop=articleBody`` and what holds it: the article itself, whatever its
    wrapper's class says (``<article class="post-comments-open">``); nor, unless named
    for comments, a block holding the page's paragraph parent."""
    root = sel.root
    protected = {root}
    for node in _ARTICLE_BODY(root):
        protected.add(node)
        protected.update(node.iterancestors())
    body = root.find("body")
    if body is not None:
        protected.add(body)
    found: set[etree._Element] = set()
    named = scan.furniture if scan is not None else Scan(root).furniture
    # A block named ``related`` or ``tags`` that holds the page's paragraph parent is
    # the article's wrapper (``<div id="map-and-related">``); a comment thread can
    # outweigh an article, and goes all the same.
    parent = paragraph_parent(sel)
    article = set() if parent is None else {parent.root, *parent.root.iterancestors()}
    for node, comments in named:
        if node not in protected and (comments or node not in article):
            found.add(node)
    for heading in _HEADINGS(root):
        text = fold("".join(heading.itertext()))
        if heading in protected or not is_furniture_heading(text):
            continue
        block = heading
        for _ in range(_HEADING_CLIMB):
            parent = block.getparent()
            if parent is None or parent in protected or parent in article:
                break
            if _first_element(parent) is not block:
                break
            if parent.tag == "p" and fold("".join(parent.itertext())) != text:
                break  # ``<p><b>Tag:</b> text...</p>``: a paragraph, not a box
            block = parent
        found.add(block)
        if fold("".join(block.itertext())) == text:  # the heading alone: its lists follow
            sibling = block.getnext()
            while sibling is not None and _link_density(sibling) >= 0.6:
                found.add(sibling)
                sibling = sibling.getnext()
    return found


def _first_element(parent: etree._Element) -> etree._Element | None:
    """``parent``'s first child element, if no text comes before it."""
    if parent.text and parent.text.strip():
        return None
    for child in parent:
        if isinstance(child.tag, str):
            return child
    return None


def _link_density(node: etree._Element) -> float:
    """Share of ``node``'s text that is link text (0 without text)."""
    if not isinstance(node.tag, str):
        return 0.0
    text = len(fold("".join(node.itertext())))
    if not text:
        return 0.0
    linked = sum(len(fold("".join(a.itertext()))) for a in node.iter("a"))
    return linked / text


def _without(root: etree._Element, skip: Collection[etree._Element]) -> etree._Element:
    """A copy of the tree ``root`` without the elements ``skip`` (tails kept)."""
    tree = root.getroottree()
    paths = [tree.getpath(node) for node in skip]
    copied = copy.deepcopy(root)
    doomed = [hit for path in paths for hit in copied.getroottree().xpath(path)]
    for node in doomed:
        if node.getparent() is not None:
            _drop(node)
    return copied
