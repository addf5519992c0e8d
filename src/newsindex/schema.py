"""The Whoosh schema and the mapping between a Release and a Whoosh document.

Facet fields (country, issue, type, source, year, month) are untokenized keywords so a
filter or a facet count is an exact term lookup. ``date`` is an ISO string ("2021-12-02")
in a sortable column: string order is date order, and range filters are served from a
per-searcher cache (see index.py) instead of Whoosh's slow term-range expansion.

Metadata given by the source and values extracted from the text are stored apart
(``country_given`` / ``country_extracted``) so both can be shown; the ``country`` facet holds
the given values when there are any, else the extracted ones.
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
from array import array
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Mapping

from whoosh import fields, formats

from .analysis import news_analyzer
from .ranking import BODY_BOOST, SUMMARY_BOOST, TITLE_BOOST
from .records import Release
from .tagging.speakers import Speaker

__all__ = ["SCHEMA_VERSION", "TEXT_FIELDS", "FACET_FIELDS", "TIME_FACETS", "iso_week", "build_schema", "to_document", "from_stored", "Facets", "CompactPositions"]

#: Bump when the schema or the analyzer's output changes: an index stamped with another version
#: is refused with a "rebuild with ..." message rather than returning wrong results.
SCHEMA_VERSION = 2  # 2: week and speaker facets, stored speaker details

#: Searchable text fields, in the order a bare query searches them.
TEXT_FIELDS: tuple[str, ...] = ("title", "summary", "body")
#: Facet fields: filters and counts use these names everywhere (schema, search(), CLI, results).
FACET_FIELDS: tuple[str, ...] = ("country", "issue", "type", "source", "year", "month", "week", "speaker")
#: Facets that are date buckets: listed in time order, empty buckets filled (see timeline.py).
TIME_FACETS: tuple[str, ...] = ("year", "month", "week")


_UINT32 = "I" if array("I").itemsize == 4 else "L"


#: CompactPositions' encoding of a single position below 256, prebuilt.
_ONE_POSITION: tuple[bytes, ...] = tuple(bytes((1, position)) for position in range(0x100))


class CompactPositions(formats.Positions):
    """Whoosh's Positions format, with a posting's positions packed instead of pickled.

    Whoosh stores a posting's positions as a 4-byte count and a pickled list of deltas: 13
    bytes for one position, most of a text field's postings. Here: one byte giving the width,
    then the deltas at that width (1 byte each below 256, most text; 2 below 65,536; else 4),
    little-endian. One position takes 2 bytes; the frequency is the length over the width.
    On Reuters the index is ~10% smaller, and encoding is faster than pickling.
    Lives here, at a stable import path: Whoosh pickles the schema into the index.
    """

    def encode(self, poslist: Any) -> bytes:
        if len(poslist) == 1 and poslist[0] < 0x100:  # most postings: one word early in a field
            return _ONE_POSITION[poslist[0]]
        deltas = [poslist[0], *(b - a for a, b in zip(poslist, poslist[1:]))]
        top = max(deltas)
        if top < 0x100:
            return b"\x01" + bytes(deltas)
        packed = array("H" if top < 0x10000 else _UINT32, deltas)
        if sys.byteorder == "big":
            packed.byteswap()
        return bytes([packed.itemsize]) + packed.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        width = valuestring[0]
        if width == 1:
            return list(accumulate(valuestring[1:]))
        packed = array("H" if width == 2 else _UINT32)
        packed.frombytes(valuestring[1:])
        if sys.byteorder == "big":
            packed.byteswap()
        return list(accumulate(packed))

    def decode_frequency(self, valuestring: bytes) -> int:
        return (len(valuestring) - 1) // valuestring[0]


def build_schema(language: str = "english") -> fields.Schema:
    analyzer = news_analyzer(language)

    def text(boost: float) -> fields.TEXT:
        # multitoken_query="phrase": "COVID-19" or "tit-for-tat" in a query is one phrase of its
        # parts, so it finds the text as written, whatever the default operator.
        field = fields.TEXT(analyzer=analyzer, stored=True, field_boost=boost, multitoken_query="phrase")
        field.format = CompactPositions(field_boost=boost)
        return field

    def keyword() -> fields.KEYWORD:
        return fields.KEYWORD(stored=True, scorable=False, commas=False, lowercase=False)

    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        title=text(TITLE_BOOST),
        summary=text(SUMMARY_BOOST),
        body=text(BODY_BOOST),
        date=fields.ID(stored=True, sortable=True),
        year=fields.ID(stored=False),
        month=fields.ID(stored=False),
        week=fields.ID(stored=False),  # ISO week, "2021-W48"
        type=fields.ID(stored=True),
        source=fields.ID(stored=True),
        country=keyword(),
        issue=keyword(),
        speaker=fields.KEYWORD(stored=False, scorable=False, commas=False, lowercase=False),  # name slugs
        speakers=fields.STORED(),  # [{name, role, organisation, quote}] (tagging/speakers.py)
        country_given=fields.STORED(),
        country_extracted=fields.STORED(),
        issue_given=fields.STORED(),
        issue_extracted=fields.STORED(),
        url=fields.ID(stored=True),
        credit=fields.STORED(),
        caption=fields.STORED(),
        extra=fields.STORED(),
    )


@dataclass(frozen=True, slots=True)
class Facets:
    """The facet values the indexer computed for one release (given and extracted kept apart)."""

    countries_given: tuple[str, ...]
    countries_extracted: tuple[str, ...]
    issues_given: tuple[str, ...]
    issues_extracted: tuple[str, ...]
    speakers: tuple[Speaker, ...] = ()  # who is quoted, extracted from the text

    @property
    def countries(self) -> tuple[str, ...]:
        return self.countries_given or self.countries_extracted

    @property
    def issues(self) -> tuple[str, ...]:
        return self.issues_given or self.issues_extracted


def iso_week(date: _dt.date) -> str:
    """The ISO week bucket of a date: "2021-W48" (ISO years: 2021-01-03 is in "2020-W53")."""
    year, week, _ = date.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _value(text: str) -> str:
    # Facet values are single terms in a KEYWORD field: spaces would split them.
    return text.replace(" ", "-")


def to_document(release: Release, facets: Facets) -> dict[str, Any]:
    """The Whoosh document for ``release`` (only non-empty fields: Whoosh stores no Nones)."""
    doc: dict[str, Any] = {
        "id": release.id,
        "title": release.title,
        "country": " ".join(_value(c) for c in facets.countries),
        "issue": " ".join(_value(i) for i in facets.issues),
        # The facet terms are indexed, not stored: from_stored rebuilds them from the lists below
        # (stored, they were 2% of a Reuters index).
        "_stored_country": None,
        "_stored_issue": None,
        "date": release.date.isoformat() if release.date else "",
    }
    for name, values in (("country_given", facets.countries_given), ("country_extracted", facets.countries_extracted),
                         ("issue_given", facets.issues_given), ("issue_extracted", facets.issues_extracted)):
        if values:  # an empty list would be stored under its name in every document
            doc[name] = list(values)
    if release.date:
        doc["year"] = f"{release.date.year:04d}"
        doc["month"] = f"{release.date.year:04d}-{release.date.month:02d}"
        doc["week"] = iso_week(release.date)
    if facets.speakers:
        doc["speaker"] = " ".join(dict.fromkeys(s.slug for s in facets.speakers))
        doc["speakers"] = [s.to_dict() for s in facets.speakers]
    for name in ("summary", "body", "type", "source", "url", "credit", "caption"):
        value = getattr(release, name)
        if value:
            doc[name] = value
    if release.extra:
        # Stored as JSON text so anything the source carried survives, whatever its type.
        doc["extra"] = json.dumps(dict(release.extra), ensure_ascii=False, default=str)
    return doc


def from_stored(stored: Mapping[str, Any]) -> tuple[Release, Facets]:
    """Rebuild the Release and its facets from a stored Whoosh document."""
    date = _dt.date.fromisoformat(stored["date"]) if stored.get("date") else None
    extra = json.loads(stored["extra"]) if stored.get("extra") else {}
    facets = Facets(
        countries_given=tuple(stored.get("country_given", ())),
        countries_extracted=tuple(stored.get("country_extracted", ())),
        issues_given=tuple(stored.get("issue_given", ())),
        issues_extracted=tuple(stored.get("issue_extracted", ())),
        speakers=tuple(Speaker.from_dict(s) for s in stored.get("speakers", ())),
    )
    release = Release(
        id=stored["id"],
        title=stored.get("title", ""),
        date=date,
        summary=stored.get("summary", ""),
        body=stored.get("body", ""),
        type=stored.get("type", ""),
        source=stored.get("source", ""),
        url=stored.get("url", ""),
        credit=stored.get("credit", ""),
        caption=stored.get("caption", ""),
        countries=facets.countries_given,
        issues=facets.issues_given,
        extra=extra,
        facets=facets,
    )
    return release, facets
