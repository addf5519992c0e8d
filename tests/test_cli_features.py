"""The issue-6 CLI commands and options, through click's CliRunner, on real indexes in tmp_path."""

import builtins
import csv
import io
import json
from pathlib import Path

import pytest

from newsindex.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "newsroom_sample.txt"
NEW = '{"title": "Hong Kong journalists arrested", "date": "2021-12-29", "summary": "Police arrested Stand News staff in Hong Kong."}\n'


def run(runner, *args):
    result = runner.invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", [["similar"], ["timeline"], ["export"], ["watch"], ["watch", "add"], ["watch", "list"], ["watch", "run"], ["watch", "remove"]])
def test_every_new_command_has_help_with_an_example(runner, command):
    output = run(runner, *command, "--help")
    assert "Example:" in output and "newsindex " in output


def test_search_suggests_the_archives_spelling(runner, index_dir):
    output = run(runner, "search", index_dir, "Tiananmin")
    assert "No release matches 'Tiananmin'." in output
    assert "Did you mean: 'Tiananmen'?" in output and "--fuzzy" in output


def test_search_fuzzy_finds_the_misspelled_word(runner, index_dir):
    output = run(runner, "search", index_dir, "Tiananmin", "--fuzzy")
    assert "1-1 of 1 releases" in output and "Tiananmen Vigil Convictions" in output


def test_search_json_carries_suggestions_and_speakers(runner, index_dir):
    data = json.loads(run(runner, "search", index_dir, "Uighur", "--json"))
    assert data["total"] == 0 and data["suggestions"] == ["Uyghur"]
    data = json.loads(run(runner, "search", index_dir, "WTA", "--json"))
    assert data["hits"][0]["speakers"] == ["Doriane Lau"]


def test_search_by_speaker_shows_who_is_quoted(runner, index_dir):
    output = run(runner, "search", index_dir, "--speaker", "Doriane Lau")
    assert "1-1 of 1 releases" in output and "quoting Doriane Lau" in output


def test_search_boost_recent_changes_the_order(runner, index_dir):
    plain = json.loads(run(runner, "search", index_dir, "covid", "--json"))
    boosted = json.loads(run(runner, "search", index_dir, "covid", "--boost-recent", "90", "--json"))
    assert [h["date"] for h in plain["hits"]] == ["2020-03-18", "2021-11-04"]
    assert [h["date"] for h in boosted["hits"]] == ["2021-11-04", "2020-03-18"]


def test_search_csv_is_one_row_per_hit(runner, index_dir):
    rows = list(csv.DictReader(io.StringIO(run(runner, "search", index_dir, "hong kong", "--csv"))))
    assert len(rows) == 4 and all("Hong Kong" in r["title"] or "Hong Kong" in r["snippet"] or r["countries"] for r in rows)
    assert rows[0]["rank"] == "1"


def test_json_and_csv_together_is_a_usage_error(runner, index_dir):
    result = runner.invoke(main, ["search", str(index_dir), "x", "--json", "--csv"])
    assert result.exit_code == 2 and "one of --json and --csv" in result.output


def test_facets_count_speakers_and_weeks(runner, index_dir):
    data = json.loads(run(runner, "facets", index_dir, "--field", "speaker", "--field", "week", "--json"))
    assert {c["label"] for c in data["speaker"]} == {"Doriane Lau", "Carolyn Nash", "Gwen Lee", "Yamini Mishra", "Joanne Lin", "Joshua Rosenzweig"}
    assert data["week"][0]["value"] == "2020-W12" and data["week"][-1]["value"] == "2021-W48"


def test_show_prints_speakers_with_their_roles(runner, index_dir):
    hit = json.loads(run(runner, "search", index_dir, "expulsion", "--json"))["hits"][0]
    output = run(runner, "show", index_dir, hit["id"])
    assert "Joshua Rosenzweig (Head of China team, Amnesty International)" in output


def test_similar_lists_related_releases_but_not_the_release_itself(runner, index_dir):
    vigil = json.loads(run(runner, "search", index_dir, "vigil", "--json"))["hits"][0]
    output = run(runner, "similar", index_dir, vigil["id"], "--limit", "3")
    assert output.startswith("Like: 2021-09-15")
    assert output.count("Tiananmen Vigil Convictions") == 1  # only in the "Like:" line
    assert "Hong Kong" in output.split("\n", 2)[2]
    data = json.loads(run(runner, "similar", index_dir, vigil["id"], "--json"))
    assert vigil["id"] not in [h["id"] for h in data["hits"]] and data["total"] >= 3


