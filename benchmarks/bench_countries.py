"""Country extraction measured against Reuters-21578's hand-assigned PLACES.

Micro precision, recall and F1 over the stories that have a body and at least one place that
maps to a country; the tagger reads the title and the dateline + body as the story prints them.
Reuters place slugs are mapped to today's ISO codes: historical places to their successors
(west-germany and east-germany → DE, ussr → RU, zaire → CD, yugoslavia → RS,
czechoslovakia → CZ), and slugs that are no country (regions like "eec", or unknown) are left
out of the gold set. Prints per-country errors so misses can be studied.

    python benchmarks/bench_countries.py [--data PATH] [--limit N] [--split dev|test|all] [--show CC]

``--split``: the tagger's rules were tuned on the even-numbered files (``dev``) only; the
odd-numbered ones (``test``) are held out, so their figure is the honest one. ``all`` reads both.

Reuters-21578, Distribution 1.0 (research use; not part of this repository).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

from newsindex import load_releases, tag_countries
from newsindex.tagging.countries import gazetteer

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "reuters21578"
#: Reuters slugs that are not found by spelling the slug out: historical names and abbreviations.
SLUG_TO_ISO = {
    "usa": "US", "uk": "GB", "ussr": "RU", "west-germany": "DE", "east-germany": "DE", "zaire": "CD",
    "yugoslavia": "RS", "czechoslovakia": "CZ", "hong-kong": "HK", "south-korea": "KR", "north-korea": "KP",
    "ivory-coast": "CI", "burma": "MM", "taiwan": "TW", "uae": "AE", "sri-lanka": "LK", "macau": "MO",
    "vietnam": "VN", "iran": "IR", "syria": "SY", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ",
    "laos": "LA", "russia": "RU", "netherlands-antilles": "CW", "st-lucia": "LC", "st-vincent": "VC",
    "st-kitts-nevis": "KN", "brunei": "BN", "kampuchea": "KH", "cape-verde": "CV", "west-bank": "PS",
    "gaza-strip": "PS", "upper-volta": "BF", "lebanon": "LB", "bahamas": "BS", "gambia": "GM",
    "south-africa": "ZA", "ecuador": "EC", "peru": "PE", "jordan": "JO", "chad": "TD",
    "yemen-arab-republic": "YE", "yemen-demo-republic": "YE", "trinidad-tobago": "TT", "us-virgin-islands": "VI",
}


def slug_to_iso(slug: str) -> str | None:
    if slug in SLUG_TO_ISO:
        return SLUG_TO_ISO[slug]
    entry = gazetteer().lookup(slug.replace("-", " ").title(), True)
    return entry.code if entry is not None and entry.code and entry.kind in ("n", "x") else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of reut2-*.sgm files")
    parser.add_argument("--limit", type=int, default=0, help="at most N stories (0: all)")
    parser.add_argument("--errors", type=int, default=15, help="countries to list with their errors")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all", help="even files (tuned on), odd files (held out), or both")
    parser.add_argument("--show", default="", help="print the false positives of this country code (for studying errors)")
    parser.add_argument("--show-missed", default="", help="print the misses of this country code")
    args = parser.parse_args(argv)
    files = sorted(args.data.glob("reut2-*.sgm")) if args.data.is_dir() else []
    files = [f for f in files if args.split == "all" or (int(re.sub(r"\D", "", f.stem) or 0) % 2 == 0) == (args.split == "dev")]
    if not files:
        print(f"bench_countries: no Reuters-21578 files in {args.data}; skipped (pass --data PATH)")
        return 0
    unmapped: Counter[str] = Counter()
    tp = fp = fn = stories = 0
    per_fp: Counter[str] = Counter()
    per_fn: Counter[str] = Counter()
    per_tp: Counter[str] = Counter()
    elapsed = 0.0
    for path in files:
        for release in load_releases(path, format="reuters", errors=[]):
            if not release.body:
                continue
            gold = set()
            for slug in release.extra.get("places", ()):
                code = slug_to_iso(slug)
                (gold.add(code) if code else unmapped.update([slug]))
            if not gold:
                continue
            start = time.perf_counter()
            found = {tag.code for tag in tag_countries(release.body, title=release.title)}
            elapsed += time.perf_counter() - start
            if (args.show and args.show in found - gold) or (args.show_missed and args.show_missed in gold - found):
                tags = tag_countries(release.body, title=release.title)
                print(f"{'FP' if args.show in found - gold else 'FN'} gold={sorted(gold)} {release.title[:70]!r} :: " + "; ".join(f"{t.code} {t.score} {t.evidence}" for t in tags))
            stories += 1
            tp += len(found & gold)
            fp += len(found - gold)
            fn += len(gold - found)
            per_tp.update(found & gold)
            per_fp.update(found - gold)
            per_fn.update(gold - found)
            if args.limit and stories >= args.limit:
                break
        if args.limit and stories >= args.limit:
            break
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"country extraction vs Reuters-21578 PLACES ({args.split} split): {stories} stories with a body and a country label")
    print(f"  micro precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}   (tp {tp}, fp {fp}, fn {fn})")
    print(f"  speed {stories / elapsed:,.0f} stories/s ({elapsed * 1000 / max(stories, 1):.2f} ms each)")
    print("  largest error counts (country: false positives / misses / hits):")
    worst = sorted(set(per_fp) | set(per_fn), key=lambda c: -(per_fp[c] + per_fn[c]))[: args.errors]
    for code in worst:
        print(f"    {code}: fp {per_fp[code]:>4}  fn {per_fn[code]:>4}  tp {per_tp[code]:>5}")
    if unmapped:
        print("  place slugs left out (no country): " + ", ".join(f"{s} {n}" for s, n in unmapped.most_common(10)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
