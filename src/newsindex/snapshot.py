"""The read snapshot: one Whoosh searcher plus the per-document tables derived from it once.

A snapshot holds docnum → id/date/facet values and value → docnums, so filters and facet
counts are set operations in memory instead of Whoosh re-reading postings on every search
(Whoosh's ``filter=`` and ``groupedby=`` rebuild their document sets each time; a date-range
filter took ~236 ms per query on 21k stories, ~1 ms from the cache). ``NewsIndex`` (index.py)
builds one per commit and replaces it when the index changes; search.py reads it.
"""

from __future__ import annotations

from array import array
from collections import Counter
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator, Mapping

from whoosh import query as wq

from .multiterm import TermsFilter
from .ranking import TermScores
from .schema import FACET_FIELDS

__all__ = ["Snapshot", "DocValues"]


def _column(reader: Any, size: int) -> list[str]:
    """Every value of a column, in docnum order ("" where there is none).

    Iterating a column reader is about a third faster than indexing it per document, which
    matters for the first search after a commit on a large archive.
    """
    if reader is None or not size:
        return [""] * size
    values = _var_bytes(reader)
    if values is not None and len(values) == size:
        return values
    values = list(reader)
    if len(values) != size:  # not expected; fall back to asking per document
        values = [reader[n] for n in range(size)]
    return [v if isinstance(v, str) else (v.decode("utf-8") if isinstance(v, bytes) else "") for v in values]


def _var_bytes(reader: Any) -> list[str] | None:
    """A column of Whoosh's VarBytes readers (the id and date columns) decoded from one read of
    each segment's bytes, sliced where each value's offset and length say: ~3x faster than
    iterating the reader (a value at a time through two wrappers), ~7 ms of every CLI search
    on 11k releases. None for any other kind of column. (For the ID fields id and date, whose
    stored bytes are their UTF-8 text.)"""
    from whoosh.columns import MultiColumnReader, TranslatingColumnReader, VarBytesColumn

    values: list[str] = []
    for part in reader._readers if type(reader) is MultiColumnReader else [reader]:
        if type(part) is TranslatingColumnReader:
            part = part.raw_column()  # an ID field's translation is the UTF-8 decoding done here
        if type(part) is not VarBytesColumn.Reader:
            return None
        offsets, lengths = part._offsets, part._lengths
        if not len(lengths):
            continue
        blob = part._dbfile.get(part._basepos, max(o + n for o, n in zip(offsets, lengths)))
        if blob.isascii():
            text = blob.decode("ascii")
            values += [text[o : o + n] for o, n in zip(offsets, lengths)]
        else:
            values += [blob[o : o + n].decode("utf-8") for o, n in zip(offsets, lengths)]
    return values


class DocValues(Mapping[int, tuple[str, ...]]):
    """docnum -> a facet's values, compactly: one small integer per document (array ``codes``)
    naming its combination of values (``combos``; code 0 is the empty one).

    Counting a result set's values (facets.py) is then a C-speed count of codes over the
    docnums followed by a walk of the few distinct combinations, instead of a Python loop over
    documents or one set intersection per value; and a 500,000-release archive costs 2-4 bytes
    per document and field, not a dict entry and a tuple per document. The values of a
    combination are in lexicon order, as the table it replaced gave them.
    """

    def __init__(self, codes: array, combos: list[tuple[str, ...]]) -> None:
        self.codes = codes
        self.combos = combos

    def __getitem__(self, docnum: int) -> tuple[str, ...]:
        if not 0 <= docnum < len(self.codes) or not self.codes[docnum]:
            raise KeyError(docnum)
        return self.combos[self.codes[docnum]]

    def get(self, docnum: int, default: Any = ()) -> Any:  # type: ignore[override]
        if 0 <= docnum < len(self.codes):
            code = self.codes[docnum]
            if code:
                return self.combos[code]
        return default

    def __iter__(self) -> Iterator[int]:
        return (n for n, code in enumerate(self.codes) if code)

    def __len__(self) -> int:
        return sum(1 for code in self.codes if code)

    def count(self, docs: Iterable[int]) -> Counter[str]:
        """How many of ``docs`` carry each value (values carried by none are left out)."""
        combos = self.combos
        counter: Counter[str] = Counter()
        for code, k in Counter(map(self.codes.__getitem__, docs)).items():
            for value in combos[code]:  # combos[0] == ()
                counter[value] += k
        return counter


