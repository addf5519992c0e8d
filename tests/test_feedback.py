"""search(feedback=True): pseudo-relevance feedback (RM3) re-ranks the matches with the words
of the first hits, adds no releases, and keeps match="all", filters, totals and facets."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from newsindex import NewsIndex, Release
from newsindex.cli import main
from newsindex.feedback import expand, question_terms
from newsindex.query import parse_query

# "dam" releases: two about the dam's flooding (the words the topic is written in: flood,
# river, levee, evacuated), one about a dam of money (a "dam" of loans), one with no "dam".
RELEASES = [
    Release(id="a", title="Dam flooding forces villagers to evacuate", body="The river burst the levee below the dam. Flood water reached the river villages; the levee failed and villagers evacuated the flood plain.", date=dt.date(2021, 1, 1)),
    Release(id="b", title="Flood warnings after dam release", body="River flood warnings: the dam released water, levee crews worked through the night and the river villages were evacuated before the flood.", date=dt.date(2021, 1, 2)),
    Release(id="c", title="Investors fear a dam of unpaid loans", body="Bankers spoke of a dam of debt: loans, loans and more loans the bank may never see repaid. Loans to builders dominate.", date=dt.date(2021, 1, 3)),
    Release(id="d", title="River levee repaired, villagers return", body="The flood is over: the river levee is repaired and evacuated villagers return to the flood plain by the river.", date=dt.date(2021, 1, 4)),
    Release(id="e", title="Dam project reviewed", body="A dam review notes levee work and river flood risk downstream of the dam.", date=dt.date(2021, 1, 5)),
]


@pytest.fixture
def index(tmp_path):
    with NewsIndex.create(tmp_path / "idx") as ix:
        ix.add(RELEASES)
        yield ix


def ids(results):
    return [h.id for h in results.hits]


def test_feedback_matches_the_same_releases_and_counts_the_same_facets(index):
    for match in ("all", "any"):
        for text in ("dam", "dam flood", "river dam loans"):
            plain = index.search(text, match=match, limit=50, facets=("year", "country"))
            fed = index.search(text, match=match, limit=50, facets=("year", "country"), feedback=True)
            assert sorted(ids(fed)) == sorted(ids(plain))  # no release added or lost
            assert fed.total == plain.total
            assert fed.facets == plain.facets


def test_feedback_keeps_match_all(index):
    # "dam" AND "loans": only c; feedback's words (flood, river ...) must not let others in
    assert ids(index.search("dam loans", feedback=True)) == ["c"]


def test_feedback_ranks_by_the_words_the_first_hits_share(index):
    plain = ids(index.search("dam", limit=10))
    fed = index.search("dam", limit=10, feedback=True)
    # Without feedback the dam of loans (c) ties the flood (a) and wins on date; the first
    # hits are about flooding, so with feedback the flood release goes ahead of it.
    assert plain.index("c") < plain.index("a")
    assert ids(fed).index("a") < ids(fed).index("c")
    assert ids(fed)[-1] == "c"
    scores = [h.score for h in fed.hits]
    assert scores == sorted(scores, reverse=True)


def test_the_expanded_query_weights_the_question_and_the_feedback_words(index):
    snap = index._current()
    parsed = parse_query("dam", snap.searcher.schema, match="any")
    asked = question_terms(parsed)
    assert dict(asked) == {"dam": 1}
    docs = [snap.docnum_by_id["a"], snap.docnum_by_id["b"]]
    query = expand(snap.searcher, asked, docs, {docs[0]: 2.0, docs[1]: 1.0}, terms=5, keep=0.8)
    weights = {}
    for term in query.subqueries:
        weights[term.text] = term.boost
    assert weights["dam"] >= 0.8  # the question's word keeps its share (and may gain from the model)
    assert "flood" in weights and "river" in weights  # the first hits' most typical words
    assert abs(sum(weights.values()) - 1.0) < 1e-9  # keep + (1 - keep), per field
    assert expand(snap.searcher, {}, docs, {}) is None


def test_feedback_is_for_relevance_order_only(index):
    with pytest.raises(ValueError, match="feedback"):
        index.search("dam", sort="newest", feedback=True)


def test_cli_feedback_flag(index):
    import json

    result = CliRunner().invoke(main, ["search", str(index.path), "dam", "--feedback", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert [h["id"] for h in shown["hits"]] == ids(index.search("dam", feedback=True)) != ids(index.search("dam"))


def test_the_question_model_counts_repeated_words_but_not_excluded_ones(index):
    snap = index._current()
    text = "dam flood and dam NOT loans"
    parsed = parse_query(text, snap.searcher.schema, match="any")
    asked = question_terms(parsed, text, snap.searcher.schema["body"].analyzer)
    assert dict(asked) == {"dam": 2, "flood": 1}  # "loans" is excluded, not asked for
    assert dict(question_terms(parsed)) == {"dam": 1, "flood": 1}
