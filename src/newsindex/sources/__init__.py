"""Input formats: one module per format, each a ``parse(source)`` yielding Release or SourceError.

``load_releases`` is the front door: it picks the format and applies the error policy.
Strict or lenient is explicit: with ``errors=None`` (the default) the first bad record raises
its SourceError (after the good records before it were yielded); with ``errors=[]`` each bad
record's SourceError is appended to that list and reading goes on — nothing is dropped
silently. File-level problems (a missing file, a CSV without a title column) always raise.
"""

from __future__ import annotations

import dataclasses
import io
import os
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..errors import SourceError
from ..records import Release
from . import url  # (light: httpx is imported when a URL is fetched)
from ._common import MAX_RECORD_BYTES, Source, is_regular_file, log, open_path, read_text, source_label, source_name

__all__ = ["FORMATS", "load_releases", "load_sample", "sample_path", "MAX_RECORD_BYTES"]

#: Format names, for ``load_releases(format=...)`` and ``newsindex index --format``.
FORMATS: tuple[str, ...] = ("newsroom", "jsonl", "csv", "reuters", "feed", "html")
#: The reader module of each format, imported when a source of that format is read (the
#: readers are ~20 ms of imports that `newsindex search` has no use for).
_READERS: dict[str, str] = {"newsroom": "newsroom", "jsonl": "jsonl", "csv": "csvfile", "reuters": "reuters", "feed": "feed", "html": "html"}


def _parser(format: str) -> Callable[[Source], Iterator[Release | SourceError]]:
    from importlib import import_module

    return import_module(f".{_READERS[format]}", __name__).parse  # type: ignore[no-any-return]


_SUFFIXES = {".txt": "newsroom", ".text": "newsroom", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".sgm": "reuters", ".sgml": "reuters", ".rss": "feed", ".atom": "feed", ".rdf": "feed", ".xml": "feed", ".html": "html", ".htm": "html", ".xhtml": "html"}
#: Suffixes often given to other content (a page saved as .txt, a feed saved as .html, an XHTML
#: page as .xml): the content is checked, and HTML or a feed found there wins. (.rss, .atom and
#: .rdf are kept: the feed reader says what is wrong with a broken feed.)
_CHECKED = frozenset({".txt", ".text", ".html", ".htm", ".xhtml", ".xml"})


def _sniff(head: bytes) -> str | None:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text:
        return None
    if text.startswith(b"{"):
        return "jsonl"
    if text.startswith((b"<!DOCTYPE lewis", b"<REUTERS")):
        return "reuters"
    if text.startswith((b"<", b"\xff\xfe", b"\xfe\xff")):  # only markup (UTF-16 too) can be a feed or HTML: their readers are loaded to tell
        from .feed import looks_like_feed
        from .html import looks_like_html

        if looks_like_feed(text):  # (before HTML: a feed's CDATA may hold "<html")
            return "feed"
        if looks_like_html(text):
            return "html"
    first = text.split(b"\n", 1)[0].lower()
    if b"," in first and (b"title" in first or b"headline" in first):
        return "csv"
    return "newsroom"


def _detect(source: Source) -> tuple[str, Source]:
    """The format of ``source``, and the source to read (a stream's peeked bytes put back)."""
    name = source_name(source)
    suffix = Path(name).suffix.lower() if name != "<stream>" else ""
    if suffix in _SUFFIXES:
        fmt = _SUFFIXES[suffix]
        if suffix in _CHECKED and isinstance(source, (str, Path)) and is_regular_file(source):
            with open(source, "rb") as handle:
                found = _sniff(handle.read(4096))
            fmt = found if found in ("html", "feed") else fmt  # HTML under .txt, a feed under .html
        return fmt, source
    if isinstance(source, (str, Path)) or hasattr(source, "__fspath__"):
        handle = open_path(source)  # raises a clear SourceError: missing, a directory, unreadable
        assert handle is not None
        if not is_regular_file(source):
            # a pipe can be read once: peek at its head, then parse from the same open handle
            fmt = _sniff(handle.peek(4096)[:4096]) or "newsroom"  # type: ignore[attr-defined]
            return fmt, handle
        with handle:
            head = handle.read(4096)
        fmt = _sniff(head)
        return fmt or "newsroom", source
    # an open stream: read it into memory to peek (streams given to us are small: stdin, tests)
    data = source.read()  # type: ignore[union-attr]
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fmt = _sniff(raw[:4096]) or "newsroom"
    stream = io.BytesIO(raw)
    stream.name = name  # type: ignore[attr-defined]
    return fmt, stream


