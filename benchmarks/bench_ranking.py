"""Relevance of the ranking constants, measured on Reuters-21578 with its TOPICS as judgments.

    python benchmarks/bench_ranking.py            # all stories with a title (~11k), 4 title boosts
    python benchmarks/bench_ranking.py --quick    # 3,000 stories, boosts 1.0 and 1.5

A story is relevant to a query when the topic the query was written for is among its hand-assigned
TOPICS. Topics are removed from the indexed releases, so only the text can match. For each title
boost an index is built and every query is run twice: a short query ("crude oil") and a long
natural-language one ("news about crude oil prices and OPEC output"), with match="all" and
match="any". Reported: MAP@100 and P@10, averaged over the queries.

TOPICS are commodity and economic categories, so this measures the ranking machinery (boosts,
the default operator), not the issue taxonomy.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "reuters21578"

#: topic slug -> (short query, long natural-language query)
QUERIES: dict[str, tuple[str, str]] = {
    "earn": ("quarterly earnings", "company reports quarterly net profit and earnings per share"),
    "acq": ("acquisition merger", "company agrees to acquire a stake or merge with another firm"),
    "money-fx": ("foreign exchange", "central bank intervenes in the foreign exchange currency market"),
    "grain": ("grain exports", "grain harvest and exports of cereals"),
    "crude": ("crude oil", "news about crude oil prices and OPEC output"),
    "trade": ("trade deficit", "trade deficit and tariffs between countries"),
    "interest": ("interest rates", "banks cut or raise their interest rates"),
    "ship": ("shipping", "ships and ports, tanker and freight shipping news"),
    "wheat": ("wheat", "wheat exports, subsidies and wheat crop"),
    "corn": ("corn", "corn crop and maize exports"),
    "dlr": ("dollar", "the dollar falls or rises against the yen and the mark"),
    "money-supply": ("money supply", "growth of the money supply measures"),
    "sugar": ("sugar", "sugar prices, sugar exports and production"),
    "coffee": ("coffee", "coffee quotas and coffee export prices"),
    "gold": ("gold", "gold mining and gold prices"),
    "oilseed": ("oilseed", "oilseeds such as soybeans and rapeseed crops"),
    "gnp": ("gross national product", "economic growth measured by gross national product"),
    "soybean": ("soybeans", "soybean crop and soybean exports"),
    "nat-gas": ("natural gas", "natural gas production and gas prices"),
    "bop": ("balance of payments", "current account and balance of payments figures"),
    "cpi": ("consumer prices", "inflation measured by consumer price index"),
    "livestock": ("livestock", "cattle and hog livestock markets"),
    "cocoa": ("cocoa", "cocoa prices and the cocoa buffer stock"),
    "jobs": ("unemployment", "unemployment rate and jobs figures"),
    "copper": ("copper", "copper prices and copper mine output"),
    "reserves": ("foreign reserves", "central bank foreign exchange reserves rose or fell"),
    "rice": ("rice", "rice crop and rice exports"),
    "iron-steel": ("steel", "steel industry output and iron ore"),
    "alum": ("aluminium", "aluminium prices and aluminum smelter output"),
}


def load(data: Path, limit: int | None) -> list[Any]:
    from newsindex import load_releases

    releases = []
    for path in sorted(data.glob("*.sgm")):
        releases.extend(r for r in load_releases(path, format="reuters", errors=[]) if r.title.strip())
    return releases[:limit] if limit else releases


def average_precision(ranked: Sequence[str], relevant: set[str], depth: int = 100) -> float:
    hits, total = 0, 0.0
    for i, rid in enumerate(ranked[:depth], start=1):
        if rid in relevant:
            hits += 1
            total += hits / i
    return total / min(len(relevant), depth) if relevant else 0.0


def evaluate(releases: list[Any], boost: float, workdir: Path) -> dict[tuple[str, str], tuple[float, float]]:
    import newsindex.schema as schema
    from newsindex import NewsIndex

    relevant = {topic: {r.id for r in releases if topic in r.issues} for topic in QUERIES}
    stripped = [dataclasses.replace(r, issues=(), countries=()) for r in releases]
    original = schema.TITLE_BOOST
    schema.TITLE_BOOST = boost  # read by build_schema() when the index is created
    try:
        idx = NewsIndex.create(workdir / f"boost{boost}")
    finally:
        schema.TITLE_BOOST = original
    out: dict[tuple[str, str], tuple[float, float]] = {}
    with idx:
        idx.add(stripped, strict=False)
        for kind in ("short", "long"):
            for match in ("all", "any"):
                aps, p10s = [], []
                for topic, (short, long) in QUERIES.items():
                    if len(relevant[topic]) < 5:
                        continue
                    hits = idx.search(short if kind == "short" else long, match=match, limit=100, highlight=False).hits
                    ranked = [h.id for h in hits]
                    aps.append(average_precision(ranked, relevant[topic]))
                    p10s.append(sum(1 for rid in ranked[:10] if rid in relevant[topic]) / 10)
                out[(kind, match)] = (sum(aps) / len(aps), sum(p10s) / len(p10s))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not any(data.glob("*.sgm")):
        print(f"bench_ranking: no Reuters-21578 *.sgm files in {data}; nothing measured (pass --data DIR)")
        return 0
    boosts = (1.0, 1.5) if args.quick else (1.0, 1.5, 2.0, 3.0)
    releases = load(data, args.limit or (3000 if args.quick else None))
    topics = sum(1 for t in QUERIES if sum(1 for r in releases if t in r.issues) >= 5)
    print(f"ranking vs Reuters TOPICS: {len(releases):,} stories, {topics} topics with >= 5 stories, MAP@100 / P@10")
    print(f"{'title boost':>12}  {'short all':>13}  {'short any':>13}  {'long all':>13}  {'long any':>13}")
    with tempfile.TemporaryDirectory(prefix="newsindex-rank-") as tmp:
        for boost in boosts:
            scores = evaluate(releases, boost, Path(tmp))
            cells = "  ".join(f"{scores[(k, m)][0]:.3f} / {scores[(k, m)][1]:.2f}" for k in ("short", "long") for m in ("all", "any"))
            print(f"{boost:>12.1f}  {cells}", flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    raise SystemExit(main())
