"""NewsIndex: the on-disk (or in-memory) index of releases, and the only owner of Whoosh lifetimes.

Reading goes through a *snapshot*: one Whoosh searcher plus what we derive from it once —
docnum → id/date/facet values, and value → docnums — so filters and facet counts are set
operations in memory instead of Whoosh re-reading postings on every search (Whoosh's
``filter=`` and ``groupedby=`` rebuild their document sets each time; a date-range filter took
~236 ms per query on 21k stories, ~1 ms from the cache). The snapshot is replaced when the
index changes (our own commits, or another process's, seen by ``searcher.up_to_date()``).

Writing: ``add`` inserts or updates by stable id. ``strict=True`` (the library default) makes
the whole call one transaction — any bad record or error cancels it and the index is
untouched. ``strict=False`` commits every ``batch_size`` releases (the last batch takes up to a
quarter more, so an import does not end in a tiny commit), so a crash loses at most one
batch, and bad records are reported in the AddReport instead of stopping the run. A large
input on disk is written by two processes (pipeline.SubWriter), each into its own segment,
committed together in one table of contents (``_commit``).
"""

from __future__ import annotations

import bisect
import heapq
import gc
import io
import datetime as _dt
import json
import logging
import os
import shutil
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterable, Iterator, Literal, Mapping, Sequence

from whoosh import index as windex
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage, RamStorage

from . import __version__
from .dates import parse_date
from .errors import (
    IndexExistsError,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    SourceError,
)
from .pipeline import CHUNK, PARALLEL_ABOVE, Lookahead, SubWriter, default_workers, extract_facets, with_facets
from .tagging import Taxonomy, default_taxonomy, load_taxonomy
from .query import Match, parse_query
from .ranking import TermScores, scorer
from .records import Release
from .results import AddReport, FacetCount, Hit, Rejection, SearchResults
from .schema import FACET_FIELDS, SCHEMA_VERSION, TEXT_FIELDS, TIME_FACETS, Facets, build_schema, from_stored, to_document
from .recency import check_half_life, rank_by_recency
from .spelling import SUGGEST_BELOW, expand_fuzzy, expanded_terms, fuzzify, suggest
from .similar import key_terms, key_terms_query, rank_similar
from .timeline import fill_gaps
from .watch import WATCH_FILE, Watches
from .writing import segment_writer
from .tagging.speakers import speaker_slug
from .tagging.learn import MIN_EXAMPLES, IssueModel, IssuesLearned, index_model, learn_from_archive, MODEL_FILE

__all__ = ["NewsIndex", "IndexStats", "Sort"]

log = logging.getLogger(__name__)

Sort = Literal["relevance", "newest", "oldest"]
DateLike = str | _dt.date
FilterValue = str | Iterable[str] | None

STAMP_FILE = "newsindex.json"
_INDEX_NAME = "MAIN"
#: Date buckets are listed in time order; the other facets most frequent first.
_TIME_FACETS = frozenset(TIME_FACETS)
#: Whoosh's writer sorts postings in memory up to this size before spilling to disk; the default
#: (128 MB) spills on medium archives, which measured ~25% slower.
_WRITER_LIMIT_MB = 256
#: Lenient adds commit every this many releases. Each commit leaves a Whoosh segment, and on
#: 11k Reuters stories six 2,000-release segments made the index 32% larger and plain queries
#: ~25% slower than one segment, while merging them afterwards cost 70% of the build time. A
#: crash loses at most one batch (about 25 s of indexing here) and a re-run is idempotent.
DEFAULT_BATCH_SIZE = 10_000
#: A full batch is not committed when the input ends within this share of a batch more: the
#: end joins it, so 11,000 releases are one commit, not a second one of 1,000 (in a big import
#: a commit leaves two segments, and small ones cost the most space per release).
LAST_BATCH_SLACK = 0.25
SNIPPET_CHARS = 240
#: A filtered search matching at most this many documents scores them one by one instead of
#: running Whoosh's collector over every match of the query (measured break-even: ~100-300).
SCORE_DIRECTLY_BELOW = 100


@dataclass(frozen=True, slots=True)
class IndexStats:
    """Figures about an index: size, coverage in time, facet vocabulary sizes."""

    path: str | None
    releases: int
    first_date: _dt.date | None
    last_date: _dt.date | None
    undated: int
    size_bytes: int
    language: str
    schema_version: int
    library_version: str
    facet_values: Mapping[str, int] = field(default_factory=dict)
    segments: int = 1  # Whoosh segments: an import leaves several; optimize() merges them

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "releases": self.releases,
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "undated": self.undated,
            "size_bytes": self.size_bytes,
            "language": self.language,
            "schema_version": self.schema_version,
            "library_version": self.library_version,
            "facet_values": dict(self.facet_values),
            "segments": self.segments,
        }


def _taxonomy_spec(taxonomy: Taxonomy | str | os.PathLike[str] | None) -> dict[str, Any] | None:
    if taxonomy is None:
        return None
    if not isinstance(taxonomy, Taxonomy):
        taxonomy = load_taxonomy(taxonomy)
    return taxonomy.to_mapping()


def _score_docs(searcher: Any, query: wq.Query, docs: Iterable[int]) -> dict[int, float]:
    """BM25F scores of the given (matching) documents, segment by segment, by skipping to each.

    The same matchers and weighting as Whoosh's collectors, so the same scores; the cost is in
    the number of documents asked for, not in the number of documents the query matches.
    """
    wanted = sorted(docs)
    scores: dict[int, float] = {}
    if not wanted:
        return scores
    context = searcher.context()
    subsearchers = searcher.subsearchers or [(searcher, 0)]  # None for a one-segment index
    i = 0
    for k, (sub, offset) in enumerate(subsearchers):
        end = subsearchers[k + 1][1] if k + 1 < len(subsearchers) else searcher.doc_count_all()
        if i >= len(wanted):
            break
        if wanted[i] >= end:
            continue
        matcher = query.matcher(sub, context)
        while i < len(wanted) and wanted[i] < end:
            local = wanted[i] - offset
            if matcher.is_active() and matcher.id() < local:
                matcher.skip_to(local)
            if matcher.is_active() and matcher.id() == local:
                scores[wanted[i]] = matcher.score()
            i += 1
    return scores


def _top(scores: Mapping[int, float], needed: int, ids: Sequence[str], dates: Sequence[str]) -> tuple[list[int], dict[int, float]]:
    """The ``needed`` best-scored docnums in the documented order (score, newest, id).

    Everything scoring at least the ``needed``-th best score is sorted, so a tie at the cut
    is ordered like any other tie.
    """
    if len(scores) > needed:
        cut = heapq.nlargest(needed, scores.values())[-1]
        docs = [n for n, s in scores.items() if s >= cut]
    else:
        docs = list(scores)
    docs.sort(key=lambda n: ids[n])
    docs.sort(key=lambda n: dates[n], reverse=True)
    docs.sort(key=lambda n: scores[n], reverse=True)
    top = docs[:needed]
    return top, {n: scores[n] for n in top}


