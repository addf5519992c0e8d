"""What every source parser shares: opening inputs, decoding bytes, record-size limits.

Parsers yield ``Release`` or ``SourceError`` *values* for record-level problems, so the caller
(``load_releases``) decides between strict (raise) and lenient (collect and go on). File-level
problems (missing, unreadable) raise at once.
"""

from __future__ import annotations

import io
import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator, Union

from ..errors import SourceError

log = logging.getLogger("newsindex.sources")

Source = Union[str, "os.PathLike[str]", IO[str], IO[bytes]]

#: A single record larger than this is refused with a clear message: a 10 MB press release is
#: an export gone wrong (a whole site in one field), and Whoosh would take minutes on it.
MAX_RECORD_BYTES = 10 * 1024 * 1024


def source_name(source: Source) -> str:
    """The name errors cite: the path, or the stream's name, or "<stream>"."""
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    name = getattr(source, "name", None)
    return str(name) if isinstance(name, str) else "<stream>"


def source_label(source: Source) -> str:
    """The default ``Release.source``: the file's stem ("newsroom_2021.txt" → "newsroom_2021")."""
    name = source_name(source)
    return Path(name).stem if name != "<stream>" else "stream"


def decode_line(raw: bytes, path: str, line: int, warned: list[bool]) -> str:
    """UTF-8 first; a line that isn't (a latin-1/cp1252 export) is decoded as cp1252, with a warning.

    Decoding per line keeps large files streaming and one odd byte from spoiling a whole file.
    NUL bytes are removed (no text format means them; they come from broken exports).
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not warned[0]:
            log.warning("%s:%d: not UTF-8 (%s); reading such lines as Windows-1252/latin-1", path, line, exc.reason)
            warned[0] = True
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
    if "\x00" in text:
        log.warning("%s:%d: removed NUL bytes", path, line)
        text = text.replace("\x00", "")
    return text


@contextmanager
def open_binary(source: Source) -> Iterator[IO[bytes] | IO[str]]:
    """Open a path in binary mode, or pass an already open stream through (not closing it)."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise SourceError(str(path), None, "no such file")
        if path.is_dir():
            raise SourceError(str(path), None, "is a directory, not a file")
        try:
            handle = open(path, "rb")
        except OSError as exc:
            raise SourceError(str(path), None, f"cannot read it: {exc.strerror}") from exc
        with handle:
            yield handle
    else:
        yield source


def iter_lines(source: Source) -> Iterator[tuple[int, str]]:
    """(1-based line number, text without the line ending) for any input, decoded and cleaned.

    Handles a UTF-8 BOM, CRLF and CR line endings, NUL bytes and non-UTF-8 lines.
    """
    path = source_name(source)
    warned = [False]
    with open_binary(source) as handle:
        number = 0
        for raw in handle:
            number += 1
            if isinstance(raw, bytes):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                text = decode_line(raw, path, number, warned)
            else:
                text = raw.lstrip("\ufeff") if number == 1 else raw
                if "\x00" in text:
                    text = text.replace("\x00", "")
            text = text.rstrip("\r\n")
            # a lone CR inside a line is an old Mac line ending: split there too
            if "\r" in text:
                parts = text.split("\r")
                for i, part in enumerate(parts):
                    yield number, part
                continue
            yield number, text


def read_text(source: Source) -> list[tuple[int, str]]:
    """All lines of a (small) text source, numbered."""
    return list(iter_lines(source))


def is_stream(source: Any) -> bool:
    return not isinstance(source, (str, os.PathLike)) and isinstance(source, (io.IOBase,)) or hasattr(source, "read")
