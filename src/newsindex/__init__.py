"""newsindex: search archives of press releases and news.

Ingest newsroom listing pages, JSON Lines, CSV and Reuters SGML; extract country and issue
facets from the text; index with Whoosh; search with BM25F ranking, filters, exact facet
counts and highlighted snippets.

    from newsindex import NewsIndex, load_releases

    with NewsIndex.create("releases.idx") as index:
        report = index.add(load_releases("newsroom.txt"))
        results = index.search("hong kong vigil", country="HK", facets=("country", "issue", "year"))
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

# The public names are loaded on first use (PEP 562): `newsindex search` needs the index and
# the query path, not the source readers or the taggers, and every import is start-up time of
# each CLI command. `from newsindex import NewsIndex` works as before.
_HOMES: dict[str, str] = {
    "analyze": "analysis",
    "IndexExistsError": "errors", "IndexLockedError": "errors", "IndexNotFoundError": "errors",
    "IndexVersionError": "errors", "NewsIndexError": "errors", "QueryError": "errors",
    "SourceError": "errors", "TaxonomyError": "errors",
    "IndexStats": "index", "NewsIndex": "index",
    "Release": "records",
    "AddReport": "results", "FacetCount": "results", "Hit": "results", "Rejection": "results", "SearchResults": "results",
    "FORMATS": "sources", "load_releases": "sources", "load_sample": "sources",
    "CountryTag": "tagging", "IssueTag": "tagging", "Taxonomy": "tagging", "country_name": "tagging",
    "load_taxonomy": "tagging", "tag_countries": "tagging", "tag_issues": "tagging",
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


if TYPE_CHECKING:
    from .analysis import analyze
    from .errors import (
        IndexExistsError,
        IndexLockedError,
        IndexNotFoundError,
        IndexVersionError,
        NewsIndexError,
        QueryError,
        SourceError,
        TaxonomyError,
    )
    from .index import IndexStats, NewsIndex
    from .records import Release
    from .results import AddReport, FacetCount, Hit, Rejection, SearchResults
    from .sources import FORMATS, load_releases, load_sample
    from .tagging import CountryTag, IssueTag, Taxonomy, country_name, load_taxonomy, tag_countries, tag_issues

__all__ = [
    "__version__",
    "AddReport",
    "CountryTag",
    "FORMATS",
    "FacetCount",
    "Hit",
    "IndexExistsError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexStats",
    "IndexVersionError",
    "IssueTag",
    "NewsIndex",
    "NewsIndexError",
    "QueryError",
    "Rejection",
    "Release",
    "SearchResults",
    "SourceError",
    "TaxonomyError",
    "Taxonomy",
    "analyze",
    "country_name",
    "load_releases",
    "load_sample",
    "load_taxonomy",
    "tag_countries",
    "tag_issues",
]
