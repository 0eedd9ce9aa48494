"""The gazetteer: the Banten places arsip tags articles with (``banten.csv``, beside
this module; its header names the source and ``README.md`` explains its columns).

Every place has its official region code (kode wilayah: ``36`` Banten, ``36.03``
Kabupaten Tangerang, ``36.74.06`` Kecamatan Pamulang), a level (``provinsi``,
``kabupaten``, ``kota``, ``kecamatan``), its official name, the short names people use
and the care its names need when read in a text (``caution``). A code's parent is the
code without its last part; a place's region is its first two parts (``36.74``).

``resolve_place`` reads what an analyst types after ``--place``.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache

LEVELS = ("provinsi", "kabupaten", "kota", "kecamatan")
TAGGING_RULES = 1
"""Bumped when the tagging rules (``archive.places.tagger``) change what they tag: with
the data file's digest it makes ``gazetteer_version``."""


@dataclass(frozen=True)
class Place:
    code: str
    level: str
    name: str
    """Official name: ``Banten``, ``Kabupaten Lebak``, ``Kota Tangerang Selatan``,
    ``Pamulang`` (a kecamatan's name is given without ``Kecamatan``)."""
    aliases: tuple[str, ...] = ()
    """Short names people use (``Tangsel``, ``Rangkas``, ``Anyer``)."""
    word: bool = False
    """The official name is also an ordinary word or a person's name (``Petir``,
    ``Benda``): it counts only after ``Kecamatan``/``Kec.``/``Camat``, or when the
    article also names it so. Short names are arsip's choice and need no such care."""
    elsewhere: bool = False
    """The name is also a place outside Banten (``Cibitung``, ``Setu``, ``Curug``): it
    counts only when the article also names the place's regency or city (or a place in
    it)."""

    @property
    def base(self) -> str:
        """The name without ``Kabupaten``/``Kota``: what texts mostly write."""
        for prefix in ("Kabupaten ", "Kota "):
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name

    @property
    def region(self) -> str:
        """The code of the regency or city the place is in (or is); ``36`` for the
        province."""
        return ".".join(self.code.split(".")[:2])

    @property
    def parent(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None

    @property
    def label(self) -> str:
        """How arsip prints it: ``Kecamatan Pamulang`` for a kecamatan, else the name."""
        return f"Kecamatan {self.name}" if self.level == "kecamatan" else self.name

    def names(self) -> tuple[str, ...]:
        return (self.base, *self.aliases)


def _data() -> bytes:
    # Imported here: importlib.resources is 4 ms of the start of every command, and
    # only a command that reads the gazetteer needs it.
    from importlib import resources

    return resources.files(__package__).joinpath("banten.csv").read_bytes()


@cache
def gazetteer() -> dict[str, Place]:
    """Every place by code, in the data file's order (province, then each regency or
    city followed by its kecamatan)."""
    lines = [line for line in _data().decode("utf-8").splitlines() if not line.startswith("#")]
    places: dict[str, Place] = {}
    for row in csv.DictReader(lines):
        caution = set(row["caution"].split())
        if row["level"] not in LEVELS or caution - {"word", "elsewhere"}:
            raise ValueError(f"banten.csv: bad row {row}")
        places[row["code"]] = Place(
            code=row["code"],
            level=row["level"],
            name=row["name"],
            aliases=tuple(a for a in row["aliases"].split("|") if a),
            word="word" in caution,
            elsewhere="elsewhere" in caution,
        )
    return places


@cache
def gazetteer_version() -> str:
    """Names the gazetteer and the tagging rules together: ``banten-<digest>-r<rules>``.
    It changes whenever the data file or the rules do, and the archive keeps the one
    its tags were made with (``archive.places``)."""
    return f"banten-{hashlib.sha256(_data()).hexdigest()[:12]}-r{TAGGING_RULES}"


SOURCE = "Kepmendagri No 300.2.2-2138 Tahun 2025 (kode wilayah), via github.com/cahyadsn/wilayah"

_DESIGNATORS = {
    "provinsi": "provinsi", "prov": "provinsi", "prov.": "provinsi",
    "kabupaten": "kabupaten", "kab": "kabupaten", "kab.": "kabupaten",
    "kota": "kota",
    "kecamatan": "kecamatan", "kec": "kecamatan", "kec.": "kecamatan",
}  # fmt: skip


def resolve_place(value: str) -> Place:
    """The place an analyst means by ``value``: a code (``36.74``), an official name
    (``Kota Tangerang Selatan``), a short name (``Tangsel``), or a name after
    ``Kabupaten``/``Kab.``/``Kota``/``Kecamatan``/``Kec.`` (``Kab. Tangerang``,
    ``Kecamatan Serang``); case does not matter. A bare name of a regency or city that
    is also a kecamatan's (``Pandeglang``) is the regency or city.

    Raises ValueError saying why for an unknown or ambiguous value (``Serang`` is the
    Kabupaten and the Kota: the message lists them with their codes)."""
    text = " ".join(value.split())
    places = gazetteer()
    if text in places:
        return places[text]
    folded = text.casefold()
    level = None
    first, _, rest = folded.partition(" ")
    if first in _DESIGNATORS and rest:
        level, folded = _DESIGNATORS[first], rest

    def called(place: Place) -> bool:
        return folded in {n.casefold() for n in (place.name, *place.names())}

    found = [p for p in places.values() if called(p)]
    if level is not None:
        found = [p for p in found if p.level == level]
    elif any(p.level != "kecamatan" for p in found):
        found = [p for p in found if p.level != "kecamatan"]
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValueError(
            f"no Banten place is called {value!r}: give a code (36.74), an official name "
            "(Kota Tangerang Selatan) or a short name (Tangsel); `arsip places` lists them"
        )
    choices = ", ".join(f"{describe(p)} ({p.code})" for p in found)
    raise ValueError(f"{value!r} is ambiguous: {choices}; give the code of the one you mean")


def describe(place: Place) -> str:
    """``Kecamatan Curug, Kabupaten Tangerang`` for a kecamatan, else its name."""
    if place.level == "kecamatan":
        return f"{place.label}, {gazetteer()[place.region].name}"
    return place.name