def _all_scores(snap: _Snapshot, query: wq.Query, allowed: set[int] | None, matched: frozenset[int]) -> dict[int, float]:
    """The BM25F score of every match (``matched``): from the term tables, or from Whoosh."""
    if snap.term_scores.supports(query):
        return snap.term_scores.scores(query, matched)
    return {hit.docnum: hit.score for hit in snap.searcher.search(query, limit=None, filter=allowed, scored=True)}


#: Segments with fewer live releases than this are merged into the next commit's segment (the
#: tails of batches, daily additions); bigger ones are left alone.
MERGE_BELOW = 2_000


def _merge_policy(writer: Any, segments: list[Any]) -> list[Any]:
    """Which existing segments a commit keeps; it merges the others into its own segment.

    Whoosh's default (MERGE_SMALL) waits until there are enough segments and then merges up
    to all of them at once: on a 500,000-release import that is a commit re-adding 130,000
    releases (Whoosh merges at ~1.5 ms a release) while the second writing process has nothing
    to do. Here a commit merges only small segments (cheap), and segments with more deleted
    than live releases (to reclaim the space of updated releases); a segment whose releases
    were all replaced is dropped. Big segments stay as written: each costs a query a few
    postings lookups, not a rewrite.
    """
    from whoosh.reading import SegmentReader

    keep = []
    for segment in segments:
        live = segment.doc_count()
        if live == 0:
            continue
        if live < MERGE_BELOW or segment.deleted_count() > live:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        else:
            keep.append(segment)
    return keep


def _commit(writer: Any, sub: SubWriter | None) -> None:
    """Commit ``writer`` with the segment ``sub`` wrote meanwhile, in one table of contents.

    Whoosh's ``SegmentWriter.commit`` step by step (the steps its own multiprocessing writer
    uses): both processes finish their segments at the same time, then one TOC lists both,
    so a batch written by two processes becomes visible at once or not at all.
    """
    if sub is None:
        writer.commit(mergetype=_merge_policy)
        return
    sub.finish()
    writer._check_state()
    try:
        final = writer._merge_segments(_merge_policy, None, None)
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        segment = sub.segment()
        writer._commit_toc(final + ([segment] if segment is not None else []))
    except BaseException:
        writer._cleanup_on_error()
        raise
    writer._finish()


def _close_leaked_files(directory: Path) -> None:
    prefix = str(directory)
    for obj in gc.get_objects():
        if isinstance(obj, io.IOBase) and not obj.closed and str(getattr(obj, "name", "")).startswith(prefix):
            obj.close()


def _column(reader: Any, size: int) -> list[str]:
    """Every value of a column, in docnum order ("" where there is none).

    Iterating a column reader is about a third faster than indexing it per document, which
    matters for the first search after a commit on a large archive.
    """
    if reader is None or not size:
        return [""] * size
    values = list(reader)
    if len(values) != size:  # not expected; fall back to asking per document
        values = [reader[n] for n in range(size)]
    return [v if isinstance(v, str) else (v.decode("utf-8") if isinstance(v, bytes) else "") for v in values]


class _FacetTables:
    """Per-field facet tables of a reader, built on first use of each field."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._by_value: dict[str, dict[str, frozenset[int]]] = {}
        self._by_doc: dict[str, dict[int, tuple[str, ...]]] = {}
        self.by_value = _LazyMapping(self, self._by_value)
        self.by_doc = _LazyMapping(self, self._by_doc)

    def build(self, name: str) -> None:
        if name not in FACET_FIELDS:
            raise KeyError(name)
        reader = self._reader
        by_value: dict[str, frozenset[int]] = {}
        by_doc: dict[int, list[str]] = {}
        if name in reader.indexed_field_names():
            for term in reader.lexicon(name):
                value = term.decode("utf-8") if isinstance(term, bytes) else str(term)
                docs = frozenset(reader.postings(name, term).all_ids())
                by_value[value] = docs
                for n in docs:
                    by_doc.setdefault(n, []).append(value)
        self._by_value[name] = by_value
        self._by_doc[name] = {n: tuple(v) for n, v in by_doc.items()}


class _LazyMapping(Mapping[str, Any]):
    def __init__(self, tables: _FacetTables, built: dict[str, Any]) -> None:
        self._tables = tables
        self._built = built

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._tables.build(name)
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(FACET_FIELDS)

    def __len__(self) -> int:
        return len(FACET_FIELDS)


class _Snapshot:
    """A searcher plus per-document tables derived from it once (see the module docstring)."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        size = reader.doc_count_all()
        self.live: list[int] = [n for n in range(size) if not reader.is_deleted(n)] if reader.has_deletions() else list(range(size))
        ids = reader.column_reader("id") if reader.has_column("id") else None
        dates = reader.column_reader("date") if reader.has_column("date") else None
        self.ids: list[str] = _column(ids, size)
        self.dates: list[str] = _column(dates, size)
        self.docnum_by_id: dict[str, int] = {self.ids[n]: n for n in self.live}
        self.has_deletions: bool = reader.has_deletions()
        self.live_set: frozenset[int] = frozenset(self.live)
        self.term_cache: dict[tuple[str, Any], frozenset[int]] = {}
        self.term_scores = TermScores(searcher)
        self.term_cache_size = 0
        # value -> docnums and docnum -> values per facet field, read from the postings the
        # first time a filter, a count or a listing needs that field (8 fields on 100k
        # releases took seconds to read up front, on every first search after a commit).
        tables = _FacetTables(reader)
        self.docs_by_value: Mapping[str, dict[str, frozenset[int]]] = tables.by_value
        self.values_by_doc: Mapping[str, dict[int, tuple[str, ...]]] = tables.by_doc
        # (date, docnum) sorted, for range filters by bisection; undated documents are left out.
        self.by_date: list[tuple[str, int]] = sorted((self.dates[n], n) for n in self.live if self.dates[n])
        # Plain sets (never mutated): Whoosh's filter= accepts a set but not a frozenset.
        self.filter_cache: dict[tuple[Any, ...], set[int]] = {}
        self.speaker_names: dict[str, str] = {}  # slug -> name as written, read lazily for facet labels

    #: Bound on the term cache, in cached docnums (a docnum costs about 40 bytes in a frozenset).
    TERM_CACHE_DOCS = 2_000_000

    def docset(self, query: wq.Query) -> frozenset[int]:
        """The docnums matching ``query``, from set algebra over cached term postings.

        Counting every match (the exact total, the facet counts) is what costs in Whoosh: its
        matchers walk every posting in Python. Here a term's postings are read once per
        snapshot and And/Or/Not become C-speed set operations, so a common word shared by
        many queries is read once. Anything else (phrases, ranges, prefixes, fuzzy terms)
        goes through Whoosh. This only decides *which* documents; ranking.TermScores scores them.
        """
        if isinstance(query, wq.Term):
            return self._cached((query.fieldname, query.text), query)
        kind = type(query)
        if kind is wq.And:
            parts = sorted((self.docset(q) for q in query.subqueries), key=len)
            if not parts:
                return frozenset()
            result = parts[0]
            for part in parts[1:]:
                if not result:
                    break
                result = result & part
            return result
        if kind is wq.Or and not query.minmatch:
            return frozenset().union(*(self.docset(q) for q in query.subqueries))
        if kind is wq.AndNot:
            return self.docset(query.a) - self.docset(query.b)
        if kind is wq.AndMaybe:
            return self.docset(query.a)
        if kind is wq.Not:
            return self.live_set - self.docset(query.query)
        if kind is wq.Every:
            return self.live_set
        if isinstance(query, wq.NullQuery.__class__):
            return frozenset()
        # Phrases, prefixes, ranges: Whoosh finds them (a phrase reads positions, the costly
        # part); cached by the query's repr, which spells out its field, words and options.
        return self._cached(("q", repr(query)), query)

    def _cached(self, key: tuple[str, Any], query: wq.Query) -> frozenset[int]:
        docs = self.term_cache.get(key)
        if docs is None:
            if type(query) is wq.Term:
                docs = frozenset(self.term_scores.docs(query))  # one read serves scores and sets
                if self.has_deletions:
                    docs = docs & self.live_set
            else:
                docs = frozenset(self.searcher.docs_for_query(query))
            self.term_cache_size += len(docs)
            if self.term_cache_size > self.TERM_CACHE_DOCS:
                self.term_cache.clear()
                self.term_cache_size = len(docs)
            self.term_cache[key] = docs
        return docs

    def close(self) -> None:
        self.searcher.close()


