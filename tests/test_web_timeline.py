"""A release's timeline, drawn as SVG on the server: one mark per publication with a
date, the original apart, a day without a time hollow, text escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from archive.releases import release
from archive.times import to_utc_iso
from archive.web.timeline import timeline_svg, undated

TEXT = "Pemprov Banten menyalurkan bantuan logistik bagi warga terdampak banjir di Lebak."


def row(id_: int, portal: str, local: str | None, *, has_time: int = 1, **extra) -> dict:
    utc = to_utc_iso(datetime.fromisoformat(local)) if local else None
    return {
        "id": id_, "portal": portal, "url": f"https://{portal}.example/{id_}",
        "published_at": utc, "published_local": local, "published_has_time": has_time,
        "press_release": 0, "republished_from": None, "body": TEXT,
        "title": "Bantuan Banjir <Lebak>", "duplicate_of": None, **extra,
    }  # fmt: skip


def test_one_mark_per_dated_publication_the_original_apart():
    found = release(
        [
            row(1, "bantennews", "2025-09-20T10:00:00+07:00"),
            row(2, "tangselpos", "2025-09-20T12:30:00+07:00"),
            row(3, "kabar6", "2025-09-21T00:00:00+07:00", has_time=0),
            row(4, "biem", None),
        ],
        1,
    )
    svg = timeline_svg(found, lambda n: f"/article/{n}")
    tree = ET.fromstring(svg)  # well-formed: the title's "<Lebak>" is escaped
    circles = tree.findall(".//{http://www.w3.org/2000/svg}circle")
    kinds = {c.get("data-article-id"): c.get("class") for c in circles}
    assert kinds == {
        "1": "mark original",
        "2": "mark republication",
        "3": "mark republication date-only",
    }
    assert [p.id for p in undated(found)] == [4]
    links = [a.get("href") for a in tree.findall(".//{http://www.w3.org/2000/svg}a")]
    assert links == ["/article/1", "/article/2", "/article/3"]
    assert "+2h30m, verbatim" in svg and "+1 day, verbatim" in svg
    # The first tick names the day and the zone; marks go left to right in time.
    assert "2025-09-20 10:00 WIB" in svg
    x = {c.get("data-article-id"): float(c.get("cx")) for c in circles}
    assert x["1"] < x["2"] < x["3"]


def test_a_release_without_dates_says_so():
    found = release([row(1, "bantennews", None), row(2, "biem", None)], 1)
    svg = timeline_svg(found, lambda n: f"/article/{n}")
    assert "No publication has a date." in svg and not re.search(r"<circle", svg)
    assert [p.id for p in undated(found)] == [1, 2]
