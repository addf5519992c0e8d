"""Ranking quality on three classic test collections with human judgments (CISI, MED, NPL).

    python benchmarks/bench_relevance.py            # every variant, every collection (~4 min)
    python benchmarks/bench_relevance.py --quick    # today's defaults vs the shipped ones only, and feedback=True

Also news: Reuters-21578 with its TOPICS as judgments and bench_ranking.py's short and long queries
("news-short", "news-long"; the full run only). Each collection is indexed once (documents as releases: CISI's .T as the title and .W as the
body; MED and NPL have a body only), and every query is run with ``match="any"`` (the words
of the question, query syntax removed) under today's defaults and under each candidate
change. Reported per collection: nDCG@10, MAP@100, P@10, and for a variant its nDCG@10
difference from the baseline with a paired bootstrap 95% interval over queries and a sign
test (wins/losses, two-sided p), so per-query noise is not mistaken for a gain. A change is
worth shipping only when it helps on every collection at once: "everywhere" says so.

Variants are scored exactly as a search would score them (ranking.TermScores with other
BM25Params; the same code path and tie order as NewsIndex.search). Beyond BM25's parameters:
RM3 pseudo-relevance feedback at three settings (expanding the matches, or re-ranking them
only), the opt-in as shipped through ``search(feedback=True)``, a MinDist proximity bonus on
the top 100, and the collection indexed again with the Porter stemmer.
"""

from __future__ import annotations

import argparse
import math
from bisect import bisect_left
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterator

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "relevance"
sys.path.insert(0, str(HERE.parent / "src"))

from newsindex import NewsIndex, Release, analyze  # noqa: E402
from newsindex.search import matching, top as _top  # noqa: E402
from newsindex.query import parse_query  # noqa: E402
from whoosh import query as wq  # noqa: E402

from newsindex.ranking import DEFAULT_PARAMS, REPEATED_WORDS, BM25Params, TermScores, weigh_query  # noqa: E402

#: The defaults before this benchmark existed (Whoosh's BM25F: each field saturated apart and
#: added up, k1 1.2, b 0.75, no query weighting): every variant is one change from them.
TODAY = BM25Params(k1=1.2, b=0.75, combine_fields=False)
#: The query weighting search() applies ("": none; see ranking.weigh_query).
SHIPPED_WEIGHTING = REPEATED_WORDS
#: BM25F proper: one saturation per word over its fields (ranking.TermScores).
_BM25F = replace(TODAY, combine_fields=True)

