"""Issue 13: facets on NGO-style text. Issues in the newsrooms' own words, stronger evidence
before an issue is claimed, and the hand-labelled set (tests/fixtures/ngo_releases.jsonl,
labelled before tagging) pinned for issues, countries and speakers."""

import json
from pathlib import Path

import pytest

from newsindex import load_taxonomy, tag_countries, tag_issues
from newsindex.tagging.speakers import extract_speakers

FIXTURE = Path(__file__).parent / "fixtures" / "ngo_releases.jsonl"
ROWS = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


def slugs(text, title=None, **kw):
    return {t.slug for t in tag_issues(text, title=title, **kw)}


@pytest.mark.parametrize(
    "title, text, issue",
    [
        ("ICE raids terrorize families", "Agents arrested dozens of workers in the raids on Tuesday.", "refugee-migrant-rights"),
        ("", "Parents were deported after family separation at the border; the Department of Homeland Security has no records.", "refugee-migrant-rights"),
        ("", "People seeking asylum are held in immigration detention for months.", "refugee-migrant-rights"),
        ("Close Guantánamo", "The military commissions have failed for twenty years.", "national-security-surveillance"),
        ("", "Drone strikes and targeted killings outside war zones escape oversight.", "national-security-surveillance"),
        ("", "Warrantless surveillance under Section 702 must end.", "national-security-surveillance"),
        ("Ban assault weapons", "After another mass shooting, lawmakers debate background checks.", "gun-violence"),
        ("", "Firearms are the leading cause of death; permitless carry spreads.", "gun-violence"),
        ("", "Taiwan's court struck down the ban on same-sex marriage.", "lgbti-rights"),
        ("", "The new law cuts drop boxes and is a blow to voting rights.", "voting-rights"),
    ],
)
def test_issues_described_in_their_own_words_are_tagged(title, text, issue):
    assert issue in slugs(text, title=title or None)


@pytest.mark.parametrize(
    "title, text, issue",
    [
        # a stop word inside a phrase is kept: "sex" in "age and sex" is no LGBTI cue
        ("Cholera cases rise", "Data are disaggregated by age and sex where available. Health partners report cases.", "lgbti-rights"),
        # one weak word, even repeated, is not what a report is about
        ("Sahel: food insecurity at record levels", "Women walk further for water. Women carry it home. Malnutrition rises.", "womens-rights"),
        ("Somalia: displacement grows", "After the drought, people reached camps for internally displaced persons.", "climate-justice"),
        ("Annual results", "The chief executive and the executive director presented the accounts.", "death-penalty"),
        ("Haiti: schools reopen", "Armed violence eased in the capital and pupils returned to school.", "arms-trade"),
        ("Storm hits the coast", "Communities at risk were told to move inland.", "individuals-at-risk"),
    ],
)
def test_passing_mentions_and_look_alike_words_claim_no_issue(title, text, issue):
    assert issue not in slugs(text, title=title)


def test_a_weak_word_in_the_title_is_salient_enough():
    assert "womens-rights" in slugs("They face violence at home and at work.", title="Women farmers demand equal land rights")


def test_the_longest_phrase_at_a_position_counts_once():
    (tag,) = [t for t in tag_issues("The national security law was used again.") if t.slug == "national-security-surveillance"]
    assert tag.evidence == ("national security law",)


def test_a_users_taxonomy_without_evidence_rules_is_scored_as_before(tmp_path):
    toml = tmp_path / "t.toml"
    toml.write_text('min_score = 1\n[issues.water]\nlabel = "Water"\nterms = { "wells" = 1 }\n', encoding="utf-8")
    assert slugs("The wells ran dry.", taxonomy=load_taxonomy(toml)) == {"water"}
    # the default taxonomy's rules: one weak cue is not enough, its ignore list is used
    toml.write_text(
        'min_score = 1\nmin_evidence = 1\nignore = ["wells fargo"]\n[issues.water]\nterms = { "wells" = 1, "drinking water" = 2 }\n',
        encoding="utf-8",
    )
    taxonomy = load_taxonomy(toml)
    assert slugs("The wells ran dry.", taxonomy=taxonomy) == set()
    assert slugs("Wells Fargo cut its drinking water budget.", taxonomy=taxonomy) == {"water"}
    assert [t.evidence for t in tag_issues("Wells Fargo cut its drinking water budget.", taxonomy=taxonomy)] == [("drinking water",)]
    assert load_taxonomy(toml).to_mapping()["ignore"] == ["wells fargo"]


