"""Deciding a text listing page's entry pattern from the page itself.

A listing saved as text is a run of paragraphs with date lines among them. Dates are the
anchors; the question is which text around each date is *its* entry. Three patterns exist:

* ``last``:   [caption] [type] title [summary] DATE       (an archive listing, the bundled sample)
* ``first``:  DATE [type] title [summary]                 (landing pages, many NGO newsrooms)
* ``middle``: title DATE [type] summary                   (Drupal "congress" pages, some blogs)

Between two dates the text is the same under ``first`` and ``last`` — only whose date it is
differs — so the decision rests on what every page has: the *segments* between dates share one
shape (the page's template), and only one reading makes the page's two ends fit it. ``last``
needs a whole entry before the first date; ``first`` a whole entry after the last; ``middle``
is seen inside the segments (each ends with a title line right before its date, after a
summary). Where the ends do not tell, :func:`decide` returns None and the reader falls back to
its rule at the first date (a type beside the date, or only headings before it: ``first``).

Before deciding, page furniture is removed: a paragraph repeated across entries ("Preview",
"FOR IMMEDIATE RELEASE", "Contact: ...") is chrome, not a title; a date printed stacked on three
lines ("Mar" / "9" / "2015") is joined into one date line; and a date printed unlike the
entries' dates (a tweet widget's "04.18.2015" among "April 17, 2015") is not an anchor.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Callable, Sequence

from ._common import log
from .datelines import date_line, date_shape

__all__ = ["decide", "template", "trim", "join_stacked_dates", "drop_repeated", "demote_odd_dates", "merge_adjacent_dates", "kind", "repeated_titles", "same_text", "is_heading", "sides"]

#: A paragraph that recurs in this many segments (and in a third of them) is page furniture.
_REPEATS = 3
_MONTH_HEADING = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}$", re.I
)


def kind(para: Any, is_caption: Callable[[str], bool]) -> str:
    """D date, T type, C caption, H a title-like line, S a summary (prose), M a month heading,
    N a navigation label (a title-like line of at most three words, or a site title with "|")."""
    if para.date is not None:
        return "D"
    if para.type is not None:
        return "T"
    text = para.text.strip()
    if is_caption(text):
        return "C"
    if _MONTH_HEADING.match(text):
        return "M"
    if len(para.lines) > 1 and all(len(line.split()) <= 3 for line in para.lines):
        return "N"  # a menu: "Home / About us / News / Contact"
    sentence = text.endswith((".", "…", "...", "!", "?")) and len(text.split()) > 12
    if len(para.lines) == 1 and len(text) <= 200 and not sentence:
        return "N" if len(text.split()) <= 3 or " | " in text else "H"
    return "S"


def join_stacked_dates(paras: list, make_date: Callable[[Any, list, Any], Any]) -> list:
    """Join a date printed on two or three short lines ("Mar" / "9" / "2015") into one date para."""
    out: list = []
    i = 0
    while i < len(paras):
        joined = None
        for size in (3, 2):
            group = paras[i : i + size]
            if len(group) < size or any(getattr(p, "date", 1) is not None or len(p.text) > 12 for p in group):
                continue
            found = date_line(" ".join(p.text.strip() for p in group))
            if found is not None:
                joined = make_date(group[0], group, found)
                i += size
                break
        if joined is None:
            out.append(paras[i])
            i += 1
        else:
            out.append(joined)
    return out


def demote_odd_dates(paras: list, path: str) -> None:
    """Dates printed unlike the page's own entries are not anchors.

    A listing prints every entry's date the same way ("April 17, 2015"); a date in another
    form on the same page ("04.18.2015" under a tweet, "8 Mar" in a sidebar) belongs to a
    widget, and is kept as plain text rather than made an entry's end.
    """
    dated = [p for p in paras if getattr(p, "date", None) is not None]
    if len(dated) < 4:
        return
    shapes = Counter(date_shape(p.date.text) for p in dated)  # type: ignore[union-attr]
    main, count = shapes.most_common(1)[0]
    if count * 3 < len(dated) * 2:
        return  # no one form dominates: nothing to tell widgets by
    for p in dated:
        if date_shape(p.date.text) != main:  # type: ignore[union-attr]
            log.debug("%s:%d: date %r is not printed like the entries' dates: kept as text", path, p.line, p.text[:40])
            p.date = None


def merge_adjacent_dates(paras: list, path: str) -> list:
    """One anchor per entry: a date line right after another ("Posted 12 Mar 2024" then
    "Originally published 10 Mar 2024") is the same entry's second date; the first one is kept."""
    out: list = []
    for para in paras:
        previous = out[-1] if out else None
        if getattr(para, "date", None) is not None and previous is not None and getattr(previous, "date", None) is not None:
            log.debug("%s:%d: second date line %r of one entry: the first is kept", path, para.line, para.text[:40])
            continue
        out.append(para)
    return out


