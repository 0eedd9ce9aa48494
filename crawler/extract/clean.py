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
from functools import lru_cache
from typing import Protocol

from crawler.extract.dates import is_feed_line
from crawler.items import Article

_I = re.IGNORECASE

_MONTHS = (
    r"(?:januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|"
    r"november|nopember|desember|jan|feb|mar|apr|jun|jul|agu|agt|ags|sep|sept|okt|nov|des)"
)
_WEEKDAYS = r"(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad)"
_DAY = rf"(?:{_WEEKDAYS}\s*,?\s*)?\d{{1,2}}\s+{_MONTHS}\.?\s+\d{{4}}"
_CLOCK = r"(?:(?:pukul|pkl\.?)\s*)?\d{1,2}[:.]\d{2}(?:\s*(?:wib|wita|wit))?"
# The words a photo credit is made of: ``(foto:cep)``, ``(dok K6)``, ``(Istimewa /
# Istimewa)``, ``(ist)``, ``(@TangerangNews / Nama)``, ``(tangerangnews / Nama)``.
_PHOTO_WORD = (
    r"(?:foto|dok|dok\.|dokumentasi|ist|istimewa|ilustrasi|repro|screenshot|tangkapan layar)"
)
_PHOTO_CREDIT = (
    rf"\(\s*(?:{_PHOTO_WORD}\b[^()]{{0,60}}|@[^()]{{2,80}}|[^()]{{1,60}}/\s*@[^()]{{1,60}}"
    rf"|[^()/]{{1,40}}/\s*{_PHOTO_WORD}\s*|[\w.@]*(?:news|\.com|\.id)[\w.@ ]*\s*/[^()]{{2,60}}"
    rf"|[^()]{{2,60}}/\s*[\w.@]*(?:news|\.com|\.id)[\w.@]*)\s*\)"
)

# Whole lines that are never article text, each kind under the name ``arsip clean``
# reports. Checked as one pattern: one regex run per line instead of one per kind.
LINE_RULES: list[tuple[str, str]] = [
    # Read-also / see-also, with or without bold markers and colon spacing.
    ("read-also", r"^[*_\s]*(baca|lihat|simak|cek)\s+(juga|pula|selengkapnya)\b\s*[:\-–]?"),
    ("related-news", r"^[*_\s]*berita\s+(terkait|lainnya|pilihan)\s*([:\-–]|$)"),
    # Follow / subscribe calls.
    ("follow-call", r"^(follow|ikuti|gabung|bergabung)\b.{0,120}\b(google news|whatsapp|telegram|"
                    r"instagram|channel|saluran)"),
    ("follow-call", r"^dapatkan\s+(berita|update|info|informasi)\b"),
    ("follow-call", r"^(simak|ikuti|cek)\s+(berita|update|informasi|artikel)\b.{0,120}\b"
                    r"(google news|whatsapp|telegram)"),
    # Ad markers.
    ("ad-marker", r"^(advertisement|iklan|scroll to (continue|resume)( with)? content|"
                  r"lanjutkan membaca|scroll untuk melanjutkan)\W*$"),
    # Embeds.
    ("embed", r"^\[gambas:[^\]]*\]$"),
    ("embed", r"^simak\s+(juga\s+)?video\b"),
    ("embed", r"^(view this post on instagram|a post shared by\b.{0,80}|lihat postingan ini di "
              r"instagram)$"),
    # Paging.
    ("paging", r"^halaman\s+\d+\s*(/|dari)\s*\d+$"),
    ("paging", r"^(simak|baca)\s+(selengkapnya\s+di\s+)?halaman\s+(berikutnya|selanjutnya)"),
    ("paging", r"^(selanjutnya|berikutnya|next)\s*[>»]*$"),
    # Editorial picks.
    ("editor-pick", r"^pilihan\s+editor\s*:"),
    # The page around the article: widget headings, copyright, comment notices.
    ("furniture", r"^(connect with us|today tag|recomm?ended|trending|terpopuler|populer|"
                  r"terkini|berita terkini|tag|tags|label|share|bagikan)\s*:?$"),
    ("furniture", r"^(copyright\s*)?©.{0,80}$"),
    ("furniture", r"^copyright\b.{0,80}$"),
    ("furniture", r"^isi komentar sepenuhnya (menjadi )?tanggung jawab\b"),
    ("furniture", r"^@\w{3,30}$"),
    # A line that is only the site's address, where a photo's caption would be (``Kabar6.com``).
    ("site-name", r"^[\w-]+\.(com|co\.id|id|net|tv)$"),
    # A date line of a teaser or byline: ``Jumat, 1 Agustus 2025 | 14:07``, ``Nama |
    # Sabtu, 8 Juni 2024 | 22:32``.
    ("date-line", rf"^(?:[^|\n]{{2,60}}\|\s*)?{_DAY}(?:\s*[|,\-–]?\s*{_CLOCK})?$"),
    # Photo credit lines in the text flow: (@TangerangNews / Nama), (Istimewa / Istimewa),
    # (dok K6), TribunBanten.com/Nama, Dok/TribunBanten.com, Foto: ...
    ("photo-credit", rf"^{_PHOTO_CREDIT}$"),
    ("photo-credit", r"^(foto|ilustrasi)\s*:"),
    ("photo-credit", r"^(?:(?:foto|dok)\.?\s*/\s*)?[\w-]+\.(?:com|co\.id|id)\s*/\s*"
                     r"[\w .,'-]{2,40}$"),
    ("photo-credit", r"^(?:foto|dok)\.?\s*/\s*[\w.-]{2,40}$"),
]  # fmt: skip
_LINE_RULE_NAMES = {f"r{i}": name for i, (name, _) in enumerate(LINE_RULES)}
_DROP_LINE = re.compile(
    "|".join(f"(?P<r{i}>{pattern})" for i, (_, pattern) in enumerate(LINE_RULES)), _I
)

