"""The README's Python examples run as written (in a temp dir), and its two commands are the ones CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_the_readme_has_python_examples():
    assert len(python_blocks()) >= 1


def test_the_readme_python_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "newsroom.txt").write_text((ROOT / "tests" / "fixtures" / "newsroom_sample.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "labelled.jsonl").write_text((ROOT / "tests" / "fixtures" / "reuters_labelled.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    namespace: dict = {}
    for block in python_blocks():
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"pip install -q -e '\.\[test\]' && .* -m pytest -q", ci)
    assert command, "the CI script must run the README's test command"
    assert "pip install -e '.[test]'" in README.replace("-q ", "") and "python -m pytest" in README
