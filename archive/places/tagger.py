"""Which Banten places an article is about: title, dateline and text in, places out.
Pure: no archive, no clock; the gazetteer is ``archive.places.gazetteer``.

How a text is read:

1. **Mentions.** Every run of words that is a place's name or short name (as the
   gazetteer writes it, or in capitals: ``SERANG``), longest first (``Tangerang
   Selatan`` before ``Tangerang``). The word before it can say which level is meant:
   ``Kabupaten``/``Kab.``/``Pemkab``/``Bupati``, ``Kota``/``Pemkot``/``Wali Kota``,
   ``Kecamatan``/``Kec.``/``Camat``, ``Provinsi``/``Pemprov``/``Gubernur``. Without
   one, a name that is a regency's or city's and a kecamatan's (``Pandeglang``,
   ``Serang``) is the regency or city. Street and media names are no mention: a name
   after ``Jalan``/``Jl.``/``Raya``/``Tol``/``Gang``, ``Radar``/``Tribun``, and
   ``Lebak Bulus``, ``Labuan Bajo``, ``Serang Baru``, ``Bandung Barat``, ``Kabar
   Banten``, ``Pos Banten``, ``Banten Hits``, ``Sultan Ageng Tirtayasa``.
2. **Care.** A name that is also an ordinary word (``Petir``, ``Benda``, ``Curug``)
   counts only after ``Kecamatan``/``Kec.``/``Camat``, or once the article has named it
   so (a short name, ``Anyer`` for Anyar, needs no such care). A name that is also a place outside Banten (``Cibitung``, ``Setu``, ``Cisoka``)
   counts only when the article also names its regency or city, or another place in it
   that needs no such care.
3. **Ambiguity.** A name that fits several places (``Serang``: the Kabupaten and the
   Kota; ``Curug``: a kecamatan of each of Kabupaten Tangerang and Kota Serang) is the
   one whose regency or city the article's unambiguous mentions name; when they name
   none of them, or more than one equally, the mention counts for what the places
   share, the province (``36``): the article is about Banten, not a known Serang.
4. **Score.** Per place: 3 when it is in the dateline, 3 in the title, 2 in the lead
   (the first paragraph), and 1 per mention in the rest of the text, up to 3: from 1
   (one passing mention) to 11. ``role`` is where it counts most: ``dateline``,
   ``title``, ``lead`` or ``body``. An article is *about* a place from ``ABOUT`` (2):
   a passing mention alone is not enough.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from archive.places.gazetteer import Place, gazetteer

WEIGHTS = {"dateline": 3, "title": 3, "lead": 2}
BODY_CAP = 3
ROLES = ("dateline", "title", "lead", "body")
ABOUT = 2
"""The score from which an article is about a place (``--place``, per-place counts)."""

_LEVEL_WORDS = {
    "provinsi": "provinsi", "prov": "provinsi", "pemprov": "provinsi", "gubernur": "provinsi",
    "kabupaten": "kabupaten", "kab": "kabupaten", "pemkab": "kabupaten", "bupati": "kabupaten",
    "kota": "kota", "pemkot": "kota", "walikota": "kota", "walkot": "kota",
    "kecamatan": "kecamatan", "kec": "kecamatan", "camat": "kecamatan",
}  # fmt: skip
_NOT_BEFORE = {"jalan", "jl", "jln", "raya", "tol", "gang", "gg", "radar", "tribun"}
_NOT_PHRASES = {
    "lebak bulus", "labuan bajo", "serang baru", "bandung barat", "kabar banten",
    "pos banten", "banten hits", "ageng tirtayasa",
}  # fmt: skip
_WORDS = re.compile(r"\w+")
_DESIGNATOR_GAP = re.compile(r"\.?\s+")


@dataclass(frozen=True)
class PlaceTag:
    code: str
    score: int
    role: str


@dataclass
class _Mention:
    location: str
    name: str
    candidates: list[Place]
    designated: bool


@cache
def _index() -> tuple[dict[str, list[Place]], int, frozenset[str]]:
    """Names (as written and in capitals) -> the places they name; the most words in
    a name; the words names start with (a text's other words are passed over)."""
    index: dict[str, list[Place]] = defaultdict(list)
    for place in gazetteer().values():
        for name in place.names():
            for form in {name, name.upper()}:
                if place not in index[form]:
                    index[form].append(place)
    longest = max(len(name.split()) for name in index)
    return dict(index), longest, frozenset(name.split()[0] for name in index)


@cache
def _first_letters() -> re.Pattern[str]:
    """Runs of word characters from a letter a name starts with: every word a name
    can start with is found among them (a run starts at each word's first letter, as
    no run ends inside a word), and in a text that names no place they are far fewer
    than its words (an import's generated articles: 22 µs a body against 93)."""
    letters = sorted({name[0] for name in _index()[2]})
    return re.compile(f"[{re.escape(''.join(letters))}]\\w*")


def _mentions(text: str, location: str) -> list[_Mention]:
    index, longest, firsts = _index()
    # Most texts name no place at all: the runs from a name's first letter tell, in C.
    # Texts that may are walked from one word a name can start with to the next.
    if firsts.isdisjoint(_first_letters().findall(text)):
        return []
    words = list(_WORDS.finditer(text))
    strings = [word.group() for word in words]
    found: list[_Mention] = []
    i = 0  # the first word not yet read as part of a name
    for start in [k for k, word in enumerate(strings) if word in firsts]:
        if start < i:
            continue
        for n in range(min(longest, len(words) - start), 0, -1):
            name = " ".join(strings[start : start + n])
            if name not in index:
                continue
            span = words[start : start + n]
            if any(
                not text[a.end() : b.start()].isspace()
                for a, b in zip(span, span[1:], strict=False)
            ):
                continue
            mention = _mention(text, words, start, start + n, name, index[name], location)
            if mention is not None:
                found.append(mention)
            i = start + n
            break
    return found


def _mention(
    text: str, words: list[re.Match], start: int, end: int, name: str,
    places: list[Place], location: str,
) -> _Mention | None:  # fmt: skip
    before = words[start - 1] if start else None
    if before is not None and not text[before.end() : words[start].start()].strip(". "):
        previous = before.group().casefold()
        if previous in _NOT_BEFORE or f"{previous} {name.casefold()}" in _NOT_PHRASES:
            return None
        gap = text[before.end() : words[start].start()]
        level = _LEVEL_WORDS.get(previous) if _DESIGNATOR_GAP.fullmatch(gap) else None
    else:
        level = None
    after = words[end] if end < len(words) else None
    if (
        after is not None
        and text[words[end - 1].end() : after.start()].isspace()
        and f"{name.casefold()} {after.group().casefold()}" in _NOT_PHRASES
    ):
        return None
    fitting = [p for p in places if p.level == level] if level else []
    if fitting:
        return _Mention(location, name.casefold(), fitting, designated=True)
    if any(p.level != "kecamatan" for p in places):
        places = [p for p in places if p.level != "kecamatan"]
    return _Mention(location, name.casefold(), places, designated=False)


def _common(codes: list[str]) -> str:
    parts = [code.split(".") for code in codes]
    shared = []
    for column in zip(*parts, strict=False):
        if len(set(column)) > 1:
            break
        shared.append(column[0])
    return ".".join(shared)


def tag_places(title: str | None, dateline: str | None, body: str | None) -> list[PlaceTag]:
    """The Banten places an article is about, best first (score, then code); see the
    module docstring for how they are read and scored."""
    paragraphs = [p for p in (body or "").split("\n\n") if p.strip()]
    texts = {
        "dateline": dateline or "",
        "title": title or "",
        "lead": paragraphs[0] if paragraphs else "",
        "body": "\n\n".join(paragraphs[1:]),
    }
    mentions = [m for location, text in texts.items() for m in _mentions(text, location)]

    # Words that are names only where the article says so (Kecamatan Petir).
    established = {p.code for m in mentions if m.designated for p in m.candidates}
    for m in mentions:
        if not m.designated:
            m.candidates = [
                p for p in m.candidates
                if not (p.word and m.name == p.base.casefold()) or p.code in established
            ]  # fmt: skip
    mentions = [m for m in mentions if m.candidates]

    # Names of places outside Banten too: only with their regency or city named.
    vouching = [
        (m.name, p.region)
        for m in mentions
        for p in m.candidates
        if not p.elsewhere and p.level != "provinsi"
    ]
    for m in mentions:
        m.candidates = [
            p for p in m.candidates
            if not p.elsewhere or any(r == p.region and n != m.name for n, r in vouching)
        ]  # fmt: skip
    mentions = [m for m in mentions if m.candidates]

    # Ambiguous names: the candidate whose region the plain mentions name.
    evidence: dict[str, int] = defaultdict(int)
    for m in mentions:
        if len(m.candidates) == 1 and m.candidates[0].level != "provinsi":
            evidence[m.candidates[0].region] += WEIGHTS.get(m.location, 1)
    located: dict[str, set[str]] = defaultdict(set)
    body_mentions: dict[str, int] = defaultdict(int)
    for m in mentions:
        codes = [p.code for p in m.candidates]
        if len(codes) > 1:
            scores = sorted(((evidence[p.region], p.code) for p in m.candidates), reverse=True)
            best, runner_up = scores[0][0], scores[1][0]
            codes = [scores[0][1]] if best > runner_up else [_common(codes)]
        (code,) = codes
        located[code].add(m.location)
        if m.location == "body":
            body_mentions[code] += 1

    tags = [
        PlaceTag(
            code=code,
            score=sum(WEIGHTS.get(loc, 0) for loc in locations)
            + min(body_mentions[code], BODY_CAP),
            role=next(role for role in ROLES if role in locations),
        )
        for code, locations in located.items()
    ]
    return sorted(tags, key=lambda t: (-t.score, t.code))