# Read-also inside a paragraph: from the marker (``Baca juga:``, ``**Baca Juga:``,
# ``BACA JUGA :``) to the end of the linked title, the title's own ``..!`` included;
# a sentence that follows the title is kept.
_INLINE_READ_ALSO = re.compile(
    r"\s*[*_]*\b(?:baca|lihat)\s+juga\s*:\s*[*_]*(?:[^.!?\n]|[.!?](?!\s|$|[*_]))"
    r"{3,200}?(?:[.!?…]+[*_]*(?=\s|$)|[*_]*$)",
    _I,
)

# A photo caption left in the text flow: a short line whose last sentence is glued to
# the photographer's initials, ``Kemacetan di Jalan Raya Cisoka-Adiyasa.(din)``.
_CAPTION = re.compile(r"^[^\n]{5,200}[.!]\s?\((?:[a-z]{2,5}|[A-Z]{2,5})\)$")
# A caption that names where the photo is from: ``Suasana rapat.(foto:cep)``,
# ``Petugas memeriksa kendaraan. (@TangerangNews / Nama)``, ``Ilustrasi (bbs)``.
_CREDITED_CAPTION = re.compile(rf"^[^\n]{{2,300}}?\s*{_PHOTO_CREDIT}$", _I)
_ILLUSTRATION = re.compile(r"^ilustrasi\b[^()]{0,80}\([\w\s./@:-]{2,40}\)$", _I)
_CAPTION_WORDS = 45

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

# Sign-offs end the last paragraph: (*) (ant) (red) (RMI/HRU) (rfs/jbr) (Tim K6) (BNN/PBN)
# (cr/tim k6). A single upper-case word in parentheses ends sentences as an acronym
# (KPU): kept, unless a sentence ended before it (``... kata dia. (RAZ)``).
_SIGNOFF_PART = r"(?:[A-Za-z0-9]{1,8}|tim\s+[\w-]{1,10})"
_SIGNOFF = re.compile(
    rf"\s*\((?:\*+|[a-z]{{2,6}}|{_SIGNOFF_PART}(?:\s*/\s*{_SIGNOFF_PART})+|tim\s+[\w-]{{1,10}})\)\s*$",
    _I,
)
_SENTENCE_END = re.compile(r"[.!?\"”'’]$")