def load_releases(source: Source, *, format: str | None = None, errors: list[SourceError] | None = None, name: str | None = None) -> Iterator[Release]:
    """Yield the releases of a file or stream, in order.

    ``format``: one of FORMATS; by default from the suffix (.txt, .jsonl, .csv, .sgm, .rss,
    .atom, .xml, .html), else sniffed from the content; a page or feed under another suffix (an
    HTML page saved as .txt, a feed as .html) is read as what its content is. An http(s) URL is fetched (sources/url.py)
    and read as its content type says (``format`` is then not used). ``errors``: None → raise
    the first bad record's SourceError; a list → collect SourceErrors there and go on.
    ``name``: the ``source`` of releases whose record names none (default: the site's name
    where a newsroom page states it, else the file's name cleaned of dates and separators; see
    naming.py).

    >>> errors = []
    >>> releases = list(load_releases("export.jsonl", errors=errors))  # doctest: +SKIP
    """
    if format is not None and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; formats are {', '.join(FORMATS)}")
    if name is not None and not name.strip():
        raise ValueError("a source name must not be empty")
    opened = None
    if url.is_url(source):  # fetched, then read by the parser its content calls for
        format, parser = format or "url", url.parse
    else:
        if format is None:
            given = source
            format, source = _detect(source)
            opened = source if source is not given and isinstance(given, (str, os.PathLike)) else None
        parser = _parser(format)
    try:
        default = source_label(source)
        label = name.strip() if name else (_stated_site_name(source) if format == "newsroom" else "")
        count = 0
        items: Iterable[Release | SourceError] = parser(source)  # type: ignore[arg-type]
        if format in ("newsroom", "html", "feed"):  # a listing page's own heading (headings.py)
            from .headings import page_headings, with_page_headings

            page_format, page_source = format, source
            items = with_page_headings(items, lambda first: page_headings(page_format, _page_text(page_source, page_format), first))
        for item in items:
            if isinstance(item, SourceError):
                if errors is None:
                    raise item
                log.info("rejected %s", item)
                errors.append(item)
            else:
                count += 1
                # a feed's (or fetched page's) own title is only a default name: a name given wins
                named = label and (item.source == default or (name and format in ("feed", "url")))
                yield dataclasses.replace(item, source=label) if named else item
        if count == 0:
            log.warning("%s: no releases found (format %s)", source_name(source), format)
    finally:
        if opened is not None:
            opened.close()  # type: ignore[union-attr]


def _peek(source: Source, limit: int = -1) -> bytes | str | None:
    """Up to ``limit`` bytes (-1: all) of a path, or of a seekable stream put back where it was;
    None for a stream that can be read once, or a file that can't be read (its parser says why)."""
    try:
        if isinstance(source, (str, Path)) or hasattr(source, "__fspath__"):
            with open(source, "rb") as handle:  # type: ignore[arg-type]
                return handle.read(limit)
        if hasattr(source, "seekable") and source.seekable():  # type: ignore[union-attr]
            start = source.tell()  # type: ignore[union-attr]
            data: bytes | str = source.read(limit)  # type: ignore[union-attr]
            source.seek(start)  # type: ignore[union-attr]
            return data
    except (OSError, ValueError):
        pass
    return None


def _page_text(source: Source, format: str, limit: int = 1 << 18) -> str:
    """The head of a page as text, decoded as its reader decodes it (HTML's charset; a text
    page's encoding), for its headings and stated site name ("" if it can't be read)."""
    if format == "newsroom" and (isinstance(source, (str, Path)) or hasattr(source, "__fspath__")):
        lines, size = [], 0
        try:
            for _, text in read_text(source):
                lines.append(text)
                size += len(text) + 1
                if 0 <= limit < size:
                    break
        except (OSError, SourceError):
            return ""
        return "\n".join(lines)
    data = _peek(source, limit)
    if isinstance(data, bytes):
        if format == "html":
            from .html import decode_html

            return decode_html(data)
        return data.decode("utf-8", "replace")
    return data or ""


def _stated_site_name(source: Source) -> str:
    """The site name a newsroom page states (naming.site_name), for a path or a seekable stream."""
    from .naming import site_name  # only a newsroom page is read for one

    return site_name(_page_text(source, "newsroom", limit=-1).splitlines())


def sample_path() -> Path:
    """The bundled sample newsroom page (12 releases of a human-rights NGO, 2020–2021)."""
    return Path(str(resources.files("newsindex").joinpath("data").joinpath("sample_newsroom.txt")))


def load_sample() -> list[Release]:
    """The 12 releases of the bundled sample newsroom, with source "sample-newsroom"."""
    return [dataclasses.replace(r, source="sample-newsroom") for r in load_releases(sample_path(), format="newsroom")]
