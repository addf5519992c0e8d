"""newsindex vs a plain-Whoosh baseline, side by side in one run, on real news.

    python benchmarks/run.py                 # full: all of Reuters-21578 found, 5 query rounds
    python benchmarks/run.py --quick         # CI: 3,000 stories, 2 rounds (well under a minute)
    python benchmarks/run.py --web           # also `newsindex serve` under load (bench_web.py)
    python benchmarks/run.py --learn         # also learned issues vs TF-IDF + LinearSVC (bench_learn.py)
    python benchmarks/run.py --scale         # also 10k -> 100k growth (synthetic copies of Reuters)
    python benchmarks/run.py --data DIR      # another copy of the corpus (*.sgm files)

The machines this runs on are noisy, so absolute numbers drift between runs; the ratios
(newsindex / baseline, measured in the same run on the same corpus) are what to compare.

**The baseline** is Whoosh used the obvious way, as a careful newcomer would write it from the
Whoosh docs: ``StemmingAnalyzer`` on title and body, a multi-valued KEYWORD field for places and
one for topics, a DATETIME date and an ID year, the default writer, one commit; queries with
``searcher.search(q, limit=10, filter=..., groupedby=...)``.

**newsindex** does more per release: its own analyzer (hashtags, acronyms, accents), country,
issue and speaker extraction from the text (kept beside the given metadata), ISO week/month/year
buckets, and stored speaker details. It indexes with ``NewsIndex.add(strict=False)`` (the CLI's
lenient mode: a commit every 10,000 releases, so a crash loses at most one batch), with a
second process writing part of each batch when a second core is free (pipeline.SubWriter).

Each build runs in its own subprocess so its peak memory (``VmHWM``) is its own. Queries
run in this process on both indexes, interleaved per query so load spikes hit both alike.

Exit status is 0 when the corpus is missing (nothing to measure, said on stdout): the benchmarks
are figures, not tests.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "reuters21578"

#: A fixed query set: newswire topics a reader of the 1987 wire would look for. Mostly two or
#: three words (users type short queries), a few single words and one phrase.
QUERIES: tuple[str, ...] = (
    "oil prices", "crude oil", "interest rates", "trade deficit", "money supply", "wheat exports",
    "coffee", "sugar", "gold", "bank", "dividend", "merger", "acquisition", "takeover bid",
    "shares", "earnings", "quarterly loss", "net profit", "grain", "corn", "soybeans",
    "federal reserve", "central bank", "dollar", "yen", "currency", "tax", "budget deficit",
    "opec", "strike", "ship", "tariffs", "japan trade", "debt", "loan", "inflation",
    "unemployment", "stock exchange", '"oil prices"', "bond issue",
)
#: Countries to filter by, as newsindex codes and the Reuters place slugs of the baseline.
COUNTRIES: tuple[tuple[str, str], ...] = (
    ("US", "usa"), ("GB", "uk"), ("JP", "japan"), ("CA", "canada"), ("DE", "west-germany"),
    ("FR", "france"), ("AU", "australia"), ("BR", "brazil"),
)
#: Date ranges (inclusive) inside the corpus' span (February to October 1987).
DATE_RANGES: tuple[tuple[str, str], ...] = (
    ("1987-03-01", "1987-03-31"), ("1987-03-10", "1987-03-20"), ("1987-04-01", "1987-06-30"),
    ("1987-02-26", "1987-03-05"), ("1987-06-01", "1987-10-31"),
)
MODES: tuple[str, ...] = ("plain", "country", "facets", "dates")
#: Builds of at least this many stories are the indexing target's measure (the full Reuters set).
FULL_BUILD = 10_000


# ----------------------------------------------------------------------------- corpus


def load_corpus(data: Path, limit: int | None, copies: int = 1) -> list[Any]:
    """Reuters stories with a title, as newsindex Releases; ``copies`` > 1 appends synthetic copies.

    A synthetic copy keeps the story's words but gets its own id and a date
    shifted by whole years, so the index grows like a real archive does: same vocabulary, more
    releases, more dates.
    """
    return list(iter_corpus(data, limit, copies))


def iter_corpus(data: Path, limit: int | None, copies: int = 1) -> Any:
    """:func:`load_corpus` as a stream: only the real stories are held, copies are made as read.

    Scaling runs index from this, so their peak memory is the indexer's, not a list of 500,000
    releases.
    """
    releases = _real_stories(data)
    count = 0
    for copy in range(copies):
        for r in releases:
            if limit and count >= limit:
                return
            if copy:
                date = r.date.replace(year=r.date.year - copy) if r.date and not (r.date.month == 2 and r.date.day == 29) else r.date
                r = dataclasses.replace(r, id=f"{r.id}-copy{copy}", date=date)
            yield r
            count += 1


def _real_stories(data: Path) -> list[Any]:
    from newsindex import load_releases

    releases = []
    errors: list[Any] = []
    for path in sorted(data.glob("*.sgm")):
        for release in load_releases(path, format="reuters", errors=errors):
            if release.title.strip():
                releases.append(release)
    if errors:  # the reader must take the whole real corpus; say so loudly if it doesn't
        print(f"warning: {len(errors)} Reuters records rejected, first: {errors[0]}", file=sys.stderr)
    return releases


# ------------------------------------------------------------------------------ builds


def baseline_schema() -> Any:
    from whoosh import analysis, fields

    stem = analysis.StemmingAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=stem, stored=True),
        body=fields.TEXT(analyzer=stem, stored=True),
        places=fields.KEYWORD(stored=True),
        topics=fields.KEYWORD(stored=True),
        date=fields.DATETIME(stored=True),
        year=fields.ID(stored=True),
    )


def build_baseline(releases: Sequence[Any], path: Path) -> None:
    from whoosh import index

    ix = index.create_in(str(path), baseline_schema())
    writer = ix.writer()
    for r in releases:
        when = _dt.datetime.combine(r.date, _dt.time()) if r.date else None
        doc = dict(
            id=r.id, title=r.title, body=r.body or r.summary,
            places=" ".join(_slugs(r)),
            topics=" ".join(r.extra.get("topics", ()) if r.extra else ()),
        )
        if when:
            doc["date"] = when
            doc["year"] = str(when.year)
        writer.add_document(**doc)
    writer.commit()


def _slugs(release: Any) -> list[str]:
    """The Reuters place slugs of a release (kept by the reader in ``extra``), else its codes."""
    places = release.extra.get("places") if release.extra else None
    return list(places) if places else [c.lower() for c in release.countries]


def build_newsindex(releases: Sequence[Any], path: Path) -> dict[str, Any]:
    from newsindex import NewsIndex
    from newsindex.pipeline import PARALLEL_ABOVE, default_workers

    rss_by_count: dict[int, int] = {}

    def progress(seen: int) -> None:  # resident memory every 50,000 releases: bounded or growing?
        if seen % 50_000 == 0:
            rss_by_count[seen] = _rss_mb()

    with NewsIndex.create(path) as idx:
        report = idx.add(releases, strict=False, progress=progress)
    workers = default_workers() if len(releases) > PARALLEL_ABOVE else 0
    return {"added": report.added, "rejected": len(report.rejected), "commits": report.commits, "workers": workers, "rss_by_count": rss_by_count}


def _rss_mb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def extraction_speed(data: Path, limit: int | None) -> float:
    """Releases/s of facet extraction alone, in this process (what indexing adds over Whoosh)."""
    from newsindex.pipeline import extract_facets

    releases = load_corpus(data, limit)[:3000]
    extract_facets(releases[0])  # compile the gazetteer and taxonomy outside the timing
    start = time.perf_counter()
    for release in releases:
        extract_facets(release)
    return len(releases) / (time.perf_counter() - start)


class _Counted:
    """An iterable that knows how many items it has given (len() of a stream, once read)."""

    def __init__(self, items: Any) -> None:
        self._items = items
        self.count = 0

    def __iter__(self) -> Any:
        for item in self._items:
            self.count += 1
            yield item

    def __len__(self) -> int:
        return self.count


def _child(args: argparse.Namespace) -> None:
    """Build one index in this (fresh) process and print its figures as JSON."""
    if args.copies > 1 and args.child == "newsindex":
        releases: Any = _Counted(iter_corpus(Path(args.data), args.limit, args.copies))
    else:
        releases = load_corpus(Path(args.data), args.limit, args.copies)
    rss_loaded = _high_water_mb()
    path = Path(args.child_dir)
    if args.no_fsync:  # commits without fsync: what durability costs, measured beside it
        from newsindex import integrity

        integrity.FSYNC = False
    workers_peak: list[int] = []
    if args.child == "newsindex":  # read the writing worker's own high-water mark before it exits
        from newsindex import pipeline

        close = pipeline.SubWriter.close

        def close_and_measure(self: Any) -> None:
            workers_peak.append(_high_water_mb(self._proc.pid))
            close(self)

        pipeline.SubWriter.close = close_and_measure  # type: ignore[method-assign]
    start = time.perf_counter()
    extra = build_baseline(releases, path) if args.child == "baseline" else build_newsindex(releases, path)
    seconds = time.perf_counter() - start
    peak = _high_water_mb()
    print(json.dumps({
        "releases": len(releases), "seconds": seconds, "peak_rss_mb": peak, "worker_rss_mb": max(workers_peak, default=0),
        "build_rss_mb": peak - rss_loaded, "extra": extra or {},
    }))


def _high_water_mb(pid: int | str = "self") -> int:
    """Peak resident memory (VmHWM) of a process, in MB.

    Not ``ru_maxrss``: on Linux a process started by fork/vfork + exec inherits its parent's
    high-water mark, so a build child spawned by this (large, query-laden) process reported the
    parent's 722 MB as its own peak on the 500k run, where sampling the child found 247 MB.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024 if pid == "self" else 0


