"""The newsroom listing page, as a browser's "save as text" gives it.

Two layouts are read:

* **date last** (the archive listing): ``[photo caption/credit] [type line] title summary date``,
  e.g. "(Photo by X/Getty Images)", "Press Release", the title, a summary often cut with "…",
  then "December 2, 2021";
* **date first** (a landing page): "December 3, 2021 • Press Release", then title and summary.

Entries are found by their date lines, the one thing every entry has; inside an entry, the type
line (from a known vocabulary: "Press Release", "Sheet of paper Report", "Update", …) anchors the
title. Page chrome (the "Newsroom" heading, tagline, press contact, "Read more", "Load more") is
skipped. An entry cut off before its date (the end of a saved page) is reported as incomplete —
never indexed with an invented date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from ..dates import parse_date
from ..errors import SourceError
from ..records import RELEASE_TYPES, Release, normalize_type
from ._common import Source, log, read_text, source_label, source_name

__all__ = ["parse"]

_MONTHS = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DATE = rf"(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_DATE_LINE = re.compile(rf"^\s*(?:Published:?\s*|Posted:?\s*)?({_DATE})\s*$", re.I)
_DATE_TYPE_LINE = re.compile(rf"^\s*({_DATE})\s*[•·|–—-]\s*(.+?)\s*$", re.I)
_CAPTION_HINT = re.compile(r"\bphoto\b|©|\bgetty\b|\bafp\b|\breuters\b|\bcredit\b|\bimages?\b|\bpict\b", re.I)
_CREDIT_PATTERNS = (
    re.compile(r"photo credit should read\s+([^)]+)", re.I),
    re.compile(r"\(?\s*photo(?:graph)?\s*(?:by|:)\s*([^)]+?)\s*\)?\s*$", re.I),
    re.compile(r"\(\s*photo(?:graph)?\s*(?:by|:)\s*([^)]+)\)", re.I),
    re.compile(r"©\s*([^)]+?)\s*\)?\s*$"),
    re.compile(r"credit:\s*(.+?)\s*$", re.I),
)
_CHROME = re.compile(
    r"^(newsroom|news|press room|read more|load more|show more|share( this)?|next|previous|back to top|"
    r"view all|see all|more news|filter|search|subscribe)\W*$|^if you are a member of the press|^below you.ll find",
    re.I,
)
_TYPE_WORDS = {variant for variants in RELEASE_TYPES.values() for variant in variants} | set(RELEASE_TYPES)
#: Titles are headlines: a "title" longer than this is really a summary paragraph.
_MAX_TITLE = 300


@dataclass(frozen=True, slots=True)
class _Para:
    """A paragraph: consecutive non-blank lines, with the line number of its first line."""

    line: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _type_of(line: str) -> str | None:
    """The type slug if ``line`` is a type line ("Sheet of paper Report" → "report"), else None."""
    words = re.sub(r"^sheet of paper\s+", "", line.strip(), flags=re.I)
    if not words or len(words.split()) > 4:
        return None
    folded = " ".join(re.sub(r"[^\w\s-]", " ", words.lower()).split())
    return normalize_type(words) if folded in _TYPE_WORDS else None


def _is_caption(para: _Para) -> bool:
    return bool(_CAPTION_HINT.search(para.text)) and _type_of(para.text) is None


def _credit(caption: str) -> str:
    for pattern in _CREDIT_PATTERNS:
        found = pattern.search(caption)
        if found:
            return found.group(1).strip(" .)")
    return ""


def _paragraphs(lines: list[tuple[int, str]]) -> list[_Para]:
    paras: list[_Para] = []
    current: list[str] = []
    start = 0
    for number, text in lines:
        stripped = text.strip()
        if stripped:
            if not current:
                start = number
            current.append(stripped)
        elif current:
            paras.append(_Para(start, tuple(current)))
            current = []
    if current:
        paras.append(_Para(start, tuple(current)))
    # A page saved without blank lines: split dates, type lines and captions into their own
    # paragraphs so the entry structure is still visible.
    out: list[_Para] = []
    for para in paras:
        chunk: list[str] = []
        chunk_start = para.line
        for offset, line in enumerate(para.lines):
            standalone = _DATE_LINE.match(line) or _DATE_TYPE_LINE.match(line) or _type_of(line)
            if standalone:
                if chunk:
                    out.append(_Para(chunk_start, tuple(chunk)))
                out.append(_Para(para.line + offset, (line,)))
                chunk, chunk_start = [], para.line + offset + 1
            else:
                if not chunk:
                    chunk_start = para.line + offset
                chunk.append(line)
        if chunk:
            out.append(_Para(chunk_start, tuple(chunk)))
    return [p for p in out if not _CHROME.search(p.text)]


def parse(source: Source) -> Iterator[Release | SourceError]:
    """Yield the releases of a newsroom listing page (and a SourceError per incomplete entry)."""
    path = source_name(source)
    label = source_label(source)
    paras = _paragraphs(read_text(source))
    if any(len(p.lines) == 1 and _DATE_TYPE_LINE.match(p.lines[0]) and _type_of(_DATE_TYPE_LINE.match(p.lines[0]).group(2) or "") for p in paras):  # type: ignore[union-attr]
        yield from _date_first(paras, path, label)
    else:
        yield from _date_last(paras, path, label)


def _release(path: str, label: str, anchor: _Para, date_text: str, title: str, summary: str, type_slug: str, caption: str) -> Release | SourceError:
    try:
        date = parse_date(date_text)
    except ValueError as exc:
        return SourceError(path, anchor.line, f"bad date {date_text!r}: {exc}", record=title)
    return Release(title=title, date=date, summary=summary, type=type_slug, source=label, caption=caption, credit=_credit(caption))


def _split_entry(paras: list[_Para]) -> tuple[str, str, str, str, _Para | None]:
    """(title, summary, type, caption, first paragraph) of the paragraphs of one entry."""
    type_at = next((i for i in range(len(paras) - 1, -1, -1) if len(paras[i].lines) == 1 and _type_of(paras[i].text)), None)
    caption = ""
    if type_at is not None:
        type_slug = _type_of(paras[type_at].text) or ""
        body = paras[type_at + 1 :]
        if type_at > 0 and _is_caption(paras[type_at - 1]):
            caption = paras[type_at - 1].text
        chrome = paras[: type_at - 1 if caption else type_at]
    else:
        type_slug = ""
        texts = list(paras)
        while texts and _is_caption(texts[0]) and len(texts) > 1:
            caption = texts.pop(0).text
        if len(texts) >= 2 and len(texts[-2].text) <= _MAX_TITLE:
            body, chrome = texts[-2:], texts[:-2]
        else:
            body, chrome = texts[-1:], texts[:-1]
    for skipped in chrome:
        log.debug("skipped page text at line %d: %.60s", skipped.line, skipped.text)
    if not body:
        return "", "", type_slug, caption, paras[type_at] if type_at is not None else None
    title = body[0].lines[0]
    rest = list(body[0].lines[1:]) + [p.text for p in body[1:]]
    return title, " ".join(rest).strip(), type_slug, caption, body[0]


def _date_last(paras: list[_Para], path: str, label: str) -> Iterator[Release | SourceError]:
    pending: list[_Para] = []
    for para in paras:
        date_line = _DATE_LINE.match(para.lines[0]) if len(para.lines) == 1 else None
        if not date_line:
            pending.append(para)
            continue
        title, summary, type_slug, caption, first = _split_entry(pending)
        if title:
            yield _release(path, label, para, date_line.group(1), title, summary, type_slug, caption)
        else:
            log.debug("%s:%d: a date with no entry before it", path, para.line)
        pending = []
    if pending:
        has_type = any(len(p.lines) == 1 and _type_of(p.text) for p in pending)
        texts = [p for p in pending if not _is_caption(p)]
        if has_type or (len(texts) >= 2 and len(texts[-1].text) > 80):
            title, _, _, _, first = _split_entry(pending)
            where = first.line if first else pending[0].line
            yield SourceError(
                path, where,
                f"incomplete entry {title[:70]!r}: no date line after it (the page may have been cut off); "
                "it was not indexed — save the whole page, or add its date",
                record="\n\n".join("\n".join(p.lines) for p in pending),
            )
        else:
            for p in pending:
                log.debug("skipped page text at line %d: %.60s", p.line, p.text)


def _date_first(paras: list[_Para], path: str, label: str) -> Iterator[Release | SourceError]:
    entries: list[tuple[_Para, str, str, list[_Para]]] = []
    for para in paras:
        match = _DATE_TYPE_LINE.match(para.lines[0]) if len(para.lines) == 1 else None
        date_only = _DATE_LINE.match(para.lines[0]) if len(para.lines) == 1 else None
        if match and _type_of(match.group(2)):
            entries.append((para, match.group(1), _type_of(match.group(2)) or "", []))
        elif date_only:
            entries.append((para, date_only.group(1), "", []))
        elif entries:
            entries[-1][3].append(para)
        else:
            log.debug("skipped page text at line %d: %.60s", para.line, para.text)
    carried_caption = ""
    for anchor, date_text, type_slug, body in entries:
        caption, carried_caption = carried_caption, ""
        # A caption at the end of an entry belongs to the photo of the next one.
        if len(body) > 1 and _is_caption(body[-1]):
            carried_caption = body.pop().text
        if body and _is_caption(body[0]) and len(body) > 1:
            caption = body.pop(0).text
        if not body:
            yield SourceError(path, anchor.line, f"incomplete entry dated {date_text}: no title after it (the page may have been cut off)", record=anchor.text)
            continue
        title = body[0].lines[0]
        summary = " ".join(list(body[0].lines[1:]) + [p.text for p in body[1:]]).strip()
        yield _release(path, label, anchor, date_text, title, summary, type_slug, caption)
