"""Indonesian boilerplate removal: what portals put inside article text that is not the
article. Each kind is removed, or moved into its field (credits -> authors/editor,
republication note -> ``republished_from``, dateline -> ``dateline``); press-release
wording is flagged and the text kept.

Works on lines (paragraphs), so it serves every extraction path: selectors, JSON-LD
``articleBody`` and the generic fallback alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from crawler.extract.dates import is_feed_line
from crawler.items import Article

_I = re.IGNORECASE

# Whole lines that are never article text.
_DROP_LINES = [
    # Read-also / see-also, with or without bold markers and colon spacing.
    re.compile(r"^[*_\s]*(baca|lihat|simak|cek)\s+(juga|pula|selengkapnya)\b\s*[:\-–]?", _I),
    re.compile(r"^[*_\s]*berita\s+(terkait|lainnya|pilihan)\s*([:\-–]|$)", _I),
    # Follow / subscribe calls.
    re.compile(r"^(follow|ikuti|gabung|bergabung)\b.{0,120}\b(google news|whatsapp|telegram|"
               r"instagram|channel|saluran)", _I),
    re.compile(r"^dapatkan\s+(berita|update|info|informasi)\b", _I),
    re.compile(r"^(simak|ikuti)\s+(berita|update|informasi)\b.{0,80}\b(google news|whatsapp|"
               r"telegram)", _I),
    # Ad markers.
    re.compile(r"^(advertisement|iklan|scroll to (continue|resume)( with)? content|"
               r"lanjutkan membaca|scroll untuk melanjutkan)\W*$", _I),
    # Embeds.
    re.compile(r"^\[gambas:[^\]]*\]$", _I),
    re.compile(r"^simak\s+(juga\s+)?video\b", _I),
    # Paging.
    re.compile(r"^halaman\s+\d+\s*(/|dari)\s*\d+$", _I),
    re.compile(r"^(simak|baca)\s+(selengkapnya\s+di\s+)?halaman\s+(berikutnya|selanjutnya)", _I),
    re.compile(r"^(selanjutnya|berikutnya|next)\s*[>»]*$", _I),
    # Editorial picks.
    re.compile(r"^pilihan\s+editor\s*:", _I),
    # Photo credit lines in the text flow: (@TangerangNews / Rangga Agung Zuliansyah)
    re.compile(r"^\(@[^)]{2,80}\)$"),
    re.compile(r"^(foto|ilustrasi)\s*:", _I),
]  # fmt: skip

# All of them as one pattern: one regex run per line instead of one per kind.
_DROP_LINE = re.compile("|".join(f"(?:{p.pattern})" for p in _DROP_LINES), _I)

# Read-also inside a paragraph: from the marker to the end of that sentence.
_INLINE_READ_ALSO = re.compile(
    r"\s*[*_]*\b(baca|lihat)\s+juga\s*:\s*[^.!?\n]{3,160}[.!?]?[*_]*", _I
)

# A photo caption left in the text flow: a short line whose last sentence is glued to
# the photographer's initials, ``Kemacetan di Jalan Raya Cisoka-Adiyasa.(din)``.
_CAPTION = re.compile(r"^[^\n]{5,200}[.!]\((?:[a-z]{2,5}|[A-Z]{2,5})\)$")

_CREDIT = re.compile(
    r"^(?P<role>penulis|reporter|pewarta|wartawan|kontributor|editor|redaktur|penyunting|"
    r"sumber|foto|laporan wartawan [^:|]+)\s*:\s*(?P<names>[^|]+)$",
    _I,
)
_AUTHOR_ROLES = {"penulis", "reporter", "pewarta", "wartawan", "kontributor"}
_EDITOR_ROLES = {"editor", "redaktur", "penyunting"}

_REPUBLISHED = re.compile(
    r"^artikel ini (?:telah|sudah|pertama kali)\s+(?:tayang|terbit|dimuat|tayang lebih dulu)"
    r"\s+di\s+(?P<where>.+?)(?:\s+dengan judul\b.*)?$",
    _I,
)

# Sign-offs end the last paragraph: (*) (ant) (red) (RMI/HRU) (rfs/jbr) (Tim K6) (BNN/PBN).
# A single upper-case word in parentheses ends sentences as an acronym (KPU): kept.
_SIGNOFF = re.compile(
    r"\s*\((?:\*+|[a-z]{2,6}|[A-Za-z0-9]{1,8}(?:/[A-Za-z0-9]{1,8})+|tim\s+[\w-]{1,10})\)\s*$",
    _I,
)
_ACRONYM = re.compile(r"\(([A-Z0-9]{2,8})\)\s*$")

_DATELINE_SEP = re.compile(r"\s*(?:--|[-–—])\s*")
_OUTLET = re.compile(
    r"(\.(?:com|id|co|net|tv|news)\b|^(antara|banpos|kompas|tempo|detik|cnn|kabar6|"
    r"tribun|okezone|liputan6|suara|viva|inews|radar|rmol|kabar\s+\w+|pikiran\s+rakyat)\b)",
    _I,
)

_PRESS_RELEASE = re.compile(
    r"(?:\b(?:melalui|dari|dalam|lewat|menurut|berdasarkan)\s+)?"
    r"\b(?:siaran\s+pers|rilis\s+pers|press\s+release|keterangan\s+(?:tertulis|resmi|pers)"
    r"|rilis\s+(?:resmi\s+)?yang\s+diterima)\b"
    r"(?:[^.;,\n“”\"]|\.(?=\w))*",
    _I,
)

_TITLE_SEPARATORS = re.compile(r"\s+[-–—|:]\s+")


# A related-news feed line (``TangselCity | 16 jam yang lalu``) is short: longer lines
# are prose and skip the (costly) feed-line pattern.
_FEED_LINE_MAX = 120


@dataclass
class Cleaned:
    """What cleaning found besides the text."""

    paragraphs: list[str]
    dateline: str | None = None
    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    republished_from: str | None = None
    press_release: str | None = None


def clean_title(title: str | None, site_name: str | None = None) -> str | None:
    """The headline without the portal's name appended (``Judul - TangselPos.id``)."""
    if not title:
        return title
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1 and _is_site_name(parts[-1], site_name):
        title = title[: title.rfind(parts[-1])].rstrip(" -–—|:")
    return title.strip() or None