class _FacetTables:
    """Per-field facet tables of a reader, built on first use of each field.

    value -> docnums is read from the postings; docnum -> values (:class:`DocValues`) is
    derived from it only when asked (a count over a large result set, the default search's,
    walks the values, so the first search after open does not pay for the other table)."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._by_value: dict[str, dict[str, frozenset[int]]] = {}
        self._by_doc: dict[str, DocValues] = {}
        self.by_value = _LazyMapping(self.build, self._by_value)
        self.by_doc = _LazyMapping(self.build_by_doc, self._by_doc)

    def build(self, name: str) -> None:
        if name not in FACET_FIELDS:
            raise KeyError(name)
        self._by_value[name] = _docs_by_term(self._reader, name)

    def build_by_doc(self, name: str) -> None:
        by_value = self.by_value[name]
        size = self._reader.doc_count_all()
        empty: tuple[str, ...] = ()
        per_doc: list[tuple[str, ...]] = [empty] * size
        for value, docs in by_value.items():  # in lexicon order, as before
            one = (value,)
            for n in docs:
                per_doc[n] = per_doc[n] + one if per_doc[n] else one
        code_of: dict[tuple[str, ...], int] = {empty: 0}
        combos: list[tuple[str, ...]] = [empty]
        for values in per_doc:
            if values not in code_of:
                code_of[values] = len(combos)
                combos.append(values)
        typecode = "B" if len(combos) <= 0xFF else "H" if len(combos) <= 0xFFFF else "I"
        codes = array(typecode, map(code_of.__getitem__, per_doc))
        self._by_doc[name] = DocValues(codes, combos)


def _docs_by_term(reader: Any, name: str) -> dict[str, frozenset[int]]:
    """value -> live docnums of a field, in lexicon order, read segment by segment: each
    segment's posting blocks whole (as ranking.read_postings does; a segment with deletions
    is stepped through Whoosh's filtering matcher), about twice as fast as the whole index's
    matchers posting by posting (~8 ms of each CLI search's three facets on 11k releases)."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    found: dict[Any, list[int]] = {}
    for leaf, offset in reader.leaf_readers():
        if name not in leaf.indexed_field_names():
            continue
        for term in leaf.lexicon(name):
            matcher = leaf.postings(name, term)
            docs = found.setdefault(term, [])
            if type(matcher) is W3LeafMatcher:
                while matcher.is_active():
                    matcher._read_ids()
                    docs.extend([offset + n for n in matcher._ids] if offset else matcher._ids)
                    matcher._next_block()
            else:
                docs.extend(offset + n for n in matcher.all_ids())
    return {(term.decode("utf-8") if isinstance(term, bytes) else str(term)): frozenset(docs) for term, docs in sorted(found.items())}


class _LazyMapping(Mapping[str, Any]):
    def __init__(self, build: Callable[[str], None], built: dict[str, Any]) -> None:
        self._build = build
        self._built = built

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._build(name)
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(FACET_FIELDS)

    def __len__(self) -> int:
        return len(FACET_FIELDS)


class Snapshot:
    """A searcher plus per-document tables derived from it once (see the module docstring)."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        size = reader.doc_count_all()
        self.live: list[int] = [n for n in range(size) if not reader.is_deleted(n)] if reader.has_deletions() else list(range(size))
        ids = reader.column_reader("id") if reader.has_column("id") else None
        dates = reader.column_reader("date") if reader.has_column("date") else None
        self.ids: list[str] = _column(ids, size)
        self.dates: list[str] = _column(dates, size)
        self.has_deletions: bool = reader.has_deletions()
        self.live_set: frozenset[int] = frozenset(self.live)
        self.term_cache: dict[tuple[str, Any], frozenset[int]] = {}
        self.term_scores = TermScores(searcher)
        self.term_cache_size = 0
        # value -> docnums and docnum -> values per facet field, read from the postings the
        # first time a filter, a count or a listing needs that field (8 fields on 100k
        # releases took seconds to read up front, on every first search after a commit).
        tables = _FacetTables(reader)
        self.docs_by_value: Mapping[str, dict[str, frozenset[int]]] = tables.by_value
        self.values_by_doc: Mapping[str, DocValues] = tables.by_doc
        # Plain sets (never mutated): Whoosh's filter= accepts a set but not a frozenset.
        self.filter_cache: dict[tuple[Any, ...], set[int]] = {}
        self.multiterm_cache: dict[Any, Any] = {}  # prefix/wildcard/range expansions (multiterm.py)
        self.speaker_names: dict[str, str] = {}  # slug -> name as written, read lazily for facet labels
        # (facet, value) -> display label and (facet, value, count) -> FacetCount, for the
        # taxonomy object labels_taxonomy (facets.py)
        self.facet_labels: dict[tuple[str, str], str] = {}
        self.facet_counts: dict[tuple[str, str, int], Any] = {}
        self.labels_taxonomy: Any = None
        self._value_sizes: dict[str, tuple[list[int], list[int]]] = {}

    def value_sizes(self, name: str) -> tuple[list[int], list[int]]:
        """The sizes of facet ``name``'s value sets, ascending, and their running sums (from 0):
        what one set intersection per value would cost, for facets.count to choose its walk."""
        sizes = self._value_sizes.get(name)
        if sizes is None:
            ordered = sorted(len(docs) for docs in self.docs_by_value[name].values())
            sums = [0]
            for size in ordered:
                sums.append(sums[-1] + size)
            sizes = self._value_sizes[name] = (ordered, sums)
        return sizes

    # Built on first use: a search by words needs neither (~3 ms on 11k releases at each CLI start).
    @cached_property
    def docnum_by_id(self) -> dict[str, int]:
        return {self.ids[n]: n for n in self.live}

    @cached_property
    def by_date(self) -> list[tuple[str, int]]:
        """(date, docnum) sorted, for range filters by bisection; undated documents are left out."""
        return sorted((self.dates[n], n) for n in self.live if self.dates[n])

    #: Bound on the term cache, in cached docnums (a docnum costs about 40 bytes in a frozenset).
    TERM_CACHE_DOCS = 2_000_000

    def docset(self, query: wq.Query) -> frozenset[int]:
        """The docnums matching ``query``, from set algebra over cached term postings.

        Counting every match (the exact total, the facet counts) is what costs in Whoosh: its
        matchers walk every posting in Python. Here a term's postings are read once per
        snapshot and And/Or/Not become C-speed set operations, so a common word shared by
        many queries is read once. Anything else (phrases, ranges, prefixes, fuzzy terms)
        goes through Whoosh. This only decides *which* documents; ranking.TermScores scores them.
        """
        if isinstance(query, wq.Term):
            return self._cached((query.fieldname, query.text), query)
        kind = type(query)
        if kind is wq.And:
            parts = sorted((self.docset(q) for q in query.subqueries), key=len)
            if not parts:
                return frozenset()
            result = parts[0]
            for part in parts[1:]:
                if not result:
                    break
                result = result & part
            return result
        if kind is wq.Or and not query.minmatch:
            return frozenset().union(*(self.docset(q) for q in query.subqueries))
        if kind is wq.AndNot:
            return self.docset(query.a) - self.docset(query.b)
        if kind is wq.AndMaybe:
            return self.docset(query.a)
        if kind is wq.Not:
            return self.live_set - self.docset(query.query)
        if kind is TermsFilter:  # a broad prefix/wildcard/range word: its documents are known
            docs = query.matched
            return docs & self.live_set if self.has_deletions else docs
        if kind is wq.Every:
            return self.live_set
        if isinstance(query, wq.NullQuery.__class__):
            return frozenset()
        # Phrases, prefixes, ranges: Whoosh finds them (a phrase reads positions, the costly
        # part); cached by the query's repr, which spells out its field, words and options.
        return self._cached(("q", repr(query)), query)

    def _cached(self, key: tuple[str, Any], query: wq.Query) -> frozenset[int]:
        docs = self.term_cache.get(key)
        if docs is None:
            if type(query) is wq.Term:
                docs = frozenset(self.term_scores.docs(query))  # one read serves scores and sets
                if self.has_deletions:
                    docs = docs & self.live_set
            else:
                docs = frozenset(self.searcher.docs_for_query(query))
            self.term_cache_size += len(docs)
            if self.term_cache_size > self.TERM_CACHE_DOCS:
                self.term_cache.clear()
                self.term_cache_size = len(docs)
            self.term_cache[key] = docs
        return docs

    def close(self) -> None:
        self.searcher.close()
