"""How results are ranked: BM25F and its constants, each with the reason for its value.

Ties are broken in a fixed, documented order so the same query on the same index always
gives the same list: higher score first, then newer date first (undated last), then id.
"""

from __future__ import annotations

import copy
from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from math import log
from typing import Any, Sequence

from whoosh import query as wq
from whoosh import scoring

from .multiterm import TermsFilter

__all__ = ["TITLE_BOOST", "SUMMARY_BOOST", "BODY_BOOST", "BM25_K1", "BM25_B", "BM25Params", "DEFAULT_PARAMS", "REPEATED_WORDS", "NewsBM25F", "scorer", "weigh_query", "TermScores", "word_groups", "read_postings", "field_lengths", "length_column"]

#: Headlines carry the topic, so a title match counts more — but modestly: on standard test
#: collections field boosts above ~1.5 hurt (one title word starts to outweigh a body that is
#: about the query). benchmarks/bench_ranking.py on Reuters-21578 TOPICS (MAP@100, 29 topics):
#: short queries 0.591 / 0.596 / 0.598 / 0.599 at boosts 1 / 1.5 / 2 / 3, long questions with
#: match="any" 0.583 / 0.572 / 0.563 / 0.553 — 1.5 takes most of the gain and little of the loss.
TITLE_BOOST = 1.5
#: The summary is the release's own abstract (its lead): a little above the body.
SUMMARY_BOOST = 1.2
BODY_BOOST = 1.0

#: Term-frequency saturation and length normalisation: Robertson's (and Lucene's) k1 1.2 and
#: b 0.75, applied once per word over all its fields (BM25F, see TermScores). Measured
#: (benchmarks/bench_relevance.py, nDCG@10 against Whoosh's per-field sum at the same k1 and b):
#: CISI +0.018, MED +0.016, NPL +0.055, and MAP@100 +0.027 on news (Reuters TOPICS); k1 1.6
#: did no better on the three together (CISI +0.026, MED +0.013, NPL +0.054).
BM25_K1 = 1.2
BM25_B = 0.75

#: How a word the query asks n times is weighted (weigh_query's ``scale``); "" for not at all,
#: which is what ships. 1 + 0.5 ln n gained on CISI's long questions (+0.046 nDCG@10 over
#: BM25F alone) but cost MED 0.011 and NPL 0.004: it helps one collection and hurts two, so it
#: stays a measured variant, not a default.
REPEATED_WORDS = ""

#: match="any" has no coordination factor on purpose. Whoosh's (CoordMatcher) counts matching
#: *field terms* — "oil" in title and body counts twice — not query words, and its scores
#: disagreed between Whoosh's own collector and direct scoring on multi-segment indexes. BM25F
#: already ranks a release that matches more of the words higher (each word adds its score,
#: weighted by how rare it is), which is what a long natural-language query needs.


@dataclass(frozen=True, slots=True)
class BM25Params:
    """The free parameters of the ranking, in one value so a variant can be measured beside
    today's (benchmarks/bench_relevance.py) and both scoring paths read the same numbers.

    ``k1``/``b`` apply to every text field unless ``field_k1``/``field_b`` name one
    (``(("title", 0.5),)``). ``idf`` is "whoosh" (log(N / (df + 1)) + 1, Whoosh's own) or
    "robertson" (log(1 + (N - df + 0.5) / (df + 0.5)), Lucene's). ``min_length`` floors a
    field's length at that fraction of the average (0: off), so a one-line document is not
    rewarded as if every word in it were the topic. ``combine_fields`` scores a word asked of
    several fields as one BM25F term (TermScores); False scores each field apart and adds
    them up, as Whoosh's BM25F does (the ranking before bench_relevance.py measured both).
    """

    k1: float = BM25_K1
    b: float = BM25_B
    field_k1: tuple[tuple[str, float], ...] = ()
    field_b: tuple[tuple[str, float], ...] = ()
    idf: str = "whoosh"
    min_length: float = 0.0
    combine_fields: bool = True

    def k1_of(self, fieldname: str) -> float:
        return dict(self.field_k1).get(fieldname, self.k1)

    def b_of(self, fieldname: str) -> float:
        return dict(self.field_b).get(fieldname, self.b)

    def idf_of(self, df: int, count: int) -> float:
        if self.idf == "robertson":
            return log(1 + (count - df + 0.5) / (df + 0.5))
        return log(count / (df + 1)) + 1

    def norms(self, fieldname: str, lengths: Sequence[int], avgfl: float) -> list[float]:
        """Per document, BM25's length normalisation K1 * ((1 - B) + B * fl / avgfl)."""
        k1 = self.k1_of(fieldname)
        return [k1 * n for n in self.length_norms(fieldname, lengths, avgfl)]

    def length_norms(self, fieldname: str, lengths: Sequence[int], avgfl: float) -> list[float]:
        """Per document, (1 - B) + B * fl / avgfl: what BM25F divides a field's weight by."""
        b = self.b_of(fieldname)
        floor = self.min_length * avgfl
        return [(1 - b) + b * max(fl, floor) / avgfl for fl in lengths]


