"""Prefix, wildcard and range words expanded to a bounded number of index terms.

Whoosh runs ``a*`` as an OR of every index term starting with "a", each with its own scored
matcher: on the 11,000 Reuters stories that is thousands of terms per field, and ``a*`` took
17.5 s, ``c* OR p*`` 33.6 s, ``[1 TO 5]`` 4.5 s (fault campaign, issue 15). As Lucene bounds
its multi-term queries (a scoring rewrite for a few terms, a constant-score filter beyond,
and a clause limit), :func:`bound_multiterms` rewrites each such word before the search runs:

* up to ``SCORED_TERMS`` index terms: an OR of those terms, scored as words are (BM25F), so
  ``protest*`` still ranks a release saying "protesters" four times above one saying it once;
* more: a :class:`TermsFilter`, the documents holding any of the terms, each scoring the
  word's boost (constant, as Lucene's constant-score rewrite): reading the posting ids of
  thousands of terms costs a tenth of a second, scoring them in Whoosh cost seconds;
* over ``MAX_TERMS`` index terms, or ``MAX_POSTINGS`` postings, for the whole query: refused
  with a :class:`~newsindex.errors.QueryTooBroadError` naming the word and the limit.

Fuzzy words (``word~``) are expanded by spelling.expand_fuzzy, bounded by their edit distance.
"""

from __future__ import annotations

import copy
from typing import Any, Iterator

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from .errors import QueryTooBroadError

__all__ = ["bound_multiterms", "check_fuzzy", "TermsFilter", "SCORED_TERMS", "MAX_TERMS", "MAX_POSTINGS", "MAX_FUZZY_WORDS"]

#: A prefix, wildcard or range word matching at most this many index terms is scored term by term.
SCORED_TERMS = 32
#: A query's prefix, wildcard and range words may match this many index terms in all...
MAX_TERMS = 10_000
#: ...and this many postings (documents per term, summed): about a second of reading.
MAX_POSTINGS = 1_000_000

#: Fuzzy words (``word~``) a query may have: each is a walk over part of the lexicon (~30 ms on
#: Reuters). With ``fuzzy=True`` the words past this many stay exact; typed ``word~`` past it are refused.
MAX_FUZZY_WORDS = 20

#: The multi-term queries rewritten here (fuzzy terms are spelling.py's).
_REWRITTEN = (wq.Prefix, wq.Wildcard, wq.TermRange, wq.Regex)


class TermsFilter(wq.Query):
    """Documents holding any of ``terms`` in ``fieldname``, each scoring ``boost``.

    ``matched`` are the matching docnums of the snapshot it was built for (used by the snapshot's
    set algebra and ranking.TermScores); Whoosh's own matchers, when a query needs them (a
    phrase beside it), read the same terms' postings per segment.
    """

    def __init__(self, fieldname: str, terms: tuple[bytes, ...], docs: frozenset[int], *, boost: float = 1.0, word: str = "") -> None:
        self.fieldname = fieldname
        self.byte_terms = terms
        self.matched = docs  # (not .docs: a Whoosh Query method)
        self.boost = boost
        self.word = word  # the query word it stands for ("a*"), for messages and repr

    def __repr__(self) -> str:
        return f"TermsFilter({self.fieldname!r}, {self.word!r}, {len(self.byte_terms)} terms, boost={self.boost})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TermsFilter) and (self.fieldname, self.byte_terms, self.boost) == (other.fieldname, other.byte_terms, other.boost)

    def __hash__(self) -> int:
        return hash((self.fieldname, self.byte_terms, self.boost))

    def field(self) -> str:
        return self.fieldname

    def has_terms(self) -> bool:
        return True

    def terms(self, phrases: bool = False) -> Iterator[tuple[str, str]]:
        for text in self.byte_terms:
            yield self.fieldname, text.decode("utf-8")

    def replace(self, fieldname: str, oldtext: Any, newtext: Any) -> wq.Query:
        return self

    def estimate_size(self, ixreader: Any) -> int:
        return len(self.matched)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        reader = searcher.reader()
        ids: set[int] = set()
        for text in self.byte_terms:
            if (self.fieldname, text) in reader:
                ids.update(reader.postings(self.fieldname, text).all_ids())
        if not ids:
            return NullMatcher()
        return ListMatcher(sorted(ids), all_weights=self.boost)


def check_fuzzy(query: wq.Query, text: str) -> None:
    """Refuse a query with more than MAX_FUZZY_WORDS distinct fuzzy words (QueryTooBroadError)."""
    words = {str(leaf.text) for leaf in query.leaves() if isinstance(leaf, wq.FuzzyTerm)}
    if len(words) > MAX_FUZZY_WORDS:
        raise QueryTooBroadError(text, max(0, text.find("~")), f"{len(words)} fuzzy words (word~): a query may have {MAX_FUZZY_WORDS}")