_DATELINE_SEP = re.compile(r"\s*(?:--|[-–—])\s*")
_OUTLET = re.compile(
    r"(\.(?:com|id|co|net|tv|news)\b|^(antara|banpos|kompas|tempo|detik|cnn|kabar6|"
    r"tribun|okezone|liputan6|suara|viva|inews|radar|rmol|kabar\s+\w+|pikiran\s+rakyat)\b)",
    _I,
)
# A place glued to the lead's first word, with no outlet (``TANGERANG-Gubernur``): an
# upper-case word of four letters or more with two vowels (an acronym such as ``BPJS``
# or ``DPRD`` has fewer), then a capitalised word.
_GLUED_PLACE = re.compile(r"^(?=[A-Z]*[AIUEO][A-Z]*[AIUEO])[A-Z]{4,}(?: [A-Z]{3,})?$")

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


@dataclass(frozen=True)
class Removal:
    """A line (or the part of one) cleaning took out of the text, and the rule that did."""

    line: str
    rule: str


@dataclass
class Cleaned:
    """What cleaning found besides the text."""

    paragraphs: list[str]
    dateline: str | None = None
    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    republished_from: str | None = None
    press_release: str | None = None
    signoff: str | None = None
    """The sign-off taken off the end of the text (``(Tim K6)``), as printed."""
    removed: list[Removal] = field(default_factory=list)
    """Every line (or glued part of one) taken out, in text order, with its rule's name
    (``LINE_RULES`` names, ``caption``, ``credit``, ``read-also-glued``...)."""


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


def split_dateline(paragraph: str, outlets: tuple[str, ...] = ()) -> tuple[str | None, str]:
    """``SERANG - Peran semua...`` -> (``SERANG``, ``Peran semua...``).

    Forms: ``SERANG - ``, ``JAKARTA, KOMPAS.com - ``, ``Liputan6.com, Jakarta - ``,
    ``Jakarta (ANTARA) - ``, ``TANGERANGNEWS.com-``, ``Kabar6-``, ``CNN Indonesia -- ``,
    ``TANGERANG-Gubernur`` (a place glued to the first word). An outlet-only prefix is
    removed with no dateline. ``outlets`` are further names a portal prints as its
    lead's outlet, misspellings included (``Kaba6``).
    """
    match = _DATELINE_SEP.search(paragraph, 0, 80)
    if not match or match.start() == 0:
        return None, paragraph
    prefix, rest = paragraph[: match.start()], paragraph[match.end() :]
    if not rest or len(prefix.split()) > 7:
        return None, paragraph
    parts = [p.strip() for p in re.split(r",|\(|\)", prefix) if p.strip()]
    own = {o.casefold() for o in outlets}
    outlets_found = [p for p in parts if _OUTLET.search(p) or p.casefold() in own]
    places = [p for p in parts if p not in outlets_found]
    has_outlet = bool(outlets_found) or "(" in prefix
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
    # A glued separator (``Kabar6-Warga``) counts after an outlet name, or after an
    # upper-case place name before a capitalised word (``TANGERANG-Gubernur``): ``PT
    # KAI-X``, ``BPJS-Kesehatan`` and ``COVID-19`` are text.
    if glued and not has_outlet and upper_place:
        upper_place = bool(_GLUED_PLACE.match(prefix)) and bool(re.match(r"[A-Z][a-z]", rest))
    if not (has_outlet or upper_place):
        return None, paragraph
    return (places[0] if places else None), rest


def find_press_release(text: str) -> str | None:
    match = _PRESS_RELEASE.search(text)
    return match.group(0).strip() if match else None


def line_rule(line: str, extra: re.Pattern[str] | None = None) -> str | None:
    """The name of the rule that drops this whole (stripped) line, or None: a
    ``LINE_RULES`` kind, ``feed-line`` (``TangselCity | 16 jam yang lalu``), or
    ``portal`` for one of the portal's own ``drop_lines`` (``extra``)."""
    match = _DROP_LINE.match(line)
    if match:
        group = next(k for k, v in match.groupdict().items() if v is not None)
        return _LINE_RULE_NAMES[group]
    if len(line) <= _FEED_LINE_MAX and is_feed_line(line):
        return "feed-line"
    if extra is not None and extra.search(line):
        return "portal"
    return None


