"""Mapping a flat record (a JSON object, a CSV row) onto a Release: the documented field names.

Field names (case-insensitive) and the aliases real exports use:

=========  ==============================================================
title      title, headline, name
body       body, text, content, body_text, full_text
summary    summary, description, abstract, lede, lead, excerpt, teaser
date       date, published, pubdate, published_at, date_published, datetime
url        url, link, permalink
type       type, kind, release_type, content_type
countries  countries, country, places   (a list, or a string split on ";" or ",")
issues     issues, issue, topics, tags  (same)
source     source, publisher, newsroom
credit     credit, photo_credit
caption    caption, photo_caption
id         id, guid
=========  ==============================================================

Anything else is kept in ``Release.extra`` — never dropped.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from ..dates import parse_date
from ..errors import SourceError
from ..records import Release, normalize_type

__all__ = ["ALIASES", "to_release"]

ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "body": ("body", "text", "content", "body_text", "full_text"),
    "summary": ("summary", "description", "abstract", "lede", "lead", "excerpt", "teaser"),
    "date": ("date", "published", "pubdate", "published_at", "date_published", "datetime"),
    "url": ("url", "link", "permalink"),
    "type": ("type", "kind", "release_type", "content_type"),
    "countries": ("countries", "country", "places"),
    "issues": ("issues", "issue", "topics", "tags"),
    "source": ("source", "publisher", "newsroom"),
    "credit": ("credit", "photo_credit"),
    "caption": ("caption", "photo_caption"),
    "id": ("id", "guid"),
}
_FIELD_OF = {alias: field for field, aliases in ALIASES.items() for alias in aliases}


def _as_list(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in re.split(r"[;,|]", value) if part.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if v is not None and str(v).strip())
    raise ValueError(f"expected a list or a ';'-separated string, got {type(value).__name__}")


def _as_text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    raise ValueError(f"field {name!r} should be text, got {type(value).__name__}")


def to_release(record: Mapping[str, Any], *, path: str, line: int, default_source: str, raw: str) -> Release | SourceError:
    """The Release for one flat record, or the SourceError saying what is wrong with it."""
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in record.items():
        field = _FIELD_OF.get(str(key).strip().lower()) if key is not None else None
        if field is None or field in fields:
            extra[str(key)] = value
        else:
            fields[field] = value
    try:
        title = _as_text(fields.get("title"), "title")
        if not title:
            found = ", ".join(str(k) for k in record) or "none"
            return SourceError(path, line, f"missing title (fields found: {found})", record=raw)
        date_text = fields.get("date")
        date = parse_date(str(date_text)) if date_text not in (None, "") else None
        return Release(
            id=_as_text(fields.get("id"), "id"),
            title=title,
            date=date,
            body=_as_text(fields.get("body"), "body"),
            summary=_as_text(fields.get("summary"), "summary"),
            url=_as_text(fields.get("url"), "url"),
            type=normalize_type(_as_text(fields.get("type"), "type")),
            countries=_as_list(fields.get("countries")),
            issues=_as_list(fields.get("issues")),  # slugs: see Release and facets.py
            # an explicit "source" (even empty) is kept, so an exported index re-imports unchanged
            source=_as_text(fields["source"], "source") if "source" in fields else default_source,
            credit=_as_text(fields.get("credit"), "credit"),
            caption=_as_text(fields.get("caption"), "caption"),
            extra=extra,
        )
    except ValueError as exc:
        return SourceError(path, line, str(exc), record=raw)
