"""Country and topic pages end to end: a saved page in, is each release tagged with the page's own label?

The listing entries of ``tests/fixtures/listing_entries.jsonl`` (topic pages) and
``listing_countries.jsonl`` (country pages) name the page each was listed on ("Human Rights
Watch — Bahrain", "ACLU — Immigrants' Rights"), written blind to the taxonomy and gazetteer.
Here the entries of each page are put back on a page of their own — HTML as a CMS renders it
(``<title>Bahrain | Human Rights Watch</title>``, an ``<h1>``, one card per entry) and the same
page saved as text — read by ``load_releases``, indexed, and each release's facets checked for
the page's issue or country. This is the whole path a user takes (reader, page heading,
taggers, index), so it measures what tagging/pages.py adds beside the text alone.

    python benchmarks/bench_topic_pages.py [--show]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import html
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsindex import NewsIndex, load_releases  # noqa: E402
from newsindex.tagging.pages import page_topic  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_listing_issues import read_rows  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def pages(rows: list[dict[str, Any]], key: str) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """Entries by page: all the entries of one label on one page, named as most of them name
    their page ("Human Rights Watch — Bahrain"; the fixtures spread a label over several
    publishers' pages of one or two entries, and a page of one entry is an article)."""
    by_label: dict[tuple[str, str], list[dict[str, Any]]] = collections.defaultdict(list)
    for row in rows:  # one page per label and set: the sets cover some events twice, a page lists each once
        by_label[(row[key], row.get("split", ""))].append(row)
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for (label, split), entries in by_label.items():
        publisher, _, name = collections.Counter(r["page"] for r in entries).most_common(1)[0][0].partition(" — ")
        grouped[(publisher.strip(), (name or publisher).strip(), split)] = entries
    return grouped


def render_html(publisher: str, name: str, entries: list[dict[str, Any]]) -> str:
    day = dt.date(2024, 6, 30)
    cards = []
    for i, row in enumerate(entries):
        date = (day - dt.timedelta(days=9 * i)).strftime("%B %-d, %Y")
        cards.append(f'<article class="card"><h3><a href="/news/{i}">{html.escape(row["title"])}</a></h3>'
                     f'<p>{html.escape(row["summary"])}</p><time>{date}</time></article>')
    return (f"<!DOCTYPE html><html><head><title>{html.escape(name)} | {html.escape(publisher)}</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/about'>About us</a> <a href='/donate'>Donate</a></nav>"
            f"<h1>{html.escape(name)}</h1><main>{''.join(cards)}</main><footer>© 2024 {html.escape(publisher)}</footer></body></html>")


def render_text(publisher: str, name: str, entries: list[dict[str, Any]]) -> str:
    day = dt.date(2024, 6, 30)
    parts = [name, ""]
    for i, row in enumerate(entries):
        parts += ["Press Release", "", row["title"], ""]
        if row["summary"]:
            parts += [row["summary"], ""]
        parts += [(day - dt.timedelta(days=9 * i)).strftime("%B %-d, %Y"), ""]
    parts.append(f"© 2024 {publisher}")
    return "\n".join(parts) + "\n"


def measure(rows: list[dict[str, Any]], key: str, facet: str, suffix: str, show: bool = False) -> tuple[int, int, int, float]:
    """(entries, found with the page's label, found from the text alone, facets per release)."""
    found = text_only = total = values = 0
    with tempfile.TemporaryDirectory() as tmp:
        for number, ((publisher, name, _split), entries) in enumerate(pages(rows, key).items()):
            path = Path(tmp) / f"page{number}.{suffix}"
            path.write_text((render_html if suffix == "html" else render_text)(publisher, name, entries), encoding="utf-8")
            releases = list(load_releases(path, errors=[]))
            with NewsIndex.in_memory() as index:
                index.add(releases)
                by_title = {hit.title: hit for hit in index.search("", limit=1000).hits}
            for row in entries:
                total += 1
                hit = by_title.get(row["title"])
                labels = getattr(hit, facet) if hit else ()
                values += len(labels)
                found += row[key] in labels
                if show and row[key] not in labels and not any(r.extra.get("page") for r in releases[:1]):
                    print(f"  no label from the heading {name!r} ({publisher})")
                    break
                if show and row[key] not in labels:
                    print(f"  miss {name!r}: {row['title']!r} -> {labels}")
            named = page_topic(releases[0].extra.get("page", {}).get("headings", ())) if releases else None
            text_only += len(releases) if not named or not getattr(named, facet) else 0
    return total, found, text_only, values / max(total, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args(argv)
    topics, countries = read_rows(FIXTURES / "listing_entries.jsonl"), read_rows(FIXTURES / "listing_countries.jsonl")
    print("saved topic and country pages read end to end: the page's label among each release's facets")
    for rows, key, facet, what in ((topics, "page_issue", "issues", "issue"), (countries, "page_country", "countries", "country")):
        for suffix in ("html", "txt"):
            total, found, unlabelled, per = measure(rows, key, facet, suffix, args.show)
            print(f"  {what:<7} pages as {suffix:<4} {len(pages(rows, key)):>3} pages {total:>4} releases  page's {what} found {found / total:.3f}"
                  f"  ({unlabelled} releases on pages whose heading named no {what}; {per:.2f} {facet}/release)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
