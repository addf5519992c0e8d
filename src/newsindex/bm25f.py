"""BM25F for the queries Whoosh scores itself: one saturation per word over its fields there too.

Word queries (words, AND, OR, NOT) are scored from ranking.TermScores' tables, where a word
asked of several text fields is one BM25F term. A query that also holds a phrase, a prefix or a
fuzzy word (``"human rights" china``, ``covid-19 vaccines``: a hyphenated word is a phrase) is
scored by Whoosh's matchers, whose BM25F saturates each field apart and adds them up. So that
its words rank as they do in a word query, :func:`combine_words` rewrites each OR of one word
over several text fields into a :class:`WordAcrossFields`, whose matcher scores the word as
TermScores does: ``idf * x (K1 + 1) / (x + K1)``, x the sum over fields of the posting weight
(it carries the field's boost) divided by ``(1 - B) + B * length / average``, the idf from the
documents holding the word in any field. Phrases and the rest keep Whoosh's own scores.

Matching is unchanged: the rewritten node matches what the OR matched. It is built only where
Whoosh is about to score, never seen by the set algebra, highlighting or suggestions.
"""

from __future__ import annotations

import copy
from typing import Any
from weakref import WeakKeyDictionary

from whoosh import matching
from whoosh import query as wq
from whoosh import scoring
from whoosh.util import make_binary_tree

from .ranking import DEFAULT_PARAMS, BM25Params, NewsBM25F, read_postings

__all__ = ["WordAcrossFields", "combine_words"]


class WordAcrossFields(wq.Or):
    """One word asked of several text fields, scored by Whoosh's matchers as one BM25F term."""

    def __init__(self, subqueries: list[wq.Query], boost: float = 1.0, params: BM25Params = DEFAULT_PARAMS) -> None:
        super().__init__(subqueries, boost=boost)
        self.params = params
        self._document_frequency: WeakKeyDictionary[Any, int] = WeakKeyDictionary()

    def __copy__(self) -> WordAcrossFields:
        return WordAcrossFields(list(self.subqueries), boost=self.boost, params=self.params)

    def matcher(self, searcher: Any, context: Any = None) -> matching.Matcher:
        if context is not None and not context.weighting:  # not scoring: a plain union
            return super().matcher(searcher, context)
        leaves = [(q.fieldname, q.matcher(searcher, context)) for q in self.subqueries]
        leaves = [(name, m) for name, m in leaves if m.is_active()]
        if not leaves:
            return matching.NullMatcher()
        union = leaves[0][1] if len(leaves) == 1 else make_binary_tree(matching.UnionMatcher, [m for _, m in leaves])
        parent = searcher.get_parent()
        k1 = self.params.k1
        idf = self.params.idf_of(self.document_frequency(parent), parent.doc_count_all())
        fields = [(name, m, self.params.b_of(name), parent.avg_field_length(name) or 1) for name, m in leaves]
        return _WordMatcher(union, fields, searcher, self.params.min_length, self.boost * idf, k1)

    def document_frequency(self, parent: Any) -> int:
        """Documents holding the word in any of its fields (deleted ones counted, as Whoosh's
        per-field frequency counts them), once per searcher."""
        found = self._document_frequency.get(parent)
        if found is None:
            docs: set[int] = set()
            for q in self.subqueries:
                field = parent.schema[q.fieldname]
                docs.update(read_postings(parent, q.fieldname, field.to_bytes(q.text))[0])
            found = self._document_frequency[parent] = len(docs)
        return found


class _WordMatcher(matching.WrappingMatcher):
    """The union of a word's field matchers, scored as one BM25F term (see the module doc).

    The leaves are kept beside the union (which advances them in place) to read each field's
    weight at the current document; so the union is never restructured (``replace``) and no
    block-quality skipping is offered (its bound would be the fields' own)."""

    def __init__(self, child: matching.Matcher, fields: list[tuple[str, matching.Matcher, float, float]], searcher: Any, min_length: float, scale: float, k1: float) -> None:
        super().__init__(child)
        self._fields = fields
        self._searcher = searcher
        self._min_length = min_length
        self._scale = scale
        self._k1 = k1

    def copy(self) -> matching.Matcher:
        fields = [(name, m.copy(), b, avg) for name, m, b, avg in self._fields]
        union = fields[0][1] if len(fields) == 1 else make_binary_tree(matching.UnionMatcher, [m for _, m, _, _ in fields])
        return _WordMatcher(union, fields, self._searcher, self._min_length, self._scale, self._k1)

    def replace(self, minquality: float = 0) -> matching.Matcher:
        return self if self.child.is_active() else matching.NullMatcher()

    def supports_block_quality(self) -> bool:
        return False

    def score(self) -> float:
        docnum = self.child.id()
        x = 0.0
        for name, m, b, avg in self._fields:
            if m.is_active() and m.id() == docnum:
                length = self._searcher.doc_field_length(docnum, name, 0) or 0
                x += m.weight() / ((1 - b) + b * max(length, self._min_length * avg) / avg)
        return self._scale * x * (self._k1 + 1) / (x + self._k1)


def _params_of(weighting: Any) -> BM25Params | None:
    """The BM25 parameters a searcher's weighting model scores with; None if it isn't BM25F."""
    if isinstance(weighting, NewsBM25F):
        return weighting.params
    if type(weighting) is scoring.BM25F and not weighting._field_B:
        return BM25Params(k1=weighting.K1, b=weighting.B)
    return None


def combine_words(query: wq.Query, searcher: Any) -> wq.Query:
    """``query`` with every OR of one word over several text fields as a WordAcrossFields
    (grouped as TermScores groups them: same word, same boost); ``query`` itself when there
    is nothing to combine or the searcher doesn't score with BM25F."""
    params = _params_of(searcher.weighting)
    if params is None or not params.combine_fields:
        return query
    schema = searcher.schema

    def scorable(node: wq.Query) -> bool:
        return type(node) is wq.Term and node.fieldname in schema and schema[node.fieldname].scorable

    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.CompoundQuery):
            parts = [visit(q) for q in node.subqueries]
            if type(node) is wq.Or and not node.minmatch and not node.scale:
                groups: dict[tuple[str, float], list[wq.Term]] = {}
                for q in parts:
                    if scorable(q):
                        groups.setdefault((q.text, q.boost), []).append(q)
                if any(len(g) > 1 for g in groups.values()):
                    combined: list[wq.Query] = []
                    placed: set[tuple[str, float]] = set()
                    for q in parts:
                        key = (q.text, q.boost) if scorable(q) else None
                        if key is None or len(groups[key]) == 1:
                            combined.append(q)
                        elif key not in placed:
                            placed.add(key)
                            terms = [wq.Term(t.fieldname, t.text) for t in groups[key]]
                            combined.append(WordAcrossFields(terms, boost=key[1], params=params))
                    parts = combined
            if parts == node.subqueries:
                return node
            rebuilt = copy.copy(node)
            rebuilt.subqueries = parts
            if isinstance(node, wq.BinaryQuery):
                rebuilt.a, rebuilt.b = parts
            return rebuilt
        return node

    return visit(query)
