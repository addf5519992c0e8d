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

Tag what a release is *about*, not every word it mentions (issue 13: "women" alone made a
humanitarian report about women's rights, "drought" alone climate justice). So:

* phrases are matched as phrases, stop words kept ("same-sex" is not "sex", "data by age and
  sex" is not LGBTI rights), and at each position only the longest matching phrase counts
  ("national security law" once, not also "national security"; phrases of the same length of
  several issues all count); an ``ignore`` phrase of the taxonomy is a match that scores
  nothing, so shorter terms at its place don't count ("executive director" is no execution);
* where a term stands matters: title ×2, the lead (first ``LEAD_TERMS`` words) ×1.5; a term
  repeated adds ``REPEAT_FACTOR`` of its weight per further use, so one word said five times
  is not five cues;
* optional, per taxonomy (the default one sets them): ``min_evidence``, the cues an issue
  needs (a term whose weight times its place's factor reaches ``STRONG`` is one cue: a strong
  term anywhere, a medium one, 1.5, in the lead, any term of weight 1 in the title; a weaker
  one is that product/``STRONG`` of one; in a text of more than ``LONG_TERMS`` words, a report,
  the lead lifts no cue: a medium word there is a passing mention), and ``relative``, the share of the top issue's score an
  issue needs beside it. A user's taxonomy without them is scored as before.
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

from ..analysis import NewsTokenizer, news_analyzer
from ..errors import TaxonomyError

__all__ = ["Issue", "IssueTag", "Taxonomy", "default_taxonomy", "load_taxonomy", "tag_issues", "issue_label"]

TITLE_FACTOR = 2.0
LEAD_FACTOR = 1.5
#: The lead: this many first words of the body (a listing entry's summary is all lead).
LEAD_TERMS = 60
#: A text longer than this many words (a report, not a listing entry's summary) is read more
#: strictly: there a medium term in the lead is a passing mention, a cue only from the title.
LONG_TERMS = 150
#: Each further occurrence of a term adds this share of its weight.
REPEAT_FACTOR = 0.3
#: A term's weight from which it is, alone, a full cue for its issue.
STRONG = 2.0

_Entry = tuple[tuple[str, ...], str, float, str]


@lru_cache(maxsize=1)
def _analyzer() -> NewsTokenizer:
    """The index's analyzer with no stop list: phrases keep their small words ("same-sex")."""
    return NewsTokenizer("english", stoplist=frozenset())


def _stems(text: str) -> list[str]:
    return _analyzer().terms(text, mode="query")


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
    min_evidence: float = 0.0
    relative: float = 0.0
    ignore: tuple[str, ...] = ()

    @property
    def _index(self) -> Mapping[str, tuple[_Entry, ...]]:
        """First stem -> (phrase stems, slug, weight, term), compiled on first use: stemming
        the terms takes tens of ms, which a search showing issue labels has no use for."""
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            best: dict[tuple[tuple[str, ...], str], _Entry] = {}
            entries = [(term, "", 0.0) for term in self.ignore]
            entries += [(term, issue.slug, float(weight)) for issue in self.issues for term, weight in issue.terms.items()]
            for term, slug, weight in entries:
                # a term of stop words only ("the", "it") would match everywhere: skipped, as ever
                stems = tuple(_stems(term)) if news_analyzer().terms(term, mode="query") else ()
                # "activist" and "activists" are one stem: one term, the higher weight
                if stems and ((stems, slug) not in best or best[(stems, slug)][2] < weight):
                    best[(stems, slug)] = (stems, slug, weight, term)
            index: dict[str, list[_Entry]] = {}
            for entry in best.values():
                index.setdefault(entry[0][0], []).append(entry)
            # longest phrases first: only the longest match at a position counts
            compiled = MappingProxyType({k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in index.items()})
            object.__setattr__(self, "_compiled", compiled)  # same value whichever thread wins
        return compiled

    def to_mapping(self) -> dict[str, Any]:
        """The taxonomy as plain data, in the file format (stored in an index's stamp)."""
        data: dict[str, Any] = {"min_score": self.min_score}
        if self.min_evidence or self.relative or self.ignore:
            data.update(min_evidence=self.min_evidence, relative=self.relative, ignore=list(self.ignore))
        data["issues"] = {i.slug: {"label": i.label, "terms": dict(i.terms)} for i in self.issues}
        return data

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "<taxonomy>") -> Taxonomy:
        return _from_mapping(data, where)

    def label(self, slug: str) -> str:
        return next((i.label for i in self.issues if i.slug == slug), slug.replace("-", " ").capitalize())

    def extended(self, other: Taxonomy) -> Taxonomy:
        """This taxonomy with ``other``'s issues added (an issue with the same slug is replaced)."""
        mine = {i.slug: i for i in self.issues}
        mine.update({i.slug: i for i in other.issues})
        # the evidence rules stay this taxonomy's: added issues are held to the same standard
        ignore = tuple(dict.fromkeys((*self.ignore, *other.ignore)))
        return Taxonomy(tuple(mine.values()), other.min_score, self.min_evidence or other.min_evidence, self.relative or other.relative, ignore)

    def matches(self, stems: list[str], factors: list[tuple[int, float]]) -> list[tuple[str, float, float, str, bool]]:
        """(slug, weight, position factor, term, in title) for each longest match in ``stems``.

        ``factors`` are (end position, factor) pairs in order: a match before the first end
        has the first factor, and so on; past the last, 1.0.
        """
        found = []
        title_end = factors[0][0] if factors and factors[0][1] == TITLE_FACTOR else 0
        i, n = 0, len(stems)
        index = self._index
        while i < n:
            candidates = index.get(stems[i])
            if not candidates:
                i += 1
                continue
            size = 0
            for phrase, slug, weight, term in candidates:
                if size and len(phrase) < size:
                    break  # only the longest match counts
                if tuple(stems[i : i + len(phrase)]) == phrase:
                    size = len(phrase)
                    if slug:
                        factor = next((f for end, f in factors if i < end), 1.0)
                        found.append((slug, weight, factor, term, i < title_end))
            i += size or 1
        return found


def _from_mapping(data: Mapping[str, Any], where: str) -> Taxonomy:
    issues = data.get("issues") if isinstance(data, Mapping) else None
    if not isinstance(issues, Mapping) or not issues:
        raise TaxonomyError(f"{where}: no [issues] table")
    out = []
    for slug, spec in issues.items():
        if not isinstance(spec, Mapping) or not isinstance(spec.get("terms"), Mapping) or not spec["terms"]:
            raise TaxonomyError(f"{where}: issue {slug!r} needs a 'terms' table of term = weight")
        out.append(Issue(str(slug), str(spec.get("label", slug)), MappingProxyType({str(k): float(v) for k, v in spec["terms"].items()})))
    ignore = data.get("ignore", ())
    if isinstance(ignore, str) or not all(isinstance(p, str) for p in ignore):
        raise TaxonomyError(f"{where}: 'ignore' must be a list of phrases")
    return Taxonomy(tuple(out), float(data.get("min_score", 2.0)), float(data.get("min_evidence", 0.0)), float(data.get("relative", 0.0)), tuple(ignore))


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
    """The shipped taxonomy of 27 human-rights, civil-liberties and humanitarian issues."""
    text = resources.files("newsindex").joinpath("data").joinpath("issues_default.toml").read_text(encoding="utf-8")
    return _from_mapping(tomllib.loads(text), "issues_default.toml")


def issue_label(slug: str, taxonomy: Taxonomy | None = None) -> str:
    """Display label of an issue slug ("death-penalty" → "Death penalty")."""
    return (taxonomy or default_taxonomy()).label(slug)


def tag_issues(text: str, title: str | None = None, *, taxonomy: Taxonomy | None = None) -> list[IssueTag]:
    """The issues ``text`` (and ``title``, counted double) is about, highest score first.

    >>> [t.slug for t in tag_issues("Data are given by age and sex.", title="Cholera cases rise")]
    []
    """
    tax = taxonomy or default_taxonomy()
    # one pass per text reads it with its small words for us and without them for the writer
    read = news_analyzer().readings
    title_stems = read(title)[1] if title else []
    stems = title_stems + (read(text)[1] if text else [])
    long_text = len(stems) - len(title_stems) > LONG_TERMS
    factors = [(len(title_stems), TITLE_FACTOR), (len(title_stems) + LEAD_TERMS, LEAD_FACTOR)]
    terms: dict[tuple[str, str], list[float]] = {}  # (slug, term) -> [best, total, weight, in title]
    for slug, weight, factor, term, in_title in tax.matches(stems, factors):
        seen = terms.get((slug, term))
        if seen is None:
            terms[(slug, term)] = [weight * factor, weight * factor, weight, float(in_title)]
        else:
            seen[0] = max(seen[0], weight * factor)
            seen[1] += weight * factor
            seen[3] = max(seen[3], float(in_title))
    scores: dict[str, float] = {}
    cues: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    for (slug, term), (best, total, weight, in_title) in terms.items():
        # the best use counts fully, each further one REPEAT_FACTOR of it
        scores[slug] = scores.get(slug, 0.0) + best + REPEAT_FACTOR * (total - best)
        placed = best if not long_text or in_title else weight  # in a report, only the title lifts a cue
        cues[slug] = cues.get(slug, 0.0) + min(placed / STRONG, 1.0)
        evidence.setdefault(slug, []).append(term)
    top = max(scores.values(), default=0.0)
    kept = sorted(
        ((s, v) for s, v in scores.items() if v >= tax.min_score and cues[s] >= tax.min_evidence - 1e-9 and v >= tax.relative * top),
        key=lambda sv: (-sv[1], sv[0]),
    )
    return [IssueTag(slug, tax.label(slug), round(score, 2), tuple(evidence[slug])) for slug, score in kept]
