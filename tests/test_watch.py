"""Saved searches (watch.py): stored in the index, "new since the last run" by ids, atomic writes."""

import datetime as dt
import json

import pytest

from newsindex import NewsIndex, NewsIndexError, QueryError, Release

D = dt.date

MONDAY = [
    Release(title="Hong Kong vigil organisers jailed", date=D(2021, 9, 15), summary="Vigil organisers jailed.", countries=("HK",)),
    Release(title="Xinjiang report", date=D(2021, 6, 10), summary="Mass internment in Xinjiang.", countries=("CN",)),
]
TUESDAY = [
    Release(title="Hong Kong offices to close", date=D(2021, 10, 25), summary="Amnesty closes its Hong Kong offices.", countries=("HK",)),
    Release(title="China: activists detained", date=D(2021, 11, 9), summary="Two activists detained in Guangzhou.", countries=("CN",)),
]
WEDNESDAY = [Release(title="Hong Kong journalists arrested", date=D(2021, 12, 29), summary="Stand News staff arrested in Hong Kong.", countries=("HK",))]


@pytest.fixture
def path(tmp_path):
    with NewsIndex.create(tmp_path / "idx") as ix:
        ix.add(MONDAY)
    return tmp_path / "idx"


def titles(run):
    return [r.title for r in run.new]


def test_a_watch_reports_only_releases_added_since_its_last_run(path):
    with NewsIndex.open(path) as ix:
        watch = ix.watches.add("hk", "hong kong", country="HK")
        assert watch.seen == {MONDAY[0].id}  # what matched when it was added is the baseline
        assert ix.watches.run("hk").new == ()
        ix.add(TUESDAY)
        run = ix.watches.run("hk")
        assert titles(run) == ["Hong Kong offices to close"] and run.total == 2
        assert ix.watches.run("hk").new == ()  # reported once


def test_watches_persist_in_the_index_directory_across_processes(path):
    with NewsIndex.open(path) as ix:
        ix.watches.add("hk", "hong kong", country="HK")
        ix.watches.add("china", "", country="CN")
    assert (path / "watches.json").exists()
    with NewsIndex.open(path) as ix:
        ix.add(TUESDAY + WEDNESDAY)
    with NewsIndex.open(path) as ix:
        assert [w.name for w in ix.watches] == ["china", "hk"]
        runs = {r.watch.name: titles(r) for r in ix.watches.run_all()}
        assert runs == {"china": ["China: activists detained"], "hk": ["Hong Kong journalists arrested", "Hong Kong offices to close"]}
        assert all(w.last_run for w in ix.watches)


def test_re_indexing_the_same_releases_is_not_news(path):
    with NewsIndex.open(path) as ix:
        ix.watches.add("hk", "hong kong")
        ix.add(MONDAY)  # the morning scrape brings yesterday's releases again: updates, not new
        assert ix.watches.run("hk").new == ()


def test_a_dry_run_does_not_move_the_watermark(path):
    with NewsIndex.open(path) as ix:
        ix.watches.add("hk", "hong kong")
        ix.add(TUESDAY)
        assert len(ix.watches.run("hk", update=False).new) == 1
        assert ix.watches["hk"].last_run is None
        assert len(ix.watches.run("hk").new) == 1
        assert ix.watches.run("hk").new == ()


def test_a_watch_is_checked_when_added_not_at_the_morning_run(path):
    with NewsIndex.open(path) as ix:
        with pytest.raises(QueryError):
            ix.watches.add("bad", '"hong kong')
        with pytest.raises(ValueError, match="since"):
            ix.watches.add("bad", "x", since="someday")
        with pytest.raises(TypeError, match="filters"):
            ix.watches.add("bad", "x", colour="red")
        with pytest.raises(ValueError, match="name"):
            ix.watches.add("  ", "x")
        assert len(ix.watches) == 0


def test_names_are_unique_unless_replaced_and_remove_deletes(path):
    with NewsIndex.open(path) as ix:
        ix.watches.add("hk", "hong kong")
        with pytest.raises(ValueError, match="already"):
            ix.watches.add("hk", "vigil")
        ix.watches.add("hk", "vigil", replace=True)
        assert ix.watches["hk"].query == "vigil"
        ix.watches.remove("hk")
        assert "hk" not in ix.watches
        with pytest.raises(KeyError):
            ix.watches.remove("hk")
        with pytest.raises(KeyError):
            ix.watches.run("hk")


def test_watches_keep_their_filters_and_match_mode(path):
    with NewsIndex.open(path) as ix:
        watch = ix.watches.add("either", "xinjiang guangzhou", match="any", country=["CN"], since="2021-01-01")
        assert dict(watch.filters) == {"match": "any", "country": ["CN"], "since": "2021-01-01"}
        ix.add(TUESDAY)
        assert titles(ix.watches.run("either")) == ["China: activists detained"]
    stored = json.loads((path / "watches.json").read_text(encoding="utf-8"))
    assert stored["watches"][0]["filters"]["match"] == "any"


def test_the_file_is_replaced_atomically_and_a_corrupt_one_is_a_clear_error(path):
    with NewsIndex.open(path) as ix:
        ix.watches.add("hk", "hong kong")
        assert [p.name for p in path.iterdir() if p.name.startswith("watches")] == ["watches.json"]  # no temp file left
        (path / "watches.json").write_text("{not json", encoding="utf-8")
        with pytest.raises(NewsIndexError, match="watches.json"):
            list(ix.watches)


def test_in_memory_indexes_keep_watches_in_memory():
    with NewsIndex.in_memory() as ix:
        ix.add(MONDAY)
        ix.watches.add("hk", "hong kong")
        ix.add(WEDNESDAY)
        assert titles(ix.watches.run("hk")) == ["Hong Kong journalists arrested"]


def test_deleted_releases_drop_out_and_a_re_added_one_is_new_again(path):
    with NewsIndex.open(path) as ix:
        ix.watches.add("hk", "hong kong")
        ix.delete(MONDAY[0].id)
        assert ix.watches.run("hk").total == 0
        ix.add(MONDAY[:1])
        assert titles(ix.watches.run("hk")) == [MONDAY[0].title]