def test_similar_with_an_unknown_id_fails_with_one_line(runner, index_dir):
    result = runner.invoke(main, ["similar", str(index_dir), "nope"])
    assert result.exit_code == 1 and "no release with id 'nope'" in result.output


def test_timeline_draws_bars_with_empty_months(runner, index_dir):
    output = run(runner, "timeline", index_dir, "hong kong", "--by", "month", "--since", "2021-05-01")
    assert "Releases per month for 'hong kong': 3 in all" in output
    lines = [line for line in output.splitlines() if line.startswith("20")]
    assert [line.split()[0] for line in lines] == ["2021-05", "2021-06", "2021-07", "2021-08", "2021-09", "2021-10"]
    assert lines[0].split() == ["2021-05", "0"] and lines[1].split() == ["2021-06", "1", "█" * 40]


def test_timeline_json_by_year(runner, index_dir):
    data = json.loads(run(runner, "timeline", index_dir, "--by", "year", "--json"))
    assert [(c["value"], c["count"]) for c in data["counts"]] == [("2020", 3), ("2021", 9)]


def test_timeline_png_without_matplotlib_says_how_to_install_it(runner, index_dir, tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    result = runner.invoke(main, ["timeline", str(index_dir), "china", "--png", str(tmp_path / "c.png")])
    assert result.exit_code == 1 and "pip install 'newsindex[plot]'" in result.output
    assert not (tmp_path / "c.png").exists()


def test_export_round_trips_through_index(runner, index_dir, tmp_path):
    exported = tmp_path / "all.jsonl"
    result = runner.invoke(main, ["export", str(index_dir), "-o", str(exported)])
    assert result.exit_code == 0 and "12 releases written" in result.output
    run(runner, "index", tmp_path / "copy", exported, "-q")
    original = json.loads(run(runner, "search", index_dir, "--limit", "50", "--json"))
    copy = json.loads(run(runner, "search", tmp_path / "copy", "--limit", "50", "--json"))
    assert [h["id"] for h in copy["hits"]] == [h["id"] for h in original["hits"]]
    assert copy["hits"] == original["hits"]


def test_export_a_query_to_stdout(runner, index_dir):
    lines = run(runner, "export", index_dir, "hong kong", "--since", "2021-07-01").splitlines()
    assert [json.loads(line)["date"] for line in lines] == ["2021-09-15", "2021-10-25"]


def test_watch_add_run_list_remove(runner, index_dir, tmp_path):
    output = run(runner, "watch", "add", index_dir, "hk", "hong kong", "--country", "HK")
    assert "watch 'hk' saved" in output and "3 releases match now" in output
    assert "hk: 0 new since it was added (3 match in all)" in run(runner, "watch", "run", index_dir)
    feed = tmp_path / "new.jsonl"
    feed.write_text(NEW, encoding="utf-8")
    run(runner, "index", index_dir, feed, "-q")
    output = run(runner, "watch", "run", index_dir, "hk")
    assert "hk: 1 new since " in output and "2021-12-29  Hong Kong journalists arrested" in output
    assert "hk: 0 new" in run(runner, "watch", "run", index_dir, "hk")
    listed = json.loads(run(runner, "watch", "list", index_dir, "--json"))
    assert listed[0]["name"] == "hk" and listed[0]["filters"] == {"country": ["HK"]} and listed[0]["last_run"]
    assert "watch 'hk' removed" in run(runner, "watch", "remove", index_dir, "hk")
    assert "No watches" in run(runner, "watch", "list", index_dir)


def test_watch_errors_are_one_line(runner, index_dir):
    result = runner.invoke(main, ["watch", "run", str(index_dir), "nope"])
    assert result.exit_code == 1 and "no watch named 'nope'" in result.output
    result = runner.invoke(main, ["watch", "add", str(index_dir), "bad", '"unclosed'])
    assert result.exit_code == 1 and "bad query" in result.output
    run(runner, "watch", "add", index_dir, "hk", "hong kong")
    result = runner.invoke(main, ["watch", "add", str(index_dir), "hk", "vigil"])
    assert result.exit_code == 2 and "--replace" in result.output