def _as_values(value: FilterValue, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        values = [value]
    else:
        values = list(value)
        if not all(isinstance(v, str) for v in values):
            raise TypeError(f"{name}= takes a string or strings")
    cleaned = [v.strip() for v in values if v and v.strip()]
    if name == "country":
        return tuple(v.upper() for v in cleaned)
    if name == "speaker":  # "Agnès Callamard" or "agnes-callamard"
        return tuple(speaker_slug(v) for v in cleaned)
    return tuple(v.lower().replace(" ", "-") for v in cleaned)


def _as_date(value: DateLike | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return parse_date(value).isoformat()
    except ValueError as exc:
        raise ValueError(f"{name}={value!r}: {exc}") from None


class NewsIndex:
    """A searchable index of releases. Use :meth:`create`, :meth:`open` or :meth:`in_memory`.

    >>> with NewsIndex.in_memory() as index:
    ...     report = index.add([Release(title="Hong Kong vigil convictions", date=_dt.date(2021, 9, 15))])
    ...     index.search("vigil").total
    1

    A NewsIndex may be shared by threads: searches and writes are serialised by a lock (Whoosh
    readers are not thread-safe). Several processes may open the same index; one writes at a time.
    """

    def __init__(self, ix: Any, *, path: Path | None, meta: Mapping[str, Any]) -> None:
        self._ix = ix
        self._path = path
        self._meta = dict(meta)
        spec = self._meta.get("taxonomy")
        self._taxonomy: Taxonomy | None = Taxonomy.from_mapping(spec, f"{path or 'index'} taxonomy") if spec else None
        self._lock = threading.RLock()
        self._snapshot: _Snapshot | None = None
        self._closed = False
        self._watches: Watches | None = None
        self._issue_model: IssueModel | None = None  # learned in memory (an index on disk reads its file)

    # ----------------------------------------------------------------------- lifecycle

    @classmethod
    def create(
        cls, path: str | os.PathLike[str], *, language: str = "english", overwrite: bool = False, taxonomy: Taxonomy | str | os.PathLike[str] | None = None
    ) -> NewsIndex:
        """Create a new, empty index in directory ``path``.

        Raises IndexExistsError if an index is already there (pass ``overwrite=True`` to replace it).
        ``taxonomy``: the issue taxonomy to extract issues with (a Taxonomy, or a TOML/JSON file;
        None: the shipped one). It is stored in the index, so every later ``add`` uses it.
        """
        spec = _taxonomy_spec(taxonomy)
        directory = Path(path)
        if directory.exists() and any(directory.iterdir()):
            if not overwrite:
                raise IndexExistsError(
                    f"{directory} already exists and is not empty; open it with NewsIndex.open(), "
                    "or pass overwrite=True (--overwrite) to replace it"
                )
            if not (directory / STAMP_FILE).exists() and not windex.exists_in(str(directory), indexname=_INDEX_NAME):
                raise IndexExistsError(f"{directory} holds other files, not an index: refusing to overwrite it")
            shutil.rmtree(directory)
        directory.mkdir(parents=True, exist_ok=True)
        schema = build_schema(language)
        ix = FileStorage(str(directory)).create_index(schema, indexname=_INDEX_NAME)
        meta: dict[str, Any] = {"format": "newsindex", "schema_version": SCHEMA_VERSION, "library_version": __version__, "language": language}
        if spec is not None:
            meta["taxonomy"] = spec
        tmp = directory / (STAMP_FILE + ".tmp")
        tmp.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, directory / STAMP_FILE)
        log.info("created index %s (language %s)", directory, language)
        return cls(ix, path=directory, meta=meta)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> NewsIndex:
        """Open an existing index; IndexNotFoundError / IndexVersionError say what to do if not."""
        directory = Path(path)
        stamp = directory / STAMP_FILE
        if not directory.is_dir() or not (stamp.exists() or windex.exists_in(str(directory), indexname=_INDEX_NAME)):
            raise IndexNotFoundError(f"no index at {directory}; create one with `newsindex index {directory} FILE...`")
        rebuild = f"rebuild it: `newsindex index {directory} SOURCE... --overwrite` (or NewsIndex.create(..., overwrite=True))"
        try:
            meta = json.loads(stamp.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IndexVersionError(f"{directory} is a Whoosh index without a newsindex version stamp; {rebuild}") from None
        except (OSError, ValueError) as exc:
            raise IndexVersionError(f"{stamp} is unreadable ({exc}); {rebuild}") from exc
        if meta.get("format") != "newsindex" or meta.get("schema_version") != SCHEMA_VERSION:
            raise IndexVersionError(
                f"{directory} was built with schema version {meta.get('schema_version')!r} "
                f"(newsindex {meta.get('library_version', '?')}); this newsindex {__version__} reads version "
                f"{SCHEMA_VERSION}: {rebuild}"
            )
        try:
            ix = FileStorage(str(directory)).open_index(indexname=_INDEX_NAME)
        except windex.EmptyIndexError as exc:
            raise IndexNotFoundError(f"{directory} has a version stamp but no index segments; {rebuild}") from exc
        except Exception as exc:  # unpickling the schema, a truncated TOC, ...
            # Whoosh leaves the TOC file it failed to read open (its traceback holds it): close
            # it rather than let a ResourceWarning surface later in the caller's code.
            _close_leaked_files(directory)
            raise IndexVersionError(f"cannot read the index at {directory} ({type(exc).__name__}: {exc}); {rebuild}") from exc
        return cls(ix, path=directory, meta=meta)

    @classmethod
    def in_memory(cls, *, language: str = "english", taxonomy: Taxonomy | str | os.PathLike[str] | None = None) -> NewsIndex:
        """An index that lives in memory only: for tests, demos and throwaway analysis."""
        spec = _taxonomy_spec(taxonomy)
        ix = RamStorage().create_index(build_schema(language), indexname=_INDEX_NAME)
        meta: dict[str, Any] = {"format": "newsindex", "schema_version": SCHEMA_VERSION, "library_version": __version__, "language": language}
        if spec is not None:
            meta["taxonomy"] = spec
        return cls(ix, path=None, meta=meta)

    @property
    def taxonomy(self) -> Taxonomy:
        """The issue taxonomy this index extracts issues with."""
        return self._taxonomy or default_taxonomy()

    def close(self) -> None:
        """Release the searcher and files. Safe to call twice."""
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None
            if not self._closed:
                self._ix.close()
                self._closed = True

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"NewsIndex({str(self._path) if self._path else 'in memory'!r})"

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def language(self) -> str:
        return str(self._meta.get("language", "english"))

    # ----------------------------------------------------------------------- snapshot

    def _current(self) -> _Snapshot:
        """The snapshot of the last commit, refreshed when the index changed since."""
        if self._closed:
            raise ValueError("this NewsIndex is closed")
        snap = self._snapshot
        if snap is not None and snap.searcher.up_to_date():
            return snap
        # A fresh searcher, not searcher.refresh(): refresh() shares segment readers with the old
        # searcher, and closing the old one would close files the new one still reads.
        if snap is not None:
            snap.close()
            self._snapshot = None
        self._snapshot = _Snapshot(self._ix.searcher(weighting=scorer()))
        return self._snapshot

    def _invalidate(self) -> None:
        if self._snapshot is not None:
            self._snapshot.close()
            self._snapshot = None

    # ----------------------------------------------------------------------- reading

    def __len__(self) -> int:
        with self._lock:
            return len(self._current().live)

    def __contains__(self, release_id: object) -> bool:
        with self._lock:
            return release_id in self._current().docnum_by_id

    def get(self, release_id: str) -> Release | None:
        """The stored release with this id, or None."""
        with self._lock:
            snap = self._current()
            docnum = snap.docnum_by_id.get(release_id)
            if docnum is None:
                return None
            return from_stored(snap.searcher.stored_fields(docnum))[0]

    def get_facets(self, release_id: str) -> Facets | None:
        """The given and extracted facet values of one release, or None if it isn't indexed."""
        with self._lock:
            snap = self._current()
            docnum = snap.docnum_by_id.get(release_id)
            if docnum is None:
                return None
            return from_stored(snap.searcher.stored_fields(docnum))[1]

    def releases(self) -> Iterator[Release]:
        """Every stored release, oldest first (undated first), then by id."""
        with self._lock:
            snap = self._current()
            order = sorted(snap.live, key=lambda n: (snap.dates[n], snap.ids[n]))
            stored = [snap.searcher.stored_fields(n) for n in order]
        for fields_ in stored:
            yield from_stored(fields_)[0]

    def stats(self) -> IndexStats:
        with self._lock:
            snap = self._current()
            dated = snap.by_date
            size = sum(f.stat().st_size for f in self._path.iterdir() if f.is_file()) if self._path else 0
            live = set(snap.live)
            return IndexStats(
                path=str(self._path) if self._path else None,
                releases=len(snap.live),
                first_date=_dt.date.fromisoformat(dated[0][0]) if dated else None,
                last_date=_dt.date.fromisoformat(dated[-1][0]) if dated else None,
                undated=len(snap.live) - len(dated),
                size_bytes=size,
                language=self.language,
                schema_version=int(self._meta.get("schema_version", SCHEMA_VERSION)),
                library_version=str(self._meta.get("library_version", __version__)),
                facet_values=MappingProxyType(
                    {name: sum(1 for docs in snap.docs_by_value[name].values() if docs & live) for name in FACET_FIELDS}
                ),
                segments=len(self._ix._segments()),
            )

    # ----------------------------------------------------------------------- writing

    def _writer(self, timeout: float) -> Any:
        try:
            return segment_writer(self._ix, timeout=timeout, limitmb=_WRITER_LIMIT_MB)
        except windex.LockError as exc:
            where = self._path / f"{_INDEX_NAME}_WRITELOCK" if self._path else "the in-memory index"
            raise IndexLockedError(
                f"another writer is updating {self._path or 'the index'} (lock: {where}); wait for it to finish"
                + (f" (waited {timeout:g}s)" if timeout else ", or pass a timeout")
            ) from exc

    def add(
        self,
        releases: Iterable[Release],
        *,
        strict: bool = True,
        batch_size: int = DEFAULT_BATCH_SIZE,
        timeout: float = 0.0,
        progress: Callable[[int], None] | None = None,
        workers: int | None = None,
    ) -> AddReport:
        """Insert new releases and update those whose id is already indexed.

        ``strict=True``: all or nothing — a release without a title, an id seen twice, or a
        SourceError raised by the iterable cancels the whole call and re-raises; the index keeps
        its last commit. ``strict=False``: commits every ``batch_size`` releases, or up to a quarter
        more when that reaches the end of the input (read ahead to know); releases that
        can't be indexed are listed in ``AddReport.rejected``; for an id seen twice the last one
        is kept (and listed in ``duplicates``). ``timeout``: seconds to wait for another writer's
        lock before IndexLockedError. ``progress`` is called with the count of releases read.
        ``workers``: processes that extract countries, issues and speakers while this one
        writes (None: one when the input has over 1,000 releases and a second core is free;
        0: never). See pipeline.py.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        with self._lock:
            snap = self._current()
            existing = snap.docnum_by_id
            sub: SubWriter | None = None
            model = index_model(self._path) if self._path is not None else self._issue_model  # issues learned here
            items = Lookahead(releases)
            if self._path is not None and workers != 0:
                # A large input on disk: a second process extracts and writes part of it.
                items.ends_within(PARALLEL_ABOVE)
                if items.buffered > PARALLEL_ABOVE and (workers if workers is not None else default_workers()) > 0:
                    sub = SubWriter(self._path, self._taxonomy, indexname=_INDEX_NAME, limitmb=_WRITER_LIMIT_MB, model=model)
                workers = 0
            writer = self._writer(timeout)
            added = updated = seen = commits = in_batch = 0
            rejected: list[Rejection] = []
            duplicates: list[str] = []
            written: set[str] = set()  # ids written in this call
            pending: set[str] = set()  # ids written since the last commit
            outgoing: list[Release] = []  # for the SubWriter, or for this process if it is busy

            def write_here(release: Release, facets: Facets | None, replace: bool) -> None:
                document = to_document(release, facets or extract_facets(release, self._taxonomy, model))
                if replace:
                    writer.update_document(**document)
                else:
                    writer.add_document(**document)

            def flush() -> None:
                if outgoing and not (sub is not None and sub.take(outgoing)):
                    for release in outgoing:
                        write_here(release, None, False)
                outgoing.clear()

            def commit() -> Any:
                flush()
                _commit(writer, sub)
                return self._writer(timeout)

            try:
                # With a SubWriter, facets are extracted by whichever process writes the release.
                pairs = ((item, None) for item in items) if sub is not None else with_facets(items, workers=workers, taxonomy=self._taxonomy, model=model)
                for release, computed in pairs:
                    seen += 1
                    if progress is not None and seen % 500 == 0:
                        progress(seen)
                    if not isinstance(release, Release):
                        raise TypeError(f"add() takes Release objects, got {type(release).__name__}")
                    if not release.title.strip():
                        reason = f"release {release.id} has no title"
                        if strict:
                            raise SourceError(release.source or "<releases>", None, reason)
                        rejected.append(Rejection(release.source or release.id, reason))
                        continue
                    if release.id in written:
                        if strict:
                            raise SourceError(
                                release.source or "<releases>", None,
                                f"id {release.id} ({release.title[:60]!r}) occurs twice in this batch; "
                                "remove the duplicate or index leniently (strict=False keeps the last one)",
                            )
                        duplicates.append(release.id)
                        if release.id in pending:
                            # Whoosh can't replace a document added in the same uncommitted writer.
                            writer = commit()
                            commits += 1
                            pending.clear()
                            in_batch = 0
                    replace = release.id in existing or release.id in written
                    if sub is None:
                        write_here(release, computed, replace)
                    else:
                        if replace:  # the new version may be written by the other process
                            writer.delete_by_term("id", release.id)
                        outgoing.append(release)
                        if len(outgoing) >= CHUNK:
                            flush()
                    if replace:
                        if release.id not in written:
                            updated += 1
                    else:
                        added += 1
                    written.add(release.id)
                    pending.add(release.id)
                    in_batch += 1
                    # (items.taken - seen: read by with_facets' workers and not yet here)
                    if not strict and in_batch >= batch_size and not items.ends_within(int(batch_size * LAST_BATCH_SLACK) - (items.taken - seen)):
                        writer = commit()
                        commits += 1
                        pending.clear()
                        in_batch = 0
                flush()
            except BaseException:
                if not writer.is_closed:  # a failed commit has cleaned up already
                    writer.cancel()
                if sub is not None:
                    sub.close()
                self._invalidate()
                raise
            try:
                _commit(writer, sub)
            finally:
                if sub is not None:
                    sub.close()
            commits += 1
            self._invalidate()
            if progress is not None:
                progress(seen)
        report = AddReport(added=added, updated=updated, rejected=tuple(rejected), duplicates=tuple(duplicates), commits=commits)
        log.info("add: %s", report.summary())
        return report

    def learn_issues(self, *, min_examples: int = MIN_EXAMPLES, timeout: float = 0.0) -> IssuesLearned:
        """Learn issue facets from the labelled releases held here, and tag the unlabelled ones.

        Fits on the releases whose records carry ``issues`` (tagging/learn.py), stores the model
        in the index (``issues_model.npz``, written atomically) so later ``add()`` calls tag
        with it instead of the taxonomy, and rewrites the unlabelled releases' extracted issues.
        Given issues always win. Needs scikit-learn (``newsindex[learn]``); ModelError when no
        label has ``min_examples`` labelled releases (rarer labels are reported, not learned).
        """
        with self._lock:
            writer = self._writer(timeout)  # first: no other writer changes the releases meanwhile
            try:
                snap = self._current()
                order = sorted(snap.live, key=lambda n: (snap.dates[n], snap.ids[n]))
                stored = [from_stored(snap.searcher.stored_fields(n)) for n in order]
                learned, changed = learn_from_archive(stored, min_examples=min_examples, language=self.language)
                for release, facets in changed:
                    writer.update_document(**to_document(release, facets))
                if self._path is not None:
                    learned.model.save(self._path / MODEL_FILE)
            except BaseException:
                writer.cancel()
                raise
            _commit(writer, None)
            self._issue_model = learned.model
            self._invalidate()
        return learned

    def delete(self, ids: Iterable[str] | str, *, timeout: float = 0.0) -> int:
        """Delete releases by id; returns how many were deleted (unknown ids are ignored)."""
        id_list = [ids] if isinstance(ids, str) else list(ids)
        with self._lock:
            present = [i for i in id_list if i in self._current().docnum_by_id]
            if not present:
                return 0
            writer = self._writer(timeout)
            try:
                for release_id in present:
                    writer.delete_by_term("id", release_id)
            except BaseException:
                writer.cancel()
                raise
            _commit(writer, None)
            self._invalidate()
            return len(present)

    def optimize(self, *, timeout: float = 0.0) -> int:
        """Merge the index's segments into one; returns how many there were.

        An import writes a segment per process and batch (500,000 releases leave about 100),
        each with its own term dictionary, and commits merge only small ones (see
        ``_merge_policy``) so that importing stays fast. One segment is smaller (the 11,000
        Reuters stories: 24.8 → 22.6 MB) and drops deleted and replaced releases for good. It
        costs about as long as the import did and holds the write lock meanwhile; searches go
        on, on the snapshot they have.
        """
        with self._lock:
            segments = self._ix._segments()
            if len(segments) <= 1 and not any(segment.has_deletions() for segment in segments):
                return len(segments)
            writer = self._writer(timeout)
            writer.commit(optimize=True)  # cleans up (lock, scratch files) if it fails
            self._invalidate()
            return len(segments)

    # ----------------------------------------------------------------------- searching

    def search(
        self,
        query: str = "",
        *,
        country: FilterValue = None,
        issue: FilterValue = None,
        type: FilterValue = None,
        source: FilterValue = None,
        speaker: FilterValue = None,
        since: DateLike | None = None,
        until: DateLike | None = None,
        sort: Sort = "relevance",
        page: int = 1,
        limit: int = 10,
        facets: Sequence[str] = (),
        highlight: bool = True,
        match: Match = "all",
        fuzzy: bool = False,
        boost_recent: float | None = None,
    ) -> SearchResults:
        """Search releases. Filters combine as AND across facets and OR within one.

        ``query`` uses the syntax in query.py (bad syntax raises QueryError). An empty query
        with or without filters browses, newest first. ``sort="relevance"`` orders by BM25F
        score, ties broken newest first, then by id; "newest"/"oldest" order by date (undated
        last), then id. ``facets`` names facet fields to count over the whole result set
        (exact for multi-valued fields). ``since``/``until`` are inclusive dates.

        ``speaker`` filters by who is quoted (a name or its slug, "doriane-lau"). ``fuzzy=True``
        also matches words within one or two edits of each query word (spelling.py);
        ``boost_recent=H`` multiplies relevance by a recency factor with a half-life of H days
        (recency.py). When fewer than 3 releases match, ``results.suggestions`` holds corrected
        queries that find more ("Tiananmin" → "Tiananmen").
        """
        if sort not in ("relevance", "newest", "oldest"):
            raise ValueError(f"sort must be 'relevance', 'newest' or 'oldest', not {sort!r}")
        if boost_recent is not None:
            boost_recent = check_half_life(boost_recent)
            if sort != "relevance":
                raise ValueError(f"boost_recent re-ranks by relevance; it does not apply to sort={sort!r}")
        if isinstance(facets, str):
            facets = (facets,)
        unknown = [f for f in facets if f not in FACET_FIELDS]
        if unknown:
            raise ValueError(f"unknown facet {unknown[0]!r}; facets are {', '.join(FACET_FIELDS)}")
        if not isinstance(page, int) or page < 1:
            raise ValueError("page must be an integer >= 1")
        if not isinstance(limit, int) or limit < 0:
            raise ValueError("limit must be an integer >= 0")
        filters = {
            "country": _as_values(country, "country"),
            "issue": _as_values(issue, "issue"),
            "type": _as_values(type, "type"),
            "source": _as_values(source, "source"),
            "speaker": _as_values(speaker, "speaker"),
        }
        date_range = (_as_date(since, "since"), _as_date(until, "until"))
        with self._lock:
            snap = self._current()
            parsed = parse_query(query, snap.searcher.schema, match=match)
            if parsed is not None:
                parsed = expand_fuzzy(fuzzify(parsed) if fuzzy else parsed, snap.searcher.reader())
            allowed = self._allowed(snap, filters, date_range)
            if allowed is not None and not allowed:
                # Nothing passes the filters. (Whoosh would read an empty filter set as "no filter".)
                matched, order, scores = frozenset(), [], {}
            elif parsed is None:
                matched = frozenset(allowed) if allowed is not None else frozenset(snap.live)
                scores: dict[int, float] = {}
                order = self._by_date(snap, matched, newest=(sort != "oldest"))
            else:
                matched = self._matching(snap, parsed, allowed)
                if sort == "relevance" and boost_recent:
                    newest = snap.by_date[-1][0] if snap.by_date else None
                    order, scores = rank_by_recency(_all_scores(snap, parsed, allowed, matched), half_life=boost_recent, ids=snap.ids, dates=snap.dates, newest=newest)
                elif sort == "relevance":
                    order, scores = self._by_score(snap, parsed, allowed, page * limit, matched)
                else:
                    order = self._by_date(snap, matched, newest=(sort == "newest"))
                    scores = {}
            start = (page - 1) * limit
            page_docs = order[start : start + limit]
            if parsed is not None and page_docs and not scores:
                scores = self._scores(snap, parsed, page_docs)
            # Prefix, wildcard and fuzzy words are highlighted as the words they matched.
            marks = expanded_terms(parsed, snap.searcher.reader()) if highlight and parsed is not None and page_docs else None
            hits = tuple(
                self._hit(snap, docnum, rank=start + i + 1, score=scores.get(docnum, 0.0), parsed=marks)
                for i, docnum in enumerate(page_docs)
            )
            counts = {name: self._count(snap, name, matched) for name in facets}
            suggestions: tuple[str, ...] = ()
            if parsed is not None and len(matched) < SUGGEST_BELOW and (allowed is None or allowed):

                def count(text: str) -> int:
                    other = parse_query(text, snap.searcher.schema, match=match)
                    if other is None:
                        return 0
                    return len(self._matching(snap, expand_fuzzy(fuzzify(other) if fuzzy else other, snap.searcher.reader()), allowed))

                suggestions = suggest(query, snap.searcher, count, len(matched))
        return SearchResults(query=query, hits=hits, total=len(matched), page=page, limit=limit, sort=sort, facets=counts, suggestions=suggestions)

    def facets(self, query: str = "", *, fields: Sequence[str] = FACET_FIELDS, **filters: Any) -> Mapping[str, tuple[FacetCount, ...]]:
        """Facet counts only: ``index.facets("torture", fields=("country",), since="2021-01-01")``."""
        return self.search(query, facets=tuple(fields), limit=0, highlight=False, **filters).facets

    def _allowed(self, snap: _Snapshot, filters: Mapping[str, tuple[str, ...]], date_range: tuple[str | None, str | None]) -> set[int] | None:
        """The docnums the filters allow (None: no filter), from the snapshot's cache."""
        sets: list[set[int]] = []
        for name, values in filters.items():
            if values:
                key = (name, values)
                cached = snap.filter_cache.get(key)
                if cached is None:
                    table = snap.docs_by_value[name]
                    cached = set().union(*(table.get(v, frozenset()) for v in values))
                    snap.filter_cache[key] = cached
                sets.append(cached)
        since, until = date_range
        if since or until:
            key = ("date", since, until)
            cached = snap.filter_cache.get(key)
            if cached is None:
                lo = bisect.bisect_left(snap.by_date, (since, -1)) if since else 0
                hi = bisect.bisect_right(snap.by_date, (until, len(snap.ids))) if until else len(snap.by_date)
                cached = {n for _, n in snap.by_date[lo:hi]}
                snap.filter_cache[key] = cached
            sets.append(cached)
        if not sets:
            return None
        sets.sort(key=len)
        result = sets[0]
        for other in sets[1:]:
            result = result & other
        return result

    @staticmethod
    def _matching(snap: _Snapshot, parsed: wq.Query, allowed: set[int] | None) -> frozenset[int]:
        docs = snap.docset(parsed)
        if snap.has_deletions:
            docs = docs & snap.live_set
        return docs & allowed if allowed is not None else docs

    @staticmethod
    def _by_date(snap: _Snapshot, docs: Iterable[int], *, newest: bool) -> list[int]:
        ids, dates = snap.ids, snap.dates
        dated = [n for n in docs if dates[n]]
        undated = sorted((n for n in docs if not dates[n]), key=lambda n: ids[n])
        if newest:
            # newest first, ties by id ascending: sort by id, then stable sort by date descending
            dated.sort(key=lambda n: ids[n])
            dated.sort(key=lambda n: dates[n], reverse=True)
        else:
            dated.sort(key=lambda n: (dates[n], ids[n]))
        return dated + undated

    @staticmethod
    def _by_score(snap: _Snapshot, parsed: wq.Query, allowed: set[int] | None, needed: int, matched: frozenset[int]) -> tuple[list[int], dict[int, float]]:
        """Top ``needed`` docnums by score with ties in the documented order.

        Word queries (words, AND, OR, NOT: ``TermScores.supports``) are scored from the
        snapshot's per-term score tables, every match at dict speed. Other queries (phrases,
        prefixes, fuzzy words): filtered down to a few documents (``matched``, known exactly),
        those are scored directly by Whoosh, skipping to each; otherwise Whoosh's top-k collector, which skips posting
        blocks that can't reach the top (with or without a filter); it breaks score ties by docnum
        (insertion order), so we fetch 16 more hits than needed and, while the first left out
        ties with the last kept, fetch more, so the cut never splits a tie. Either way the order
        is (score desc, date desc, id).
        """
        ids, dates = snap.ids, snap.dates
        if needed == 0:
            return [], {}
        if snap.term_scores.supports(parsed):
            return _top(snap.term_scores.scores(parsed, matched), needed, ids, dates)
        if allowed is not None and len(matched) <= SCORE_DIRECTLY_BELOW:
            return _top(_score_docs(snap.searcher, parsed, matched), needed, ids, dates)
        # Room for a few tied documents past the cut from the start: a retry is a whole search,
        # and exact duplicates (a release republished, a wire story resent) tie exactly.
        fetch = needed + 16
        while True:
            results = snap.searcher.search(parsed, limit=fetch, filter=allowed, scored=True)
            scored = [(hit.score, hit.docnum) for hit in results]
            if len(scored) < fetch or scored[-1][0] < scored[needed - 1][0]:
                break
            fetch *= 2
        return _top({n: s for s, n in scored}, needed, ids, dates)

    @staticmethod
    def _scores(snap: _Snapshot, parsed: wq.Query, docs: Sequence[int]) -> dict[int, float]:
        if snap.term_scores.supports(parsed):
            return snap.term_scores.scores(parsed, docs)
        return _score_docs(snap.searcher, parsed, docs)

    def _count(self, snap: _Snapshot, name: str, docs: frozenset[int]) -> tuple[FacetCount, ...]:
        by_doc = snap.values_by_doc[name]
        counter: Counter[str] = Counter()
        if len(docs) * 4 < len(snap.docs_by_value[name]):
            for n in docs:
                counter.update(by_doc.get(n, ()))
        else:
            for value, value_docs in snap.docs_by_value[name].items():
                count = len(value_docs & docs)
                if count:
                    counter[value] = count
        if name in _TIME_FACETS:
            ordered = sorted(counter.items())
            return fill_gaps(name, [FacetCount(value=v, count=c, label=v) for v, c in ordered])  # type: ignore[arg-type]
        ordered = sorted(counter.items(), key=lambda vc: (-vc[1], vc[0]))
        if name == "speaker":
            return tuple(FacetCount(value=v, count=c, label=_speaker_name(snap, v)) for v, c in ordered)
        return tuple(FacetCount(value=v, count=c, label=facet_label(name, v, self._taxonomy)) for v, c in ordered)

    def _hit(self, snap: _Snapshot, docnum: int, *, rank: int, score: float, parsed: wq.Query | None) -> Hit:
        stored = snap.searcher.stored_fields(docnum)
        release, facets = from_stored(stored)
        snippet, snippet_spans, title_spans = release.summary[:SNIPPET_CHARS], (), ()
        if parsed is not None:
            snippet, snippet_spans, title_spans = _highlight(release, parsed, snap.searcher.schema)  # ix.schema re-reads the TOC file
        return Hit(
            id=release.id,
            score=score,
            rank=rank,
            title=release.title,
            date=release.date,
            type=release.type,
            source=release.source,
            url=release.url,
            credit=release.credit,
            summary=release.summary,
            countries=facets.countries,
            issues=facets.issues,
            countries_extracted=facets.countries_extracted,
            issues_extracted=facets.issues_extracted,
            snippet=snippet,
            snippet_matches=snippet_spans,
            title_matches=title_spans,
            speakers=tuple(s.name for s in facets.speakers),
        )

    # ----------------------------------------------------------------------- beyond keyword search

    def ids(self, query: str = "", *, match: Match = "all", fuzzy: bool = False, **filters: Any) -> list[str]:
        """The ids of every release matching ``query`` and the filters, newest first (undated last).

        Cheaper than ``search`` with a huge limit: no hits are built. Takes the filters of search().
        """
        with self._lock:
            snap = self._current()
            docs = self._select(snap, query, match=match, fuzzy=fuzzy, filters=filters)
            return [snap.ids[n] for n in self._by_date(snap, docs, newest=True)]

    def similar(self, release_id: str, *, limit: int = 10, page: int = 1, **filters: Any) -> SearchResults:
        """Releases on the same subject as release ``release_id`` (never itself), most similar first.

        Shared significant terms make the score, shared countries and issues add to it (see
        similar.py); ``filters`` are those of search() (``since=``, ``country=``, …). Snippets mark
        the shared key terms. ValueError if the id is not in the index.

        >>> [hit.title for hit in index.similar(index.search("vigil")[0].id, limit=2)]  # doctest: +SKIP
        """
        if not isinstance(limit, int) or limit < 0 or not isinstance(page, int) or page < 1:
            raise ValueError("limit must be an integer >= 0 and page an integer >= 1")
        with self._lock:
            snap = self._current()
            docnum = snap.docnum_by_id.get(release_id)
            if docnum is None:
                raise ValueError(f"no release with id {release_id!r} in this index (see `newsindex search` for ids)")
            active = {name: value for name, value in filters.items() if value}
            allowed = self._select(snap, "", match="all", fuzzy=False, filters=active) if active else None
            related = key_terms_query(key_terms(snap.searcher, docnum))
            ranked: list[tuple[int, float]] = []
            if related is not None and (allowed is None or allowed):
                allowed_set = set(allowed) if allowed is not None else None
                scores = _all_scores(snap, related, allowed_set, self._matching(snap, related, allowed_set))
                ranked = rank_similar(scores, docnum, facet_values=snap.values_by_doc, ids=snap.ids, dates=snap.dates)
            start = (page - 1) * limit
            hits = tuple(
                self._hit(snap, n, rank=start + i + 1, score=score, parsed=related)
                for i, (n, score) in enumerate(ranked[start : start + limit])
            )
        return SearchResults(query=f"similar:{release_id}", hits=hits, total=len(ranked), page=page, limit=limit, sort="similarity")

    def timeline(self, query: str = "", *, by: str = "month", **filters: Any) -> tuple[FacetCount, ...]:
        """Releases per ``by`` bucket ("year", "month", "week") for a query and filters, in time order.

        Empty buckets are filled from the first to the last release found, widened to
        ``since``/``until`` when given. ``index.timeline("hong kong", by="year", country="HK")``.
        """
        if by not in TIME_FACETS:
            raise ValueError(f"by must be one of {', '.join(TIME_FACETS)}, not {by!r}")
        counts = self.search(query, facets=(by,), limit=0, highlight=False, **filters).facets[by]
        since, until = (_as_date(filters.get(k), k) for k in ("since", "until"))
        return fill_gaps(
            by,  # type: ignore[arg-type]
            counts,
            start=_dt.date.fromisoformat(since) if since else None,
            end=_dt.date.fromisoformat(until) if until else None,
        )

    @property
    def watches(self) -> Watches:
        """The saved searches of this index: ``index.watches.add("hk", "hong kong", country="HK")``, ``.run("hk")``."""
        if self._watches is None:
            self._watches = Watches(self, self._path / WATCH_FILE if self._path else None)
        return self._watches

    def _select(self, snap: _Snapshot, query: str, *, match: Match, fuzzy: bool, filters: Mapping[str, Any]) -> frozenset[int]:
        """The docnums matching ``query`` and search()-style ``filters`` (no ranking)."""
        unknown = set(filters) - {"country", "issue", "type", "source", "speaker", "since", "until"}
        if unknown:
            raise TypeError(f"unknown filter {sorted(unknown)[0]!r}; filters are country, issue, type, source, speaker, since, until")
        values = {name: _as_values(filters.get(name), name) for name in ("country", "issue", "type", "source", "speaker")}
        allowed = self._allowed(snap, values, (_as_date(filters.get("since"), "since"), _as_date(filters.get("until"), "until")))
        if allowed is not None and not allowed:
            return frozenset()
        parsed = parse_query(query, snap.searcher.schema, match=match)
        if parsed is None:
            return frozenset(allowed) if allowed is not None else frozenset(snap.live)
        return self._matching(snap, expand_fuzzy(fuzzify(parsed) if fuzzy else parsed, snap.searcher.reader()), allowed)


def _speaker_name(snap: _Snapshot, slug: str) -> str:
    """The name as written ("Agnès Callamard") for a speaker slug, from one release that quotes them."""
    name = snap.speaker_names.get(slug)
    if name is None:
        name = slug.replace("-", " ").title()
        for docnum in sorted(snap.docs_by_value["speaker"].get(slug, ()))[:1]:
            for details in snap.searcher.stored_fields(docnum).get("speakers", ()):
                if speaker_slug(details.get("name", "")) == slug:
                    name = details["name"]
                    break
        snap.speaker_names[slug] = name
    return name


def facet_label(name: str, value: str, taxonomy: Taxonomy | None = None) -> str:
    """The display name of a facet value ("HK" → "Hong Kong", "death-penalty" → "Death penalty")."""
    if name == "country":
        from .tagging import country_name

        return country_name(value)
    if name == "issue":
        from .tagging import issue_label

        return issue_label(value, taxonomy)
    if name in ("type", "source"):
        return value.replace("-", " ").capitalize()
    return value


def _matched_spans(text: str, terms: frozenset[str], analyzer: Any, *, removestops: bool = True) -> list[tuple[int, int]]:
    spans = [(t.startchar, t.endchar) for t in analyzer(text, chars=True, mode="index", removestops=removestops) if t.text in terms]
    return list(dict.fromkeys(spans))  # "#MeToo" is indexed twice at one place: mark it once


#: Context kept before the first word of a snippet.
SNIPPET_LEAD = 60
#: Snippets are looked for in the first this many characters of a text (a 5 MB body would
#: otherwise be analysed on every search that shows it).
SNIPPET_SCAN_CHARS = 50_000


def _matched_tokens(text: str, terms: frozenset[str], analyzer: Any) -> list[tuple[int, int, str]]:
    """(start, end, term) of the words of ``text`` that match ``terms``, in order.

    Stops reading as soon as one snippet-sized stretch holds every query term: no later window
    can beat it (ties go to the earliest), and most hits show their best passage early.
    """
    found: list[tuple[int, int, str]] = []
    reach = SNIPPET_CHARS - SNIPPET_LEAD
    stop_at: int | None = None
    for token in analyzer(text[:SNIPPET_SCAN_CHARS], chars=True, mode="index", removestops=False):
        if stop_at is not None and token.startchar >= stop_at:
            break
        if token.text not in terms:
            continue
        span = (token.startchar, token.endchar, token.text)
        if found and found[-1][:2] == span[:2]:
            continue  # "#MeToo" is indexed twice at one place: mark it once
        found.append(span)
        if stop_at is None and len(found) >= len(terms):
            recent = [(a, t) for a, _, t in found if a >= span[0] - reach]
            if len({t for _, t in recent}) == len(terms):
                # every term within one window: read on only to the end of that window
                stop_at = max(0, recent[0][0] - SNIPPET_LEAD) + SNIPPET_CHARS
    return found


def _best_window(spans: list[tuple[int, int, str]]) -> tuple[int, int, list[tuple[int, int]]] | None:
    """The SNIPPET_CHARS window with the most distinct matched terms (then the most matches,
    then the earliest), as (start, end, spans inside it); ``end`` may pass the text's end.

    One pass with two pointers. Whoosh's ContextFragmenter did the same job by copying every
    token of the text and cost ~5 ms per hit on a 2 kB story.
    """
    if not spans:
        return None
    best_key: tuple[int, int, int] | None = None
    best = (0, 0, 0, 0)
    j = 0
    for i, (first, _, _) in enumerate(spans):
        start = max(0, first - SNIPPET_LEAD)
        end = start + SNIPPET_CHARS
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] <= end:
            j += 1
        inside = spans[i : j + 1]
        key = (-len({t for _, _, t in inside}), -len(inside), start)
        if best_key is None or key < best_key:
            best_key, best = key, (start, end, i, j)
    start, end, i, j = best
    return start, end, [(a, b) for a, b, _ in spans[i : j + 1]]


def _highlight(release: Release, parsed: wq.Query, schema: Any) -> tuple[str, tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """Best passage of summary/body around the query's words, and the match spans.

    Uses Whoosh's fragmenter and scorer on our analyzer's tokens, so highlighting agrees with
    matching (a search for "executions" marks "executed").
    """
    analyzer = schema["body"].analyzer
    terms = frozenset(
        text.decode("utf-8") if isinstance(text, bytes) else str(text)
        for fieldname, text in parsed.iter_all_terms()
        if fieldname in TEXT_FIELDS
    )
    title_spans = tuple(_matched_spans(release.title, terms, analyzer)) if terms else ()
    for text in (release.summary, release.body):
        if not text or not terms:
            continue
        window = _best_window(_matched_tokens(text, terms, analyzer))
        if window is not None:
            start, end, matched = window
            end = min(end, len(text))
            # widen to word boundaries so the snippet doesn't start or end mid-word
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            while end < len(text) and not text[end].isspace():
                end += 1
            snippet = text[start:end].strip()
            offset = start + (len(text[start:end]) - len(text[start:end].lstrip()))
            spans = tuple((a - offset, b - offset) for a, b in matched if 0 <= a - offset and b - offset <= len(snippet))
            prefix = "…" if start > 0 else ""
            suffix = "…" if end < len(text) and not snippet.endswith("…") else ""
            shift = len(prefix)
            return prefix + snippet + suffix, tuple((a + shift, b + shift) for a, b in spans), title_spans
    fallback = release.summary or release.body
    snippet = fallback[:SNIPPET_CHARS]
    if len(fallback) > SNIPPET_CHARS:
        snippet = snippet.rsplit(" ", 1)[0] + "…"
    return snippet, (), title_spans