def build(kind: str, data: Path, limit: int | None, copies: int, directory: Path, *, fsync: bool = True) -> dict[str, Any]:
    directory.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, __file__, "--data", str(data), "--copies", str(copies), "--child", kind, "--child-dir", str(directory)]
    if not fsync:
        cmd.append("--no-fsync")
    if limit:
        cmd += ["--limit", str(limit)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    figures["size_mb"] = sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()) / 1e6
    figures["per_s"] = figures["releases"] / figures["seconds"]
    return figures


# ----------------------------------------------------------------------------- queries


class Baseline:
    def __init__(self, path: Path) -> None:
        from whoosh import index, qparser

        self.ix = index.open_dir(str(path))
        self.searcher = self.ix.searcher()
        self.parser = qparser.MultifieldParser(["title", "body"], self.ix.schema)

    def run(self, mode: str, query: str, country: str, dates: tuple[str, str]) -> int:
        from whoosh import query as wq, sorting

        q = self.parser.parse(query)
        kwargs: dict[str, Any] = {"limit": 10}
        if mode == "country":
            kwargs["filter"] = wq.Term("places", country)
        elif mode == "dates":
            start = _dt.datetime.fromisoformat(dates[0])
            end = _dt.datetime.fromisoformat(dates[1]).replace(hour=23, minute=59, second=59)
            kwargs["filter"] = wq.DateRange("date", start, end)
        elif mode == "facets":
            kwargs["groupedby"] = {
                "places": sorting.FieldFacet("places", allow_overlap=True),
                "topics": sorting.FieldFacet("topics", allow_overlap=True),
                "year": sorting.FieldFacet("year"),
            }
        results = self.searcher.search(q, **kwargs)
        titles = [hit["title"] for hit in results]
        if mode == "facets":
            for name in ("places", "topics", "year"):
                results.groups(name)
        return len(titles)

    def close(self) -> None:
        self.searcher.close()


