"""User query text → Whoosh query, checked first so bad syntax is an error, not a rewrite.

Whoosh's QueryParser never raises: ``title:(unclosed`` quietly becomes some other query and the
user gets results for a question they did not ask. We run a small lexer over the text first
and raise :class:`QueryError` with the position of the problem; only well-formed text reaches
Whoosh's parser.

Syntax: words; ``"exact phrases"``; ``AND``, ``OR``, ``NOT`` (capitals) and parentheses;
``field:term`` / ``field:"phrase"`` / ``field:(a OR b)``; ``prefix*``; ``term~`` (fuzzy, opt-in
per word, first letter kept); ``term^2`` (boost); ``date:[2021-01-01 TO 2021-06-30]``; ``-word`` / ``-"phrase"`` /
``-field:term`` / ``-(group)``: without it (the web-search habit, read as NOT).

A minus only excludes at the start of a word: ``anti-war`` and ``COVID-19`` are hyphenated
words, and a dash standing alone ("oil - prices") is punctuation. (Whoosh's own PlusMinusPlugin
splits hyphenated words into exclusions, "anti-war" becoming "anti NOT war", so it is not used;
without any plugin, "oil -price" had quietly meant "oil AND price".)
"""

from __future__ import annotations

import copy

import re
from dataclasses import dataclass
from typing import Literal

from whoosh import qparser
from whoosh import query as wq
from whoosh.fields import Schema

from .errors import QueryError
from .schema import FACET_FIELDS, TEXT_FIELDS

__all__ = ["parse_query", "check_syntax", "QUERY_FIELDS", "Match", "MAX_QUERY_WORDS"]

#: The longest query read, in words. Whoosh's parser takes time that grows faster than the
#: query (a 10,000-word paste took 55 s on 11,000 stories; 1,000 words take well under a
#: second), so a longer one is refused with this number in the message rather than left to run.
MAX_QUERY_WORDS = 1_000

Match = Literal["all", "any"]
#: Fields a query may name with ``field:``.
QUERY_FIELDS: tuple[str, ...] = TEXT_FIELDS + FACET_FIELDS + ("date", "id", "url")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_BINARY = {"AND", "OR", "ANDNOT", "ANDMAYBE"}
_FIELD = re.compile(r"([A-Za-z_]+):")
_WORD_END = re.compile(r'[\s()"\[]')


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "term", "op", "(", ")"
    text: str
    pos: int


