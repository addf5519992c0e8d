"""Facet extraction in a worker process (pipeline.py) must give what in-process extraction gives."""

from __future__ import annotations

import datetime as dt

import pytest

from newsindex import NewsIndex, Release, SourceError
from newsindex.pipeline import PARALLEL_ABOVE, extract_facets, with_facets

TEXTS = [
    ("Hong Kong vigil organisers convicted", "Authorities in Hong Kong convicted activists over the Tiananmen vigil, Amnesty said."),
    ("Executions in Iran and Saudi Arabia", "Iran carried out more executions; Saudi Arabia also used the death penalty, said Jane Doe, Amnesty's director."),
    ("Oil prices fall", "Crude oil prices fell in London and New York on Tuesday."),
    ("Journalists expelled", "China expelled U.S. journalists, a blow to press freedom."),
]


def _releases(n: int) -> list[Release]:
    return [
        Release(title=f"{TEXTS[i % 4][0]} ({i})", body=TEXTS[i % 4][1], date=dt.date(2021, 1 + i % 12, 1 + i % 28), url=f"https://example.org/{i}")
        for i in range(n)
    ]


def test_worker_gives_the_same_facets_in_the_same_order():
    releases = _releases(PARALLEL_ABOVE + 250)
    inline = list(with_facets(releases, workers=0))
    parallel = list(with_facets(releases, workers=1))
    assert [r.id for r, _ in parallel] == [r.id for r in releases]
    assert [f for _, f in parallel] == [f for _, f in inline]
    assert inline[0][1] == extract_facets(releases[0])
    assert "HK" in inline[0][1].countries_extracted


def test_unindexable_items_pass_through_without_facets():
    items = [*_releases(PARALLEL_ABOVE + 1), Release(title="  "), "not a release"]
    out = list(with_facets(items, workers=1))
    assert out[-2][1] is None and out[-1] == ("not a release", None)
    assert all(f is not None for _, f in out[:-2])


def _failing(n: int):
    yield from _releases(n)
    raise SourceError("export.jsonl", n + 1, "date 'February 30, 2021' does not exist")


@pytest.mark.parametrize("n", [10, PARALLEL_ABOVE + 300])
def test_a_source_error_comes_after_the_items_read_before_it(n):
    seen = []
    with pytest.raises(SourceError, match="export.jsonl:%d: " % (n + 1)):
        for item, _ in with_facets(_failing(n), workers=1):
            seen.append(item)
    assert len(seen) == n


def test_strict_add_with_a_worker_is_all_or_nothing(tmp_path):
    with NewsIndex.create(tmp_path / "ix") as idx:
        idx.add(_releases(5))
        with pytest.raises(SourceError):
            idx.add(_failing(PARALLEL_ABOVE + 300), workers=1)
        assert len(idx) == 5


def test_lenient_add_with_a_worker_indexes_everything_once(tmp_path):
    releases = _releases(PARALLEL_ABOVE + 300)
    with NewsIndex.create(tmp_path / "ix") as idx:
        report = idx.add(releases, strict=False, batch_size=500, workers=1)
        assert report.added == len(releases) and report.commits == 3
        assert len(idx) == len(releases)
        hit = idx.search("vigil", country="HK", limit=1).hits[0]
        assert "HK" in hit.countries
        assert idx.facets("", fields=("issue",))["issue"]