def _micro(pairs):
    tp = sum(len(g & f) for g, f in pairs)
    fp = sum(len(f - g) for g, f in pairs)
    fn = sum(len(g - f) for g, f in pairs)
    p, r = tp / (tp + fp), tp / (tp + fn)
    return p, r, 2 * p * r / (p + r)


def test_the_hand_labelled_set_issues_are_found_precisely():
    tuned = [row for row in ROWS if "split" not in row]
    pairs = [(set(r["issues"]), slugs(r["body"], title=r["title"])) for r in tuned]
    p, r, f1 = _micro(pairs)
    assert p >= 0.90 and r >= 0.80 and f1 >= 0.85, (p, r, f1)
    humanitarian = [(g, f) for (g, f), row in zip(pairs, tuned) if row["kind"] == "humanitarian"]
    assert _micro(humanitarian)[2] >= 0.80
    # the releases written after the taxonomy, never tuned on: a floor, below the tuned figure
    held_out = [(set(r["issues"]), slugs(r["body"], title=r["title"])) for r in ROWS if r.get("split") == "held-out"]
    assert len(held_out) >= 15 and _micro(held_out)[2] >= 0.75
    last = [(set(r["issues"]), slugs(r["body"], title=r["title"])) for r in ROWS if r.get("split") == "held-out-2"]
    assert len(last) == 10 and _micro(last)[2] >= 0.70
    # not everything: about as many issues as the labels have
    assert sum(len(f) for _, f in pairs) <= 1.2 * sum(len(g) for g, _ in pairs)


def test_the_hand_labelled_set_countries_come_from_institutions_and_places():
    pairs = [(set(r["countries"]), {t.code for t in tag_countries(r["body"], title=r["title"])}) for r in ROWS]
    p, r, _ = _micro(pairs)
    assert p >= 0.95 and r >= 0.95, (p, r)
    by_id = {row["id"]: found for row, (_, found) in zip(ROWS, pairs)}
    assert by_id["georgia-voting"] == {"US"} and by_id["georgia-country"] == {"GE"}
    assert by_id["paris-texas"] == {"US"} and by_id["jordan-name"] == {"US"}
    assert by_id["ice-raids-tacoma"] == {"US"}  # ICE, a US city: never "United States"


def test_the_hand_labelled_set_speakers_are_the_labelled_people_only():
    for row in ROWS:
        assert [s.name for s in extract_speakers(row["body"])] == row["speakers"], row["id"]


def test_a_country_named_once_in_passing_beside_the_datelines_is_dropped():
    story = (
        "LONDON, March 3 - Glynwed International said profits rose, helped by sales in the U.S.\n\n"
        + "The engineering group said margins improved in its consumer and building products divisions. " * 4
        + "The group expects further progress."
    )
    assert len(story) > 400
    assert [t.code for t in tag_countries(story, title="GLYNWED SEES FURTHER PROGRESS")] == ["GB"]
    # a listing entry's short summary has no room for passing mentions: both are kept
    summary = "Deportation flights from the UK resumed; the U.S. sent two more."
    assert {t.code for t in tag_countries(summary, title="Egypt: Deportations")} == {"EG", "GB", "US"}
    # named twice, it is part of the story; with no title or dateline country, once is enough
    twice = story.replace("further progress", "further progress in the U.S. market")
    assert {t.code for t in tag_countries(twice, title="GLYNWED SEES FURTHER PROGRESS")} == {"GB", "US"}
    assert [t.code for t in tag_countries("Profits rose, helped by sales in the U.S.")] == ["US"]


