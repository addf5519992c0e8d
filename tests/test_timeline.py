"""Timelines (timeline.py): year/month/week buckets with gaps filled, bar charts, optional images."""

import builtins
import datetime as dt

import pytest

from newsindex import FacetCount, NewsIndex, Release
from newsindex.schema import iso_week
from newsindex.timeline import bars, buckets_between, fill_gaps, plot

D = dt.date

RELEASES = [
    Release(title="Hong Kong vigil banned", date=D(2021, 6, 1), summary="Hong Kong police banned the vigil.", countries=("HK",)),
    Release(title="Hong Kong newspaper closes", date=D(2021, 6, 24), summary="Hong Kong's Apple Daily closed.", countries=("HK",)),
    Release(title="Hong Kong vigil organisers jailed", date=D(2021, 9, 15), summary="Hong Kong vigil organisers were jailed.", countries=("HK",)),
    Release(title="Amnesty closes Hong Kong offices", date=D(2021, 10, 25), summary="Two offices in Hong Kong will close.", countries=("HK",)),
    Release(title="Xinjiang report", date=D(2021, 6, 10), summary="Mass internment in Xinjiang.", countries=("CN",)),
    Release(title="New year statement", date=D(2021, 1, 3), summary="A statement on Hong Kong at new year.", countries=("HK",)),
    Release(title="Undated Hong Kong note", summary="Hong Kong, no date."),
]


@pytest.fixture
def index(tmp_path):
    with NewsIndex.create(tmp_path / "idx") as ix:
        ix.add(RELEASES)
        yield ix


def pairs(counts):
    return [(c.value, c.count) for c in counts]


def test_month_facet_counts_the_query_with_empty_months_filled(index):
    counts = index.search("hong kong", facets=("month",)).facets["month"]
    assert pairs(counts) == [
        ("2021-01", 1), ("2021-02", 0), ("2021-03", 0), ("2021-04", 0), ("2021-05", 0),
        ("2021-06", 2), ("2021-07", 0), ("2021-08", 0), ("2021-09", 1), ("2021-10", 1),
    ]


def test_week_buckets_are_iso_weeks(index):
    assert iso_week(D(2021, 1, 3)) == "2020-W53"  # a Sunday: ISO week of the previous year
    assert iso_week(D(2021, 12, 2)) == "2021-W48"
    counts = index.timeline("vigil", by="week")
    assert counts[0].value == "2021-W22" and counts[-1].value == "2021-W37"
    assert len(counts) == 37 - 22 + 1 and sum(c.count for c in counts) == 2


def test_timeline_takes_filters_and_widens_to_since_and_until(index):
    assert pairs(index.timeline("", by="year", country="CN")) == [("2021", 1)]
    counts = index.timeline("hong kong", by="month", since="2021-06-01", until="2021-12-31")
    assert [c.value for c in counts][0] == "2021-06" and counts[-1].value == "2021-12"
    assert pairs(counts)[:2] == [("2021-06", 2), ("2021-07", 0)]


def test_undated_releases_are_in_the_total_but_in_no_bucket(index):
    results = index.search("hong kong", facets=("year",))
    assert results.total == 6 and sum(c.count for c in results.facets["year"]) == 5


def test_an_empty_result_has_an_empty_timeline(index):
    assert index.timeline("nothingmatches") == ()


def test_a_bad_bucket_is_a_value_error(index):
    with pytest.raises(ValueError, match="by must be"):
        index.timeline("x", by="day")


def test_buckets_between_crosses_year_ends():
    assert buckets_between("month", "2021-11", "2022-02") == ["2021-11", "2021-12", "2022-01", "2022-02"]
    assert buckets_between("week", "2020-W52", "2021-W02") == ["2020-W52", "2020-W53", "2021-W01", "2021-W02"]
    assert buckets_between("year", "2019", "2021") == ["2019", "2020", "2021"]


def test_fill_gaps_keeps_counts_and_inserts_zeros():
    filled = fill_gaps("year", [FacetCount("2018", 3), FacetCount("2020", 1)])
    assert pairs(filled) == [("2018", 3), ("2019", 0), ("2020", 1)]


def test_bars_scale_to_the_largest_count_and_show_small_counts():
    lines = bars([FacetCount("2021-01", 8), FacetCount("2021-02", 0), FacetCount("2021-03", 1)], width=8)
    assert lines == ["2021-01  8 ████████", "2021-02  0", "2021-03  1 █"]
    assert bars([FacetCount("x", 1), FacetCount("y", 100)], width=10)[0].endswith("▏")


def test_plot_says_how_to_install_matplotlib_when_it_is_missing(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match=r"newsindex\[plot\]"):
        plot([FacetCount("2021", 1)], tmp_path / "chart.png")


def test_plot_refuses_unknown_image_formats(tmp_path):
    with pytest.raises(ValueError, match="png or .svg"):
        plot([FacetCount("2021", 1)], tmp_path / "chart.gif")


def test_plot_writes_png_and_svg(tmp_path):
    # matplotlib is in the test extra, so this runs everywhere the suite runs.
    counts = [FacetCount("2021-01", 2), FacetCount("2021-02", 0), FacetCount("2021-03", 5)]
    plot(counts, tmp_path / "chart.png", title="Hong Kong", by="month")
    plot(counts, tmp_path / "chart.svg")
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "chart.svg").read_bytes()
