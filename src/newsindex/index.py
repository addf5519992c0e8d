"""NewsIndex: the one public facade of an index, and the owner of its lifecycle, writes and Whoosh lifetimes.

Lifecycle: ``create``/``open``/``in_memory`` make or check the version stamp (``newsindex.json``)
and hand out one Whoosh index; ``close`` releases it. Reading: every read takes the current
*snapshot* (snapshot.py: one searcher plus tables derived from it once) under the lock, and
search.py executes the query on it; the snapshot is replaced when the index changes (our own
commits, or another process's, seen by ``searcher.up_to_date()``).

Writing: ``add`` inserts or updates by stable id. ``strict=True`` (the library default) makes
the whole call one transaction — any bad record or error cancels it and the index is
untouched. ``strict=False`` commits every ``batch_size`` releases (the last batch takes up to a
quarter more, so an import does not end in a tiny commit), so a crash loses at most one
batch, and bad records are reported in the AddReport instead of stopping the run. A large
input on disk is written by two processes (pipeline.SubWriter), each into its own segment,
committed together in one table of contents (``_commit``); ``_merge_policy`` decides which
segments a commit merges.

This module knows nothing of saved searches: watch.py uses the index (``index.watches`` is
wired in the package's ``__init__``).

Longer than our ~500-line mark on purpose: NewsIndex is the one public facade, so every public
method's signature and docstring is here (each read is a few lines that hand a snapshot to
search.py); the rest is the lifecycle and ``add``, one transaction that reads best whole. The
merge policy and commit stay beside ``add`` because they are its commit steps.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage, RamStorage

from ._log import get_logger
from . import search as _search
from ._version import __version__
from .errors import IndexExistsError, IndexLockedError, IndexNotFoundError, IndexVersionError, SourceError
from .facets import facet_label  # noqa: F401  (was defined here)
from .highlight import SNIPPET_CHARS  # noqa: F401  (was defined here)
from .query import Match
from .ranking import scorer
from .records import Release
from .results import AddReport, FacetCount, Rejection, SearchResults
from .schema import FACET_FIELDS, SCHEMA_VERSION, TIME_FACETS, Facets, build_schema, from_stored, to_document
from .search import SCORE_DIRECTLY_BELOW, DateLike, FilterValue, Sort  # noqa: F401
from .search import all_scores as _all_scores  # noqa: F401  (was defined here; tests import it)
from .snapshot import Snapshot
from .timeline import fill_gaps

if TYPE_CHECKING:  # the writing side (pipeline, taggers, the learner) is imported by add(): a search never needs it
    from .pipeline import SubWriter
    from .tagging.issues import Taxonomy
    from .tagging.learn import IssueModel
    from .tagging.learned import IssuesLearned

#: The fewest labelled releases a learned issue needs (tagging.learn.MIN_EXAMPLES, checked
#: equal by the tests; a copy so that opening an index doesn't import the learner).
MIN_EXAMPLES = 5

__all__ = ["NewsIndex", "IndexStats", "Sort"]

log = get_logger(__name__)

_Snapshot = Snapshot  # the name it had here

STAMP_FILE = "newsindex.json"
_INDEX_NAME = "MAIN"
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
    from .tagging.issues import Taxonomy, load_taxonomy

    if not isinstance(taxonomy, Taxonomy):
        taxonomy = load_taxonomy(taxonomy)
    return taxonomy.to_mapping()


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
    finally:
        if getattr(writer, "_toc_written", False):
            sub.committed()  # else sub.close() deletes the segment no TOC lists
    writer._finish()


class _Integrity:
    """integrity.py, imported on first use: opening an index to search never needs it (its
    checksums, sweeps and error translation serve writing and damage), ~4 ms of each CLI start."""

    def __getattr__(self, name: str) -> Any:
        from . import integrity as module

        return getattr(module, name)


integrity = _Integrity()


def _close_leaked_files(path: Path) -> None:  # the name it had here
    integrity.close_leaked_files(path)


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Damaged segments (EOFError, struct.error, a file gone...) become IndexDamagedError, a
    read-only file system or a refused permission IndexReadOnlyError: one line a person can
    act on (integrity.translate), the original chained as the cause."""

    @functools.wraps(method)
    def guarded(self: NewsIndex, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            error = integrity.translate(exc, self._path, writing=False, storage=self._ix.storage if self._path else None, indexname=_INDEX_NAME)
            if error is None:
                raise
            raise error from exc

    return guarded


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
        if spec:
            from .tagging.issues import Taxonomy
        self._taxonomy: Taxonomy | None = Taxonomy.from_mapping(spec, f"{path or 'index'} taxonomy") if spec else None
        self._lock = threading.RLock()
        self._snapshot: Snapshot | None = None
        self._closed = False
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
        try:
            return cls._create(directory, language, overwrite, spec)
        except OSError as exc:  # a read-only file system, no permission, a full disk
            error = integrity.translate(exc, directory, writing=True)
            if error is None:
                raise
            raise error from exc

    @classmethod
    def _create(cls, directory: Path, language: str, overwrite: bool, spec: dict[str, Any] | None) -> NewsIndex:
        import shutil  # (creating only: opening an index to search never needs it)

        if directory.exists() and any(directory.iterdir()):
            if not overwrite:
                raise IndexExistsError(
                    f"{directory} already exists and is not empty; open it with NewsIndex.open(), "
                    "or pass overwrite=True (--overwrite) to replace it"
                )
            if not (directory / STAMP_FILE).exists() and not windex.exists_in(str(directory), indexname=_INDEX_NAME):
                raise IndexExistsError(f"{directory} holds other files, not an index: refusing to overwrite it")
            shutil.rmtree(directory)
        meta: dict[str, Any] = {"format": "newsindex", "schema_version": SCHEMA_VERSION, "library_version": __version__, "language": language}
        if spec is not None:
            meta["taxonomy"] = spec
        # Made beside it and renamed into place: a process killed while creating left a
        # directory with a table of contents and no stamp (or the reverse), which no later
        # run could open or overwrite. A directory that can't be renamed onto (a mount point)
        # is filled in place, as before.
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = directory.with_name(f".{directory.name}.creating-{os.getpid()}")
        for left in directory.parent.glob(f".{directory.name}.creating-*"):  # by a killed creator
            pid = left.name.rsplit("-", 1)[1]
            if pid.isdigit() and (int(pid) == os.getpid() or not integrity.pid_alive(int(pid))):
                shutil.rmtree(left, ignore_errors=True)
        cls._fill(staging, language, meta, staging=True)
        try:
            os.replace(staging, directory)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            cls._fill(directory, language, meta)
        if integrity.FSYNC:
            integrity.fsync_directory(directory.parent)
        ix = FileStorage(str(directory)).open_index(indexname=_INDEX_NAME)
        log.info("created index %s (language %s)", directory, language)
        return cls(ix, path=directory, meta=meta)

    @staticmethod
    def _fill(directory: Path, language: str, meta: Mapping[str, Any], *, staging: bool = False) -> None:
        """An empty index and its stamp in ``directory``."""
        import shutil

        directory.mkdir(exist_ok=True)
        try:
            FileStorage(str(directory)).create_index(build_schema(language), indexname=_INDEX_NAME).close()
            tmp = directory / (STAMP_FILE + ".tmp")
            tmp.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
            os.replace(tmp, directory / STAMP_FILE)
        except BaseException:
            if staging:  # the staging directory: leave nothing behind
                shutil.rmtree(directory, ignore_errors=True)
            raise

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
        from .tagging.issues import default_taxonomy

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

    def _current(self) -> Snapshot:
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
        try:
            self._snapshot = Snapshot(self._open_searcher())
        except Exception as exc:  # a segment truncated, deleted, its bytes changed
            error = integrity.translate(exc, self._path, writing=False, storage=self._ix.storage if self._path else None, indexname=_INDEX_NAME)
            if error is None:
                raise
            raise error from exc
        return self._snapshot

    def _open_searcher(self) -> Any:
        """``ix.searcher()``, retrying only when a file vanished (a commit elsewhere removed the
        segments of the TOC just read), and closing what a failed attempt left open: Whoosh's
        own retry loop leaked the damaged segment's file on each of its ten attempts."""
        from whoosh.searching import Searcher

        ix = self._ix
        if self._path is None:
            return ix.searcher(weighting=scorer())
        for attempt in range(10):
            try:
                info = ix._read_toc()
                return Searcher(ix._reader(ix.storage, info.schema, info.segments, info.generation), fromindex=ix, weighting=scorer())
            except FileNotFoundError:
                integrity.close_leaked_files(self._path)
                if attempt == 9:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def _invalidate(self) -> None:
        if self._snapshot is not None:
            self._snapshot.close()
            self._snapshot = None

    # ----------------------------------------------------------------------- reading

    @_guarded
    def __len__(self) -> int:
        with self._lock:
            return len(self._current().live)

    @_guarded
    def __contains__(self, release_id: object) -> bool:
        with self._lock:
            return release_id in self._current().docnum_by_id

    @_guarded
    def get(self, release_id: str) -> Release | None:
        """The stored release with this id, or None."""
        with self._lock:
            snap = self._current()
            docnum = snap.docnum_by_id.get(release_id)
            if docnum is None:
                return None
            return from_stored(snap.searcher.stored_fields(docnum))[0]

    @_guarded
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
        for fields_ in self._stored_in_order():
            yield from_stored(fields_)[0]

    @_guarded
    def _stored_in_order(self) -> list[Any]:
        with self._lock:
            snap = self._current()
            order = sorted(snap.live, key=lambda n: (snap.dates[n], snap.ids[n]))
            return [snap.searcher.stored_fields(n) for n in order]

    @_guarded
    def stats(self) -> IndexStats:
        with self._lock:
            snap = self._current()
            dated = snap.by_date
            size = integrity.live_size(self._path, _INDEX_NAME, self._ix._segments(), self._ix.latest_generation()) if self._path else 0
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

    def _writer(self, timeout: float, *, sweep: bool = False) -> Any:
        """A writer holding the lock; ``sweep``: first remove what interrupted writes left
        (integrity.sweep: only safe before this call's second writing process starts)."""
        from whoosh.util.filelock import try_for

        from .writing import segment_writer

        try:
            # The lock first, then the sweep, then the writer (which makes its scratch folder).
            lock = self._ix.lock("WRITELOCK")
            if not try_for(lock.acquire, timeout=timeout, delay=0.1):
                raise windex.LockError
        except windex.LockError as exc:
            where = self._path / f"{_INDEX_NAME}_WRITELOCK" if self._path else "the in-memory index"
            raise IndexLockedError(
                f"another writer is updating {self._path or 'the index'} (lock: {where}); wait for it to finish"
                + (f" (waited {timeout:g}s)" if timeout else ", or pass a timeout")
            ) from exc
        except OSError as exc:  # the lock file can't be created: read-only, no permission
            error = integrity.translate(exc, self._path, writing=True)
            if error is None:
                raise
            raise error from exc
        try:
            if sweep and self._path is not None:
                freed = integrity.sweep(self._ix.storage, _INDEX_NAME)
                if freed:
                    log.info("removed %.1f MB left by an interrupted write in %s", freed / 1e6, self._path)
            writer = segment_writer(self._ix, _lk=False, limitmb=_WRITER_LIMIT_MB)
        except BaseException as exc:
            lock.release()
            if isinstance(exc, OSError):
                error = integrity.translate(exc, self._path, writing=True)
                if error is not None:
                    raise error from exc
            raise
        writer.writelock = lock  # released when the writer finishes or is cancelled
        return writer

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
        from .pipeline import CHUNK, PARALLEL_ABOVE, Lookahead, SubWriter, default_workers, extract_facets, with_facets

        with self._lock:
            snap = self._current()
            existing = snap.docnum_by_id
            sub: SubWriter | None = None
            pairs: Any = None
            from .tagging.learned import index_model

            model = index_model(self._path) if self._path is not None else self._issue_model  # issues learned here
            items = Lookahead(releases)
            use_sub = False
            if self._path is not None and workers != 0:
                # A large input on disk: a second process extracts and writes part of it.
                items.ends_within(PARALLEL_ABOVE)
                use_sub = items.buffered > PARALLEL_ABOVE and (workers if workers is not None else default_workers()) > 0
                workers = 0
            # The lock first, then the second process: a refused add starts nothing.
            writer = self._writer(timeout, sweep=True)
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
                if use_sub:
                    sub = SubWriter(self._path, self._taxonomy, indexname=_INDEX_NAME, limitmb=_WRITER_LIMIT_MB, model=model)  # type: ignore[arg-type]
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
            except BaseException as exc:
                # Close what this call opened, whatever failed: the facet workers' pipeline
                # (left to the garbage collector, its threads froze the interpreter's exit),
                # the writer (and its uncommitted files), the second process.
                needed = getattr(writer, "refused_bytes", 0) or (writer.uncommitted_bytes() if not writer.is_closed else 0)
                if pairs is not None:
                    pairs.close()
                if not writer.is_closed:  # a failed commit has cleaned up already
                    writer.cancel()
                if sub is not None:
                    sub.close()
                self._invalidate()
                self._raise_write_error(exc, needed)
                raise
            try:
                _commit(writer, sub)
            except Exception as exc:
                self._raise_write_error(exc, getattr(writer, "refused_bytes", 0))
                raise
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

    def _raise_write_error(self, exc: BaseException, needed: int) -> None:
        """Raise the NewsIndexError a failed write means (a full disk...), if there is one."""
        if isinstance(exc, Exception):
            error = integrity.translate(exc, self._path, writing=True, needed=needed, storage=self._ix.storage if self._path else None, indexname=_INDEX_NAME)
            if error is not None:
                raise error from exc

    def learn_issues(self, *, min_examples: int = MIN_EXAMPLES, timeout: float = 0.0) -> IssuesLearned:
        """Learn issue facets from the labelled releases held here, and tag the unlabelled ones.

        Fits on the releases whose records carry ``issues`` (tagging/learn.py), stores the model
        in the index (``issues_model.npz``, written atomically) so later ``add()`` calls tag
        with it instead of the taxonomy, and rewrites the unlabelled releases' extracted issues.
        Given issues always win. Needs scikit-learn (``newsindex[learn]``); ModelError when no
        label has ``min_examples`` labelled releases (rarer labels are reported, not learned).
        """
        from .tagging.learned import MODEL_FILE, learn_from_archive

        with self._lock:
            writer = self._writer(timeout)  # first: no other writer changes the releases meanwhile
            try:
                snap = self._current()
                order = sorted(snap.live, key=lambda n: (snap.dates[n], snap.ids[n]))
                stored = [from_stored(snap.searcher.stored_fields(n)) for n in order]
                learned, changed = learn_from_archive(stored, min_examples=min_examples, language=self.language, taxonomy=self._taxonomy)
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
            writer = self._writer(timeout, sweep=True)
            try:
                for release_id in present:
                    writer.delete_by_term("id", release_id)
            except BaseException:
                writer.cancel()
                raise
            try:
                _commit(writer, None)
            except Exception as exc:
                self._raise_write_error(exc, getattr(writer, "refused_bytes", 0))
                raise
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
            writer = self._writer(timeout, sweep=True)  # also removes what interrupted writes left
            segments = self._ix._segments()
            if len(segments) <= 1 and not any(segment.has_deletions() for segment in segments):
                writer.cancel()
                return len(segments)
            try:
                writer.commit(optimize=True)  # cleans up (lock, scratch files) if it fails
            except Exception as exc:
                self._raise_write_error(exc, getattr(writer, "refused_bytes", 0))
                raise
            self._invalidate()
            return len(segments)

    # ----------------------------------------------------------------------- searching

    # ----------------------------------------------------------------------- searching (search.py)

    @_guarded
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
        feedback: bool = False,
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
        queries that find more ("Tiananmin" → "Tiananmen"). ``feedback=True`` re-ranks the
        matches by pseudo-relevance feedback (RM3: the words of the first few hits join the
        query's; feedback.py): for long questions over abstracts, it adds no releases and is
        off by default because it hurts short texts and news. Executed by search.execute.
        """
        request = _search.SearchRequest.build(
            query,
            filters={"country": country, "issue": issue, "type": type, "source": source, "speaker": speaker},
            since=since,
            until=until,
            sort=sort,
            page=page,
            limit=limit,
            facets=facets,
            highlight=highlight,
            match=match,
            fuzzy=fuzzy,
            boost_recent=boost_recent,
            feedback=feedback,
        )
        with self._lock:
            return _search.execute(self._current(), request, self._taxonomy)

    def facets(self, query: str = "", *, fields: Sequence[str] = FACET_FIELDS, **filters: Any) -> Mapping[str, tuple[FacetCount, ...]]:
        """Facet counts only: ``index.facets("torture", fields=("country",), since="2021-01-01")``."""
        return self.search(query, facets=tuple(fields), limit=0, highlight=False, **filters).facets

    @_guarded
    def ids(self, query: str = "", *, match: Match = "all", fuzzy: bool = False, **filters: Any) -> list[str]:
        """The ids of every release matching ``query`` and the filters, newest first (undated last).

        Cheaper than ``search`` with a huge limit: no hits are built. Takes the filters of search().
        """
        with self._lock:
            snap = self._current()
            docs = _search.select(snap, query, match=match, fuzzy=fuzzy, filters=filters, taxonomy=self._taxonomy)
            return [snap.ids[n] for n in _search.by_date(snap, docs, newest=True)]

    @_guarded
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
            return _search.similar(self._current(), release_id, limit=limit, page=page, filters=filters, taxonomy=self._taxonomy)

    @_guarded
    def timeline(self, query: str = "", *, by: str = "month", **filters: Any) -> tuple[FacetCount, ...]:
        """Releases per ``by`` bucket ("year", "month", "week") for a query and filters, in time order.

        Empty buckets are filled from the first to the last release found, widened to
        ``since``/``until`` when given. ``index.timeline("hong kong", by="year", country="HK")``.
        """
        if by not in TIME_FACETS:
            raise ValueError(f"by must be one of {', '.join(TIME_FACETS)}, not {by!r}")
        counts = self.search(query, facets=(by,), limit=0, highlight=False, **filters).facets[by]
        since, until = (_search.as_date(filters.get(k), k) for k in ("since", "until"))
        return fill_gaps(
            by,  # type: ignore[arg-type]
            counts,
            start=_dt.date.fromisoformat(since) if since else None,
            end=_dt.date.fromisoformat(until) if until else None,
        )

    # The read side's steps, for code (and tests) that ran them on a snapshot by these names.
    _matching = staticmethod(_search.matching)
    _by_date = staticmethod(_search.by_date)
