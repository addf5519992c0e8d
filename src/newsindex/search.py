"""Query execution: a search request run against a snapshot, returned as SearchResults.

Every read of ``NewsIndex.search``/``ids``/``similar`` ends here, in one direction:
:class:`SearchRequest` checks and normalises the arguments; :func:`execute` takes a
:class:`~newsindex.snapshot.Snapshot` and does the rest — filters (:func:`allowed`, set
operations on the snapshot's tables), matching (:func:`matching`), ordering by score
(:func:`by_score`: top-k, ties in the documented order) or by date (:func:`by_date`), facet
counts (facets.py), hits with snippets (:func:`build_hit`, highlight.py) and spelling
suggestions (spelling.py). Nothing here writes, opens or locks: the caller holds the lock
for as long as it uses the snapshot.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import heapq
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping, Sequence

from whoosh import query as wq

from . import facets as _facets
from .bm25f import combine_words
from .dates import parse_date
from .facet_values import country_filter, issue_filter, source_filter
from .highlight import SNIPPET_CHARS, highlight
from .multiterm import MAX_FUZZY_WORDS, bound_multiterms, check_fuzzy
from .query import Match, parse_query
from .ranking import REPEATED_WORDS, weigh_query
from .recency import check_half_life, rank_by_recency
from .results import Hit, SearchResults
from .schema import FACET_FIELDS, from_stored
from .snapshot import Snapshot
from .spelling import SUGGEST_BELOW, expand_fuzzy, expanded_terms, fuzzify, suggest
from .tagging.speakers import speaker_slug

if TYPE_CHECKING:
    from .tagging.issues import Taxonomy

__all__ = ["SearchRequest", "execute", "select", "prepare", "similar", "FILTERS", "Sort"]

Sort = Literal["relevance", "newest", "oldest"]
DateLike = str | _dt.date
FilterValue = str | Iterable[str] | None

#: The facet filters of search(), ids(), similar() and watches; each takes a value or values
#: (OR within one filter, AND across filters). ``since``/``until`` are the date range.
FILTERS: tuple[str, ...] = ("country", "issue", "type", "source", "speaker")
DATE_FILTERS: tuple[str, ...] = ("since", "until")
#: A filtered search matching at most this many documents scores them one by one instead of
#: running Whoosh's collector over every match of the query (measured break-even: ~100-300).
SCORE_DIRECTLY_BELOW = 100


# --------------------------------------------------------------------------- the request


def as_values(value: FilterValue, name: str) -> tuple[str, ...]:
    """A filter's value(s) in the form the index stores them ("hk" → "HK", "Agnès Callamard" → "agnes-callamard")."""
    if value is None:
        return ()
    if isinstance(value, str):
        values = [value]
    else:
        values = list(value)
        if not all(isinstance(v, str) for v in values):
            raise TypeError(f"{name}= takes a string or strings")
    cleaned = [v.strip() for v in values if v and v.strip()]
    if name == "country":  # codes, names, aliases ("Japan", "hong kong", "USA"); unknown: an error
        return country_filter(cleaned)
    if name == "speaker":  # "Agnès Callamard" or "agnes-callamard"
        return tuple(speaker_slug(v) for v in cleaned)
    if name == "source":  # names as given ("Amnesty USA"): matched to the index's in resolve()
        return tuple(cleaned)
    return tuple(v.lower().replace(" ", "-") for v in cleaned)


