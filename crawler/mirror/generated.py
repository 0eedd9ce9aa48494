"""Generated articles for larger or altered sample sites (tests and benchmarks).

``generate_articles`` writes article dicts in the shape of ``sites/tangselpos/
articles.json`` (what ``crawler.mirror.tangselpos.build_site`` renders): any number of
them, newest first, each with its own text, and optionally without any date markup
(no JSON-LD, no date meta, no date line), as a portal's pages look after a template
change has dropped the date.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

SECTIONS = ("TangselCity", "Pos Banten", "Olahraga", "Ekonomi")
PLACES = ("SERPONG", "PAMULANG", "CIPUTAT", "SERANG", "CILEGON", "PONDOK AREN")
AUTHORS = ("Nur Aisyah", "Rizki Maulana", "Dedi Kurniawan", None)
SENTENCES = (
    "Warga {place_title} bergotong royong membersihkan saluran air di lingkungan mereka "
    "sejak pagi hari, dipimpin langsung oleh ketua rukun warga setempat.",
    "Kegiatan itu diikuti puluhan warga dari berbagai usia yang membawa cangkul, sapu "
    "lidi dan karung untuk mengangkut sampah yang menyumbat aliran air.",
    "Menurut pengurus lingkungan, kegiatan serupa akan digelar setiap bulan agar saluran "
    "tidak lagi meluap ketika hujan deras turun pada sore dan malam hari.",
    "Pemerintah kecamatan menyatakan mendukung langkah warga dan berjanji mengirim truk "
    "pengangkut sampah serta petugas kebersihan tambahan ke lokasi tersebut.",
    "Seorang warga mengatakan lingkungannya kini terasa lebih bersih dan nyaman, serta "
    "berharap kesadaran menjaga kebersihan terus tumbuh di kalangan anak muda.",
)


def generate_articles(
    count: int,
    *,
    first_id: int = 70000,
    newest: datetime | None = None,
    hours_apart: float = 3.0,
    dated: bool = True,
) -> list[dict[str, Any]]:
    """``count`` article dicts, newest first: ids ``first_id``, ``first_id + 1``, ...,
    published ``hours_apart`` hours apart ending at ``newest`` (default: 2025-09-16
    08:00 WIB). ``dated=False`` renders pages without any date markup."""
    newest = newest or datetime(2025, 9, 16, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    articles = []
    for n in range(count):
        number = first_id + n
        place = PLACES[n % len(PLACES)]
        published = newest - timedelta(hours=hours_apart * n)
        sentences = [s.format(place_title=place.title()) for s in SENTENCES]
        paragraphs = [
            " ".join(sentences[:2]),
            " ".join(sentences[2:4]),
            f"{sentences[4]} Laporan ini bernomor {number}.",
        ]
        articles.append(
            {
                "id": number,
                "slug": f"warga-{place.lower().replace(' ', '-')}-bersihkan-saluran-{number}",
                "section": SECTIONS[n % len(SECTIONS)],
                "title": f"Warga {place.title()} Bersihkan Saluran Air, Laporan {number}",
                "published": published.isoformat(),
                "author": AUTHORS[n % len(AUTHORS)],
                "editor": "Irwan Setiawan",
                "dateline": place,
                "paragraphs": paragraphs,
                "signoff": "(red)",
                "press_release": None,
                "tags": ["Kebersihan", place.title()],
                "inserts": [],
                # No JSON-LD and a "day in the text" page without the day: no date at all.
                "jsonld": dated,
                "body_date": None if dated else "-",
            }
        )
    return articles
