"""Scoring extraction against expected articles (the bench and the quality-gate test).

Body text is scored by the method of the Zyte article-extraction benchmark: ``\\w+``
word tokens, 4-word shingles counted as multisets, precision and recall per page, each
averaged over pages, and F1 of the two averages. Titles match after case and whitespace
folding; publication days match on the local calendar day (``YYYY-MM-DD``).

A manifest is JSON lines ``{"id", "path", "url", "gold": {"title", "published",
"authors", "body"}}`` with ``path`` relative to the manifest's folder.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4


@dataclass
class Prediction:
    """What one extractor said about one page."""

    title: str | None = None
    day: str | None = None
    """Publication day ``YYYY-MM-DD`` in the page's own (local) calendar."""
    body: str | None = None


@dataclass
class PageResult:
    id: str
    precision: float | None = None
    recall: float | None = None
    title_ok: bool | None = None
    day_ok: bool | None = None
    seconds: float = 0.0
    prediction: Prediction = field(default_factory=Prediction)


def shingles(text: str | None, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """The multiset of n-word shingles of ``text`` (a text shorter than n words is one
    shingle of all its words; no words, no shingles)."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) <= n:
        return Counter([tuple(tokens)])
    return Counter(zip(*(tokens[i:] for i in range(n)), strict=False))  # up to the shortest


def precision_recall(expected: str | None, predicted: str | None) -> tuple[float, float]:
    """Shingle precision and recall of one page, as the Zyte benchmark defines them
    (both empty: 1 and 1; nothing predicted: precision 0)."""
    gold, pred = shingles(expected), shingles(predicted)
    tp = sum((gold & pred).values())
    fp = sum((pred - gold).values())
    fn = sum((gold - pred).values())
    if fp == fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def fold_title(title: str | None) -> str:
    return " ".join((title or "").replace("\xa0", " ").split()).casefold()


def load_manifest(path: Path) -> list[dict[str, Any]]:
    """The manifest's entries, each with ``file`` (absolute Path of the page) added."""
    entries = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                entry = json.loads(line)
                entry["file"] = path.parent / entry["path"]
                entries.append(entry)
    return entries


def score_page(entry: dict[str, Any], prediction: Prediction, seconds: float) -> PageResult:
    gold = entry.get("gold") or {}
    result = PageResult(id=entry["id"], seconds=seconds, prediction=prediction)
    if gold.get("body"):
        result.precision, result.recall = precision_recall(gold["body"], prediction.body)
    if gold.get("title"):
        result.title_ok = fold_title(gold["title"]) == fold_title(prediction.title)
    if gold.get("published"):
        result.day_ok = str(gold["published"])[:10] == (prediction.day or "")[:10]
    return result


@dataclass
class Summary:
    pages: int
    precision: float
    recall: float
    f1: float
    title: float
    day: float
    ms_per_page: float


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


def summarise(results: list[PageResult]) -> Summary:
    scored = [r for r in results if r.precision is not None]
    precision = _mean(r.precision for r in scored if r.precision is not None)
    recall = _mean(r.recall for r in scored if r.recall is not None)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Summary(
        pages=len(results),
        precision=precision,
        recall=recall,
        f1=f1,
        title=_mean(float(r.title_ok) for r in results if r.title_ok is not None),
        day=_mean(float(r.day_ok) for r in results if r.day_ok is not None),
        ms_per_page=1000 * _mean(r.seconds for r in results),
    )


Extractor = Callable[[bytes, str], Prediction]


def run(
    extractor: Extractor, entries: Iterable[dict[str, Any]], clock: Callable[[], float]
) -> Iterator[PageResult]:
    """Score ``extractor`` (page bytes, url -> Prediction) on each entry; ``clock`` is
    ``time.perf_counter`` in the bench (a parameter so that this module stays pure)."""
    for entry in entries:
        html = Path(entry["file"]).read_bytes()
        start = clock()
        prediction = extractor(html, entry["url"])
        seconds = clock() - start
        yield score_page(entry, prediction, seconds)


# -- the two extractors compared -----------------------------------------------------


def arsip_extractor(fetched_at: str | None = None, *, leave_out: bool = False) -> Extractor:
    """arsip's full pipeline. With ``leave_out``, each page is read as a page of a portal
    no rule was written from: the declared portal owning its URL is ignored, and so are
    the markup families written from its site (``crawler.extract.families.held_out``);
    CMS families and every general rule still apply."""
    from crawler.extract import extract_article
    from crawler.extract.families import held_out

    def extract(html: bytes, url: str) -> Prediction:
        if leave_out:
            with held_out(url):
                article = extract_article(html, url, fetched_at=fetched_at, declared=False)
        else:
            article = extract_article(html, url, fetched_at=fetched_at)
        return Prediction(
            title=article.title,
            day=(article.published_local or "")[:10] or None,
            body=article.body,
        )

    return extract


def trafilatura_extractor() -> Extractor:
    """Plain trafilatura with its defaults, its own title and date (``bare_extraction``
    with metadata: one pass gives the same three fields arsip gives)."""
    import trafilatura

    def extract(html: bytes, url: str) -> Prediction:
        document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
        if document is None:
            return Prediction()
        return Prediction(title=document.title, day=document.date, body=document.text)

    return extract


def trafilatura_body_extractor() -> Extractor:
    """``trafilatura.extract`` with defaults: body only, the speed baseline."""
    import trafilatura

    def extract(html: bytes, url: str) -> Prediction:
        return Prediction(body=trafilatura.extract(html, url=url))

    return extract