class Ours:
    def __init__(self, path: Path, highlight: bool = False) -> None:
        from newsindex import NewsIndex

        self.idx = NewsIndex.open(path)
        self.highlight = highlight

    def run(self, mode: str, query: str, country: str, dates: tuple[str, str]) -> int:
        kwargs: dict[str, Any] = {"limit": 10, "highlight": self.highlight}
        if mode == "country":
            kwargs["country"] = country
        elif mode == "dates":
            kwargs["since"], kwargs["until"] = dates
        elif mode == "facets":
            kwargs["facets"] = ("country", "issue", "year")
        return len(self.idx.search(query, **kwargs).hits)

    def close(self) -> None:
        self.idx.close()


def time_queries(engines: dict[str, Any], rounds: int) -> dict[str, dict[str, list[float]]]:
    """Latencies in ms per engine and mode; engines alternate on every query."""
    timings: dict[str, dict[str, list[float]]] = {name: {m: [] for m in MODES} for name in engines}
    for round_no in range(rounds + 1):  # round 0 warms caches and is not counted
        for i, query in enumerate(QUERIES):
            country = COUNTRIES[i % len(COUNTRIES)]
            dates = DATE_RANGES[i % len(DATE_RANGES)]
            for mode in MODES:
                order = list(engines.items()) if (i + round_no) % 2 == 0 else list(engines.items())[::-1]
                for name, engine in order:
                    arg = country[1] if name == "baseline" else country[0]
                    start = time.perf_counter()
                    engine.run(mode, query, arg, dates)
                    elapsed = (time.perf_counter() - start) * 1000
                    if round_no:
                        timings[name][mode].append(elapsed)
    return timings


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# ------------------------------------------------------------------------------ report


