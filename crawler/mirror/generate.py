"""Generated sample articles, for mirrors larger than the hand-written sample site
(benchmarks, incremental-crawl measurements). Deterministic for a given seed.

Words come from the sample articles' own vocabulary, so extraction, cleaning and the
full-text index see realistic Indonesian tokens and lengths.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from crawler.mirror.tangselpos import load_articles

SECTIONS = ("TangselCity", "Pos Banten", "Olahraga", "Ekonomi", "Nasional")
DATELINES = ("SERANG", "TANGSEL", "PAMULANG", "CIPUTAT", "SERPONG", "TANGERANG", None)
START = datetime.fromisoformat("2025-01-01T06:00:00+07:00")


@cache
def _vocabulary() -> tuple[str, ...]:
    words = re.findall(
        r"[A-Za-z]{2,}", " ".join(p for a in load_articles() for p in a["paragraphs"])
    )
    return tuple(sorted(set(words)))


def _sentence(rng: random.Random, words: tuple[str, ...]) -> str:
    chosen = rng.choices(words, k=rng.randint(8, 20))
    return " ".join(chosen).capitalize() + "."


def generated_articles(count: int, seed: int = 0, first_id: int = 100_000) -> list[dict[str, Any]]:
    """``count`` article dicts in the format of ``sites/tangselpos/articles.json``,
    one every 47 minutes from 2025-01-01, 300-600 words each."""
    rng = random.Random(seed)
    words = _vocabulary()
    articles = []
    for number in range(count):
        paragraphs = []
        target = rng.randint(300, 600)
        while sum(len(p.split()) for p in paragraphs) < target:
            paragraphs.append(" ".join(_sentence(rng, words) for _ in range(rng.randint(2, 4))))
        title_words = rng.choices(words, k=rng.randint(6, 11))
        title = " ".join(w.capitalize() for w in title_words)
        published = START + timedelta(minutes=47 * number)
        articles.append(
            {
                "id": first_id + number,
                "slug": "-".join(w.lower() for w in title_words),
                "section": SECTIONS[number % len(SECTIONS)],
                "title": title,
                "published": published.isoformat(),
                "author": rng.choice(("Rizki Maulana", "Dewi Lestari", "Andi Pratama", None)),
                "editor": rng.choice(("Dedi Supriyadi", "Meilani Putri", None)),
                "dateline": rng.choice(DATELINES),
                "paragraphs": paragraphs,
                "signoff": rng.choice(("(*)", "(red)", None)),
                "press_release": None,
                "body_date": None,
                "tags": rng.sample(words, 2),
                "inserts": [],
                "jsonld": True,
            }
        )
    return articles
