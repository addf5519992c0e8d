"""The core CLI commands, through click's CliRunner, on real indexes in tmp_path."""

import json

import pytest

from newsindex.cli import main

FIXTURE = __import__("pathlib").Path(__file__).parent / "fixtures" / "newsroom_sample.txt"


def test_demo_shows_hong_kong_hits_with_snippets_and_facet_counts(runner):
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert "Hong Kong" in result.output
    assert "Amnesty International to Close its Hong Kong Offices" in result.output
    assert "country:" in result.output and "Hong Kong (HK)" in result.output
    assert "[Hong] [Kong]" in result.output  # matches marked in the snippet when not on a terminal


def test_demo_json_is_parseable_and_has_facets(runner):
    result = runner.invoke(main, ["demo", "death penalty", "--json"])
    data = json.loads(result.output)
    assert data["total"] >= 1 and data["hits"][0]["title"].startswith("Death penalty")
    assert {"country", "issue", "year", "type"} <= set(data["facets"])


def test_index_prints_a_summary_line_and_is_idempotent(runner, tmp_path, index_dir):
    again = runner.invoke(main, ["index", str(index_dir), str(FIXTURE), "-q"])
    assert again.exit_code == 0
    assert "0 added, 12 updated, 0 rejected" in again.output


def test_index_reports_bad_records_and_writes_rejects(runner, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"title": "Good", "date": "2021-01-01"}\nnot json\n{"title": "Also good"}\n', encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    result = runner.invoke(main, ["index", str(tmp_path / "i"), str(feed), "--rejects", str(rejects), "-q"])
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 1 rejected" in result.output
    assert "feed.jsonl:2" in result.output  # CliRunner mixes stderr into output
    row = json.loads(rejects.read_text(encoding="utf-8").splitlines()[0])
    assert row["where"].endswith("feed.jsonl:2") and row["record"] == "not json"


def test_index_strict_refuses_the_run_and_leaves_the_index_untouched(runner, tmp_path, index_dir):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"title": "Good new one", "date": "2021-01-01"}\n[1, 2]\n', encoding="utf-8")
    result = runner.invoke(main, ["index", str(index_dir), str(feed), "--strict"])
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and "feed.jsonl:2" in result.output
    stats = json.loads(runner.invoke(main, ["stats", str(index_dir), "--json"]).output)
    assert stats["releases"] == 12


def test_search_with_country_and_since_returns_only_matching_releases(runner, index_dir):
    result = runner.invoke(main, ["search", str(index_dir), "", "--country", "CN", "--since", "2021-06-01", "--json"])
    data = json.loads(result.output)
    assert data["total"] > 0
    assert all("CN" in hit["countries"] and hit["date"] >= "2021-06-01" for hit in data["hits"])
    cn = [f for f in data["facets"]["country"] if f["value"] == "CN"][0]
    assert cn["count"] == data["total"]


def test_search_renders_a_table(runner, index_dir):
    result = runner.invoke(main, ["search", str(index_dir), "vigil"])
    assert result.exit_code == 0
    assert "Tiananmen Vigil Convictions" in result.output and "2021-09-15" in result.output


def test_bad_query_syntax_is_one_line_on_stderr_and_exit_1(runner, index_dir):
    result = runner.invoke(main, ["search", str(index_dir), '"unclosed'])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "unclosed quote" in result.output
    assert "Traceback" not in result.output


def test_a_missing_index_is_exit_1_with_the_fix(runner, tmp_path):
    result = runner.invoke(main, ["search", str(tmp_path / "nope"), "x"])
    assert result.exit_code == 1 and "newsindex index" in result.output


def test_a_bad_date_option_is_a_usage_error(runner, index_dir):
    result = runner.invoke(main, ["search", str(index_dir), "x", "--since", "whenever"])
    assert result.exit_code == 2 and "since" in result.output


def test_facets_command_counts_per_field(runner, index_dir):
    result = runner.invoke(main, ["facets", str(index_dir), "--field", "type", "--json"])
    data = json.loads(result.output)
    assert {c["value"]: c["count"] for c in data["type"]} == {"press-release": 9, "report": 3}


def test_show_prints_one_release_with_given_and_extracted_facets(runner, index_dir):
    hit = json.loads(runner.invoke(main, ["search", str(index_dir), "vigil", "--json"]).output)["hits"][0]
    result = runner.invoke(main, ["show", str(index_dir), hit["id"], "--json"])
    data = json.loads(result.output)
    assert data["title"] == hit["title"] and "countries_extracted" in data
    assert runner.invoke(main, ["show", str(index_dir), "no-such-id"]).exit_code == 1


def test_stats_prints_counts_and_dates(runner, index_dir):
    result = runner.invoke(main, ["stats", str(index_dir)])
    assert "12" in result.output and "2020-03-18 … 2021-12-02" in result.output


def test_analyze_prints_the_terms(runner):
    result = runner.invoke(main, ["analyze", "Women’s rights in the U.S. #MeToo"])
    assert result.output.split() == ["women", "right", "us", "#metoo", "metoo"]


@pytest.mark.parametrize("command", ["demo", "index", "search", "facets", "show", "stats", "optimize", "analyze"])
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "Example" in result.output


def test_the_order_line_says_browsing_is_newest_first(runner, index_dir):
    browse = runner.invoke(main, ["search", str(index_dir), "", "--country", "CN", "--limit", "1"])
    ranked = runner.invoke(main, ["search", str(index_dir), "vigil", "--limit", "1"])
    assert "(newest first)" in browse.output and "(by relevance)" in ranked.output


def test_a_long_question_that_finds_nothing_suggests_match_any(runner, index_dir):
    question = "what did we say about the candlelight vigil in hong kong"
    strict = runner.invoke(main, ["search", str(index_dir), question])
    assert strict.exit_code == 0 and "try --match any" in strict.output
    loose = runner.invoke(main, ["search", str(index_dir), question, "--match", "any"])
    assert "Tiananmen Vigil" in loose.output.split("\n\n")[1] and "try --match any" not in loose.output


def test_optimize_merges_an_index_of_several_segments(runner, tmp_path, monkeypatch):
    import newsindex.index

    monkeypatch.setattr(newsindex.index, "MERGE_BELOW", 1)  # commits keep every segment, as big imports do
    index_dir = tmp_path / "idx"
    assert runner.invoke(main, ["index", str(index_dir), str(FIXTURE), "-q", "--batch-size", "4"]).exit_code == 0
    before = json.loads(runner.invoke(main, ["stats", str(index_dir), "--json"]).output)
    result = runner.invoke(main, ["optimize", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert f"{before['segments']} segments merged into 1" in result.output and "12 releases" in result.output
    after = runner.invoke(main, ["stats", str(index_dir)])
    assert "in 1 segment" in after.output
    again = runner.invoke(main, ["optimize", str(index_dir)])
    assert "already one segment" in again.output
