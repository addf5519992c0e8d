"""Issues on listing entries of NGO topic pages: is the page's issue among the entry's issues?

This is how a newsroom's own labels check the tagger: a rights group's topic page ("Refugee and
Migrant Rights", "Capital Punishment", "Privacy & Technology") lists short entries — a title,
often a one- or two-sentence teaser, often nothing more — and every entry on it is about that
issue, whether or not it names it ("Texas must halt execution of Melissa Lucio"). The entries
of ``tests/fixtures/listing_entries.jsonl`` were written for issue 13 by sessions that never saw
the taxonomy, in the style of Amnesty, HRW, ACLU and two dozen other publishers' topic pages,
each with the slug its page maps to:

* ``tuned-a`` (243 entries) and ``tuned-b`` (216, harder: more implied issues, a quarter titles
  only): their misses pointed at vocabulary that was then added. Not held-out figures.
* ``held-out-c`` (189, a third titles only): written after the vocabulary, measured once.

And 90 relief-agency reports (``tests/fixtures/humanitarian_reports.jsonl``, written the same way:
a ReliefWeb report's opening, the themes an editor would give it, mapped to our issues by a fixed
table: Food and Nutrition, Shelter, WASH -> economic-social-rights, Health -> health, Gender ->
womens-rights, Mine Action -> arms-trade, ...): micro precision, recall and F1. Only the
taxonomy's ``relative`` share was chosen on them (0.3 over 0.25-0.4), so they are not held out.

Printed per split: page-issue recall, issues per entry (what precision costs: a tagger that
tags everything has recall 1.0), entries left untagged, and the same for the label-words
baseline (an issue when its label's words appear). ``--reuters DIR`` adds issues per story on
3,000 Reuters business stories: a newsroom's releases must not all read as corporate abuse.

    python benchmarks/bench_listing_issues.py [--taxonomy FILE] [--show] [--reuters DIR]

``--taxonomy`` measures another taxonomy file (before/after a vocabulary change).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsindex.tagging import Taxonomy, default_taxonomy, load_taxonomy, tag_issues  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_issues import _label_only as label_words  # noqa: E402  (the label-words baseline, one copy)

FIXTURE = ROOT / "tests" / "fixtures" / "listing_entries.jsonl"
REPORTS = ROOT / "tests" / "fixtures" / "humanitarian_reports.jsonl"
DEFAULT_REUTERS = ROOT.parent / "shared" / "data" / "reuters21578"


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON Lines fixture."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def measure(rows: list[dict[str, Any]], taxonomy: Taxonomy | None, show: bool = False) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    tax = taxonomy or default_taxonomy()
    for split, group in itertools.groupby(sorted(rows, key=lambda r: r["split"]), key=lambda r: r["split"]):
        entries = list(group)
        found = tags = untagged = base_found = base_tags = 0
        for row in entries:
            slugs = [t.slug for t in tag_issues(row["summary"], title=row["title"], taxonomy=taxonomy)]
            found += row["page_issue"] in slugs
            tags += len(slugs)
            untagged += not slugs
            guess = label_words(row["title"], row["summary"], tax)  # (bench_issues.py's baseline)
            base_found += row["page_issue"] in guess
            base_tags += len(guess)
            if show and row["page_issue"] not in slugs:
                print(f"  miss [{split}] {row['page_issue']}: {row['title']!r} -> {slugs}")
        n = len(entries)
        out[split] = {"entries": n, "recall": found / n, "per_entry": tags / n, "untagged": untagged, "baseline_recall": base_found / n, "baseline_per_entry": base_tags / n}
    return out


def reports_prf(rows: list[dict[str, Any]], taxonomy: Taxonomy | None) -> dict[str, float]:
    """Micro precision, recall, F1 of the issues tagged on reports against their mapped themes."""
    tp = fp = fn = tags = 0
    for row in rows:
        got = {t.slug for t in tag_issues(row["body"], title=row["title"], taxonomy=taxonomy)}
        gold = set(row["issues"])
        tp, fp, fn, tags = tp + len(got & gold), fp + len(got - gold), fn + len(gold - got), tags + len(got)
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"reports": len(rows), "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "per_report": tags / max(len(rows), 1)}


def reuters_rate(data: Path, taxonomy: Taxonomy | None, limit: int = 3000) -> tuple[float, list[tuple[str, int]]]:
    from newsindex import load_releases

    stories = list(itertools.islice((r for f in sorted(data.glob("*.sgm")) for r in load_releases(f)), limit))
    counts: collections.Counter[str] = collections.Counter()
    for story in stories:
        counts.update(t.slug for t in tag_issues(story.body, title=story.title, taxonomy=taxonomy))
    return sum(counts.values()) / max(len(stories), 1), counts.most_common(4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    parser.add_argument("--taxonomy", type=Path, default=None, help="a taxonomy file to measure instead of the shipped one")
    parser.add_argument("--show", action="store_true", help="print every entry whose page issue is missed")
    parser.add_argument("--reuters", type=Path, nargs="?", const=DEFAULT_REUTERS, default=None, help="also: issues per Reuters story")
    args = parser.parse_args(argv)
    rows = read_rows(args.fixture)
    taxonomy = load_taxonomy(args.taxonomy) if args.taxonomy else None
    print(f"page issue among the entry's issues, {len(rows)} listing entries of NGO topic pages ({args.fixture.name}; taxonomy: {args.taxonomy or 'shipped'})")
    for split, m in measure(rows, taxonomy, args.show).items():
        print(f"  {split:<11} {m['entries']:>4} entries  recall {m['recall']:.3f}  {m['per_entry']:.2f} issues/entry  untagged {m['untagged']:>3}"
              f"   label-words baseline recall {m['baseline_recall']:.3f} ({m['baseline_per_entry']:.2f}/entry)")
    reports = read_rows(REPORTS)
    m = reports_prf(reports, taxonomy)
    print(f"  humanitarian reports ({m['reports']:.0f}, themes mapped to issues): P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  {m['per_report']:.2f} issues/report")
    if args.reuters is not None:
        if any(args.reuters.glob("*.sgm")):
            rate, top = reuters_rate(args.reuters, taxonomy)
            print(f"  reuters business stories: {rate:.2f} issues/story; most tagged {top}")
        else:
            print(f"  (no Reuters-21578 *.sgm in {args.reuters})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
