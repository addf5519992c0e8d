"""An index's files on disk: durable commits, checksums, orphans, and what an OS error means.

A fault campaign (issue 15) found the commit model sound (no release lost) and the edges not:

* **Durability.** Whoosh closes its files and renames the table of contents (TOC) into place;
  nothing reaches the disk before the OS decides. :func:`before_toc` fsyncs a commit's new
  segment files (and the checksum record) before the TOC names them, :func:`after_toc` the TOC
  and the directory, so a commit reported is a commit kept through a power cut.
* **Checksums.** Segment files are written once and never changed, so a CRC-32 of each, taken
  at its commit (``newsindex.sums.json``), tells a flipped block from a good one later:
  :func:`check` (``newsindex check``) verifies every live file, the stamp and each segment's
  readability. Whoosh has no checksums of its own: a 4 KB flip in a segment went unnoticed.
* **Orphans.** A write that fails or is killed leaves its segment files, and a killed writing
  process its ``MAIN.sub<PID>.tmp`` folder; Whoosh removes the former only at its next
  successful commit (a full disk stayed full, so the next run failed the same way). Opening
  an index for writing runs :func:`sweep`, which removes every file the TOC does not account
  for; :func:`live_size` is what ``stats`` counts.
* **Errors a person can act on.** :func:`translate` turns the OSError/EOFError/struct.error of
  a full disk, a read-only file system or a damaged segment into one NewsIndexError line.
"""

from __future__ import annotations

import errno
import json
import os
import pickle
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .errors import DiskFullError, IndexDamagedError, IndexReadOnlyError, NewsIndexError

__all__ = ["SUMS_FILE", "FSYNC", "before_toc", "after_toc", "sweep", "live_size", "translate", "check", "CheckResult"]

SUMS_FILE = "newsindex.sums.json"
#: fsync at commit (benchmarks/run.py measures the cost with and without; tests keep it on).
FSYNC = True

#: What reading a damaged segment raises inside Whoosh (truncated, bytes flipped, a file gone).
DAMAGE = (EOFError, struct.error, zlib.error, pickle.UnpicklingError, OSError)


# ----------------------------------------------------------------------------- durability


