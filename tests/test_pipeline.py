"""Facet extraction in a worker process (pipeline.py) must give what in-process extraction gives."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from newsindex import NewsIndex, NewsIndexError, Release, SourceError
from newsindex.pipeline import PARALLEL_ABOVE, Lookahead, extract_facets, with_facets

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


def test_lookahead_tells_whether_the_input_ends_soon_and_gives_every_item_in_order():
    ahead = Lookahead(iter(range(10)))
    assert next(ahead) == 0 and ahead.taken == 1
    assert not ahead.ends_within(5) and ahead.buffered == 6  # read 6 ahead: 1..6, more to come
    assert ahead.ends_within(9) and ahead.buffered == 9
    assert list(ahead) == list(range(1, 10)) and ahead.taken == 10
    assert ahead.ends_within(0)


def test_lookahead_raises_a_source_error_in_its_place_and_never_calls_that_an_end():
    ahead = Lookahead(_failing(3))
    assert not ahead.ends_within(10)  # the input raises within 10: not an end to count on
    assert ahead.buffered == 3
    taken = []
    with pytest.raises(SourceError, match="export.jsonl:4: "):
        for release in ahead:
            taken.append(release)
    assert len(taken) == 3


@pytest.mark.parametrize(
    ("count", "batch_size", "workers", "commits"),
    [
        (110, 100, 0, 1),  # 10 more after a full batch: they join it
        (125, 100, 0, 1),  # a quarter more still joins
        (130, 100, 0, 2),  # more than a quarter: a batch of its own
        (100, 50, 0, 2),  # exactly two batches
        (PARALLEL_ABOVE + 250, 300, 1, 4),  # extraction workers read ahead: 300, 600, 900, then 1,250
        (PARALLEL_ABOVE + 400, 300, 1, 5),
    ],
)
def test_a_lenient_add_does_not_end_in_a_tiny_batch(tmp_path, count, batch_size, workers, commits):
    with NewsIndex.in_memory() as idx:  # in memory: facets come from with_facets' workers
        report = idx.add(_releases(count), strict=False, batch_size=batch_size, workers=workers)
        assert report.commits == commits and report.added == count and len(idx) == count


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


# ------------------------------------------------------------- a second process that writes


@pytest.fixture
def sub_writers(monkeypatch):
    """Every SubWriter started during the test (to see what it wrote, or to kill it)."""
    from newsindex import pipeline

    started: list[pipeline.SubWriter] = []
    original = pipeline.SubWriter.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        started.append(self)

    monkeypatch.setattr(pipeline.SubWriter, "__init__", init)
    return started


def _contents(idx: NewsIndex) -> dict[str, tuple]:
    out = {}
    for release in idx.releases():
        facets = idx.get_facets(release.id)
        out[release.id] = (release.title, release.body, release.date, facets)
    return out


def test_an_index_written_by_two_processes_equals_one_written_by_one(tmp_path, sub_writers):
    releases = _releases(PARALLEL_ABOVE * 2 + 137)
    with NewsIndex.create(tmp_path / "one") as one, NewsIndex.create(tmp_path / "two") as two:
        one.add(releases, strict=False, batch_size=900, workers=0)
        report = two.add(releases, strict=False, batch_size=900, workers=1)
        assert len(sub_writers) == 1 and 0 < sub_writers[0].written < len(releases)
        assert report.added == len(releases) and report.commits == 3
        assert _contents(one) == _contents(two)
        for query, filters in (("vigil", {}), ("oil prices", {}), ("executions", {"country": "IR"}), ("", {"issue": "death-penalty"})):
            a, b = one.search(query, limit=50, highlight=False, **filters), two.search(query, limit=50, highlight=False, **filters)
            assert a.total == b.total > 0
            assert [(h.id, round(h.score, 9)) for h in a.hits] == [(h.id, round(h.score, 9)) for h in b.hits]
            assert one.facets(query, **filters) == two.facets(query, **filters)
    leftovers = [p.name for p in (tmp_path / "two").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_updates_and_repeated_ids_are_kept_once_whichever_process_writes_them(tmp_path, sub_writers):
    releases = _releases(PARALLEL_ABOVE + 500)
    with NewsIndex.create(tmp_path / "ix") as idx:
        idx.add(releases, strict=False, batch_size=700)
        changed = [dataclasses.replace(r, title=r.title + " (updated)") for r in releases]
        # every release again, and the first 300 a third time: the last version wins
        report = idx.add(changed + [dataclasses.replace(r, title=r.title + " (final)") for r in releases[:300]], strict=False, batch_size=700)
        assert all(s.written > 0 for s in sub_writers)
        assert report.updated == len(releases) and report.added == 0 and len(report.duplicates) == 300
        assert len(idx) == len(releases) and len(set(idx.ids())) == len(releases)
        titles = {r.id: r.title for r in idx.releases()}
        assert all(titles[r.id].endswith("(final)") for r in releases[:300])
        assert all(titles[r.id].endswith("(updated)") for r in releases[300:])
        assert idx.search("updated OR final", match="any", limit=0).total == len(releases)


def test_a_dead_writer_process_is_an_error_and_loses_only_the_batch_it_was_in(tmp_path, sub_writers):
    releases = _releases(PARALLEL_ABOVE * 3)
    with NewsIndex.create(tmp_path / "ix") as idx:

        def kill_after_first_batch(seen: int) -> None:
            if seen >= 1500 and sub_writers and sub_writers[0]._proc.poll() is None:
                sub_writers[0]._proc.kill()

        with pytest.raises(NewsIndexError, match="worker process stopped"):
            idx.add(releases, strict=False, batch_size=1000, progress=kill_after_first_batch)
        assert len(idx) == 1000  # the first batch, whole; the rest is not half-written
        assert idx.search("vigil", limit=0).total == 250
        report = idx.add(releases, strict=False, batch_size=1000)  # the re-run completes the job
        assert report.added == len(releases) - 1000 and len(idx) == len(releases)
        assert len(set(idx.ids())) == len(releases)
