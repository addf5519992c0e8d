"""Issue facets learned from an archive's own labels: tag the unlabelled releases as the newsroom would.

Many archives label part of their releases (a CMS category, a topic page, a JSONL ``issues``
field) in the newsroom's own categories, which no keyword taxonomy knows. :func:`learn_issues`
fits one linear classifier per label on the labelled releases, over the index's own terms
(``newsindex.analysis``, read as the issue tagger reads them: title counted twice), and
:meth:`IssueModel.tag` returns the same :class:`IssueTag` as ``tag_issues``.

Decisions, each measured on Reuters-21578 TOPICS (``benchmarks/bench_learn.py``; first half of
the labelled stories to train, second half to test):

* **Linear SVM (scikit-learn's LinearSVC, C=1), one per label.** Logistic regression (C=10)
  scored lower (top-10 micro-F1 0.923 vs 0.927, macro-F1 over 57 topics 0.630 vs 0.703) and
  fitted in 38 s instead of 2.4 s; C=0.5 and C=2 were no better.
* **TF-IDF with sublinear tf, terms in >= 2 training releases, title twice**: the field's
  baseline, but over our analyzer's stems (at the SVM's own zero cut 0.914 top-10 micro-F1,
  where the baseline, scikit-learn's tokens, the title once, every term, scores 0.908). Terms
  in >= 1 or >= 3 releases, the title once or three times, five folds instead of three: all
  within 0.004.
* **A threshold per label, chosen on held-out scores.** Three folds give every labelled
  release a score from a model that did not see it; each label's threshold is the score cut
  that maximises its F1 there. Rare labels gain most (macro-F1 over 57 topics 0.49 -> 0.70;
  top-10 micro-F1 0.914 -> 0.927). The report uses the same folds, honestly: a fold is judged
  with thresholds chosen on the other folds only.
* **scikit-learn only to fit.** A fitted model is plain arrays (terms, idf, weights,
  thresholds) saved with numpy, no pickle: loading a model file never runs code, and tagging
  needs numpy only (a few matrix rows per release).
* **A label with fewer than ``min_examples`` labelled releases is reported, not learned**: a
  threshold can't be chosen on a handful of examples. Its releases still teach the other
  labels what they are not.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..analysis import analyze, fold, news_analyzer
from ..errors import ModelError
from ..records import Release
from .issues import TITLE_FACTOR, IssueTag, Taxonomy, default_taxonomy

__all__ = ["IssueModel", "IssueReport", "IssueScore", "learn_issues", "text_of", "MIN_EXAMPLES", "FOLDS"]

log = logging.getLogger(__name__)

#: A label needs this many labelled releases to be learned (fewer: reported as too few).
MIN_EXAMPLES = 5
#: Cross-validation folds for the thresholds and the report (3: every label with 5 examples
#: has some in each fold's training part; 5 folds took 60% longer and scored the same).
FOLDS = 3
#: LinearSVC's C: 0.5 scored lower, 2 and 5 no better (see module docstring).
C = 1.0
#: A term must occur in this many training releases to be a feature (drops typos and ids).
MIN_DF = 2
#: Evidence: the terms that weighed most for a tag, at most this many.
EVIDENCE_TERMS = 5
FORMAT_VERSION = 1
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class IssueScore:
    """Cross-validated precision, recall and F1 of one learned issue."""

    slug: str
    label: str
    examples: int  # labelled releases carrying it
    precision: float
    recall: float
    f1: float
    threshold: float  # the decision score the final model needs to tag it


@dataclass(frozen=True)
class IssueReport:
    """How well a model tags, measured by cross-validation on the releases it learned from."""

    issues: tuple[IssueScore, ...]
    micro_precision: float
    micro_recall: float
    micro_f1: float
    macro_f1: float
    releases: int  # labelled releases fitted on
    folds: int
    too_few: tuple[tuple[str, int], ...] = ()  # (label, examples): reported, not learned

    def to_dict(self) -> dict[str, Any]:
        return {
            "releases": self.releases, "folds": self.folds,
            "micro": {"precision": self.micro_precision, "recall": self.micro_recall, "f1": self.micro_f1},
            "macro_f1": self.macro_f1,
            "issues": [{"slug": s.slug, "label": s.label, "examples": s.examples, "precision": s.precision,
                        "recall": s.recall, "f1": s.f1, "threshold": s.threshold} for s in self.issues],
            "too_few": [{"slug": slug, "examples": n} for slug, n in self.too_few],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IssueReport:
        return cls(
            issues=tuple(IssueScore(**s) for s in data["issues"]),
            micro_precision=data["micro"]["precision"], micro_recall=data["micro"]["recall"], micro_f1=data["micro"]["f1"],
            macro_f1=data["macro_f1"], releases=data["releases"], folds=data["folds"],
            too_few=tuple((t["slug"], t["examples"]) for t in data["too_few"]),
        )


@dataclass(frozen=True, eq=False)
class IssueModel:
    """Linear classifiers, one per learned issue, over the index's terms. See :func:`learn_issues`.

    ``weights`` is terms x labels (a release's terms select rows); a label is tagged when its
    score, the TF-IDF vector times its column plus ``intercepts``, exceeds its ``thresholds``.
    """

    labels: tuple[str, ...]
    names: tuple[str, ...]  # display labels
    terms: tuple[str, ...]
    idf: Any  # numpy float64 array, one per term
    weights: Any  # numpy float32 array, terms x labels
    intercepts: Any  # numpy float64 array, one per label
    thresholds: Any  # numpy float64 array, one per label
    report: IssueReport
    language: str = "english"
    _vocabulary: Mapping[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_vocabulary", {term: i for i, term in enumerate(self.terms)})

    def scores(self, text: str, title: str | None = None) -> dict[str, float]:
        """Every label's decision score for a text (tagged where above its threshold)."""
        rows, values = self._vector(text, title)
        raw = self._raw(rows, values)
        return {label: float(s) for label, s in zip(self.labels, raw)}

    def tag(self, text: str, title: str | None = None) -> list[IssueTag]:
        """The learned issues ``text`` (and ``title``) is about, most certain first.

        ``score`` is how far the decision score is past the label's threshold; ``evidence``
        the words of this text that weighed most for it.
        """
        rows, values = self._vector(text, title)
        if not rows:
            return []
        import numpy as np

        margins = self._raw(rows, values) - self.thresholds
        picked = sorted((j for j in np.flatnonzero(margins > 0)), key=lambda j: (-margins[j], self.labels[j]))
        if not picked:
            return []
        index = np.asarray(rows)
        chosen: list[tuple[int, list[str]]] = []
        for j in picked:
            weight = values * self.weights[index, j]
            # Words, not numbers, as evidence a person reads (numbers still count in the score).
            ranked = [int(i) for i in np.argsort(-weight, kind="stable") if weight[i] > 0]
            chosen.append((j, [t for t in (self.terms[rows[i]] for i in ranked) if not t.isdigit()][:EVIDENCE_TERMS]))
        words = _surface_words(f"{title or ''}\n{text}", self.language, {t for _, terms in chosen for t in terms})
        return [IssueTag(self.labels[j], self.names[j], round(float(margins[j]), 3), tuple(words.get(t, t) for t in terms))
                for j, terms in chosen]

    def _vector(self, text: str, title: str | None) -> tuple[list[int], Any]:
        import numpy as np

        counts = Counter(_terms(text, title, self.language))
        vocabulary = self._vocabulary
        rows = [vocabulary[t] for t in counts if t in vocabulary]
        if not rows:
            return [], np.zeros(0)
        tf = np.array([counts[self.terms[r]] for r in rows], dtype=np.float64)
        values = (1.0 + np.log(tf)) * self.idf[rows]
        values /= np.sqrt(values @ values)
        return rows, values

    def _raw(self, rows: Sequence[int], values: Any) -> Any:
        if not rows:
            return self.intercepts.copy()
        return values @ self.weights[rows].astype("float64") + self.intercepts

    # ------------------------------------------------------------------ files

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model to ``path`` (numpy .npz, no pickle), atomically: a reader sees the old or the new one."""
        import numpy as np

        target = Path(path)
        meta = {"format": "newsindex-issue-model", "version": FORMAT_VERSION, "language": self.language,
                "names": list(self.names), "report": self.report.to_dict()}
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer, labels=np.array(self.labels, dtype=str), terms=np.array(self.terms, dtype=str),
            idf=self.idf, weights=self.weights, intercepts=self.intercepts, thresholds=self.thresholds,
            meta=np.array(json.dumps(meta)),
        )
        tmp = target.with_name(target.name + ".tmp")
        with open(tmp, "wb") as out:
            out.write(buffer.getvalue())
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> IssueModel:
        """Read a model written by :meth:`save`; ModelError says what is wrong with a bad file."""
        source = Path(path)
        try:
            import numpy as np
        except ImportError as exc:
            raise ModelError(f"{source}: reading a learned issue model needs numpy: pip install 'newsindex[learn]'") from exc
        try:
            # Opened here, not by np.load: it leaks its handle when the file is no zip at all.
            with open(source, "rb") as handle, np.load(handle, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                if meta.get("format") != "newsindex-issue-model" or meta.get("version") != FORMAT_VERSION:
                    raise ModelError(f"{source}: not a newsindex issue model of format {FORMAT_VERSION}; learn it again (`newsindex learn INDEX`)")
                return cls(
                    labels=tuple(str(s) for s in data["labels"]), names=tuple(meta["names"]),
                    terms=tuple(str(s) for s in data["terms"]), idf=data["idf"], weights=data["weights"],
                    intercepts=data["intercepts"], thresholds=data["thresholds"],
                    report=IssueReport.from_dict(meta["report"]), language=meta["language"],
                )
        except ModelError:
            raise
        except FileNotFoundError as exc:
            raise ModelError(f"{source}: no such model file") from exc
        except Exception as exc:  # a truncated zip, a missing array, bad JSON ...
            raise ModelError(f"{source}: unreadable issue model ({type(exc).__name__}: {exc}); learn it again (`newsindex learn INDEX`)") from exc


def _terms(text: str, title: str | None, language: str) -> list[str]:
    """A release's terms as the issue tagger reads them: the title's counted twice."""
    head = analyze(title, language=language, mode="query") if title else []
    body = analyze(text, language=language, mode="query") if text else []
    return head * int(TITLE_FACTOR) + body


def _surface_words(text: str, language: str, wanted: set[str]) -> dict[str, str]:
    """term -> the first word of ``text`` that became it ("compani" -> "companies"), for the ``wanted`` terms.

    Stops once every wanted term is found: evidence words are mostly early (the title is
    first), and stemming every word of a long release again cost as much as scoring it.
    """
    tokenizer = news_analyzer(language)
    out: dict[str, str] = {}
    missing = set(wanted)
    for match in _WORD.finditer(text):
        if not missing:
            break
        word = match.group()
        term = tokenizer.term(word) or fold(word)
        if term in missing:
            out[term] = fold(word)
            missing.discard(term)
    return out


def text_of(release: Release) -> str:
    # as pipeline.extract_facets reads a release: the title apart, summary and body together
    return "\n\n".join(p for p in (release.summary, release.body) if p)


# ---------------------------------------------------------------------------- fitting


def learn_issues(
    releases: Iterable[Release], *, min_examples: int = MIN_EXAMPLES, folds: int = FOLDS, language: str = "english",
    taxonomy: Taxonomy | None = None,
) -> IssueModel:
    """Fit an :class:`IssueModel` on the releases that carry ``issues`` (the others are ignored).

    The labels are whatever the releases hold (slugs or names), read as the index reads given
    issues (facet_values.normalize_issues against ``taxonomy``, None: the shipped one), so the
    model tags with the slugs a search filters by: "Freedom of Assembly" is
    ``freedom-of-assembly``, a newsroom's own "Executions" the taxonomy's ``death-penalty``, any
    other category its own slug ("Our Climate Desk": ``our-climate-desk``). Needs scikit-learn
    (``pip install 'newsindex[learn]'``). Raises ModelError when no label has
    ``min_examples`` labelled releases.

    >>> model = learn_issues(load_releases("export.jsonl"))        # doctest: +SKIP
    >>> model.tag("Police fired on protesters", title="Crackdown")  # doctest: +SKIP
    [IssueTag(slug='freedom-of-assembly', label='Freedom of assembly', score=0.41, evidence=('protesters', ...))]
    """
    if min_examples < 2:
        raise ValueError("min_examples must be at least 2")
    if folds < 2:
        raise ValueError("folds must be at least 2")
    try:
        import numpy as np
        from scipy import sparse
    except ImportError as exc:
        raise ModelError("learning issues needs scikit-learn: pip install 'newsindex[learn]'") from exc
    labelled, label_sets, names = _labelled(releases, taxonomy)
    examples = Counter(label for labels in label_sets for label in labels)
    learned = sorted(label for label, n in examples.items() if n >= min_examples)
    too_few = tuple(sorted(((label, n) for label, n in examples.items() if n < min_examples), key=lambda ln: (-ln[1], ln[0])))
    if not learned:
        raise ModelError(
            f"no issue has {min_examples} labelled releases to learn from ({len(labelled)} labelled releases, "
            f"{len(examples)} labels); label more releases or lower min_examples"
        )
    if len(labelled) < folds * 2:
        raise ModelError(f"{len(labelled)} labelled releases are too few to learn from; label more releases")
    documents = [Counter(_terms(text_of(r), r.title, language)) for r in labelled]
    vocabulary: dict[str, int] = {}
    data, indices, indptr = [], [], [0]
    for counts in documents:
        for term, n in counts.items():
            indices.append(vocabulary.setdefault(term, len(vocabulary)))
            data.append(n)
        indptr.append(len(indices))
    counts_matrix = sparse.csr_matrix((np.array(data, dtype=np.float64), indices, indptr), shape=(len(documents), len(vocabulary)))
    targets = np.array([[label in labels for label in learned] for labels in label_sets], dtype=bool)

    # Every release is held out once; its scores come from a model fitted without it.
    fold_of = _folds(label_sets, examples, folds)
    held_out = np.zeros(targets.shape)
    for k in range(folds):
        train = fold_of != k
        columns, idf = _features(counts_matrix[train], MIN_DF)
        weights, intercepts = _fit(_tfidf(counts_matrix[train], columns, idf), targets[train])
        held_out[~train] = _tfidf(counts_matrix[~train], columns, idf) @ weights + intercepts

    thresholds = np.array([_best_threshold(held_out[:, j], targets[:, j]) for j in range(len(learned))])
    report = _report(held_out, targets, fold_of, folds, learned, names, examples, thresholds, too_few)
    columns, idf = _features(counts_matrix, MIN_DF)
    weights, intercepts = _fit(_tfidf(counts_matrix, columns, idf), targets)
    terms_by_column = {i: t for t, i in vocabulary.items()}
    return IssueModel(
        labels=tuple(learned), names=tuple(names[label] for label in learned),
        terms=tuple(terms_by_column[int(c)] for c in columns), idf=idf, weights=weights.astype(np.float32),
        intercepts=intercepts, thresholds=thresholds, report=report, language=language,
    )


def _labelled(releases: Iterable[Release], taxonomy: Taxonomy | None) -> tuple[list[Release], list[tuple[str, ...]], dict[str, str]]:
    """The releases with labels, their labels as the index's slugs, and each slug's display name."""
    from ..facet_values import normalize_issues

    tax = taxonomy or default_taxonomy()
    labelled: list[Release] = []
    label_sets: list[tuple[str, ...]] = []
    names: dict[str, str] = {}
    for release in releases:
        slugs = normalize_issues(release.issues, taxonomy) if release.issues else ()
        if slugs:
            labelled.append(release)
            label_sets.append(slugs)
            for slug in slugs:
                names.setdefault(slug, tax.label(slug))
    return labelled, label_sets, names


def _folds(label_sets: Sequence[tuple[str, ...]], examples: Mapping[str, int], folds: int) -> Any:
    """A fold per release, dealt round-robin by rarest label, so each label is spread over the folds.

    (Random folds put all five releases of a rare label in one fold now and then: that fold's
    model never sees the label.) Deterministic: ties in a fixed order of a seeded shuffle.
    """
    import numpy as np

    shuffle = np.random.default_rng(0).permutation(len(label_sets))
    rarest = [min((examples[label], label) for label in labels) for labels in label_sets]
    order = sorted(range(len(label_sets)), key=lambda i: (rarest[i], shuffle[i]))
    fold_of = np.empty(len(label_sets), dtype=int)
    fold_of[order] = np.arange(len(label_sets)) % folds
    return fold_of


def _features(counts: Any, min_df: int) -> tuple[Any, Any]:
    """The columns kept (terms in >= min_df releases) and their smoothed idf, as scikit-learn's."""
    import numpy as np

    df = np.bincount(counts.indices, minlength=counts.shape[1])
    columns = np.flatnonzero(df >= min_df)
    idf = np.log((1 + counts.shape[0]) / (1 + df[columns])) + 1.0
    return columns, idf


def _tfidf(counts: Any, columns: Any, idf: Any) -> Any:
    """Sublinear tf x idf, each row of unit length: what IssueModel._vector computes for one text."""
    import numpy as np
    from scipy import sparse

    matrix = counts[:, columns].tocsr()
    matrix.data = 1.0 + np.log(matrix.data)
    matrix = matrix @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def _fit(matrix: Any, targets: Any) -> tuple[Any, Any]:
    """One LinearSVC per label column: (weights terms x labels, intercepts)."""
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm import LinearSVC

    weights = np.zeros((matrix.shape[1], targets.shape[1]))
    # A label absent from a fold's training part is never tagged in it; one on every release, always.
    intercepts = np.where(targets.all(axis=0), 1.0, -100.0)
    for j in range(targets.shape[1]):
        y = targets[:, j]
        if not y.any() or y.all():
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            svm = LinearSVC(C=C, random_state=0).fit(matrix, y)  # liblinear shuffles: fixed seed, same model
        if caught:
            log.info("learn_issues: the SVM for a label did not fully converge (%s)", caught[0].message)
        weights[:, j] = svm.coef_[0]
        intercepts[j] = svm.intercept_[0]
    return weights, intercepts


def _best_threshold(scores: Any, truth: Any) -> float:
    """The score cut that maximises F1 on held-out scores (midway between two releases' scores)."""
    import numpy as np

    if not truth.any():
        return float(scores.max()) + 1.0
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], truth[order]
    tp = np.cumsum(hits)
    f1 = 2 * tp / (np.arange(1, len(ranked) + 1) + truth.sum())
    i = int(np.argmax(f1))
    below = ranked[i + 1] if i + 1 < len(ranked) else ranked[i] - 1.0
    return float((ranked[i] + below) / 2)


