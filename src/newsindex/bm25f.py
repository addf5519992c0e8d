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

from whoosh import matching
from whoosh import query as wq
from whoosh.util import make_binary_tree

from .ranking import BM25Params, TermScores, word_groups

__all__ = ["WordAcrossFields", "combine_words"]


class WordAcrossFields(wq.Or):
    """One word asked of several text fields, scored by Whoosh's matchers as one BM25F term
    (``idf``: the snapshot's, from TermScores.word_idf)."""

    def __init__(self, subqueries: list[wq.Query], boost: float = 1.0, *, idf: float = 1.0, params: BM25Params | None = None) -> None:
        super().__init__(subqueries, boost=boost)
        self.idf = idf
        self.params = params or BM25Params()

    def __copy__(self) -> WordAcrossFields:
        return WordAcrossFields(list(self.subqueries), boost=self.boost, idf=self.idf, params=self.params)

    def matcher(self, searcher: Any, context: Any = None) -> matching.Matcher:
        if context is not None and not context.weighting:  # not scoring: a plain union
            return super().matcher(searcher, context)
        leaves = [(q.fieldname, q.matcher(searcher, context)) for q in self.subqueries]
        leaves = [(name, m) for name, m in leaves if m.is_active()]
        if not leaves:
            return matching.NullMatcher()
        parent = searcher.get_parent()
        fields = [(name, m, self.params.b_of(name), parent.avg_field_length(name) or 1) for name, m in leaves]
        return _WordMatcher(fields, searcher, self.params.min_length, self.boost * self.idf, self.params.k1)


class _WordMatcher(matching.WrappingMatcher):
    """The union of a word's field matchers, scored as one BM25F term (see the module doc).

    The leaves are kept beside the union (which advances them in place) to read each field's
    weight at the current document; so the union is never restructured (``replace``) and no
    block-quality skipping is offered (its bound would be the fields' own)."""

    def __init__(self, fields: list[tuple[str, matching.Matcher, float, float]], searcher: Any, min_length: float, scale: float, k1: float) -> None:
        leaves = [m for _, m, _, _ in fields]
        super().__init__(leaves[0] if len(leaves) == 1 else make_binary_tree(matching.UnionMatcher, leaves))
        self._fields = fields
        self._searcher = searcher
        self._min_length = min_length
        self._scale = scale
        self._k1 = k1

    def copy(self) -> matching.Matcher:
        fields = [(name, m.copy(), b, avg) for name, m, b, avg in self._fields]
        return _WordMatcher(fields, self._searcher, self._min_length, self._scale, self._k1)

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


def combine_words(query: wq.Query, tables: TermScores) -> wq.Query:
    """``query`` with every OR of one word over several text fields as a WordAcrossFields
    (grouped as ``tables`` groups them: ranking.word_groups), scored with the idf and BM25
    parameters of ``tables``, the snapshot's own; ``query`` itself when there is nothing to
    combine."""
    params = tables.params
    if not params.combine_fields:
        return query
    schema = tables.schema

    def visit(node: wq.Query) -> wq.Query:
        if not isinstance(node, wq.CompoundQuery):
            return node
        parts = [visit(q) for q in node.subqueries]
        if type(node) is wq.Or and not node.minmatch and not node.scale:
            words, rest = word_groups(parts, schema)
            if any(len(fieldnames) > 1 for fieldnames in words.values()):
                parts = rest
                for (text, boost), fieldnames in words.items():
                    idf = tables.word_idf(text, tuple(fieldnames)) if len(fieldnames) > 1 else None
                    if idf is None:  # one field (Whoosh's score is BM25F's) or in none of them
                        parts += [wq.Term(name, text, boost=boost) for name in fieldnames]
                    else:
                        parts.append(WordAcrossFields([wq.Term(name, text) for name in fieldnames], boost=boost, idf=idf, params=params))
        if parts == node.subqueries:
            return node
        rebuilt = copy.copy(node)
        rebuilt.subqueries = parts
        if isinstance(node, wq.BinaryQuery):
            rebuilt.a, rebuilt.b = parts
        return rebuilt

    return visit(query)