#: What every search uses (the figures behind each value: benchmarks/bench_relevance.py).
DEFAULT_PARAMS = BM25Params()


class NewsBM25F(scoring.BM25F):
    """Whoosh's BM25F with :class:`BM25Params` (a variant's k1, b, idf), for what Whoosh's
    matchers score: phrases and prefixes per field; their words through bm25f.combine_words,
    as the tables below score them."""

    def __init__(self, params: BM25Params = DEFAULT_PARAMS) -> None:
        super().__init__(B=params.b, K1=params.k1)
        self.params = params

    def idf(self, searcher: Any, fieldname: str, text: str) -> float:
        parent = searcher.get_parent()
        return self.params.idf_of(parent.doc_frequency(fieldname, text), parent.doc_count_all())

    def scorer(self, searcher: Any, fieldname: str, text: str, qf: int = 1) -> scoring.BaseScorer:
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        return _Scorer(searcher, fieldname, text, self.params, qf=qf)


class _Scorer(scoring.BM25FScorer):
    def __init__(self, searcher: Any, fieldname: str, text: str, params: BM25Params, qf: int = 1) -> None:
        self.floor = params.min_length * (searcher.get_parent().avg_field_length(fieldname) or 1)
        super().__init__(searcher, fieldname, text, params.b_of(fieldname), params.k1_of(fieldname), qf=qf)

    def _score(self, weight: float, length: int) -> float:
        return scoring.bm25(self.idf, weight, max(length, self.floor), self.avgfl, self.B, self.K1)


def scorer(params: BM25Params = DEFAULT_PARAMS) -> scoring.WeightingModel:
    """The weighting model every search uses."""
    if params == BM25Params():
        return scoring.BM25F(B=params.b, K1=params.k1)
    return NewsBM25F(params)


# ------------------------------------------------------------------------ scoring from postings
#
# Whoosh scores through a tree of matcher objects: about ten Python calls per posting, and its
# top-k collector has to walk every candidate block. For the queries users type most (words,
# AND/OR/NOT) the BM25F score of a document is simply the sum, over the query's words that
# the document contains, of that word's score times the boosts above it. A word's score in a
# document depends only on the snapshot (idf, field lengths), so it is computed once per
# snapshot into a dict and a query becomes a few dict lookups per matching document.

_EMPTY: tuple[array, array] = (array("i"), array("d"))

#: Nodes whose score is a sum of their terms' scores (Not contributes no score, only exclusion).
_SUMMING = (wq.And, wq.Or, wq.AndMaybe, wq.AndNot, wq.Not, wq.Term)


@lru_cache(maxsize=1)
def _byte_lengths() -> list[int]:
    from whoosh.util.numeric import byte_to_length

    return [byte_to_length(b) for b in range(256)]


def read_postings(searcher: Any, fieldname: str, text: bytes) -> tuple[list[int], list[float]]:
    """Every (docnum, weight) posting of a term over the whole index, deleted documents included.

    Reads whole posting blocks from Whoosh's W3 matcher when it can (an order of magnitude
    faster than stepping a matcher posting by posting); any other matcher is stepped.
    """
    from whoosh.codec.whoosh3 import W3LeafMatcher
    from whoosh.matching import FilterMatcher

    ids: list[int] = []
    weights: list[float] = []
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        reader = sub.reader()
        if (fieldname, text) not in reader:
            continue
        matcher = reader.postings(fieldname, text)
        while isinstance(matcher, FilterMatcher):  # a segment with deletions wraps its matchers
            matcher = matcher.child
        if type(matcher) is W3LeafMatcher:
            while matcher.is_active():
                matcher._read_ids()
                matcher._read_weights()
                ids.extend([offset + n for n in matcher._ids] if offset else matcher._ids)
                weights.extend(matcher._weights)
                matcher._next_block()
        else:
            while matcher.is_active():
                ids.append(offset + matcher.id())
                weights.append(matcher.weight())
                matcher.next()
    return ids, weights


