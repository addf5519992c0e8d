"""Did you mean: corrected queries from the index's own vocabulary, and opt-in fuzzy matching.

The index holds *stemmed* terms ("tiananmen", "uyghur", "persecut"), so corrections are found
among stems and then mapped back to a word people write: a stem within a small edit distance of
the misspelled word's stem is looked up in one release that contains it, and the surface word
there closest to what the user typed is suggested ("Uighur" → "Uyghur", not "Uyghurs").
No extra field, nothing at indexing time: it costs a lexicon walk per first letter, once per
index snapshot (``_Lexicon``), and runs only when a search finds few hits (``SUGGEST_BELOW``).
A suggestion is offered only if the corrected query, with the same filters, finds more
releases than the original.

Fuzzy matching is opt-in: ``term~`` in a query, or ``search(..., fuzzy=True)``, which turns every
plain word into "this word, or a word within ``max_edits`` of it", exact matches ranked first.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from typing import Any, Callable, Iterator
from weakref import WeakKeyDictionary

from whoosh import query as wq
from whoosh.reading import IndexReader
from whoosh.support.levenshtein import distance

from .analysis import fold
from .schema import TEXT_FIELDS

__all__ = ["SUGGEST_BELOW", "MAX_SUGGESTIONS", "max_edits", "fuzzify", "expand_fuzzy", "expanded_terms", "suggest", "query_words"]

#: Suggestions are computed when a search finds fewer hits than this: a query that works needs none.
SUGGEST_BELOW = 3
MAX_SUGGESTIONS = 3
#: A word the index knows is still "corrected" when a near word is at least this many times more
#: common ("Uighur" in 3 releases, "Uyghur" in 200): the user most likely wants the usual
#: spelling. Cheap to get wrong: the query's own hits are still shown above the suggestion.
RARE_RATIO = 3
#: A word in at least this many releases (and 0.5% of the archive) is a word of the archive,
#: not a misspelling: no corrections are looked for. Looking costs a walk of the lexicon per
#: text field (~30-60 ms on 11,000 releases), which a filtered search with few hits ("central
#: bank" in Australia) paid for nothing.
COMMON_WORD_RELEASES = 50
COMMON_WORD_SHARE = 0.005
#: Words of the lexicon kept per index snapshot for did-you-mean and fuzzy matching (~60 bytes
#: each: at most ~20 MB; all the text fields of the 11,000 Reuters stories hold ~33,000).
LEXICON_BUDGET = 300_000
#: Query words whose corrections are kept per snapshot (cleared beyond: a server's memory stays bounded).
KEPT_CORRECTIONS = 10_000
#: In fuzzy mode a near word counts this much relative to the exact word (which matches both the
#: exact and the fuzzy clause), so exact matches rank above near misses.
FUZZY_BOOST = 0.5
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
_TOKENS = re.compile(
    r"""(?P<field>[A-Za-z_]+):(?=\S)
      | (?P<quote>")
      | (?P<open>\()
      | (?P<close>\))
      | (?P<range>[\[{][^\]}]*[\]}])
      | (?P<word>[^\s()"\[\]{}]+)""",
    re.VERBOSE,
)
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W_]+)*")


def max_edits(term: str) -> int:
    """Edits allowed for a (stemmed) term: none up to 3 letters, 1 up to 7, else 2.

    Short words have too many neighbours ("war" ~ "law", "was", "car") to correct safely.
    """
    n = len(term)
    return 0 if n <= 3 else 1 if n <= 7 else 2


def fuzzify(query: wq.Query, fields: tuple[str, ...] = TEXT_FIELDS, *, limit: int | None = None) -> wq.Query:
    """Every plain term in a text field also matches terms within ``max_edits`` of it.

    Phrases, prefixes and facet terms are left as they are. ``limit``: at most this many
    distinct words become fuzzy (the first ones); the others stay exact, so a long query
    searched with ``fuzzy=True`` stays as fast as the limit allows (multiterm.MAX_FUZZY_WORDS).
    """
    fuzzy_words: set[str] = set()

    def visit(node: wq.Query) -> wq.Query:
        if type(node) is wq.Term and node.fieldname in fields:
            text = node.text.decode("utf-8") if isinstance(node.text, bytes) else str(node.text)
            edits = max_edits(text)
            if edits and limit is not None and text not in fuzzy_words and len(fuzzy_words) >= limit:
                edits = 0
            if edits:
                fuzzy_words.add(text)
                near = wq.FuzzyTerm(node.fieldname, text, boost=node.boost * FUZZY_BOOST, maxdist=edits, prefixlength=1, constantscore=False)
                return wq.Or([node, near])
        return node

    return query.accept(visit)


