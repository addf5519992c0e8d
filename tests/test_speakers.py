"""Speaker extraction (tagging/speakers.py): the shapes newsroom prose uses, and the sample newsroom pinned."""

import datetime as dt
from pathlib import Path

import pytest

from newsindex import NewsIndex, Release, load_releases
from newsindex.tagging.speakers import Speaker, extract_speakers, speaker_slug

FIXTURE = Path(__file__).parent / "fixtures" / "newsroom_sample.txt"

#: Decided by reading the 12 releases of the sample newsroom. Six quote a named person; the other
#: six have "Amnesty International said" (the organisation itself, not a speaker) or no quote.
SAMPLE_SPEAKERS = {
    "WTA’s Decision Should Push for Effective Investigation of Sexual Violence in China":
        [("Doriane Lau", "China researcher", "Amnesty International")],
    "Biden Administration Must Prioritize Human Rights in US-China Policy":
        [("Carolyn Nash", "Asia Advocacy Director", "Amnesty International USA")],
    "#MeToo journalist and labor activist facing ‘subversion’ charge in China must be released":
        [("Gwen Lee", "China Campaigner", "Amnesty International")],
    "Release Jailed Wuhan Activist ‘Close to Death’ After Hunger Strike": [],
    "Amnesty International to Close its Hong Kong Offices": [],
    "Tiananmen Vigil Convictions Highlight Accelerating Collapse of Freedoms in Hong Kong":
        [("Yamini Mishra", "Asia-Pacific Director", "Amnesty International")],
    "National Security Law has created a human rights emergency in Hong Kong": [],
    "Draconian repression of Muslims in Xinjiang, China, amounts to crimes against humanity": [],
    "Governments Must Stop Conniving with Fossil Fuel Industries to Burn Our Rights": [],
    "United States Takes Historic Step In Protecting Uyghurs In China":
        [("Joanne Lin", "National Director, Advocacy and Government Affairs", "Amnesty International USA")],
    "Death penalty 2019: Global executions fell by 5%, hitting a 10-year low": [],
    "Disturbing expulsion of U.S. journalists further stifles access to information amid COVID-19 crisis":
        [("Joshua Rosenzweig", "Head of China team", "Amnesty International")],
}


def triples(speakers):
    return [(s.name, s.role, s.organisation) for s in speakers]


@pytest.fixture(scope="module")
def sample():
    return list(load_releases(FIXTURE))


def test_the_sample_newsroom_yields_exactly_the_speakers_a_reader_finds(sample):
    assert {r.title for r in sample} == set(SAMPLE_SPEAKERS)
    found = {r.title: triples(extract_speakers(r.text)) for r in sample}
    assert found == SAMPLE_SPEAKERS
    # measured: 6 of 6 people quoted found, no false speakers in the 12 releases
    assert sum(len(v) for v in found.values()) == 6


def test_quotes_after_the_attribution_are_kept(sample):
    by_title = {r.title: extract_speakers(r.text) for r in sample}
    lau = by_title["WTA’s Decision Should Push for Effective Investigation of Sexual Violence in China"][0]
    assert lau.quote.startswith("Amnesty International shares")
    lin = by_title["United States Takes Historic Step In Protecting Uyghurs In China"][0]
    assert lin.quote.startswith("Today, the Uyghur Human Rights Policy Act")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Doriane Lau, Amnesty International’s China researcher said: “No.”", ("Doriane Lau", "China researcher", "Amnesty International")),
        ("Amnesty International’s China Campaigner Gwen Lee said: “Free them.”", ("Gwen Lee", "China Campaigner", "Amnesty International")),
        ("“It must stop,” said Carolyn Nash, Asia Advocacy Director at Amnesty International USA.", ("Carolyn Nash", "Asia Advocacy Director", "Amnesty International USA")),
        ("the Head of Amnesty International’s China team, Joshua Rosenzweig, said: “Shameful.”", ("Joshua Rosenzweig", "Head of China team", "Amnesty International")),
        ("Amnesty International Secretary General Agnès Callamard said: “A disgrace.”", ("Agnès Callamard", "Secretary General", "Amnesty International")),
        ("Dr. Jane van der Berg, senior researcher on Asia at Human Rights Watch, said the ruling was wrong.", ("Jane van der Berg", "senior researcher on Asia", "Human Rights Watch")),
        ("Gwen Lee, China campaigner, said: “Free them.”", ("Gwen Lee", "China campaigner", "")),
        ("Human Rights Watch's China director Sophie Richardson said on Monday that…", ("Sophie Richardson", "China director", "Human Rights Watch")),
        ("“Enough,” said John Smith, a spokesman for the U.S. State Department.", ("John Smith", "spokesman", "U.S. State Department")),
        # plain ASCII newswire, the job word in capitals (the quick check lowers ASCII text)
        ("Mary Jones, Chief Economist at Merrill Lynch, said rates would fall.", ("Mary Jones", "Chief Economist", "Merrill Lynch")),
        ('"Rates will fall," said Mary Jones, CHIEF ECONOMIST at Merrill Lynch.', ("Mary Jones", "CHIEF ECONOMIST", "Merrill Lynch")),
    ],
)
def test_each_attribution_shape_gives_name_role_and_organisation(text, expected):
    assert triples(extract_speakers(text)) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Amnesty International said today that the law must be repealed.",
        "President Biden will meet with Chinese President Xi Jinping to discuss policy.",
        "Sophia Huang Xueqin said she was innocent.",  # quoted, but no role: not attributed
        "Amnesty International’s Crisis Response team released dozens of new testimonies.",
        "The Chinese government said on Monday that Hong Kong Police said nothing.",
        "",
    ],
)
def test_organisations_titles_and_roleless_names_are_not_speakers(text):
    assert extract_speakers(text) == []


