"""Recognising the date lines of newsroom listings: a date alone, or beside a type, a byline or a label.

Shared by the text (:mod:`.newsroom`) and HTML (:mod:`.html`) listing readers: dates are the one
thing every entry of a listing has, so they are the anchors entries are built around, and both
readers must agree on what counts as one.

A *date line* is a line whose only content besides one full date (day, month and year: "24 July
2014", "Thursday 13 August 2009", "Apr 23, 2013", "2021-12-02", "12.03.2024") is metadata:

* a type label on either side ("December 3, 2021 • Press Release", "Press release | 12 March 2024");
* a byline ("By Jane Doe | April 23, 2013", "April 23, 2013 by Jane Doe");
* a prefix ("Published: 12 March 2024", "Posted in Press Releases on April 17, 2015 |");
* a time ("March 12, 2024 10:00 AM ET").

Dates in German, French, Spanish, Italian, Dutch and Portuguese ("Montag, 3. Juli 2018",
"12 de marzo de 2024") are read as the English date they are (:func:`_english`).

A line that merely *mentions* a date ("Remembering 4 June 1989", "Public Schedule for April
18th - 19th") is not one: that is what keeps titles naming dates from becoming anchors.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ..dates import parse_date
from ..records import RELEASE_TYPES, normalize_type

__all__ = ["DateLine", "FIELD_LABEL", "join_labels", "split_dated", "date_line", "date_in", "date_of_element", "type_of", "clean_line", "DATE_RE", "numeric_order", "resolve_numeric", "date_shape"]

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:{_MONTH}\s+{_DAY},?\s+\d{{4}}|{_DAY}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{1,2}}-\d{{1,2}}|"
    rf"\d{{4}}/\d{{1,2}}/\d{{1,2}}|\d{{4}}\.\d{{1,2}}\.\d{{1,2}}|\d{{1,2}}-{_MONTH}-\d{{4}}|"
    rf"\d{{1,2}}\.\d{{1,2}}\.\d{{4}}|\d{{1,2}}/\d{{1,2}}/(?:\d{{4}}|\d{{2}}))"
)
#: A full date anywhere in a text (word-bounded), for finding the date inside a metadata line.
DATE_RE = re.compile(rf"(?<![\w.-]){_DATE}(?![\w-])", re.I)
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?,?\s+)"
_PREFIX = r"(?:(?:published|posted|released|updated|date)(?:\s+on)?\s*:?\s*)"
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{2,4})?)"
_DATE_LINE = re.compile(rf"{_PREFIX}?{_WEEKDAY}?({_DATE}){_TIME}?", re.I)
_SEP = r"\s*(?:[•·|/–—]|\s-\s)\s*"
_DATE_THEN_TYPE = re.compile(rf"{_PREFIX}?{_WEEKDAY}?({_DATE}){_TIME}?{_SEP}([^\d•·|]{{2,40}})", re.I)
_TYPE_THEN_DATE = re.compile(rf"([^\d•·|]{{2,40}}?){_SEP}{_WEEKDAY}?({_DATE}){_TIME}?", re.I)

_BULLET = re.compile(r"^(?:[•·▪►▸◦*]|[-–—](?=\s))\s*")
_TYPE_WORDS = frozenset(
    " ".join(re.sub(r"[^\w\s]", " ", words).split()) for variants in RELEASE_TYPES.values() for words in variants
) | frozenset(slug.replace("-", " ") for slug in RELEASE_TYPES)
#: Alt texts of the icons some newsrooms put before the type label ("Sheet of paper Report").
_ICON_WORDS = re.compile(r"^(?:sheet of paper|document|megaphone|microphone|newspaper|paper|file|icon|pdf)\s+")

#: The metadata that may stand beside a date on a date line (besides a type label).
_META_PART = re.compile(
    r"""^(?:
        (?:(?:submitted|posted|published|written|filed)\s+)?by\s+\S.{0,60}  # a byline ("Submitted by admin on")
        |(?:(?:originally\s+)?(?:published|posted|released|updated|issued|date[d]?|last\s+updated)
            (?:\s+in\s+[\w\s&,'-]{1,40}?)?(?:\s+(?:on|at))?\s*:?)  # a prefix: "Posted in Press Releases on"
        |(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?,?   # a weekday
        |\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{2,4})?     # a time
        |\d{1,5}|\d+\s+comments?|no\s+comments|\d+\s+min(?:ute)?s?\s+read  # counters
        |[^\w]*                                                    # separators only
    )$""",
    re.I | re.X,
)
_SEPARATORS = re.compile(r"\s*(?:[•·|/–—,]|\s-\s)\s*")
#: Between the fields of a metadata line with several dates ("Posted 12 Mar 2024 · Originally published 10 Mar 2024").
_FIELD_SEPARATORS = re.compile(r"\s+[•·|]\s+")
#: A labelled field beside a date ("Source: OCHA", "Format: News and Press Release").
_FIELD = re.compile(
    r"^(format|source|sources|country|countries|type|content\s+type|category|categories|theme|themes|language|author|authors|origin)\s*:\s*(.+)$",
    re.I,
)


#: A metadata label printed on a line of its own, its value on the next ("Posted" / "12 Mar 2024").
FIELD_LABEL = re.compile(
    r"^(?:format|source|sources|country|countries|type|content\s+type|category|categories|theme|themes|language|"
    r"author|authors|origin|(?:originally\s+)?(?:published|posted|released|issued)(?:\s+on)?|date|dated|last\s+updated|updated)\s*:?$",
    re.I,
)
#: Categories after a date ("in News", "Filed under Asia, Human rights"; in HTML often a bare
#: "in" before the category links): short, no sentence punctuation.
_FILED_IN = re.compile(r"^\s*,?\s*(?:in|filed\s+under|under)(?:\s+[^.!?:;]{1,60})?\s*$", re.I)


@dataclass(frozen=True, slots=True)
class DateLine:
    """What a date line says: the date's text, and the type label when the line carries one."""

    text: str
    type: str = ""


def clean_line(line: str) -> str:
    """A line without its surrounding space and leading bullet ("• June 11, 2014" → "June 11, 2014")."""
    return _BULLET.sub("", line.strip()).strip()


def type_of(line: str) -> str | None:
    """The type slug when ``line`` is a type line ("PRESS RELEASE" → "press-release"), else None."""
    words = " ".join(re.sub(r"[^\w\s]", " ", clean_line(line).casefold()).split())
    if not words or len(words) > 40:
        return None
    if words not in _TYPE_WORDS:
        words = _ICON_WORDS.sub("", words)
        if words not in _TYPE_WORDS:
            return None
    return normalize_type(words)


def _meta(side: str) -> tuple[bool, str]:
    """(is every part of ``side`` metadata, the type label among them or "")."""
    kind = ""
    side = side.strip()
    field = _FIELD.match(side.strip(" ;|•·"))
    if field:
        slug = type_of(field.group(2)) if field.group(1).casefold() in ("format", "type", "content type") else None
        return True, slug or ""
    for part in _SEPARATORS.split(side):
        part = part.strip(" :;")
        if not part or _META_PART.match(part):
            continue
        slug = type_of(part)
        if slug is None:
            return False, ""
        kind = kind or slug
    return True, kind


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
#: Month names of the other languages newsrooms publish in most (German, French, Spanish,
#: Italian, Dutch, Portuguese), full and abbreviated: a date line of theirs reads as the English one.
_FOREIGN_MONTHS = {
    word: number
    for number, words in enumerate((
        "januar jänner janvier janv enero gennaio januari janeiro",
        "februar février fevrier févr fevr febrero febbraio februari fevereiro",
        "märz maerz mär mars marzo maart março marco",
        "avril avr abril aprile",
        "mai mayo maggio mei maio",
        "juni juin junio giugno junho",
        "juli juillet juil julio luglio julho",
        "août aout agosto augustus",
        "septembre septiembre setiembre settembre setembro",
        "oktober okt octobre octubre ottobre outubro",
        "novembre noviembre novembro",
        "dezember dez décembre decembre déc diciembre dicembre dezembro",
    ), 1)
    for word in words.split()
} | {name.casefold(): number for number, name in enumerate(_MONTHS_EN, 1)} | {
    name[:3].casefold(): number for number, name in enumerate(_MONTHS_EN, 1)  # (for "29. April 2024": a German day)
} | {"sept": 9}
_FOREIGN_DATE = re.compile(
    r"(?<![\w.])(\d{1,2})(\.|er|º)?\s+(de\s+)?(" + "|".join(sorted(map(re.escape, _FOREIGN_MONTHS), key=len, reverse=True))
    + r")\.?,?\s+(?:de\s+)?(\d{4})(?!\d)",
    re.I,
)
_ENGLISH_MONTHS = frozenset(name.casefold() for name in _MONTHS_EN) | frozenset(name[:3].casefold() for name in _MONTHS_EN) | {"sept"}
_FOREIGN_WEEKDAY = re.compile(
    r"\b(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    r"lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo|luned[ìi]|marted[ìi]|mercoled[ìi]|gioved[ìi]|venerd[ìi]|sabato|"
    r"domenica|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|(?:segunda|ter[çc]a|quarta|quinta|sexta)-feira),?\s*",
    re.I,
)
_FOREIGN_PREFIX = re.compile(r"^(?:ver[öo]ffentlicht(?:\s+am)?|publi[ée](?:\s+le)?|publicado(?:\s+el)?|pubblicato(?:\s+il)?|gepubliceerd(?:\s+op)?|datum|date)\s*:?\s*", re.I)


def _english(text: str) -> str:
    """A line's date in another language written the English way ("Montag, 3. Juli 2018" →
    "3 July 2018"; "12 de marzo de 2024" → "12 March 2024"), the rest of the line kept."""
    found = _FOREIGN_DATE.search(text)
    if not found or (found.group(4).casefold() in _ENGLISH_MONTHS and not found.group(2) and not found.group(3)):
        return text  # an English date ("12 Mar 2024") stays as written
    day, month, year = found.group(1), _MONTHS_EN[_FOREIGN_MONTHS[found.group(4).casefold()] - 1], found.group(5)
    before = _FOREIGN_PREFIX.sub("", _FOREIGN_WEEKDAY.sub("", text[: found.start()]))
    return f"{before}{int(day)} {month} {year}{text[found.end() :]}"


def date_line(line: str) -> DateLine | None:
    """The date a date line carries, or None when ``line`` is not a date line (see the module doc).
    Dates in German, French, Spanish, Italian, Dutch and Portuguese are read too (see _english)."""
    text = _english(clean_line(line))
    if len(text) > (160 if _FIELD_SEPARATORS.search(text) else 100) or not re.search(r"\d{4}|\d/\d{2}\b", text):
        return None
    if len(text) <= 80:
        found = _DATE_LINE.fullmatch(text)
        if found:
            return DateLine(found.group(1))
        found = _DATE_THEN_TYPE.fullmatch(text)
        if found:
            return DateLine(found.group(1), normalize_type(found.group(2)))
        found = _TYPE_THEN_DATE.fullmatch(text)
        if found and type_of(found.group(1)):
            return DateLine(found.group(2), type_of(found.group(1)) or "")
    # The general case: one date, and only metadata (bylines, prefixes, labels) around it.
    dates = list(DATE_RE.finditer(text))
    if len(dates) > 1:
        return _fields_line(text)
    if len(dates) != 1:
        return None
    found = dates[0]
    before_ok, before_type = _meta(text[: found.start()])
    after_ok, after_type = _meta(text[found.end() :])
    if not after_ok and _FILED_IN.match(text[found.end() :]):
        after_ok = True  # "June 11, 2024 in Human rights, Asia": a blog's categories after its date
    if before_ok and after_ok:
        return DateLine(found.group(0), before_type or after_type)
    return None


_DATE_THEN_TITLE = re.compile(rf"{_PREFIX}?{_WEEKDAY}?({_DATE}){_TIME}?\s*(?:[–—|:]|\s-\s)\s*(\S.{{8,}})", re.I)


def split_dated(line: str) -> tuple[DateLine, str] | None:
    """(the date, the title) of a line that starts with a date and goes on with a headline
    ("12 March 2024 – Minister condemns attack on aid convoy", a widget's one-line entries), or
    None. The rest must be a headline: three words or more, no type label, no second date."""
    found = _DATE_THEN_TITLE.fullmatch(_english(clean_line(line)))
    if not found:
        return None
    rest = found.group(2).strip()
    if len(rest.split()) < 3 or type_of(rest) is not None or DATE_RE.search(rest) or _META_PART.match(rest):
        return None
    return DateLine(found.group(1)), rest


def _fields_line(text: str) -> DateLine | None:
    """A metadata line of several fields and dates: the first date, when every field is metadata."""
    first: DateLine | None = None
    kind = ""
    parts = _FIELD_SEPARATORS.split(text)
    if len(parts) < 2:
        return None
    for part in parts:
        dates = len(DATE_RE.findall(part))
        if dates > 1:
            return None
        if dates:
            found = date_line(part)
            if found is None:
                return None
            first = first or found
            kind = kind or found.type
        else:
            ok, slug = _meta(part)
            if not ok:
                return None
            kind = kind or slug
    return DateLine(first.text, kind) if first is not None else None


_NUMERIC = re.compile(r"^(\d{1,2})([./])(\d{1,2})[./](\d{4}|\d{2})$")


def numeric_order(texts: Iterable[str]) -> str | None:
    """How a page writes its numeric dates: "dmy", "mdy", or None when the page does not show it.

    Decided from the page itself: a first number over 12 (25/04/13) means day first, a second
    over 12 (04/25/13) month first. A page showing both, or neither, leaves it undecided (and its
    slashed dates are refused as ambiguous; dotted ones stay day-first, their common reading).
    """
    day_first = month_first = False
    for text in texts:
        found = _NUMERIC.match(text.strip())
        if found:
            a, b = int(found.group(1)), int(found.group(3))
            day_first |= a > 12 >= b
            month_first |= b > 12 >= a
    if day_first == month_first:
        return None
    return "dmy" if day_first else "mdy"


def resolve_numeric(text: str, order: str | None) -> str:
    """A numeric date as ISO ("04/25/13", "mdy" → "2013-04-25") when the order is known; a
    two-digit year is 19xx from 70 on, else 20xx (the POSIX rule). Other texts are returned as they are."""
    found = _NUMERIC.match(text.strip())
    if not found or order is None or (order == "dmy" and found.group(2) == "."):
        return text
    a, b, year = int(found.group(1)), int(found.group(3)), int(found.group(4))
    if len(found.group(4)) == 2:
        year += 1900 if year >= 70 else 2000
    day, month = (a, b) if order == "dmy" else (b, a)
    return f"{year:04d}-{month:02d}-{day:02d}"


_MONTH_WORD = re.compile(_MONTH, re.I)


def date_shape(text: str) -> str:
    """How a date is printed, without its values ("April 17, 2015" → "M 9, 9"; "05/01/13" → "9/9/9")."""
    return re.sub(r"\d+", "9", _MONTH_WORD.sub("M", text.strip())).casefold()


def join_labels(lines: Iterable[Any]) -> Iterator[Any]:
    """Lines, a field label on a line of its own joined to its value on the next ("Posted" /
    "12 Mar 2024" is "Posted: 12 Mar 2024"): ReliefWeb-style metadata saved as text."""
    held = None
    for line in lines:
        if held is not None:
            if line.text.strip() and not line.too_long:
                yield dataclasses.replace(held, text=f"{held.text.strip()}: {line.text.strip()}")
                held = None
                continue
            yield held
            held = None
        if not line.too_long and FIELD_LABEL.match(line.text.strip()):
            held = line
            continue
        yield line
    if held is not None:
        yield held


# ----------------------------------------------------------------------------- dates in HTML
# Shared by the HTML listing reader and the article reader (the date beside a headline).

#: Date text longer than this is prose mentioning a date, not a date.
_MAX_DATE_TEXT = 100
_SPACES = re.compile(r"\s+")


def date_in(text: str, order: str | None = None) -> tuple[_dt.date, str] | None:
    """(the date, the text showing it) when ``text`` is a date line; numeric dates read in ``order``."""
    text = _SPACES.sub(" ", text).strip()
    if not text or len(text) > _MAX_DATE_TEXT or not re.search(r"\d{4}|\d/\d{2}\b", text):
        return None
    found = date_line(text)
    if found is None:
        return None
    try:
        return parse_date(resolve_numeric(found.text, order)), text
    except ValueError:
        return None


def date_of_element(element, order: str | None = None) -> tuple[_dt.date, str] | None:
    """The date an (lxml) element shows as a whole: ``<time datetime>``, or a small date box."""
    if element.tag == "time":
        stamp = (element.get("datetime") or "").strip()
        if re.match(r"\d{4}-\d{2}-\d{2}", stamp):
            try:
                return _dt.date.fromisoformat(stamp[:10]), _SPACES.sub(" ", element.text_content()).strip() or stamp  # the day as the page writes it
            except ValueError:
                pass
        return date_in(element.text_content(), order)
    # A date box ("Mar" / "9" / "2015" in three divs): a few leaf children, no links.
    if 0 < len(element) <= 4 and all(len(child) == 0 and child.tag != "a" for child in element):
        # (the pieces joined with spaces: "<span>Jun</span><span>11</span>" shows as two lines)
        pieces = [element.text or ""] + [f"{child.text or ''} {child.tail or ''}" for child in element]
        return date_in(" ".join(pieces), order)
    return None
