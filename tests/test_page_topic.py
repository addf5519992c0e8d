"""A listing page's own heading as the label of its releases: country pages and topic pages."""

from __future__ import annotations

import dataclasses

import pytest

from newsindex import NewsIndex, load_releases, load_taxonomy
from newsindex.sources.headings import html_headings, text_headings
from newsindex.tagging.pages import page_topic


@pytest.mark.parametrize(
    ("headings", "countries", "issues"),
    [
        (["Bahrain | Human Rights Watch"], ("BH",), ()),
        (["News on Hong Kong"], ("HK",), ()),
        (["Human rights in China"], ("CN",), ()),
        (["Israel/Palestine"], ("IL", "PS"), ()),
        (["Death Penalty – Amnesty International USA"], (), ("death-penalty",)),
        (["Capital Punishment | ACLU"], (), ("death-penalty",)),
        (["Immigrants' Rights"], (), ("refugee-migrant-rights",)),
        (["Privacy & Technology"], (), ("technology-human-rights",)),
        (["Press releases | Amnesty International USA"], (), ()),  # the site's own name is no topic
        (["Media Releases | U.S. Senator Bill Nelson"], (), ()),
        (["Newsroom"], (), ()),
        (["Hong Kong vigil organisers jailed for 10 months over the Tiananmen vigil"], (), ()),  # a headline
    ],
)
def test_a_heading_names_a_country_or_an_issue_only_when_it_is_one(headings, countries, issues):
    topic = page_topic(headings)
    assert (topic.countries, topic.issues) == (countries, issues)


def test_headings_are_read_from_html_and_from_text():
    page = "<html><head><title>Bahrain | HRW</title></head><body><h1 class='t'>Bahrain <small>news</small></h1></body></html>"
    assert html_headings(page) == ["Bahrain  news", "Bahrain | HRW"]
    assert text_headings(["", "Refugee and Migrant Rights", "", "Press Release", "Title | Site"]) == ["Refugee and Migrant Rights", "Title | Site"]


CARD = '<article><h3><a href="/n/{i}">{title}</a></h3><p>{summary}</p><time>March {day}, 2024</time></article>'


