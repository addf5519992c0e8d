"""Saved newsroom pages against what a careful reader sees: every page of ../shared/data/html_pages.

    python benchmarks/bench_pages.py                 # all pages, the HTML and their text renderings
    python benchmarks/bench_pages.py --data DIR      # another folder with a TRUTH.tsv of the same columns
    python benchmarks/bench_pages.py --verbose       # every entry that is not right

For each **listing** page, each entry of TRUTH.tsv (title, date) is one of:

* *right*: a release with that title (whitespace, case and quotes aside) and that date; for an
  entry the page shows no date, right means it was rejected or indexed without a date;
* *wrong date*: a release with that title and another date (the trap: a neighbour's date);
* *missing*: no release with that title (rejected, or lost).

*Extras* are releases that match no entry: page chrome or a sidebar indexed as a release.
For each **article** page, right means the headline, the date, and a body whose first 60
characters of main text start within its first 120 characters (after a lead, when the page has one).

Each listing is read twice: as the saved HTML (format ``html``) and as the text a browser's "save
as text" would give (format ``newsroom``; rendered here from the HTML: block elements on lines of
their own, a blank line between blocks, like Firefox's and Chrome's text export).

Exit status is 0 when the data is missing: the benchmarks are figures, not tests.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

HERE = Path(__file__).resolve().parent


def _shared() -> Path:
    """$NEWSINDEX_DATA, else the first shared/data beside the checkout or above it (a worktree)."""
    import os

    if os.environ.get("NEWSINDEX_DATA"):
        return Path(os.environ["NEWSINDEX_DATA"])
    return next((p / "shared" / "data" for p in HERE.parents if (p / "shared" / "data").is_dir()), HERE.parent.parent / "shared" / "data")


DEFAULT_DATA = _shared() / "html_pages"
sys.path.insert(0, str(HERE.parent / "src"))

from newsindex import SourceError, load_releases  # noqa: E402
from newsindex.sources import FORMATS  # noqa: E402

_BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody thead tfoot td th tr ul".split()
)


def key(title: str) -> str:
    """The comparison key of a title: case, quotes, dashes and spacing aside."""
    title = title.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-").replace("\xa0", " ")
    return " ".join(title.casefold().split())


def as_text(data: bytes) -> str:
    """The page as a browser's "save as text" gives it (see the module doc)."""
    import lxml.html

    root = lxml.html.document_fromstring(data, parser=lxml.html.HTMLParser(encoding="utf-8"))
    for bad in list(root.iter("script", "style", "noscript", "template", "head")):
        if bad.getparent() is not None:
            bad.drop_tree()
    out: list[str] = []

    def walk(element) -> None:
        if not isinstance(element.tag, str):
            out.append(element.tail or "")
            return
        block = element.tag in _BLOCKS
        if block:
            out.append("\n\n")
        out.append(element.text or "")
        for child in element:
            walk(child)
        if block:
            out.append("\n\n")
        out.append(element.tail or "")

    walk(root)
    lines = [" ".join(line.split()) for line in "".join(out).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


@dataclass
class Score:
    page: str
    reading: str
    truth: int = 0
    right: int = 0
    wrong_date: int = 0
    missing: int = 0
    extras: int = 0
    rejects: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.page:<42} {self.reading:<5} {self.right:>4}/{self.truth:<4} right  {self.wrong_date:>3} wrong date  "
            f"{self.missing:>3} missing  {self.extras:>3} extras  ({self.rejects} rejects, {self.seconds * 1000:.0f} ms)"
        )


def _read(data: bytes, fmt: str, name: str):
    stream = io.BytesIO(data)
    stream.name = name
    errors: list[SourceError] = []
    started = time.perf_counter()
    try:  # (a version without the format reads the page as it would: detected from the content)
        releases = list(load_releases(stream, format=fmt if fmt in FORMATS else None, errors=errors))
    except SourceError as exc:
        return [], [exc], time.perf_counter() - started
    return releases, errors, time.perf_counter() - started