def _is_site_name(text: str, site_name: str | None) -> bool:
    def key(value: str) -> str:
        return re.sub(r"\.(id|com|co\.id|net)$", "", value.strip().lower()).replace(" ", "")

    if site_name and key(text) == key(site_name):
        return True
    return bool(re.fullmatch(r"[\w.-]+\.(com|id|co\.id|net)", text.strip(), _I))


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """``SERANG - Peran semua...`` -> (``SERANG``, ``Peran semua...``).

    Forms: ``SERANG - ``, ``JAKARTA, KOMPAS.com - ``, ``Liputan6.com, Jakarta - ``,
    ``Jakarta (ANTARA) - ``, ``TANGERANGNEWS.com-``, ``Kabar6-``, ``CNN Indonesia -- ``.
    An outlet-only prefix is removed with no dateline.
    """
    match = _DATELINE_SEP.search(paragraph, 0, 80)
    if not match or match.start() == 0:
        return None, paragraph
    prefix, rest = paragraph[: match.start()], paragraph[match.end() :]
    if not rest or len(prefix.split()) > 7:
        return None, paragraph
    parts = [p.strip() for p in re.split(r",|\(|\)", prefix) if p.strip()]
    outlets = [p for p in parts if _OUTLET.search(p)]
    places = [p for p in parts if p not in outlets]
    has_outlet = bool(outlets) or "(" in prefix
    upper_place = bool(places) and places[0].replace(" ", "").replace(".", "").isupper()
    glued = not match.group(0)[0].isspace()
    # ``PLACE, OUTLET-``: the comma form names an outlet even when its short name is
    # unknown here (``TANGERANG, SN–``, satelitnews).
    if not has_outlet and upper_place and len(parts) == 2 and "," in prefix:
        has_outlet = True
    # detik prints the place in title case: ``Sukabumi - ``. One word only: ``Warga
    # Pamulang - yang terdampak...`` is a sentence.
    if not has_outlet and not upper_place and not glued and len(parts) == 1:
        words = prefix.split()
        upper_place = len(words) == 1 and words[0][:1].isupper() and words[0][1:].islower()
    # A glued separator (``Kabar6-Warga``) only counts after an outlet name: ``PT KAI-X`` is text.
    if not (has_outlet or (upper_place and not glued)):
        return None, paragraph
    return (places[0] if places else None), rest


