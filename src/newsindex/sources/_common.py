"""What every source parser shares: opening inputs, decoding bytes, numbering lines, size limits.

Parsers are generators of ``Release | SourceError``: a record-level problem is *yielded* as a
value, so one place (:func:`newsindex.sources.load_releases`) decides between strict (raise it)
and lenient (collect it and go on), and no parser can silently drop a record. File-level problems
(missing, unreadable, binary, not the format at all) are *raised* by the parser at once.

Decoding decisions, made here once for every format:

- UTF-8 is assumed; a UTF-8 BOM is dropped; a UTF-16 BOM switches the whole file to UTF-16.
- A line that is not valid UTF-8 (a latin-1/Windows-1252 export) is decoded as Windows-1252
  (latin-1 for the five bytes cp1252 leaves undefined) and a warning names the first such line.
  Decoding line by line keeps big files streaming and one stray byte from spoiling a whole file.
- NUL bytes mean nothing in a text format (they come from broken exports): they are removed from
  the line and a warning names it; the record itself is kept.
- CRLF, LF and lone CR (old Mac) line endings are all line ends.
- A line longer than :data:`MAX_RECORD_BYTES` is never held in memory: it is skipped in chunks
  and reported as a record-level error.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, Union

from .._log import get_logger
from ..errors import SourceError
from ..records import Release

log = get_logger("newsindex.sources")

#: What a source can be: a path, or an open text or binary stream (not closed by us).
Source = Union[str, "os.PathLike[str]", IO[str], IO[bytes]]

#: What a parser yields: good records, and bad ones as values for load_releases to raise or collect.
Item = Union[Release, SourceError]

#: A single record larger than this is refused. A 10 MB press release is an export gone wrong
#: (a whole site or a base64 image in one field); refusing it keeps memory bounded and the index
#: fast, and the message names this limit so a user who really means it knows what to change.
MAX_RECORD_BYTES = 10 * 1024 * 1024

#: At most this many NUL/encoding warnings per file, so a broken file cannot flood the log.
_MAX_WARNINGS = 5

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def source_name(source: Source) -> str:
    """The name errors cite: the path, or the stream's name, or ``"<stream>"``."""
    if isinstance(source, (str, os.PathLike)):
        return os.fsdecode(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) and name else "<stream>"


def source_label(source: Source) -> str:
    """The default ``Release.source``: the file's stem, cleaned ("amnesty_newsroom-2021-12-03.txt" → "amnesty newsroom").

    load_releases replaces it with a name the user gives or the page states (naming.py).
    """
    from .naming import clean_stem

    name = source_name(source)
    if name in ("<stream>", "<stdin>"):
        return "stream"
    return clean_stem(Path(name).stem) or "stream"


def too_big(path: str, line: int, size: int) -> SourceError:
    """The record-level error for a record over :data:`MAX_RECORD_BYTES`."""
    return SourceError(
        path,
        line,
        f"record is {size / 1048576:.1f} MB, over the {MAX_RECORD_BYTES // 1048576} MB limit per record "
        "(newsindex.sources.MAX_RECORD_BYTES): split or trim it, or raise the limit if you mean it",
        record=None,
    )


@dataclass(frozen=True, slots=True)
class Line:
    """One decoded line: its 1-based number, its text without the line ending, and whether it
    was longer than :data:`MAX_RECORD_BYTES` (then ``text`` is empty and ``size`` its length)."""

    number: int
    text: str
    too_long: bool = False
    size: int = 0


