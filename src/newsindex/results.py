"""Search results as plain, frozen data that outlives the Whoosh searcher.

No Whoosh object reaches a caller: a Hit is a copy of what the index stored, plus the score,
the snippet and where the query matched in it.
"""

from __future__ import annotations

import datetime as _dt
import html
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping

__all__ = ["Hit", "FacetCount", "SearchResults", "AddReport", "Rejection"]

Span = tuple[int, int]


def _mark(text: str, spans: tuple[Span, ...], before: str, after: str, escape: Callable[[str], str]) -> str:
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(before + escape(text[start:end]) + after)
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching release.

    ``snippet`` is the best passage of the summary or body; ``snippet_matches`` and
    ``title_matches`` are the (start, end) character spans of the query's words in the snippet
    and the title, so any front end can highlight them (see :meth:`marked_snippet`).
    ``countries``/``issues`` are the facet values (given metadata, else extracted);
    ``countries_extracted``/``issues_extracted`` what the text says, shown apart.
    """

    id: str
    score: float
    rank: int
    title: str
    date: _dt.date | None
    type: str = ""
    source: str = ""
    url: str = ""
    credit: str = ""
    summary: str = ""
    countries: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    countries_extracted: tuple[str, ...] = ()
    issues_extracted: tuple[str, ...] = ()
    snippet: str = ""
    snippet_matches: tuple[Span, ...] = ()
    title_matches: tuple[Span, ...] = ()
    speakers: tuple[str, ...] = ()  # names of the people quoted (details: NewsIndex.get_facets(id).speakers)

    def marked_snippet(self, before: str = "<mark>", after: str = "</mark>", *, escape: Callable[[str], str] = html.escape) -> str:
        """The snippet with matches wrapped in ``before``/``after`` (HTML-escaped by default)."""
        return _mark(self.snippet, self.snippet_matches, before, after, escape)

    def marked_title(self, before: str = "<mark>", after: str = "</mark>", *, escape: Callable[[str], str] = html.escape) -> str:
        """The title with matches wrapped in ``before``/``after`` (HTML-escaped by default)."""
        return _mark(self.title, self.title_matches, before, after, escape)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rank": self.rank,
            "score": round(self.score, 4),
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "type": self.type,
            "source": self.source,
            "url": self.url,
            "credit": self.credit,
            "countries": list(self.countries),
            "issues": list(self.issues),
            "countries_extracted": list(self.countries_extracted),
            "issues_extracted": list(self.issues_extracted),
            "snippet": self.snippet,
            "snippet_matches": [list(s) for s in self.snippet_matches],
            "title_matches": [list(s) for s in self.title_matches],
            "speakers": list(self.speakers),
        }


@dataclass(frozen=True, slots=True)
class FacetCount:
    """How many releases of the result set carry ``value`` in a facet (``label``: display name)."""

    value: str
    count: int
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label or self.value, "count": self.count}


@dataclass(frozen=True, slots=True)
class SearchResults:
    """One page of hits, the exact total, and facet counts over the whole result set.

    Iterating gives the hits of this page; ``facets[name]`` is a tuple of FacetCount, most
    frequent first (ties by value) — except date buckets (year, month, week), which are in time
    order with empty buckets between the first and the last filled with zero counts.
    """

    query: str
    hits: tuple[Hit, ...]
    total: int
    page: int = 1
    limit: int = 10
    sort: str = "relevance"
    facets: Mapping[str, tuple[FacetCount, ...]] = field(default_factory=dict)
    #: Corrected queries that find more releases ("did you mean"), computed when few hits were found.
    suggestions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.facets, MappingProxyType):
            object.__setattr__(self, "facets", MappingProxyType(dict(self.facets)))

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, index: int) -> Hit:
        return self.hits[index]

    @property
    def pages(self) -> int:
        """How many pages of ``limit`` hits the total makes."""
        return max(1, -(-self.total // self.limit)) if self.limit else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "limit": self.limit,
            "sort": self.sort,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {name: [c.to_dict() for c in counts] for name, counts in self.facets.items()},
            "suggestions": list(self.suggestions),
        }


@dataclass(frozen=True, slots=True)
class Rejection:
    """A record that was not indexed, and why (``where``: "file:line" or the release id)."""

    where: str
    reason: str


@dataclass(frozen=True, slots=True)
class AddReport:
    """What ``NewsIndex.add`` did: counts, and every rejected record with its reason."""

    added: int = 0
    updated: int = 0
    rejected: tuple[Rejection, ...] = ()
    duplicates: tuple[str, ...] = ()  # ids seen more than once in this batch (the last one was kept)
    commits: int = 0

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.updated} updated", f"{len(self.rejected)} rejected"]
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicate ids in input (last kept)")
        return ", ".join(parts)
