"""Parsing the dates newsrooms print, without inventing any part of them.

Explicit ``strptime`` formats are tried first (fast, and exact about what they accept); python-
dateutil handles the long tail. dateutil fills a missing field from a default date, so
"December 2021" would silently become "December <today's day>, 2021": we parse twice with two
different defaults and refuse the text when the results differ, i.e. when a part was invented.
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = ["parse_date", "DATE_FORMATS"]

#: Tried in order before dateutil. Each one is a format real sources use.
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",  # 2021-12-02 (ISO, JSON exports)
    "%B %d, %Y",  # December 2, 2021 (newsroom listings)
    "%b %d, %Y",  # Dec 2, 2021
    "%b. %d, %Y",  # Dec. 2, 2021
    "%d %B %Y",  # 2 December 2021
    "%d %b %Y",  # 2 Dec 2021
    "%d-%b-%Y %H:%M:%S.%f",  # 26-FEB-1987 15:01:01.79 (Reuters-21578)
    "%d-%b-%Y %H:%M:%S",
    "%d-%b-%Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d",
    "%d.%m.%Y",  # 02.12.2021: dotted numeric dates are day-first by convention (DE, FR, NL, RU, …)
)

_DEFAULT_A = _dt.datetime(2000, 1, 1)
_DEFAULT_B = _dt.datetime(2001, 2, 2)
_SPACES = re.compile(r"\s+")
_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.I)


def parse_date(text: str | _dt.date) -> _dt.date:
    """Parse a publication date; raise ``ValueError`` saying why when it can't be trusted.

    >>> parse_date("December 2, 2021")
    datetime.date(2021, 12, 2)
    >>> parse_date("26-FEB-1987 15:01:01.79")
    datetime.date(1987, 2, 26)

    Impossible dates ("February 30, 2021") and dates with a missing day or year
    ("December 2021") raise ``ValueError``; numeric day/month orders other than ISO are
    ambiguous (is 03/04/2021 March or April?) and are refused too.
    """
    if isinstance(text, _dt.datetime):
        return text.date()
    if isinstance(text, _dt.date):
        return text
    if not isinstance(text, str):
        raise TypeError(f"date must be a string or a date, not {type(text).__name__}")
    cleaned = _SPACES.sub(" ", text.strip()).strip(" ,.")
    if not cleaned:
        raise ValueError("empty date")
    cleaned = _ORDINAL.sub("", cleaned)
    # Reuters prints "26-FEB-1987"; strptime's %b wants "Feb" on some platforms' locales.
    candidate = cleaned.title() if re.match(r"^\d{1,2}-[A-Za-z]{3}-\d{4}", cleaned) else cleaned
    # Python's %f takes 1-6 digits, but Reuters sometimes has a trailing garbage digit run.
    for fmt in DATE_FORMATS:
        try:
            return _dt.datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", cleaned):
        raise ValueError(f"impossible date {text!r} (read day.month.year)")
    if re.fullmatch(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}", cleaned):
        raise ValueError(f"ambiguous numeric date {text!r}: write it as YYYY-MM-DD")
    return _parse_with_dateutil(text, cleaned)


def _parse_with_dateutil(original: str, cleaned: str) -> _dt.date:
    from dateutil import parser as _parser  # imported lazily: most dates never get here

    try:
        first = _parser.parse(cleaned, default=_DEFAULT_A, fuzzy=False)
        second = _parser.parse(cleaned, default=_DEFAULT_B, fuzzy=False)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"unrecognised date {original!r} ({exc})") from None
    if first.date() != second.date():
        missing = [name for name, a, b in (("year", first.year, second.year), ("month", first.month, second.month), ("day", first.day, second.day)) if a != b]
        raise ValueError(f"incomplete date {original!r}: no {' or '.join(missing)}")
    return first.date()
