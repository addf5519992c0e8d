"""One command as a user runs it: whole-process `newsindex search INDEX "oil prices"` against a
minimal plain-Whoosh script searching an index of the same stories.

    python benchmarks/bench_cli.py               # builds both indexes from 3,000 Reuters stories
    python benchmarks/bench_cli.py --turns 20

Each turn starts a fresh interpreter for each side, alternating (A B A B ...), so load on the
machine hits both alike; medians are reported with their ratio (target <= 2x). run.py calls
``whole_process`` on the indexes it has already built.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

HERE = Path(__file__).resolve().parent

#: The plain-Whoosh side: what a newcomer writes from the Whoosh docs to print ten titles.
PLAIN_WHOOSH = """
import sys
from whoosh import index, qparser
ix = index.open_dir(sys.argv[1])
with ix.searcher() as searcher:
    query = qparser.MultifieldParser(["title", "body"], ix.schema).parse(sys.argv[2])
    for hit in searcher.search(query, limit=10):
        print(hit["title"])
"""
#: The newsindex side: the console script's own entry point (`newsindex = newsindex.cli:main`).
NEWSINDEX_CLI = "import sys; from newsindex.cli import main; sys.argv[0] = 'newsindex'; main()"


def _run(argv: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    return (time.perf_counter() - start) * 1000


def whole_process(newsindex_path: Path, baseline_path: Path, *, query: str = "oil prices", turns: int = 10, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Median wall time (ms) of each side over ``turns`` alternating runs, after one warm-up each.

    ``env``: the newsindex side's environment (see :func:`compiled_copy`); Whoosh is installed
    with its bytecode, as pip installs every package."""
    ours = [sys.executable, "-c", NEWSINDEX_CLI, "search", str(newsindex_path), query]
    plain = [sys.executable, "-c", PLAIN_WHOOSH, str(baseline_path), query]
    _run(ours, env), _run(plain)  # the first run of each reads files into the OS cache
    times: dict[str, list[float]] = {"newsindex": [], "whoosh": []}
    for turn in range(turns):
        order = (("newsindex", ours, env), ("whoosh", plain, None)) if turn % 2 == 0 else (("whoosh", plain, None), ("newsindex", ours, env))
        for name, argv, side_env in order:
            times[name].append(_run(argv, side_env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {"query": query, "turns": turns, "median_ms": medians, "ratio": medians["newsindex"] / medians["whoosh"], "bytecode": env is not None or not _source_only()}


def _source_only() -> bool:
    """Whether newsindex runs here from source every time: an editable install (``pip install
    -e``) under PYTHONDONTWRITEBYTECODE=1, as in CI and dev shells, never caches its bytecode,
    so each process compiles every module it imports (~40-80 ms) — which a user's ``pip install
    .`` (compiled at install) does not pay."""
    import newsindex

    cached = Path(newsindex.__file__).parent / "__pycache__"
    return sys.dont_write_bytecode and not any(cached.glob("__init__.*.pyc"))


def compiled_copy(where: Path) -> dict[str, str] | None:
    """An environment whose newsindex is a byte-compiled copy of this one (None if this one
    already has its bytecode): what a regular install runs."""
    if not _source_only():
        return None
    import compileall
    import os
    import shutil

    import newsindex

    target = where / "newsindex-compiled"
    shutil.copytree(Path(newsindex.__file__).parent, target / "newsindex", ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(str(target), quiet=1)
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(target), os.environ.get("PYTHONPATH", "")) if p))


def line(figures: dict[str, Any]) -> str:
    m = figures["median_ms"]
    how = "bytecode cached, as installed" if figures.get("bytecode", True) else "from source: editable, no bytecode cache"
    return (f"  whole process `newsindex search INDEX {figures['query']!r}` {m['newsindex']:6.0f} ms vs plain-Whoosh script {m['whoosh']:6.0f} ms"
            f"   {figures['ratio']:5.2f}x  (median of {figures['turns']} alternating turns; {how}; target <= 2x)")


def both(newsindex_path: Path, baseline_path: Path, where: Path, **kw: Any) -> list[dict[str, Any]]:
    """As this checkout runs, and (when that is from source) as a regular install runs."""
    figures = [whole_process(newsindex_path, baseline_path, **kw)]
    env = compiled_copy(where)
    if env is not None:
        figures.append(whole_process(newsindex_path, baseline_path, env=env, **kw))
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    sys.path.insert(0, str(HERE))
    import run  # the corpus reader and both builds

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(run.DEFAULT_DATA))
    parser.add_argument("--limit", type=int, default=3000)
    parser.add_argument("--turns", type=int, default=10)
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not any(data.glob("*.sgm")):
        print(f"bench_cli: no Reuters-21578 *.sgm files in {data}; nothing measured")
        return 0
    with tempfile.TemporaryDirectory(prefix="newsindex-cli-") as tmp:
        for kind in ("baseline", "newsindex"):
            run.build(kind, data, args.limit, 1, Path(tmp) / kind)
        for figures in both(Path(tmp) / "newsindex", Path(tmp) / "baseline", Path(tmp), turns=args.turns):
            print(line(figures))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    raise SystemExit(main())
