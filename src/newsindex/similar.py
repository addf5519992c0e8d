"""More like this: releases on the same subject as a given one.

1. The release's *key terms*: its index terms weighted by how often it uses them (a title word
   counts like the title boost) and how rare they are in the archive, ``(1 + ln tf) * ln(1 + N/df)``;
   terms found in no other release can't connect it to anything, and terms in more than half of
   all releases are boilerplate ("said", the newsroom's own name): both are dropped.
2. Those terms, each boosted by its weight, are one OR query scored with the usual BM25F.
3. The text score is scaled to [0, 1] (the best candidate is 1) and shared facets add to it:
   ``similarity = text + COUNTRY_WEIGHT * jaccard(countries) + ISSUE_WEIGHT * jaccard(issues)``,
   so of two releases saying much the same, the one about the same country and issue ranks first.

The release itself is never in its own list. Ties go newer first, then by id (as in search).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, Iterable, Mapping

from whoosh import query as wq

from .ranking import BODY_BOOST, SUMMARY_BOOST, TITLE_BOOST
from .schema import TEXT_FIELDS

__all__ = ["KEY_TERMS", "COUNTRY_WEIGHT", "ISSUE_WEIGHT", "key_terms", "key_terms_query", "rank_similar"]

#: How many terms describe a release: enough to cover its subject (names, places, the issue),
#: few enough that boilerplate ("Amnesty International said today") doesn't dominate.
KEY_TERMS = 25
#: Sharing all countries (or all issues) with the release adds this much to a similarity whose
#: text part is at most 1: the facets refine the text match, they don't replace it.
COUNTRY_WEIGHT = 0.2
ISSUE_WEIGHT = 0.2
#: Terms in more than this share of all releases are boilerplate ("Amnesty International said
#: today"), not a subject: they'd make every release of a newsroom look alike.
MAX_DF_SHARE = 0.5
_FIELD_WEIGHTS = {"title": TITLE_BOOST, "summary": SUMMARY_BOOST, "body": BODY_BOOST}


def key_terms(searcher: Any, docnum: int, *, number: int = KEY_TERMS) -> list[tuple[str, float]]:
    """The ``number`` most characteristic (term, weight) pairs of a stored release, best first."""
    stored = searcher.stored_fields(docnum)
    reader = searcher.reader()
    analyzer = searcher.schema["body"].analyzer
    frequency: Counter[str] = Counter()
    for name in TEXT_FIELDS:
        text = stored.get(name) or ""
        for token in analyzer(text, mode="index"):
            frequency[token.text] += _FIELD_WEIGHTS.get(name, 1.0)
    total = max(reader.doc_count(), 1)
    weighted: list[tuple[str, float]] = []
    common: list[tuple[str, float]] = []
    for term, tf in frequency.items():
        df = max(reader.doc_frequency(name, term) for name in TEXT_FIELDS)
        if df <= 1:
            continue  # only this release has it
        pair = (term, (1.0 + math.log(tf)) * math.log(1.0 + total / df))
        (common if df > MAX_DF_SHARE * total else weighted).append(pair)
    if not weighted:
        weighted = common  # a tiny index, where every word is in half the releases
    weighted.sort(key=lambda tw: (-tw[1], tw[0]))
    return weighted[:number]


def key_terms_query(terms: Iterable[tuple[str, float]]) -> wq.Query | None:
    """One OR query of the key terms over the text fields, each boosted by its weight."""
    clauses: list[wq.Query] = [wq.Term(name, term, boost=weight) for term, weight in terms for name in TEXT_FIELDS]
    return wq.Or(clauses) if clauses else None


def _jaccard(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    if not a or not b:
        return 0.0
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb)


def rank_similar(
    scores: Mapping[int, float],
    docnum: int,
    *,
    facet_values: Mapping[str, Mapping[int, tuple[str, ...]]],
    ids: list[str],
    dates: list[str],
) -> list[tuple[int, float]]:
    """Every candidate (docnum, similarity) in order, without ``docnum`` itself.

    ``scores``: the BM25F score of every release matching the key-terms query.
    """
    text = {n: s for n, s in scores.items() if n != docnum}
    if not text:
        return []
    best = max(text.values()) or 1.0
    countries, issues = facet_values.get("country", {}), facet_values.get("issue", {})
    mine_c, mine_i = countries.get(docnum, ()), issues.get(docnum, ())
    scored = [
        (n, s / best + COUNTRY_WEIGHT * _jaccard(mine_c, countries.get(n, ())) + ISSUE_WEIGHT * _jaccard(mine_i, issues.get(n, ())))
        for n, s in text.items()
    ]
    scored.sort(key=lambda ns: ids[ns[0]])
    scored.sort(key=lambda ns: dates[ns[0]], reverse=True)
    scored.sort(key=lambda ns: ns[1], reverse=True)
    return scored
