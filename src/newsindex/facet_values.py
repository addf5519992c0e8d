"""Given facet values normalised: countries to ISO 3166-1 alpha-2, issues to slugs.

Sources carry countries and issues in their own spelling: Reuters writes ``usa``, ``uk``,
``west-germany``, ``hong-kong``; a CSV export writes "Japan" or "Viet Nam"; a feed's category
says "Death Penalty". Given values win over extraction, so unless they are normalised,
``country="US"`` misses every story a source labelled ``usa``. One rule, used both where
releases get their given values and where a filter is read, so the two always agree:

* **Countries.** A value is compared by its *key*: case, accents, dots, hyphens, underscores,
  "and"/"&" and a leading "the" don't matter ("U.S." = "us" = US, "west-germany" = "West
  Germany" = DE, "Trinidad-Tobago" = "Trinidad and Tobago" = TT). It is read, in this order,
  as an ISO alpha-2 code, an alpha-3 code, a pycountry name (official, common, and "Korea,
  Republic of" also as "Republic of Korea"), then a name, alias or historical name of the
  gazetteer (``data/countries_gazetteer.tsv``: kinds ``n``, ``x``, and ``a``, the codes and
  slugs sources use that are never matched in text). ISO comes first, so "Congo" is CG as
  in ISO 3166, though the text tagger reads a bare "Congo" in prose as the DRC. Historical
  names map to the successor the gazetteer gives (USSR → RU, Czechoslovakia → CZ, Zaire → CD).
* **A given value that can't be recognised** is never invented into a code: it is dropped
  from ``countries``, kept in ``extra["unknown_countries"]`` and logged as a warning.
* **Issues.** Slugs: "Freedom of Assembly" → ``freedom-of-assembly``. Against a taxonomy, a
  value that is an issue's slug, its label, or one of its strong terms (weight ≥ 1.5, compared
  stemmed, so "Refugees" names ``refugee-migrant-rights``) becomes that issue's slug; any other
  value is kept as its own slug (a source's own categories are the truth for its archive).
* **Filters** accept the same spellings. An unknown country, or an issue that is neither in
  the taxonomy nor in the index, raises :class:`UnknownFacetValueError` with a suggestion,
  never an empty answer that looks like "nothing matched".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Mapping

from ._log import get_logger
from .errors import UnknownFacetValueError

if TYPE_CHECKING:
    from .tagging import Taxonomy

__all__ = [
    "UnknownFacetValueError",
    "country_code",
    "normalize_countries",
    "issue_slug",
    "normalize_issues",
    "taxonomy_issues",
    "country_filter",
    "issue_filter",
    "source_filter",
]

log = get_logger("newsindex.facet_values")

#: Gazetteer kinds read as given values: names/aliases, historical names, source codes/slugs.
#: Demonyms, cities and weak forms are evidence in prose, not a country a source assigned.
_GIVEN_KINDS = ("n", "x", "a")
#: Only strong taxonomy terms name an issue on their own (see the module docstring).
_ALIAS_WEIGHT = 1.5


# ----------------------------------------------------------------------------- countries


def _close_matches(word: str, possibilities: list[str], n: int, cutoff: float) -> list[str]:
    """difflib's close matches, imported when a value is unknown (not on every search)."""
    import difflib

    return difflib.get_close_matches(word, possibilities, n=n, cutoff=cutoff)


