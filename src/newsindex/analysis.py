"""The one text pipeline, used both to index and to query: tokenize → fold → stop → stem.

Why a tokenizer of our own rather than Whoosh's StemmingAnalyzer: news text needs
``#MeToo`` kept whole, "U.S." read as the acronym US (not dropped as the pronoun "us"),
"Women’s" (curly apostrophe) equal to "women's", accents folded, and "COVID-19" or
"tit-for-tat" split into parts that phrase-match "covid 19" / "tit for tat".

It is one Whoosh tokenizer class rather than a chain of filters because every stage is
per-token Python: a single loop with a per-word cache of the final term is several times
faster than four chained generators (see benchmarks/). The class lives at a stable import
path because Whoosh pickles the analyzer into the index; it drops its stemmer and cache
when pickled and rebuilds them lazily.

Only NLTK's Snowball/Porter stemmers are used (they need no downloaded ``nltk_data``), loaded
on their own when first needed rather than through ``import nltk`` (see snowball_stemmer).
"""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
import types
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

from whoosh.analysis import Token, Tokenizer

__all__ = ["NewsTokenizer", "news_analyzer", "analyze", "stopwords", "SNOWBALL_LANGUAGES", "fold", "snowball_stemmer"]

#: Languages the Snowball stemmer knows (NLTK's list, with "porter" for the classic Porter stemmer).
SNOWBALL_LANGUAGES: tuple[str, ...] = (
    "arabic", "danish", "dutch", "english", "finnish", "french", "german", "hungarian", "italian",
    "norwegian", "porter", "portuguese", "romanian", "russian", "spanish", "swedish",
)

_TOKEN = re.compile(
    r"""
      (?P<hashtag>\#\w+)                    # #MeToo: one term, not "me" + "too"
    | (?P<acronym>(?:[^\W\d_]\.){2,})       # U.S., U.K., U.S.A.
    | (?P<word>\w+(?:['’ʼ]\w+)*)            # words, with inner apostrophes (Women’s, don't)
    """,
    re.VERBOSE,
)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'"})
#: Stemmers whose term for a word begins with the word's first letter (lowercase ASCII in,
#: suffixes out: NLTK's English Snowball only changes a word from its second letter on, and
#: its special words keep theirs). tests/test_analysis.py checks it on every word of Reuters.
_KEEPS_FIRST_LETTER = frozenset({"english"})
_STOPPED = ""  # cache marker: the word is a stopword (unless written as an acronym)
_CACHE_LIMIT = 200_000  # words; a real archive has ~100k distinct words, so this rarely clears
#: term_positions results kept for the texts read last (a release's title, summary and body).
_RECENT_TEXTS = 8
_RECENT: dict[tuple[str, str, frozenset[str]], list[tuple[str, int]]] = {}


def _fold_word(word: str) -> str:
    """A word folded, its apostrophes made straight and a possessive 's (or a trailing ') cut."""
    folded = fold(word)
    if "'" in folded:
        folded = folded.translate(_APOSTROPHES)
        if folded.endswith("'s"):
            folded = folded[:-2]
        elif folded.endswith("'"):
            folded = folded[:-1]
    return folded


def fold(text: str) -> str:
    """Lowercase, unify apostrophes and strip accents ("Côte d’Ivoire" → "cote d'ivoire")."""
    text = text.lower()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@lru_cache(maxsize=None)