def drop_repeated(paras: list, keep: Callable[[Any], bool]) -> tuple[list, list]:
    """(paras without the ones repeated across segments, the dropped ones). ``keep`` spares some."""
    dates = sum(1 for p in paras if getattr(p, "date", None) is not None)
    if dates < _REPEATS:
        return paras, []
    limit = max(_REPEATS, dates // 3)
    counts = Counter(_key(p) for p in paras if getattr(p, "date", 1) is None and keep(p))
    repeated = {text for text, n in counts.items() if n >= limit and text}
    # "Contact: Amy B. Lazenby", "Contact: Dan Susskind": the same short label in every entry
    labels = Counter(_label(p) for p in paras if getattr(p, "date", 1) is None and keep(p))
    repeated_labels = {label for label, n in labels.items() if n >= limit and label}
    kept = [
        p for p in paras
        if getattr(p, "date", 1) is not None or not keep(p) or (_key(p) not in repeated and _label(p) not in repeated_labels)
    ]
    dropped = [p for p in paras if p not in kept]
    return kept, dropped


#: A "Label: value" line with a longer value is a headline ("Iran: Protesters Executed After Sham
#: Trials", as Amnesty and HRW title every entry of a country page), not boilerplate.
_LABEL_VALUE_WORDS = 5


def _label(para: Any) -> str:
    """The label of a "Label: value" line ("contact"), or ""."""
    text = para.text.strip()
    found = re.match(r"^([^\W\d][\w ]{0,18}):\s+\S", text)
    if not found or len(para.lines) != 1 or len(para.text) > 80 or len(text[found.end(1) + 1 :].split()) > _LABEL_VALUE_WORDS:
        return ""
    return found.group(1).casefold()


def _key(para: Any) -> str:
    return " ".join(para.text.casefold().split())


def _content(kinds: str) -> str:
    """The kinds that make an entry's shape (captions, headings and labels are optional extras)."""
    return kinds.replace("C", "").replace("M", "").replace("N", "")


def template(kinds: Sequence[str]) -> str:
    """The shape most segments between two dates have ("THS": type, title, summary), or ""."""
    segments = [_content(s) for s in "".join(kinds).split("D")]
    if len(segments) < 4:  # fewer than three dates: too few segments to call a shape the page's
        return ""
    shapes = Counter(s for s in segments[1:-1] if s)
    return shapes.most_common(1)[0][0] if shapes else ""


def decide(kinds: Sequence[str], *, repeats: int = 0, sides: tuple[int, int] | None = None) -> str | None:
    """"first", "last", "middle", or None when the page's ends do not tell (see the module doc).

    ``kinds``: one letter per paragraph (see :func:`kind`), "D" for each date. ``repeats``: how
    many dates have the title-like line just above them printed again below them (a teaser that
    opens with the headline in capitals): no reading but ``middle`` makes sense of that, since
    under ``first`` an entry's last line would be the next entry's title. ``sides``: see
    :func:`sides`, consulted when both ends of the page fit both readings.
    """
    shape = template(kinds)
    if not shape:
        return None
    raw = "".join(kinds).split("D")
    segments = [_content(s) for s in raw]
    head, middle, tail = segments[0], segments[1:-1], segments[-1]
    dates = len(segments) - 1
    if repeats >= max(2, dates // 3) and head.endswith("H"):
        return "middle"
    # middle: each segment is the previous entry's summary, then the next entry's title.
    ends_with_title = sum(1 for s in middle if len(s) >= 2 and s.endswith("H") and "S" in s[:-1].replace("T", ""))
    if ends_with_title * 2 > len(middle) and head.endswith("H"):
        return "middle"
    # A type line right below (nearly) every date belongs to that date's entry: date first or
    # middle. Middle when a title stands right above the first date and the last date's type
    # is followed by no title at all (the footer): under ``first`` that entry would have none.
    typed = sum(1 for s in segments[1:] if s.startswith("T"))
    if typed * 3 >= dates * 2 and head.endswith("H") and middle and all(s.endswith("H") for s in middle):
        after_type = raw[-1].lstrip("C").removeprefix("T").lstrip("C")
        if not after_type or after_type[0] in "NMS":  # (under ``first``, a type with no title after it)
            return "middle"
        # a headline right above the first date, and after the last date's type a headline
        # with a summary on a page whose entries have none: that is an entry cut off, not the
        # last entry of a date-first page (whose first title would be the line above its date)
        if "S" not in shape and raw[0].rstrip("C").endswith("H") and after_type[:2] in ("HS", "HH"):
            return "middle"
    fits_head = head.endswith(shape)
    fits_tail = tail.startswith(shape)
    if fits_head and not fits_tail:
        return "last"
    if fits_tail and not fits_head:
        return "first"
    if sides is not None:  # both ends fit: the blank lines tell which text a date goes with
        below, above = sides
        if below * 3 >= dates * 2 and above * 6 <= dates:
            return "first"
        if above * 3 >= dates * 2 and below * 6 <= dates:
            return "last"
    return None


def sides(paras: list) -> tuple[int, int]:
    """(dates printed in one block with the line below them and apart from the line above, the
    other way round). A browser's text puts a blank line between blocks, so a date belongs to
    the text it is printed with ("12 March 2024" / "Title" / blank: date first)."""
    below = above = 0
    for i, para in enumerate(paras):
        if getattr(para, "date", None) is None or i == 0 or i + 1 == len(paras):
            continue
        before, after = paras[i - 1], paras[i + 1]
        tight_above = before.line + len(before.lines) == para.line
        tight_below = para.line + len(para.lines) == after.line
        below += tight_below and not tight_above
        above += tight_above and not tight_below
    return below, above


def trim(kinds: Sequence[str], layout: str) -> tuple[int, int]:
    """(first, end): the paragraphs that can be entries; before ``first`` is the page's header and
    from ``end`` on its footer, when the page's end paragraphs fit its template exactly.

    In a date-last page the first entry is the template's worth of paragraphs before the first
    date (and the captions before them); in a date-first page the last entry is the template's
    worth after the last date. Whatever lies beyond is page text, never part of an entry.
    """
    shape = template(kinds)
    dates = [i for i, k in enumerate(kinds) if k == "D"]
    first, end = 0, len(kinds)
    if not shape or not dates:
        return first, end
    if layout == "last" and _content("".join(kinds[: dates[0]])).endswith(shape):
        need, i = len(shape), dates[0]
        while i > 0 and need:
            i -= 1
            need -= kinds[i] not in "CMN"
        while i > 0 and kinds[i - 1] == "C":
            i -= 1
        first = i
    after = _content("".join(kinds[dates[-1] + 1 :]))
    if layout == "first" and after.startswith(shape):
        need, i = len(shape), dates[-1] + 1
        while i < len(kinds) and need:
            need -= kinds[i] not in "CMN"
            i += 1
        end = i
    elif layout == "first" and not after.replace("T", ""):
        end = dates[-1] + 1  # nothing but labels after the last date: that entry was cut off
    return first, end


def same_text(a: str, b: str) -> bool:
    """Two headlines that are the same words (case, dashes, quotes and spacing aside)."""
    def norm(text: str) -> str:
        return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())

    return bool(norm(a)) and norm(a) == norm(b)


def repeated_titles(paras: list, kinds: Sequence[str]) -> int:
    """How many dates have the title-like line just above them repeated below them, before the
    next date (see :func:`decide`)."""
    count = 0
    dates = [i for i, k in enumerate(kinds) if k == "D"]
    for n, at in enumerate(dates):
        if at == 0 or kinds[at - 1] != "H":
            continue
        end = dates[n + 1] if n + 1 < len(dates) else len(paras)
        title = paras[at - 1].text
        if any(same_text(title, p.text) for p in paras[at + 1 : end]):
            count += 1
    return count


def is_heading(para: Any) -> bool:
    """A page heading ("Latest news", "Press releases"): one short line that is not a sentence."""
    text = para.text.strip()
    return len(para.lines) == 1 and len(text.split()) <= 5 and not text.endswith((".", "…", ":", "?", "!")) and '"' not in text
