"""Snippets and match marks: where a hit's snippet is cut, and which words in it and its title are marked.

Beside analysis.py because it leans on the same analyzer: the words of a release are analysed
as they were indexed and compared with the query's terms, so highlighting agrees with matching
(a search for "executions" marks "executed"). search.py calls :func:`highlight` once per hit.
"""

from __future__ import annotations

from typing import Any, Iterator

from whoosh import query as wq

from .analysis import NewsTokenizer, news_analyzer
from .records import Release
from .schema import TEXT_FIELDS

__all__ = ["highlight", "best_window", "matched_spans", "matched_tokens", "SNIPPET_CHARS"]

#: Length of a snippet (before widening to word boundaries and adding "…").
SNIPPET_CHARS = 240


def matched_spans(text: str, terms: frozenset[str], analyzer: Any, *, removestops: bool = True) -> list[tuple[int, int]]:
    if hasattr(analyzer, "spans"):  # newsindex's own analyzer: tuples, and only words that may match
        found = analyzer.spans(text, starts=_starts(terms), removestops=removestops)
        spans = [(a, b) for a, b, t in found if t in terms]
    else:
        spans = [(t.startchar, t.endchar) for t in analyzer(text, chars=True, mode="index", removestops=removestops) if t.text in terms]
    return list(dict.fromkeys(spans))  # "#MeToo" is indexed twice at one place: mark it once


def _starts(terms: frozenset[str]) -> frozenset[str]:
    """The first characters of ``terms`` (NewsTokenizer.spans skips words that can't begin one)."""
    return frozenset(t[:1] for t in terms)


#: Context kept before the first word of a snippet.
SNIPPET_LEAD = 60
#: Snippets are looked for in the first this many characters of a text (a 5 MB body would
#: otherwise be analysed on every search that shows it).
SNIPPET_SCAN_CHARS = 50_000


def matched_tokens(text: str, terms: frozenset[str], analyzer: Any) -> list[tuple[int, int, str]]:
    """(start, end, term) of the words of ``text`` that match ``terms``, in order.

    Stops reading as soon as one snippet-sized stretch holds every query term: no later window
    can beat it (ties go to the earliest), and most hits show their best passage early.
    """
    found: list[tuple[int, int, str]] = []
    reach = SNIPPET_CHARS - SNIPPET_LEAD
    stop_at: int | None = None
    head = text[:SNIPPET_SCAN_CHARS]
    if hasattr(analyzer, "spans"):  # newsindex's own analyzer: tuples, no Token objects
        tokens: Iterator[tuple[int, int, str]] = analyzer.spans(head, starts=_starts(terms))
    else:
        tokens = ((t.startchar, t.endchar, t.text) for t in analyzer(head, chars=True, mode="index", removestops=False))
    for span in tokens:
        if stop_at is not None and span[0] >= stop_at:
            break
        if span[2] not in terms:
            continue
        if found and found[-1][:2] == span[:2]:
            continue  # "#MeToo" is indexed twice at one place: mark it once
        found.append(span)
        if stop_at is None and len(found) >= len(terms):
            recent = [(a, t) for a, _, t in found if a >= span[0] - reach]
            if len({t for _, t in recent}) == len(terms):
                # every term within one window: read on only to the end of that window
                stop_at = max(0, recent[0][0] - SNIPPET_LEAD) + SNIPPET_CHARS
    return found


def best_window(spans: list[tuple[int, int, str]]) -> tuple[int, int, list[tuple[int, int]]] | None:
    """The SNIPPET_CHARS window with the most distinct matched terms (then the most matches,
    then the earliest), as (start, end, spans inside it); ``end`` may pass the text's end.

    One pass with two pointers. Whoosh's ContextFragmenter did the same job by copying every
    token of the text and cost ~5 ms per hit on a 2 kB story.
    """
    if not spans:
        return None
    best_key: tuple[int, int, int] | None = None
    best = (0, 0, 0, 0)
    j = 0
    for i, (first, _, _) in enumerate(spans):
        start = max(0, first - SNIPPET_LEAD)
        end = start + SNIPPET_CHARS
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] <= end:
            j += 1
        inside = spans[i : j + 1]
        key = (-len({t for _, _, t in inside}), -len(inside), start)
        if best_key is None or key < best_key:
            best_key, best = key, (start, end, i, j)
    start, end, i, j = best
    return start, end, [(a, b) for a, b, _ in spans[i : j + 1]]


def shared(analyzer: Any) -> Any:
    """The process's one analyzer equal to ``analyzer`` (analysis.news_analyzer), whose word
    cache outlives an index's schema: every snapshot unpickles its own analyzer, with an empty
    cache, and highlighting reads a hit's every word."""
    known = _SHARED.get(id(analyzer))
    if known is not None and known[0] is analyzer:
        return known[1]
    common = analyzer
    if isinstance(analyzer, NewsTokenizer):
        candidate = news_analyzer(analyzer.language)
        if candidate == analyzer:
            common = candidate
    if len(_SHARED) >= 16:
        _SHARED.clear()
    _SHARED[id(analyzer)] = (analyzer, common)  # held, so the id is not reused while kept
    return common


_SHARED: dict[int, tuple[Any, Any]] = {}


def highlight(release: Release, parsed: wq.Query, schema: Any) -> tuple[str, tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """Best passage of summary/body around the query's words, and the match spans.

    Runs the index's own analyzer over the text, so highlighting agrees with matching (a
    search for "executions" marks "executed"). Returns (snippet, spans in it, spans in the title).
    """
    analyzer = shared(schema["body"].analyzer)
    terms = frozenset(
        text.decode("utf-8") if isinstance(text, bytes) else str(text)
        for fieldname, text in parsed.iter_all_terms()
        if fieldname in TEXT_FIELDS
    )
    title_spans = tuple(matched_spans(release.title, terms, analyzer)) if terms else ()
    for text in (release.summary, release.body):
        if not text or not terms:
            continue
        window = best_window(matched_tokens(text, terms, analyzer))
        if window is not None:
            start, end, matched = window
            end = min(end, len(text))
            # widen to word boundaries so the snippet doesn't start or end mid-word
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            while end < len(text) and not text[end].isspace():
                end += 1
            snippet = text[start:end].strip()
            offset = start + (len(text[start:end]) - len(text[start:end].lstrip()))
            spans = tuple((a - offset, b - offset) for a, b in matched if 0 <= a - offset and b - offset <= len(snippet))
            prefix = "…" if start > 0 else ""
            suffix = "…" if end < len(text) and not snippet.endswith("…") else ""
            shift = len(prefix)
            return prefix + snippet + suffix, tuple((a + shift, b + shift) for a, b in spans), title_spans
    fallback = release.summary or release.body
    snippet = fallback[:SNIPPET_CHARS]
    if len(fallback) > SNIPPET_CHARS:
        snippet = snippet.rsplit(" ", 1)[0] + "…"
    return snippet, (), title_spans