def bound_multiterms(query: wq.Query, reader: Any, text: str, cache: dict[Any, Any] | None = None) -> wq.Query:
    """``query`` with every prefix, wildcard and range word replaced as the module doc says.

    ``text`` is the query as typed (for the refusal's message), ``cache`` a per-snapshot dict
    that keeps the expansions of words already seen. Raises QueryTooBroadError.
    """
    if not any(isinstance(leaf, _REWRITTEN) for leaf in query.leaves()):
        return query
    cache = {} if cache is None else cache
    budget = {"terms": 0, "postings": 0}

    def visit(node: wq.Query) -> wq.Query:
        if not isinstance(node, _REWRITTEN):
            return node
        key = ("multiterm", repr(node))
        found = cache.get(key)
        if found is None:
            found = _expand(node, reader, text)
            cache[key] = found
        terms, postings, docs = found
        budget["terms"] += len(terms)
        budget["postings"] += postings
        if budget["terms"] > MAX_TERMS or budget["postings"] > MAX_POSTINGS:
            _refuse(node, text)
        if not terms:
            return wq.NullQuery
        if len(terms) <= SCORED_TERMS:
            alternatives = wq.Or([wq.Term(node.fieldname, t.decode("utf-8"), boost=node.boost) for t in terms])
            alternatives.matcher_type = wq.Or.DEFAULT_MATCHER  # see query._finish
            return alternatives
        return TermsFilter(node.fieldname, terms, docs, boost=node.boost, word=_word(node))

    return _rewrite(query, visit)


def _rewrite(node: wq.Query, visit: Any) -> wq.Query:
    """``visit`` applied to every leaf, keeping every attribute of compound nodes.

    (Whoosh's ``Query.accept`` rebuilds them from subqueries and boost alone; see query._finish.)
    """
    if isinstance(node, wq.CompoundQuery):
        rebuilt = copy.copy(node)
        rebuilt.subqueries = [_rewrite(q, visit) for q in node.subqueries]
        if isinstance(node, wq.BinaryQuery):
            rebuilt.a, rebuilt.b = rebuilt.subqueries
        return rebuilt
    if list(node.children()):
        return node.apply(lambda child: _rewrite(child, visit))
    return visit(node)


def _expand(node: Any, reader: Any, text: str) -> tuple[tuple[bytes, ...], int, frozenset[int] | None]:
    """(index terms, their postings, the docnums holding them when more than SCORED_TERMS).

    Segment by segment: each term is looked up once per segment (a MultiReader looks each up
    in every segment for each question asked of it, which was most of the cost).
    """
    fieldname = node.fieldname
    distinct: set[bytes] = set()
    postings = 0
    found: list[tuple[Any, int, bytes]] = []
    for segment, offset in reader.leaf_readers():
        if fieldname not in segment.indexed_field_names():
            continue
        for term in node._btexts(segment):
            postings += segment.term_info(fieldname, term).doc_frequency()
            distinct.add(term)
            found.append((segment, offset, term))
            if len(distinct) > MAX_TERMS or postings > MAX_POSTINGS:
                _refuse(node, text)
    docs: frozenset[int] | None = None
    if len(distinct) > SCORED_TERMS:
        ids: set[int] = set()
        for segment, offset, term in found:
            ids.update(_posting_ids(segment, fieldname, term, offset))
        docs = frozenset(ids)
    return tuple(sorted(distinct)), postings, docs


def _posting_ids(segment: Any, fieldname: str, term: bytes, offset: int) -> list[int]:
    """The docnums of a term's postings in one segment (plus ``offset``), block by block."""
    from whoosh.codec.whoosh3 import W3LeafMatcher
    from whoosh.matching import FilterMatcher

    matcher = segment.postings(fieldname, term)
    while isinstance(matcher, FilterMatcher):  # deletions are taken out by the snapshot
        matcher = matcher.child
    ids: list[int] = []
    if type(matcher) is W3LeafMatcher:  # whole blocks at once, as ranking.read_postings
        while matcher.is_active():
            matcher._read_ids()
            ids.extend(matcher._ids)
            matcher._next_block()
    else:
        ids.extend(matcher.all_ids())
    return [offset + n for n in ids] if offset else ids


def _word(node: Any) -> str:
    if isinstance(node, wq.TermRange):
        start, end = node.start or "", node.end or ""
        return f"{'[' if node.startexcl is False else '{'}{start} TO {end}{']' if node.endexcl is False else '}'}"
    if isinstance(node, wq.Prefix):
        return f"{node.text}*"
    return str(node.text)


def _refuse(node: Any, text: str) -> None:
    word = _word(node)
    if isinstance(node, wq.TermRange):
        starts = [i for i in (text.find("["), text.find("{")) if i >= 0]
        position = min(starts) if starts else 0
    else:
        position = max(0, text.lower().find(str(node.text).lower()))
    raise QueryTooBroadError(
        text,
        position,
        f"{word} matches too many index terms (the prefix, wildcard and range words of a query may match "
        f"{MAX_TERMS:,} terms and {MAX_POSTINGS:,} postings in all): make it longer or narrower",
    )