#: Postings kept by TermScores between reading a word's documents and its scores.
RECENT_POSTINGS = 32


class TermScores:
    """BM25F scores of word queries from per-word score tables.

    A word asked of several text fields at once (the parser's ``title:w OR summary:w OR
    body:w``, or any OR of one word over fields) is scored as *one* BM25F term (Robertson,
    Zaragoza & Taylor 2004): its weight in each field (the posting weight, which carries
    the field's boost) divided by that field's length normalisation, summed over the fields,
    then saturated once — ``idf * x (K1 + 1) / (x + K1)`` — with the idf of the documents
    that hold the word in any field. Whoosh's own BM25F saturates and weighs each field
    apart and adds them up, so a word in a headline that the body repeats counted twice over;
    one saturation over the fields gained nDCG@10 on every test collection measured
    (benchmarks/bench_relevance.py). A word asked of one field (``title:oil``) scores as
    Whoosh scores it: for one field the two formulas are the same.

    One instance per searcher snapshot (idf and field lengths are fixed for its life). A table
    is two arrays in docnum order — docnums and (unboosted) scores: 12 bytes a posting, so the
    ``budget`` (postings in all tables, ~100 MB at the default) holds the common words of a
    500,000-release archive without evicting each other.
    """

    def __init__(self, searcher: Any, *, budget: int = 8_000_000, params: BM25Params = DEFAULT_PARAMS) -> None:
        self._searcher = searcher
        self.params = params
        self._budget = budget
        self._size = 0
        self._tables: dict[tuple[Any, ...], tuple[array, array]] = {}
        self._norms: dict[str, list[float]] = {}
        # The last few postings read: a cold word is read for its documents (docs), then for
        # its scores (_word_table) in the same search.
        self._recent: dict[tuple[str, bytes], tuple[bytes, list[int], list[float]]] = {}

    def supports(self, query: wq.Query, *, in_and: bool = True) -> bool:
        """True when ``query``'s score is a boosted sum of word scores (words, AND, OR, NOT).

        A NOT is supported where every result passes it (the whole query, or a part of an
        AND): Whoosh adds its constant score of 1 to each of them.
        """
        if isinstance(query, wq.Term):
            return type(query) is wq.Term
        if isinstance(query, TermsFilter):  # a constant score for the documents it holds
            return True
        if isinstance(query, wq.Not):
            return in_and and query.boost == 1.0 and self.supports(query.query, in_and=False)
        if type(query) not in _SUMMING:
            return query is wq.NullQuery
        if isinstance(query, wq.Or) and (query.minmatch or query.scale):
            return False
        if isinstance(query, wq.AndNot):  # scored by its positive side only
            return self.supports(query.a, in_and=False) and self.supports(query.b, in_and=False)
        return all(self.supports(q, in_and=isinstance(query, wq.And)) for q in query.children())

    def scores(self, query: wq.Query, docs: Collection[int]) -> dict[int, float]:
        """The score of every document of ``docs`` (which must all match ``query``)."""
        totals = dict.fromkeys(docs, 0.0)
        if not totals:
            return totals
        constant = 0.0
        get = totals.get
        for table, boost in self._terms(query, 1.0):
            if table is None:
                constant += boost
                continue
            if isinstance(table, frozenset):  # a TermsFilter: its boost where it matches
                for n in table & totals.keys() if len(table) > len(totals) else (n for n in table if n in totals):
                    totals[n] += boost
                continue
            ids, scores = table
            if len(ids) <= 16 * len(totals):  # walk the postings
                for n, s in zip(ids, scores):
                    t = get(n)
                    if t is not None:
                        totals[n] = t + s * boost
            else:  # a few documents against a long posting list: find each
                end = len(ids)
                for n in totals:
                    i = bisect_left(ids, n)
                    if i < end and ids[i] == n:
                        totals[n] += scores[i] * boost
        if constant:
            for n in totals:
                totals[n] += constant
        return totals

    def _terms(self, query: wq.Query, boost: float) -> Iterator[tuple[tuple[array, array] | frozenset[int] | None, float]]:
        """(score table, boost) per scoring word; (None, boost) for a constant score (a NOT);
        (docnums, boost) for a TermsFilter's constant score where it matches."""
        if isinstance(query, TermsFilter):
            yield query.matched, boost * query.boost
            return
        if isinstance(query, wq.Term):
            table = self._table(query)
            if table[0]:
                yield table, boost * query.boost
            return
        if isinstance(query, wq.Not):
            yield None, boost
            return
        if query is wq.NullQuery:
            return
        boost *= query.boost
        if isinstance(query, wq.Or) and self.params.combine_fields:
            # One word over several text fields is one BM25F term; the rest as they are.
            words, rest = word_groups(query.subqueries, self._searcher.schema)
            for (text, weight), fieldnames in words.items():
                table = self._table(wq.Term(fieldnames[0], text)) if len(fieldnames) == 1 else self._word_table(text, tuple(fieldnames))
                if table[0]:
                    yield table, boost * weight
            for part in rest:
                yield from self._terms(part, boost)
            return
        parts = [query.a] if isinstance(query, wq.AndNot) else query.children()
        for part in parts:
            yield from self._terms(part, boost)

    def _postings(self, fieldname: str, text: str) -> tuple[bytes, list[int], list[float]] | None:
        """(term bytes, docnums, weights) of a word in a field; None if the field can't hold it."""
        schema = self._searcher.schema
        if fieldname not in schema:
            return None
        try:
            raw = schema[fieldname].to_bytes(text)
        except ValueError:
            return None
        key = (fieldname, raw)
        read = self._recent.get(key)
        if read is None:
            ids, weights = read_postings(self._searcher, fieldname, raw)
            if len(self._recent) >= RECENT_POSTINGS:
                self._recent.clear()
            read = self._recent[key] = (raw, ids, weights)
        return read

    def _keep(self, key: tuple[Any, ...], table: tuple[array, array]) -> tuple[array, array]:
        self._size += len(table[0])
        if self._size > self._budget:
            self._tables.clear()
            self._size = len(table[0])
        self._tables[key] = table
        return table

    def _table(self, term: wq.Term) -> tuple[array, array]:
        """A word in one field: Whoosh's ``bm25()`` on the same weight and quantised length."""
        key = (term.fieldname, term.text)
        table = self._tables.get(key)
        if table is not None:
            return table
        read = self._postings(term.fieldname, term.text)
        if read is None or not read[1]:
            return _EMPTY  # (and no idf to ask for: Whoosh's is log(0) on an empty index)
        raw, ids, weights = read
        if not self._searcher.schema[term.fieldname].scorable:  # Whoosh scores a keyword term by its posting weight
            scores = array("d", weights)
        else:
            searcher = self._searcher
            idf = self.params.idf_of(searcher.doc_frequency(term.fieldname, raw), searcher.doc_count_all())
            k1p1 = self.params.k1_of(term.fieldname) + 1
            norms = self._norm(term.fieldname)
            # idf * ((tf * (K1 + 1)) / (tf + norm)): Whoosh's bm25(), term for term.
            scores = array("d", [idf * ((w * k1p1) / (w + norms[n])) for n, w in zip(ids, weights)])
        return self._keep(key, (array("i", ids), scores))

    def _word_table(self, text: str, fieldnames: tuple[str, ...]) -> tuple[array, array]:
        """A word over several text fields, scored as one BM25F term (see the class doc)."""
        key = (fieldnames, text)
        table = self._tables.get(key)
        if table is not None:
            return table
        weighed: dict[int, float] = {}
        get = weighed.get
        for fieldname in fieldnames:
            read = self._postings(fieldname, text)
            if read is None or not read[1]:
                continue  # (no lengths to read for a field the word isn't in)
            norms = self._length_norm(fieldname)
            for n, w in zip(read[1], read[2]):
                weighed[n] = get(n, 0.0) + w / norms[n]
        if not weighed:
            return _EMPTY
        k1 = self.params.k1
        idf = self.params.idf_of(len(weighed), self._searcher.doc_count_all())
        docs = sorted(weighed)
        scores = array("d", [idf * (x * (k1 + 1)) / (x + k1) for x in map(weighed.__getitem__, docs)])
        return self._keep(key, (array("i", docs), scores))

    @property
    def schema(self) -> Any:
        return self._searcher.schema

    def word_idf(self, text: str, fieldnames: tuple[str, ...]) -> float | None:
        """The idf of a word asked of several fields, as its BM25F table scores it (from the
        releases holding it in any of them); None when none does."""
        docs = self._word_table(text, fieldnames)[0]
        return self.params.idf_of(len(docs), self._searcher.doc_count_all()) if docs else None

    def docs(self, term: wq.Term) -> array:
        """The docnums of a term (deleted ones included): its table's if scored already, else
        its postings' alone. A word of the text fields is scored by _word_table, over its
        fields at once, so scoring it per field here (and building each field's norms, 11,000
        floats a field on the first search) went unused."""
        table = self._tables.get((term.fieldname, term.text))
        if table is not None:
            return table[0]
        read = self._postings(term.fieldname, term.text)
        if read is None or not read[1]:
            return _EMPTY[0]
        return array("i", read[1])

    def _norm(self, fieldname: str) -> list[float]:
        """Per docnum, BM25's length normalisation K1 * ((1 - B) + B * fl / avgfl) for a field."""
        norms = self._norms.get(fieldname)
        if norms is None:
            k1 = self.params.k1_of(fieldname)
            norms = self._norms[fieldname] = [k1 * n for n in self._length_norm(fieldname)]
        return norms

    def _length_norm(self, fieldname: str) -> list[float]:
        """Per docnum, (1 - B) + B * fl / avgfl for a field (BM25F's per-field normalisation)."""
        key = "\0" + fieldname
        norms = self._norms.get(key)
        if norms is None:
            searcher = self._searcher
            avgfl = searcher.avg_field_length(fieldname) or 1
            norms = self._norms[key] = self.params.length_norms(fieldname, field_lengths(searcher, fieldname), avgfl)
        return norms


