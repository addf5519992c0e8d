"""Fixtures shared by the CLI tests: a CliRunner and an index built from the sample newsroom."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsindex.cli import main

SAMPLE_FIXTURE = Path(__file__).parent / "fixtures" / "newsroom_sample.txt"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def index_dir(tmp_path, runner):
    """An on-disk index of the sample newsroom, built with the CLI's own `index` command."""
    path = tmp_path / "idx"
    result = runner.invoke(main, ["index", str(path), str(SAMPLE_FIXTURE), "-q"])
    assert result.exit_code == 0, result.output
    return path
