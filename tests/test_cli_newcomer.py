"""The CLI as a newcomer meets it (issue 16): readable facets, named sources, JSON Lines hits,
issue slugs, dates and facets on Release, Ctrl-C, paths, progress only on a terminal."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsindex import NewsIndex, NewsIndexError, Release, ReleaseError, load_releases, load_sample
from newsindex.cli import main
from newsindex.sources.naming import clean_stem, site_name

from conftest import SAMPLE_FIXTURE


def run(runner, *args, code=0):
    result = runner.invoke(main, [str(a) for a in args])
    assert result.exit_code == code, result.output
    return result.output


# ----------------------------------------------------------------------------- facets


def test_facets_by_default_is_a_summary_without_zero_counts(runner, index_dir):
    output = run(runner, "facets", index_dir)
    counts = [line.split()[0] for line in output.splitlines() if line.startswith("  ") and line.split()[0].isdigit()]
    assert counts and "0" not in counts
    assert len(output.splitlines()) < 80  # the sample has 12 weeks, 18 issues...: the top ones only
    assert "7 more: --field week" in output and "--all" in output
    for field in ("country", "issue", "type", "source", "year", "month", "week", "speaker"):
        assert f"{field}  (" in output


def test_facets_field_and_all_list_every_value_with_releases(runner, index_dir):
    weeks = run(runner, "facets", index_dir, "--field", "week")
    assert weeks.count("2020-W") + weeks.count("2021-W") == 12  # 12 dated releases in 12 weeks, none empty listed
    assert "more:" not in weeks
    everything = run(runner, "facets", index_dir, "--all")
    assert "13 more" not in everything and everything.count("2021-W") == weeks.count("2021-W")
    assert "Arbitrary detention (arbitrary-detention)" in everything and "Death in custody (death-in-custody)" in everything
    # scripts still get every period, empty ones included (as before)
    data = json.loads(run(runner, "facets", index_dir, "--field", "week", "--json"))
    assert any(c["count"] == 0 for c in data["week"])


# ----------------------------------------------------------------------------- sources


def test_index_source_names_the_releases_and_filters_find_it_in_any_case(runner, tmp_path):
    index = tmp_path / "named"
    run(runner, "index", index, SAMPLE_FIXTURE, "--source", "Amnesty USA", "-q")
    data = json.loads(run(runner, "facets", index, "--field", "source", "--json"))
    assert data["source"] == [{"value": "Amnesty USA", "label": "Amnesty USA", "count": 12}]
    for typed in ("Amnesty USA", "amnesty usa", "amnesty-usa"):
        assert json.loads(run(runner, "search", index, "", "--source", typed, "--json"))["total"] == 12
    # a source the index doesn't hold is refused with the closest one, not 0 silent results (issue 19)
    assert "did you mean Amnesty USA?" in run(runner, "search", index, "", "--source", "amnesty", "--json", code=1)


def test_a_record_that_names_its_source_keeps_it_whatever_the_default(tmp_path):
    feed = tmp_path / "hrw_export-2021-12-03.jsonl"
    feed.write_text('{"title": "A", "source": "Human Rights Watch"}\n{"title": "B"}\n', encoding="utf-8")
    assert [r.source for r in load_releases(feed)] == ["Human Rights Watch", "hrw export"]
    assert [r.source for r in load_releases(feed, name="HRW")] == ["Human Rights Watch", "HRW"]
    with pytest.raises(ValueError):
        list(load_releases(feed, name="  "))


@pytest.mark.parametrize("stem, label", [
    ("amnesty_newsroom-2021-12-03 (1)", "amnesty newsroom"),
    ("newsroom_2021", "newsroom"),
    ("press-releases 20211203T0700", "press-releases"),
    ("Copy of hrw_news", "hrw news"),
    ("2021-12-03", "2021-12-03"),  # nothing left but the date: keep it
    ("reut2-000", "reut2-000"),
])
def test_default_source_names_are_file_stems_without_dates_and_separators(stem, label):
    assert clean_stem(stem) == label


def test_a_page_that_states_its_site_name_is_named_after_it(tmp_path):
    lines = SAMPLE_FIXTURE.read_text(encoding="utf-8").splitlines()
    page = tmp_path / "saved.txt"
    page.write_text("Press Releases | Amnesty International USA\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert {r.source for r in load_releases(page)} == {"Amnesty International USA"}
    footer = tmp_path / "footer.txt"
    footer.write_text("\n".join(lines) + "\n\n© 2021 Amnesty International USA. All rights reserved.\n", encoding="utf-8")
    assert {r.source for r in load_releases(footer)} == {"Amnesty International USA"}
    # the sample's photo credits ("©Molly Crabapple") and headings are no site name
    assert {r.source for r in load_releases(SAMPLE_FIXTURE)} == {"newsroom sample"}


@pytest.mark.parametrize("line", ["Hong Kong: Tiananmen vigil banned | Press Release", "China - Press Release", "Newsroom", "©Molly Crabapple"])
def test_release_titles_and_photo_credits_are_not_site_names(line):
    assert site_name([line, "Some text"]) == ""


# ----------------------------------------------------------------------------- output shapes, issues


def test_search_jsonl_is_one_hit_per_line_and_nothing_else(runner, index_dir):
    lines = run(runner, "search", index_dir, "china", "--jsonl", "--limit", "4").splitlines()
    hits = [json.loads(line) for line in lines]
    assert len(hits) == 4 and [h["rank"] for h in hits] == [1, 2, 3, 4]
    whole = json.loads(run(runner, "search", index_dir, "china", "--json", "--limit", "4"))
    assert hits == whole["hits"]
    run(runner, "search", index_dir, "china", "--jsonl", "--json", code=2)


def test_issues_lists_the_slugs_with_labels_and_counts_from_an_index(runner, index_dir, tmp_path):
    plain = run(runner, "issues")
    assert "death-penalty" in plain and "Refugee and migrant rights" in plain and "27 issues in the shipped taxonomy" in plain
    rows = {r["slug"]: r for r in json.loads(run(runner, "issues", index_dir, "--json"))}
    facets = json.loads(run(runner, "facets", index_dir, "--field", "issue", "--json"))["issue"]
    assert {c["value"]: c["count"] for c in facets} == {s: r["count"] for s, r in rows.items() if r["count"]}
    assert rows["gun-violence"]["count"] == 0 and len(rows) == 27
    feed = tmp_path / "given.jsonl"
    feed.write_text('{"title": "Budget", "issues": ["public-finance"]}\n', encoding="utf-8")
    run(runner, "index", index_dir, feed, "-q")
    output = run(runner, "issues", index_dir)
    assert "public-finance" in output and "(from the source)" in output


# ----------------------------------------------------------------------------- Release


def test_a_date_as_text_is_refused_with_the_call_to_write():
    with pytest.raises(ReleaseError, match=r"datetime\.date\(2021, 1, 2\)") as info:
        Release(title="x", date="2021-01-02")  # type: ignore[arg-type]
    assert isinstance(info.value, NewsIndexError) and isinstance(info.value, TypeError)
    with pytest.raises(ReleaseError, match=r"parse_date\('Jan 2, 2021'\)"):
        Release(title="x", date="Jan 2, 2021")  # type: ignore[arg-type]
    assert Release(title="x", date=dt.datetime(2021, 1, 2, 23, 59)).date == dt.date(2021, 1, 2)


def test_get_gives_the_facets_search_shows_given_and_extracted_apart():
    with NewsIndex.in_memory() as index:
        index.add(load_sample() + [Release(title="Given", body="About Nigeria and Lagos police.", countries=("GH",))])
        for hit in index.search("", limit=20):
            stored = index.get(hit.id)
            assert stored is not None and stored.facets is not None
            assert (stored.facets.countries, stored.facets.issues) == (hit.countries, hit.issues)
            assert stored.facets.countries_extracted == hit.countries_extracted
        given = index.get(Release(title="Given").id)
        assert given.countries == ("GH",) and given.facets.countries == ("GH",) and "NG" in given.facets.countries_extracted
        assert given == Release(title="Given", body="About Nigeria and Lagos police.", countries=("GH",))  # facets not compared
        assert all(r.facets is not None for r in index.releases())


# ----------------------------------------------------------------------------- paths, Ctrl-C, progress


def test_index_creates_the_index_directory_but_not_missing_parents(runner, tmp_path):
    output = run(runner, "index", tmp_path / "typo" / "releases.idx", SAMPLE_FIXTURE, code=1)
    assert output.startswith("error: ") and "typo does not exist" in output
    assert not (tmp_path / "typo").exists()
    run(runner, "index", tmp_path / "releases.idx", SAMPLE_FIXTURE, "-q")
    assert (tmp_path / "releases.idx").is_dir()


def _feed(path: Path, count: int) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps({"title": f"Release number {n}", "date": "2021-01-01", "body": f"Police in Lagos, Nigeria, release {n} word{n % 97}."}) + "\n")
    return path


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}


def test_ctrl_c_during_index_says_what_was_committed_and_how_to_go_on(tmp_path):
    feed = _feed(tmp_path / "big.jsonl", 8000)
    index = tmp_path / "big.idx"
    proc = subprocess.Popen([sys.executable, "-m", "newsindex", "index", str(index), str(feed), "--batch-size", "300", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        committed = 0
        while committed == 0 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            if (index / "newsindex.json").exists():
                try:
                    with NewsIndex.open(index) as ix:
                        committed = len(ix)
                except NewsIndexError:
                    pass
        assert proc.poll() is None, "the import ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C at a terminal: the writing worker gets it too
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Aborted!" not in err
    with NewsIndex.open(index) as ix:
        in_index = len(ix)
    assert 0 < in_index < 8000 and in_index % 300 == 0  # whole batches
    assert f"interrupted: {in_index:,} releases committed, the rest not indexed; run the same command again to continue" in err
    again = subprocess.run([sys.executable, "-m", "newsindex", "index", str(index), str(feed), "-q"], capture_output=True, text=True, env=_env(), timeout=300)
    assert again.returncode == 0 and f"{8000 - in_index} added, {in_index} updated" in again.stdout


def _read_all(fd: int, proc: subprocess.Popen) -> str:
    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # the other end closed
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_shows_on_a_terminal_and_not_when_piped(tmp_path):
    feed = _feed(tmp_path / "feed.jsonl", 6000)
    command = [sys.executable, "-m", "newsindex", "index", str(tmp_path / "a.idx"), str(feed), "--batch-size", "500"]
    master, slave = pty.openpty()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=slave, text=True, env=_env())
    os.close(slave)
    try:
        terminal = _read_all(master, proc)
        out, _ = proc.communicate(timeout=120)
    finally:
        os.close(master)
    assert proc.returncode == 0
    assert "\r  read " in terminal and " releases (" in terminal  # a running count, redrawn in place
    assert out.count("\n") == 1 and "6000 added" in out  # one summary line on stdout
    piped = subprocess.run([*command[:4], str(tmp_path / "b.idx"), str(feed)], capture_output=True, text=True, env=_env(), timeout=120)
    assert piped.returncode == 0 and piped.stderr == "" and piped.stdout.count("\n") == 1


def test_a_search_that_finds_nothing_says_when_a_filter_value_is_unknown(runner, index_dir):
    result = runner.invoke(main, ["search", str(index_dir), "vigil", "--country", "China", "--issue", "refugees"])
    assert result.exit_code == 0
    assert "--country takes ISO codes" in result.stderr and "'refugees' is no issue slug" in result.stderr
    found = runner.invoke(main, ["search", str(index_dir), "", "--country", "CN", "--issue", "death-penalty"])
    assert found.stderr == ""


def test_the_command_list_is_not_cut_off(runner):
    listing = runner.invoke(main, ["--help"], terminal_width=80).output.split("Commands:", 1)[1]
    assert "..." not in listing
