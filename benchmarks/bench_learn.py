"""Learned issue facets on Reuters-21578 TOPICS, side by side with scikit-learn's plain baseline.

The labelled stories (those with at least one TOPIC), in NEWID order: the first half to train,
the second half to test (later stories, as an archive's unlabelled tail would be). Scored over
the 10 most frequent topics of the training half and over every topic with >= 5 training
examples: micro and macro F1, fit time, tags/s.

**The baseline** is the field's standard recipe written the obvious way: scikit-learn's
``TfidfVectorizer(sublinear_tf=True)`` on title + body, ``OneVsRestClassifier(LinearSVC())``,
its default decision threshold. Both run in this process, one after the other, on the same
stories. Tags/s: newsindex one ``model.tag()`` call per story (how the indexer uses it, with
evidence); the baseline transforms and predicts the whole test half in one batch.

The full run also fits newsindex on 10,000 releases (the 6,301 labelled stories, then copies of
them), the issue's one-minute target.

    python benchmarks/bench_learn.py [--data DIR] [--quick] [--out FILE]

Reuters-21578, Distribution 1.0 (research use; not part of this repository).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "reuters21578"
#: --quick: the first this many labelled stories (half to train, half to test).
QUICK_STORIES = 2000
FIT_TARGET = 10_000


def labelled_stories(data: Path, limit: int | None = None) -> list[Any]:
    from newsindex import load_releases

    from newsindex.facet_values import normalize_issues

    stories = [r for path in sorted(data.glob("*.sgm")) for r in load_releases(path, format="reuters", errors=[]) if r.issues]
    stories.sort(key=lambda r: int(r.id.rsplit("-", 1)[1]))
    # The TOPICS as an index reads them (learn_issues does too): "housing" is the taxonomy's
    # economic-social-rights. Both learners and the scoring see the same labels.
    stories = [dataclasses.replace(r, issues=normalize_issues(r.issues)) for r in stories]
    return stories[:limit] if limit else stories


def f1_scores(truth: Sequence[set[str]], predicted: Sequence[set[str]], labels: Sequence[str]) -> tuple[float, float]:
    """(micro F1, macro F1) over ``labels``."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    wanted = set(labels)
    for gold, found in zip(truth, predicted):
        gold, found = gold & wanted, found & wanted
        tp.update(gold & found)
        fp.update(found - gold)
        fn.update(gold - found)

    def f1(t: int, p: int, n: int) -> float:
        return 2 * t / (2 * t + p + n) if t else 0.0

    micro = f1(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    macro = sum(f1(tp[l], fp[l], fn[l]) for l in labels) / len(labels)
    return micro, macro


def run_newsindex(train: list[Any], test: list[Any]) -> dict[str, Any]:
    from newsindex.tagging.learn import learn_issues

    start = time.perf_counter()
    model = learn_issues(train)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    predicted = [{t.slug for t in model.tag("\n\n".join(p for p in (r.summary, r.body) if p), title=r.title)} for r in test]
    tag = time.perf_counter() - start
    return {"model": model, "predicted": predicted, "fit_s": fit, "tags_per_s": len(test) / tag}


def run_baseline(train: list[Any], test: list[Any], labels: Sequence[str]) -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer
    from sklearn.svm import LinearSVC

    start = time.perf_counter()
    vectorizer = TfidfVectorizer(sublinear_tf=True)
    binarizer = MultiLabelBinarizer(classes=list(labels))
    y = binarizer.fit_transform([[t for t in r.issues if t in labels] for r in train])
    classifier = OneVsRestClassifier(LinearSVC()).fit(vectorizer.fit_transform([f"{r.title}\n{r.body}" for r in train]), y)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    out = classifier.predict(vectorizer.transform([f"{r.title}\n{r.body}" for r in test]))
    tag = time.perf_counter() - start
    predicted = [set(labels_) for labels_ in binarizer.inverse_transform(out)]
    return {"predicted": predicted, "fit_s": fit, "tags_per_s": len(test) / tag}


def fit_time(stories: list[Any], size: int) -> float:
    """Seconds to fit newsindex on ``size`` releases (the stories, then copies with their own ids)."""
    from newsindex.tagging.learn import learn_issues

    releases = list(stories)
    copy = 0
    while len(releases) < size:
        copy += 1
        releases.extend(dataclasses.replace(r, id=f"{r.id}-copy{copy}") for r in stories[: size - len(releases)])
    start = time.perf_counter()
    learn_issues(releases)
    return time.perf_counter() - start


def compare(data: Path, quick: bool, lines: list[str], results: dict[str, Any]) -> None:
    """Append the side-by-side lines to ``lines`` and the figures to ``results["learn"]``."""
    stories = labelled_stories(data, QUICK_STORIES if quick else None)
    half = len(stories) // 2
    train, test = stories[:half], stories[half:]
    counts = Counter(label for r in train for label in r.issues)
    top10 = [label for label, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]]
    frequent = sorted(label for label, n in counts.items() if n >= 5)
    import sklearn.svm  # noqa: F401  imported before the clocks start, for both
    from newsindex import analyze

    analyze("warm up the stemmer")
    ours = run_newsindex(train, test)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # OneVsRest warns about topics absent from the training half
        base = run_baseline(train, test, frequent)
    truth = [set(r.issues) for r in test]
    figures: dict[str, Any] = {"train": len(train), "test": len(test), "topics_ge5": len(frequent)}
    say = lines.append
    say(f"learned issues (Reuters-21578 TOPICS: train {len(train):,} labelled stories, test the next {len(test):,})")
    say(f"  {'':26} {'top-10 micro':>12} {'macro':>7} {'>=5 ex. micro':>14} {'macro':>7} {'fit s':>7} {'tags/s':>8}")
    for name, run in (("newsindex", ours), ("tf-idf + LinearSVC", base)):
        micro10, macro10 = f1_scores(truth, run["predicted"], top10)
        micro5, macro5 = f1_scores(truth, run["predicted"], frequent)
        figures[name] = {"top10_micro_f1": micro10, "top10_macro_f1": macro10, "ge5_micro_f1": micro5, "ge5_macro_f1": macro5,
                         "fit_s": run["fit_s"], "tags_per_s": run["tags_per_s"]}
        say(f"  {name:26} {micro10:12.3f} {macro10:7.3f} {micro5:14.3f} {macro5:7.3f} {run['fit_s']:7.1f} {run['tags_per_s']:8,.0f}")
    a, b = figures["newsindex"], figures["tf-idf + LinearSVC"]
    say(f"  ratio newsindex/baseline: top-10 micro-F1 {a['top10_micro_f1'] / b['top10_micro_f1']:.3f}x, "
        f">=5 macro-F1 {a['ge5_macro_f1'] / max(b['ge5_macro_f1'], 1e-9):.2f}x, fit {a['fit_s'] / b['fit_s']:.1f}x the time")
    report = ours["model"].report
    say(f"  newsindex's own cross-validated report on the training half: micro-F1 {report.micro_f1:.3f}, macro-F1 {report.macro_f1:.3f} "
        f"({len(report.issues)} topics learned, {len(report.too_few)} with too few examples)")
    if not quick:
        seconds = fit_time(stories, FIT_TARGET)
        figures["fit_10k_s"] = seconds
        say(f"  fit on {FIT_TARGET:,} releases ({len(stories):,} labelled stories, then copies): {seconds:.1f} s (target < 60 s)")
    results["learn"] = figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="directory of Reuters-21578 *.sgm files")
    parser.add_argument("--quick", action="store_true", help=f"the first {QUICK_STORIES:,} labelled stories, no 10k fit")
    parser.add_argument("--out", help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not any(data.glob("*.sgm")):
        print(f"bench_learn: no Reuters-21578 *.sgm files in {data}; nothing measured (pass --data DIR)")
        return 0
    lines: list[str] = []
    results: dict[str, Any] = {}
    compare(data, args.quick, lines, results)
    for line in lines:
        print(line, flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    raise SystemExit(main())
