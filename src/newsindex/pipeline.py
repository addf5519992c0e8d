"""Facet extraction and writing for the indexer, shared with a second process for large inputs.

Reading a release's countries, issues and speakers from its text costs about as much CPU as
Whoosh's own work on it (analysis, postings); both are pure Python, so one process uses one
core. For a large input on disk, ``NewsIndex.add`` starts a :class:`SubWriter`: a second
process that extracts facets for, and writes, whole chunks of releases into a segment of its
own, which joins the indexing process's segment in the same commit (see the SubWriter
section below). For an in-memory index (which another process can't write to),
:func:`with_facets` runs only the extraction in a worker process while the caller writes, and
yields ``(item, facets)`` in input order.

Decisions:

* **A plain subprocess, not multiprocessing.** A forked child would inherit the writer's lock
  file descriptor (Whoosh locks with ``flock``, shared by inherited descriptors), so a child
  outliving a killed parent would hold the lock; multiprocessing's spawn re-imports the user's
  ``__main__`` script (which then must have an ``if __name__ == "__main__"`` guard), and a
  pool worker blocked on its queue outlives a killed parent. A ``python -c`` worker
  inherits nothing but two pipes, and exits at EOF on its stdin — which is also what it reads
  when the indexing process is killed.
* **Order and memory.** Chunks of ``CHUNK`` items go round-robin to the workers, at most
  ``IN_FLIGHT`` per worker at a time; the main thread writes, a thread per worker reads, so a
  full pipe never deadlocks.
* **Only for large inputs.** Starting a worker costs about a second of its CPU (a fresh
  interpreter importing the taggers), so :func:`with_facets` first reads ``PARALLEL_ABOVE`` items and stays
  in process when that is the whole input.
* **Errors keep their place.** An exception raised while reading the input (a SourceError in
  strict mode) is re-raised after the items read before it have been yielded.

Longer than our ~520-line mark on purpose: both kinds of worker (extraction, SubWriter) share
one lifecycle — spawn, feed, read, report a death with its own error, reap on every path out —
and a leak on any of those paths was a fault (issue 15), so they stay side by side.
"""

from __future__ import annotations

import collections
import itertools
import os
import pickle
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .errors import NewsIndexError
from .records import Release
from .schema import Facets
from .tagging import Taxonomy

if TYPE_CHECKING:
    from .tagging.learn import IssueModel

__all__ = ["extract_facets", "with_facets", "PARALLEL_ABOVE", "default_workers", "SubWriter", "peek", "Lookahead"]

#: Inputs up to this many items are processed in process (a worker would not pay for itself).
PARALLEL_ABOVE = 1000
#: Items per task sent to a worker, and tasks kept in flight (bounds memory on huge inputs).
CHUNK = 100
IN_FLIGHT = 8


def extract_facets(release: Release, taxonomy: Taxonomy | None = None, model: IssueModel | None = None) -> Facets:
    """Countries, issues and speakers read from a release's text, beside its given metadata.

    ``taxonomy``: the issue taxonomy (None: the shipped one). ``model``: issues learned from
    the archive's own labels (NewsIndex.learn_issues); when given, its issues replace the
    taxonomy's, so the facet speaks the newsroom's categories only.
    """
    from .facet_values import normalize_issues
    from .tagging import tag_countries, tag_issues
    from .tagging.speakers import extract_speakers

    body_text = "\n\n".join(p for p in (release.summary, release.body) if p)
    countries = tuple(t.code for t in tag_countries(body_text, title=release.title))
    issues = tuple(t.slug for t in (model.tag(body_text, title=release.title) if model is not None else tag_issues(body_text, title=release.title, taxonomy=taxonomy)))
    page = release.extra.get("page")
    if isinstance(page, dict) and page.get("headings"):  # the listing page's own label (tagging/pages.py)
        from .tagging.pages import page_topic

        topic = page_topic([str(h) for h in page["headings"]], taxonomy)
        countries = tuple(dict.fromkeys((*topic.countries, *countries)))
        if model is None:  # (a learned model speaks the newsroom's own labels, not the taxonomy's)
            issues = tuple(dict.fromkeys((*topic.issues, *issues)))
    return Facets(
        countries_given=release.countries,
        countries_extracted=countries,
        issues_given=normalize_issues(release.issues, taxonomy),
        issues_extracted=issues,
        speakers=tuple(extract_speakers(body_text)),
    )


