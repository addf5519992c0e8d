"""Display names of ISO country codes, for facet labels ("HK" -> "Hong Kong").

Apart from the tagger (countries.py) because a search shows labels and never tags: this
module is a dict and pycountry's data file, where countries.py compiles its patterns and
gazetteer code on import.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .issues import Taxonomy

__all__ = ["country_name", "issue_label"]

#: Names people use where ISO's differ ("Korea, Republic of"), or the short common form.
_DISPLAY_NAMES = {
    "US": "United States", "GB": "United Kingdom", "RU": "Russia", "KR": "South Korea", "KP": "North Korea",
    "IR": "Iran", "SY": "Syria", "VN": "Vietnam", "LA": "Laos", "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania",
    "MD": "Moldova", "PS": "Palestine", "TW": "Taiwan", "HK": "Hong Kong", "MO": "Macau", "CD": "DR Congo",
    "CG": "Congo", "CZ": "Czechia", "XK": "Kosovo", "VA": "Vatican", "FM": "Micronesia", "BN": "Brunei",
    "CI": "Côte d'Ivoire", "TR": "Türkiye", "MK": "North Macedonia", "SZ": "Eswatini",
}


@lru_cache(maxsize=None)
def country_name(code: str) -> str:
    """Display name of an ISO code ("HK" → "Hong Kong"); an unknown code is returned as is."""
    code = code.upper()
    if code in _DISPLAY_NAMES:
        return _DISPLAY_NAMES[code]
    country = _iso_3166().get(code)
    if country is None:
        return code
    return country.get("common_name") or country["name"]


@lru_cache(maxsize=1)
def _iso_3166() -> dict[str, dict[str, str]]:
    """pycountry's ISO 3166-1 table by alpha-2 code, read from its own data file.

    ``import pycountry`` costs ~50 ms (it imports importlib.metadata, and email with it), most
    of a `newsindex search` that only needs a few display names for its facet counts; the file
    it reads is the same list (~1 ms). If the file is not where pycountry keeps it, pycountry
    is asked (tests/test_tagging.py compares both for every code)."""
    import json

    path = pycountry_data("iso3166-1")
    if path is not None:
        return {entry["alpha_2"]: entry for entry in json.loads(path.read_text(encoding="utf-8"))["3166-1"]}
    import pycountry

    return {c.alpha_2: {k: v for k in ("name", "common_name") if (v := getattr(c, k, None))} for c in pycountry.countries}


def pycountry_data(name: str) -> Path | None:
    """The path of one of pycountry's JSON databases ("iso3166-1", "iso3166-2"), found without
    importing pycountry (see _iso_3166); None if it is not where pycountry keeps it."""
    import importlib.util

    spec = importlib.util.find_spec("pycountry")
    for folder in (spec.submodule_search_locations or ()) if spec else ():
        path = Path(folder) / "databases" / f"{name}.json"
        if path.is_file():
            return path
    return None


def issue_label(slug: str, taxonomy: Taxonomy | None = None) -> str:
    """Display label of an issue slug ("death-penalty" → "Death penalty"), as
    ``Taxonomy.label`` gives it; without ``taxonomy``, the shipped taxonomy's."""
    if taxonomy is not None:
        return taxonomy.label(slug)
    label = _default_issue_labels().get(slug)
    return label if label is not None else slug.replace("-", " ").capitalize()


_ISSUE_HEADER = re.compile(r"\[issues\.([A-Za-z0-9_-]+)\]\s*(?:#.*)?")
_LABEL_LINE = re.compile(r'label\s*=\s*"((?:[^"\\]|\\["\\])*)"\s*(?:#.*)?')


@lru_cache(maxsize=1)
def _default_issue_labels() -> dict[str, str]:
    """slug -> label of the shipped taxonomy, read from its ``[issues.SLUG]`` headers and the
    ``label = "..."`` line under each.

    A search shows a few issue labels; the whole taxonomy (tagging/issues.py: tomllib, the
    TOML parsed, the taxonomy code) cost a CLI search ~15 ms for them. If any issue of the file
    is not written that way (a quoted slug, a label elsewhere, an escape), the file is parsed
    in full instead (tests/test_tagging.py compares both for every issue)."""
    text = (Path(__file__).parent.parent / "data" / "issues_default.toml").read_text(encoding="utf-8")
    labels: dict[str, str] = {}
    headers = 0
    slug: str | None = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[issues.") or line.startswith("[ issues"):
            headers += 1
            match = _ISSUE_HEADER.fullmatch(line)
            slug = match.group(1) if match else None
        elif line.startswith("["):
            slug = None
        elif slug is not None and slug not in labels and line.startswith("label"):
            match = _LABEL_LINE.fullmatch(line)
            if match and "\\" not in match.group(1):
                labels[slug] = match.group(1)
    if headers and len(labels) == headers:
        return labels
    from .issues import default_taxonomy

    return {issue.slug: issue.label for issue in default_taxonomy().issues}