def stopwords(language: str = "english") -> frozenset[str]:
    """The shipped stopword list for ``language`` (empty for languages we ship none for).

    Stopping is only worth it where the list is right; an English list on French text would
    remove real words ("a", "on"), so other languages get none unless the caller passes one.
    """
    name = f"stopwords_{language}.txt"
    try:
        # beside this file, not importlib.resources (~4 ms of imports at each search's start)
        text = (Path(__file__).parent / "data" / name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


_LOADING = threading.Lock()


@lru_cache(maxsize=None)
def snowball_stemmer(language: str) -> Callable[[str], str]:
    """NLTK's Snowball stemmer for ``language`` (its ``stem`` method), loaded on its own.

    ``import nltk`` runs NLTK's package ``__init__``, which imports nearly all of NLTK (numpy,
    its corpus readers, ...): ~0.3-0.4 s, more than the rest of a search. The stemmer is three
    small modules (nltk/stem/snowball.py and the porter, api, util modules it imports), so
    they are loaded under empty stand-ins for the ``nltk``, ``nltk.stem`` and ``nltk.corpus``
    packages (~15 ms), then every ``nltk`` entry this put in ``sys.modules`` is taken out again,
    so a later ``import nltk`` anywhere in the process is NLTK's own, whole. The stemmer is
    NLTK's very code, so terms are the same as through a full import (tests/test_analysis.py
    compares them); if the light load fails (another NLTK layout), NLTK is imported whole.
    """
    if "nltk" not in sys.modules:
        with _LOADING:  # the stand-ins are process-wide for the few ms of the load
            stem = _light_snowball(language)
        if stem is not None:
            return stem
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer(language).stem


class _DeferredRedos(types.ModuleType):
    """A stand-in for ``nltk.redos`` (NLTK's guarded regular expressions) that imports the real
    one when first called. Importing it imports the ``regex`` package (~13 ms), and the English
    stemmer never calls it: only the Arabic stemmer's patterns (compiled when snowball.py is
    loaded, so :class:`_DeferredPattern` compiles them on first use) and the demos do. When
    something does call it, it is NLTK's own module doing the work, so results are the same."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name == "compile":
            return lambda *args, **kwargs: _DeferredPattern(args, kwargs)
        return lambda *args, **kwargs: _real_redos(name)(*args, **kwargs)


class _DeferredPattern:
    def __init__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._args, self._kwargs = args, kwargs

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # ABCMeta asks every class attribute for __isabstractmethod__
            raise AttributeError(name)
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = self.__dict__["_compiled"] = _real_redos("compile")(*self._args, **self._kwargs)
        return getattr(compiled, name)


def _real_redos(name: str) -> Any:
    from nltk import redos  # NLTK imported whole (the stand-ins are gone by the time a stem runs)

    return getattr(redos, name)


def _light_snowball(language: str) -> Callable[[str], str] | None:
    spec = importlib.util.find_spec("nltk")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(list(spec.submodule_search_locations)[0])
    try:
        for name, folder in (("nltk", root), ("nltk.stem", root / "stem"), ("nltk.corpus", root / "corpus")):
            stand_in = types.ModuleType(name)
            stand_in.__path__ = [str(folder)]
            sys.modules[name] = stand_in
        sys.modules["nltk.corpus"].stopwords = None  # type: ignore[attr-defined]  # (only read with ignore_stopwords=True)
        sys.modules["nltk.redos"] = _DeferredRedos("nltk.redos")
        module = importlib.import_module("nltk.stem.snowball")
        return module.SnowballStemmer(language).stem  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 - any failure: import NLTK the ordinary way
        return None
    finally:
        for name in [n for n in sys.modules if n == "nltk" or n.startswith("nltk.")]:
            del sys.modules[name]


def _is_caps(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


class NewsTokenizer(Tokenizer):
    """Whoosh analyzer for news: yields final, stemmed index terms.

    ``language`` picks the Snowball stemmer; ``stoplist`` overrides the shipped stopwords.
    A stopword written in capitals (US, IT, WHO) is an acronym and kept — unless its
    neighbours are capitals too, as in an all-caps headline ("TALKS TO RESUME").
    """

    def __init__(self, language: str = "english", stoplist: frozenset[str] | None = None) -> None:
        if language not in SNOWBALL_LANGUAGES:
            raise ValueError(f"unknown stemming language {language!r}; choose one of {', '.join(SNOWBALL_LANGUAGES)}")
        self.language = language
        self.stoplist = frozenset(stoplist) if stoplist is not None else stopwords(language)
        self._setup()

    def _setup(self) -> None:
        self._stem: Callable[[str], str] | None = None
        self._cache: dict[str, str] = {}
        self._whole_cache: dict[str, str] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"language": self.language, "stoplist": self.stoplist}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.language = state["language"]
        self.stoplist = state["stoplist"]
        self._setup()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NewsTokenizer) and (self.language, self.stoplist) == (other.language, other.stoplist)

    def __hash__(self) -> int:
        return hash((self.language, self.stoplist))

    def _stemmer(self) -> Callable[[str], str]:
        if self._stem is None:
            self._stem = snowball_stemmer(self.language)
        return self._stem

    def term(self, word: str) -> str:
        """The index term of one word, or "" when it is a stopword (cached)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        folded = _fold_word(word)
        if folded in self.stoplist:
            result = _STOPPED
        else:
            result = self._stemmer()(folded)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = result
        return result

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:  # Whoosh asks for the value as one token (e.g. prefix/wildcard text)
            token.original = token.text = fold(value)
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        matches = list(_TOKEN.finditer(value))
        pos = start_pos
        index_mode = mode != "query"
        for i, match in enumerate(matches):
            kind = match.lastgroup
            raw = match.group()
            extra = ""
            stopped = False
            if kind == "word":
                text = self.term(raw)
                if text is _STOPPED or text == "":
                    if _is_caps(raw) and not self._in_caps_run(matches, i):
                        text = fold(raw)  # an acronym: US, IT, WHO — kept, not stemmed
                    else:
                        stopped = True
                        if removestops:
                            continue
                        text = fold(raw)
            elif kind == "acronym":
                text = fold(raw.replace(".", ""))
            else:  # hashtag: "#metoo"; in the index also "metoo", so a search for MeToo finds it
                text = fold(raw)
                if index_mode:
                    extra = self.term(raw[1:]) or fold(raw[1:])
            token.text = text
            token.boost = 1.0
            token.stopped = stopped
            if keeporiginal:
                token.original = raw
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token
            if extra and extra != text:
                token.text = extra
                yield token
            pos += 1

    def spans(self, value: str, *, starts: frozenset[str] | None = None, removestops: bool = False) -> Iterator[tuple[int, int, str]]:
        """(startchar, endchar, term) for each token ``self(value, chars=True, mode="index",
        removestops=removestops)`` yields, without Token objects: what highlighting reads
        (highlight.py; about a third of a highlighted search was the Token stream's attribute
        writes). Lazy, so a reader that has its snippet stops the analysis. Must stay in step
        with the generator (tests/test_analysis.py compares the two). With stopwords kept, a
        stopword's term is its folded text whether or not it is an acronym, so no look-around.

        ``starts``: the first characters of the terms the caller looks for. A word whose term
        cannot begin with one of them may then be left out unread: with a stemmer that keeps a
        word's first letter (_KEEPS_FIRST_LETTER), an ASCII word's term begins with its first
        letter, lowercased. Stemming the words of a freshly opened index's hits was most of a
        highlighted search (~20 us a word, NLTK's Snowball in Python); this skips ~9 in 10.
        """
        term = self.term
        if starts is not None and (self.language not in _KEEPS_FIRST_LETTER or "" in starts):
            starts = None
        if starts is not None:
            starts = starts | {c.upper() for c in starts}
        matches: Any = list(_TOKEN.finditer(value)) if removestops else _TOKEN.finditer(value)
        for i, match in enumerate(matches):
            kind = match.lastgroup
            raw = match.group()
            if kind == "word":
                if starts is not None and raw[0] not in starts and raw.isascii():
                    continue  # its term begins with raw[0].lower(): not one looked for
                text = term(raw)
                if text is _STOPPED or text == "":
                    if removestops and not (_is_caps(raw) and not self._in_caps_run(matches, i)):
                        continue  # a stopword, not an acronym
                    text = fold(raw)
                start, end = match.span()
                yield start, end, text
            elif kind == "acronym":
                start, end = match.span()
                yield start, end, fold(raw.replace(".", ""))
            else:  # a hashtag, and in the index the word too
                start, end = match.span()
                text = fold(raw)
                yield start, end, text
                extra = term(raw[1:]) or fold(raw[1:])
                if extra and extra != text:
                    yield start, end, extra

    def terms(self, value: str, mode: str = "index") -> list[str]:
        """The term texts ``self(value, mode=mode)`` yields, as a list, without Token objects."""
        return [text for text, _ in self.term_positions(value, mode)]

    def term_positions(self, value: str, mode: str = "index") -> list[tuple[str, int]]:
        """(term, position) for each token ``self(value, positions=True, mode=mode)`` yields.

        The taggers read every release's text as terms, and the writer (writing.py) indexes
        it from these pairs; this loop is the generator above minus its per-token attribute
        writes (about twice as fast), and must stay in step with it (tests/test_analysis.py
        compares the two).
        """
        # The same text is read twice in a row when a release is indexed: by the issue tagger
        # (as a query), then by the writer (with another tokenizer object: the index's,
        # unpickled). Both get the one reading; it is shared, so callers must not change it.
        # A query reads hashtags once ("#metoo"), an index also as the word ("metoo", at the
        # same position): the query reading is the index one without those.
        key = (value, self.language, self.stoplist)
        out = _RECENT.get(key)
        if out is None:
            out = self._index_positions(value)
            if len(_RECENT) >= _RECENT_TEXTS:
                _RECENT.clear()
            _RECENT[key] = out
        if mode != "query":
            return out
        return [pair for i, pair in enumerate(out) if not i or pair[1] != out[i - 1][1]]

    def _index_positions(self, value: str) -> list[tuple[str, int]]:
        out: list[tuple[str, int]] = []
        append = out.append
        term = self.term
        matches = list(_TOKEN.finditer(value))
        pos = 0
        for i, match in enumerate(matches):
            kind = match.lastgroup
            raw = match.group()
            if kind == "word":
                text = term(raw)
                if text is _STOPPED or text == "":
                    if _is_caps(raw) and not self._in_caps_run(matches, i):
                        text = fold(raw)
                    else:
                        continue
                append((text, pos))
            elif kind == "acronym":
                append((fold(raw.replace(".", "")), pos))
            else:
                text = fold(raw)
                append((text, pos))
                extra = term(raw[1:]) or fold(raw[1:])
                if extra and extra != text:
                    append((extra, pos))
            pos += 1
        return out

    def _whole_term(self, word: str) -> str:
        """The term of one word as an analyzer with no stop list reads it (stop words stemmed too)."""
        cached = self._whole_cache.get(word)
        if cached is not None:
            return cached
        folded = _fold_word(word)
        result = self._stemmer()(folded)
        if len(self._whole_cache) >= _CACHE_LIMIT:
            self._whole_cache.clear()
        self._whole_cache[word] = result
        return result

    def readings(self, value: str) -> tuple[list[tuple[str, int]], list[str]]:
        """``(self.term_positions(value), terms of value in query mode with no stop list)``, in one pass.

        The issue tagger matches phrases with their small words ("same-sex" is not "sex"), the
        writer indexes without them. Reading the text once for both keeps what term_positions'
        cache gives indexing (the writer finds this reading there, as it found the tagger's
        before), instead of a second tokenizer's pass per release. Must stay in step with
        _index_positions and with ``NewsTokenizer(stoplist=frozenset()).terms(value, "query")``
        (tests/test_analysis.py compares them).
        """
        out: list[tuple[str, int]] = []
        whole: list[str] = []
        append, keep = out.append, whole.append
        term, whole_term = self.term, self._whole_term
        matches = list(_TOKEN.finditer(value))
        pos = 0
        for i, match in enumerate(matches):
            kind = match.lastgroup
            raw = match.group()
            if kind == "word":
                text = term(raw)
                if text:  # the common case: a word that is no stop word
                    keep(text)
                    append((text, pos))
                else:  # a stop word ("" is also the cache's stop marker): its stem is kept for us
                    caps = _is_caps(raw) and not self._in_caps_run(matches, i)
                    full = whole_term(raw) or (fold(raw) if caps else "")
                    if full:
                        keep(full)
                    if not caps:
                        continue
                    append((fold(raw), pos))
            elif kind == "acronym":
                text = fold(raw.replace(".", ""))
                append((text, pos))
                keep(text)
            else:
                text = fold(raw)
                append((text, pos))
                keep(text)
                extra = term(raw[1:]) or fold(raw[1:])
                if extra and extra != text:
                    append((extra, pos))
            pos += 1
        key = (value, self.language, self.stoplist)
        if key not in _RECENT:
            if len(_RECENT) >= _RECENT_TEXTS:
                _RECENT.clear()
            _RECENT[key] = out
        return out, whole

    @staticmethod
    def _in_caps_run(matches: list[re.Match[str]], i: int) -> bool:
        """True when a neighbouring word is in capitals too: an all-caps headline, not an acronym."""
        for j in (i - 1, i + 1):
            if 0 <= j < len(matches):
                neighbour = matches[j].group()
                if matches[j].lastgroup == "word" and _is_caps(neighbour):
                    return True
        return False


@lru_cache(maxsize=32)
def news_analyzer(language: str = "english") -> NewsTokenizer:
    """The shared analyzer for ``language`` (one instance, so its stem cache is shared)."""
    return NewsTokenizer(language)


def analyze(text: str, *, language: str = "english", mode: str = "index") -> list[str]:
    """The terms ``text`` becomes in the index (``mode="query"``: as a query is read).

    >>> analyze("Women’s rights in the U.S. #MeToo COVID-19")
    ['women', 'right', 'us', '#metoo', 'metoo', 'covid', '19']
    """
    return news_analyzer(language).terms(text, mode=mode)