def _facets_or_none(item: Any, taxonomy: Taxonomy | None = None, model: IssueModel | None = None) -> Facets | None:
    # Items that can't be indexed (not a Release, no title) are left to the caller to report.
    if isinstance(item, Release) and item.title.strip():
        return extract_facets(item, taxonomy, model)
    return None


def default_workers() -> int:
    """One worker when a second core is free to run it, else none."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return 1 if cores >= 2 else 0


def with_facets(items: Iterable[Any], *, workers: int | None = None, taxonomy: Taxonomy | None = None, model: IssueModel | None = None) -> Iterator[tuple[Any, Facets | None]]:
    """Yield ``(item, facets)`` for every item, in order (facets None for an unindexable item).

    ``workers``: processes to extract in (None: :func:`default_workers`; 0: in this process).
    ``taxonomy``: the issue taxonomy (None: the shipped one); ``model``: see extract_facets.
    """
    items, large = peek(items, PARALLEL_ABOVE)  # an error while peeking is raised in its place
    if workers is None:
        workers = default_workers()
    if not large or workers <= 0:
        for item in items:
            yield item, _facets_or_none(item, taxonomy, model)
        return
    yield from _parallel(items, workers, taxonomy, model)


def _parallel(items: Iterator[Any], workers: int, taxonomy: Taxonomy | None, model: IssueModel | None = None) -> Iterator[tuple[Any, Facets | None]]:
    """Round-robin chunks over ``workers`` worker processes; results come back in order."""
    procs = [_spawn("_worker_main") for _ in range(workers)]
    results: list[queue.Queue[Any]] = [queue.Queue() for _ in procs]
    # A chunk is bigger than a pipe's buffer: a feeder thread per worker writes, so the main
    # thread (busy writing the index) never waits for a worker to read.
    feeds: list[queue.Queue[bytes | None]] = [queue.Queue() for _ in procs]
    readers = [threading.Thread(target=_read_results, args=(p, q), daemon=True) for p, q in zip(procs, results)]
    feeders = [threading.Thread(target=_feed, args=(p, q), daemon=True) for p, q in zip(procs, feeds)]
    for thread in readers + feeders:
        thread.start()
    # First message to each worker: the taxonomy as plain data (None: the shipped one), and the learned model.
    spec = _message((taxonomy.to_mapping() if taxonomy is not None else None, model))
    for feed in feeds:
        feed.put(spec)
    in_flight: collections.deque[tuple[list[Any], int]] = collections.deque()
    sent = 0
    try:
        error: BaseException | None = None
        while True:
            chunk: list[Any] = []
            try:
                chunk.extend(itertools.islice(items, CHUNK))
            except Exception as exc:
                error = exc
            if chunk:
                slot = sent % len(procs)
                feeds[slot].put(_message(chunk))
                in_flight.append((chunk, slot))
                sent += 1
            done = not chunk or error is not None
            while in_flight and (done or len(in_flight) > IN_FLIGHT * len(procs) or not results[in_flight[0][1]].empty()):
                batch, slot = in_flight.popleft()
                facets = results[slot].get()
                if isinstance(facets, BaseException):
                    raise facets
                yield from zip(batch, facets)
            if error is not None:
                raise error
            if done:
                return
    finally:
        for feed in feeds:
            feed.put(None)  # the feeder closes the worker's stdin: EOF, the worker exits
        for proc, feeder, reader in zip(procs, feeders, readers):
            _reap(proc, (feeder, reader))


def _spawn(entry: str) -> subprocess.Popen[bytes]:
    """A ``python -c`` worker running ``entry`` of this module, talking over its stdin/stdout.

    Its stderr goes to an unnamed temporary file, not the terminal: a worker that dies is
    reported by the indexing process with the last lines it wrote there (:func:`_worker_error`),
    and a worker ended by its parent's Ctrl-C or death prints no traceback of its own.
    """
    # The worker imports this same copy of newsindex, installed or not.
    package_root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p))
    env[_PARENT_PID] = str(os.getpid())
    errors = tempfile.TemporaryFile()
    try:
        proc = subprocess.Popen([sys.executable, "-c", _ORPHAN_GUARD + f"from newsindex.pipeline import {entry}; {entry}()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=env)
    except BaseException:
        errors.close()
        raise
    _STDERR[proc.pid] = errors
    return proc


#: The environment variable that tells a worker its parent's process id.
_PARENT_PID = "NEWSINDEX_PARENT_PID"

#: Run first in every worker, before it imports newsindex: a thread that ends the worker as
#: soon as its parent is gone. EOF on stdin alone is not enough when the parent is killed:
#: a worker still importing the taggers (a second or more on a loaded machine) or busy
#: with a chunk reads that EOF only afterwards, and lingered as an orphan meanwhile (a CI
#: run caught one alive 1.3 s after its parent's SIGKILL). Polling ``getppid`` is portable
#: (PR_SET_PDEATHSIG is Linux-only and fires when the spawning *thread* ends); a parent
#: already dead when the worker starts is caught too, since its pid comes from the env.
_ORPHAN_GUARD = (
    "import os as _o, threading as _t, time as _s\n"
    f"def _guard(parent=int(_o.environ['{_PARENT_PID}'])):\n"
    "    while _o.getppid() == parent: _s.sleep(0.1)\n"
    "    _o._exit(1)\n"
    "_t.Thread(target=_guard, name='newsindex-orphan-guard', daemon=True).start()\n"
)

#: A worker's stderr file, by process id, until :func:`_reap` closes it.
_STDERR: dict[int, Any] = {}


def _worker_error(proc: subprocess.Popen[bytes]) -> NewsIndexError:
    """What a worker that stopped early said: its exit status and the last line of its stderr."""
    code = proc.wait()
    how = f"stopped (killed by signal {-code})" if code < 0 else f"stopped (exit code {code})"
    said = ""
    errors = _STDERR.get(proc.pid)
    if errors is not None:
        try:
            errors.seek(0)
            lines = [line.strip() for line in errors.read().decode("utf-8", "replace").splitlines() if line.strip()]
            # A traceback ends with its error; a fatal error is followed by state lines.
            errors_said = [line for line in lines if "Error" in line or "error" in line]
            said = (errors_said or lines or [""])[-1]
        except (OSError, ValueError):
            pass
    return NewsIndexError(f"the newsindex worker process {how}" + (f": {said}" if said else " without a message"))


def _reap(proc: subprocess.Popen[bytes], threads: Iterable[threading.Thread], timeout: float = 10) -> None:
    """End a worker told to stop (its feeder closes its stdin): wait ``timeout`` s, else kill it;
    join its feeder and reader threads, and close its files.

    Every path out of a run (done, an error, Ctrl-C) comes here, so no worker process, thread
    or pipe outlives it: a reader thread still blocked on a pipe at interpreter exit aborted
    the interpreter ("Fatal Python error: _enter_buffered_busy").
    """
    threads = list(threads)
    for thread in threads[:1]:  # the feeder: its stdin close is what ends the worker
        thread.join(timeout=timeout)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for thread in threads[1:]:
        thread.join(timeout=timeout)
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            try:
                stream.close()
            except OSError:
                pass
    errors = _STDERR.pop(proc.pid, None)
    if errors is not None:
        errors.close()


def _message(obj: Any) -> bytes:
    """``obj`` pickled, after its length (8 bytes): what :func:`_read_message` reads back."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(8, "big") + data


