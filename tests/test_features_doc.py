"""The README's "Beyond keyword search" sections (issue 6) each carry an example; test_readme runs them."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_feature_section_has_a_python_example():
    section = README.split("## Beyond keyword search", 1)[1].split("\n## ", 1)[0]
    subsections = re.split(r"^### ", section, flags=re.M)[1:]
    assert len(subsections) == 8  # (8th: feedback, issue 18)
    assert all("```python" in s for s in subsections)
