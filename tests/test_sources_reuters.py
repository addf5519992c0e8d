"""Reuters-21578 SGML: the handmade fixture pins the mapping; the real collection (when present) pins speed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsindex.errors import SourceError
from newsindex.sources import load_releases
from newsindex.sources import reuters

FIXTURE = Path(__file__).parent / "fixtures" / "reuters_sample.sgm"


def load(path: Path = FIXTURE) -> tuple[dict[str, object], list[SourceError]]:
    errors: list[SourceError] = []
    releases = {r.id: r for r in load_releases(path, errors=errors)}
    return releases, errors


def test_a_story_maps_title_dateline_body_date_topics_and_places() -> None:
    releases, _ = load()
    story = releases["reuters-1"]
    assert story.title == "BAHIA COCOA REVIEW"
    assert story.body.startswith("SALVADOR, Feb 26 - Showers continued throughout the week in\nthe Bahia cocoa zone")
    assert story.date == dt.date(1987, 2, 26)
    assert story.type == "story"
    assert story.source == "reuters21578"
    assert story.issues == ("cocoa",)
    assert story.countries == ()
    assert story.extra["places"] == ["el-salvador", "usa", "uruguay"]
    assert story.extra["topics"] == ["cocoa"]


def test_entities_are_unescaped_and_wire_control_characters_dropped() -> None:
    releases, _ = load()
    story = releases["reuters-2"]
    assert story.title == "STANDARD OIL <SRD> TO FORM FINANCIAL UNIT"
    assert "both companies & others." in story.body
    assert not any(ord(ch) < 32 and ch != "\n" for ch in story.body)


def test_a_date_with_trailing_wire_garbage_is_read_from_its_date_part() -> None:
    releases, _ = load()
    assert releases["reuters-2"].date == dt.date(1987, 3, 27)


def test_a_date_with_leading_spaces_is_read() -> None:
    releases, _ = load()
    assert releases["reuters-3"].date == dt.date(1987, 3, 3)


def test_a_brief_story_loads_its_headline_without_the_placeholder_body() -> None:
    releases, _ = load()
    brief = releases["reuters-3"]
    assert brief.title == "ASSETS OF MONEY MARKET MUTUAL FUNDS ROSE 720.4 MLN DLRS IN LATEST WEEK"
    assert brief.body == ""


def test_an_unprocessed_story_takes_its_first_line_as_title() -> None:
    releases, _ = load()
    table = releases["reuters-4"]
    assert table.title == "FEDERAL RESERVE WEEKLY REPORT 1 - FEB 26"
    assert "Net free reserves" in table.body
    assert table.issues == ("money-supply",)


def test_a_story_with_no_body_loads_with_its_title_only() -> None:
    releases, _ = load()
    story = releases["reuters-6"]
    assert story.title == "HONG KONG TRADE TALKS END"
    assert story.body == ""
    assert story.issues == ("trade", "grain")
    assert story.extra["places"] == ["west-germany", "hong-kong"]


def test_an_impossible_date_is_a_record_error_naming_the_story_and_its_line() -> None:
    releases, errors = load()
    assert "reuters-5" not in releases
    assert len(errors) == 1
    assert errors[0].line == 81
    assert "story 5" in errors[0].reason and "DATE" in errors[0].reason
    assert "31-FEB-1987" in (errors[0].record or "")


def test_strict_mode_raises_at_the_impossible_date_after_yielding_the_stories_before_it() -> None:
    seen: list[str] = []
    with pytest.raises(SourceError) as caught:
        for release in load_releases(FIXTURE):
            seen.append(release.id)
    assert seen == ["reuters-1", "reuters-2", "reuters-3", "reuters-4"]
    assert str(caught.value).startswith(f"{FIXTURE}:81: ")


def test_a_truncated_last_story_is_a_record_error(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="latin-1")
    cut = tmp_path / "cut.sgm"
    cut.write_text(text[: text.index("<TITLE>HONG KONG")], encoding="latin-1")
    errors: list[SourceError] = []
    ids = [r.id for r in load_releases(cut, errors=errors)]
    assert ids == ["reuters-1", "reuters-2", "reuters-3", "reuters-4"]
    assert [e.line for e in errors] == [81, 99]
    assert "cut off" in errors[1].reason


def test_a_file_with_no_stories_is_refused_as_not_reuters(tmp_path: Path) -> None:
    other = tmp_path / "other.sgm"
    other.write_text("just some text\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no <REUTERS> stories"):
        list(load_releases(other))


def test_the_parser_reads_an_open_binary_stream() -> None:
    with open(FIXTURE, "rb") as handle:
        items = list(reuters.parse(handle))
    assert len(items) == 6
    assert sum(isinstance(item, SourceError) for item in items) == 1