def _feed(proc: subprocess.Popen[bytes], feed: queue.Queue[bytes | None]) -> None:
    """In a thread: write each message of ``feed`` to ``proc``'s stdin; None closes it."""
    assert proc.stdin is not None
    broken = False
    while True:
        message = feed.get()
        if message is None:
            break
        if not broken:
            try:
                proc.stdin.write(message)
                proc.stdin.flush()
            except OSError:
                broken = True  # the worker died: its reader thread reports it
    try:
        proc.stdin.close()
    except OSError:
        pass


def _read_results(proc: subprocess.Popen[bytes], out: queue.Queue[Any]) -> None:
    """In a thread: move each result message of ``proc`` to ``out`` (an error at the end)."""
    assert proc.stdout is not None
    while True:
        message = _read_message(proc.stdout)
        if message is None:
            out.put(_worker_error(proc))
            return
        out.put(pickle.loads(message))


def _read_message(stream: Any) -> bytes | None:
    header = stream.read(8)
    if len(header) < 8:
        return None
    size = int.from_bytes(header, "big")
    data = stream.read(size)
    return data if len(data) == size else None


def _worker_main() -> None:
    """A worker: read pickled chunks of releases on stdin, write their facets on stdout, until EOF.

    Its stdin is a pipe only the indexing process holds, so when that process ends — normally,
    or killed — the worker reads EOF and exits: no orphan, no lock held.
    """
    from .tagging import Taxonomy

    # Ctrl-C reaches the whole process group: the parent decides, and closes our stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    spec = _read_message(stdin)
    if spec is None:
        return
    mapping, model = pickle.loads(spec)
    taxonomy = Taxonomy.from_mapping(mapping) if mapping is not None else None
    while True:
        message = _read_message(stdin)
        if message is None:
            return
        try:
            stdout.write(_message([_facets_or_none(item, taxonomy, model) for item in pickle.loads(message)]))
            stdout.flush()
        except BrokenPipeError:  # the indexing process is gone: nobody to tell
            return



