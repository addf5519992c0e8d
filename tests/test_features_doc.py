"""docs/features.md (the issue-6 README sections): its Python examples run as written, in order."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "features.md").read_text(encoding="utf-8")


def test_every_feature_section_has_a_python_example():
    sections = re.split(r"^## ", DOC, flags=re.M)[1:]
    assert len(sections) == 7
    assert all("```python" in section for section in sections)


def test_the_feature_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "newsroom.txt").write_text((ROOT / "tests" / "fixtures" / "newsroom_sample.txt").read_text(encoding="utf-8"), encoding="utf-8")
    namespace: dict = {}
    for block in re.findall(r"```python\n(.*?)```", DOC, flags=re.S):
        exec(compile(block, "docs/features.md", "exec"), namespace)  # noqa: S102 - our own docs
