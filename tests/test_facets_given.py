"""Given facet values normalised (facets.py): countries to ISO codes, issues to slugs; filters that
accept names and aliases, and refuse unknown values with a suggestion instead of an empty answer."""

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from newsindex import NewsIndex, NewsIndexError, Release, UnknownFacetValueError, load_releases
from newsindex.cli import main
from newsindex.facet_values import country_code, country_filter, issue_filter, normalize_issues

from shared_data import DATA  # noqa: E402  ($NEWSINDEX_DATA, else shared/data above the checkout)


@pytest.mark.parametrize(
    "value, code",
    [
        ("USA", "US"), ("U.S.", "US"), ("usa", "US"), ("UK", "GB"), ("Britain", "GB"), ("WEST-GERMANY", "DE"),
        ("east-germany", "DE"), ("HONG-KONG", "HK"), ("hong kong", "HK"), ("Japan", "JP"), ("JPN", "JP"),
        ("Viet Nam", "VN"), ("Burma", "MM"), ("Ivory Coast", "CI"), ("Côte d'Ivoire", "CI"), ("USSR", "RU"),
        ("Korea, Republic of", "KR"), ("trinidad-tobago", "TT"), ("us-virgin-islands", "VI"), ("Kosovo", "XK"),
        ("AND", "AD"), ("ST", "ST"), ("the Netherlands", "NL"), ("Bosnia & Herzegovina", "BA"),
    ],
)
def test_country_values_become_iso_codes(value, code):
    assert country_code(value) == code


def test_unknown_given_country_is_kept_in_extra_never_invented():
    release = Release(title="t", countries=["USA", "Atlantis", "us"])
    assert release.countries == ("US",)
    assert release.extra["unknown_countries"] == ["Atlantis"]
    assert Release(title="t", countries=["XX"]).countries == ()


def test_issue_values_become_slugs_and_taxonomy_slugs():
    assert Release(title="t", issues=["Freedom of Assembly", "money-fx"]).issues == ("freedom-of-assembly", "money-fx")
    # a label, a strong alias, a plural, and a source's own category kept as its slug
    assert normalize_issues(["Death penalty", "capital punishment", "Refugees", "Nacional"]) == ("death-penalty", "refugee-migrant-rights", "nacional")


def test_filters_accept_names_and_refuse_unknown_values_with_a_suggestion():
    assert country_filter(["Japan", "JP", "hong kong"]) == ("JP", "HK")
    with pytest.raises(UnknownFacetValueError, match="XX"):
        country_filter(["XX"])
    with pytest.raises(UnknownFacetValueError, match="did you mean JP"):
        country_filter(["Japn"])
    assert issue_filter(["Death penalty"], {}) == ("death-penalty",)
    assert issue_filter(["my-category"], {"my-category": frozenset()}) == ("my-category",)
    with pytest.raises(UnknownFacetValueError, match="did you mean death-penalty"):
        issue_filter(["deth-penalty"], {})


def test_reuters_places_given_as_countries_are_found_by_their_iso_filter():
    """Every story of reut2-000 labelled usa is found with country="US" (and uk by "GB", ...)."""
    stories = [dataclasses.replace(r, countries=tuple(r.extra["places"])) for r in load_releases(DATA / "reuters21578" / "reut2-000.sgm")]
    labelled = {slug: sum(slug in r.extra["places"] for r in stories) for slug in ("usa", "uk", "west-germany", "hong-kong", "japan", "ussr")}
    assert labelled["usa"] > 500
    with NewsIndex.in_memory() as index:
        index.add(stories, workers=0)
        for slug, code in (("usa", "US"), ("uk", "GB"), ("west-germany", "DE"), ("hong-kong", "HK"), ("japan", "JP"), ("ussr", "RU")):
            assert index.search(country=code, limit=0).total >= labelled[slug], slug
            assert index.search(country=slug, limit=0).total == index.search(country=code, limit=0).total
        assert index.search(country="United States", limit=0).total == index.search(country="us", limit=0).total


def test_every_reuters_place_label_maps_to_a_code():
    places = set()
    for path in sorted((DATA / "reuters21578").glob("reut2-*.sgm")):
        for story in load_releases(path):
            places.update(story.extra["places"])
    assert len(places) > 120
    assert sorted(p for p in places if country_code(p) is None) == []


def test_search_facets_and_timeline_refuse_unknown_values(tmp_path):
    with NewsIndex.create(tmp_path / "idx") as index:
        index.add([Release(title="Tokyo", countries=["Japan"], issues=["Death Penalty"], date=dt.date(2021, 1, 2))])
        assert index.search(country="Japan").total == index.search(country="JP").total == 1
        assert index.search(issue="death penalty").total == 1
        assert index.search(country="FR").total == 0  # a real country without releases: an answer
        for bad in ({"country": "XX"}, {"issue": "no-such-issue"}):
            with pytest.raises(NewsIndexError):
                index.search(**bad)
            with pytest.raises(NewsIndexError):
                index.facets(**bad)
            with pytest.raises(NewsIndexError):
                index.timeline("", by="year", **bad)


def test_cli_says_unknown_filter_values_in_one_line_and_exits_1(runner, index_dir):
    ok = runner.invoke(main, ["search", str(index_dir), "", "--country", "Hong Kong", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["total"] > 0
    for args in (["--country", "XX"], ["--issue", "nonsense-issue"]):
        result = runner.invoke(main, ["search", str(index_dir), "vigil", *args])
        assert result.exit_code == 1
        assert "unknown" in result.output and result.output.count("\n") == 1


def test_source_filter_finds_a_feed_title_however_written_and_refuses_unknown_sources():
    with NewsIndex.in_memory() as index:
        index.add(load_releases(DATA / "feeds" / "guardian_rss2.rss"))
        assert {index.search(source=s, limit=0).total for s in ("The Guardian", "the guardian", "the-guardian")} == {55}
        with pytest.raises(UnknownFacetValueError, match="did you mean The Guardian"):
            index.search(source="Guardain")