def score_listing(page: str, rows: list[dict], data: bytes, fmt: str) -> Score:
    releases, errors, seconds = _read(data, fmt, page if fmt == "html" else page.replace(".html", ".txt"))
    score = Score(page, "html" if fmt == "html" else "text", truth=len(rows), rejects=len(errors), seconds=seconds)
    pool: dict[str, list] = {}
    for release in releases:
        pool.setdefault(key(release.title), []).append(release)
    for row in rows:
        keys = [key(row["title"])] + [key(alt) for alt in (row.get("title_alt") or "").split(" ||| ") if alt]
        hit = next((k for k in keys if pool.get(k)), None)
        want = row["date"]
        if hit is None:
            if not want:
                score.right += 1  # undated on the page, and not indexed: right
            else:
                score.missing += 1
                score.notes.append(f"missing   {row['title'][:70]!r} {want}")
            continue
        release = pool[hit].pop(0)
        got = release.date.isoformat() if release.date else ""
        if got == want:
            score.right += 1
        else:
            score.wrong_date += 1
            score.notes.append(f"wrong     {row['title'][:70]!r} {want} got {got or 'no date'}")
    for left in pool.values():
        for release in left:
            score.extras += 1
            score.notes.append(f"extra     {release.title[:70]!r} {release.date}")
    score.notes.extend(f"rejected  {e}"[:140] for e in errors)
    return score


def score_article(page: str, row: dict, data: bytes) -> Score:
    releases, errors, seconds = _read(data, "html", page)
    score = Score(page, "html", truth=1, rejects=len(errors), seconds=seconds)
    if len(releases) != 1:
        score.missing = 1 if not releases else 0
        score.extras = max(0, len(releases) - 1)
        score.notes.append(f"{len(releases)} releases from an article page")
        if not releases:
            return score
    release = releases[0]
    body = release.body
    lead = row.get("lead_start") or ""
    window = 120 + (body.find(lead) + len(lead) + 200 if lead and lead[:40] in body[:200] else 0)
    checks = {
        "title": key(release.title) == key(row["title"]),
        "date": (release.date.isoformat() if release.date else "") == row["date"],
        "body": row["body_start"][:40] in body[:window],
    }
    if all(checks.values()):
        score.right = 1
    elif not checks["date"] and checks["title"]:
        score.wrong_date = 1
    else:
        score.missing = 1
    for name, ok in checks.items():
        if not ok:
            score.notes.append(f"{name} wrong: got {getattr(release, name, '')!s:.90}")
    return score


def run(data_dir: Path, *, text: bool = True) -> list[Score]:
    with open(data_dir / "TRUTH.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    pages: dict[str, list[dict]] = {}
    for row in rows:
        pages.setdefault(row["filename"], []).append(row)
    scores = []
    for page, page_rows in sorted(pages.items()):
        data = (data_dir / page).read_bytes()
        if page_rows[0]["kind"] == "article":
            scores.append(score_article(page, page_rows[0], data))
            continue
        scores.append(score_listing(page, page_rows, data, "html"))
        if text:
            scores.append(score_listing(page, page_rows, as_text(data).encode("utf-8"), "newsroom"))
    return scores


def summary(scores: list[Score], reading: str, kind: str) -> str:
    chosen = [s for s in scores if s.reading == reading and (("listing" in s.page) == (kind == "listing"))]
    truth = sum(s.truth for s in chosen)
    if not truth:
        return ""
    right = sum(s.right for s in chosen)
    extras = sum(s.extras for s in chosen)
    return (
        f"{kind + 's (' + reading + ')':<22} {right}/{truth} right = {right / truth:.2f}   "
        f"{sum(s.wrong_date for s in chosen)} wrong date   {sum(s.missing for s in chosen)} missing   "
        f"{extras} extras ({extras / max(1, right + extras):.1%} of what was indexed)   over {len(chosen)} pages"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--no-text", action="store_true", help="only the HTML readings")
    args = parser.parse_args(argv)
    if not (args.data / "TRUTH.tsv").is_file():
        print(f"no pages at {args.data}: nothing to measure")
        return 0
    import logging

    logging.disable(logging.WARNING)
    scores = run(args.data, text=not args.no_text)
    for score in scores:
        print(score.line())
        if args.verbose:
            for note in score.notes:
                print("      " + note)
    print()
    for reading, kind in (("html", "listing"), ("text", "listing"), ("html", "article")):
        line = summary(scores, reading, kind)
        if line:
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
