"""Export (export.py): JSON Lines that `index` reads back, and CSV of hits."""

import csv
import datetime as dt
import io
import json
from pathlib import Path

from newsindex import NewsIndex, Release, load_releases
from newsindex.export import CSV_COLUMNS, write_csv, write_jsonl

FIXTURE = Path(__file__).parent / "fixtures" / "newsroom_sample.txt"

EXTRA = Release(
    title="Statement with “quotes”, commas, and ünïcode",
    date=dt.date(2022, 2, 1),
    summary="Line one.\nLine two, with a comma.",
    body="A longer body.",
    countries=("HK", "CN"),
    issues=("press-freedom",),
    url="https://example.org/news/2022/02/statement",
    source="example",
    type="statement",
    credit="Photo: someone",
)
UNDATED = Release(title="An undated note", summary="No date on this one.")


def test_exported_json_lines_rebuild_the_same_index(tmp_path):
    with NewsIndex.create(tmp_path / "a") as original:
        original.add(list(load_releases(FIXTURE)) + [EXTRA, UNDATED])
        exported = tmp_path / "releases.jsonl"
        with exported.open("w", encoding="utf-8") as out:
            assert write_jsonl(original.releases(), out) == 14
        before = {r.id: r.to_dict() for r in original.releases()}
        facets_before = {r: original.get_facets(r) for r in before}
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 14 and all(json.loads(line)["id"] for line in lines)
    with NewsIndex.create(tmp_path / "b") as rebuilt:
        rebuilt.add(load_releases(exported))
        after = {r.id: r.to_dict() for r in rebuilt.releases()}
        assert after == before
        # extracted facets and speakers are recomputed the same way
        assert {r: rebuilt.get_facets(r) for r in after} == facets_before


def test_csv_has_a_header_and_one_row_per_hit(tmp_path):
    with NewsIndex.create(tmp_path / "a") as index:
        index.add(list(load_releases(FIXTURE)) + [EXTRA])
        results = index.search("\"hong kong\" OR quotes", limit=50)
    out = io.StringIO(newline="")
    assert write_csv(results.hits, out) == results.total
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == results.total
    extra = next(r for r in rows if r["id"] == EXTRA.id)
    assert extra["title"] == EXTRA.title and extra["countries"] == "HK; CN" and extra["date"] == "2022-02-01"
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