def as_date(value: DateLike | None, name: str) -> str | None:
    """``since=``/``until=`` as an ISO date string (None when not given); ValueError names the argument."""
    if value is None or value == "":
        return None
    try:
        return parse_date(value).isoformat()
    except ValueError as exc:
        raise ValueError(f"{name}={value!r}: {exc}") from None


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """The checked, normalised arguments of one ``NewsIndex.search`` call (see its docstring)."""

    query: str
    filters: Mapping[str, tuple[str, ...]]  # FILTERS name -> stored values; () for none
    date_range: tuple[str | None, str | None]
    sort: Sort = "relevance"
    page: int = 1
    limit: int = 10
    facets: tuple[str, ...] = ()
    highlight: bool = True
    match: Match = "all"
    fuzzy: bool = False
    boost_recent: float | None = None
    feedback: bool = False

    @classmethod
    def build(
        cls,
        query: str = "",
        *,
        filters: Mapping[str, FilterValue],
        since: DateLike | None = None,
        until: DateLike | None = None,
        sort: Sort = "relevance",
        page: int = 1,
        limit: int = 10,
        facets: Sequence[str] = (),
        highlight: bool = True,
        match: Match = "all",
        fuzzy: bool = False,
        boost_recent: float | None = None,
        feedback: bool = False,
    ) -> SearchRequest:
        """Check the arguments (ValueError/TypeError say which is wrong) and normalise the filters."""
        if sort not in ("relevance", "newest", "oldest"):
            raise ValueError(f"sort must be 'relevance', 'newest' or 'oldest', not {sort!r}")
        if boost_recent is not None:
            boost_recent = check_half_life(boost_recent)
            if sort != "relevance":
                raise ValueError(f"boost_recent re-ranks by relevance; it does not apply to sort={sort!r}")
        if feedback and sort != "relevance":
            raise ValueError(f"feedback re-ranks by relevance; it does not apply to sort={sort!r}")
        if isinstance(facets, str):
            facets = (facets,)
        unknown = [f for f in facets if f not in FACET_FIELDS]
        if unknown:
            raise ValueError(f"unknown facet {unknown[0]!r}; facets are {', '.join(FACET_FIELDS)}")
        if not isinstance(page, int) or page < 1:
            raise ValueError("page must be an integer >= 1")
        if not isinstance(limit, int) or limit < 0:
            raise ValueError("limit must be an integer >= 0")
        values = {name: as_values(filters.get(name), name) for name in FILTERS}
        date_range = (as_date(since, "since"), as_date(until, "until"))
        return cls(query, values, date_range, sort, page, limit, tuple(facets), highlight, match, fuzzy, boost_recent, bool(feedback))


# --------------------------------------------------------------------------- execution


def resolve(snap: Snapshot, filters: Mapping[str, tuple[str, ...]], taxonomy: Taxonomy | None) -> dict[str, tuple[str, ...]]:
    """Issue and source filter values as the index holds them (facet_values.issue_filter and
    source_filter: labels and aliases accepted, an unknown value an UnknownFacetValueError)."""
    resolved = dict(filters)
    if resolved.get("issue"):
        resolved["issue"] = issue_filter(resolved["issue"], snap.docs_by_value["issue"], taxonomy)
    if resolved.get("source"):
        resolved["source"] = source_filter(resolved["source"], snap.docs_by_value["source"])
    return resolved


def execute(snap: Snapshot, request: SearchRequest, taxonomy: Taxonomy | None = None) -> SearchResults:
    """Run ``request`` on ``snap``: the page of hits, the total, facet counts and suggestions."""
    query, match, fuzzy, sort, page, limit = request.query, request.match, request.fuzzy, request.sort, request.page, request.limit
    parsed = prepare(snap, query, match=match, fuzzy=fuzzy)
    allowed_docs = allowed(snap, resolve(snap, request.filters, taxonomy), request.date_range)
    scores: dict[int, float]
    weighted = parsed  # the query as scored: repeated words weighted up
    if allowed_docs is not None and not allowed_docs:
        # Nothing passes the filters. (Whoosh would read an empty filter set as "no filter".)
        matched, order, scores = frozenset(), [], {}
    elif parsed is None:
        matched = frozenset(allowed_docs) if allowed_docs is not None else frozenset(snap.live)
        scores = {}
        order = by_date(snap, matched, newest=(sort != "oldest"))
    else:
        matched = matching(snap, parsed, allowed_docs)
        weighted = weigh_repeats(snap, parsed, query)
        scoring = with_feedback(snap, parsed, allowed_docs, matched, query) if request.feedback and sort == "relevance" else weighted
        if sort == "relevance" and request.boost_recent:
            newest = snap.by_date[-1][0] if snap.by_date else None
            order, scores = rank_by_recency(
                all_scores(snap, scoring, allowed_docs, matched), half_life=request.boost_recent, ids=snap.ids, dates=snap.dates, newest=newest
            )
        elif sort == "relevance":
            order, scores = by_score(snap, scoring, allowed_docs, page * limit, matched)
        else:
            order = by_date(snap, matched, newest=(sort == "newest"))
            scores = {}
    start = (page - 1) * limit
    page_docs = order[start : start + limit]
    if weighted is not None and page_docs and not scores:
        scores = scores_of(snap, weighted, page_docs)
    # Prefix, wildcard and fuzzy words are highlighted as the words they matched.
    marks = expanded_terms(parsed, snap.searcher.reader()) if request.highlight and parsed is not None and page_docs else None
    hits = tuple(build_hit(snap, docnum, rank=start + i + 1, score=scores.get(docnum, 0.0), parsed=marks) for i, docnum in enumerate(page_docs))
    counts = {name: _facets.count(snap, name, matched, taxonomy) for name in request.facets}
    suggestions: tuple[str, ...] = ()
    if parsed is not None and len(matched) < SUGGEST_BELOW and (allowed_docs is None or allowed_docs):

        def count(text: str) -> int:
            other = prepare(snap, text, match=match, fuzzy=fuzzy)
            if other is None:
                return 0
            return len(matching(snap, other, allowed_docs))

        suggestions = suggest(query, snap.searcher, count, len(matched))
    return SearchResults(query=query, hits=hits, total=len(matched), page=page, limit=limit, sort=sort, facets=counts, suggestions=suggestions)