def expand_fuzzy(query: wq.Query, reader: Any) -> wq.Query:
    """``query`` with every fuzzy term replaced by an OR of the index terms it matches.

    Done once per search: Whoosh would otherwise scan the lexicon again for matching, for
    scoring and for highlighting (seconds on a large archive). A fuzzy term that matches
    nothing becomes a plain term of its text, which matches nothing as usual.
    """
    if not any(isinstance(leaf, wq.FuzzyTerm) for leaf in query.leaves()):
        return query
    cache: dict[tuple[str, str, int, int], list[str]] = {}

    def visit(node: wq.Query) -> wq.Query:
        if not isinstance(node, wq.FuzzyTerm):
            return node
        text = node.text.decode("utf-8") if isinstance(node.text, bytes) else str(node.text)
        key = (node.fieldname, text, int(node.maxdist), int(node.prefixlength))
        if key not in cache:
            cache[key] = _lexicon(reader).within(reader, node.fieldname, text, int(node.maxdist), int(node.prefixlength))
        words = cache[key]
        if not words:
            return wq.Term(node.fieldname, text, boost=node.boost)
        if len(words) == 1:
            return wq.Term(node.fieldname, words[0], boost=node.boost)
        return wq.Or([wq.Term(node.fieldname, word, boost=node.boost) for word in words])

    return query.accept(visit)


def expanded_terms(query: wq.Query, reader: Any) -> wq.Query:
    """``query`` with its prefix, wildcard and fuzzy parts replaced by the index terms they match.

    Highlighting marks the words a query matched; ``protest*`` or ``tiananmin~`` name none
    of them, so they are expanded here. A query without such parts is returned as it is.
    """
    leaves = list(query.leaves())
    if not any(isinstance(leaf, wq.MultiTerm) for leaf in leaves):
        return query
    clauses: list[wq.Query] = []
    for leaf in leaves:
        terms = leaf.expanded_terms(reader, phrases=True) if isinstance(leaf, wq.MultiTerm) else leaf.terms(phrases=True)
        for fieldname, text in terms:
            clauses.append(wq.Term(fieldname, text.decode("utf-8") if isinstance(text, bytes) else text))
    return wq.Or(clauses) if clauses else query


