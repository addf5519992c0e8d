"""Where the shared data lives: ``$NEWSINDEX_DATA``, else the first ``shared/data`` beside the
checkout or above it (``../shared/data`` from the main checkout, ``../../shared/data`` from a
worktree under ``wt/``), so the same tests run in every checkout without a copy of the data."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    if os.environ.get("NEWSINDEX_DATA"):
        return Path(os.environ["NEWSINDEX_DATA"])
    for parent in ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return ROOT.parent / "shared" / "data"


DATA = shared_data()