def is_boilerplate(line: str) -> bool:
    """Whether cleaning takes this whole line out of the text: dropped (read-also, feed
    line, follow call, ad marker, paging, embed, furniture, photo credit) or moved into a
    field (a credit line, a republication note). Whitespace at the ends does not matter."""
    line = line.strip()
    return (
        line_rule(line) is not None or _credits(line) is not None or bool(_REPUBLISHED.match(line))
    )


def caption_rule(line: str) -> str | None:
    """``caption`` for a photo caption left in the text flow that names where the
    photo is from (``Suasana rapat.(foto:cep)``, ``Ilustrasi (bbs)``, ``... (Istimewa /
    Istimewa)``), wherever it stands; None for other lines."""
    if len(line.split()) > _CAPTION_WORDS:
        return None
    if _CREDITED_CAPTION.match(line) or _ILLUSTRATION.match(line):
        return "caption"
    return None


class _Rules(Protocol):
    lead_outlets: tuple[str, ...]
    drop_lines: tuple[str, ...]


def clean_lines(lines: list[str], rules: _Rules | None = None) -> Cleaned:
    """Remove boilerplate lines, move credits and notes to fields, split the dateline
    and the sign-off; every removal is recorded in ``removed`` with its rule's name.
    ``rules`` are a portal's own (``Portal.cleaning``): outlet names of its lead and
    patterns of lines that are its page's furniture."""
    result = Cleaned(paragraphs=[])
    extra = _portal_pattern(rules.drop_lines) if rules and rules.drop_lines else None
    # Every line in text order with the rule that removes it (None: kept so far).
    items: list[list] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        rule = line_rule(line, extra)
        if rule is None and _take_credit(line, result):
            rule = "credit"
        elif rule is None and _take_republished(line, result):
            rule = "republished"
        elif rule is None and _take_opinion_byline(line, result):
            rule = "opinion-byline"
        elif rule is None:
            rule = caption_rule(line)
        if rule is not None:
            items.append([line, rule])
            continue
        glued = []
        if "juga" in line.lower():  # the expression is slow to find nothing in a long line
            glued = [m.group(0).strip() for m in _INLINE_READ_ALSO.finditer(line)]
            line = _INLINE_READ_ALSO.sub("", line).strip()
        if line:
            items.append([line, None])
        items.extend([part, "read-also-glued"] for part in glued)
    _mark_teasers(items)
    _mark_edge_headings(items)
    _mark_captions(items)
    result.paragraphs = [line for line, rule in items if rule is None]
    result.removed = [Removal(line, rule) for line, rule in items if rule is not None]
    result.signoff = _strip_signoff(result.paragraphs)
    if result.paragraphs:
        outlets = rules.lead_outlets if rules else ()
        result.dateline, first = split_dateline(result.paragraphs[0], outlets)
        result.paragraphs[0] = first
    result.press_release = find_press_release("\n".join(result.paragraphs))
    return result


@lru_cache(maxsize=64)
def _portal_pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), _I)


def _kept(items: list[list]) -> list[int]:
    return [index for index, (_, rule) in enumerate(items) if rule is None]


_HEADLINE_END = re.compile(r"[.!?:;,\"”'’)]$")
_TEASER_SUMMARY = re.compile(r"(\.\.\.|…)$")


def _mark_teasers(items: list[list]) -> None:
    """Teasers of other stories around the article (a headline, its date line, a
    summary cut short with ``...``): the date line goes with ``date-line``; the kept line
    just before it goes too when it reads as a headline (no sentence end, at most 20
    words), and the kept line after it when it is cut short."""
    for index, (_, rule) in enumerate(items):
        if rule != "date-line":
            continue
        before = next((i for i in range(index - 1, -1, -1) if items[i][1] is None), None)
        after = next((i for i in range(index + 1, len(items)) if items[i][1] is None), None)
        if before is not None:
            line = items[before][0]
            if not _HEADLINE_END.search(line) and len(line.split()) <= 20:
                items[before][1] = "teaser-title"
        if after is not None and _TEASER_SUMMARY.search(items[after][0]):
            items[after][1] = "teaser-summary"


