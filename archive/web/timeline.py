"""A release's publications as a timeline: an inline SVG drawn here, on the server, so
the page loads nothing from anywhere else.

One row per publication, earliest first: the portal's name, a bar from the original's
time to this publication's (its lag), and a mark at its time (the original's filled
dark, a republication's lighter, one the portal gave only a day for hollow, at noon of
that day). Each mark links to the article's page and says its time and lag on hover.
Publications without a date are left out of the chart (the page lists them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from html import escape

from archive.releases import Publication, Release
from archive.times import human_published, human_time, parse_instant

WIDTH = 820
LABELS = 150
"""Room for the portals' names, left of the chart."""
NOTES = 170
"""Room for each row's note (its lag, verbatim or edited), right of the chart."""
ROW = 26
TOP = 34
"""Room for the time axis' labels."""
TICKS = 3


@dataclass(frozen=True)
class _Point:
    publication: Publication
    at: datetime
    note: str
    kind: str
    """``original`` or ``republication``."""


def _instant(publication: Publication) -> datetime | None:
    """Where a publication goes on the time axis: its instant, or noon of its local day
    when the portal gave only a day."""
    if publication.date_only and publication.published_local:
        local = datetime.fromisoformat(publication.published_local)
        if local.tzinfo is None:
            return None
        return local.replace(hour=12, minute=0, second=0).astimezone(UTC)
    return parse_instant(publication.published_at)


def undated(release: Release) -> list[Publication]:
    """The release's publications that cannot be placed on the timeline."""
    every = (release.original, *(r.article for r in release.republications))
    return [p for p in every if _instant(p) is None]


def timeline_svg(release: Release, link: Callable[[int], str]) -> str:
    """The release as an SVG element (text); ``link`` gives an article's page URL."""
    points: list[_Point] = []
    at = _instant(release.original)
    if at is not None:
        points.append(_Point(release.original, at, "original", "original"))
    for republication in release.republications:
        at = _instant(republication.article)
        if at is not None:
            note = f"{republication.lag}, {republication.ran}"
            points.append(_Point(republication.article, at, note, "republication"))
    points.sort(key=lambda p: (p.at, p.kind != "original", p.publication.id))
    height = TOP + ROW * max(len(points), 1) + 8
    parts = [
        f'<svg class="release-timeline" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}"'
        f' height="{height}" viewBox="0 0 {WIDTH} {height}" role="img"'
        f' aria-label="When each portal ran it">',
        "<style>text{font:12px sans-serif;fill:#333}.axis{stroke:#ccc}"
        ".guide{stroke:#eee}.lag{stroke:#8fb3d9;stroke-width:3}"
        ".original{fill:#8b1a1a}.republication{fill:#2a6ebb}"
        ".date-only{fill:#fff;stroke-width:2}.date-only.original{stroke:#8b1a1a}"
        ".date-only.republication{stroke:#2a6ebb}.note{fill:#555}</style>",
    ]
    if not points:
        parts.append(f'<text x="{LABELS}" y="{TOP}">No publication has a date.</text></svg>')
        return "".join(parts)
    first, last = points[0].at, max(p.at for p in points)
    if last - first < timedelta(hours=1):  # one moment: an hour around it
        first, last = first - timedelta(minutes=30), last + timedelta(minutes=30)
    left, right = LABELS + 10, WIDTH - NOTES
    span = (last - first).total_seconds()

    def x(moment: datetime) -> float:
        return round(left + (right - left) * (moment - first).total_seconds() / span, 1)

    zone = _zone_of(release.original) or UTC
    one_day = first.astimezone(zone).date() == last.astimezone(zone).date()
    for n in range(TICKS + 1):
        tick = (first + (last - first) * n / TICKS).astimezone(zone)
        tx = x(tick)
        # The first tick says the day and the zone; the others the time (and the day
        # when the release spans several).
        label = escape(human_time(tick) if n == 0 else
                       f"{tick:%H:%M}" if one_day else f"{tick:%m-%d %H:%M}")  # fmt: skip
        anchor = "start" if n == 0 else "end" if n == TICKS else "middle"
        parts.append(
            f'<line class="axis" x1="{tx}" y1="{TOP - 12}" x2="{tx}" y2="{height - 4}"/>'
            f'<text x="{tx}" y="{TOP - 18}" text-anchor="{anchor}">{label}</text>'
        )
    origin = next((p.at for p in points if p.kind == "original"), None)
    for row, point in enumerate(points):
        y = TOP + ROW * row + ROW // 2
        mx = x(point.at)
        publication = point.publication
        shown = human_published(publication.published_local, not publication.date_only)
        classes = f"mark {point.kind}" + (" date-only" if publication.date_only else "")
        tip = escape(f"{publication.portal}: {shown} ({point.note}) {publication.title or ''}")
        parts.append(
            f'<text x="{LABELS}" y="{y + 4}" text-anchor="end">{escape(publication.portal)}</text>'
            f'<line class="guide" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/>'
        )
        if origin is not None and point.kind != "original":
            parts.append(f'<line class="lag" x1="{x(origin)}" y1="{y}" x2="{mx}" y2="{y}"/>')
        parts.append(
            f'<a href="{escape(link(publication.id))}">'
            f'<circle class="{classes}" data-article-id="{publication.id}" cx="{mx}" cy="{y}"'
            f' r="6"><title>{tip}</title></circle></a>'
            f'<text class="note" x="{right + 12}" y="{y + 4}">{escape(point.note)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _zone_of(publication: Publication) -> tzinfo | None:
    """The zone of the original's local time, for the axis' labels."""
    if not publication.published_local:
        return None
    try:
        return datetime.fromisoformat(publication.published_local).tzinfo
    except ValueError:
        return None
