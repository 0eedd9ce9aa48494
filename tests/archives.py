"""An archive for the analyst's commands: the mirror crawled by the real spider (26
tangselpos articles), plus a second portal written through ``ArchiveWriter.store`` with the
cases analysts meet: a press release run by two portals (one near-duplicate cluster),
an exact copy, a revised article, an article seen under an older URL, accented text,
and a story published just after midnight WIB (still the previous day in UTC).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import time_machine

from archive.writer import ArchiveWriter
from tests.conftest import copy_archive

RELEASE = (
    "Pemerintah Provinsi Banten menyalurkan bantuan logistik bagi warga terdampak banjir "
    "di Kabupaten Lebak. Bantuan berupa beras, selimut dan obat-obatan dikirim melalui "
    "Badan Penanggulangan Bencana Daerah.\n\nKepala BPBD Banten mengatakan distribusi "
    "dilakukan bertahap hingga akhir pekan."
)


def _record(**fields: object) -> dict:
    base = {"portal": "bantennews", "section": "Daerah", "authors": ["Siti Rahma"], "tags": []}
    return {**base, **fields}


EXTRA = [
    _record(
        url="https://www.bantennews.co.id/bantuan-banjir-lebak",
        title="Pemprov Banten Salurkan Bantuan untuk Korban Banjir Lebak",
        body=RELEASE,
        published_at="2025-09-20T03:00:00Z",
        published_local="2025-09-20T10:00:00+07:00",
        tags=["Banjir", "Lebak"],
        press_release=True,
        press_release_phrase="dalam siaran pers",
    ),
    _record(
        portal="tangselpos",
        section="Pos Banten",
        url="https://www.tangselpos.id/detail/60001/bantuan-banjir-lebak-disalurkan",
        title="Bantuan Banjir Lebak Mulai Disalurkan",
        body="LEBAK - Warga menunggu sejak pagi. " + RELEASE,
        published_at="2025-09-20T05:30:00Z",
        published_local="2025-09-20T12:30:00+07:00",
    ),
    _record(
        url="https://www.bantennews.co.id/salinan-bantuan-banjir",
        title="Salinan: Bantuan Banjir Lebak",
        body=RELEASE,
        published_at="2025-09-20T07:00:00Z",
        published_local="2025-09-20T14:00:00+07:00",
    ),
    _record(
        url="https://www.bantennews.co.id/layanan-kesehatan-gratis",
        title="Layanan Kesehatán Gratis di Puskesmas Cipocok",
        body="Puskesmas Cipocok membuka layanan kesehatán gratis bagi lansia setiap Sabtu.",
        section="Kesehatan",
        published_at="2025-09-16T23:30:00Z",  # 06:30 WIB on the 17th
        published_local="2025-09-17T06:30:00+07:00",
    ),
]
REVISED_URL = "https://www.bantennews.co.id/jadwal-car-free-day"
OLD_SLUG_URL = "https://www.bantennews.co.id/cfd-kota-serang"


def build_analyst_archive(path: Path, first_crawl: Path) -> dict[str, int]:
    """A copy of ``first_crawl`` (the mirror crawled: the ``tangselpos_first_crawl``
    fixture) at ``path`` with the extra cases added; returns article ids by name
    (``release``, ``rewrite``, ``copy``, ``accented``, ``revised``)."""
    copy_archive(first_crawl, path)
    ids: dict[str, int] = {}
    with ArchiveWriter(path) as archive:
        for name, record in zip(("release", "rewrite", "copy", "accented"), EXTRA, strict=True):
            _, ids[name] = archive.store(record, seen_at="2025-09-21T00:00:00Z")
        revised = _record(
            url=REVISED_URL,
            title="Jadwal Car Free Day Kota Serang",
            body="Car free day digelar setiap Minggu pagi di Alun-alun Serang.",
            published_at="2025-09-18T01:00:00Z",
            published_local="2025-09-18T08:00:00+07:00",
        )
        _, ids["revised"] = archive.store(revised, seen_at="2025-09-18T02:00:00Z")
        # replaced_at is when the archive replaced the version: the clock, frozen here.
        with time_machine.travel("2025-09-19T02:00:00Z", tick=False):
            archive.store(
                {**revised, "title": "Jadwal Car Free Day Kota Serang Berubah",
                 "body": "Car free day dipindah ke Jalan Veteran mulai pekan depan."},
                seen_at="2025-09-19T02:00:00Z", fetched_url=OLD_SLUG_URL,
            )  # fmt: skip
    return ids


def file_digest(path: Path) -> str:
    """SHA-256 of the archive's content (a checkpointed file), to prove it unchanged."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
