"""Write one saved page per portal into ``tests/sample_data/<portal>/<case>/`` (the
web-poet layout), rendered once from the mirror; the expected item comes from the
portal's articles.json, never from arsip's output. Run it only to add a portal's
fixture: ``python tests/write_portal_fixtures.py kabar6:232118``; existing fixtures are
frozen pages and stay as they are."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.mirror.render import portal_site  # noqa: E402
from tests.mirror_data import expected_fields  # noqa: E402

FROZEN = "2025-10-10T03:00:00Z"


def write_case(portal: str, article_id: int, case: str | None = None) -> Path:
    site = portal_site(portal)
    (article,) = [a for a in site.articles if a["id"] == article_id]
    pages = site.article_pages(article)
    path, body = next(iter(pages.items()))
    target = ROOT / "tests/sample_data" / portal / (case or str(article_id))
    (target / "inputs").mkdir(parents=True, exist_ok=True)
    (target / "inputs/HttpResponse-body.html").write_bytes(body)
    info = {"url": site.base + path, "status": 200,
            "headers": [["Content-Type", "text/html; charset=utf-8"]]}  # fmt: skip
    (target / "inputs/HttpResponse-info.json").write_text(json.dumps(info, indent=1) + "\n")
    (target / "meta.json").write_text(json.dumps({"frozen_time": FROZEN}, indent=1) + "\n")
    fields = expected_fields(article)
    if len(pages) > 1:  # the saved page is the first page of the article only
        fields["body"] = "\n\n".join(article["paragraphs"][: article["pages"][0]])
    expected = {
        "url": site.base + path,
        "portal": portal,
        "title": fields["title"],
        "body": fields["body"],
        "dateline": fields["dateline"],
        "authors": fields["authors"],
        "editor": fields["editor"],
        "section": article["section"],
        "tags": article["tags"],
        "published_at": fields["published_at"],
        "published_local": article["published"],
        "press_release": fields["press_release"],
    }
    text = json.dumps(expected, ensure_ascii=False, indent=1) + "\n"
    (target / "output.json").write_text(text, encoding="utf-8")
    return target


if __name__ == "__main__":
    for spec in sys.argv[1:]:
        name, _, number = spec.partition(":")
        print(write_case(name, int(number)))
