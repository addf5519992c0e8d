"""Which issues (topics) a release is about, from a weighted taxonomy matched on stemmed text.

Terms are analysed with the index's own analyzer, so a taxonomy term "execution" matches
"executions" and "executed", and a phrase matches its words in sequence. The whole taxonomy is
compiled once into a dict from a phrase's first stem to the phrases starting with it, so a
document is one pass over its terms however large the taxonomy.

Users replace or extend the taxonomy with their own TOML or JSON file (``load_taxonomy``):

    min_score = 2.0
    [issues.inflation]
    label = "Inflation"
    terms = { "inflation" = 2, "consumer prices" = 2, "cpi" = 1.5 }
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..analysis import analyze
from ..errors import TaxonomyError

__all__ = ["Issue", "IssueTag", "Taxonomy", "default_taxonomy", "load_taxonomy", "tag_issues", "issue_label"]

TITLE_FACTOR = 2.0


@dataclass(frozen=True, slots=True)
class IssueTag:
    """An issue the text is about: slug, label, score, and the matched terms as evidence."""

    slug: str
    label: str
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Issue:
    slug: str
    label: str
    terms: Mapping[str, float]


@dataclass(frozen=True)
class Taxonomy:
    """A set of issues and the score an issue needs; compiled to a stem index on first use."""

    issues: tuple[Issue, ...]
    min_score: float = 2.0

    def _stem_index(self) -> Mapping[str, tuple[tuple[tuple[str, ...], str, float, str], ...]]:
        """First stem -> (phrase stems, slug, weight, term), compiled on first use: stemming
        the terms takes tens of ms, which a search showing issue labels has no use for."""
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            index: dict[str, list[tuple[tuple[str, ...], str, float, str]]] = {}
            for issue in self.issues:
                for term, weight in issue.terms.items():
                    stems = tuple(analyze(term, mode="query"))
                    if stems:
                        index.setdefault(stems[0], []).append((stems, issue.slug, float(weight), term))
            # longest phrases first, so "national security law" is preferred to "national security"
            compiled = MappingProxyType({k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in index.items()})
            object.__setattr__(self, "_compiled", compiled)  # same value whichever thread wins
        return compiled

    def to_mapping(self) -> dict[str, Any]:
        """The taxonomy as plain data, in the file format (stored in an index's stamp)."""
        return {"min_score": self.min_score, "issues": {i.slug: {"label": i.label, "terms": dict(i.terms)} for i in self.issues}}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "<taxonomy>") -> Taxonomy:
        return _from_mapping(data, where)

    def label(self, slug: str) -> str:
        return next((i.label for i in self.issues if i.slug == slug), slug.replace("-", " ").capitalize())

    def extended(self, other: Taxonomy) -> Taxonomy:
        """This taxonomy with ``other``'s issues added (an issue with the same slug is replaced)."""
        mine = {i.slug: i for i in self.issues}
        mine.update({i.slug: i for i in other.issues})
        return Taxonomy(tuple(mine.values()), other.min_score)

    def scores(self, stems: list[str], factor: float, out: dict[str, float], evidence: dict[str, list[str]]) -> None:
        index = self._stem_index()
        i = 0
        while i < len(stems):
            step = 1
            for phrase, slug, weight, term in index.get(stems[i], ()):
                if tuple(stems[i : i + len(phrase)]) == phrase:
                    out[slug] = out.get(slug, 0.0) + weight * factor
                    if term not in evidence.setdefault(slug, []):
                        evidence[slug].append(term)
                    step = max(step, len(phrase))
            i += step


def _from_mapping(data: Mapping[str, Any], where: str) -> Taxonomy:
    issues = data.get("issues") if isinstance(data, Mapping) else None
    if not isinstance(issues, Mapping) or not issues:
        raise TaxonomyError(f"{where}: no [issues] table")
    out = []
    for slug, spec in issues.items():
        if not isinstance(spec, Mapping) or not isinstance(spec.get("terms"), Mapping) or not spec["terms"]:
            raise TaxonomyError(f"{where}: issue {slug!r} needs a 'terms' table of term = weight")
        out.append(Issue(str(slug), str(spec.get("label", slug)), MappingProxyType({str(k): float(v) for k, v in spec["terms"].items()})))
    return Taxonomy(tuple(out), float(data.get("min_score", 2.0)))


def load_taxonomy(path: str | os.PathLike[str], *, extend: bool = False) -> Taxonomy:
    """Read a taxonomy from TOML or JSON; ``extend=True`` adds it to the default one."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
        data = json.loads(text) if file.suffix.lower() == ".json" else tomllib.loads(text)
        taxonomy = _from_mapping(data, str(file))
    except TaxonomyError:
        raise
    except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError) as exc:  # TOML/JSON errors are ValueErrors
        raise TaxonomyError(f"{file}: not a readable issue taxonomy ({exc})") from exc
    return default_taxonomy().extended(taxonomy) if extend else taxonomy


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    """The shipped taxonomy of 25 human-rights and public-interest issues."""
    text = resources.files("newsindex").joinpath("data").joinpath("issues_default.toml").read_text(encoding="utf-8")
    return _from_mapping(tomllib.loads(text), "issues_default.toml")


def issue_label(slug: str, taxonomy: Taxonomy | None = None) -> str:
    """Display label of an issue slug ("death-penalty" → "Death penalty")."""
    return (taxonomy or default_taxonomy()).label(slug)


def tag_issues(text: str, title: str | None = None, *, taxonomy: Taxonomy | None = None) -> list[IssueTag]:
    """The issues ``text`` (and ``title``, counted double) is about, highest score first."""
    tax = taxonomy or default_taxonomy()
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    if title:
        tax.scores(analyze(title, mode="query"), TITLE_FACTOR, scores, evidence)
    if text:
        tax.scores(analyze(text, mode="query"), 1.0, scores, evidence)
    kept = sorted(((s, v) for s, v in scores.items() if v >= tax.min_score), key=lambda sv: (-sv[1], sv[0]))
    return [IssueTag(slug, tax.label(slug), round(score, 2), tuple(evidence[slug])) for slug, score in kept]
