"""Recency boost (recency.py): opt-in, deterministic, and it changes the order only when asked."""

import datetime as dt
from pathlib import Path

import pytest

from newsindex import NewsIndex, Release, load_releases
from newsindex.recency import RECENCY_WEIGHT, recency_factor

D = dt.date
FIXTURE = Path(__file__).parent / "fixtures" / "newsroom_sample.txt"

OLD_STRONG = Release(title="Internment report", date=D(2019, 1, 10), summary="Detainees describe the camps in Xinjiang; Xinjiang officials deny it.")
OLD_FOCUSED = Release(title="Xinjiang internment: the full report", date=D(2018, 1, 10), summary="Xinjiang camps. Xinjiang detainees. Xinjiang testimonies.")
NEW_WEAK = Release(title="Weekly round-up", date=D(2021, 11, 30), summary="Among other news, a new statement on Xinjiang and several other places in the region this week.")
MIDDLE = Release(title="Letter on detention", date=D(2021, 6, 1), summary="A letter about detention in Xinjiang and elsewhere in the country, sent to officials this month.")


@pytest.fixture
def index(tmp_path):
    with NewsIndex.create(tmp_path / "idx") as ix:
        ix.add([OLD_STRONG, NEW_WEAK, MIDDLE])
        yield ix


def titles(results):
    return [h.title for h in results]


def test_relevance_stays_pure_and_the_boost_brings_recent_releases_up(index):
    assert titles(index.search("xinjiang")) == [OLD_STRONG.title, MIDDLE.title, NEW_WEAK.title]
    boosted = index.search("xinjiang", boost_recent=90)
    assert titles(boosted) == [NEW_WEAK.title, OLD_STRONG.title, MIDDLE.title]
    # a long half-life barely changes anything: relevance order again
    assert titles(index.search("xinjiang", boost_recent=100_000)) == [OLD_STRONG.title, MIDDLE.title, NEW_WEAK.title]


#: A recent digest that mentions the query once among a hundred other words.
PASSING = Release(
    title="Monthly digest",
    date=D(2021, 11, 29),
    body=" ".join(["Statements this month covered elections, housing, climate, labour rights, press freedom and the courts in many countries."] * 6) + " One also named Xinjiang.",
)


def test_a_release_much_more_about_the_query_still_wins_over_recent_passing_mentions(index):
    index.add([OLD_FOCUSED, PASSING])
    order = titles(index.search("xinjiang", boost_recent=30))
    assert order.index(OLD_FOCUSED.title) < order.index(PASSING.title)
    # and without the boost the focused report is first of all
    assert titles(index.search("xinjiang"))[0] == OLD_FOCUSED.title


def test_boosted_scores_follow_the_documented_formula(index):
    plain = {h.id: h.score for h in index.search("xinjiang")}
    boosted = {h.id: h.score for h in index.search("xinjiang", boost_recent=30)}
    age = (NEW_WEAK.date - MIDDLE.date).days  # ages count back from the newest release, not today
    assert boosted[NEW_WEAK.id] == pytest.approx(plain[NEW_WEAK.id])
    assert boosted[MIDDLE.id] == pytest.approx(plain[MIDDLE.id] * (1 - RECENCY_WEIGHT + RECENCY_WEIGHT * 2 ** (-age / 30)))


def test_the_factor_halves_its_recency_part_every_half_life():
    assert recency_factor(0, 30) == 1.0
    assert recency_factor(30, 30) == pytest.approx(0.75)
    assert recency_factor(60, 30) == pytest.approx(0.625)
    assert recency_factor(None, 30) == 0.5  # undated: the floor


def test_the_boost_is_deterministic_and_paginates(index):
    full = [h.id for h in index.search("xinjiang", boost_recent=90, limit=3)]
    paged = [h.id for p in (1, 2, 3) for h in index.search("xinjiang", boost_recent=90, limit=1, page=p)]
    assert full == paged


@pytest.mark.parametrize("bad", [0, -5, "90", True])
def test_a_bad_half_life_is_a_value_error(index, bad):
    with pytest.raises(ValueError, match="half-life"):
        index.search("xinjiang", boost_recent=bad)


def test_the_boost_does_not_combine_with_date_sorts(index):
    with pytest.raises(ValueError, match="boost_recent"):
        index.search("xinjiang", sort="newest", boost_recent=30)


def test_the_readme_example_on_the_sample_newsroom(tmp_path):
    # README (Recency boost): "covid" finds the March 2020 expulsion story first; with a 90-day
    # half-life the November 2021 Wuhan journalist story comes first.
    with NewsIndex.create(tmp_path / "sample") as ix:
        ix.add(load_releases(FIXTURE))
        assert [h.date.isoformat() for h in ix.search("covid")] == ["2020-03-18", "2021-11-04"]
        assert [h.date.isoformat() for h in ix.search("covid", boost_recent=90)] == ["2021-11-04", "2020-03-18"]
