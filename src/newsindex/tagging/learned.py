"""An index's learned issues: fit on the releases it stores, tag the unlabelled ones, keep the model.

``NewsIndex.learn_issues`` hands this module its stored releases; :func:`learn_from_archive`
fits a model on the labelled ones (tagging/learn.py) and returns the unlabelled releases whose
extracted issues change. The model lives in the index directory (:data:`MODEL_FILE`), and
:func:`index_model` reads it once per version of the file, so every ``add()`` tags with it
without reading it again.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from ..records import Release
from .issues import IssueTag, Taxonomy
from .learn import FOLDS, MIN_EXAMPLES, IssueModel, IssueReport, learn_issues, text_of

__all__ = ["IssuesLearned", "learn_from_archive", "index_model", "MODEL_FILE"]

#: The model's file inside an index directory (see NewsIndex.learn_issues).
MODEL_FILE = "issues_model.npz"


@dataclass(frozen=True)
class IssuesLearned:
    """What ``NewsIndex.learn_issues`` did: the model (with its report) and what it tagged."""

    model: IssueModel
    labelled: int  # releases with given issues (fitted on)
    unlabelled: int
    tagged: int  # unlabelled releases given at least one learned issue
    counts: tuple[tuple[str, int], ...]  # (issue, unlabelled releases tagged with it), most first
    examples: tuple[tuple[str, str, tuple[IssueTag, ...]], ...]  # (id, title, tags with evidence): the first few tagged

    @property
    def report(self) -> IssueReport:
        return self.model.report

    def to_dict(self) -> dict[str, Any]:
        return {
            "labelled": self.labelled, "unlabelled": self.unlabelled, "tagged": self.tagged,
            "counts": dict(self.counts),
            "examples": [{"id": i, "title": t, "issues": [tag.slug for tag in tags], "evidence": {tag.slug: list(tag.evidence) for tag in tags}}
                         for i, t, tags in self.examples],
            "report": self.report.to_dict(),
        }


#: IssuesLearned.examples: this many tagged releases are shown.
EXAMPLES = 10


def learn_from_archive(
    stored: Sequence[tuple[Release, Any]], *, min_examples: int = MIN_EXAMPLES, folds: int = FOLDS, language: str = "english",
    taxonomy: Taxonomy | None = None,
) -> tuple[IssuesLearned, list[tuple[Release, Any]]]:
    """Fit on an index's labelled releases, tag its unlabelled ones.

    ``stored``: (release, facets) pairs as the index stores them (``facets.issues_extracted``
    is replaced). Returns what was learned and the pairs whose extracted issues changed, for
    the index to rewrite. Labelled releases keep theirs: their given issues are the facet.
    """
    model = learn_issues((release for release, _ in stored), min_examples=min_examples, folds=folds, language=language, taxonomy=taxonomy)
    changed: list[tuple[Release, Any]] = []
    counts: Counter[str] = Counter()
    examples: list[tuple[str, str, tuple[IssueTag, ...]]] = []
    unlabelled = tagged = 0
    for release, facets in stored:
        if release.issues:
            continue
        unlabelled += 1
        tags = tuple(model.tag(text_of(release), title=release.title))
        issues = tuple(t.slug for t in tags)
        if issues:
            tagged += 1
            counts.update(issues)
            if len(examples) < EXAMPLES:
                examples.append((release.id, release.title, tags))
        if issues != tuple(facets.issues_extracted):
            changed.append((release, dataclasses.replace(facets, issues_extracted=issues)))
    learned = IssuesLearned(
        model=model, labelled=model.report.releases, unlabelled=unlabelled, tagged=tagged,
        counts=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))), examples=tuple(examples),
    )
    return learned, changed


_LOADED: dict[str, tuple[tuple[int, int], IssueModel]] = {}


def index_model(directory: str | os.PathLike[str] | None) -> IssueModel | None:
    """The model learned for the index in ``directory`` (None: none learned), read once per version of the file."""
    if directory is None:
        return None
    path = Path(directory) / MODEL_FILE
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key, version = str(path), (stat.st_mtime_ns, stat.st_size)
    cached = _LOADED.get(key)
    if cached is None or cached[0] != version:
        cached = _LOADED[key] = (version, IssueModel.load(path))
    return cached[1]
