"""Fault rows 7 and 10 (issue 15): deeply nested JSON, directories and FIFOs as sources.

Each test reproduces what a fault campaign found: a RecursionError that refused the whole file,
"no such file" for a directory, and a read that blocked forever on a FIFO with no writer.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from newsindex import SourceError, load_releases


def test_json_nested_100000_deep_is_one_reject_and_the_rest_are_read(tmp_path):
    path = tmp_path / "deep.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text('{"title": "First"}\n{"title": "Deep", "body": ' + deep + '}\n{"title": "Last"}\n')
    errors: list[SourceError] = []
    titles = [r.title for r in load_releases(path, errors=errors)]
    assert titles == ["First", "Last"]
    assert len(errors) == 1 and errors[0].line == 2
    assert "nested" in str(errors[0])


def test_json_nested_moderately_deep_is_refused_in_strict_mode_as_a_source_error(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text('{"title": "Deep", "extra": ' + "[" * 200 + "]" * 200 + "}\n")
    with pytest.raises(SourceError, match="nested more than"):
        list(load_releases(path))


def test_ordinary_nesting_is_kept(tmp_path):
    path = tmp_path / "ok.jsonl"
    path.write_text('{"title": "Fine", "countries": ["US", "GB"], "meta": {"a": {"b": [1, 2]}}}\n')
    assert [r.title for r in load_releases(path)] == ["Fine"]


def test_a_directory_is_named_as_a_directory(tmp_path):
    with pytest.raises(SourceError, match="is a directory"):
        list(load_releases(tmp_path))
    with pytest.raises(SourceError, match="is a directory"):
        list(load_releases(tmp_path, format="jsonl"))


def test_a_missing_file_still_says_no_such_file(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        list(load_releases(tmp_path / "missing.jsonl"))


def _run_bounded(code: str, timeout: float = 20.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)


def test_a_fifo_with_no_writer_is_an_error_not_a_hang(tmp_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    for fmt in ("None", "'jsonl'"):
        code = (
            "from newsindex import load_releases, SourceError\n"
            f"try:\n    list(load_releases({str(fifo)!r}, format={fmt}))\n"
            "except SourceError as e:\n    print('ERR', e)\n"
        )
        done = _run_bounded(code)  # a hang would raise TimeoutExpired
        assert done.returncode == 0, done.stderr
        assert "ERR" in done.stdout and "nothing to read" in done.stdout


def test_a_fifo_with_a_writer_is_read_once_with_its_format_sniffed(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    lines = "".join(f'{{"title": "Release {i}"}}\n' for i in range(500))

    def write() -> None:
        with open(fifo, "w") as out:
            out.write(lines)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    deadline = time.monotonic() + 10
    releases = None
    while time.monotonic() < deadline:
        try:
            releases = list(load_releases(fifo))
            break
        except SourceError as exc:  # the writer had not opened it yet: try again, bounded
            if "nothing to read" not in str(exc):
                raise
            time.sleep(0.05)
    writer.join(timeout=10)
    assert releases is not None
    assert [r.title for r in releases] == [f"Release {i}" for i in range(500)]
