"""The schema of an ``arsip import`` line, validated with pydantic: one JSON object per
line, either with arsip's Article field names (``ArticleLine``) or as news-please
writes its articles (``NewsPleaseLine``). docs/import.md documents both;
``tests/test_import_schema.py`` checks that it names exactly these fields.

Types are strict (no coercion): a text is a JSON string, a list a JSON array of
strings, a flag ``true`` or ``false``; ``null`` stands for a field left out. Keys the
schema does not name are ignored, and so are the fields the archive computes itself
(``content_hash``, ``word_count``, ``published_has_time``, ``first_seen_at``,
``last_seen_at``, ``revision``). A line that breaks the schema is rejected with a reason
(``tags is not a list``, ``authors is not a list of text``, ``press_release is not true
or false``) and a detail naming the value.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

Text = str | None


class _Line(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    url: str

    @field_validator("title", "body", check_fields=False)
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        """A title or text of blanks is no title or text."""
        return value.strip() or None if value is not None else None

    @field_validator("authors", "tags", check_fields=False)
    @classmethod
    def _names(cls, value: list[str] | None) -> list[str]:
        """Each name stripped; blank names and ``null`` for the list dropped."""
        return [name.strip() for name in value or [] if name.strip()]


class ArticleLine(_Line):
    """A line with arsip's Article field names (``crawler/items.py`` documents each)."""

    portal: Text = None
    title: Text = None
    body: Text = None
    section: Text = None
    description: Text = None
    authors: list[str] | None = None
    editor: Text = None
    published_at: Text = None
    published_local: Text = None
    published_raw: Text = None
    published_source: Text = None
    modified_at: Text = None
    dateline: Text = None
    tags: list[str] | None = None
    image_url: Text = None
    language: Text = None
    press_release: bool | None = None
    press_release_phrase: Text = None
    republished_from: Text = None
    fetched_at: Text = None


class NewsPleaseLine(_Line):
    """A line of news-please's JSON output (its ``NewsArticle``); told from an
    ArticleLine by any of ``NEWS_PLEASE_KEYS``."""

    title: Text = None
    title_page: Text = None
    maintext: Text = None
    text: Text = None
    description: Text = None
    authors: list[str] | None = None
    image_url: Text = None
    language: Text = None
    date_publish: Text = None
    date_modify: Text = None
    date_download: Text = None
    source_domain: Text = None


NEWS_PLEASE_KEYS = frozenset({"maintext", "date_publish", "source_domain", "date_download",
                              "title_page"})  # fmt: skip
"""Keys that tell a news-please line from an arsip one."""

_WHAT = {
    "string_type": "is not text",
    "list_type": "is not a list",
    "bool_type": "is not true or false",
}


def validate_line(data: dict[str, Any]) -> ArticleLine | NewsPleaseLine:
    """The line as its schema reads it; raises ``InvalidLine``."""
    schema = NewsPleaseLine if NEWS_PLEASE_KEYS & data.keys() else ArticleLine
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise InvalidLine.of(error) from None


class InvalidLine(ValueError):
    """A line that breaks the schema: ``reason`` is what is counted (``authors is not a
    list of text``), ``detail`` names the value (``authors[0] is 1``)."""

    def __init__(self, reason: str, detail: str):
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason} ({detail})")

    @classmethod
    def of(cls, error: ValidationError) -> InvalidLine:
        """The first of pydantic's errors, said in the terms of the import."""
        first = error.errors(include_url=False)[0]
        field, *inside = first["loc"]
        what = _WHAT.get(first["type"], f"is not valid: {first['msg']}")
        if inside:  # an item of a list
            what = "is not a list of text" if first["type"] == "string_type" else what
            place = f"{field}[{inside[0]}]"
        else:
            place = str(field)
        value = repr(first.get("input"))
        if len(value) > 60:
            value = value[:57] + "..."
        return cls(f"{field} {what}", f"{place} is {value}")
