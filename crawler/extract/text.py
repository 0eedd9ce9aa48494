"""The text of a page as a reader sees it: whitespace folded (``fold``), the text of the
first or every element a CSS selector matches (``first_text``, ``all_text``), and an
element laid out in lines as a browser would (``block_lines``). Decides no Article field;
every reader of the page (``title``, ``datehints``, ``body``, ``prose``) uses these.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from lxml import etree
from parsel import Selector

# Block-level tags: text on either side of them belongs to different paragraphs.
BLOCK_TAGS = {
    "p", "div", "section", "article", "header", "footer", "aside", "main", "nav",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "pre", "table", "tr", "td", "th", "figure", "figcaption", "form",
    "address", "hr", "center",
}  # fmt: skip
SKIP_TAGS = {"script", "style", "noscript", "iframe", "template", "svg", "button", "select"}
_SPACE = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Whitespace folded to single spaces, ends stripped; non-breaking spaces too."""
    return _SPACE.sub(" ", (text or "").replace("\xa0", " ")).strip()


def first_text(sel: Selector, css: str | None) -> str:
    """The folded text of the first element ``css`` matches that has any; ``""``."""
    if not css:
        return ""
    for node in sel.css(css):
        text = fold(" ".join(node.css("::text").getall()))
        if text:
            return text
    return ""


def all_text(sel: Selector, css: str | None) -> list[str]:
    """The folded texts of every element ``css`` matches, each once, in page order."""
    if not css:
        return []
    texts = (fold(" ".join(node.css("::text").getall())) for node in sel.css(css))
    return list(dict.fromkeys(t for t in texts if t))


def block_lines(
    root: etree._Element,
    skip: Collection[etree._Element] = (),
    skip_tags: Collection[str] = SKIP_TAGS,
) -> list[str]:
    """The text of an element as a browser would lay it out: one line per block (and per
    ``<br>``), whitespace folded, empty lines dropped; ``skip`` elements and those of
    ``skip_tags`` (scripts, styles, widgets) left out."""
    lines: list[str] = []
    current: list[str] = []

    def newline() -> None:
        text = fold("".join(current))
        if text:
            lines.append(text)
        current.clear()

    def visit(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if not tag or tag in skip_tags or node in skip:
            if node.tail:
                current.append(node.tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            newline()
        if tag == "br":
            newline()
        if node.text:
            current.append(node.text)
        for child in node:
            visit(child)
        if block:
            newline()
        if node.tail:
            current.append(node.tail)

    # The root's own tail lies outside the element.
    tail, root.tail = root.tail, None
    try:
        visit(root)
    finally:
        root.tail = tail
    newline()
    return lines
