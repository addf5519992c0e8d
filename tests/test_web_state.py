"""The page's URL state and histogram geometry, as plain functions (no server needed)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs

import pytest

from newsindex import FacetCount
from newsindex.web.histogram import bucket_range, choose_bucket, histogram
from newsindex.web.state import SearchState, StateError


def test_a_state_survives_the_round_trip_through_its_url():
    state = SearchState.parse(parse_qs("q=hong+kong&country=hk&country=CN&issue=Death+Penalty&since=June+1,+2021&sort=newest&page=3&limit=20&fuzzy=1"))
    assert state.values("country") == ("HK", "CN") and state.values("issue") == ("death-penalty",)
    assert state.since == "2021-06-01" and state.page == 3 and state.fuzzy
    assert SearchState.parse(parse_qs(state.query_string())) == state


def test_links_toggle_values_reset_the_page_and_keep_the_rest():
    state = SearchState.parse(parse_qs("q=vigil&country=HK&page=4"))
    added = state.toggled("country", "CN")
    assert added.values("country") == ("HK", "CN") and added.page == 1 and added.q == "vigil"
    assert added.toggled("country", "HK").values("country") == ("CN",)
    assert "country" not in parse_qs(state.toggled("country", "HK").query_string())
    assert state.search_filters(without="country") == {} and state.search_filters() == {"country": ("HK",)}


@pytest.mark.parametrize("query", ["limit=101", "page=0", "page=x", "sort=random", "match=some", "since=someday", "q=" + "a" * 501, "limit=100&page=200"])
def test_out_of_bounds_parameters_are_refused_with_a_reason(query):
    with pytest.raises(StateError) as caught:
        SearchState.parse(parse_qs(query))
    assert str(caught.value)


def test_bucket_ranges_cover_whole_years_months_and_iso_weeks():
    assert bucket_range("year", "2021") == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert bucket_range("month", "2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert bucket_range("week", "2021-W01") == (dt.date(2021, 1, 4), dt.date(2021, 1, 10))
    assert bucket_range("week", "2020-W53") == (dt.date(2020, 12, 28), dt.date(2021, 1, 3))


def test_the_bucket_size_follows_the_span_and_bars_only_narrow():
    years = [FacetCount(str(y), 1) for y in range(2010, 2016)]
    assert choose_bucket(years, []) == "year"
    assert choose_bucket(years[:1], [FacetCount(f"2021-{m:02d}", 1) for m in range(1, 3)]) == "week"
    assert choose_bucket(years[:2], [FacetCount(f"2021-{m:02d}", 1) for m in range(1, 13)]) == "month"
    drawn = histogram("month", [FacetCount("2021-03", 4), FacetCount("2021-04", 0), FacetCount("2021-05", 2)], since="2021-03-10")
    assert drawn is not None and drawn.peak == 4
    first, empty, last = drawn.bars
    assert (first.since, first.until) == ("2021-03-10", "2021-03-31")  # clipped to the range searched
    assert empty.height == 0 and last.height == pytest.approx(first.height / 2)
    assert first.x < empty.x < last.x and first.y < last.y
    assert histogram("month", [FacetCount("2021-03", 0)]) is None
