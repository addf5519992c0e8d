"""Newsroom listing pages, as a browser's "save as text" gives them.

A newsroom page has no markup left, only lines, so entries are found by their shape. Three
layouts are read:

* **date last** (an archive listing, like the bundled sample)::

      (Photo by Minas Panagiotakis/Getty Images)      optional caption/credit, one or more lines
      Press Release                                   optional type line
      WTA’s Decision Should Push for ...              title
      Responding to the Women’s Tennis ... …          summary (may span lines, often cut with "…")
      December 2, 2021                                date: ends the entry

* **date first** (a landing page, most NGO newsrooms): ``December 3, 2021 • Press Release`` (or
  a bare date) starts the entry, then title and summary; a caption or a type line at the end of
  an entry belongs to the next one.
* **middle**: title, then the date, then the summary.

What a date line is: :mod:`.datelines`. Which layout a page has is decided from the whole page
(:mod:`.layout`: the shape the text between dates shares, and which reading fits the page's two
ends); when the page does not tell, at its first date line as before: a line carrying date
*and* type ("December 3, 2021 • Press Release"), or a date with nothing but page chrome, menus
or short headings ("Latest news") before it, means date first; otherwise date last. Dates are
the one thing every entry has, so they are the anchors; inside an entry the type line (a label
from :data:`newsindex.records.RELEASE_TYPES`, any case, "Sheet of paper Report" being an icon's
alt text glued to "Report") anchors the title.

Page chrome is skipped (:mod:`.chrome`): headings ("Newsroom"), "Below you’ll find ...", the
press contact, "Read more", "Share this", "Load more", pagination, footers, "Tags:" lists; and
text repeated in every entry (:func:`.layout.drop_repeated`). The tagline of a page is not
recognisable as chrome in general, so the first entry of a date-last page is read from its end:
its caption is the last caption-like paragraph before its type line, and everything before that
is page text (logged at debug level, never a release).

Robustness decisions:

* An entry cut off before its date (the end of a saved page) is a record-level SourceError
  "incomplete entry ... no date" — never indexed with an invented date. Trailing text that does
  not look like an entry (no type line, no caption, no line long enough to be a summary) is
  treated as a page footer.
* A date line that cannot be a real date ("February 30, 2021") is a record error for its entry.
* A file with text but no date line at all is not a newsroom page: a file-level SourceError.
* Lines are stripped of bullets ("•", "-", "▪") before they are classified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from ..dates import parse_date
from ..errors import SourceError
from ..records import Release
from .datelines import DateLine, clean_line, join_labels, split_dated, date_line, numeric_order, resolve_numeric, type_of
from .chrome import CHROME, LABEL, NUMBER, credit_of, is_caption as _is_caption
from .layout import decide, demote_odd_dates, drop_repeated, join_stacked_dates, kind, is_heading, merge_adjacent_dates, repeated_titles, same_text, sides, template, trim
from ._common import MAX_RECORD_BYTES, Item, Source, lines_of, log, source_label, source_name, too_big

__all__ = ["parse", "credit_of", "type_of"]

_READ_MORE_TAIL = re.compile(r"\s*(?:read\s*more|continue\s*reading)\s*[»›→>.]*\s*$", re.I)
#: A headline is short; a "title" longer than this is really a summary paragraph.
_MAX_TITLE = 300
#: Trailing text with a line this long is a cut-off entry's summary, not a page footer.
_SUMMARY_LENGTH = 80


@dataclass(slots=True)
class _Para:
    """A paragraph: consecutive content lines, the number of its first line, and what it is."""

    line: int
    lines: list[str]
    date: DateLine | None = None
    type: str | None = None
    size: int = 0
    #: a bare number ("9", "2015"): pagination, unless it is part of a stacked date
    filler: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def raw(self) -> str:
        return "\n".join(self.lines)


@dataclass(slots=True)
class _Oversize:
    """A line or paragraph over MAX_RECORD_BYTES: reported, never kept."""

    line: int
    size: int


def _paragraphs(source: Source, path: str) -> Iterator[_Para | _Oversize]:
    """Paragraphs of content lines; chrome dropped; date and type lines always stand alone.

    Standalone date and type lines keep the entry structure visible in a page saved without
    blank lines.
    """
    current: _Para | None = None
    labelled = False  # inside a "Tags:" paragraph: its lines are tag names, not content
    for line in join_labels(lines_of(source)):
        if line.too_long:
            if current:
                yield current
                current = None
            yield _Oversize(line.number, line.size)
            continue
        text = line.text.strip()
        labelled = bool(text) and (labelled or bool(LABEL.match(clean_line(text))))
        if NUMBER.match(text):  # "9", "2015": kept aside in case they are a stacked date
            if current:
                yield current
                current = None
            yield _Para(line.number, [text], size=len(text), filler=True)
            continue
        # (pagination like "1 2 3 … 9" is chrome; "12.03.2024", also digits and dots, is a date)
        if not text or labelled or (CHROME.match(clean_line(text)) and date_line(text) is None):
            if text:
                log.debug("%s:%d: skipped page chrome %r", path, line.number, text[:60])
            if current:
                yield current
                current = None
            continue
        date = date_line(text)
        kind = None if date else type_of(text)
        dated = None if date or kind else split_dated(text)
        if dated:  # "12 March 2024 – Title": the date line, then the title starts a paragraph
            if current:
                yield current
            yield _Para(line.number, [dated[0].text], date=dated[0], size=len(text))
            current = _Para(line.number, [dated[1]], size=len(dated[1]))
            continue
        if date or kind:
            if current:
                yield current
                current = None
            yield _Para(line.number, [clean_line(text)], date=date, type=kind, size=len(text))
            continue
        if current is None:
            current = _Para(line.number, [])
        current.lines.append(text)
        current.size += len(text) + 1
        if current.size > MAX_RECORD_BYTES:
            yield _Oversize(current.line, current.size)
            current = None
    if current:
        yield current


@dataclass(slots=True)
class _Entry:
    """The paragraphs of one entry, between its anchors (date lines)."""

    paras: list[_Para] = field(default_factory=list)
    date_para: _Para | None = None
    first: bool = False

    @property
    def raw(self) -> str:
        paras = self.paras + ([self.date_para] if self.date_para is not None else [])
        return "\n\n".join(p.raw for p in sorted(paras, key=lambda p: p.line))


def _split(entry: _Entry, path: str) -> tuple[str, str, str, str, int] | None:
    """(title, summary, type, caption, line where the entry starts), or None when it has no title."""
    paras = [p for p in entry.paras]
    type_slug = entry.date_para.date.type if entry.date_para and entry.date_para.date else ""
    caption_paras: list[_Para] = []
    type_at = next(
        (i for i in range(len(paras) - 1, -1, -1) if paras[i].type is not None and any(p.type is None for p in paras[i + 1 :])),
        None,
    )
    if type_at is not None:
        type_slug = paras[type_at].type or type_slug
        before, body = paras[:type_at], paras[type_at + 1 :]
        before = [p for p in before if p.type is None]
        if entry.first:
            # Page text may precede the first entry: its caption is the caption-like run at the end.
            start = len(before)
            while start > 0 and _is_caption(before[start - 1].text):
                start -= 1
            skipped, caption_paras = before[:start], before[start:]
        else:
            skipped, caption_paras = [], before
        for p in skipped:
            log.debug("%s:%d: skipped page text %r", path, p.line, p.text[:60])
        start_line = (caption_paras[0] if caption_paras else paras[type_at]).line
    else:
        body = [p for p in paras if p.type is None]
        lead = [p for p in paras if p.type is not None]
        if lead and not type_slug:
            type_slug = lead[-1].type or ""
        last_caption = max((i for i, p in enumerate(body[:-1]) if _is_caption(p.text)), default=None)
        if last_caption is not None and (entry.first or all(_is_caption(p.text) for p in body[: last_caption + 1])):
            skipped, caption_paras, body = body[:0], body[: last_caption + 1], body[last_caption + 1 :]
            if entry.first:
                skipped, caption_paras = caption_paras[:-1], caption_paras[-1:]
        elif entry.first and len(body) > 2:
            # No type line and no caption: a headline and its summary are the last two paragraphs.
            cut = len(body) - 2 if len(body[-2].text) <= _MAX_TITLE else len(body) - 1
            skipped, body = body[:cut], body[cut:]
        elif entry.first and len(body) == 2 and is_heading(body[0]) and len(body[1].lines) >= 2:
            # A page heading ("Our news"), then the headline with its summary on the next lines.
            skipped, body = body[:1], body[1:]
        else:
            skipped = []
        for p in skipped:
            log.debug("%s:%d: skipped page text %r", path, p.line, p.text[:60])
        if not body:
            return None
        start_line = (caption_paras[0] if caption_paras else body[0]).line
    if len(body) > 1 and _is_caption(body[0].text) and not caption_paras:
        caption_paras, body = [body[0]], body[1:]
    if not body:
        return None
    body = _from_headline(body, path)
    title = clean_line(body[0].lines[0])
    rest = [" ".join(body[0].lines[1:])] + [p.text for p in body[1:]]
    summary = "\n\n".join(part for part in rest if part)
    summary = _READ_MORE_TAIL.sub("", summary).strip()
    caption = "\n".join(p.text for p in caption_paras)
    return title, summary, type_slug, caption, start_line


def _from_headline(body: list[_Para], path: str) -> list[_Para]:
    """The entry from its headline on: short lines before the title line that a summary follows
    (the previous entry's author, a tag) are left out."""
    kinds = [kind(p, _is_caption) for p in body]
    lead = 0
    while lead < len(kinds) - 1 and kinds[lead] == "N" and len(body[lead].text.split()) <= 2:
        lead += 1
    if lead and kinds[lead] == "H":  # one- or two-word labels ("Alex Forcier", "Kenya") before a headline
        for p in body[:lead]:
            log.debug("%s:%d: skipped %r before a headline", path, p.line, p.text[:60])
        return body[lead:]
    if "S" not in kinds[1:]:
        return body
    at = kinds.index("S", 1)
    if kinds[at - 1] != "H" or at == 1 or any(len(p.text.split()) > 4 for p in body[: at - 1]):
        return body
    for p in body[: at - 1]:
        log.debug("%s:%d: skipped %r before a headline", path, p.line, p.text[:60])
    return body[at - 1 :]


def _release(entry: _Entry, path: str, label: str) -> Item | None:
    """The Release of a complete entry (or the SourceError saying what is wrong with it)."""
    assert entry.date_para is not None and entry.date_para.date is not None
    parts = _split(entry, path)
    date_at = entry.date_para.line
    if parts is None:
        if not entry.paras:
            log.debug("%s:%d: a date with no entry, skipped", path, date_at)
            return None
        return SourceError(
            path, entry.paras[0].line, f"entry dated {entry.date_para.date.text!r} has no title: add one or remove the entry",
            record=entry.raw,
        )
    title, summary, type_slug, caption, start = parts
    start = min(start, date_at)
    try:
        date = parse_date(entry.date_para.date.text)
    except ValueError as exc:
        return SourceError(path, start, f"entry {title[:60]!r}: bad date on line {date_at}: {exc}", record=entry.raw)
    return Release(
        title=title,
        date=date,
        summary=summary,
        type=type_slug,
        source=label,
        caption=caption,
        credit=credit_of(caption),
    )


def _looks_like_entry(paras: Iterable[_Para]) -> bool:
    paras = list(paras)
    return any(p.type is not None or _is_caption(p.text) or any(len(t) >= _SUMMARY_LENGTH for t in p.lines) for p in paras)


def _incomplete(paras: list[_Para], path: str) -> SourceError:
    entry = _Entry(paras=paras)
    body = [p for p in paras if p.type is None and not _is_caption(p.text)] or paras
    title = body[0].lines[0]
    return SourceError(
        path,
        paras[0].line,
        f"incomplete entry {title[:60]!r}: no date line after it (the page looks cut off); it was not indexed — "
        "save the whole page again, or add the entry's date",
        record=entry.raw,
    )


def _page(source: Source, path: str) -> tuple[list[_Para | _Oversize], str | None]:
    """The page's paragraphs, furniture removed, and its layout when the page itself tells it."""
    paras: list[_Para | _Oversize] = list(_paragraphs(source, path))

    def joined(first: _Para, group: list[_Para], found: DateLine) -> _Para:
        text = " ".join(p.text.strip() for p in group)
        return _Para(first.line, [text], date=found, size=len(text))

    paras = [p for p in join_stacked_dates(paras, joined) if not (isinstance(p, _Para) and p.filler)]
    demote_odd_dates(paras, path)
    paras = merge_adjacent_dates(paras, path)
    order = numeric_order(p.date.text for p in paras if isinstance(p, _Para) and p.date is not None)
    if order is not None:  # "04/25/13": the page's own dates say which number is the month
        for p in paras:
            if isinstance(p, _Para) and p.date is not None:
                p.date = DateLine(resolve_numeric(p.date.text, order), p.date.type)
    paras, dropped = drop_repeated(
        paras, lambda p: isinstance(p, _Para) and p.type is None and not _is_caption(p.text)
    )
    for p in dropped:
        log.debug("%s:%d: skipped text repeated in every entry %r", path, p.line, p.text[:60])
    if any(isinstance(p, _Oversize) for p in paras):
        return paras, None  # the reader's own rule, which skips what follows an oversize record
    kinds = [kind(p, _is_caption) for p in paras]  # type: ignore[arg-type]
    layout = decide(kinds, repeats=repeated_titles(paras, kinds), sides=sides(paras))  # type: ignore[arg-type]
    log.debug("%s: layout from the page's shape: %s", path, layout or "not decided by it")
    if layout is None and "D" in kinds:
        layout = _layout_at_first_date(paras[: kinds.index("D")], paras[kinds.index("D")])  # type: ignore[arg-type]
    if layout in ("first", "last"):
        start, end = trim(kinds, layout)
        for p in paras[:start] + paras[end:]:
            log.debug("%s:%d: skipped page text %r", path, p.line, p.text[:60])  # type: ignore[union-attr]
        paras = paras[start:end]
    return paras, layout


def _layout_at_first_date(pending: list[_Para], para: _Para) -> str:
    """The rule when the page's shape does not tell: before the first date of a date-last page
    comes a whole entry (a title and its summary, usually a type line); before that of a
    date-first page, only headings; a type beside the date means date first."""
    content = [p for p in pending if p.type is None and not _is_caption(p.text)]
    kinds = [kind(p, _is_caption) for p in pending]
    # a type line counts when an entry's title follows it ("News" in a menu is not one)
    typed = any(k == "T" and any(later in "HS" for later in kinds[i + 1 :]) for i, k in enumerate(kinds))
    only_headings = all(is_heading(p) or kind(p, _is_caption) == "N" for p in content) and not typed
    return "first" if (para.date is not None and para.date.type) or only_headings else "last"


def parse(source: Source) -> Iterator[Item]:
    """Yield the releases of a newsroom page, and a SourceError per entry that cannot be read."""
    path, label = source_name(source), source_label(source)
    paras, layout = _page(source, path)  # layout "last", "first", "middle" or None (decided at the first date)
    if layout == "middle":
        yield from _parse_middle(paras, path, label)
        return
    pending: list[_Para] = []
    current: _Entry | None = None  # date-first layout: the entry being read
    carried: list[_Para] = []  # date-first layout: a caption waiting for its entry
    skipping = False  # after an oversize record: drop text up to the next date line
    seen_date = False
    seen_first = False
    first = True
    for para in paras:
        if isinstance(para, _Oversize):
            yield too_big(path, para.line, para.size)
            pending, current, carried, skipping = [], None, [], True
            continue
        if para.date is None:
            if skipping:
                continue
            if layout == "first" and current is not None:
                current.paras.append(para)
            else:
                pending.append(para)
            if layout != "first" and sum(p.size for p in pending) > MAX_RECORD_BYTES:
                yield too_big(path, pending[0].line, sum(p.size for p in pending))
                pending, skipping = [], True
            continue
        seen_date = True
        if layout is None or (layout == "first" and not seen_first):
            content = [p for p in pending if p.type is None and not _is_caption(p.text)]
            # Before the first date of a date-last page comes a whole entry (a title and its
            # summary, usually a type line); before that of a date-first page, only headings.
            only_headings = all(is_heading(p) for p in content) and not any(p.type for p in pending)
            layout = layout or ("first" if para.date.type or only_headings or skipping else "last")
            seen_first = True
            log.debug("%s: date-%s layout (decided at line %d)", path, layout, para.line)
            if layout == "first":
                # Before the first date there is only page text, and maybe the first photo caption.
                carried = [p for p in pending if _is_caption(p.text)][-1:]
                if pending and pending[-1].type is not None:  # "Press Release" just above the date
                    carried = [p for p in carried if p is not pending[-1]] + [pending[-1]]
                pending = []
        if skipping:
            skipping = False
            if layout == "last":
                pending = []
                continue
        if layout == "last":
            entry = _Entry(paras=pending, date_para=para, first=first)
            pending = []
            item = _release(entry, path, label)
            if item is not None:
                first = False
                yield item
            continue
        if current is not None:
            item, carried = _finish_first(current, path, label)
            if item is not None:
                yield item
        current = _Entry(paras=carried, date_para=para)
        carried = []
    if layout == "first" and current is not None:
        item, _ = _finish_first(current, path, label, last=True)
        if item is not None:
            yield item
        return
    if skipping or not pending:
        return
    if not seen_date:
        if any(p.type is not None for p in pending):
            yield _incomplete(pending, path)
            return
        raise SourceError(
            path,
            None,
            "no dated entries found: not a newsroom listing page (its entries end with a date line like "
            "'December 2, 2021'); for other files pass format='jsonl', 'csv' or 'reuters'",
        )
    if _looks_like_entry(pending):
        yield _incomplete(pending, path)
    else:
        for p in pending:
            log.debug("%s:%d: skipped page footer %r", path, p.line, p.text[:60])


def _finish_first(entry: _Entry, path: str, label: str, *, last: bool = False) -> tuple[Item | None, list[_Para]]:
    """Close a date-first entry: a caption at its end belongs to the next entry's photo."""
    carried: list[_Para] = []
    # a caption, or a type line ("Press Release" above the next date), at the end of an entry
    # belongs to the next one; a short label there ("Kenya", a topic) is the next one's tag, not text
    while not last and len(entry.paras) > 1:
        tail = entry.paras[-1]
        if tail.type is not None or _is_caption(tail.text):
            carried.insert(0, entry.paras.pop())
            if _is_caption(tail.text):
                break
        elif kind(tail, _is_caption) == "N":
            log.debug("%s:%d: skipped label %r before a date", path, tail.line, tail.text[:40])
            entry.paras.pop()
        else:
            break
    if not entry.paras:
        return (
            SourceError(
                path, entry.date_para.line if entry.date_para else None,
                f"incomplete entry dated {entry.date_para.date.text if entry.date_para and entry.date_para.date else '?'!r}: "
                "no title after its date line (the page may be cut off)",
                record=entry.raw,
            ),
            carried,
        )
    return _release(entry, path, label), carried


def _parse_middle(paras: list[_Para | _Oversize], path: str, label: str) -> Iterator[Item]:
    """The ``middle`` layout: title, DATE, [type], summary — the title is the line before its date."""
    body: list[_Para] = []  # paragraphs since the last date: its summary, then the next title
    previous: _Entry | None = None
    shape = None if any(isinstance(p, _Oversize) for p in paras) else template([kind(p, _is_caption) for p in paras])  # type: ignore[arg-type]
    for para in paras:
        if isinstance(para, _Oversize):
            yield too_big(path, para.line, para.size)
            continue
        if para.date is None:
            body.append(para)
            continue
        content = [p for p in body if p.type is None and not _is_caption(p.text)]
        title = content[-1] if content else None
        if previous is not None:
            _close_middle(previous, [p for p in body if p is not title])
            item = _release(previous, path, label)
            if item is not None:
                yield item
        body = []
        previous = _Entry(paras=[title] if title is not None else [], date_para=para) if title is not None else None
        if title is None:
            yield SourceError(path, para.line, f"date {para.date.text!r} has no title line before it: not indexed", record=para.raw)
    if previous is not None:
        # after the last summary, a headline with a summary of its own is an entry cut off
        kinds = [kind(p, _is_caption) for p in body]
        lead = next((i for i, k in enumerate(kinds) if k != "T"), len(kinds))
        # the page's footer starts at the first menu, label or type line after the last summary
        end = next((i for i in range(lead, len(kinds)) if kinds[i] in "NMT"), len(kinds))
        for p in body[end:]:
            log.debug("%s:%d: skipped page footer %r", path, p.line, p.text[:60])
        body, kinds = body[:end], kinds[:end]
        cut = next((i for i in range(1, len(body) - 1) if kinds[i] == "H" and kinds[i + 1] == "S"), None)
        if shape is not None and shape.lstrip("T") == "H" and lead < len(body):
            cut = lead  # entries of a title alone: text after the last one is the next entry, cut off
        _close_middle(previous, body if cut is None else body[:cut])
        item = _release(previous, path, label)
        if item is not None:
            yield item
        if cut is not None:
            yield _incomplete(body[cut:], path)


def _close_middle(entry: _Entry, after: list[_Para]) -> None:
    """A middle-layout entry's text after its date: a type line right below the date is the
    entry's type (kept on its date line, so the title above stays the title); the headline
    printed again (in capitals, opening the teaser) is not summary text."""
    assert entry.date_para is not None and entry.date_para.date is not None
    while after and after[0].type is not None:
        if not entry.date_para.date.type:
            entry.date_para.date = DateLine(entry.date_para.date.text, after[0].type)
        after = after[1:]
    after = [p for p in after if p.type is None]  # a type label further down is no anchor here
    title = entry.paras[0].text if entry.paras else ""
    entry.paras.extend(p for p in after if not same_text(title, p.text))