# ------------------------------------------------------------------ writing in a second process
#
# Facet extraction alone in a worker left the indexing process doing all of Whoosh's work
# (analysis, postings, commit): about as much CPU as the whole plain-Whoosh baseline, so
# indexing ran at ~1x the baseline whatever the worker did. A SubWriter is a worker that
# takes whole chunks of releases, extracts their facets *and* writes them into a segment of
# its own (a Whoosh SegmentWriter without the lock: the indexing process holds it). At each
# commit it hands its finished segment to the indexing process, which adds it to the same
# table of contents, so a batch is still committed as one unit.

#: Chunks a SubWriter may have queued before the indexing process writes chunks itself.
WRITE_AHEAD = 2


def peek(items: Iterable[Any], count: int) -> tuple[Iterator[Any], bool]:
    """``(the same items, more than count of them?)``, reading at most count + 1 ahead.

    An error raised while reading ahead is raised again at its place in the returned iterator.
    """
    ahead = items if isinstance(items, Lookahead) else Lookahead(items)
    ahead.ends_within(count)
    return ahead, ahead.buffered > count


class Lookahead(Iterator[Any]):
    """An iterator that can tell whether its input ends within the next n items.

    ``add()`` asks, when a batch is full, whether the input is about to end: a last batch of a
    few hundred releases would be a commit (and in a big import, two segments) of its own.
    Items read ahead are kept until iterated; an error raised by the input while reading
    ahead is raised again in its place, after the items before it.
    """

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = iter(items)
        self._ahead: collections.deque[Any] = collections.deque()
        self._error: BaseException | None = None
        self._exhausted = False
        self.taken = 0  # items iterated so far

    def __next__(self) -> Any:
        if self._ahead:
            item = self._ahead.popleft()
        elif self._error is not None:
            error, self._error = self._error, None
            self._exhausted = True
            raise error
        elif self._exhausted:
            raise StopIteration
        else:
            item = next(self._items)
        self.taken += 1
        return item

    @property
    def buffered(self) -> int:
        """Items read ahead and not yet iterated."""
        return len(self._ahead)

    def ends_within(self, count: int) -> bool:
        """True if the input ends cleanly within ``count`` items (reads up to count + 1 ahead).

        An input that raises before then does not "end": the caller should not count on it.
        """
        while len(self._ahead) <= count and not self._exhausted and self._error is None:
            try:
                self._ahead.append(next(self._items))
            except StopIteration:
                self._exhausted = True
            except Exception as exc:  # raised in its place by __next__
                self._error = exc
        return self._exhausted and len(self._ahead) <= count