def weigh_repeats(snap: Snapshot, parsed: wq.Query, query: str) -> wq.Query:
    """``parsed`` with each word the query asks more than once weighted up (ranking.weigh_query):
    the parser keeps a repeated word once, a long question names its topic several times.
    Off by default (ranking.REPEATED_WORDS says why)."""
    if not REPEATED_WORDS:
        return parsed
    words = snap.searcher.schema["body"].analyzer.terms(query, mode="query")
    if len(words) == len(set(words)):
        return parsed  # a short query: nothing asked twice
    return weigh_query(parsed, Counter(words), scale=REPEATED_WORDS)


def with_feedback(snap: Snapshot, parsed: wq.Query, allowed_docs: set[int] | None, matched: frozenset[int], query: str) -> wq.Query:
    """``parsed`` expanded by pseudo-relevance feedback (feedback.py) from its own first
    ranking; it scores ``matched`` and never matches more."""
    from . import feedback  # opt-in: a search without it never loads it

    first, first_scores = by_score(snap, parsed, allowed_docs, feedback.FEEDBACK_DOCS, matched)
    asked = feedback.question_terms(parsed, query, snap.searcher.schema["body"].analyzer)
    expanded = feedback.expand(snap.searcher, asked, first, first_scores)
    return expanded if expanded is not None else parsed


def select(snap: Snapshot, query: str, *, match: Match, fuzzy: bool, filters: Mapping[str, Any], taxonomy: Taxonomy | None = None) -> frozenset[int]:
    """The docnums matching ``query`` and search()-style ``filters`` (no ranking)."""
    unknown = set(filters) - set(FILTERS) - set(DATE_FILTERS)
    if unknown:
        raise TypeError(f"unknown filter {sorted(unknown)[0]!r}; filters are {', '.join(FILTERS + DATE_FILTERS)}")
    values = resolve(snap, {name: as_values(filters.get(name), name) for name in FILTERS}, taxonomy)
    allowed_docs = allowed(snap, values, (as_date(filters.get("since"), "since"), as_date(filters.get("until"), "until")))
    if allowed_docs is not None and not allowed_docs:
        return frozenset()
    parsed = prepare(snap, query, match=match, fuzzy=fuzzy)
    if parsed is None:
        return frozenset(allowed_docs) if allowed_docs is not None else frozenset(snap.live)
    return matching(snap, parsed, allowed_docs)


def prepare(snap: Snapshot, query: str, *, match: Match, fuzzy: bool) -> wq.Query | None:
    """``query`` parsed (None if empty), fuzzy words expanded, prefix/wildcard/range words bounded.

    Raises QueryError, or QueryTooBroadError for a word matching too many terms (multiterm.py).
    """
    parsed = parse_query(query, snap.searcher.schema, match=match)
    if parsed is None:
        return None
    reader = snap.searcher.reader()
    if fuzzy:
        parsed = fuzzify(parsed, limit=MAX_FUZZY_WORDS)
    check_fuzzy(parsed, query)
    parsed = expand_fuzzy(parsed, reader)
    return bound_multiterms(parsed, reader, query, snap.multiterm_cache)


