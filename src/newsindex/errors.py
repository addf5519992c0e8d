"""The one exception family of newsindex.

Every error the library raises on purpose is a :class:`NewsIndexError`, so an app can catch one
class; the subclasses say what went wrong and carry what it needs to be fixed::

    NewsIndexError
    ├── SourceError          a record or file could not be read (path, line)
    │   └── FetchError       a URL could not be fetched (network, HTTP status, limits)
    ├── IndexNotFoundError   no newsindex index at that path
    ├── IndexExistsError     create() over an existing index
    ├── IndexLockedError     another writer holds the index lock
    ├── IndexVersionError    the index was built by an incompatible schema/library version
    ├── IndexDamagedError    a segment file is truncated, missing or changed (rebuild; `newsindex check`)
    ├── IndexReadOnlyError   the index can't be written: read-only file system, no permission
    ├── DiskFullError        no space left while writing (the index keeps its last commit)
    ├── TaxonomyError        an issue taxonomy file is malformed (path, what is wrong)
    ├── ReleaseError         a Release built with a date as text (says what to pass; also a TypeError)
    ├── ModelError           a learned issue model can't be fitted or read (what to do)
    ├── QueryError           the query text is malformed (position)
    │   └── QueryTooBroadError  a prefix/wildcard/range word matches more index terms than a query may
    └── UnknownFacetValueError  a filter value names no country/issue (with suggestions)

Misuse of the API (a wrong type, an unknown keyword value) raises ``ValueError``/``TypeError``
as Python code usually does: those are bugs in the caller, not conditions of the data.
Whoosh and NLTK errors are translated at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations

from typing import Iterable

__all__ = [
    "NewsIndexError",
    "SourceError",
    "FetchError",
    "IndexNotFoundError",
    "IndexExistsError",
    "IndexLockedError",
    "IndexVersionError",
    "IndexDamagedError",
    "IndexReadOnlyError",
    "DiskFullError",
    "QueryError",
    "QueryTooBroadError",
    "TaxonomyError",
    "ReleaseError",
    "UnknownFacetValueError",
    "ModelError",
]


class NewsIndexError(Exception):
    """Root of every error newsindex raises on purpose."""


class SourceError(NewsIndexError):
    """A source file or one record in it could not be read.

    ``path`` names the file (or ``"<stream>"``), ``line`` the 1-based line where the bad record
    starts (``None`` when the problem is the whole file), ``reason`` the bare explanation and
    ``record`` the raw text of the bad record when there is one (for a rejects file).
    """

    def __init__(self, path: str, line: int | None, reason: str, *, record: str | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        self.record = record
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class FetchError(SourceError):
    """A URL could not be fetched: ``path`` is the URL, ``reason`` what went wrong (HTTP 404,
    a timeout, a redirect loop, a body over the size limit, no network)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, None, reason)


class IndexNotFoundError(NewsIndexError):
    """There is no newsindex index at the given path."""


class IndexExistsError(NewsIndexError):
    """``NewsIndex.create`` was asked to create an index where one already exists."""


class IndexLockedError(NewsIndexError):
    """Another writer holds the index's write lock."""


class IndexVersionError(NewsIndexError):
    """The index was written by a schema or library version this one cannot read."""


class IndexDamagedError(NewsIndexError):
    """A segment of the index can't be read (truncated, deleted, bytes changed): the message
    names it and says how to rebuild; ``newsindex check`` lists everything that is damaged."""


class IndexReadOnlyError(NewsIndexError):
    """The index can't be written here: a read-only file system or no write permission.

    Reading still works; the message names the file system or the file refused.
    """


class DiskFullError(NewsIndexError):
    """The disk filled up while writing. The uncommitted files are removed, the index keeps
    its last commit; the message names the device and the space the write needed."""


class QueryError(NewsIndexError):
    """The query text is malformed; ``position`` is the 0-based offset of the problem."""

    def __init__(self, query: str, position: int, reason: str) -> None:
        self.query = query
        self.position = position
        self.reason = reason
        super().__init__(f"{reason} (at position {position} of {query!r})")

    def pointer(self) -> str:
        """Two lines: the query, and a caret under the problem (for terminals)."""
        return f"{self.query}\n{' ' * self.position}^"


class QueryTooBroadError(QueryError):
    """A prefix, wildcard or range word matches more index terms than one query may expand to.

    Refused rather than run for seconds or minutes (multiterm.py); the message names the limit.
    """


class TaxonomyError(NewsIndexError, ValueError):
    """An issue taxonomy (TOML or JSON) could not be read; the message names the file."""


class ReleaseError(NewsIndexError, TypeError):
    """A Release was built with a value of the wrong kind (a date as text); the message says what to pass."""


class UnknownFacetValueError(NewsIndexError, ValueError):
    """A filter value that names no country (or no issue): ``facet``, ``value``, ``suggestions``."""

    def __init__(self, facet: str, value: str, suggestions: Iterable[str] = (), hint: str = "") -> None:
        self.facet = facet
        self.value = value
        self.suggestions = tuple(suggestions)
        message = f"unknown {facet} {value!r}"
        if self.suggestions:
            message += f": did you mean {' or '.join(self.suggestions)}?"
        elif hint:
            message += f": {hint}"
        super().__init__(message)


class ModelError(NewsIndexError):
    """Issues can't be learned (too few labels, scikit-learn missing) or a model file can't be read."""
