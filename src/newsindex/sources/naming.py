"""The name of a source: what the ``source`` facet shows for releases whose record names none.

A file name is a poor label ("amnesty_newsroom-2021-12-03 (1).txt"), and a daily scrape saved
under a new dated name each morning must stay one source, not thirty. So, in this order:

1. the name the user gives (``load_releases(..., name="Amnesty USA")``, ``index --source``);
2. the site's name where the page itself states it: a title line such as
   "Press releases | Amnesty International USA" or a footer "© 2021 Human Rights Watch" (a
   year is required: photo credits such as "©Molly Crabapple" carry none);
3. the file's stem, cleaned: separators to spaces, dates, timestamps and copy counters
   dropped ("amnesty_newsroom-2021-12-03 (1)" → "amnesty newsroom").

A record that names its source (a JSON or CSV ``source``/``publisher`` field, a parser that
knows the collection) keeps it.
"""

from __future__ import annotations

import re
from typing import Iterable

__all__ = ["clean_stem", "site_name"]

_DATED = re.compile(
    r"""(?:^|[\s_.-])(?:
        \d{4}[-_.]?\d{2}[-_.]?\d{2}(?:[T_ -]?\d{2}[-_:.]?\d{2}(?:[-_:.]?\d{2})?)?   # 2021-12-03, 20211203, 2021-12-03T0700
        |\d{4}[-_.]\d{2}                                                       # 2021-12
        |\d{4}                                                                 # 2021
        |\d{1,2}[-_.]\d{1,2}[-_.]\d{2,4}                                       # 03-12-2021
    )$""",
    re.X,
)
_COPY = re.compile(r"(?:\s*\(\d+\)|\s*-\s*copy(?:\s*\(\d+\))?|^copy of\s+)", re.I)
_SEPARATORS = re.compile(r"[\s_]+|(?<=\s)-+|-+(?=\s)|^-+|-+$")


def clean_stem(stem: str) -> str:
    """A readable label from a file stem; the stem itself when cleaning would leave nothing."""
    text = _COPY.sub("", stem).strip()
    while True:
        shorter = _DATED.sub("", text).rstrip(" _.-")
        if shorter == text or not shorter:
            break
        text = shorter
    text = " ".join(_SEPARATORS.sub(" ", text).split())
    return text or stem


#: Words a page title uses for the newsroom part: "Press releases | <site>".
_NEWSROOM_WORDS = re.compile(
    r"^(?:the\s+)?(?:latest\s+|all\s+|our\s+)?(?:news(?:room)?|press(?:\s*room|\s+releases|\s+centre|\s+center|\s+office)|"
    r"media(?:\s+centre|\s+center|\s+room)?|releases|statements|announcements|updates|stories)(?:\s+(?:and|&)\s+\w+)?(?:\s+archive)?$",
    re.I,
)
_TITLE_SEP = re.compile(r"\s+[|–—·:]{1,2}\s+|\s+-\s+")
#: "© 2021 Site" with a year: a photo credit ("©Molly Crabapple", "© Photo News") has none.
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:©\s*)?\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*([^.|•©\n]{2,60}?)(?:\.|\s*\||\s*•|\s+all rights|\s*$)", re.I)
#: Lines read from the top of a page for a title line (a title is the first thing there).
_HEAD_LINES = 12


def _plausible(name: str) -> bool:
    words = name.split()
    # a title of a release ("Hong Kong: a crackdown") is not a site name: no colon, few words
    return 1 <= len(words) <= 6 and 2 <= len(name) <= 60 and name[0].isupper() and ":" not in name and not _NEWSROOM_WORDS.match(name)


def site_name(lines: Iterable[str]) -> str:
    """The site's name if the page's text states it (a title line or a copyright footer), else "".

    Only unambiguous statements count: a title line of the form "Newsroom | Site" (or
    "Site – Press releases") among the first lines, or "© 2021 Site" anywhere. A guess would
    put a wrong name on every release of the page, so when in doubt: "".
    """
    head: list[str] = []
    copyright_name = ""
    for number, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if len(head) < _HEAD_LINES:
            head.append(text)
        if len(text) <= 200:
            match = _COPYRIGHT.search(text)
            if match and _plausible(match.group(1).strip(" ,")):
                copyright_name = match.group(1).strip(" ,")
    for text in head:
        if len(text) > 100:
            continue
        parts = [p.strip() for p in _TITLE_SEP.split(text) if p.strip()]
        if len(parts) == 2:
            first, second = parts
            if _NEWSROOM_WORDS.match(first) and _plausible(second):
                return second
            if _NEWSROOM_WORDS.match(second) and _plausible(first):
                return first
    return copyright_name
