"""Fault row 9 (issue 15): prefix, wildcard, range and fuzzy words are bounded.

On 10,577 Reuters stories ``a*`` took 17.5 s and ``c* OR p*`` 33.6 s: Whoosh scored an OR of
thousands of terms. Now a word matching more than SCORED_TERMS terms is a constant-score
filter, and a query matching more than MAX_TERMS terms (or MAX_POSTINGS postings) is refused
with a QueryTooBroadError naming the limit. Speed is measured in benchmarks/run.py (the
"bounded queries" lines); these tests check that the answers are the same documents Whoosh
finds, that the limits refuse, and that ranking still uses the other words.
"""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from newsindex import NewsIndex, QueryError, QueryTooBroadError, Release, multiterm
from newsindex.cli import main
from newsindex.query import parse_query
from newsindex.search import prepare

WORDS = ["protest", "protesters", "protested", "prosecutor", "prison", "press", "price", "prices", "oil", "police", "parliament", "pardon"]


def _releases(n: int) -> list[Release]:
    out = []
    for i in range(n):
        words = " ".join(WORDS[(i * k) % len(WORDS)] for k in (1, 3, 5, 7))
        out.append(Release(
            title=f"Report {i}: {words}",
            body=f"{words} code{i:04d} p{i:04d}x number {i} " + ("oil oil " if i % 4 == 0 else ""),
            date=dt.date(2021, 1 + i % 12, 1 + i % 28),
            url=f"https://e.org/{i}",
        ))
    return out


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    idx = NewsIndex.create(tmp_path_factory.mktemp("bounded") / "ix")
    idx.add(_releases(300), strict=False, batch_size=100, workers=0)
    idx.add(_releases(300)[:40], strict=False, workers=0)  # updates: deleted documents in older segments
    yield idx
    idx.close()


MULTITERM = ["p*", "pro*", "code0*", "p0*x", "[code0010 TO code0200]", "p* OR oil", "oil p*", "p* -oil", "date:[2021-03-01 TO 2021-05-31]", "title:p*"]


@pytest.mark.parametrize("scored_terms", [0, 1_000])
@pytest.mark.parametrize("text", MULTITERM)
def test_bounded_words_match_what_whoosh_matches(index, monkeypatch, text, scored_terms):
    """Rewritten as a filter (scored_terms=0) or as scored terms: the same documents as Whoosh's own query."""
    monkeypatch.setattr(multiterm, "SCORED_TERMS", scored_terms)
    snap = index._current()
    snap.multiterm_cache.clear()
    whoosh = parse_query(text, snap.searcher.schema)
    expected = frozenset(snap.searcher.docs_for_query(whoosh)) & snap.live_set
    bounded = prepare(snap, text, match="all", fuzzy=False)
    if scored_terms == 0:
        assert any(isinstance(leaf, multiterm.TermsFilter) for leaf in bounded.leaves())
    assert index._matching(snap, bounded, None) == expected
    assert index.search(text, limit=5).total == len(expected)
    # Whoosh's own matchers on the rewritten query (the path a phrase beside it takes) agree.
    assert frozenset(snap.searcher.docs_for_query(bounded)) & snap.live_set == expected


def test_a_filter_word_scores_a_constant_so_the_other_words_rank(index, monkeypatch):
    monkeypatch.setattr(multiterm, "SCORED_TERMS", 0)
    index._current().multiterm_cache.clear()
    hits = index.search("oil p*", limit=20).hits
    oil = index.search("oil", limit=1000)
    oil_scores = {h.id: h.score for h in oil.hits}
    # ranked by oil's score alone (plus the filter's constant), as the word query ranks them
    got = [oil_scores[h.id] for h in hits]
    assert got == sorted(got, reverse=True)
    assert hits[0].score - oil_scores[hits[0].id] == pytest.approx(hits[-1].score - oil_scores[hits[-1].id])


def test_a_phrase_beside_a_filter_word_goes_through_whoosh_and_agrees(index, monkeypatch):
    monkeypatch.setattr(multiterm, "SCORED_TERMS", 0)
    index._current().multiterm_cache.clear()
    results = index.search('"oil oil" p*', limit=500)
    assert results.total == index.search('"oil oil"', limit=0).total > 0
    assert all(h.score > 0 for h in results.hits)


def test_too_many_terms_is_refused_naming_the_limit(index, monkeypatch):
    monkeypatch.setattr(multiterm, "MAX_TERMS", 100)
    index._current().multiterm_cache.clear()
    with pytest.raises(QueryTooBroadError, match=r"code\* matches too many index terms.*100 terms") as caught:
        index.search("oil code*")
    assert isinstance(caught.value, QueryError) and caught.value.position == 4
    assert index.search("code01*").total == 100  # narrower: answered


def test_too_many_postings_is_refused(index, monkeypatch):
    monkeypatch.setattr(multiterm, "MAX_POSTINGS", 50)
    index._current().multiterm_cache.clear()
    with pytest.raises(QueryTooBroadError, match="50 postings"):
        index.search("p*")


def test_too_many_fuzzy_words_are_refused_but_fuzzy_true_keeps_going(index):
    words = [f"word{chr(97 + i)}{chr(97 + j)}~" for i in range(5) for j in range(5)][: multiterm.MAX_FUZZY_WORDS + 1]
    with pytest.raises(QueryTooBroadError, match=f"a query may have {multiterm.MAX_FUZZY_WORDS}"):
        index.search(" OR ".join(words))
    many = " ".join(WORDS * 3)
    assert index.search(many, fuzzy=True, match="any").total > 0  # the first 20 words fuzzy, the rest exact


def test_the_cli_refuses_in_one_line(tmp_path, monkeypatch):
    path = tmp_path / "ix"
    with NewsIndex.create(path) as idx:
        idx.add(_releases(200), workers=0)
    monkeypatch.setattr(multiterm, "MAX_TERMS", 10)
    result = CliRunner().invoke(main, ["search", str(path), "code*"])
    assert result.exit_code != 0
    assert "matches too many index terms" in result.output
    assert "Traceback" not in result.output