def _key(value: str) -> str:
    """The comparison key of a country name or code (see the module docstring)."""
    text = unicodedata.normalize("NFKD", value.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("&", " and ").replace("’", "'")
    text = re.sub(r"[.'`]", "", text)
    words = re.sub(r"[^\w]+|_", " ", text).split()
    if len(words) > 1:  # a lone "AND" is Andorra's code, "ST" São Tomé's
        if words[0] == "the":
            words = words[1:]
        words = ["saint" if w in ("st", "ste") else w for w in words if w != "and"]
    return " ".join(words)


@lru_cache(maxsize=1)
def _country_table() -> tuple[dict[str, str], dict[str, str]]:
    """(key → alpha-2 code, code → display name), built once from pycountry and the gazetteer."""
    import pycountry

    from .tagging.countries import _gazetteer_rows, country_name

    table: dict[str, str] = {}

    def put(form: str, code: str) -> None:
        key = _key(form)
        if key and key not in table:  # first reading wins: the order below is the priority
            table[key] = code

    countries = list(pycountry.countries)
    for country in countries:
        put(country.alpha_2, country.alpha_2)
    for country in countries:
        put(country.alpha_3, country.alpha_2)
    for country in countries:
        for attr in ("common_name", "name", "official_name"):
            name = getattr(country, attr, None)
            if name:
                put(name, country.alpha_2)
                if ", " in name:  # "Korea, Republic of" → "Republic of Korea"
                    head, _, tail = name.partition(", ")
                    put(f"{tail} {head}", country.alpha_2)
    gazetteer_codes = set()
    for code, kind, form in _gazetteer_rows():
        if code and kind in _GIVEN_KINDS:
            put(form, code)
            gazetteer_codes.add(code)
    for code in gazetteer_codes:  # territories the gazetteer adds (XK Kosovo)
        put(code, code)
    names = {code: country_name(code) for code in set(table.values())}
    return table, names


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code a country value means, or None.

    >>> country_code("west-germany"), country_code("U.K."), country_code("Hong Kong"), country_code("XX")
    ('DE', 'GB', 'HK', None)
    """
    return _country_table()[0].get(_key(value))


def normalize_countries(values: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(codes, unknown)`` for a source's country values, in order, without duplicates."""
    codes: list[str] = []
    unknown: list[str] = []
    for value in values:
        if not value or not value.strip():
            continue
        code = country_code(value.strip())
        if code is None:
            unknown.append(value.strip())
        elif code not in codes:
            codes.append(code)
    return tuple(codes), tuple(dict.fromkeys(unknown))


def _country_suggestions(value: str) -> list[str]:
    table, names = _country_table()
    key = _key(value)
    close = _close_matches(key, [k for k in table if len(k) > 3], n=3, cutoff=0.75)
    out = []
    for match in close:
        code = table[match]
        label = f"{code} ({names.get(code, code)})"
        if label not in out:
            out.append(label)
    return out


def country_filter(values: Iterable[str]) -> tuple[str, ...]:
    """A country filter's values as codes; an unknown one raises UnknownFacetValueError."""
    codes: list[str] = []
    for value in values:
        code = country_code(value)
        if code is None:
            raise UnknownFacetValueError(
                "country", value, _country_suggestions(value), "use an ISO 3166 code (JP) or a country name (Japan)"
            )
        if code not in codes:
            codes.append(code)
    return tuple(codes)


# -------------------------------------------------------------------------------- issues


def issue_slug(value: str) -> str:
    """The slug of an issue label: "Freedom of Assembly" → "freedom-of-assembly"."""
    text = unicodedata.normalize("NFKD", value.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("’", "").replace("'", "")
    return "-".join(re.sub(r"[^\w]+|_", " ", text).split())


def _stems(text: str) -> tuple[str, ...]:
    from .analysis import analyze

    return tuple(analyze(text, mode="query"))


#: Tables per taxonomy object (a Taxonomy holds mappings, so it can't be an lru_cache key).
_ISSUE_TABLES: dict[int, tuple[object, tuple[dict[str, str], dict[tuple[str, ...], str]]]] = {}
#: The query stems of issue values seen (the analyzer is the same for every taxonomy).
_STEMMED: dict[str, tuple[str, ...]] = {}


def _issue_table(taxonomy: Taxonomy | None) -> tuple[dict[str, str], dict[tuple[str, ...], str]]:
    """(slug-of-slug-or-label → slug, stems of a strong term → slug) for a taxonomy."""
    from .tagging import default_taxonomy

    tax = taxonomy or default_taxonomy()
    cached = _ISSUE_TABLES.get(id(tax))
    if cached is not None and cached[0] is tax:
        return cached[1]
    table = _build_issue_table(tax)
    if len(_ISSUE_TABLES) >= 16:
        _ISSUE_TABLES.clear()
    _ISSUE_TABLES[id(tax)] = (tax, table)
    return table


def _build_issue_table(tax: Taxonomy) -> tuple[dict[str, str], dict[tuple[str, ...], str]]:
    names: dict[str, str] = {}
    terms: dict[tuple[str, ...], str] = {}
    for issue in tax.issues:
        names.setdefault(issue_slug(issue.slug), issue.slug)
        names.setdefault(issue_slug(issue.label), issue.slug)
    for issue in tax.issues:
        for term, weight in issue.terms.items():
            stems = _stems(term)
            if weight >= _ALIAS_WEIGHT and stems:
                terms.setdefault(stems, issue.slug)
    return names, terms


def _taxonomy_slug(value: str, taxonomy: Taxonomy | None) -> str | None:
    names, terms = _issue_table(taxonomy)
    key = issue_slug(value)
    slug = names.get(key)
    if slug is None:
        if key in _STEMMED:  # stemming costs more than the rest: remembered per value
            stems = _STEMMED[key]
        else:
            stems = _stems(value.replace("-", " "))
            if len(_STEMMED) < 100_000:
                _STEMMED[key] = stems
        slug = terms.get(stems) if stems else None
    return slug


def taxonomy_issues(labels: Iterable[str], taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """The taxonomy's issues that ``labels`` (a feed's categories) name; the others are left out."""
    found = (_taxonomy_slug(label, taxonomy) for label in labels if label and label.strip())
    return tuple(dict.fromkeys(slug for slug in found if slug))


def normalize_issues(values: Iterable[str], taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """A source's issue values as slugs: the taxonomy's slug where one matches, else their own."""
    out = []
    for value in values:
        if value and value.strip():
            slug = _taxonomy_slug(value, taxonomy) or issue_slug(value)
            if slug:
                out.append(slug)
    return tuple(dict.fromkeys(out))


def issue_filter(values: Iterable[str], indexed: Mapping[str, object] | Iterable[str], taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """An issue filter's values as slugs. ``indexed``: the issue values the index holds.

    A value that is a taxonomy issue (by slug, label or alias) or a value of the index is
    kept; anything else raises UnknownFacetValueError with the closest known values.
    """
    values = tuple(values)
    if not values:  # every search passes here: no work without an issue filter
        return ()
    present = set(indexed)
    out: list[str] = []
    for value in values:
        known_slug = _taxonomy_slug(value, taxonomy)
        slug = known_slug or issue_slug(value)
        if known_slug is None and slug not in present:
            known = sorted(present | set(_issue_table(taxonomy)[0].values()))
            close = _close_matches(issue_slug(value), known, n=3, cutoff=0.6)
            raise UnknownFacetValueError("issue", value, close, "see `newsindex facets INDEX --field issue` for the issues of this index")
        if slug not in out:
            out.append(slug)
    return tuple(out)


def source_filter(values: Iterable[str], indexed: Mapping[str, object] | Iterable[str]) -> tuple[str, ...]:
    """A source filter's values as the index holds them, matched without case or punctuation
    ("the guardian" and "the-guardian" find "The Guardian", a feed's title); an unknown one
    raises UnknownFacetValueError with the closest sources of the index."""
    values = tuple(values)
    if not values:
        return ()
    by_key: dict[str, list[str]] = {}
    for name in indexed:
        by_key.setdefault(issue_slug(name), []).append(name)
    out: list[str] = []
    for value in values:
        matches = by_key.get(issue_slug(value))
        if not matches:
            close = _close_matches(issue_slug(value), list(by_key), n=3, cutoff=0.6)
            names = [by_key[k][0] for k in close]
            raise UnknownFacetValueError("source", value, names, "see `newsindex facets INDEX --field source` for the sources of this index")
        out.extend(m for m in matches if m not in out)
    return tuple(out)


def given_countries(values: Iterable[str], extra: Mapping[str, object]) -> tuple[tuple[str, ...], dict[str, object] | None]:
    """For Release: ``(codes, new extra or None)``; unknown values go to ``extra["unknown_countries"]``."""
    codes, unknown = normalize_countries(values)
    if not unknown:
        return codes, None
    log.warning("country value(s) not recognised, kept in extra['unknown_countries']: %s", ", ".join(unknown))
    new = dict(extra)
    previous = new.get("unknown_countries")
    kept = list(previous) if isinstance(previous, (list, tuple)) else []
    new["unknown_countries"] = list(dict.fromkeys([*kept, *unknown]))
    return codes, new