def similar(snap: Snapshot, release_id: str, *, limit: int, page: int, filters: Mapping[str, Any], taxonomy: Taxonomy | None = None) -> SearchResults:
    """Releases sharing key terms (and facets) with ``release_id``, most similar first; see NewsIndex.similar."""
    docnum = snap.docnum_by_id.get(release_id)
    if docnum is None:
        raise ValueError(f"no release with id {release_id!r} in this index (see `newsindex search` for ids)")
    active = {name: value for name, value in filters.items() if value}
    allowed_docs = select(snap, "", match="all", fuzzy=False, filters=active, taxonomy=taxonomy) if active else None
    from .similar import key_terms, key_terms_query, rank_similar  # only `similar` needs it

    related = key_terms_query(key_terms(snap.searcher, docnum))
    ranked: list[tuple[int, float]] = []
    if related is not None and (allowed_docs is None or allowed_docs):
        allowed_set = set(allowed_docs) if allowed_docs is not None else None
        scores = all_scores(snap, related, allowed_set, matching(snap, related, allowed_set))
        ranked = rank_similar(scores, docnum, facet_values=snap.values_by_doc, ids=snap.ids, dates=snap.dates)
    start = (page - 1) * limit
    hits = tuple(build_hit(snap, n, rank=start + i + 1, score=s, parsed=related) for i, (n, s) in enumerate(ranked[start : start + limit]))
    return SearchResults(query=f"similar:{release_id}", hits=hits, total=len(ranked), page=page, limit=limit, sort="similarity")


# --------------------------------------------------------------------------- filtering and matching


def allowed(snap: Snapshot, filters: Mapping[str, tuple[str, ...]], date_range: tuple[str | None, str | None]) -> set[int] | None:
    """The docnums the filters allow (None: no filter), from the snapshot's cache."""
    sets: list[set[int]] = []
    for name, values in filters.items():
        if values:
            key = (name, values)
            cached = snap.filter_cache.get(key)
            if cached is None:
                table = snap.docs_by_value[name]
                cached = set().union(*(table.get(v, frozenset()) for v in values))
                snap.filter_cache[key] = cached
            sets.append(cached)
    since, until = date_range
    if since or until:
        key = ("date", since, until)
        cached = snap.filter_cache.get(key)
        if cached is None:
            lo = bisect.bisect_left(snap.by_date, (since, -1)) if since else 0
            hi = bisect.bisect_right(snap.by_date, (until, len(snap.ids))) if until else len(snap.by_date)
            cached = {n for _, n in snap.by_date[lo:hi]}
            snap.filter_cache[key] = cached
        sets.append(cached)
    if not sets:
        return None
    sets.sort(key=len)
    result = sets[0]
    for other in sets[1:]:
        result = result & other
    return result


def matching(snap: Snapshot, parsed: wq.Query, allowed: set[int] | None) -> frozenset[int]:
    """The live docnums matching ``parsed`` within ``allowed`` (None: everywhere)."""
    docs = snap.docset(parsed)
    if snap.has_deletions:
        docs = docs & snap.live_set
    return docs & allowed if allowed is not None else docs


# --------------------------------------------------------------------------- ordering and scoring


def by_date(snap: Snapshot, docs: Iterable[int], *, newest: bool) -> list[int]:
    """``docs`` newest (or oldest) first, ties by id; undated releases last, by id."""
    ids, dates = snap.ids, snap.dates
    dated = [n for n in docs if dates[n]]
    undated = sorted((n for n in docs if not dates[n]), key=lambda n: ids[n])
    if newest:
        # newest first, ties by id ascending: sort by id, then stable sort by date descending
        dated.sort(key=lambda n: ids[n])
        dated.sort(key=lambda n: dates[n], reverse=True)
    else:
        dated.sort(key=lambda n: (dates[n], ids[n]))
    return dated + undated


def by_score(snap: Snapshot, parsed: wq.Query, allowed: set[int] | None, needed: int, matched: frozenset[int]) -> tuple[list[int], dict[int, float]]:
    """Top ``needed`` docnums by score with ties in the documented order.

    Word queries (words, AND, OR, NOT: ``TermScores.supports``) are scored from the
    snapshot's per-term score tables, every match at dict speed. Other queries (phrases,
    prefixes, fuzzy words): filtered down to a few documents (``matched``, known exactly),
    those are scored directly by Whoosh, skipping to each; otherwise Whoosh's top-k collector, which skips posting
    blocks that can't reach the top (with or without a filter); it breaks score ties by docnum
    (insertion order), so we fetch 16 more hits than needed and, while the first left out
    ties with the last kept, fetch more, so the cut never splits a tie. Either way the order
    is (score desc, date desc, id).
    """
    ids, dates = snap.ids, snap.dates
    if needed == 0:
        return [], {}
    if snap.term_scores.supports(parsed):
        return top(snap.term_scores.scores(parsed, matched), needed, ids, dates)
    parsed = combine_words(parsed, snap.term_scores)  # its words scored as TermScores scores them
    if allowed is not None and len(matched) <= SCORE_DIRECTLY_BELOW:
        return top(score_docs(snap.searcher, parsed, matched), needed, ids, dates)
    # Room for a few tied documents past the cut from the start: a retry is a whole search,
    # and exact duplicates (a release republished, a wire story resent) tie exactly.
    fetch = needed + 16
    while True:
        results = snap.searcher.search(parsed, limit=fetch, filter=allowed, scored=True)
        scored = [(hit.score, hit.docnum) for hit in results]
        if len(scored) < fetch or scored[-1][0] < scored[needed - 1][0]:
            break
        fetch *= 2
    return top({n: s for s, n in scored}, needed, ids, dates)


