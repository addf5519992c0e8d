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


def _run(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def whole_process(newsindex_path: Path, baseline_path: Path, *, query: str = "oil prices", turns: int = 10) -> dict[str, Any]:
    """Median wall time (ms) of each side over ``turns`` alternating runs, after one warm-up each."""
    ours = [sys.executable, "-c", NEWSINDEX_CLI, "search", str(newsindex_path), query]
    plain = [sys.executable, "-c", PLAIN_WHOOSH, str(baseline_path), query]
    _run(ours), _run(plain)  # the first run of each reads files into the OS cache
    times: dict[str, list[float]] = {"newsindex": [], "whoosh": []}
    for turn in range(turns):
        order = (("newsindex", ours), ("whoosh", plain)) if turn % 2 == 0 else (("whoosh", plain), ("newsindex", ours))
        for name, argv in order:
            times[name].append(_run(argv))
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {"query": query, "turns": turns, "median_ms": medians, "ratio": medians["newsindex"] / medians["whoosh"]}


def line(figures: dict[str, Any]) -> str:
    m = figures["median_ms"]
    return (f"  whole process `newsindex search INDEX {figures['query']!r}` {m['newsindex']:6.0f} ms vs plain-Whoosh script {m['whoosh']:6.0f} ms"
            f"   {figures['ratio']:5.2f}x  (median of {figures['turns']} alternating turns; target <= 2x)")


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
        print(line(whole_process(Path(tmp) / "newsindex", Path(tmp) / "baseline", turns=args.turns)))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    raise SystemExit(main())