def test_a_currency_written_with_its_sign_is_no_country():
    text = "NIAMEY - Humanitarian partners in Niger need US$1.2 billion for food assistance this year."
    assert [t.code for t in tag_countries(text)] == ["NE"]


@pytest.mark.parametrize(
    "text, code",
    [
        ("Taliban fighters beat women protesters in the capital.", "AF"),
        ("Houthi forces detained the aid workers.", "YE"),
        ("Boko Haram abducted 300 schoolgirls.", "NG"),
        ("Refugees held on Nauru for eight years must be freed.", "NR"),
        ("Men held on Manus Island describe years of limbo.", "PG"),
        ("Families sleeping rough near Calais were evicted again.", "FR"),
    ],
)
def test_armed_groups_camps_and_places_of_detention_name_their_country(text, code):
    assert [t.code for t in tag_countries(text)] == [code]


def test_a_headlines_place_before_its_colon_is_the_place_even_if_a_weak_name():
    assert [t.code for t in tag_countries("Officers were charged after the beating.", title="Memphis: Officers Charged")] == ["US"]
    assert [t.code for t in tag_countries("The activist was detained at the border.", title="Chad: Activist Detained")] == ["TD"]
    # without the colon a weak name stays weak; one that may mean several is not guessed
    assert tag_countries("The activist was detained.", title="Jordan Smith Detained") == []
    assert tag_countries("Voting was slow.", title="Georgia: Long Lines at the Polls") == []


def test_after_in_a_weak_name_is_the_place_unless_it_may_mean_several():
    assert [t.code for t in tag_countries("Dawn raids in Tacoma tore families apart.")] == ["US"]
    assert [t.code for t in tag_countries("Refugees in Chad lack water.")] == ["TD"]
    assert tag_countries("Charlotte and Austin spoke for the families.") == []  # people's names
    assert tag_countries("Voters in Georgia waited hours.") == []  # the US state or the country


REPORT = (
    "Food insecurity has reached record levels across the north of the country, where refugees from the "
    "neighbouring region arrived last year. Prices of staple cereals have doubled since January. "
    + "Markets in the district remain open but traders report low stocks and households are reducing the number of meals they eat each day. " * 8
    + "Partners plan deliveries for 1.2 million people until the harvest in October."
)


def test_in_a_long_report_a_medium_word_in_the_lead_is_a_passing_mention():
    assert len(REPORT.split()) > 150
    tags = slugs(REPORT, title="Situation report No. 4, February to May")
    assert "economic-social-rights" in tags and "refugee-migrant-rights" not in tags
    # in a listing entry's short summary the same sentence is evidence enough
    assert "refugee-migrant-rights" in slugs(REPORT.split(". ")[0] + ".", title="Situation report No. 4")


def test_a_head_of_government_names_the_country():
    assert [t.code for t in tag_countries("Biden must reverse the asylum ban.")] == ["US"]
    assert [t.code for t in tag_countries("Boris Johnson's plan would deport people who arrive by boat.")] == ["GB"]


def test_the_evidence_rules_survive_the_round_trip_through_an_index_stamp(tmp_path):
    from newsindex import NewsIndex, Release
    from newsindex.tagging import Taxonomy, default_taxonomy

    default = default_taxonomy()
    again = Taxonomy.from_mapping(default.to_mapping())
    assert again == default and again.min_evidence == 1.0 and "executive director" in again.ignore
    with NewsIndex.create(tmp_path / "i.idx") as index:
        index.add([Release(id="1", title="Annual accounts", body="The executive director presented the accounts.")])
    with NewsIndex.open(tmp_path / "i.idx") as index:
        assert index.get_facets("1").issues == ()


def test_a_term_of_stop_words_only_matches_nothing(tmp_path):
    toml = tmp_path / "t.toml"
    toml.write_text('min_score = 1\n[issues.noise]\nterms = { "the" = 5, "it" = 5, "UN" = 1 }\n', encoding="utf-8")
    taxonomy = load_taxonomy(toml)
    assert slugs("It was the best of times.", taxonomy=taxonomy) == set()
    assert slugs("The UN met.", taxonomy=taxonomy) == {"noise"}  # an acronym is no stop word
