"""More like this (similar.py): same subject first, facets weigh in, never the release itself."""

import datetime as dt

import pytest

from newsindex import NewsIndex, Release

D = dt.date

VIGIL = Release(title="Hong Kong vigil activists jailed", date=D(2021, 9, 15), summary="Activists who held the Tiananmen vigil in Victoria Park were jailed for unauthorised assembly.", countries=("HK",), issues=("freedom-of-assembly",))
VIGIL_2 = Release(title="Tiananmen vigil banned again", date=D(2021, 6, 1), summary="Police banned the Tiananmen vigil in Victoria Park for a second year, citing the pandemic.", countries=("HK",), issues=("freedom-of-assembly",))
VIGIL_ELSEWHERE = Release(title="Tiananmen vigil held in Taipei", date=D(2021, 6, 4), summary="Thousands attended a Tiananmen vigil in Taipei as Victoria Park stayed empty.", countries=("TW",), issues=("freedom-of-expression",))
OFFICES = Release(title="Amnesty closes Hong Kong offices", date=D(2021, 10, 25), summary="The organisation will close two offices in Hong Kong.", countries=("HK",))
DEATH = Release(title="Death penalty figures 2019", date=D(2020, 4, 20), summary="Executions fell worldwide; Saudi Arabia executed a record number.", countries=("SA",), issues=("death-penalty",))
NSL = Release(title="Hong Kong security law one year on", date=D(2021, 6, 29), summary="The law has decimated freedoms in Hong Kong.", countries=("HK",))
PRESS = Release(title="Hong Kong newspaper forced to close", date=D(2021, 6, 24), summary="Hong Kong police froze the newspaper's assets.", countries=("HK",), issues=("press-freedom",))
CLIMATE = Release(title="Governments must stop fossil fuel support", date=D(2021, 6, 6), summary="Climate change threatens human rights.", issues=("climate",))


@pytest.fixture
def index(tmp_path):
    with NewsIndex.create(tmp_path / "idx") as ix:
        # Hong Kong is everywhere in this archive (as in a real one); the vigil is the subject.
        ix.add([VIGIL, VIGIL_2, VIGIL_ELSEWHERE, OFFICES, NSL, PRESS, DEATH, CLIMATE])
        yield ix


def titles(results):
    return [h.title for h in results]


def test_similar_releases_share_the_subject_and_exclude_the_release_itself(index):
    results = index.similar(VIGIL.id)
    assert VIGIL.title not in titles(results)
    assert titles(results)[:2] == [VIGIL_2.title, VIGIL_ELSEWHERE.title]
    assert DEATH.title not in titles(results) and CLIMATE.title not in titles(results)
    assert results.sort == "similarity" and [h.rank for h in results] == list(range(1, len(results) + 1))


def test_shared_country_and_issue_rank_an_otherwise_equal_release_higher(tmp_path):
    base = Release(title="Vigil report", date=D(2021, 1, 1), summary="tiananmen vigil candles park", countries=("HK",), issues=("freedom-of-assembly",))
    same_facets = Release(title="Vigil story one", date=D(2021, 1, 2), summary="tiananmen vigil candles park", countries=("HK",), issues=("freedom-of-assembly",))
    other_facets = Release(title="Vigil story two", date=D(2021, 1, 3), summary="tiananmen vigil candles park", countries=("TW",))
    with NewsIndex.create(tmp_path / "t") as ix:
        ix.add([base, same_facets, other_facets])
        results = ix.similar(base.id)
        # identical text; the newer one would win a pure text tie, the shared facets win instead
        assert titles(results) == ["Vigil story one", "Vigil story two"]
        assert results.hits[0].score > results.hits[1].score


def test_similar_takes_search_filters_and_a_limit(index):
    assert titles(index.similar(VIGIL.id, country="TW")) == [VIGIL_ELSEWHERE.title]
    later = titles(index.similar(VIGIL.id, since="2021-06-02"))
    assert later[0] == VIGIL_ELSEWHERE.title and VIGIL_2.title not in later
    assert len(index.similar(VIGIL.id, limit=1)) == 1
    assert index.similar(VIGIL.id, limit=1).total >= 2


def test_similar_is_deterministic(index):
    assert [h.id for h in index.similar(VIGIL.id)] == [h.id for h in index.similar(VIGIL.id)]


def test_snippets_mark_the_shared_key_terms(index):
    hit = index.similar(VIGIL.id).hits[0]
    assert "[vigil]" in hit.marked_snippet("[", "]")


def test_an_unknown_id_is_a_value_error(index):
    with pytest.raises(ValueError, match="no release with id"):
        index.similar("0000000000000000")


def test_a_release_with_nothing_in_common_has_no_similar_releases(tmp_path):
    with NewsIndex.create(tmp_path / "t") as ix:
        ix.add([Release(title="Alpha beta gamma", date=D(2021, 1, 1)), Release(title="Delta epsilon zeta", date=D(2021, 1, 2))])
        assert ix.similar(Release(title="Alpha beta gamma", date=D(2021, 1, 1)).id).total == 0
