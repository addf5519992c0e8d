"""Pseudo-relevance feedback (RM3), opt-in: ``search(..., feedback=True)``, ``--feedback``.

A long question names its topic in its own words; the releases it ranks first use the
words the topic is usually written in. RM3 (Lavrenko & Croft's relevance model, mixed back
with the question, as in Anserini) weighs each word of the top ``FEEDBACK_DOCS`` releases by
sum over them of P(word | release) x the release's share of their scores, keeps the
``FEEDBACK_TERMS`` heaviest, and scores with the question's words (in proportion to how often
it asks each) at ``KEEP`` of the weight and those at the rest.

Why opt-in, and why it only re-ranks: on the test collections it helps long questions over
abstracts (nDCG@10 CISI +0.034, MED +0.022) and not short titles (NPL -0.011) nor, by the
issue that asked for it, news; benchmarks/bench_relevance.py prints the figures. The expanded
query re-ranks what the question matched and adds no releases, so ``match="all"`` keeps its
meaning and totals, filters and facet counts are the same as without it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping, Sequence

from whoosh import query as wq

from .schema import TEXT_FIELDS

__all__ = ["FEEDBACK_DOCS", "FEEDBACK_TERMS", "KEEP", "expand", "question_terms"]

#: The releases read for feedback (the first ranking's top), the words taken from them, and
#: the share of the weight the question's own words keep (bench_relevance.py: the mildest
#: setting measured, the one that cost least where feedback hurts).
FEEDBACK_DOCS = 5
FEEDBACK_TERMS = 10
KEEP = 0.8


def question_terms(parsed: wq.Query, text: str = "", analyzer: Any = None) -> Counter[str]:
    """The words (index terms) of a parsed question that feedback weighs, with how many times
    the question asks each: its positive plain terms in the text fields, counted in ``text``
    read by ``analyzer`` as a query (RM3's question model is the question's own word
    frequencies; Whoosh's parser keeps a repeated word once). Without ``text``: once each."""
    found: Counter[str] = Counter()

    def walk(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if type(node) is wq.Term:
            if node.fieldname in TEXT_FIELDS:
                found[node.text] = 1
            return
        for child in node.children():
            walk(child)

    walk(parsed)
    if text and analyzer is not None:
        for term, times in Counter(analyzer.terms(text, mode="query")).items():
            if term in found:
                found[term] = times
    return found


def expand(
    searcher: Any,
    asked: Mapping[str, int],
    top: Sequence[int],
    scores: Mapping[int, float],
    *,
    docs: int = FEEDBACK_DOCS,
    terms: int = FEEDBACK_TERMS,
    keep: float = KEEP,
) -> wq.Query | None:
    """The RM3 query: ``asked`` (term -> times asked) mixed with the relevance model of the
    first ``docs`` of ``top`` (docnums, best first, with their ``scores``). None when there
    is nothing to expand (no question words or no ranked release)."""
    top = list(top[:docs])
    if not asked or not top:
        return None
    analyzer = searcher.schema["body"].analyzer  # the index's own analysis: its terms are index terms
    total = sum(scores.get(n, 0.0) for n in top) or 1.0
    model: Counter[str] = Counter()
    for n in top:
        stored = searcher.stored_fields(n)
        stems = analyzer.terms("\n".join(str(stored.get(f) or "") for f in TEXT_FIELDS))
        if not stems:
            continue
        share = scores.get(n, 0.0) / total
        for stem, count in Counter(stems).items():
            model[stem] += share * count / len(stems)
    expansion = dict(model.most_common(terms))
    norm = sum(expansion.values()) or 1.0
    asked_total = sum(asked.values())
    weight: Counter[str] = Counter()
    for stem, count in asked.items():
        weight[stem] += keep * count / asked_total
    for stem, value in expansion.items():
        weight[stem] += (1 - keep) * value / norm
    # sorted: the same query (and float sums in the same order) for the same inputs
    return wq.Or([wq.Term(f, stem, boost=w) for stem, w in sorted(weight.items()) for f in TEXT_FIELDS])
