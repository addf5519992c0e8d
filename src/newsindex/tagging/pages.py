"""The country or issue a listing page's heading names: the newsroom's own label for its releases.

The headings come from the readers (sources/headings.py, ``Release.extra["page"]``); here they
are read with the taggers, and pipeline.extract_facets adds what they name to every release of
the page, beside what its own text names (given values still win).

Only a heading that *is* a country or an issue counts, since a wrong guess would label every
release of the page: "Bahrain | Human Rights Watch" and "News on Hong Kong" name a country,
"Death Penalty – Amnesty International USA" an issue; "Press releases | Amnesty International
USA" names neither (the site's own name is not what its pages are about), nor does a headline.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .issues import Taxonomy

__all__ = ["PageTopic", "page_topic", "issues_of"]

#: Words around a country's name in a heading that say nothing else ("Latest news on Hong Kong").
_FILLER = frozenset(
    "news latest press release releases updates update stories statements reports report media centre center "
    "in on about from the and & of for all our human rights country countries page region regions topic topics "
    "issue issues archive archives content occupied territory territories - – — / : |".split()
)


@dataclass(frozen=True)
class PageTopic:
    """The countries (ISO codes) and issues (slugs) a listing page's heading names, and the heading."""

    countries: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    heading: str = ""

    def __bool__(self) -> bool:
        return bool(self.countries or self.issues)


def _countries_of(segment: str) -> tuple[str, ...]:
    """The countries a heading segment consists of (every other word a filler), else ()."""
    from ..sources.headings import WORD
    from .countries import tag_countries

    tags = tag_countries("", title=segment)
    if not tags:
        return ()
    covered = {w.lower() for tag in tags for surface in tag.evidence for w in WORD.findall(surface)}
    words = [w.lower() for w in WORD.findall(segment)]
    if all(w in covered or w.rstrip(".") in covered or w in _FILLER for w in words):
        return tuple(tag.code for tag in tags)
    return ()


def issues_of(segment: str, taxonomy: Taxonomy | None) -> tuple[str, ...]:
    """The issue (or two) a short heading segment names, else ()."""
    from .issues import tag_issues

    tags = tag_issues("", title=segment, taxonomy=taxonomy)
    return tuple(tag.slug for tag in tags) if 1 <= len(tags) <= 2 else ()


def page_topic(headings: Iterable[str], taxonomy: Taxonomy | None = None, *, site: str = "") -> PageTopic:
    """The first heading segment (of ``headings``, in order) that is a country or an issue.

    ``site``: the site's name where the page states it; a segment equal to it is skipped.
    Every release of a page asks with the same headings: the answer is kept (per taxonomy).
    """
    return _page_topic(tuple(headings), taxonomy if taxonomy is None or _hashable(taxonomy) else _Unhashed(taxonomy), site)


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class _Unhashed:
    """A taxonomy that can't be a cache key (a mapping inside): keyed by identity instead."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy

    def __hash__(self) -> int:
        return id(self.taxonomy)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Unhashed) and other.taxonomy is self.taxonomy


@lru_cache(maxsize=256)
def _page_topic(headings: tuple[str, ...], key: object, site: str) -> PageTopic:
    taxonomy = key.taxonomy if isinstance(key, _Unhashed) else key
    from ..sources.headings import topic_segments

    for heading in headings:
        for segment in topic_segments(heading):
            if segment == site:
                continue
            countries = _countries_of(segment)
            issues = () if countries else issues_of(segment, taxonomy)
            if countries or issues:
                return PageTopic(countries, issues, segment)
    return PageTopic()