_CAPS_HEADING = re.compile(r"^[A-Z][A-Z&/ -]{2,40}$")


def _mark_edge_headings(items: list[list]) -> None:
    """Section names in capitals (``KOTA TANGERANG``, ``PROPERTI``) before the first
    kept line of text or after the last: the page's menu and widget headings. An
    upper-case subheading between paragraphs is the article's and stays."""
    kept = _kept(items)
    for run in (kept, kept[::-1]):
        for index in run:
            if not _is_caps_heading(items[index][0]):
                break
            items[index][1] = "section-heading"


def _mark_captions(items: list[list]) -> None:
    """Captions glued to the photographer's initials (``Warga antre.(yud)``) end like
    sign-offs do: such a line is a caption anywhere but last; last, it is one when the
    line before it ends in a sign-off already (a caption after the sign-off)."""
    kept = _kept(items)
    for position, index in enumerate(kept):
        line = items[index][0]
        if not (_CAPTION.match(line) and len(line.split()) <= 25):
            continue
        last = position == len(kept) - 1
        if not last or (position > 0 and _signoff_of(items[kept[position - 1]][0])):
            items[index][1] = "caption"


def _is_caps_heading(line: str) -> bool:
    return bool(_CAPS_HEADING.match(line)) and len(line.split()) <= 4


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


def _signoff_of(paragraph: str) -> str | None:
    """The sign-off ending ``paragraph`` (``(Tim K6)``), or None. One word in
    parentheses that is not all lower case (``(KPU)``, ``(Sekda)``) is an abbreviation
    of the sentence unless a sentence ended before it (``... kata dia. (RAZ)``)."""
    match = _SIGNOFF.search(paragraph)
    if not match:
        return None
    signoff = match.group(0).strip()
    inner = signoff[1:-1]
    one_word = not re.search(r"[/*\s]", inner)
    if one_word and not inner.islower() and not _SENTENCE_END.search(paragraph, 0, match.start()):
        return None
    return signoff


def _strip_signoff(paragraphs: list[str]) -> str | None:
    """Take the sign-off off the last paragraph (a sign-off alone on the last line goes
    with its line); the sign-off as printed, or None."""
    while paragraphs:
        signoff = _signoff_of(paragraphs[-1])
        if signoff is None:
            return None
        stripped = _SIGNOFF.sub("", paragraphs[-1]).rstrip()
        if stripped:
            paragraphs[-1] = stripped
        else:
            paragraphs.pop()
        return signoff
    return None


_OPINION_BYLINE = re.compile(
    r"^oleh\s*:\s*(?P<name>[A-Z][^,:;]{2,60}?)\s*(?:,\s*(?P<role>[^:]{2,160}))?$", _I
)


def _take_opinion_byline(line: str, result: Cleaned) -> bool:
    """``Oleh: Nama, Dosen Universitas X``: an opinion piece's byline; its name goes to
    ``authors``."""
    match = _OPINION_BYLINE.match(line)
    if not match or len(line.split()) > 25:
        return False
    name = match.group("name").strip(" .")
    if name and name not in result.authors:
        result.authors.append(name)
    return True


def _fold_key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def clean_article(
    article: Article, site_name: str | None = None, rules: _Rules | None = None
) -> Article:
    """The cleaning stage: a new Article with clean title and body and the moved fields;
    ``rules``: the portal's own (``Portal.cleaning``)."""
    lines = [ln for block in (article.body or "").split("\n\n") for ln in block.split("\n")]
    # Generic extraction often starts with the headline itself.
    if lines and article.title and _fold_key(lines[0]) == _fold_key(article.title):
        lines = lines[1:]
    cleaned = clean_lines(lines, rules)
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
