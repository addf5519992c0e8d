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

from ._version import __version__
from .analysis import analyze
from .dates import parse_date
from .errors import (
    FetchError,
    IndexExistsError,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    ModelError,
    NewsIndexError,
    QueryError,
    QueryTooBroadError,
    IndexDamagedError,
    IndexReadOnlyError,
    DiskFullError,
    ReleaseError,
    SourceError,
    TaxonomyError,
    UnknownFacetValueError,
)
from .index import IndexStats, NewsIndex
from .records import Release
from .results import AddReport, FacetCount, Hit, Rejection, SearchResults
from .sources import FORMATS, load_releases, load_sample
from .tagging import CountryTag, IssueTag, Taxonomy, country_name, load_taxonomy, tag_countries, tag_issues
from .tagging.learn import IssueModel, IssueReport, IssueScore, learn_issues
from .tagging.learned import IssuesLearned
from .watch import watches_of as _watches_of


def _wire_watches() -> None:
    """``index.watches``: saved searches use the index, so they are attached here, not in index.py."""
    accessor = functools.cached_property(_watches_of)
    accessor.__set_name__(NewsIndex, "watches")
    NewsIndex.watches = accessor  # type: ignore[attr-defined]


_wire_watches()

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
