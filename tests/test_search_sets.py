"""The set-algebra matcher (index._Snapshot.docset) must agree with Whoosh on which documents match.

docset() decides the exact total and the facet counts; Whoosh still ranks. A disagreement
would show a total that doesn't match the hits, so it is checked against Whoosh's own
``docs_for_query`` on a real index with updates (deleted documents) and every query shape.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newsindex import NewsIndex, Release
from newsindex.query import parse_query

WORDS = "oil price bank rate gold coffee trade deficit china yen dollar strike".split()


def _releases(n: int, salt: str = "") -> list[Release]:
    out = []
    for i in range(n):
        words = [WORDS[(i * k + 3) % len(WORDS)] for k in (1, 2, 5, 7)]
        out.append(Release(
            title=f"{words[0].title()} report {i}",
            summary=" ".join(words[1:]) + salt,
            body=f"{words[2]} and {words[3]} in the news. #MeToo COVID-19 U.S. " * (1 + i % 3),
            date=dt.date(2021, 1 + i % 12, 1 + i % 28),
            url=f"https://example.org/{i}",
        ))
    return out


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("newsindex.index._merge_policy", lambda writer, segments: segments)  # keep every segment and its deletions
        idx = NewsIndex.create(tmp_path_factory.mktemp("sets") / "ix")
        idx.add(_releases(120), strict=False, batch_size=50)  # several segments
        idx.add(_releases(40, salt=" strike"), strict=False)  # updates: deleted documents
    assert idx._current().has_deletions and len(idx._current().searcher.subsearchers) >= 3
    yield idx
    idx.close()


QUERIES = [
    "oil", "oil price", "oil OR gold", "oil AND NOT price", "oil -price", "NOT oil",
    '"oil price"', "oi*", "title:gold", "(oil OR bank) AND (rate OR yen)", "#metoo",
    "covid-19", "u.s.", "oil price bank rate gold", "nothingmatches", "strike OR coffee -trade",
    "country:CN OR oil", "oil~", "date:[2021-03-01 TO 2021-05-31]",
]


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("match", ["all", "any"])
def test_docset_agrees_with_whoosh(index, text, match):
    snap = index._current()
    parsed = parse_query(text, snap.searcher.schema, match=match)
    assert parsed is not None
    live = frozenset(snap.live)
    expected = frozenset(snap.searcher.docs_for_query(parsed)) & live
    assert snap.docset(parsed) & live == expected


def test_total_matches_the_hits_it_can_page_through(index):
    results = index.search("oil OR gold", limit=1000, highlight=False)
    assert results.total == len(results.hits) > 0
    assert len({h.id for h in results.hits}) == results.total


@pytest.mark.parametrize("text", ["oil", "oil price", "oil OR gold", '"oil price"', "strike -trade", "oi*"])
def test_filtered_ranking_scores_like_the_unfiltered_search(index, text):
    """Filtered searches score only the documents that pass, as the unfiltered search scores them."""
    snap = index._current()
    parsed = parse_query(text, snap.searcher.schema, match="any")
    allowed = snap.docs_by_value["month"].get("2021-03", frozenset()) | snap.docs_by_value["month"].get("2021-05", frozenset())
    results = index.search(text, since="2021-03-01", until="2021-05-31", match="any", limit=1000, highlight=False)
    got = {h.id: h.score for h in results.hits}
    # the date filter allows March to May; keep Whoosh's to the same months
    allowed_all = set().union(*(snap.docs_by_value["month"].get(m, frozenset()) for m in ("2021-03", "2021-04", "2021-05")))
    expected = _expected_scores(snap, parsed, allowed_all)
    assert len(got) == len(expected) == results.total
    for docnum, score in expected.items():
        assert got[snap.ids[docnum]] == pytest.approx(score)
    ordered = [h.score for h in results.hits]
    assert ordered == sorted(ordered, reverse=True)


# ---------------------------------------------------------------- scores from cached postings


def _whoosh_scores(snap, parsed, filter=None):
    live = frozenset(snap.live)
    return {hit.docnum: hit.score for hit in snap.searcher.search(parsed, limit=None, filter=filter) if hit.docnum in live}


def _bm25f_reference(snap, parsed, allowed=None):
    """BM25F written out from Whoosh's per-document API, for every live match of a word query.

    A word over several text fields (one OR of it): x = sum over fields of its posting weight
    / ((1 - b) + b * field length / average), score idf * x (k1 + 1) / (x + k1), idf from the
    documents holding it in any field; a keyword term scores its posting weight; NOT adds 1.
    """
    import math

    from whoosh import query as wq

    from newsindex.ranking import DEFAULT_PARAMS as P, read_postings

    s = snap.searcher
    count = s.doc_count_all()
    live = frozenset(snap.live)

    def docs(node):
        return frozenset(s.docs_for_query(node)) & live

    def weights(field, text):
        if (field, text) not in s.reader():
            return {}
        m, out = s.postings(field, text), {}
        while m.is_active():
            out[m.id()] = m.weight()
            m.next()
        return out

    def word(text, fields, d):
        if not s.schema[fields[0]].scorable:
            return weights(fields[0], text).get(d, 0.0)
        x = 0.0
        for f in fields:
            w = weights(f, text).get(d)
            if w:
                x += w / ((1 - P.b) + P.b * (s.doc_field_length(d, f, 0) or 0) / (s.avg_field_length(f) or 1))
        df = len(set().union(*(read_postings(s, f, s.schema[f].to_bytes(text))[0] for f in fields)))
        return (math.log(count / (df + 1)) + 1) * x * (P.k1 + 1) / (x + P.k1)

    def score(node, d):
        if type(node) is wq.Term:
            return node.boost * word(node.text, [node.fieldname], d)
        if isinstance(node, wq.Not):
            return 1.0
        if isinstance(node, wq.AndNot):
            return node.boost * score(node.a, d)
        parts = [q for q in node.subqueries if d in docs(q)]
        total = 0.0
        if isinstance(node, wq.Or):
            groups = {}  # every field the word is asked of (its idf counts them all)
            for q in node.subqueries:
                if type(q) is wq.Term and s.schema[q.fieldname].scorable:
                    groups.setdefault((q.text, q.boost), []).append(q.fieldname)
                elif q in parts:
                    total += score(q, d)
            total += sum(b * word(t, fs, d) for (t, b), fs in groups.items())
        else:
            total = sum(score(q, d) for q in parts)
        return node.boost * total

    matched = docs(parsed) if allowed is None else docs(parsed) & frozenset(allowed)
    return {d: score(parsed, d) for d in matched}


def _expected_scores(snap, parsed, allowed=None):
    """Word queries: the BM25F reference; anything else (phrases, prefixes): Whoosh's own."""
    if snap.term_scores.supports(parsed):
        return _bm25f_reference(snap, parsed, allowed)
    return _whoosh_scores(snap, parsed, filter=None if allowed is None else set(allowed))


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("match", ["all", "any"])
def test_term_scores_equal_whoosh_scores(index, text, match):
    """Word queries are scored from per-word tables (ranking.TermScores): BM25F, as written out above."""
    snap = index._current()
    parsed = parse_query(text, snap.searcher.schema, match=match)
    supported = snap.term_scores.supports(parsed)
    # words joined by hyphens ("covid-19") are phrases, as are quotes: Whoosh scores those
    plain_words = not any(ch in text for ch in '"*~[-')
    if plain_words:
        assert supported, f"{text!r} should take the fast path"
    if not supported:
        return
    expected = _bm25f_reference(snap, parsed)
    got = snap.term_scores.scores(parsed, index._matching(snap, parsed, None))
    assert set(got) == set(expected)
    for docnum, score in expected.items():
        assert got[docnum] == pytest.approx(score, rel=1e-9)