def query_words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) of each plain word of a query that searches the text fields.

    Operators, facet terms (``country:CN``), ranges, wildcards, fuzzy terms (``word~``) and boosts
    are skipped: those are not spelling.
    """
    pending: str | None = None
    stack: list[str | None] = []
    phrase_field: str | None = None
    in_phrase = False
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "field":
            pending = match.group("field").lower()
            continue
        current = pending or (phrase_field if in_phrase else None) or (stack[-1] if stack else None)
        pending = None
        if kind == "open":
            stack.append(current)
        elif kind == "close":
            if stack:
                stack.pop()
        elif kind == "quote":
            in_phrase = not in_phrase
            phrase_field = current if in_phrase else None
        elif kind == "word":
            token = match.group()
            if (token in _OPERATORS and not in_phrase) or any(c in token for c in "*?~^"):
                continue
            if current is not None and current not in TEXT_FIELDS:
                continue
            for word in _WORD.finditer(token):
                yield match.start() + word.start(), match.start() + word.end(), word.group()


class _Lexicon:
    """One index snapshot's terms, read once per field and prefix and kept by length.

    Whoosh's ``terms_within`` on an index of several segments walks the lexicon from the prefix
    and computes a Damerau-Levenshtein distance for every term, on every call: ~45 ms for a word
    starting with "c" in 3,000 Reuters stories, paid by every filtered search with few hits. Here
    the walk is made once per snapshot, and a term whose length differs by more than the distance
    allowed (so can't be within it) costs nothing. The corrections found for a word are kept too:
    the same words come back as a user refines a search.

    The answers are those of that walk (``IndexReader.terms_within``) whatever the segments: on a
    single segment Whoosh uses a Levenshtein automaton instead, which counts a swap of two letters
    ("Uyhgur") as two edits, so a typo was corrected or not depending on how the index was written.
    """

    def __init__(self) -> None:
        # (No reference to the reader: it is this object's key in _LEXICONS, which it would keep alive.)
        self._by_length: dict[tuple[str, str], dict[int, list[str]]] = {}
        self.kept = 0  # words in _by_length
        self.corrections: dict[str, list[tuple[int, str]]] = {}

    def within(self, reader: Any, fieldname: str, text: str, maxdist: int, prefix: int) -> list[str]:
        """The terms Whoosh's lexicon walk (``IndexReader.terms_within``) yields, sorted."""
        if prefix < 1:  # the whole field: not worth keeping a copy of
            return sorted(IndexReader.terms_within(reader, fieldname, text, maxdist, prefix=prefix))
        key = (fieldname, text[:prefix])
        groups = self._by_length.get(key)
        if groups is None:
            groups = {}
            fieldobj = reader.schema[fieldname]
            count = 0
            for btext in reader.expand_prefix(fieldname, text[:prefix]):
                word = fieldobj.from_bytes(btext)
                groups.setdefault(len(word), []).append(word)
                count += 1
            if self.kept + count > LEXICON_BUDGET:  # a big archive: start again rather than grow
                self._by_length.clear()
                self.kept = 0
            if count <= LEXICON_BUDGET:
                self._by_length[key] = groups
                self.kept += count
        found = []
        for length in range(len(text) - maxdist, len(text) + maxdist + 1):
            for word in groups.get(length, ()):
                if distance(word, text, limit=maxdist) <= maxdist:
                    found.append(word)
        return sorted(found)


#: The lexicon kept for each snapshot (its reader): dropped with the snapshot.
_LEXICONS: WeakKeyDictionary[Any, _Lexicon] = WeakKeyDictionary()


def _lexicon(reader: Any) -> _Lexicon:
    lexicon = _LEXICONS.get(reader)
    if lexicon is None:
        lexicon = _LEXICONS[reader] = _Lexicon()
    return lexicon


def _doc_frequency(reader: Any, term: str) -> int:
    return max(reader.doc_frequency(name, term) for name in TEXT_FIELDS)


def _match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _surface(searcher: Any, stem: str, typed: str) -> str | None:
    """A word the archive actually writes for ``stem``, the closest to what the user ``typed``."""
    reader = searcher.reader()
    analyzer = searcher.schema["body"].analyzer
    words: Counter[str] = Counter()
    for name in TEXT_FIELDS:
        if not reader.doc_frequency(name, stem):
            continue
        looked = 0
        for docnum in reader.postings(name, stem).all_ids():
            if reader.is_deleted(docnum):
                continue
            text = searcher.stored_fields(docnum).get(name, "")
            for token in analyzer(text, keeporiginal=True, mode="index"):
                if token.text == stem:
                    words[fold(token.original)] += 1
            looked += 1
            if looked >= 3:  # a few releases show the usual spellings; no need to read them all
                break
    if not words:
        return None
    target = fold(typed)
    best = min(words, key=lambda w: (distance(w, target), -words[w], w))
    return best


def _corrections(searcher: Any, word: str, language_analyzer: Any) -> list[tuple[int, str]]:
    """(edit distance, surface word) of the likely intended words for one query word, best first."""
    known = _lexicon(searcher.reader()).corrections
    if word not in known:
        if len(known) >= KEPT_CORRECTIONS:
            known.clear()
        known[word] = _find_corrections(searcher, word, language_analyzer)
    return known[word]


def _find_corrections(searcher: Any, word: str, language_analyzer: Any) -> list[tuple[int, str]]:
    terms = [t.text for t in language_analyzer(word, mode="query")]
    if len(terms) != 1:
        return []  # a stopword, or a word the analyzer splits
    term = terms[0]
    reader = searcher.reader()
    own = _doc_frequency(reader, term)
    if own >= max(COMMON_WORD_RELEASES, COMMON_WORD_SHARE * reader.doc_count()):
        return []
    # One edit for an unknown 3-letter word ("hong kon"): safe here, unlike in fuzzy matching,
    # because a suggestion is only offered when it finds more releases.
    edits = max_edits(term) or (1 if len(term) == 3 and own == 0 else 0)
    if not edits:
        return []
    candidates: dict[str, tuple[int, int]] = {}
    for name in TEXT_FIELDS:
        for near in _lexicon(reader).within(reader, name, term, edits, 1):
            if near == term or near in candidates:
                continue
            freq = _doc_frequency(reader, near)
            if freq and (own == 0 or freq >= RARE_RATIO * own):
                candidates[near] = (distance(near, term), freq)
    ranked = sorted(candidates, key=lambda t: (candidates[t][0], -candidates[t][1], t))[:MAX_SUGGESTIONS]
    out: list[tuple[int, str]] = []
    for stem in ranked:
        surface = _surface(searcher, stem, word)
        if surface and fold(surface) != fold(word) and surface not in (s for _, s in out):
            out.append((candidates[stem][0], _match_case(surface, word)))
    return out


def suggest(query: str, searcher: Any, count: Callable[[str], int], total: int) -> tuple[str, ...]:
    """Corrected versions of ``query`` that find more than ``total`` releases, best first.

    ``count(text)`` runs a query with the caller's filters and returns its total. Best means
    fewest edits, then most hits.
    """
    analyzer = searcher.schema["body"].analyzer
    fixes: list[tuple[int, int, list[tuple[int, str]]]] = []
    for start, end, word in query_words(query):
        options = _corrections(searcher, word, analyzer)
        if options:
            fixes.append((start, end, options))
    if not fixes:
        return ()
    choices = [[(0, None)] + [(d, s) for d, s in options] for _, _, options in fixes]
    scored: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    # Every combination of (keep, 1st, 2nd, 3rd correction) per word, at most 4**3 for three
    # misspelled words; beyond that only the best correction of each.
    combos = itertools.product(*choices) if len(fixes) <= 3 else [tuple(c[1] for c in choices)]
    for combo in combos:
        if all(surface is None for _, surface in combo):
            continue
        text = query
        for (start, end, _), (_, surface) in sorted(zip(fixes, combo), key=lambda fc: -fc[0][0]):
            if surface is not None:
                text = text[:start] + surface + text[end:]
        if text in seen:
            continue
        seen.add(text)
        hits = count(text)
        if hits > total:
            scored.append((sum(d for d, _ in combo), -hits, text))
    scored.sort()
    return tuple(text for _, _, text in scored[:MAX_SUGGESTIONS])