def find_press_release(text: str) -> str | None:
    match = _PRESS_RELEASE.search(text)
    return match.group(0).strip() if match else None


def _dropped(line: str) -> bool:
    """A whole line that is never text and goes nowhere (read-also, feed line, ad...)."""
    return bool(_DROP_LINE.match(line)) or (len(line) <= _FEED_LINE_MAX and is_feed_line(line))


def is_boilerplate(line: str) -> bool:
    """Whether cleaning takes this whole line out of the text: dropped (read-also, feed
    line, follow call, ad marker, paging, embed) or moved into a field (a credit line,
    a republication note). Whitespace at the ends does not matter."""
    line = line.strip()
    return _dropped(line) or _credits(line) is not None or bool(_REPUBLISHED.match(line))


def clean_lines(lines: list[str]) -> Cleaned:
    """Remove boilerplate lines, move credits and notes to fields, split the dateline."""
    result = Cleaned(paragraphs=[])
    for raw in lines:
        line = raw.strip()
        if not line or _dropped(line):
            continue
        if _take_credit(line, result) or _take_republished(line, result):
            continue
        line = _INLINE_READ_ALSO.sub("", line).strip()
        if line:
            result.paragraphs.append(line)
    # Captions end in initials like sign-offs do; only the last paragraph is a sign-off.
    result.paragraphs = [
        p
        for i, p in enumerate(result.paragraphs)
        if i == len(result.paragraphs) - 1 or not (_CAPTION.match(p) and len(p.split()) <= 25)
    ]

    _strip_signoff(result.paragraphs)
    if result.paragraphs:
        result.dateline, first = split_dateline(result.paragraphs[0])
        result.paragraphs[0] = first
    result.press_release = find_press_release("\n".join(result.paragraphs))
    return result


def _credits(line: str) -> list[re.Match[str]] | None:
    """The credits of a credit line (``Penulis: X | Editor: Y``), None for other lines."""
    if len(line.split()) > 16:
        return None
    matches = [_CREDIT.match(part.strip()) for part in line.split("|")]
    if not matches or not all(matches):
        return None
    return [m for m in matches if m is not None]


def _take_credit(line: str, result: Cleaned) -> bool:
    matches = _credits(line)
    if matches is None:
        return False
    for match in matches:
        role = match.group("role").lower()
        names = [n.strip(" .") for n in re.split(r",|\bdan\b|&", match.group("names"))]
        names = [n for n in names if n]
        if role in _EDITOR_ROLES:
            result.editor = result.editor or (names[0] if names else None)
        elif role in _AUTHOR_ROLES or role.startswith("laporan wartawan"):
            result.authors.extend(n for n in names if n not in result.authors)
    return True


def _take_republished(line: str, result: Cleaned) -> bool:
    match = _REPUBLISHED.match(line)
    if not match:
        return False
    result.republished_from = match.group("where").strip(" .")
    return True


def _strip_signoff(paragraphs: list[str]) -> None:
    while paragraphs:
        last = paragraphs[-1]
        if _ACRONYM.search(last) and not re.search(r"/", last[-12:]):
            return
        stripped = _SIGNOFF.sub("", last).rstrip()
        if stripped == last:
            return
        if stripped:
            paragraphs[-1] = stripped
            return
        paragraphs.pop()


def _fold_key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def clean_article(article: Article, site_name: str | None = None) -> Article:
    """The cleaning stage: a new Article with clean title and body and the moved fields."""
    lines = [ln for block in (article.body or "").split("\n\n") for ln in block.split("\n")]
    # Generic extraction often starts with the headline itself.
    if lines and article.title and _fold_key(lines[0]) == _fold_key(article.title):
        lines = lines[1:]
    cleaned = clean_lines(lines)
    authors = article.authors or cleaned.authors
    return replace(
        article,
        title=clean_title(article.title, site_name),
        body="\n\n".join(cleaned.paragraphs) or None,
        dateline=cleaned.dateline,
        authors=list(authors),
        editor=article.editor or cleaned.editor,
        republished_from=article.republished_from or cleaned.republished_from,
        press_release=cleaned.press_release is not None,
        press_release_phrase=cleaned.press_release,
    )
