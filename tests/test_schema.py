"""schema.py: the compact positions format, and indexes written before it."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings, strategies as st
from whoosh import formats

import newsindex.schema as schema_module
from newsindex import NewsIndex, Release
from newsindex.schema import CompactPositions, build_schema

FORMAT = CompactPositions()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**32 - 1), min_size=1, max_size=60, unique=True).map(sorted))
def test_positions_round_trip_at_any_width(positions):
    value = FORMAT.encode(positions)
    assert FORMAT.decode_positions(value) == positions
    assert FORMAT.decode_frequency(value) == len(positions)
    assert FORMAT.decode_weight(value) == len(positions) * FORMAT.field_boost


def test_a_position_takes_two_bytes_instead_of_whooshs_thirteen():
    assert len(FORMAT.encode([7])) == 2 and len(formats.Positions().encode([7])) == 13
    assert len(FORMAT.encode([3, 9, 40])) == 4  # small deltas: one byte each
    assert FORMAT.combine([FORMAT.encode([1, 5]), FORMAT.encode([3])]) == FORMAT.encode([1, 3, 5])


def test_text_fields_use_it_with_their_boost():
    schema = build_schema()
    assert all(type(schema[name].format) is CompactPositions for name in ("title", "summary", "body"))
    assert schema["title"].format.field_boost == schema_module.TITLE_BOOST


RELEASES = [
    Release(title="Tit-for-tat expulsions of journalists", date=dt.date(2020, 3, 18), body="China expels US journalists over COVID-19 reporting. " * 30),
    Release(title="Covid rules", date=dt.date(2020, 4, 1), body="Reporting rules for 19 journalists and covid testing."),
]


def test_phrases_match_through_the_compact_positions(tmp_path):
    with NewsIndex.create(tmp_path / "ix") as idx:
        idx.add(RELEASES)
        assert [h.id for h in idx.search('"covid 19 reporting"').hits] == [RELEASES[0].id]
        assert [h.id for h in idx.search("COVID-19").hits] == [RELEASES[0].id]  # a phrase of its parts
        assert idx.search('"tit for tat"').total == 1


def test_an_index_written_with_whooshs_positions_is_still_read_and_written(tmp_path, monkeypatch):
    """Indexes made before CompactPositions carry Whoosh's format in their own schema."""
    with monkeypatch.context() as patch:
        patch.setattr(schema_module, "CompactPositions", formats.Positions)
        with NewsIndex.create(tmp_path / "ix") as idx:
            idx.add(RELEASES[:1])
    with NewsIndex.open(tmp_path / "ix") as idx:
        assert type(idx._ix.schema["body"].format) is formats.Positions
        idx.add(RELEASES[1:])  # written in the index's own (old) format
        assert [h.id for h in idx.search('"covid 19 reporting"').hits] == [RELEASES[0].id]
        assert idx.search("covid journalists").total == 2
