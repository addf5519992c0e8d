"""Facet extraction speed (countries + issues + speakers), this checkout's taggers beside another's.

Issue 13 allows extraction to get at most 1.5x slower than the taggers it replaces. Both sets of
taggers run on the same stories in fresh interpreters, alternated over several rounds so a
change in the machine's load hits both alike; the medians and their ratio are printed.

    python benchmarks/bench_extraction_speed.py --baseline-src /tmp/old/src [--stories 2000] [--rounds 3]

(``git archive <commit> src | tar -x -C /tmp/old`` gives an old checkout's src/.)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "reuters21578"

_WORKER = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from newsindex import load_releases
from newsindex.tagging import tag_countries, tag_issues
from newsindex.tagging.speakers import extract_speakers
stories = []
for f in sorted(Path(sys.argv[2]).glob("reut2-*.sgm")):
    stories += [(r.title, r.body) for r in load_releases(f) if r.body]
    if len(stories) >= int(sys.argv[3]):
        break
stories = stories[: int(sys.argv[3])]
tag_countries("warm up"), tag_issues("warm up"), extract_speakers("warm up said")  # builds the gazetteer
start = time.perf_counter()
for title, body in stories:
    tag_countries(body, title=title); tag_issues(body, title=title); extract_speakers(body)
print(len(stories) / (time.perf_counter() - start))
"""


def _run(src: Path, data: Path, stories: int) -> float:
    out = subprocess.run([sys.executable, "-c", _WORKER, str(src), str(data), str(stories)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-src", type=Path, required=True, help="the src/ folder of the taggers to compare with")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if not any(args.data.glob("reut2-*.sgm")):
        print(f"bench_extraction_speed: no Reuters-21578 files in {args.data}; skipped (pass --data PATH)")
        return 0
    new, old = [], []
    for _ in range(args.rounds):
        old.append(_run(args.baseline_src, args.data, args.stories))
        new.append(_run(ROOT / "src", args.data, args.stories))
    o, n = statistics.median(old), statistics.median(new)
    print(f"facet extraction (countries + issues + speakers), {args.stories} Reuters stories, median of {args.rounds} alternated rounds")
    print(f"  baseline {args.baseline_src}: {o:,.0f} stories/s   this checkout: {n:,.0f} stories/s   -> {o / n:.2f}x the time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