def _lex(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "(" or ch == ")":
            tokens.append(_Tok(ch, ch, i))
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError(text, i, "unclosed quote: add the closing \"")
            if not text[i + 1 : end].strip():
                raise QueryError(text, i, "empty phrase \"\"")
            tokens.append(_Tok("term", text[i : end + 1], i))
            i = end + 1
        elif ch == "[" or ch == "{":
            close = "]" if ch == "[" else "}"
            end = text.find(close, i + 1)
            if end < 0:
                raise QueryError(text, i, f"unclosed range: add the closing {close}")
            if " TO " not in f" {text[i + 1 : end]} ":
                raise QueryError(text, i, "a range reads [start TO end]")
            tokens.append(_Tok("term", text[i : end + 1], i))
            i = end + 1
        else:
            field = _FIELD.match(text, i)
            if field:
                name = field.group(1)
                if name.lower() not in QUERY_FIELDS:
                    raise QueryError(
                        text, i, f"unknown field {name!r} (fields: {', '.join(QUERY_FIELDS)}); to search for the word itself, put it in quotes"
                    )
                after = field.end()
                if after >= n or text[after].isspace() or text[after] == ")":
                    raise QueryError(text, after, f"nothing to search for after {name}:")
                if text[after] in '("[{':
                    i = after  # the group, phrase or range that follows is lexed on its own
                    continue
                i = after
            match = _WORD_END.search(text, i)
            end = match.start() if match else n
            word = text[i:end]
            if word.startswith(("*", "?")):
                raise QueryError(text, i, "a wildcard needs letters before it (e.g. protest*)")
            kind = "op" if word in _OPERATORS else "term"
            tokens.append(_Tok(kind, word, i))
            i = end
    return tokens


def check_syntax(text: str) -> None:
    """Raise :class:`QueryError` (with the position) when ``text`` is not a well-formed query."""
    tokens = _lex(text)
    depth: list[int] = []
    previous: _Tok | None = None
    for tok in tokens:
        if tok.kind == "(":
            depth.append(tok.pos)
        elif tok.kind == ")":
            if not depth:
                raise QueryError(text, tok.pos, "unmatched ')'")
            opened = depth.pop()
            if previous is not None and previous.kind == "(":
                raise QueryError(text, opened, "empty parentheses ()")
            if previous is not None and previous.kind == "op":
                raise QueryError(text, previous.pos, f"{previous.text} needs a term after it")
        elif tok.kind == "op" and tok.text in _BINARY:
            if previous is None or previous.kind in ("op", "("):
                raise QueryError(text, tok.pos, f"{tok.text} needs a term before it")
        previous = tok
    if depth:
        raise QueryError(text, depth[-1], "unclosed '(': add the closing )")
    if previous is not None and previous.kind == "op":
        raise QueryError(text, previous.pos, f"{previous.text} needs a term after it")


def _normalize_facet_terms(node: wq.Query) -> wq.Query:
    """country:cn means CN; issue:Torture means torture (facet values have one spelling)."""
    if isinstance(node, wq.Term) and node.fieldname == "country":
        return wq.Term("country", str(node.text).upper(), boost=node.boost)
    if isinstance(node, wq.Term) and node.fieldname in ("issue", "type", "source"):
        return wq.Term(node.fieldname, str(node.text).lower(), boost=node.boost)
    return node


def _exclusions_apply_to_the_group(node: wq.Or) -> wq.Query:
    """``a b NOT c`` with match="any": (a OR b) without c — not Whoosh's "a OR b OR (not c)".

    Whoosh's parser puts a NOT among the alternatives of an OR group, so every release without
    "c" matched; nobody types NOT (or -c) to ask for more results.
    """
    negated = [q.query for q in node.subqueries if isinstance(q, wq.Not)]
    positive = [q for q in node.subqueries if not isinstance(q, wq.Not)]
    exclude = negated[0] if len(negated) == 1 else wq.Or(negated)
    if not positive:
        return wq.Not(exclude)
    keep = copy.copy(node)
    keep.subqueries = positive
    keep.matcher_type = wq.Or.DEFAULT_MATCHER
    return wq.AndNot(keep if len(positive) > 1 else positive[0], exclude)


def _finish(node: wq.Query) -> wq.Query:
    """Normalize facet terms and pick matchers, keeping every attribute of compound nodes.

    Whoosh's own ``Query.accept`` rebuilds compound queries from their subqueries and boost
    alone, silently dropping other attributes (an Or's ``scale``, ``minmatch``).
    """
    if isinstance(node, wq.CompoundQuery):
        rebuilt = copy.copy(node)
        rebuilt.subqueries = [_finish(q) for q in node.subqueries]
        if isinstance(node, wq.BinaryQuery):
            rebuilt.a, rebuilt.b = rebuilt.subqueries
        if isinstance(node, wq.Or) and any(isinstance(q, wq.Not) for q in rebuilt.subqueries):
            return _exclusions_apply_to_the_group(rebuilt)
        if isinstance(node, wq.Or):
            # Whoosh picks a "preloaded" array matcher for an Or of three or more clauses on
            # segments under 5,000 documents; it walks 2,048-slot arrays for every part and
            # made a two-word query over title/summary/body about 4x slower than the binary
            # union tree.
            rebuilt.matcher_type = wq.Or.DEFAULT_MATCHER
        return rebuilt
    if list(node.children()):
        return node.apply(_finish)
    if isinstance(node, wq.FuzzyTerm) and node.prefixlength < 1:
        # ``word~`` keeps its first letter, as fuzzy=True does: with none kept, each fuzzy word
        # was an edit-distance walk over the field's whole lexicon (0.5 s on 11,000 stories).
        node = copy.copy(node)
        node.prefixlength = 1
    return _normalize_facet_terms(node)


def _minus_as_not(text: str) -> str:
    """``oil -price`` → ``oil NOT price`` (only a minus that starts a word; see the module doc)."""
    cuts: list[tuple[int, str]] = []
    for tok in _lex(text):
        if tok.kind != "term" or not tok.text.startswith("-") or (tok.pos and not (text[tok.pos - 1].isspace() or text[tok.pos - 1] == "(")):
            continue
        after = text[tok.pos + 1 : tok.pos + 2]
        if tok.text.strip("-") and not tok.text[1:].startswith("-"):
            cuts.append((tok.pos, "NOT "))  # -word, -field:word
        elif tok.text == "-" and after in ('"', "(", "[", "{"):
            cuts.append((tok.pos, "NOT "))  # -"phrase", -(group)
        elif not tok.text.strip("-"):
            cuts.append((tok.pos, " " * len(tok.text)))  # a dash standing alone: punctuation
            continue
    for pos, replacement in reversed(cuts):
        width = len(replacement) if replacement.isspace() else 1
        text = text[:pos] + replacement + text[pos + width :]
    return text


def parse_query(text: str, schema: Schema, *, match: Match = "all") -> wq.Query | None:
    """Parse ``text`` into a Whoosh query over the text fields; None for an empty query.

    ``match="all"`` (the default) requires every word, ``"any"`` at least one, ranking those
    that match more words higher (BM25F adds up the words' scores; see ranking.py).
    """
    if match not in ("all", "any"):
        raise ValueError(f"match must be 'all' or 'any', not {match!r}")
    if not isinstance(text, str):
        raise TypeError(f"query must be a string, not {type(text).__name__}")
    if not text.strip():
        return None
    words = len(text.split())
    if words > MAX_QUERY_WORDS:
        raise QueryError(text[:60] + "...", 0, f"the query has {words:,} words; at most {MAX_QUERY_WORDS:,} are read: keep its key words")
    check_syntax(text)
    text = _minus_as_not(text)
    check_syntax(text)  # the rewrite keeps the text well formed ("a AND -b": "a AND NOT b")
    group = qparser.AndGroup if match == "all" else qparser.OrGroup
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), schema, group=group)
    parser.remove_plugin_class(qparser.SingleQuotePlugin)  # 'word' quotes collide with apostrophes
    parser.add_plugin(qparser.FuzzyTermPlugin())  # term~ : opt-in fuzzy matching, per word
    parsed = parser.parse(text)
    return _finish(parsed)
