"""Country and issue extraction: the traps a gazetteer falls into, the sample newsroom pinned, custom taxonomies."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from newsindex import NewsIndex, load_sample, load_taxonomy, tag_countries, tag_issues
from newsindex.cli import main


def codes(text: str, title: str | None = None) -> list[str]:
    return sorted(t.code for t in tag_countries(text, title=title))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She collected fine china and served turkey at dinner with her family.", []),
        ("Voters in Georgia lined up in Atlanta and Savannah to cast ballots on Tuesday.", ["US"]),
        ("Protesters gathered in Tbilisi, the capital of Georgia, against the foreign agents law.", ["GE"]),
        ("Michael Jordan said the team played well.", []),
        ("Refugees in Jordan and Lebanon face cuts in aid. Amman has asked donors for help.", ["JO", "LB"]),
        ("Soldiers seized power in Niger; the junta in Niamey detained the president.", ["NE"]),
        ("Police in Nigeria arrested protesters in Lagos and Abuja.", ["NG"]),
        ("Authorities in Guinea-Bissau detained journalists in Bissau.", ["GW"]),
        ("Papua New Guinea police in Port Moresby arrested activists.", ["PG"]),
        ("Security forces in Guinea killed protesters in Conakry.", ["GN"]),
        ("Hurricane relief reached Dominica and the Dominican Republic.", ["DM", "DO"]),
        ("Fighting in the Democratic Republic of the Congo displaced thousands near Goma.", ["CD"]),
        ("In the Republic of the Congo, Brazzaville police arrested opposition members.", ["CG"]),
        ("North Korea fired missiles; South Korea and Japan condemned the launch.", ["JP", "KP", "KR"]),
        ("Wildfires spread in New Mexico near Santa Fe.", ["US"]),
        ("The UN and the EU called for a ceasefire.", []),
        ("APPLETON, Wis., March 9 - Kimberly-Clark Corp said it raised its dividend.", ["US"]),
        ("Hongkongers marked the anniversary quietly.", ["HK"]),
        ("Saudi authorities executed 81 men in a single day.", ["SA"]),
    ],
)
def test_country_traps(text, expected):
    assert codes(text) == expected


def test_an_organisation_name_is_not_a_country_mention():
    text = "Amnesty International USA called on members to write for prisoners in Egypt. Egyptian authorities detained activists in Cairo."
    assert codes(text) == ["EG"]


def test_a_hyphenated_pair_in_a_title_gives_both_countries():
    assert codes("Talks resumed.", title="US-China talks resume") == ["CN", "US"]


def test_a_passing_mention_in_a_long_story_about_another_country_is_not_tagged():
    body = ("Police in Nigeria detained protesters in Lagos. " * 6) + "A similar protest took place in Ghana last year."
    assert codes(body, title="Nigeria: protesters detained") == ["NG"]


def test_evidence_lists_the_words_that_matched_and_scores_order_the_tags():
    tags = tag_countries("LAGOS, Nigeria — Nigerian police fired on protesters in Lagos.")
    assert tags[0].code == "NG" and tags[0].name == "Nigeria"
    assert {"Nigeria", "Nigerian", "Lagos"} <= set(tags[0].evidence)
    assert all(a.score >= b.score for a, b in zip(tags, tags[1:]))


# The bundled sample, read by a person: what each release is about.
SAMPLE_COUNTRIES = {
    "WTA’s Decision": {"CN"},
    "Biden Administration": {"CN", "US"},
    "#MeToo journalist": {"CN"},
    "Release Jailed Wuhan": {"CN"},
    "Amnesty International to Close": {"HK"},
    "Tiananmen Vigil": {"CN", "HK"},
    "National Security Law": {"HK"},
    "Draconian repression": {"CN"},
    "Governments Must Stop Conniving": set(),
    "United States Takes Historic Step": {"US", "CN"},
    "Death penalty 2019": {"SA", "CN", "IQ", "IR"},
    "Disturbing expulsion": {"CN", "US"},
}
SAMPLE_ISSUES = {  # issues that must be among the tags
    "WTA’s Decision": {"womens-rights"},
    "#MeToo journalist": {"press-freedom", "womens-rights"},
    "Tiananmen Vigil": {"freedom-of-assembly"},
    "National Security Law": {"national-security-surveillance"},
    "Draconian repression": {"religious-freedom", "torture"},
    "Governments Must Stop Conniving": {"climate-justice"},
    "Death penalty 2019": {"death-penalty"},
    "Disturbing expulsion": {"press-freedom"},
}


def _sample_by_title():
    out = {}
    for release in load_sample():
        key = next(k for k in SAMPLE_COUNTRIES if release.title.startswith(k))
        text = "\n\n".join(p for p in (release.summary, release.body) if p)
        out[key] = (release, text)
    return out


def test_sample_countries_are_what_a_reader_would_say():
    for key, (release, text) in _sample_by_title().items():
        assert {t.code for t in tag_countries(text, title=release.title)} == SAMPLE_COUNTRIES[key], key


def test_sample_issues_include_what_a_reader_would_say():
    by_title = _sample_by_title()
    for key, wanted in SAMPLE_ISSUES.items():
        release, text = by_title[key]
        assert wanted <= {t.slug for t in tag_issues(text, title=release.title)}, key
    release, text = by_title["Death penalty 2019"]
    assert tag_issues(text, title=release.title)[0].slug == "death-penalty"


def test_issues_match_on_stems_and_show_their_evidence():
    tags = {t.slug: t for t in tag_issues("Iran executed more people; the executions were condemned.", title="Executions rise")}
    assert "death-penalty" in tags
    assert tags["death-penalty"].evidence


def test_a_custom_taxonomy_in_toml_and_json(tmp_path):
    toml = tmp_path / "tax.toml"
    toml.write_text('min_score = 1\n[issues.water]\nlabel = "Water rights"\nterms = { "drinking water" = 2, "wells" = 1 }\n', encoding="utf-8")
    taxonomy = load_taxonomy(toml)
    tags = tag_issues("Villagers lost their wells and drinking water.", taxonomy=taxonomy)
    assert [(t.slug, t.label) for t in tags] == [("water", "Water rights")]
    assert set(tags[0].evidence) == {"drinking water", "wells"}
    as_json = tmp_path / "tax.json"
    as_json.write_text(json.dumps({"min_score": 1, "issues": {"water": {"label": "Water rights", "terms": {"drinking water": 2}}}}), encoding="utf-8")
    assert [t.slug for t in tag_issues("No drinking water for weeks.", taxonomy=load_taxonomy(as_json))] == ["water"]


def test_extend_keeps_the_shipped_issues(tmp_path):
    toml = tmp_path / "tax.toml"
    toml.write_text('[issues.water]\nterms = { "drinking water" = 2 }\n', encoding="utf-8")
    slugs = {t.slug for t in tag_issues("Executions and no drinking water.", title="Executions", taxonomy=load_taxonomy(toml, extend=True))}
    assert {"water", "death-penalty"} <= slugs


def test_given_metadata_wins_and_extracted_values_are_kept_apart(tmp_path):
    from newsindex import Release

    with NewsIndex.create(tmp_path / "ix") as idx:
        idx.add([Release(title="Police detain protesters in Lagos", body="Nigerian police detained protesters in Lagos.", countries=["GH"])])
        hit = idx.search("protesters").hits[0]
        assert hit.countries == ("GH",)
        assert "NG" in hit.countries_extracted
        assert idx.search("", country="GH").total == 1 and idx.search("", country="NG").total == 0


def test_tag_command_reads_plain_text_on_stdin():
    result = CliRunner().invoke(main, ["tag"], input="Police fire on protesters\nLAGOS, Nigeria — Police fired on peaceful protesters.\n")
    assert result.exit_code == 0, result.output
    assert "NG  Nigeria" in result.output and "freedom-of-assembly" in result.output


def test_tag_command_json_for_a_releases_file(tmp_path):
    from newsindex.sources import sample_path

    result = CliRunner().invoke(main, ["tag", str(sample_path()), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 12
    death = next(r for r in rows if r["title"].startswith("Death penalty"))
    assert death["issues"][0]["slug"] == "death-penalty" and death["issues"][0]["evidence"]
    assert {c["code"] for c in death["countries"]} == SAMPLE_COUNTRIES["Death penalty 2019"]


def test_tag_command_with_a_bad_taxonomy_fails_in_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("issues = 3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["tag", "--taxonomy", str(bad)], input="text\n")
    assert result.exit_code != 0
    assert "bad.toml" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Türkiye detained journalists in Istanbul.", ["TR"]),
        ("Burma junta arrested protesters in Yangon.", ["MM"]),
        ("Ivory Coast held elections in Abidjan.", ["CI"]),
        ("Zaire troops entered Kinshasa.", ["CD"]),  # a historical name maps to today's country
        ("Washington imposed sanctions on Caracas.", ["US", "VE"]),
        ("Israeli forces raided Jenin.", ["IL", "PS"]),
        # first words written other than in the gazetteer: possessive, full stop, capitals
        ("Britain's envoy met Kenya’s minister.", ["GB", "KE"]),
        ("Talks were held in Nairobi. Officials left for Brazil.", ["BR", "KE"]),
        ("ZIMBABWE CUTS RATES, Harare said.", ["ZW"]),
        # names of two or more words whose second word is written otherwise (the scan tries a
        # longer name only when its first two words begin one)
        ("Wellington exports rose, said New Zealand. New Zealand's dairy board agreed.", ["NZ"]),
        ("Sri Lanka’s army and Hong Kong's police were named.", ["HK", "LK"]),
        ("NEW ZEALAND AND SRI LANKA SIGN TRADE PACT", ["LK", "NZ"]),
        ("Growers in the Netherlands and the company said the new rules were fine.", ["NL"]),
    ],
)
def test_variants_historical_names_capitals_and_demonyms(text, expected):
    assert codes(text) == expected


WATER = '[issues.water]\nlabel = "Water rights"\nterms = { "drinking water" = 2, "wells" = 1 }\n'


def test_an_index_extracts_issues_with_its_own_taxonomy_and_keeps_it(tmp_path):
    from newsindex import Release

    taxonomy_file = tmp_path / "water.toml"
    taxonomy_file.write_text(WATER, encoding="utf-8")
    with NewsIndex.create(tmp_path / "ix", taxonomy=taxonomy_file) as idx:
        idx.add([Release(title="Villages without drinking water", body="The wells ran dry.")])
        assert idx.search("villages", facets=("issue",)).facets["issue"][0].label == "Water rights"
    with NewsIndex.open(tmp_path / "ix") as idx:  # the taxonomy is stored with the index
        idx.add([Release(title="Drinking water cut off", body="No drinking water for a week.")])
        assert idx.search("", issue="water").total == 2
        assert idx.taxonomy.label("water") == "Water rights"


def test_a_worker_process_uses_the_index_taxonomy_too(tmp_path):
    from newsindex import Release
    from newsindex.pipeline import PARALLEL_ABOVE

    taxonomy_file = tmp_path / "water.toml"
    taxonomy_file.write_text(WATER, encoding="utf-8")
    releases = [Release(title=f"Drinking water report {i}", body="Wells and drinking water.") for i in range(PARALLEL_ABOVE + 50)]
    with NewsIndex.create(tmp_path / "ix", taxonomy=taxonomy_file) as idx:
        idx.add(releases, workers=1)
        assert idx.search("", issue="water").total == len(releases)


def test_cli_index_with_a_taxonomy(tmp_path):
    from newsindex.sources import sample_path

    taxonomy_file = tmp_path / "water.toml"
    taxonomy_file.write_text(WATER.replace('"wells" = 1', '"vigil" = 2'), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["index", str(tmp_path / "ix"), str(sample_path()), "--taxonomy", str(taxonomy_file), "-q"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["search", str(tmp_path / "ix"), "", "--issue", "water", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["total"] == 1  # the Tiananmen vigil
    again = runner.invoke(main, ["index", str(tmp_path / "ix"), str(sample_path()), "--taxonomy", str(taxonomy_file)])
    assert again.exit_code == 2 and "--overwrite" in again.output


def test_a_malformed_taxonomy_is_a_taxonomy_error_naming_the_file(tmp_path):
    from newsindex import TaxonomyError

    bad = tmp_path / "bad.toml"
    bad.write_text("[issues.x]\nterms = 'nope'\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="bad.toml.*'x' needs a 'terms' table"):
        load_taxonomy(bad)
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="broken.json"):
        load_taxonomy(broken)


def test_issue_labels_read_without_the_taxonomy_are_the_taxonomys_labels(tmp_path):
    """A search's issue labels come from the shipped TOML's label lines (tagging/names.py),
    not from the parsed taxonomy (start-up time of a search): the same label for every issue,
    the same fallback for a slug it lacks, and a given taxonomy's own labels."""
    from newsindex.tagging.issues import Issue, Taxonomy, default_taxonomy
    from newsindex.tagging.names import _default_issue_labels, issue_label

    _default_issue_labels.cache_clear()
    shipped = default_taxonomy()
    assert len(shipped.issues) > 20
    assert _default_issue_labels() == {i.slug: i.label for i in shipped.issues}
    for issue in shipped.issues:
        assert issue_label(issue.slug) == shipped.label(issue.slug) == issue.label
    assert issue_label("no-such-issue") == shipped.label("no-such-issue") == "No such issue"
    own = Taxonomy((Issue("death-penalty", "Capital punishment", {"execution": 2.0}),))
    assert issue_label("death-penalty", own) == "Capital punishment"


def test_country_names_read_from_pycountrys_file_are_pycountrys_names():
    """country_name reads pycountry's ISO 3166 file instead of importing pycountry (start-up
    time of a search); every code's display name is still the one pycountry gives."""
    import pycountry

    from newsindex.tagging.countries import _DISPLAY_NAMES, country_name

    codes = [c.alpha_2 for c in pycountry.countries]
    assert len(codes) > 200
    for c in pycountry.countries:
        assert country_name(c.alpha_2) == (_DISPLAY_NAMES.get(c.alpha_2) or getattr(c, "common_name", None) or c.name)
    assert country_name("XX") == "XX"