def _report(held_out: Any, targets: Any, fold_of: Any, folds: int, labels: Sequence[str], names: Mapping[str, str], examples: Mapping[str, int],
            thresholds: Any, too_few: tuple[tuple[str, int], ...]) -> IssueReport:
    """Cross-validated figures: a fold is tagged with thresholds chosen on the other folds."""
    import numpy as np

    predicted = np.zeros(targets.shape, dtype=bool)
    for k in range(folds):
        rest, this = fold_of != k, fold_of == k
        for j in range(len(labels)):
            predicted[this, j] = held_out[this, j] > _best_threshold(held_out[rest, j], targets[rest, j])
    tp = (predicted & targets).sum(axis=0)
    fp = (predicted & ~targets).sum(axis=0)
    fn = (~predicted & targets).sum(axis=0)
    scores = []
    for j, label in enumerate(labels):
        p, r, f = _prf(int(tp[j]), int(fp[j]), int(fn[j]))
        scores.append(IssueScore(label, names[label], examples[label], p, r, f, round(float(thresholds[j]), 4)))
    p, r, f = _prf(int(tp.sum()), int(fp.sum()), int(fn.sum()))
    scores.sort(key=lambda s: (-s.examples, s.slug))
    macro = round(sum(s.f1 for s in scores) / len(scores), 4)
    return IssueReport(tuple(scores), p, r, f, macro, releases=len(targets), folds=folds, too_few=too_few)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 4), round(recall, 4), round(f1, 4)