def _html_page(path, title, h1, entries):
    cards = "".join(CARD.format(i=i, title=t, summary=s, day=i + 1) for i, (t, s) in enumerate(entries))
    path.write_text(f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{h1}</h1><main>{cards}</main></body></html>", encoding="utf-8")
    return path


ENTRIES = [
    ("Jau Prison: Hundreds of prisoners on hunger strike over conditions", "Detainees protest the denial of medical care."),
    ("Nabeel Rajab released under alternative sentencing law", "The rights defender was freed after years in prison."),
    ("Court upholds sentences against opposition leaders in mass trial", ""),
]


def test_every_release_of_a_country_page_carries_its_country_beside_its_own(tmp_path):
    path = _html_page(tmp_path / "bahrain.html", "Bahrain | Human Rights Watch", "Bahrain", ENTRIES + [("Saudi court jails Bahraini activist", "Riyadh's Specialized Criminal Court ruled.")])
    releases = list(load_releases(path))
    assert len(releases) == 4 and all(r.extra["page"]["headings"] == ["Bahrain", "Bahrain | Human Rights Watch"] for r in releases)
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add(releases)
        assert index.search("", country="BH").total == 4  # none of the first three names Bahrain
        assert {"BH", "SA"} <= set(index.get(releases[3].id).facets.countries)  # its own country stays
        assert index.get(releases[0].id).facets.countries == index.search("jau prison").hits[0].countries == ("BH",)


def test_every_release_of_a_topic_page_carries_its_issue(tmp_path):
    text = "Refugee and Migrant Rights\n\nPress Release\n\nFamilies held at Dilley facility describe conditions\n\nMothers describe cold rooms.\n\nMarch 3, 2024\n\nPress Release\n\nCourt blocks new rule on the southern border\n\nThe rule would have barred most people.\n\nFebruary 1, 2024\n"
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    with NewsIndex.in_memory() as index:
        index.add(load_releases(tmp_path / "page.txt"))
        assert index.search("", issue="refugee-migrant-rights").total == 2


def test_a_feed_of_one_category_labels_its_items(tmp_path):
    items = "".join(f"<item><title>Entry number {i} about a case</title><link>https://x.org/{i}</link><pubDate>Mon, 0{i} Jan 2024 10:00:00 GMT</pubDate></item>" for i in range(1, 4))
    (tmp_path / "feed.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Death Penalty – Amnesty International USA</title>{items}</channel></rss>', encoding="utf-8")
    releases = list(load_releases(tmp_path / "feed.xml"))
    assert len(releases) == 3 and all(r.extra["page"]["headings"] == ["Death Penalty – Amnesty International USA"] for r in releases)
    with NewsIndex.in_memory() as index:
        index.add(releases)
        assert index.search("", issue="death-penalty").total == 3


def test_no_label_from_a_newsroom_heading_an_article_or_a_first_entry(tmp_path):
    newsroom = _html_page(tmp_path / "n.html", "Press releases | Amnesty International USA", "Press releases", ENTRIES)
    with NewsIndex.in_memory() as index:
        index.add(load_releases(newsroom))
        assert index.search("", country="US").total == 0  # "Amnesty International USA" is the site, not the topic
    article = tmp_path / "a.html"
    article.write_text("<html><head><title>Bahrain | HRW</title></head><body><h1>Bahrain: activists jailed</h1><time>March 3, 2024</time><p>" + "Text of the article. " * 40 + "</p></body></html>", encoding="utf-8")
    assert all("page" not in r.extra for r in load_releases(article))
    # a text page without a heading of its own starts with its first entry's title
    text = "Death penalty figures 2019\n\nExecutions fell worldwide, the report found.\n\nApril 20, 2020\n\nTorture survivors speak out in a new report\n\nTestimonies from survivors in ten countries.\n\nMarch 1, 2020\n"
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    assert all("page" not in r.extra for r in load_releases(tmp_path / "t.txt"))


def test_given_values_win_and_a_custom_taxonomy_reads_the_heading_itself(tmp_path):
    path = _html_page(tmp_path / "p.html", "Death Penalty | ACLU", "Death Penalty", ENTRIES)
    releases = list(load_releases(path))
    given = dataclasses.replace(releases[0], countries=("US",), issues=("torture",))
    (tmp_path / "tax.toml").write_text('min_score = 1.0\n[issues.executions]\nlabel = "Executions"\nterms = { "death penalty" = 2 }\n', encoding="utf-8")
    with NewsIndex.create(tmp_path / "ix", taxonomy=load_taxonomy(tmp_path / "tax.toml")) as index:
        index.add([given, *releases[1:]])
        assert index.get(given.id).facets.countries == ("US",) and index.get(given.id).facets.issues == ("torture",)
        assert index.get(releases[1].id).facets.issues == ("executions",)  # the index's taxonomy, not the shipped one


def test_titles_that_start_with_the_country_are_titles_not_a_repeated_label():
    """Amnesty and HRW title a country page's entries "Iran: ..."; a label repeated in every entry
    ("Contact: Amy B. Lazenby") is boilerplate, but a long value after it is a headline."""
    fixture = __import__("pathlib").Path(__file__).parent / "fixtures" / "country_page_iran.txt"
    errors: list = []
    releases = list(load_releases(fixture, errors=errors))
    assert errors == []
    assert [r.title for r in releases][:3] == [
        "Iran: Death in custody of Mahsa Amini must be investigated",
        "Iran: Protesters Executed After Sham Trials",
        "Iran: Narges Mohammadi awarded Nobel Peace Prize while held in Evin prison",
    ]
    with NewsIndex.in_memory() as index:
        index.add(releases)
        assert index.search("", country="IR").total == 5  # the page is "Iran": every release, named or not
