"""Facet counts: how many of a result set's releases carry each value of a facet, with display labels.

Counted from the snapshot's facet tables (snapshot.py), exactly, for multi-valued fields too.
Date buckets come back in time order with the empty ones filled in (timeline.py); the other
facets most frequent first, then by value.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from .results import FacetCount
from .schema import TIME_FACETS
from .snapshot import Snapshot
from .tagging.speakers import speaker_slug
from .timeline import fill_gaps

if TYPE_CHECKING:
    from .tagging.issues import Taxonomy

__all__ = ["count", "facet_label"]

_TIME_FACETS = frozenset(TIME_FACETS)


def count(snap: Snapshot, name: str, docs: frozenset[int], taxonomy: Taxonomy | None = None) -> tuple[FacetCount, ...]:
    """The values of facet ``name`` among the docnums ``docs``, each with how many carry it.

    Walks whichever side is smaller: the documents (their values) or the facet's values (their
    documents, intersected with ``docs``).
    """
    counter: Counter[str] = Counter()
    if len(docs) * 4 < len(snap.docs_by_value[name]):
        by_doc = snap.values_by_doc[name]
        for n in docs:
            counter.update(by_doc.get(n, ()))
    else:
        for value, value_docs in snap.docs_by_value[name].items():
            shared = len(value_docs & docs)
            if shared:
                counter[value] = shared
    if name in _TIME_FACETS:
        ordered = sorted(counter.items())
        return fill_gaps(name, [FacetCount(value=v, count=c, label=v) for v, c in ordered])  # type: ignore[arg-type]
    ordered = sorted(counter.items(), key=lambda vc: (-vc[1], vc[0]))
    if name == "speaker":
        return tuple(FacetCount(value=v, count=c, label=speaker_name(snap, v)) for v, c in ordered)
    return tuple(FacetCount(value=v, count=c, label=facet_label(name, v, taxonomy)) for v, c in ordered)


def speaker_name(snap: Snapshot, slug: str) -> str:
    """The name as written ("Agnès Callamard") for a speaker slug, from one release that quotes them."""
    name = snap.speaker_names.get(slug)
    if name is None:
        name = slug.replace("-", " ").title()
        for docnum in sorted(snap.docs_by_value["speaker"].get(slug, ()))[:1]:
            for details in snap.searcher.stored_fields(docnum).get("speakers", ()):
                if speaker_slug(details.get("name", "")) == slug:
                    name = details["name"]
                    break
        snap.speaker_names[slug] = name
    return name


def facet_label(name: str, value: str, taxonomy: Taxonomy | None = None) -> str:
    """The display name of a facet value ("HK" → "Hong Kong", "death-penalty" → "Death penalty")."""
    if name == "country":
        from .tagging.names import country_name  # a dict and pycountry's file, not the tagger

        return country_name(value)
    if name == "issue":
        from .tagging.names import issue_label  # the shipped labels without the taxonomy code

        return issue_label(value, taxonomy)
    if name == "type":
        return value.replace("-", " ").capitalize()
    return value  # a source's name as given ("Amnesty USA", not "Amnesty usa")

