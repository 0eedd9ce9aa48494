"""One pass over a page's tree before any selector runs (``Scan``): the class and id
names present, which the body's markup-family rules use to skip selectors that cannot
match, the elements named like a date line, which the date hints read, and those named
like page furniture (comments, related news, tag lists, author boxes), which the generic
body readers leave out. Decides no Article field.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.extract.families import is_comment_name, is_furniture_name

# Elements whose class/id says they hold the page's date line.
_DATE_LINE_TAGS = {"div", "span", "p", "time", "li", "small", "abbr"}
_DATE_LINE_NAME = re.compile(r"date|publish|tanggal|posted|time|waktu", re.I)
# Furniture is a block (``<span class="hljs-comment">`` in a code listing is none).
_FURNITURE_TAGS = {
    "div", "section", "aside", "ul", "ol", "p", "nav", "footer", "dl", "table", "form",
}  # fmt: skip
# The first <h1>s and every class and id value, in document order, from one XPath run
# in C: a Python pass over every element cost more than all the rest of the reading.
_SCAN_XPATH = etree.XPath("//h1 | //@class | //@id")


class Scan:
    """What the tree tells before any selector runs: class and id tokens present (so
    that family selectors are only tried when their classes exist) and date-line
    elements in document order, with the position of the first ``<h1>``."""

    def __init__(self, root: etree._Element):
        self.tokens: set[str] = set()
        self.date_nodes: list[tuple[int, etree._Element]] = []
        self.h1_at: int | None = None
        self.furniture: list[tuple[etree._Element, bool]] = []
        """Block elements whose class or id names page furniture (``is_furniture_name``),
        each with whether the name is a comment thread's (``is_comment_name``)."""
        last = None
        for index, found in enumerate(_SCAN_XPATH(root)):
            if not isinstance(found, str):  # an <h1>
                if self.h1_at is None:
                    self.h1_at = index
                continue
            self.tokens.update(found.split())
            if is_furniture_name(found):
                node = found.getparent()  # type: ignore[attr-defined]
                if node.tag in _FURNITURE_TAGS:
                    self.furniture.append((node, is_comment_name(found)))
            if _DATE_LINE_NAME.search(found):
                node = found.getparent()  # type: ignore[attr-defined]
                if node is not last and node.tag in _DATE_LINE_TAGS:
                    self.date_nodes.append((index, node))
                    last = node