def test_a_speaker_quoted_twice_is_listed_once_in_order_of_appearance():
    text = (
        "Gwen Lee, China campaigner, said: “One.” Later, Doriane Lau, Amnesty International’s China researcher said: “Two.” "
        "Gwen Lee, China campaigner, added: “Three.”"
    )
    assert [s.name for s in extract_speakers(text)] == ["Gwen Lee", "Doriane Lau"]


def test_slugs_fold_accents_and_case():
    assert speaker_slug("Agnès Callamard") == "agnes-callamard"
    assert Speaker("Jane van der Berg").slug == "jane-van-der-berg"


def test_speakers_are_stored_faceted_and_searchable(tmp_path, sample):
    with NewsIndex.create(tmp_path / "idx") as index:
        index.add(sample)
        counts = {c.value: (c.label, c.count) for c in index.facets(fields=("speaker",))["speaker"]}
        assert counts == {slug: (name, 1) for slug, name in [
            ("doriane-lau", "Doriane Lau"), ("carolyn-nash", "Carolyn Nash"), ("gwen-lee", "Gwen Lee"),
            ("yamini-mishra", "Yamini Mishra"), ("joanne-lin", "Joanne Lin"), ("joshua-rosenzweig", "Joshua Rosenzweig"),
        ]}
        # "what has our China researcher said": by name, by slug in the query, and the hit says who
        hits = index.search(speaker="Doriane Lau")
        assert [h.title[:14] for h in hits] == ["WTA’s Decision"] and hits[0].speakers == ("Doriane Lau",)
        assert index.search("speaker:gwen-lee").total == 1
        assert index.search("china", speaker=["gwen-lee", "joshua-rosenzweig"]).total == 2
        details = index.get_facets(hits[0].id).speakers
        assert triples(details) == [("Doriane Lau", "China researcher", "Amnesty International")]


def test_the_speaker_facet_label_keeps_accents(tmp_path):
    release = Release(title="A statement", date=dt.date(2022, 1, 1), summary="Amnesty International Secretary General Agnès Callamard said: “No.”")
    with NewsIndex.create(tmp_path / "idx") as index:
        index.add([release])
        assert [(c.value, c.label) for c in index.facets(fields=("speaker",))["speaker"]] == [("agnes-callamard", "Agnès Callamard")]
        assert index.search(speaker="Agnès Callamard").total == 1


@pytest.mark.parametrize(
    "text",
    [
        # each has a speaker's shape (NAME, ROLE, said / said NAME, ROLE at ORG); none names a person
        "South Carolina, the state with the highest execution director count, said it would appeal.",
        "“We will not comment,” said United States, the representative of the donors at the conference.",
        "Costa Rica, the chief negotiator for the region, said the talks had failed.",
        "Customs and Border Protection, the agency whose chief spokesperson was absent, said nothing.",
        "New York, the financial director of the world, said goodbye.",
        "Homeland Security Investigations, the unit led by a deputy director, said the raids were lawful.",
    ],
)
def test_places_and_institutions_are_never_speakers(text):
    assert extract_speakers(text) == []


def test_a_person_beside_a_place_is_still_a_speaker():
    text = "Maria Lopez, South Carolina director at the ACLU, said: “Raids break families.”"
    assert triples(extract_speakers(text)) == [("Maria Lopez", "South Carolina director", "ACLU")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("South Carolina Governor Henry McMaster said the state would appeal.", ("Henry McMaster", "Governor", "South Carolina")),
        ("Texas Attorney General Ken Paxton said on Monday the law was valid.", ("Ken Paxton", "Attorney General", "Texas")),
    ],
)
def test_an_official_named_with_the_place_of_office_is_the_person_with_that_role(text, expected):
    assert triples(extract_speakers(text)) == [expected]


def test_a_sentences_first_word_or_a_title_is_not_part_of_the_name():
    text = "But Robert Lutz, Chrysler executive vice president, said the plan would fail."
    assert triples(extract_speakers(text)) == [("Robert Lutz", "Chrysler executive vice president", "")]