def _fsync(path: str | Path, *, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _crc(path: Path) -> str:
    crc = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
    return f"{crc:08x}"


def read_sums(folder: Path) -> dict[str, dict[str, Any]]:
    """The recorded ``{file: {"size", "crc32"}}`` ({} when none were recorded)."""
    try:
        data = json.loads((folder / SUMS_FILE).read_text(encoding="utf-8"))
        return dict(data.get("files", {}))
    except (OSError, ValueError, AttributeError):
        return {}


def before_toc(storage: Any, segments: Iterable[Any]) -> None:
    """Checksum and fsync the files of ``segments`` not recorded yet; save the record.

    Called by the writer (writing.py) after the segments are complete and before the TOC that
    lists them is written: if the process dies in between, the record names files no TOC
    does (ignored), never a TOC files without their record.
    """
    folder = Path(getattr(storage, "folder", ""))
    if not getattr(storage, "folder", None):
        return  # in memory
    old = read_sums(folder)
    files: dict[str, dict[str, Any]] = {}
    for segment in segments:
        for name in segment.list_files(storage):
            path = folder / name
            size = path.stat().st_size
            entry = old.get(name)
            if entry is None or entry.get("size") != size:
                entry = {"size": size, "crc32": _crc(path)}
                if FSYNC:
                    _fsync(path)
            files[name] = entry
    tmp = folder / (SUMS_FILE + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        json.dump({"format": "crc32", "files": files}, out, indent=0, sort_keys=True)
        out.flush()
        if FSYNC:
            os.fsync(out.fileno())
    os.replace(tmp, folder / SUMS_FILE)


def fsync_directory(path: str | Path) -> None:
    """fsync a directory (a name created or renamed in it), best effort."""
    try:
        _fsync(path, directory=True)
    except OSError:
        pass


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (a reader sees the old
    file or the new one), for the small records beside an index (watches.json, sources.json);
    a read-only file system, no permission or a full disk is one NewsIndexError."""
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        error = translate(exc, path.parent, writing=True)
        if error is None:
            raise
        raise error from exc


def after_toc(storage: Any, indexname: str, generation: int) -> None:
    """fsync the TOC just written and the directory (the rename, the new names)."""
    folder = getattr(storage, "folder", None)
    if not folder or not FSYNC:
        return
    _fsync(Path(folder) / f"_{indexname}_{generation}.toc")
    _fsync(folder, directory=True)


# ----------------------------------------------------------------------------- orphans


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie, dead but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # Linux: a killed writer's worker may linger as a zombie until its new parent reaps it
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def _orphans(folder: Path, indexname: str, live_ids: set[str], generation: int, *, scratch: bool = False) -> list[Path]:
    """Files and folders of ``folder`` that no live segment or the current TOC accounts for."""
    toc = re.compile(rf"^_{re.escape(indexname)}_([0-9]+)\.toc(\..*)?$")
    seg = re.compile(rf"^({re.escape(indexname)}_[0-9a-z]+)\.[A-Za-z0-9_.]+$")
    sub = re.compile(rf"^{re.escape(indexname)}\.sub([0-9]+)\.tmp$")
    found = []
    for path in folder.iterdir():
        name = path.name
        if m := toc.match(name):
            if int(m.group(1)) != generation or m.group(2):  # an old TOC, or one never renamed into place
                found.append(path)
        elif m := seg.match(name):
            if m.group(1) not in live_ids:
                found.append(path)
        elif (m := sub.match(name)) and path.is_dir() and not pid_alive(int(m.group(1))):
            found.append(path)  # the scratch folder of a writing process that was killed
        elif scratch and name == f"{indexname}.tmp" and path.is_dir():
            found.append(path)  # the indexing process's scratch folder, when no writer is at work
    return found


def _current(storage: Any, indexname: str) -> tuple[int, list[Any]]:
    from whoosh.index import TOC

    generation = TOC._latest_generation(storage, indexname)
    return generation, list(TOC.read(storage, indexname, generation).segments)


def sweep(storage: Any, indexname: str) -> int:
    """Remove what the current TOC does not account for. Call it holding the write lock,
    before a writer of this process starts (its scratch folder is removed). Returns the bytes freed."""
    folder = getattr(storage, "folder", None)
    if not folder:
        return 0
    try:
        generation, segments = _current(storage, indexname)
    except Exception:  # no readable TOC: nothing is safe to remove
        return 0
    freed = 0
    for path in _orphans(Path(folder), indexname, {s.segment_id() for s in segments}, generation, scratch=True):
        try:
            if path.is_dir():
                freed += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
                import shutil  # (only a sweep removes folders: a search never needs it)

                shutil.rmtree(path)
            else:
                freed += path.stat().st_size
                path.unlink()
        except OSError:
            continue
    return freed


def live_size(folder: Path, indexname: str, segments: Iterable[Any], generation: int) -> int:
    """Bytes of the files the index consists of: live segments, the current TOC, its stamp and
    records; not the orphans of an interrupted write (sweep removes them at the next write)."""
    orphans = set(_orphans(folder, indexname, {s.segment_id() for s in segments}, generation))
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file() and p not in orphans)


# ----------------------------------------------------------------------------- errors


def _mount_of(path: Path) -> str:
    """``/dev/sda1 (mounted on /srv)`` for the file system holding ``path`` (best effort)."""
    target = os.path.realpath(path if path.exists() else path.parent)
    best, source = "", ""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as info:
            for line in info:
                left, _, right = line.partition(" - ")
                mount = left.split()[4].replace("\\040", " ")
                if (target == mount or target.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best):
                    best, source = mount, right.split()[1]
    except (OSError, IndexError):
        pass
    return f"{source} (mounted on {best})" if best else str(path)


def close_leaked_files(directory: Path) -> None:
    """Close files under ``directory`` that Whoosh opened and left open when reading failed
    (its traceback holds them), rather than let a ResourceWarning surface in the caller's code."""
    import gc
    import io

    prefix = str(directory)
    for obj in gc.get_objects():
        if isinstance(obj, io.IOBase) and not obj.closed and str(getattr(obj, "name", "")).startswith(prefix):
            obj.close()


def translate(exc: BaseException, path: Path | None, *, writing: bool, needed: int = 0, storage: Any = None, indexname: str = "MAIN") -> NewsIndexError | None:
    """The NewsIndexError a person can act on for ``exc``, or None to let ``exc`` through.

    ``writing``: the error happened while writing (a full disk; read-only) rather than reading
    (damage). ``needed``: bytes the failed write had written when it failed.
    """
    if isinstance(exc, NewsIndexError) or path is None:
        return None
    where = str(path)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        mb = max(needed, 1) / 1e6
        return DiskFullError(f"no space left on {_mount_of(path)}: {mb:.1f} MB needed, the index is unchanged (its last commit is intact); free some space and run the same command again")
    if isinstance(exc, OSError) and exc.errno == errno.EROFS:
        return IndexReadOnlyError(f"{where} is on a read-only file system ({_mount_of(path)}): it can be searched but not written")
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM):
        name = exc.filename or where
        if not writing:
            return NewsIndexError(f"no permission to read {name} (the index at {where})")
        return IndexReadOnlyError(f"no permission to write {name}: the index at {where} can be searched but not written by this user")
    if isinstance(exc, OSError) and writing and not isinstance(exc, FileNotFoundError):
        return None  # another write error: let it through as it is
    if isinstance(exc, DAMAGE) or type(exc).__name__ in ("FileFormatError", "TermNotFound"):
        segment = damaged_segment(storage, indexname) if storage is not None else None
        close_leaked_files(path)
        what = f"segment {segment} of {where}" if segment else f"the index at {where}"
        return IndexDamagedError(
            f"{what} is damaged ({type(exc).__name__}: {exc}): rebuild it with "
            f"`newsindex index {where} SOURCE... --overwrite`, or run `newsindex check {where}` to see what is damaged"
        )
    return None


def damaged_segment(storage: Any, indexname: str) -> str | None:
    """The id of the first segment that is missing, has the wrong size or checksum, or fails to open."""
    from whoosh.reading import SegmentReader

    try:
        generation, segments = _current(storage, indexname)
        schema = storage.open_index(indexname).schema
    except Exception:
        return None
    sums = read_sums(Path(storage.folder))
    for segment in segments:
        files = segment.list_files(storage)
        if not files:
            return str(segment.segment_id())
        for name in files:
            entry = sums.get(name)
            if entry is not None and (Path(storage.folder) / name).stat().st_size != entry.get("size"):
                return str(segment.segment_id())
        try:
            SegmentReader(storage, schema, segment).close()
        except Exception:
            close_leaked_files(Path(storage.folder))  # while the traceback still holds them
            return str(segment.segment_id())
    return None


# ----------------------------------------------------------------------------- check


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What :func:`check` found: ``problems`` empty means every check passed."""

    path: str
    segments: int
    releases: int
    verified: int  # files whose checksum matched
    unrecorded: tuple[str, ...]  # files without a recorded checksum (written before checksums)
    orphans: int  # files and folders an interrupted write left (removed at the next write)
    orphan_bytes: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check(path: str | os.PathLike[str], indexname: str = "MAIN") -> CheckResult:
    """Verify the stamp, the TOC, every live segment file's size and checksum, and that each
    segment's documents and terms can be read."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader

    from .schema import SCHEMA_VERSION

    folder = Path(path)
    problems: list[str] = []
    try:
        meta = json.loads((folder / "newsindex.json").read_text(encoding="utf-8"))
        if meta.get("format") != "newsindex" or meta.get("schema_version") != SCHEMA_VERSION:
            problems.append(f"stamp newsindex.json: schema version {meta.get('schema_version')!r}, this newsindex reads {SCHEMA_VERSION}")
    except (OSError, ValueError, AttributeError) as exc:
        problems.append(f"stamp newsindex.json: unreadable ({type(exc).__name__}: {exc})")
    storage = FileStorage(str(folder))
    try:
        generation, segments = _current(storage, indexname)
        schema = storage.open_index(indexname).schema
    except Exception as exc:
        problems.append(f"table of contents: unreadable ({type(exc).__name__}: {exc})")
        return CheckResult(str(folder), 0, 0, 0, (), 0, 0, tuple(problems))
    sums = read_sums(folder)
    verified, releases = 0, 0
    unrecorded: list[str] = []
    for segment in segments:
        sid = segment.segment_id()
        files = segment.list_files(storage)
        if not files:
            problems.append(f"segment {sid}: its files are missing")
            continue
        bad = False
        for name in files:
            entry = sums.get(name)
            size = (folder / name).stat().st_size
            if entry is None:
                unrecorded.append(name)
            elif size != entry.get("size"):
                problems.append(f"segment {sid}: {name} is {size:,} bytes, {entry.get('size'):,} at its commit (truncated or overwritten)")
                bad = True
            elif _crc(folder / name) != entry.get("crc32"):
                problems.append(f"segment {sid}: {name} does not match its checksum (bytes changed since its commit)")
                bad = True
            else:
                verified += 1
        if bad:
            continue
        try:  # readable throughout: every stored document, every term's postings
            reader = SegmentReader(storage, schema, segment)
            try:
                for docnum in range(reader.doc_count_all()):
                    reader.stored_fields(docnum)
                for fieldname in reader.indexed_field_names():
                    for term in reader.lexicon(fieldname):
                        reader.postings(fieldname, term).all_ids()
                releases += reader.doc_count()
            finally:
                reader.close()
        except Exception as exc:
            problems.append(f"segment {sid}: unreadable ({type(exc).__name__}: {exc})")
            close_leaked_files(folder)
    orphans = _orphans(folder, indexname, {s.segment_id() for s in segments}, generation)
    orphan_bytes = sum(f.stat().st_size for p in orphans for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file())
    return CheckResult(str(folder), len(segments), releases, verified, tuple(unrecorded), len(orphans), orphan_bytes, tuple(problems))
