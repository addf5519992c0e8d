"""newsindex: search archives of press releases and news.

Ingest newsroom listing pages, JSON Lines, CSV and Reuters SGML; extract country and issue
facets from the text; index with Whoosh; search with BM25F ranking, filters, exact facet
counts and highlighted snippets.

    from newsindex import NewsIndex, load_releases

    with NewsIndex.create("releases.idx") as index:
        report = index.add(load_releases("newsroom.txt"))
        results = index.search("hong kong vigil", country="HK", facets=("country", "issue", "year"))
"""

import functools

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .index import NewsIndex

# The other public names are loaded on first use (PEP 562): `newsindex search` needs the index
# and the query path, not the source readers, the taggers or NLTK, and every import is start-up
# time of each CLI command. `from newsindex import load_releases` works as before.
_HOMES: dict[str, str] = {
    "analyze": "analysis",
    "parse_date": "dates",
    "FetchError": "errors", "UnknownFacetValueError": "errors", "ModelError": "errors",
    "IndexExistsError": "errors", "IndexLockedError": "errors", "IndexNotFoundError": "errors",
    "IndexVersionError": "errors", "NewsIndexError": "errors", "QueryError": "errors",
    "QueryTooBroadError": "errors", "IndexDamagedError": "errors", "IndexReadOnlyError": "errors",
    "DiskFullError": "errors", "ReleaseError": "errors", "SourceError": "errors", "TaxonomyError": "errors",
    "IndexStats": "index",
    "Release": "records",
    "AddReport": "results", "FacetCount": "results", "Hit": "results", "Rejection": "results", "SearchResults": "results",
    "FORMATS": "sources", "load_releases": "sources", "load_sample": "sources",
    "CountryTag": "tagging", "IssueTag": "tagging", "Taxonomy": "tagging", "country_name": "tagging",
    "load_taxonomy": "tagging", "tag_countries": "tagging", "tag_issues": "tagging",
    "IssueModel": "tagging.learn", "IssueReport": "tagging.learn", "IssueScore": "tagging.learn",
    "learn_issues": "tagging.learn", "IssuesLearned": "tagging.learned",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'newsindex' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))


def _watches_of(index: NewsIndex) -> Any:
    from .watch import watches_of  # on first use of index.watches: a search never needs it

    return watches_of(index)


def _wire_watches() -> None:
    """``index.watches``: saved searches use the index, so they are attached here, not in index.py.

    The wiring itself stays eager (the index is imported with the package): whoever imports
    ``newsindex.index`` directly still gets an index with ``watches``."""
    accessor = functools.cached_property(_watches_of)
    accessor.__set_name__(NewsIndex, "watches")
    NewsIndex.watches = accessor  # type: ignore[attr-defined]


_wire_watches()


if TYPE_CHECKING:
    from .analysis import analyze
    from .dates import parse_date
    from .errors import (
        DiskFullError,
        FetchError,
        IndexDamagedError,
        IndexExistsError,
        IndexReadOnlyError,
        IndexLockedError,
        IndexNotFoundError,
        IndexVersionError,
        NewsIndexError,
        ModelError,
        QueryError,
        QueryTooBroadError,
        ReleaseError,
        SourceError,
        TaxonomyError,
        UnknownFacetValueError,
    )
    from .index import IndexStats
    from .records import Release
    from .results import AddReport, FacetCount, Hit, Rejection, SearchResults
    from .sources import FORMATS, load_releases, load_sample
    from .tagging import CountryTag, IssueTag, Taxonomy, country_name, load_taxonomy, tag_countries, tag_issues
    from .tagging.learn import IssueModel, IssueReport, IssueScore, learn_issues
    from .tagging.learned import IssuesLearned

__all__ = [
    "__version__",
    "AddReport",
    "CountryTag",
    "FORMATS",
    "FacetCount",
    "Hit",
    "FetchError",
    "IndexExistsError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexStats",
    "IndexVersionError",
    "ModelError",
    "IssueModel",
    "IssueReport",
    "IssueScore",
    "IssueTag",
    "IssuesLearned",
    "NewsIndex",
    "NewsIndexError",
    "QueryError",
    "QueryTooBroadError",
    "IndexDamagedError",
    "IndexReadOnlyError",
    "DiskFullError",
    "Rejection",
    "Release",
    "ReleaseError",
    "SearchResults",
    "SourceError",
    "TaxonomyError",
    "UnknownFacetValueError",
    "Taxonomy",
    "analyze",
    "country_name",
    "load_releases",
    "load_sample",
    "learn_issues",
    "load_taxonomy",
    "parse_date",
    "tag_countries",
    "tag_issues",
]