@pytest.mark.parametrize("text", ["oil", "oil price", "gold OR yen", "strike -trade", "title:gold^3 OR bank"])
def test_fast_ranking_orders_like_the_documented_rule(index, text):
    """Every page is the slice of (score desc, date desc, id) over the BM25F scores."""
    snap = index._current()
    parsed = parse_query(text, snap.searcher.schema, match="any")
    assert snap.term_scores.supports(parsed)
    scores = _bm25f_reference(snap, parsed)
    rule = sorted(scores, key=lambda n: snap.ids[n])
    rule.sort(key=lambda n: snap.dates[n], reverse=True)
    rule.sort(key=lambda n: round(scores[n], 9), reverse=True)
    expected_ids = [snap.ids[n] for n in rule]
    got: list[str] = []
    page = 1
    while True:
        results = index.search(text, match="any", limit=7, page=page, highlight=False)
        if not results.hits:
            break
        got.extend(h.id for h in results.hits)
        page += 1
    assert got == expected_ids


def test_field_lengths_and_postings_read_whole_blocks_like_whoosh(index):
    from newsindex.ranking import field_lengths, read_postings

    snap = index._current()
    searcher = snap.searcher
    for field in ("title", "summary", "body"):
        lengths = field_lengths(searcher, field)
        assert len(lengths) == searcher.doc_count_all()
        assert lengths == [searcher.doc_field_length(n, field, 0) or 0 for n in range(searcher.doc_count_all())]
        assert any(lengths)
    for field, word in (("body", "oil"), ("summary", "strike"), ("title", "report")):
        text = word.encode()
        ids, weights = read_postings(searcher, field, text)
        matcher = searcher.postings(field, text)
        expected = []
        while matcher.is_active():
            expected.append((matcher.id(), matcher.weight()))
            matcher.next()
        live = frozenset(snap.live)
        # Whoosh's own matcher skips deleted documents; the raw postings keep them
        assert [(n, w) for n, w in zip(ids, weights) if n in live] == expected
        assert len(ids) > len(expected) > 0