def scores_of(snap: Snapshot, parsed: wq.Query, docs: Sequence[int]) -> dict[int, float]:
    """The BM25F scores of a few (matching) documents, e.g. one page sorted by date."""
    if snap.term_scores.supports(parsed):
        return snap.term_scores.scores(parsed, docs)
    return score_docs(snap.searcher, combine_words(parsed, snap.term_scores), docs)


def all_scores(snap: Snapshot, query: wq.Query, allowed: set[int] | None, matched: frozenset[int]) -> dict[int, float]:
    """The BM25F score of every match (``matched``): from the term tables, or from Whoosh."""
    if snap.term_scores.supports(query):
        return snap.term_scores.scores(query, matched)
    query = combine_words(query, snap.term_scores)
    return {hit.docnum: hit.score for hit in snap.searcher.search(query, limit=None, filter=allowed, scored=True)}


def score_docs(searcher: Any, query: wq.Query, docs: Iterable[int]) -> dict[int, float]:
    """BM25F scores of the given (matching) documents, segment by segment, by skipping to each.

    The same matchers and weighting as Whoosh's collectors, so the same scores; the cost is in
    the number of documents asked for, not in the number of documents the query matches.
    """
    wanted = sorted(docs)
    scores: dict[int, float] = {}
    if not wanted:
        return scores
    context = searcher.context()
    subsearchers = searcher.subsearchers or [(searcher, 0)]  # None for a one-segment index
    i = 0
    for k, (sub, offset) in enumerate(subsearchers):
        end = subsearchers[k + 1][1] if k + 1 < len(subsearchers) else searcher.doc_count_all()
        if i >= len(wanted):
            break
        if wanted[i] >= end:
            continue
        matcher = query.matcher(sub, context)
        while i < len(wanted) and wanted[i] < end:
            local = wanted[i] - offset
            if matcher.is_active() and matcher.id() < local:
                matcher.skip_to(local)
            if matcher.is_active() and matcher.id() == local:
                scores[wanted[i]] = matcher.score()
            i += 1
    return scores


def top(scores: Mapping[int, float], needed: int, ids: Sequence[str], dates: Sequence[str]) -> tuple[list[int], dict[int, float]]:
    """The ``needed`` best-scored docnums in the documented order (score, newest, id).

    Everything scoring at least the ``needed``-th best score is sorted, so a tie at the cut
    is ordered like any other tie.
    """
    if len(scores) > needed:
        cut = heapq.nlargest(needed, scores.values())[-1]
        docs = [n for n, s in scores.items() if s >= cut]
    else:
        docs = list(scores)
    docs.sort(key=lambda n: ids[n])
    docs.sort(key=lambda n: dates[n], reverse=True)
    docs.sort(key=lambda n: scores[n], reverse=True)
    kept = docs[:needed]
    return kept, {n: scores[n] for n in kept}


# --------------------------------------------------------------------------- hits


def build_hit(snap: Snapshot, docnum: int, *, rank: int, score: float, parsed: wq.Query | None) -> Hit:
    """The Hit for one docnum: its stored release and facets, and a snippet marking ``parsed``'s words (None: the summary's start)."""
    stored = snap.searcher.stored_fields(docnum)
    release, facets = from_stored(stored)
    snippet, snippet_spans, title_spans = release.summary[:SNIPPET_CHARS], (), ()
    if parsed is not None:
        snippet, snippet_spans, title_spans = highlight(release, parsed, snap.searcher.schema)  # ix.schema re-reads the TOC file
    return Hit(
        id=release.id,
        score=score,
        rank=rank,
        title=release.title,
        date=release.date,
        type=release.type,
        source=release.source,
        url=release.url,
        credit=release.credit,
        summary=release.summary,
        countries=facets.countries,
        issues=facets.issues,
        countries_extracted=facets.countries_extracted,
        issues_extracted=facets.issues_extracted,
        snippet=snippet,
        snippet_matches=snippet_spans,
        title_matches=title_spans,
        speakers=tuple(s.name for s in facets.speakers),
    )
