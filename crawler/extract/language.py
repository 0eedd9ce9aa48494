"""``Article.language``: the language the page declares (``<html lang>``, a
``content-language`` meta), else one guessed from the body's frequent words.
"""

from __future__ import annotations

import re

from parsel import Selector


def declared_language(sel: Selector) -> str:
    """The page's declared language (``<html lang="en-US">`` -> ``en``), ``""`` if none."""
    lang = sel.root.get("lang") if sel.root is not None else None
    lang = lang or sel.css("meta[http-equiv=content-language]::attr(content)").get() or ""
    lang = lang.strip().split("-")[0].split("_")[0].lower()
    return "id" if lang == "in" else lang  # "in": Indonesian's withdrawn ISO 639 code


# Frequent function words: enough to tell an Indonesian article from an English one.
_ID_WORDS = frozenset(
    [
        "yang",
        "dan",
        "di",
        "ini",
        "itu",
        "dengan",
        "untuk",
        "dari",
        "dalam",
        "tidak",
        "akan",
        "pada",
        "juga",
        "ke",
    ]
)
_EN_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "is",
        "in",
        "that",
        "for",
        "with",
        "was",
        "are",
        "on",
        "this",
        "from",
    ]
)


def guess_language(text: str | None) -> str:
    """``id`` or ``en`` for a text whose page declares no language, by counting frequent
    function words of each; ``id`` (arsip's own language) when there is no telling."""
    words = re.findall(r"[a-z]+", (text or "")[:5000].lower())
    indonesian = sum(word in _ID_WORDS for word in words)
    english = sum(word in _EN_WORDS for word in words)
    return "en" if english > 2 * indonesian and english >= 5 else "id"