#: name -> (params, query rewrite or None). Each is one change from today's defaults (or from
#: BM25F, where named), and the last is what ships (DEFAULT_PARAMS with its query weighting).
VARIANTS: dict[str, tuple[BM25Params, str]] = {
    "idf robertson": (replace(TODAY, idf="robertson"), ""),
    "k1 0.9 b 0.4 (Anserini)": (replace(TODAY, k1=0.9, b=0.4), ""),
    "b 0.5": (replace(TODAY, b=0.5), ""),
    "k1 1.6": (replace(TODAY, k1=1.6), ""),
    "title b 0.3": (replace(TODAY, field_b=(("title", 0.3),)), ""),
    "body b 0.5": (replace(TODAY, field_b=(("body", 0.5),)), ""),
    "short docs: length >= .5 avg": (replace(TODAY, min_length=0.5), ""),
    "repeated words x n": (TODAY, "linear"),
    "repeated words x 1+ln n": (TODAY, "log"),
    "repeated words x 1+.5 ln n": (TODAY, "halflog"),
    "k1 1.6 + rep. 1+.5 ln n": (replace(TODAY, k1=1.6), "halflog"),
    "BM25F (one saturation/word)": (_BM25F, ""),
    "BM25F + k1 1.6": (replace(_BM25F, k1=1.6), ""),
    "BM25F + b 0.8 k1 1.4": (replace(_BM25F, k1=1.4, b=0.8), ""),
    "BM25F + idf robertson": (replace(_BM25F, idf="robertson"), ""),
    "BM25F + rep. 1+.5 ln n": (_BM25F, "halflog"),
    "BM25F + k1 1.6 + rep.": (replace(_BM25F, k1=1.6), "halflog"),
    "shipped": (DEFAULT_PARAMS, SHIPPED_WEIGHTING),
}
#: Changes that are not BM25Params: pseudo-relevance feedback (RM3: the top ``docs`` of the
#: first ranking lend their ``terms`` most typical words, mixed with the question at
#: ``keep`` : 1 - keep) and another stemmer (the collection indexed again).
FEEDBACK: dict[str, tuple[int, int, float]] = {
    "RM3 10 docs 20 terms keep .5": (10, 20, 0.5),
    "RM3 10 docs 10 terms keep .7": (10, 10, 0.7),
    "RM3 5 docs 10 terms keep .8": (5, 10, 0.8),
}
#: RM3 as search(feedback=True) ships it: the expanded question re-ranks what the question
#: matched and adds no releases (match="all" keeps its meaning, totals do not change).
FEEDBACK_RERANK: dict[str, tuple[int, int, float]] = {
    "RM3 re-rank 10 docs 10 terms keep .7": (10, 10, 0.7),
    "RM3 re-rank 5 docs 10 terms keep .8": (5, 10, 0.8),
}
#: Proximity (Tao & Zhai 2007, MinDist): the first ranking's top 100 re-scored with
#: log(alpha + exp(-d)), d the least distance between two different question words in the
#: release (its length when fewer than two occur), scaled by ``weight``.
PROXIMITY: dict[str, tuple[float, float]] = {
    "proximity MinDist a .3": (0.3, 1.0),
    "proximity MinDist a .3 x .5": (0.3, 0.5),
}
STEMMERS: tuple[str, ...] = ("porter",)  # (NewsTokenizer has no stop list for "porter": two changes at once)
QUICK = ("k1 1.6 + rep. 1+.5 ln n", "BM25F + rep. 1+.5 ln n", "shipped")  # the defaults before this stop, BM25F with them, now
QUICK_COLLECTIONS = "cisi,med,npl"


@dataclass(frozen=True)
class Collection:
    name: str
    docs: list[Release]
    queries: dict[str, str]
    relevant: dict[str, frozenset[str]]


# ---------------------------------------------------------------------------- reading