def word_groups(parts: Iterable[wq.Query], schema: Any) -> tuple[dict[tuple[str, float], list[str]], list[wq.Query]]:
    """An OR's parts as BM25F scores them: (word, boost) -> the text fields it is asked of
    (each group one BM25F term), and the other parts (keyword terms, phrases, groups...)."""
    words: dict[tuple[str, float], list[str]] = {}
    rest: list[wq.Query] = []
    for part in parts:
        if type(part) is wq.Term and part.fieldname in schema and schema[part.fieldname].scorable:
            words.setdefault((part.text, part.boost), []).append(part.fieldname)
        else:
            rest.append(part)
    return words, rest


def field_lengths(searcher: Any, fieldname: str) -> list[int]:
    """Whoosh's (quantised) length of ``fieldname`` in every document, by docnum.

    Reads each segment's one-byte-per-document length column in one piece; a reader that
    doesn't have one is asked per document.
    """
    lengths: list[int] = []
    for sub, _offset in searcher.subsearchers or [(searcher, 0)]:
        reader = sub.reader()
        count = reader.doc_count_all()
        column = length_column(getattr(reader, "_perdoc", None), fieldname, count)
        if column is not None:
            lengths.extend(column)
        else:
            lengths.extend(reader.doc_field_length(n, fieldname, 0) or 0 for n in range(count))
    return lengths


