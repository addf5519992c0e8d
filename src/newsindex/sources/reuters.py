"""Reuters-21578 SGML: 1987 newswire stories with hand-assigned TOPICS and PLACES.

Used for benchmarks and to measure country extraction against the PLACES labels, so the mapping
keeps the labels *out* of the facets extraction would fill: ``countries`` stays empty and the
PLACES slugs go to ``extra["places"]``; TOPICS (also hand-assigned) become ``issues`` and
``extra["topics"]``.

Each ``<REUTERS ... NEWID="n">`` element becomes::

    Release(id="reuters-n", title=TITLE, body=DATELINE + BODY, date=DATE, type="story",
            source="reuters21578", issues=TOPICS, countries=(),
            extra={"places": [...], "topics": [...]})

The body starts with the dateline as the wire printed it ("NEW YORK, March 30 - ..."): it is
part of the story's text. ``TYPE="BRIEF"`` stories (a headline and the placeholder "Blah blah
blah.") load with an empty body; ``TYPE="UNPROC"`` stories (tables with no TITLE tag) take their
first line as the title. Dates with trailing wire garbage ("27-MAR-1987 00:02:59.13&#5;&#5;RM")
are read from their date part; a date that cannot be read at all is a record error.

Why regular expressions and not an SGML parser: the files are regular (machine-written), an SGML
library would be a dependency and ~20x slower, and 11,000 stories load in well under a second.
Files are read whole (the collection ships in 1.3 MB files); each story is checked against
:data:`MAX_RECORD_BYTES`.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
from typing import Iterator

from ..dates import parse_date
from ..errors import SourceError
from ..records import Release
from ._common import MAX_RECORD_BYTES, Item, Source, read_all, too_big

__all__ = ["parse", "SOURCE_LABEL"]

#: ``Release.source`` of every story: the collection's name, whatever the file is called.
SOURCE_LABEL = "reuters21578"

_START = re.compile(r"<REUTERS\b")
_END = "</REUTERS>"
_ATTRS = re.compile(r"<REUTERS\b([^>]*)>")
_NEWID = re.compile(r'\bNEWID\s*=\s*"?(\d+)')
_DATE = re.compile(r"<DATE>(.*?)</DATE>", re.S)
_DATE_PART = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_MONTHS = {name: number for number, name in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}
_TOPICS = re.compile(r"<TOPICS>(.*?)</TOPICS>", re.S)
_PLACES = re.compile(r"<PLACES>(.*?)</PLACES>", re.S)
_D = re.compile(r"<D>(.*?)</D>", re.S)
_TEXT = re.compile(r"<TEXT\b([^>]*)>(.*?)(?:</TEXT>|$)", re.S)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_DATELINE = re.compile(r"<DATELINE>(.*?)</DATELINE>", re.S)
_BODY = re.compile(r"<BODY>(.*?)(?:</BODY>|$)", re.S)
_TAG = re.compile(r"<[^>]*>")
# Wire control characters (STX, ETX, SYN, DEL, ...) survive as &#n; entities or raw bytes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PLACEHOLDER_BODY = "blah blah blah."


def _text(raw: str) -> str:
    """Unescape entities, drop wire control characters and markup, trim each line's end."""
    text = _CONTROL.sub("", html.unescape(_TAG.sub("", raw)))
    return "\n".join(line.rstrip() for line in text.strip().splitlines()).strip()


def _labels(pattern: re.Pattern[str], chunk: str) -> list[str]:
    found = pattern.search(chunk)
    if not found:
        return []
    return [label for label in (_text(d) for d in _D.findall(found.group(1))) if label]


def _story(chunk: str, path: str, line: int) -> Item:
    if len(chunk) > MAX_RECORD_BYTES:
        return too_big(path, line, len(chunk))
    if _END not in chunk:
        return SourceError(path, line, "story is cut off (no </REUTERS>): the file is truncated; re-copy it", record=chunk)
    attrs = _ATTRS.match(chunk)
    newid = _NEWID.search(attrs.group(1)) if attrs else None
    if not newid:
        return SourceError(path, line, 'story has no NEWID="..." attribute, so it has no stable id', record=chunk)
    date = None
    date_tag = _DATE.search(chunk)
    if date_tag:
        raw_date = _CONTROL.sub("", html.unescape(date_tag.group(1))).strip()
        part = _DATE_PART.search(raw_date)
        try:
            # The wire's own format, read directly: parse_date's format list costs 10x more.
            if part and part.group(2).upper() in _MONTHS:
                day, month, year = part.groups()
                date = _dt.date(int(year), _MONTHS[month.upper()], int(day))
            else:
                date = parse_date(raw_date)
        except ValueError as exc:
            return SourceError(path, line, f"story {newid.group(1)}: unreadable <DATE> ({exc})", record=chunk)
    text = _TEXT.search(chunk)
    attrs_text, content = (text.group(1), text.group(2)) if text else ("", "")
    title_tag = _TITLE.search(content)
    title = " ".join(_text(title_tag.group(1)).split()) if title_tag else ""
    body_tag = _BODY.search(content)
    body = _text(body_tag.group(1)) if body_tag else ""
    if "UNPROC" in attrs_text and not title_tag:
        # Unprocessed stories are tables with no markup: first line is the headline.
        lines = _text(content).split("\n", 1)
        title, body = lines[0].strip(), (lines[1] if len(lines) > 1 else "")
    if body.casefold() == _PLACEHOLDER_BODY:
        body = ""
    dateline_tag = _DATELINE.search(content)
    dateline = " ".join(_text(dateline_tag.group(1)).split()) if dateline_tag else ""
    if dateline and body:
        body = f"{dateline} {body}"
    if not title:
        return SourceError(path, line, f"story {newid.group(1)} has no <TITLE> and no text to take one from", record=chunk)
    topics = _labels(_TOPICS, chunk)
    places = _labels(_PLACES, chunk)
    return Release(
        id=f"reuters-{newid.group(1)}",
        title=title,
        body=body,
        date=date,
        type="story",
        source=SOURCE_LABEL,
        issues=tuple(topics),
        countries=(),
        extra={"places": places, "topics": topics},
    )


def parse(source: Source) -> Iterator[Item]:
    """Yield a Release (or a record-level SourceError) per ``<REUTERS>`` story of ``source``.

    >>> stories = list(parse("reut2-000.sgm"))  # doctest: +SKIP
    """
    path, text = read_all(source)
    starts = [m.start() for m in _START.finditer(text)]
    if not starts:
        if text.strip() and not re.fullmatch(r"\s*(<!DOCTYPE[^>]*>\s*)?", text):
            raise SourceError(path, None, "no <REUTERS> stories found: not a Reuters-21578 SGML file (pass another format=...)")
        return
    line = text.count("\n", 0, starts[0]) + 1
    ends = starts[1:] + [len(text)]
    previous = starts[0]
    for start, end in zip(starts, ends):
        line += text.count("\n", previous, start)
        previous = start
        yield _story(text[start:end], path, line)