class _Warner:
    """Logs per-file warnings, at most ``_MAX_WARNINGS`` of each kind."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.counts: dict[str, int] = {}

    def warn(self, kind: str, line: int, message: str) -> None:
        count = self.counts.get(kind, 0) + 1
        self.counts[kind] = count
        if count <= _MAX_WARNINGS:
            suffix = " (further such warnings for this file are not shown)" if count == _MAX_WARNINGS else ""
            log.warning("%s:%d: %s%s", self.path, line, message, suffix)


def _decode(raw: bytes, number: int, warner: _Warner) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        warner.warn(
            "encoding",
            number,
            f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); read as Windows-1252/latin-1. "
            "Save the file as UTF-8 to silence this",
        )
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def _clean(text: str, number: int, warner: _Warner) -> str:
    if "\x00" in text:
        warner.warn("nul", number, "removed NUL bytes (a broken export?); the record is kept")
        text = text.replace("\x00", "")
    return text


def _looks_binary(first: bytes) -> bool:
    """A first line full of NULs or control bytes is not text (or is UTF-16 without a BOM)."""
    sample = first[:8192]
    if len(sample) < 16:
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls / len(sample) > 0.1


def open_path(source: Source) -> IO[bytes] | IO[str] | None:
    """Open a path in binary mode (the caller closes it); ``None`` for an already open stream."""
    if not isinstance(source, (str, os.PathLike)):
        if not hasattr(source, "read"):
            raise TypeError(f"source must be a path or an open file, not {type(source).__name__}")
        return None
    path = Path(os.fsdecode(source))
    name = str(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise SourceError(name, None, "no such file: check the path") from None
    except OSError as exc:
        raise SourceError(name, None, f"cannot look at it ({exc.strerror}): check the path and its permissions") from exc
    if stat.S_ISDIR(mode):
        raise SourceError(name, None, "is a directory, not a file: pass the files in it instead (e.g. DIR/*.txt)")
    try:
        if stat.S_ISREG(mode):
            return open(path, "rb")
        return _open_pipe(path)
    except OSError as exc:
        raise SourceError(name, None, f"cannot open it ({exc.strerror}): check its permissions") from exc


def _open_pipe(path: Path) -> IO[bytes]:
    """Open a FIFO or other special file without blocking forever on a missing writer.

    A plain ``open()`` of a named pipe waits until some program opens it for writing, which
    may be never. Opening non-blocking returns at once; then reads block as usual (for data
    from a live writer) and end at once when there is no writer, which is reported.
    Process substitution (``<(zcat export.jsonl.gz)``) has its writer already and just works.
    """
    handle = open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NONBLOCK))
    try:
        os.set_blocking(handle.fileno(), True)
        if not handle.peek(1):  # type: ignore[attr-defined]
            raise SourceError(
                str(path), None, "is a named pipe (FIFO) with nothing to read: no program is writing to it"
            )
    except BaseException:
        handle.close()
        raise
    return handle


def read_head(source: Source, limit: int) -> tuple[str, bytes | str]:
    """(name, up to ``limit`` + 1 bytes) of a path or stream, for readers that parse a whole
    document at once (feeds, HTML pages): one byte over ``limit`` tells the caller it is too big."""
    path = source_name(source)
    handle = open_path(source)
    stream = handle if handle is not None else source
    try:
        return path, stream.read(limit + 1)  # type: ignore[union-attr]
    except OSError as exc:
        raise SourceError(path, None, f"cannot read it ({exc.strerror or exc})") from exc
    finally:
        if handle is not None:
            handle.close()


def is_regular_file(source: Source) -> bool:
    """True for a path to a regular file (which can be read twice: once to sniff its format)."""
    if not isinstance(source, (str, os.PathLike)):
        return False
    try:
        return stat.S_ISREG(os.stat(source).st_mode)
    except OSError:
        return False


def _split_cr(number: int, text: str) -> Iterator[Line]:
    # CRLF is already gone; a CR left inside the line is an old-Mac line end.
    if "\r" not in text:
        yield Line(number, text)
        return
    for part in text.split("\r"):
        yield Line(number, part)


def iter_lines(handle: IO[bytes] | IO[str], path: str) -> Iterator[Line]:
    """Numbered, decoded, cleaned lines of an open stream, read lazily.

    Raises ``SourceError`` for a binary file or a text stream that fails to decode.
    """
    warner = _Warner(path)
    limit = MAX_RECORD_BYTES + 1
    number = 0
    try:
        first = handle.readline(limit)
        if isinstance(first, bytes):
            if first.startswith(_UTF16_BOMS):
                yield from _utf16_lines(first + handle.read(), path, warner)  # type: ignore[operator]
                return
            if first.startswith(_UTF8_BOM):
                first = first[3:]
            elif _looks_binary(first):
                raise SourceError(
                    path, None, "looks like a binary file (or UTF-16 without a BOM), not text: export it as UTF-8 text"
                )
        elif first.startswith("\ufeff"):
            first = first[1:]
        raw: bytes | str = first
        while raw:
            number += 1
            if len(raw) >= limit and not raw.endswith(b"\n" if isinstance(raw, bytes) else "\n"):
                size = len(raw)
                while True:  # skip the rest of the over-long line without keeping it
                    more = handle.readline(1 << 20)
                    size += len(more)
                    if not more or more.endswith(b"\n" if isinstance(more, bytes) else "\n"):
                        break
                yield Line(number, "", True, size)
            else:
                text = _decode(raw, number, warner) if isinstance(raw, bytes) else raw
                text = _clean(text.rstrip("\r\n"), number, warner)
                yield from _split_cr(number, text)
            raw = handle.readline(limit)
    except UnicodeDecodeError as exc:
        raise SourceError(
            path,
            number + 1 if number else None,
            f"cannot decode the text stream ({exc.reason}): open the file in binary mode ('rb') "
            "and newsindex will detect the encoding",
        ) from exc
    except OSError as exc:
        raise SourceError(path, None, f"cannot read it ({exc.strerror or exc})") from exc


def _utf16_lines(data: bytes, path: str, warner: _Warner) -> Iterator[Line]:
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise SourceError(path, None, f"has a UTF-16 byte-order mark but is not UTF-16 ({exc.reason}): save it as UTF-8") from exc
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        yield Line(number, _clean(line.lstrip("\ufeff") if number == 1 else line, number, warner))


def lines_of(source: Source) -> Iterator[Line]:
    """Open ``source`` (a path or a stream) and yield its lines; closes what it opened."""
    path = source_name(source)
    handle = open_path(source)
    if handle is None:
        yield from iter_lines(source, path)  # type: ignore[arg-type]
        return
    with handle:
        yield from iter_lines(handle, path)


def read_all(source: Source) -> tuple[str, str]:
    """(path, whole decoded text) for formats that are parsed as one text (Reuters SGML).

    UTF-8 first, latin-1 for the whole file when it is not (Reuters-21578 is latin-1), with a
    warning; NUL bytes are removed with a warning.
    """
    path = source_name(source)
    handle = open_path(source)
    try:
        stream = handle if handle is not None else source
        try:
            data = stream.read()  # type: ignore[union-attr]
        except UnicodeDecodeError as exc:
            raise SourceError(
                path, None, f"cannot decode the text stream ({exc.reason}): open the file in binary mode ('rb')"
            ) from exc
        except OSError as exc:
            raise SourceError(path, None, f"cannot read it ({exc.strerror or exc})") from exc
    finally:
        if handle is not None:
            handle.close()
    if isinstance(data, bytes):
        if data.startswith(_UTF8_BOM):
            data = data[3:]
        if data.startswith(_UTF16_BOMS):
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError as exc:
                raise SourceError(path, None, f"has a UTF-16 byte-order mark but is not UTF-16 ({exc.reason})") from exc
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                log.warning("%s: not UTF-8 (byte 0x%02x at offset %d); read as latin-1", path, data[exc.start], exc.start)
                text = data.decode("latin-1")
    else:
        text = data.lstrip("\ufeff")
    if "\x00" in text:
        log.warning("%s: removed %d NUL bytes (a broken export?)", path, text.count("\x00"))
        text = text.replace("\x00", "")
    return path, text


def read_text(source: Source) -> list[tuple[int, str]]:
    """All (number, text) lines of a small text source (a newsroom page)."""
    return [(line.number, line.text) for line in lines_of(source)]
