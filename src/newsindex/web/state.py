"""The state of a search page, read from its URL and written back into links.

Every state of the page (query, filters, date range, sort, page) lives in the URL's query
string, so a result page can be bookmarked, shared and reached again with the back button. The
parameters are the names of ``NewsIndex.search`` and of the CLI's options (``country``,
``since``, ``sort``…); a facet filter repeats its name for OR (``country=HK&country=CN``).

Bounds are checked here, before the index is asked: a query over :data:`MAX_QUERY_CHARS`, a
page size over :data:`MAX_LIMIT` or a page past :data:`MAX_OFFSET` hits is a 400, so one URL
cannot make the server build a million hits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping
from urllib.parse import urlencode

from ..dates import parse_date
from ..tagging.speakers import speaker_slug

__all__ = ["SearchState", "StateError", "FILTER_FACETS", "MAX_QUERY_CHARS", "MAX_LIMIT", "MAX_OFFSET"]

#: The facets a page filters by (repeatable parameters, OR within one facet).
FILTER_FACETS: tuple[str, ...] = ("country", "issue", "type", "source", "speaker")
SORTS: tuple[str, ...] = ("relevance", "newest", "oldest")
#: Longer than any query a person types; a bound on what one request makes the parser read.
MAX_QUERY_CHARS = 500
#: Values of one facet filter, and the length of one value.
MAX_VALUES = 20
MAX_VALUE_CHARS = 100
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
#: Hits skipped by paging at most: relevance ranking keeps page * limit hits in a heap.
MAX_OFFSET = 10_000


class StateError(ValueError):
    """A request parameter is out of bounds or malformed (a 400, with this message)."""


def _one(params: Mapping[str, list[str]], name: str, default: str = "") -> str:
    values = params.get(name) or [default]
    return values[-1].strip()


def _int(params: Mapping[str, list[str]], name: str, default: int, low: int, high: int) -> int:
    raw = _one(params, name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise StateError(f"{name} must be an integer, not {raw[:40]!r}") from None
    if not low <= value <= high:
        raise StateError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _fold(name: str, value: str) -> str:
    """A filter value as the index stores it (country codes upper case, slugs), so links compare."""
    value = value.strip()
    if name == "country":
        return value.upper()
    if name == "speaker":  # "Agnès Callamard" -> "agnes-callamard"
        return speaker_slug(value)
    return value.lower().replace(" ", "-")


def _date(params: Mapping[str, list[str]], name: str) -> str:
    """An ISO date (the same message as search(since=...) for a bad one), so links stay canonical."""
    raw = _one(params, name)
    if not raw:
        return ""
    if len(raw) > 40:
        raise StateError(f"{name} takes a date such as 2021-06-01")
    try:
        return parse_date(raw).isoformat()
    except ValueError as exc:
        raise StateError(f"{name}={raw!r}: {exc}") from None


@dataclass(frozen=True)
class SearchState:
    """What one search page shows: the arguments of ``NewsIndex.search`` and how to link onwards."""

    q: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    since: str = ""
    until: str = ""
    sort: str = "relevance"
    page: int = 1
    limit: int = DEFAULT_LIMIT
    match: str = "all"
    fuzzy: bool = False

    @classmethod
    def parse(cls, params: Mapping[str, list[str]]) -> SearchState:
        """Read a query string (``parse_qs``-style: name -> values); StateError if out of bounds."""
        q = _one(params, "q")
        if len(q) > MAX_QUERY_CHARS:
            raise StateError(f"the query is {len(q)} characters long; at most {MAX_QUERY_CHARS} are read")
        filters = []
        for name in FILTER_FACETS:
            values = tuple(dict.fromkeys(_fold(name, v) for v in params.get(name, ()) if v.strip()))
            if len(values) > MAX_VALUES:
                raise StateError(f"at most {MAX_VALUES} values of {name} at once, not {len(values)}")
            if any(len(v) > MAX_VALUE_CHARS for v in values):
                raise StateError(f"a {name} value is longer than {MAX_VALUE_CHARS} characters")
            if values:
                filters.append((name, values))
        sort = _one(params, "sort", "relevance") or "relevance"
        if sort not in SORTS:
            raise StateError(f"sort must be 'relevance', 'newest' or 'oldest', not {sort[:40]!r}")
        match = _one(params, "match", "all") or "all"
        if match not in ("all", "any"):
            raise StateError(f"match must be 'all' or 'any', not {match[:40]!r}")
        limit = _int(params, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT)
        page = _int(params, "page", 1, 1, MAX_OFFSET)
        if (page - 1) * limit > MAX_OFFSET:
            raise StateError(f"page {page} of {limit} hits starts past hit {MAX_OFFSET:,}: narrow the search instead")
        since, until = _date(params, "since"), _date(params, "until")
        fuzzy = _one(params, "fuzzy").lower() in ("1", "true", "yes", "on")
        return cls(q=q, filters=tuple(filters), since=since, until=until, sort=sort, page=page, limit=limit, match=match, fuzzy=fuzzy)

    # ------------------------------------------------------------------ to the library

    def values(self, name: str) -> tuple[str, ...]:
        return dict(self.filters).get(name, ())

    def search_filters(self, *, without: str = "") -> dict[str, Any]:
        """The filter keywords of ``NewsIndex.search`` (``without``: leave one facet out)."""
        out: dict[str, Any] = {name: values for name, values in self.filters if name != without}
        if without != "date":
            out.update({k: v for k, v in (("since", self.since), ("until", self.until)) if v})
        return out

    @property
    def narrowed(self) -> bool:
        """Whether any filter or date range applies."""
        return bool(self.filters or self.since or self.until)

    # ------------------------------------------------------------------ back to the URL

    def pairs(self) -> list[tuple[str, str]]:
        """The state as query-string pairs, defaults left out (short, stable URLs)."""
        out: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        out += [(name, value) for name, values in self.filters for value in values]
        out += [(k, v) for k, v in (("since", self.since), ("until", self.until)) if v]
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.match != "all":
            out.append(("match", self.match))
        if self.fuzzy:
            out.append(("fuzzy", "1"))
        if self.limit != DEFAULT_LIMIT:
            out.append(("limit", str(self.limit)))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def query_string(self) -> str:
        return urlencode(self.pairs())

    def url(self, path: str = "/") -> str:
        qs = self.query_string()
        return f"{path}?{qs}" if qs else path

    def _with_filters(self, filters: Iterable[tuple[str, tuple[str, ...]]]) -> SearchState:
        kept = {name: values for name, values in filters if values}
        return replace(self, filters=tuple((n, kept[n]) for n in FILTER_FACETS if n in kept), page=1)

    def toggled(self, name: str, value: str) -> SearchState:
        """This state with ``value`` of facet ``name`` added (OR) or, if present, removed."""
        current = dict(self.filters)
        values = current.get(name, ())
        current[name] = tuple(v for v in values if v != value) if value in values else values + (value,)
        return self._with_filters(current.items())

    def dated(self, since: str = "", until: str = "") -> SearchState:
        """This state with the date range replaced (both empty: no range)."""
        return replace(self, since=since, until=until, page=1)

    def at_page(self, page: int) -> SearchState:
        return replace(self, page=page)

    def sorted_by(self, sort: str) -> SearchState:
        return replace(self, sort=sort, page=1)

    def asking(self, q: str) -> SearchState:
        return replace(self, q=q, page=1)