class SubWriter:
    """A second process that extracts facets for, and writes, the chunks it is given.

    The indexing process offers chunks with :meth:`take` (refused while ``WRITE_AHEAD``
    are queued, so the two processes share the work by speed), and before each commit asks
    :meth:`finish` for the segment written since the last one. :meth:`close` (also on
    errors) ends the process; a segment it never handed over is never in the index.
    """

    def __init__(self, path: Path, taxonomy: Taxonomy | None, *, indexname: str, limitmb: int, model: IssueModel | None = None) -> None:
        self._proc = _spawn("_writer_main")
        self._replies: queue.Queue[Any] = queue.Queue()
        self._feed: queue.Queue[bytes | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=_read_results, args=(self._proc, self._replies), daemon=True),
            threading.Thread(target=_feed, args=(self._proc, self._feed), daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self._queued = 0
        self._path = path
        self._handed: Any = None  # a segment handed over and not yet committed
        self.written = 0  # releases written by the worker (all segments)
        self._send(("setup", {"path": str(path), "indexname": indexname, "limitmb": limitmb, "taxonomy": taxonomy.to_mapping() if taxonomy is not None else None, "model": model}))

    def _send(self, message: Any) -> None:
        self._feed.put(_message(message))

    def _reply(self, block: bool) -> Any:
        reply = self._replies.get(block=block)
        if isinstance(reply, BaseException):
            raise reply
        kind, value = reply
        if kind == "error":
            raise value if isinstance(value, BaseException) else NewsIndexError(str(value))
        if kind == "added":
            self._queued -= 1
            self.written += value
        return reply

    def take(self, chunk: list[Release]) -> bool:
        """Queue ``chunk`` for the worker, unless it already has enough to do."""
        while self._queued:
            try:
                self._reply(block=False)
            except queue.Empty:
                break
        if self._queued >= WRITE_AHEAD:
            return False
        self._send(("add", chunk))
        self._queued += 1
        return True

    def finish(self) -> None:
        """Ask for the segment written since the last :meth:`segment` (it is finished meanwhile)."""
        self._send(("commit", None))

    def segment(self) -> Any:
        """The segment :meth:`finish` asked for (None if nothing was written), once complete."""
        while True:
            kind, value = self._reply(block=True)
            if kind == "segment":
                self._handed = value
                return value

    def committed(self) -> None:
        """The segment handed over is in a committed TOC: its files are the index's now."""
        self._handed = None

    def close(self) -> None:
        """End the process; delete a finished segment no TOC lists (handed over and not
        committed, or finished while the indexing process was interrupted waiting for it)."""
        self._feed.put(None)  # EOF: the worker cancels what it has not handed over and exits
        _reap(self._proc, self._threads[::-1], timeout=30)  # feeder first, then reader
        orphans = [self._handed] if self._handed is not None else []
        while True:
            try:
                reply = self._replies.get_nowait()
            except queue.Empty:
                break
            if isinstance(reply, tuple) and reply[0] == "segment" and reply[1] is not None:
                orphans.append(reply[1])
        self._handed = None
        if orphans:
            from whoosh.filedb.filestore import FileStorage

            storage = FileStorage(str(self._path))
            for segment in orphans:
                try:
                    for name in segment.list_files(storage):
                        storage.delete_file(name)
                except OSError:  # best effort: integrity.sweep at the next write removes the rest
                    pass


def _writer_main() -> None:
    """A SubWriter's process: write the chunks it reads into its own segment, until EOF."""
    from whoosh import index as windex

    from .schema import to_document
    from .tagging import Taxonomy
    from .writing import segment_writer

    # Ctrl-C at a terminal reaches the whole process group: the parent decides (it cancels,
    # and this process ends when its stdin closes), so no second traceback from here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer

    def reply(message: Any) -> None:
        try:
            data = _message(message)
        except Exception:  # an exception that can't be pickled still gets its message across
            data = _message(("error", f"{type(message[1]).__name__}: {message[1]}"))
        stdout.write(data)
        stdout.flush()

    message = _read_message(stdin)
    if message is None:
        return
    setup = pickle.loads(message)[1]
    taxonomy = Taxonomy.from_mapping(setup["taxonomy"]) if setup["taxonomy"] is not None else None
    model = setup.get("model")
    writer: Any = None
    try:
        while True:
            message = _read_message(stdin)
            if message is None:
                return
            kind, payload = pickle.loads(message)
            try:
                if kind == "add":
                    if writer is None:
                        ix = windex.open_dir(setup["path"], indexname=setup["indexname"])
                        # Whoosh names a writer's scratch folder after the index ("MAIN.tmp")
                        # and deletes it when the writer finishes: ours must not be the
                        # indexing process's.
                        storage, own = ix.storage, f"{setup['indexname']}.sub{os.getpid()}.tmp"
                        storage.temp_storage = lambda name=None, _t=type(storage).temp_storage: _t(storage, own)
                        writer = segment_writer(ix, _lk=False, limitmb=setup["limitmb"])
                    for release in payload:
                        writer.add_document(**to_document(release, extract_facets(release, taxonomy, model)))
                    reply(("added", len(payload)))
                elif kind == "commit":
                    segment = None
                    if writer is not None:
                        if writer._added:
                            segment = writer._finalize_segment()
                            writer._finish()
                        else:
                            writer.cancel()
                        writer = None
                    reply(("segment", segment))
            except Exception as exc:
                reply(("error", exc))
    finally:
        if writer is not None:
            writer.cancel()
