"""Countries on listing entries of NGO country pages: is the page's country among the entry's?

A rights group's country page ("United States", "China", "Russia") lists entries that often
never name the country: they name its institutions, leaders, regions and cities ("ICE raids in
Chicago", "Sheinbaum should reverse ...", "Manipur: killings continue"). The 840 entries of
``tests/fixtures/listing_countries.jsonl`` were written for issue 13 by a session that never saw
the gazetteer, in the style of Amnesty, HRW and ACLU country pages (about a third name the
country, a third only its institutions and places, a third both; many mention other countries
in passing), each with the ISO code of its page:

* ``tuned-d`` (200) and ``tuned-e`` (200): their misses pointed at what was then added (ISO
  3166-2 divisions, leaders, parties and places in countries_institutions.tsv). Not held out.
* ``held-out-g`` (200, more small countries) and ``held-out-h`` (240): written after that, each
  measured once before and once after; g's misses were read (people's names, mostly: no gazetteer
  knows a jailed journalist) and nothing was tuned on them.

Printed per split: page-country recall and countries per entry.

    python benchmarks/bench_listing_countries.py [--show]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsindex.tagging import tag_countries  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_listing_issues import read_rows  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "listing_countries.jsonl"


def measure(rows: list[dict[str, Any]], show: bool = False) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for split, group in itertools.groupby(sorted(rows, key=lambda r: r["split"]), key=lambda r: r["split"]):
        entries = list(group)
        found = tags = 0
        for row in entries:
            codes = [t.code for t in tag_countries(row["summary"], title=row["title"])]
            found += row["page_country"] in codes
            tags += len(codes)
            if show and split.startswith("tuned") and row["page_country"] not in codes:
                print(f"  miss [{split}] {row['page_country']}: {row['title']!r} -> {codes}")
        out[split] = {"entries": len(entries), "recall": found / len(entries), "per_entry": tags / len(entries)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    parser.add_argument("--show", action="store_true", help="print the tuned entries whose page country is missed")
    args = parser.parse_args(argv)
    rows = read_rows(args.fixture)
    print(f"page country among the entry's countries, {len(rows)} listing entries of NGO country pages ({args.fixture.name})")
    for split, m in measure(rows, args.show).items():
        print(f"  {split:<11} {m['entries']:>4} entries  recall {m['recall']:.3f}  {m['per_entry']:.2f} countries/entry")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
