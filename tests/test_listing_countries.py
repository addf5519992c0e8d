"""Countries on short listing entries of NGO country pages, and the gazetteer rows behind them.

tests/fixtures/listing_countries.jsonl (see benchmarks/bench_listing_countries.py): entries of
country pages written blind to the gazetteer, many naming only the country's institutions,
leaders, regions and cities. The thresholds pin today's figures below by a margin.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsindex import tag_countries
from newsindex.tagging.places import NOT_SUBDIVISIONS, subdivision_rows

FIXTURE = Path(__file__).parent / "fixtures" / "listing_countries.jsonl"


@pytest.mark.parametrize(("split", "recall_at_least"), [("tuned-d", 0.92), ("tuned-e", 0.87), ("held-out-g", 0.78), ("held-out-h", 0.89)])
def test_the_page_country_is_found_on_most_entries(split, recall_at_least):
    rows = [r for r in map(json.loads, FIXTURE.read_text(encoding="utf-8").splitlines()) if r["split"] == split]
    assert len({r["page_country"] for r in rows}) >= 35
    codes = [{t.code for t in tag_countries(r["summary"], title=r["title"])} for r in rows]
    assert sum(r["page_country"] in c for r, c in zip(rows, codes)) / len(rows) >= recall_at_least
    assert sum(len(c) for c in codes) / len(rows) <= 1.4  # the page's country, not every one in passing


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Manipur: Killings Continue as Authorities Fail to Stem Ethnic Violence", "IN"),  # an ISO 3166-2 state
        ("Gauteng: Learners With Disabilities Excluded From School", "ZA"),
        ("Plateau State: Coordinated Attacks on Villages Kill Nearly 200", "NG"),  # the type's word after it
        ("Oromia Region: Government Forces Abuse Civilians", "ET"),
        ("Sheinbaum Should Reverse Militarization of the National Guard", "MX"),  # a leader
        ("Orbán's Sovereignty Protection Office Targets Independent Media", "HU"),
        ("Tshisekedi Should Reinstate Moratorium on Executions", "CD"),
    ],
)
def test_a_country_named_only_by_its_region_or_leader_is_found(title, code):
    assert code in {t.code for t in tag_countries("", title=title)}


@pytest.mark.parametrize(
    ("title", "text", "not_code"),
    [
        ("GULF OIL PRICES RISE", "Oil prices in the Gulf rose on Tuesday.", "PG"),  # Gulf is a PNG province
        ("Santa Fe Southern Pacific raises dividend", "Santa Fe Southern Pacific Corp said it raised its dividend.", "AR"),
        ("Bethlehem Steel cuts jobs", "Bethlehem Steel Corp said it would cut 1,000 jobs.", "PS"),  # a US town too
        ("Medvedev wins in Miami", "Daniil Medvedev won the final.", "RU"),  # only Dmitry Medvedev is the office
        ("Punjab farmers protest", "Farmers in Punjab blocked roads.", "PK"),  # a division of two countries: neither
    ],
)
def test_a_division_or_name_in_doubt_names_no_country(title, text, not_code):
    assert not_code not in {t.code for t in tag_countries(text, title=title)}


def test_division_names_in_doubt_are_left_out_of_the_rows():
    rows = {(code, form) for code, _kind, form in subdivision_rows()}
    forms = {form for _code, form in rows}
    assert ("IN", "Manipur") in rows and ("NG", "Borno State") in rows and ("ES", "Cataluña") in rows
    assert not forms & NOT_SUBDIVISIONS  # Central, Gulf, Sale, Victoria, ... never bare
    assert "Punjab" not in forms and "Amazonas" not in forms  # two countries' divisions
    assert "Santa Fe" not in forms and "Córdoba" not in forms  # another country's city
