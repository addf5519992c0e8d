"""Facet counts: how many of a result set's releases carry each value of a facet, with display labels.

Counted from the snapshot's facet tables (snapshot.py), exactly, for multi-valued fields too.
Date buckets come back in time order with the empty ones filled in (timeline.py); the other
facets most frequent first, then by value.
"""

from __future__ import annotations

import bisect
from collections import Counter
from operator import itemgetter
from typing import TYPE_CHECKING

from .results import FacetCount
from .schema import TIME_FACETS
from .snapshot import Snapshot
from .tagging.speakers import speaker_slug
from .timeline import fill_gaps

if TYPE_CHECKING:
    from .tagging.issues import Taxonomy

__all__ = ["count", "count_values", "facet_label"]

_TIME_FACETS = frozenset(TIME_FACETS)


def count(snap: Snapshot, name: str, docs: frozenset[int], taxonomy: Taxonomy | None = None) -> tuple[FacetCount, ...]:
    """The values of facet ``name`` among the docnums ``docs``, each with how many carry it."""
    counter = count_values(snap, name, docs)
    if name in _TIME_FACETS:
        ordered = sorted(counter.items())
        return fill_gaps(name, [FacetCount(value=v, count=c, label=v) for v, c in ordered])  # type: ignore[arg-type]
    ordered = sorted(counter.items())  # by value, then (stable) most frequent first
    ordered.sort(key=itemgetter(1), reverse=True)
    if name == "speaker":
        return tuple(FacetCount(value=v, count=c, label=speaker_name(snap, v)) for v, c in ordered)
    # FacetCounts are immutable, so one (facet, value, count) is made once per snapshot: making
    # and labelling ~40 of them per facet was most of a count's time.
    if snap.labels_taxonomy is not taxonomy:
        snap.facet_counts.clear()
        snap.facet_labels.clear()
        snap.labels_taxonomy = taxonomy
    made = snap.facet_counts
    if len(made) > FACET_COUNTS_KEPT:
        made.clear()
    counts = []
    for v, c in ordered:
        key = (name, v, c)
        fc = made.get(key)
        if fc is None:
            fc = made[key] = FacetCount(value=v, count=c, label=label_of(snap, name, v, taxonomy))
        counts.append(fc)
    return tuple(counts)


#: FacetCount objects kept per snapshot for reuse (each ~150 bytes).
FACET_COUNTS_KEPT = 100_000


def label_of(snap: Snapshot, name: str, value: str, taxonomy: Taxonomy | None) -> str:
    """facet_label, remembered per snapshot (the caller clears it when the taxonomy changes)."""
    label = snap.facet_labels.get((name, value))
    if label is None:
        label = snap.facet_labels[(name, value)] = facet_label(name, value, taxonomy)
    return label


#: Walking the documents (count their value combinations, snapshot.DocValues) costs about this
#: many set probes per document, measured on Reuters against one intersection per value.
DOC_WALK_COST = 2


def count_values(snap: Snapshot, name: str, docs: frozenset[int]) -> Counter[str]:
    """value -> how many of ``docs`` carry it (none: left out), by the cheaper of two walks.

    One set intersection per value costs the smaller of the two sets per value; counting the
    documents' value combinations costs a few probes per document. Every document of an index
    without deletions (the default listing): the value sets' own sizes.
    """
    by_value = snap.docs_by_value[name]
    size = len(snap.ids)
    if not snap.has_deletions and len(docs) == size:
        return Counter({value: len(value_docs) for value, value_docs in by_value.items() if value_docs})
    sizes, sums = snap.value_sizes(name)
    k = bisect.bisect_left(sizes, len(docs))
    per_value = sums[k] + len(docs) * (len(sizes) - k)
    if len(docs) * DOC_WALK_COST < per_value:
        return snap.values_by_doc[name].count(docs)
    counter: Counter[str] = Counter()
    for value, value_docs in by_value.items():
        shared = len(value_docs & docs)
        if shared:
            counter[value] = shared
    return counter


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