def _smart(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """(id, {field letter: text}) per record of a SMART file (.I n, then .T/.W/... sections)."""
    ident, fields, key = None, {}, None
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith(".I"):
            if ident is not None:
                yield ident, fields
            ident, fields, key = line[2:].strip(), {}, None
        elif re.match(r"^\.[A-Z]\s*$", line):
            key = line[1]
            fields.setdefault(key, "")
        elif key is not None:
            fields[key] += line + "\n"
    if ident is not None:
        yield ident, fields


def _slashed(path: Path) -> Iterator[tuple[str, str]]:
    """(id, text) per record of an NPL file: the number, the text, a line holding "/"."""
    ident, lines = None, []
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.strip() == "/":
            if ident is not None:
                yield ident, "\n".join(lines)
            ident, lines = None, []
        elif ident is None and line.strip():
            ident = line.strip()
        elif ident is not None:
            lines.append(line)


def _headed(ident: str, text: str) -> Release:
    """A document without a title as a release: its first sentence (NPL: its first line, the
    paper's title) is the title, the rest the body; the text is kept whole across the two."""
    text = text.strip()
    cut = re.search(r"  |\n|\. ", text)
    end = cut.start() if cut else len(text)
    return Release(id=ident, title=" ".join(text[:end].split()) or ident, body=text[end:].strip())


def read_news(name: str) -> Collection:
    """Reuters-21578 as a news collection: a story is relevant to a topic's query when the topic
    is among its hand-assigned TOPICS (removed from the release, so only the text can match);
    the queries are bench_ranking.py's, short ("crude oil") for "news-short", natural-language
    ("news about crude oil prices and OPEC output") for "news-long"."""
    import bench_ranking

    stories = bench_ranking.load(Path(bench_ranking.DEFAULT_DATA), None)
    queries, relevant = {}, {}
    for i, (topic, (short, long)) in enumerate(bench_ranking.QUERIES.items(), start=1):
        found = frozenset(r.id for r in stories if topic in r.issues)
        if len(found) >= 5:
            queries[str(i)] = short if name == "news-short" else long
            relevant[str(i)] = found
    docs = [replace(r, issues=(), countries=()) for r in stories]
    return Collection(name, docs, queries, relevant)


def read_collection(root: Path, name: str) -> Collection:
    if name.startswith("news-"):
        return read_news(name)
    relevant: dict[str, set[str]] = {}
    if name == "npl":
        docs = [_headed(i, t) for i, t in _slashed(root / "npl" / "doc-text")]
        queries = dict(_slashed(root / "npl" / "query-text"))
        for q, text in _slashed(root / "npl" / "rlv-ass"):
            relevant[q] = set(text.split())
    else:
        upper = name.upper()
        docs = [Release(id=i, title=" ".join(f["T"].split()), body=f.get("W", "")) if f.get("T", "").strip() else _headed(i, f.get("W", "")) for i, f in _smart(root / name / f"{upper}.ALL")]
        queries = {i: f.get("W", "") for i, f in _smart(root / name / f"{upper}.QRY")}
        for line in (root / name / f"{upper}.REL").read_text().splitlines():
            parts = line.split()
            if len(parts) == 4:
                q, d = (parts[0], parts[2]) if name == "med" else (parts[0], parts[1])
                relevant.setdefault(q, set()).add(d)
    judged = {q: frozenset(r) for q, r in relevant.items() if r and q in queries}
    return Collection(name, docs, {q: queries[q] for q in judged}, judged)


_WORD = re.compile(r"\w+")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


def as_words(text: str) -> str:
    """The question's words with query syntax removed (quotes, colons, operators)."""
    return " ".join(w for w in _WORD.findall(text) if w not in _OPERATORS)


# ---------------------------------------------------------------------------- measures


def ndcg(ranked: list[str], relevant: frozenset[str], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def average_precision(ranked: list[str], relevant: frozenset[str], k: int = 100) -> float:
    found, total = 0, 0.0
    for i, d in enumerate(ranked[:k]):
        if d in relevant:
            found += 1
            total += found / (i + 1)
    return total / min(len(relevant), k) if relevant else 0.0


def precision(ranked: list[str], relevant: frozenset[str], k: int = 10) -> float:
    return sum(1 for d in ranked[:k] if d in relevant) / k


def paired(base: list[float], other: list[float], *, rounds: int = 10_000, seed: int = 18) -> tuple[float, float, float, int, int, float]:
    """(mean difference, bootstrap 2.5%, 97.5%, wins, losses, sign-test two-sided p)."""
    diffs = [b - a for a, b in zip(base, other)]
    n = len(diffs)
    rng = random.Random(seed)
    means = sorted(sum(diffs[rng.randrange(n)] for _ in range(n)) / n for _ in range(rounds))
    wins = sum(1 for d in diffs if d > 1e-12)
    losses = sum(1 for d in diffs if d < -1e-12)
    m = wins + losses
    tail = sum(math.comb(m, i) for i in range(0, min(wins, losses) + 1)) / 2**m if m else 1.0
    return sum(diffs) / n, means[int(0.025 * rounds)], means[int(0.975 * rounds)], wins, losses, min(1.0, 2 * tail)


# ---------------------------------------------------------------------------- running


def question(snap: Any, text: str) -> tuple[Any, frozenset[int]] | None:
    """A question as every ranking here asks it (its words, ``match="any"``) and the docnums
    it matches; None for a question with no words."""
    parsed = parse_query(as_words(text), snap.searcher.schema, match="any")
    return None if parsed is None else (parsed, matching(snap, parsed, None))


def ranking(index: NewsIndex, params: BM25Params, weigh: str, queries: dict[str, str], k: int = 100) -> dict[str, list[str]]:
    """Top ``k`` ids per query, scored with ``params`` the way NewsIndex.search scores."""
    snap = index._current()
    tables = snap.term_scores if params == DEFAULT_PARAMS and snap.term_scores.params == params else TermScores(snap.searcher, params=params)
    out = {}
    for q, text in queries.items():
        asked = question(snap, text)
        if asked is None:
            out[q] = []
            continue
        parsed, matched = asked
        if weigh:  # (boosts only: the same matches)
            parsed = weigh_query(parsed, Counter(analyze(as_words(text), mode="query")), scale=weigh)
        top, _ = _top(tables.scores(parsed, matched), k, snap.ids, snap.dates)
        out[q] = [snap.ids[n] for n in top]
    return out


def feedback_ranking(index: NewsIndex, queries: dict[str, str], docs: int, terms: int, keep: float, k: int = 100, rerank: bool = False) -> dict[str, list[str]]:
    """RM3 (Lavrenko & Croft's relevance model, mixed with the question; Anserini's defaults
    are 10 docs, 10 terms, keep 0.5): each word of the top ``docs`` releases weighs
    sum over those releases of P(word | release) x the release's share of their scores; the
    ``terms`` heaviest, normalised, get ``1 - keep`` of the weight, the question's own words
    ``keep`` (in proportion to how often it asks them). Scored as search() scores a query."""
    snap = index._current()
    tables = snap.term_scores
    fields = ("title", "summary", "body")
    out = {}
    for q, text in queries.items():
        words = as_words(text)
        asked_query = question(snap, text)
        if asked_query is None:
            out[q] = []
            continue
        parsed, matched = asked_query
        top, scores = _top(tables.scores(parsed, matched), docs, snap.ids, snap.dates)
        total = sum(scores[n] for n in top) or 1.0
        model: Counter[str] = Counter()
        for n in top:
            stored = snap.searcher.stored_fields(n)
            stems = analyze(f"{stored.get('title', '')}\n{stored.get('summary', '')}\n{stored.get('body', '')}")
            if not stems:
                continue
            share = scores[n] / total
            for stem, count in Counter(stems).items():
                model[stem] += share * count / len(stems)
        asked = Counter(analyze(words, mode="query"))
        expansion = dict(model.most_common(terms))
        norm = sum(expansion.values()) or 1.0
        weight: Counter[str] = Counter()
        for stem, count in asked.items():
            weight[stem] += keep * count / sum(asked.values())
        for stem, value in expansion.items():
            weight[stem] += (1 - keep) * value / norm
        expanded = wq.Or([wq.Term(f, stem, boost=w) for stem, w in weight.items() for f in fields])
        if not rerank:
            matched = matching(snap, expanded, None)
        top, _ = _top(tables.scores(expanded, matched), k, snap.ids, snap.dates)
        out[q] = [snap.ids[n] for n in top]
    return out


def proximity_ranking(index: NewsIndex, queries: dict[str, str], alpha: float, weight: float, k: int = 100) -> dict[str, list[str]]:
    """Today's top ``k`` re-scored with a MinDist proximity bonus (see PROXIMITY)."""
    snap = index._current()
    analyzer = snap.searcher.schema["body"].analyzer
    out = {}
    for q, text in queries.items():
        found = question(snap, text)
        if found is None:
            out[q] = []
            continue
        parsed, matched = found
        asked = set(analyze(as_words(text), mode="query"))
        top, scores = _top(snap.term_scores.scores(parsed, matched), k, snap.ids, snap.dates)
        bonus = {}
        for n in top:
            stored = snap.searcher.stored_fields(n)
            spots: dict[str, list[int]] = {}
            terms = analyzer.term_positions(f"{stored.get('title', '')}\n{stored.get('body', '')}")
            for term, pos in terms:
                if term in asked:
                    spots.setdefault(term, []).append(pos)
            least = float(len(terms) or 1)
            names = sorted(spots)
            for i, a in enumerate(names):
                for b in names[i + 1 :]:
                    xs, ys = spots[a], spots[b]
                    for x in xs:
                        j = bisect_left(ys, x)
                        for y in ys[max(0, j - 1) : j + 1]:
                            least = min(least, abs(x - y))
            bonus[n] = weight * math.log(alpha + math.exp(-least))
        order, _ = _top({n: scores[n] + bonus[n] for n in top}, k, snap.ids, snap.dates)
        out[q] = [snap.ids[n] for n in order]
    return out


def measure(col: Collection, ranked: dict[str, list[str]]) -> dict[str, list[float]]:
    qs = sorted(col.relevant, key=lambda q: int(q) if q.isdigit() else q)
    return {
        "ndcg": [ndcg(ranked[q], col.relevant[q]) for q in qs],
        "map": [average_precision(ranked[q], col.relevant[q]) for q in qs],
        "p10": [precision(ranked[q], col.relevant[q]) for q in qs],
    }


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def run(data: Path, names: tuple[str, ...], variants: tuple[str, ...], out: Callable[[str], None] = print, *, extra: bool = True) -> dict[str, Any]:
    """Measure every collection; returns {collection: {variant: {measure: mean}}}."""
    results: dict[str, Any] = {}
    gains: dict[str, list[float]] = {v: [] for v in variants}
    for name in names:
        col = read_collection(data, name)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp, NewsIndex.create(Path(tmp) / "idx") as index:
            index.add(col.docs)
            built = time.perf_counter() - started
            # The shipped defaults through the public search, to show the harness ranks as it does.
            public = {q: [h.id for h in index.search(as_words(t), match="any", limit=10, highlight=False).hits] for q, t in list(col.queries.items())[:20]}
            base = measure(col, ranking(index, TODAY, "", col.queries))
            same = all(public[q] == ranking(index, DEFAULT_PARAMS, SHIPPED_WEIGHTING, {q: col.queries[q]}, k=10)[q] for q in public)
            out(f"{name}: {len(col.docs):,} docs, {len(col.relevant)} judged queries, indexed in {built:.1f} s (harness ranks as search(): {same})")
            out(f"  {'variant':<26} nDCG@10  MAP@100  P@10   dnDCG   95% CI            W/L    p(sign)")
            out(f"  {'today':<26} {mean(base['ndcg']):.4f}   {mean(base['map']):.4f}  {mean(base['p10']):.4f}")
            results[name] = {"today": {m: mean(v) for m, v in base.items()}}

            def report(variant: str, got: dict[str, list[float]], base: dict[str, list[float]] = base, name: str = name) -> None:
                d, lo, hi, wins, losses, p = paired(base["ndcg"], got["ndcg"])
                gains.setdefault(variant, []).append(d)
                results[name][variant] = {m: mean(v) for m, v in got.items()} | {"d_ndcg": d, "ci": (lo, hi), "p": p}
                out(f"  {variant:<26} {mean(got['ndcg']):.4f}   {mean(got['map']):.4f}  {mean(got['p10']):.4f}  {d:+.4f}  [{lo:+.4f}, {hi:+.4f}]  {wins:>2}/{losses:<2}  {p:.3f}")

            for variant in variants:
                params, weigh = VARIANTS[variant]
                report(variant, measure(col, ranking(index, params, weigh, col.queries)))
            # The opt-in as shipped, through the public search (feedback.py's settings).
            shipped_feedback = {q: [h.id for h in index.search(as_words(t), match="any", limit=100, highlight=False, feedback=True).hits] for q, t in col.queries.items()}
            report("search(feedback=True)", measure(col, shipped_feedback))
            for variant, (docs, terms, keep) in (FEEDBACK.items() if extra else ()):
                report(variant, measure(col, feedback_ranking(index, col.queries, docs, terms, keep)))
            for variant, (alpha, weight) in (PROXIMITY.items() if extra else ()):
                report(variant, measure(col, proximity_ranking(index, col.queries, alpha, weight)))
            for variant, (docs, terms, keep) in (FEEDBACK_RERANK.items() if extra else ()):
                report(variant, measure(col, feedback_ranking(index, col.queries, docs, terms, keep, rerank=True)))

        for language in (STEMMERS if extra else ()):
            with tempfile.TemporaryDirectory() as tmp, NewsIndex.create(Path(tmp) / "idx", language=language) as other:
                other.add(col.docs)
                report(f"stemmer {language}, no stops", measure(col, ranking(other, TODAY, "", col.queries)))
    out("everywhere (smallest nDCG@10 gain over the collections):")
    for variant, ds in gains.items():
        out(f"  {variant:<26} {min(ds):+.4f}{'  helps on every collection measured' if min(ds) > 0 else ''}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--quick", action="store_true", help="today's defaults vs the shipped ones only")
    parser.add_argument("--collections", default=None, help="comma-separated of cisi, med, npl, news-short, news-long (Reuters TOPICS) (default: all; --quick: cisi,med,npl)")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no relevance collections at {args.data}; skipping")
        return 0
    names = args.collections or (QUICK_COLLECTIONS if args.quick else "cisi,med,npl,news-short,news-long")
    run(args.data, tuple(names.split(",")), QUICK if args.quick else tuple(VARIANTS), extra=not args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