def test_recency_boost_multiplies_the_scores(index):
    import datetime as _dt

    from newsindex.recency import recency_factor

    snap = index._current()
    parsed = parse_query("oil OR gold", snap.searcher.schema)
    whoosh = _bm25f_reference(snap, parsed)
    newest = _dt.date.fromisoformat(snap.by_date[-1][0])
    results = index.search("oil OR gold", boost_recent=30, limit=1000, highlight=False)
    assert results.total == len(results.hits) == len(whoosh)
    by_id = {snap.ids[n]: n for n in whoosh}
    for hit in results.hits:
        n = by_id[hit.id]
        age = (newest - _dt.date.fromisoformat(snap.dates[n])).days
        assert hit.score == pytest.approx(whoosh[n] * recency_factor(age, 30), rel=1e-9)


def test_similar_scores_its_key_terms_as_a_word_query(index):
    from newsindex.index import _all_scores
    from newsindex.similar import key_terms, key_terms_query

    snap = index._current()
    docnum = snap.live[5]
    related = key_terms_query(key_terms(snap.searcher, docnum))
    assert related is not None and snap.term_scores.supports(related)
    got = _all_scores(snap, related, None, index._matching(snap, related, None))
    expected = _bm25f_reference(snap, related)
    assert set(got) == set(expected)
    assert all(got[n] == pytest.approx(s, rel=1e-9) for n, s in expected.items())
    assert len(index.similar(snap.ids[docnum], limit=1000).hits) == len(expected) - 1


@pytest.mark.parametrize("filtered", [False, True])
def test_words_beside_a_phrase_score_as_in_a_word_query(index, filtered):
    """A query Whoosh scores itself (a phrase in it) scores its words as one BM25F term each
    (bm25f.combine_words), the phrase as Whoosh does: the sum of the two, document by document."""
    snap = index._current()
    schema = snap.searcher.schema
    kwargs = {"since": "2021-03-01", "until": "2021-05-31"} if filtered else {}
    got = {h.id: h.score for h in index.search('"coffee report" oil', match="any", limit=1000, highlight=False, **kwargs).hits}
    allowed = set().union(*(snap.docs_by_value["month"].get(m, frozenset()) for m in ("2021-03", "2021-04", "2021-05"))) if filtered else None
    word = _bm25f_reference(snap, parse_query("oil", schema, match="any"), allowed)
    phrase = _whoosh_scores(snap, parse_query('"coffee report"', schema, match="any"), filter=allowed)
    assert word and phrase and set(word) - set(phrase)  # some match the word only
    assert set(got) == {snap.ids[n] for n in set(word) | set(phrase)}
    for n in set(word) | set(phrase):
        assert got[snap.ids[n]] == pytest.approx(word.get(n, 0.0) + phrase.get(n, 0.0), rel=1e-9)
    # and a word alone scores the same in both kinds of query
    alone = {h.id: h.score for h in index.search("oil", match="any", limit=1000, highlight=False, **kwargs).hits}
    only_word = [n for n in word if n not in phrase]
    assert all(got[snap.ids[n]] == pytest.approx(alone[snap.ids[n]]) for n in only_word)
