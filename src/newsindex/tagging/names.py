"""Display names of ISO country codes, for facet labels ("HK" -> "Hong Kong").

Apart from the tagger (countries.py) because a search shows labels and never tags: this
module is a dict and pycountry's data file, where countries.py compiles its patterns and
gazetteer code on import.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["country_name"]

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
