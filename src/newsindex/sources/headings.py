"""A listing page's own headings: what a country or topic page calls itself.

Rights groups file their releases on country pages ("Bahrain", "Human rights in China") and
topic pages ("Refugee and Migrant Rights", "Capital Punishment"); the page a release is listed
on is the newsroom's own label for it, and often the only one ("Jau Prison: hundreds of
prisoners on hunger strike" names no country). The readers know the page, the taggers know
countries and issues, so: ``load_releases`` puts the headings of a listing page (HTML
``<h1>``, ``og:title``, ``<title>``; a feed's title; a text page's first line and a "Topic |
Site" title line) on each of its releases as ``extra["page"]["headings"]``, and
tagging/pages.py reads a country or an issue out of them when the facets are extracted.

A page of one release (an article) gets none: its heading is the release's title; nor does a
heading that is the page's first entry title (a text page without a heading of its own).
"""

from __future__ import annotations

import re
import dataclasses
from typing import Any, Callable, Iterable, Iterator

__all__ = ["WORD", "html_headings", "text_headings", "topic_segments", "with_page_headings", "page_headings", "TITLE_SEPARATORS"]

#: What separates a page's name from its site's in a title ("Bahrain | Human Rights Watch").
TITLE_SEPARATORS = re.compile(r"\s+[|–—·:»]{1,2}\s+|\s+-\s+")
#: Words of a newsroom's own name for its listing ("Media Releases", "Press and news"): no topic.
NEWSROOM_WORDS = frozenset("media press news newsroom release releases statement statements update updates story stories announcements room centre center latest all our the and & of".split())
#: A word of a heading ("U.S.", "Women's", "Guinea-Bissau").
WORD = re.compile(r"[^\W_]+(?:[.'’-][^\W_]+)*\.?", re.UNICODE)
#: A heading segment longer than this is a headline, not a page's name.
MAX_HEADING_WORDS = 7


def topic_segments(heading: str) -> list[str]:
    """The parts of a heading that could name a page's topic: short, and not the newsroom's own
    words ("Bahrain" and "Human Rights Watch" of "Bahrain | Human Rights Watch"; none of "Newsroom")."""
    from .naming import _NEWSROOM_WORDS

    heading = " ".join(heading.split())
    if not heading or len(heading) > 150:
        return []
    found = []
    for segment in (s.strip() for s in TITLE_SEPARATORS.split(heading)):
        words = WORD.findall(segment)
        if words and len(words) <= MAX_HEADING_WORDS and not _NEWSROOM_WORDS.match(segment) and not all(w.lower() in NEWSROOM_WORDS for w in words):
            found.append(segment)
    return found

_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1\s*>", re.I | re.S)
_OG_TITLE = re.compile(r"""<meta[^>]+property=["']og:title["'][^>]+content=["']([^"']*)["']""", re.I)
_TAG = re.compile(r"<[^>]+>")


def html_headings(text: str) -> list[str]:
    """A page's own headings, most telling first: its first ``<h1>``, ``og:title``, ``<title>``."""
    import html as _html

    head = text[:200_000]
    found = []
    for pattern in (_H1, _OG_TITLE, _TITLE):
        match = pattern.search(head)
        if match:
            found.append(_html.unescape(_TAG.sub(" ", match.group(1))).strip())
    return [h for h in found if h]


def text_headings(lines: Iterable[str]) -> list[str]:
    """A text page's heading: its first non-empty line, and a "Topic | Site" title line among the next."""
    found: list[str] = []
    for number, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if not found:
            found.append(text)
        elif TITLE_SEPARATORS.search(text) and len(text) <= 100:
            found.append(text)
        if number > 40 or len(found) >= 3:
            break
    return found


def page_headings(format: str, text: str, first: Any) -> list[str]:
    """The headings of a page of ``format`` ("html", "newsroom", "feed") whose text starts with
    ``text``; for a feed, its title (the first item's ``source``)."""
    if format == "feed":
        return [first.source]
    return html_headings(text) if format == "html" else text_headings(text.splitlines())


def with_page_headings(items: Iterable[Any], headings_of: Callable[[Any], list[str]]) -> Iterator[Any]:
    """``items`` (releases and SourceErrors) with the page's headings on each release
    (``extra["page"]["headings"]``) when the page is a listing: a second release shows it is
    one. ``headings_of(first release)`` reads them, once. A page of one release is an article,
    and a heading that is the first entry's title is no heading of the page's own."""
    held: Any = None
    headings: list[str] | None = None
    count = 0
    for item in items:
        if not hasattr(item, "title"):  # a SourceError: in its place
            yield item
            continue
        count += 1
        if count == 1:
            held = item
            continue
        if headings is None:
            found = headings_of(held)
            headings = [h for h in dict.fromkeys(found) if h and h.casefold() != held.title.casefold() and topic_segments(h)]
        for release in ((held, item) if held is not None else (item,)):
            yield dataclasses.replace(release, extra={**release.extra, "page": {"headings": headings}}) if headings else release
        held = None
    if held is not None:
        yield held