def _ratio(ours: float, base: float) -> str:
    return f"{ours / base:5.2f}x" if base else "  n/a"


def _plural(count: int, noun: str) -> str:
    """'1 commit', '3 commits': a figure reads as a sentence in the CI log."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def compare(data: Path, limit: int | None, rounds: int, work: Path, lines: list[str], results: dict[str, Any]) -> None:
    builds = {}
    for kind in ("baseline", "newsindex"):
        builds[kind] = build(kind, data, limit, 1, work / kind)
    b, n = builds["baseline"], builds["newsindex"]
    results["build"] = builds
    say = lines.append
    say(f"corpus: {n['releases']:,} Reuters-21578 stories ({data})")
    say("indexing                     newsindex     baseline   newsindex/baseline")
    # A short build is mostly the writing worker's start (a fresh interpreter importing Whoosh
    # and NLTK, ~1-1.5 s): the target is read on the full corpus (benchmarks/README.md).
    target = "(target >= 2x)" if n["releases"] >= FULL_BUILD else f"(target >= 2x is for {FULL_BUILD:,}+ stories: here the worker's ~1.4 s start-up weighs in)"
    say(f"  releases/s                {n['per_s']:9,.0f}    {b['per_s']:9,.0f}   {_ratio(n['per_s'], b['per_s'])}  {target}")
    say(f"  index size MB             {n['size_mb']:9.1f}    {b['size_mb']:9.1f}   {_ratio(n['size_mb'], b['size_mb'])}  (target <= 1x)")
    say(f"  peak memory MB (process)  {n['peak_rss_mb']:9.1f}    {b['peak_rss_mb']:9.1f}   {_ratio(n['peak_rss_mb'], b['peak_rss_mb'])}  (corpus loaded in both)")
    say(f"  newsindex workers: {n['extra'].get('workers')} writing process(es) beside the indexer (peak {n.get('worker_rss_mb', 0):.0f} MB); {_plural(n['extra'].get('commits'), 'commit')}")
    # Durable commits (integrity.py: fsync of segment files, checksums, TOC, directory) beside
    # the same build without fsync, in the same run.
    unsynced = build("newsindex", data, limit, 1, work / "newsindex-nofsync", fsync=False)
    results["build_without_fsync"] = unsynced
    say(f"  commits fsynced: {n['seconds']:.1f} s ({n['per_s']:,.0f}/s); without fsync: {unsynced['seconds']:.1f} s ({unsynced['per_s']:,.0f}/s); fsync costs {_ratio(n['seconds'], unsynced['seconds'])} the time ({_plural(n['extra'].get('commits'), 'commit')})")
    shutil.rmtree(work / "newsindex-nofsync", ignore_errors=True)
    extraction = extraction_speed(data, limit)
    results["extraction_per_s"] = extraction
    say(f"  facet extraction alone (countries + issues + speakers, one process): {extraction:,.0f} releases/s")

    engines = {"baseline": Baseline(work / "baseline"), "newsindex": Ours(work / "newsindex")}
    start = time.perf_counter()
    engines["newsindex"].idx.search("oil", limit=1)  # opening the snapshot: facet tables, date order
    first = (time.perf_counter() - start) * 1000
    timings = time_queries(engines, rounds)
    results["queries"] = timings
    say(f"query latency ms ({len(QUERIES)} queries x {rounds} rounds, top 10)   p50 newsindex / baseline   p95 newsindex / baseline   p50 ratio")
    plain_p50 = pct(timings["newsindex"]["plain"], 0.5)
    for mode in MODES:
        ours, base = timings["newsindex"][mode], timings["baseline"][mode]
        label = {"plain": "plain", "country": "country filter", "facets": "facets country+issue+year", "dates": "date range"}[mode]
        target = {"plain": "(target <= 1x, <= 2 ms)", "country": "(target <= 2 ms)", "facets": "(target <= 2 ms)", "dates": "(target <= 2 ms)"}[mode]
        say(f"  {label:28s} {pct(ours, .5):8.2f} / {pct(base, .5):8.2f}          {pct(ours, .95):8.2f} / {pct(base, .95):8.2f}          {_ratio(pct(ours, .5), pct(base, .5))} {target}")
    for mode, limit_x in (("country", 1.5), ("dates", 1.5), ("facets", 3.0)):
        say(f"  newsindex {mode} p50 / plain p50: {pct(timings['newsindex'][mode], .5) / plain_p50:5.2f}x  (target <= {limit_x}x)")
    for engine in engines.values():
        engine.close()
    # Highlighting as the modes above are timed: every query in every round, p50 over all of
    # them (the first round on the freshly opened index reads each word cold, as above).
    highlighted = Ours(work / "newsindex", highlight=True)
    hl: list[float] = []
    cold: list[float] = []
    for round_ in range(rounds):
        for query in QUERIES:
            start = time.perf_counter()
            highlighted.run("plain", query, "", DATE_RANGES[0])
            (cold if round_ == 0 else hl).append((time.perf_counter() - start) * 1000)
    highlighted.close()
    results["highlight_p50_ms"], results["highlight_cold_p50_ms"] = pct(hl or cold, 0.5), pct(cold, 0.5)
    say(f"  newsindex extras: first search after open (snapshot build) {first:.0f} ms (target <= 50 ms); plain with highlighting p50 {pct(hl or cold, .5):.2f} ms (target <= 3 ms; first round on a freshly opened index, words read cold: {pct(cold, .5):.2f} ms)")
    import bench_cli  # one command as a user runs it, on the indexes just measured

    cli = bench_cli.both(work / "newsindex", work / "baseline", work)
    results["cli_whole_process"] = cli
    for figures in cli:
        say(bench_cli.line(figures))


#: Multi-term queries a fault campaign timed on Reuters (issue 15 row 9): s* 6.2 s, a* 17.5 s,
#: c* OR p* 33.6 s, [1 TO 5] 4.5 s, before they were bounded (multiterm.py).
BROAD_QUERIES: tuple[str, ...] = ("s*", "a*", "c* OR p*", "[1 TO 5]", "protest*", "oil pr*", "o*l", "oil~")


def bounded_queries(path: Path, lines: list[str], results: dict[str, Any], *, unbounded: bool) -> None:
    """Broad prefix/wildcard/range/fuzzy queries: newsindex (bounded) beside Whoosh's own
    execution of the same parsed query (what newsindex ran before: an OR of every term, scored)."""
    from newsindex import NewsIndex, NewsIndexError
    from newsindex.query import parse_query

    say = lines.append
    say("bounded queries (top 10, total counted; first run, nothing cached)      newsindex s    unbounded Whoosh s   ratio")
    figures: dict[str, Any] = {}
    with NewsIndex.open(path) as idx:
        idx.search("oil", limit=1)
        for query in BROAD_QUERIES:
            start = time.perf_counter()
            try:
                total: Any = idx.search(query, limit=10).total
            except NewsIndexError as exc:
                total = f"refused ({type(exc).__name__})"
            ours = time.perf_counter() - start
            before = None
            if unbounded:
                searcher = idx._current().searcher
                parsed = parse_query(query, searcher.schema)
                start = time.perf_counter()
                searcher.search(parsed, limit=10)
                before = time.perf_counter() - start
            figures[query] = {"newsindex_s": ours, "unbounded_s": before, "total": total}
            shown = f"{before:8.2f}" if before is not None else "       -"
            ratio = _ratio(ours, before) if before else "-"
            say(f"  {query!r:28s} {str(total):>24s}      {ours:8.3f}        {shown}        {ratio}")
    results["bounded_queries"] = figures


def scale(data: Path, sizes: Sequence[int], work: Path, lines: list[str], results: dict[str, Any]) -> None:
    say = lines.append
    say("growth (synthetic copies of Reuters, dates shifted by whole years, streamed to add(); peak memory: the indexing process holding the 11,000 real stories, + the writing worker)")
    rows = []
    for size in sizes:
        copies = -(-size // 10_000) + 1
        figures = build("newsindex", data, size, copies, work / f"scale{size}")
        idx = Ours(work / f"scale{size}")
        idx.idx.search("oil", limit=1)
        lat: dict[str, list[float]] = {m: [] for m in MODES}
        for round_no in range(3):  # round 0 warms caches and is not counted, as in compare()
            for i, query in enumerate(QUERIES):
                for mode in MODES:
                    start = time.perf_counter()
                    idx.run(mode, query, COUNTRIES[i % len(COUNTRIES)][0], DATE_RANGES[i % len(DATE_RANGES)])
                    if round_no:
                        lat[mode].append((time.perf_counter() - start) * 1000)
        idx.close()
        rows.append((size, figures, {m: pct(v, .95) for m, v in lat.items()}))
        say(f"  {size:>8,} releases: index {figures['seconds']:7.1f} s ({figures['per_s']:,.0f}/s), peak memory {figures['peak_rss_mb']:.0f} MB + writer {figures.get('worker_rss_mb', 0):.0f} MB, "
            + ", ".join(f"{m} p95 {v:.1f} ms" for m, v in rows[-1][2].items()))
        steps = figures.get("extra", {}).get("rss_by_count") or {}
        if len(steps) > 1:
            say("    indexing process memory (MB) after " + ", ".join(f"{int(k):,}: {v}" for k, v in sorted(steps.items(), key=lambda kv: int(kv[0]))))
        shutil.rmtree(work / f"scale{size}", ignore_errors=True)
    if len(rows) > 1:
        (s0, f0, l0), (s1, f1, l1) = rows[0], rows[-1]
        say(f"  {s1 // s0}x the releases: {f1['seconds'] / f0['seconds']:.1f}x the indexing time, "
            + ", ".join(f"{m} p95 {l1[m] / l0[m]:.1f}x" for m in MODES))
    results["scale"] = [{"size": s, "build": f, "p95": l} for s, f, l in rows]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="directory of Reuters-21578 *.sgm files")
    parser.add_argument("--limit", type=int, default=None, help="use the first N stories")
    parser.add_argument("--rounds", type=int, default=5, help="query rounds (each runs every query in every mode)")
    parser.add_argument("--quick", action="store_true", help="CI size: 3,000 stories, 2 rounds")
    parser.add_argument("--web", action="store_true", help="also load `newsindex serve` with 32 clients for 30 s (--quick: 4 clients, 3 s)")
    parser.add_argument("--learn", action="store_true", help="also learned issues vs scikit-learn's TF-IDF + LinearSVC (with --quick: always, 2,000 stories, ~5 s)")
    parser.add_argument("--scale", action="store_true", help="also measure growth from 10k to 100k releases")
    parser.add_argument("--scale-sizes", default="10000,100000")
    parser.add_argument("--out", help="also write the figures as JSON here")
    parser.add_argument("--no-unbounded", action="store_true", help="skip timing broad queries the unbounded way (~1 min on all of Reuters)")
    parser.add_argument("--copies", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-dir", help=argparse.SUPPRESS)
    parser.add_argument("--no-fsync", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args)
        return 0
    data = Path(args.data)
    if not any(data.glob("*.sgm")):
        print(f"benchmarks: no Reuters-21578 *.sgm files in {data}; nothing measured (pass --data DIR)")
        return 0
    if args.quick:
        args.limit = args.limit or 3000
        args.rounds = 2
    lines: list[str] = []
    results: dict[str, Any] = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "when": _dt.datetime.now().isoformat(timespec="seconds")}
    with tempfile.TemporaryDirectory(prefix="newsindex-bench-") as tmp:
        compare(data, args.limit, args.rounds, Path(tmp), lines, results)
        if args.quick or args.web:  # `newsindex serve` on the index just built (bench_web.py)
            from bench_web import measure

            measure(Path(tmp) / "newsindex", lines, results, clients=32 if args.web else 4, seconds=30.0 if args.web else 3.0)
        if args.quick or args.learn:  # learned issues on Reuters TOPICS, beside scikit-learn's baseline (bench_learn.py)
            try:
                import sklearn  # noqa: F401  (the [learn] extra; [test] has it)
            except ImportError:
                lines.append("learned issues: scikit-learn is not installed (pip install -e '.[learn]'); not measured")
            else:
                from bench_learn import compare as compare_learn

                compare_learn(data, quick=args.quick, lines=lines, results=results)
        # issues on listing entries of NGO topic pages, held out and tuned (bench_listing_issues.py; ~1 s)
        from bench_listing_issues import FIXTURE, measure as measure_listing, read_rows

        topic_rows = read_rows(FIXTURE)
        listing = measure_listing(topic_rows, None)
        results["listing_issues"] = listing
        lines.append("issues on listing entries of NGO topic pages (the page's issue among the entry's issues)")
        for split, m in listing.items():
            lines.append(f"  {split:<11} {m['entries']:>4} entries  recall {m['recall']:.3f}  {m['per_entry']:.2f} issues/entry  untagged {m['untagged']:>3}")
        from bench_listing_countries import FIXTURE as COUNTRY_FIXTURE, measure as measure_countries

        country_rows = read_rows(COUNTRY_FIXTURE)
        countries = measure_countries(country_rows)
        results["listing_countries"] = countries
        lines.append("countries on listing entries of NGO country pages (the page's country among the entry's countries)")
        for split, m in countries.items():
            lines.append(f"  {split:<11} {m['entries']:>4} entries  recall {m['recall']:.3f}  {m['per_entry']:.2f} countries/entry")
        from bench_topic_pages import measure as measure_pages

        lines.append("the same entries on country and topic pages of their own (HTML), read end to end (bench_topic_pages.py)")
        for rows, key, facet in ((topic_rows, "page_issue", "issues"), (country_rows, "page_country", "countries")):
            total, found, _unlabelled, per = measure_pages(rows, key, facet, "html")
            results[f"topic_pages_{facet}"] = {"releases": total, "found": found / total}
            lines.append(f"  {facet:<9} {total:>4} releases  the page's label found {found / total:.3f}  {per:.2f} {facet}/release")
        # ranking on test collections with human judgments (bench_relevance.py --quick; ~20 s)
        import bench_relevance

        if bench_relevance.DEFAULT_DATA.is_dir():
            lines.append("ranking: nDCG@10 on test collections with human judgments, shipped vs before issue 18 (bench_relevance.py --quick)")
            relevance = bench_relevance.run(bench_relevance.DEFAULT_DATA, tuple(bench_relevance.QUICK_COLLECTIONS.split(",")), bench_relevance.QUICK, out=lambda line: lines.append("  " + line), extra=False)
            results["relevance"] = relevance
        for line in lines:
            print(line, flush=True)
        lines.clear()
        # --quick (CI) times the bounded side only: the unbounded one is most of a minute.
        bounded_queries(Path(tmp) / "newsindex", lines, results, unbounded=not (args.no_unbounded or args.quick))
        for line in lines:
            print(line, flush=True)
        if args.scale:
            lines.clear()
            scale(data, [int(s) for s in args.scale_sizes.split(",")], Path(tmp), lines, results)
            for line in lines:
                print(line, flush=True)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    raise SystemExit(main())
