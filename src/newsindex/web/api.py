"""The JSON API: the parameters of ``NewsIndex.search`` and friends in a query string.

    GET /api/search?q=vigil&country=HK&since=2021-01-01&facet=country&facet=year
    GET /api/facets?q=torture&field=country
    GET /api/timeline?q=hong+kong&by=year
    GET /api/release/{id}
    GET /api/similar/{id}?limit=5

Bodies are what the CLI prints with ``--json`` (``SearchResults.to_dict()`` and so on). An
unknown parameter is a 400 rather than ignored, so a typo (``contry=HK``) is not a silent
"no filter". Each function runs in a worker thread and raises what app.py turns into JSON errors.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..index import NewsIndex
from ..schema import FACET_FIELDS, TIME_FACETS
from .pages import NotFound, release_data
from .state import SearchState, StateError

__all__ = ["search", "facets", "timeline", "release", "similar"]

Params = Mapping[str, list[str]]
_COMMON = ("q", "country", "issue", "type", "source", "speaker", "since", "until", "match", "fuzzy")
#: Facets counted when a search names none: the CLI's default.
DEFAULT_FACETS = ("country", "issue", "year")


def _check(params: Params, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise StateError(f"unknown parameter {unknown[0]!r}; this endpoint takes {', '.join(allowed)}")


def _names(params: Params, name: str, choices: tuple[str, ...], default: tuple[str, ...]) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(v.strip() for v in params.get(name, ()) if v.strip()))
    for value in values:
        if value not in choices:
            raise StateError(f"unknown {name} {value[:40]!r}; {name} is one of {', '.join(choices)}")
    return values or default


def _options(state: SearchState) -> dict[str, Any]:
    return {"match": state.match, "fuzzy": state.fuzzy}


def search(index: NewsIndex, params: Params) -> dict[str, Any]:
    _check(params, _COMMON + ("sort", "page", "limit", "facet", "boost_recent"))
    state = SearchState.parse(params)
    boost: float | None = None
    raw = (params.get("boost_recent") or [""])[-1].strip()
    if raw:
        try:
            boost = float(raw)
        except ValueError:
            raise StateError(f"boost_recent takes a number of days, not {raw[:40]!r}") from None
    results = index.search(
        state.q, **state.search_filters(), sort=state.sort, page=state.page, limit=state.limit,  # type: ignore[arg-type]
        facets=_names(params, "facet", FACET_FIELDS, DEFAULT_FACETS), boost_recent=boost, **_options(state),
    )
    return results.to_dict()


def facets(index: NewsIndex, params: Params) -> dict[str, Any]:
    _check(params, _COMMON + ("field",))
    state = SearchState.parse(params)
    counts = index.facets(state.q, fields=_names(params, "field", FACET_FIELDS, FACET_FIELDS), **state.search_filters(), **_options(state))
    return {name: [c.to_dict() for c in values] for name, values in counts.items()}


def timeline(index: NewsIndex, params: Params) -> dict[str, Any]:
    _check(params, _COMMON + ("by",))
    state = SearchState.parse(params)
    by = _names(params, "by", TIME_FACETS, ("month",))[-1]
    counts = index.timeline(state.q, by=by, **state.search_filters(), **_options(state))
    return {"query": state.q, "by": by, "total": sum(c.count for c in counts), "counts": [c.to_dict() for c in counts]}


def release(index: NewsIndex, release_id: str, params: Params) -> dict[str, Any]:
    _check(params, ())
    return release_data(index, release_id)


def similar(index: NewsIndex, release_id: str, params: Params) -> dict[str, Any]:
    _check(params, ("country", "issue", "type", "source", "speaker", "since", "until", "page", "limit"))
    state = SearchState.parse(params)
    if release_id not in index:
        raise NotFound(f"no release with id {release_id!r} in {index.path or 'this index'} (ids are shown by `newsindex search`)")
    return index.similar(release_id, limit=state.limit, page=state.page, **state.search_filters()).to_dict()