def length_column(perdoc: Any, fieldname: str, count: int) -> list[int] | None:
    """The lengths of ``fieldname`` in a segment's ``count`` documents, from its W3 length column
    read in one piece (0 where none is stored); None if ``perdoc`` has no such column to read."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    if perdoc is None or not hasattr(perdoc, "_cached_reader"):
        return None
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:  # no document of the segment has the field (Reuters: no summaries):
        return [0] * count  # Whoosh's default, without its file check per document (~150 ms on 11,000)
    raw = getattr(column, "_dbfile", None)
    if raw is None or getattr(column, "_fixedlen", None) != 1:
        return None
    table = _byte_lengths()
    stored = min(column._count, count)
    data = raw.get(column._basepos, stored) if stored else b""
    return [table[b] for b in data] + [0] * (count - stored)


# ------------------------------------------------------------------------ long questions


def weigh_query(query: wq.Query, counts: Mapping[str, int], *, scale: str = "log") -> wq.Query:
    """``query`` with each word asked more than once weighted up (``counts``: term -> times).

    Whoosh's parser keeps a repeated word once, so a long natural-language question that
    names its topic three times ("retrieval ... retrieval systems ... retrieve") weighs it like
    any word said once. Here a term asked n times is boosted by 1 + ln(n) ("log") or n
    ("linear", classic BM25 with a large k3). Matching is unchanged: only boosts move.
    """
    if not any(c > 1 for c in counts.values()):
        return query

    def weigh(node: wq.Query) -> wq.Query:
        if type(node) is wq.Term:
            n = counts.get(node.text, 1)
            if n > 1:
                node = copy.copy(node)
                node.boost *= {"log": 1 + log(n), "halflog": 1 + 0.5 * log(n), "sqrt": n**0.5}.get(scale, n)
            return node
        if isinstance(node, (wq.Or, wq.And)):
            rebuilt = copy.copy(node)
            rebuilt.subqueries = [weigh(q) for q in node.subqueries]
            return rebuilt
        return node

    return weigh(query)
