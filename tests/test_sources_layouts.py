"""Text listing pages of every common layout (sources/newsroom.py, layout.py, datelines.py).

Each date form the issue lists, with the date before the title, after it, or between title and
summary; page chrome before and after; an entry cut off at the end. And the real listings of
../shared/data/html_pages as a browser's "save as text" gives them.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import sys
from pathlib import Path

import pytest

from newsindex import SourceError, load_releases
from newsindex.sources.datelines import date_line
from shared_data import DATA

ROOT = Path(__file__).resolve().parents[1]
PAGES = DATA / "html_pages"

HEADER = (
    "Skip to main content\n\nMain menu\nHome\nAbout us\nNews\nContact\n\n"
    "Press releases | Amnesty International\n\nFacebook Share\n\nTwitter Share\n\n"
)
FOOTER = "\nAnnual Report 2013\n\nFollow us\n\nPrivacy policy\n\n© 2024 Amnesty International\n"
ENTRIES = [
    ("Hong Kong: vigil organisers jailed for commemorating Tiananmen", "Three organisers of the annual candlelight vigil were sentenced today to prison terms, in a further blow to freedoms in the city."),
    ("Kenya: police must end excessive force at protests", "Police fired tear gas and live ammunition at protesters in Nairobi, witnesses said, leaving at least five people injured."),
    ("Brazil: Indigenous land defenders under attack", "A new report documents thirty killings of Indigenous land defenders in the Amazon over the past two years."),
    ("Saudi Arabia: release women's rights activists now", "Several women's rights activists remain detained without charge more than a year after their arrest."),
]
DATES = [dt.date(2024, 3, 12), dt.date(2024, 2, 28), dt.date(2024, 2, 1), dt.date(2023, 12, 19)]
#: The date forms of real newsrooms, as strftime patterns.
FORMS = {
    "24 July 2014": "%d %B %Y",
    "Thursday 13 August 2009": "%A %d %B %Y",
    "Apr 23, 2013": "%b %d, %Y",
    "Oct 18, 2018": "%b %d, %Y",
    "• June 11, 2014": "• %B %d, %Y",
    "2021-12-02": "%Y-%m-%d",
    "By Jane Doe | April 23, 2013": "By Jane Doe | %B %d, %Y",
    "December 3, 2021 • Press Release": "%B %d, %Y • Press Release",
    "Press release | 12 March 2024": "Press release | %d %B %Y",
}
#: Type labels beside a date head an entry: those forms are date-first layouts.
HEADS = {"December 3, 2021 • Press Release", "Press release | 12 March 2024"}


def page(form: str, order: str, *, summaries: bool = True, blank: bool = True, cut: bool = False) -> str:
    sep = "\n\n" if blank else "\n"
    out = [HEADER]
    for (title, summary), date in zip(ENTRIES, DATES):
        when = date.strftime(FORMS[form])
        more = [summary] if summaries else []
        parts = {"first": [when, title, *more], "last": [title, *more, when], "middle": [title, when, *more]}[order]
        out.append(sep.join(parts) + "\n\n")
    if cut:
        out.append(dt.date(2023, 11, 2).strftime(FORMS[form]) if order == "first" else
                   "Yemen: civilians killed in air strike\n\nAn air strike hit a market on Tuesday, killing at least twelve civilians and injuring more.")
        out.append("\n")
    out.append(FOOTER)
    return "".join(out)


def read(text: str, name: str = "saved.txt"):
    stream = io.BytesIO(text.encode("utf-8"))
    stream.name = name
    errors: list[SourceError] = []
    return list(load_releases(stream, format="newsroom", errors=errors)), errors


CASES = [
    (form, order, summaries, blank, cut)
    for form in FORMS
    for order in ("first", "last", "middle")
    for summaries in (True, False)
    for blank in (True, False)
    for cut in (False, True)
    # a type beside a date after the title, on a page cut off: its two ends fit both readings
    if not (form in HEADS and order != "first" and cut)
    and not (form in HEADS and order != "first" and not summaries)
]


@pytest.mark.parametrize("form, order, summaries, blank, cut", CASES)
def test_each_layout_gives_every_entry_its_own_date_and_no_chrome(form, order, summaries, blank, cut):
    releases, errors = read(page(form, order, summaries=summaries, blank=blank, cut=cut))
    assert [(r.title, r.date) for r in releases] == [(t, d) for (t, _), d in zip(ENTRIES, DATES)]
    if summaries:
        assert [r.summary for r in releases] == [s for _, s in ENTRIES]
    # the entry cut off at the end is one reject naming the file and its line, never dropped
    assert len(errors) == (1 if cut else 0)
    if cut:
        assert errors[0].path == "saved.txt" and errors[0].line and "entry" in errors[0].reason


def test_a_type_beside_the_date_is_the_entrys_type():
    releases, _ = read(page("December 3, 2021 • Press Release", "first"))
    assert {r.type for r in releases} == {"press-release"}


@pytest.mark.parametrize("text, date", [
    ("24 July 2014", "24 July 2014"), ("Thursday 13 August 2009", "13 August 2009"), ("• June 11, 2014", "June 11, 2014"),
    ("Posted in Press Releases on April 17, 2015 |", "April 17, 2015"), ("Originally published 12 Mar 2024", "12 Mar 2024"),
    ("April 23, 2013 by Jane Doe", "April 23, 2013"), ("Oct 18, 2018 | News", "Oct 18, 2018"),
    ("12-Mar-2024", "12-Mar-2024"), ("2024.03.12", "2024.03.12"), ("March 12th, 2024", "March 12th, 2024"),
    ("Submitted by admin on 12 March 2024", "12 March 2024"), ("Posted on March 3, 2021 in News, Asia", "March 3, 2021"),
    ("March 12, 2024 • 3 min read", "March 12, 2024"), ("Last updated: 12 March 2024", "12 March 2024"),
])
def test_date_lines_carry_a_date_beside_their_metadata(text, date):
    assert date_line(text).text == date


@pytest.mark.parametrize("text", ["Remembering 4 June 1989", "Public Schedule for April 18th - 19th", "Annual Report 2013",
                                  "The report published on 4 June 2019 shows the scale of the abuse", "December 2021"])
def test_a_line_that_mentions_a_date_is_not_a_date_line(text):
    assert date_line(text) is None


def test_a_stacked_date_and_repeated_furniture_are_read_as_the_page_means_them():
    entry = "Mar\n\n{day}\n\n2015\n\n{title}\n\nWASHINGTON - The senator filed a bill today to fight identity theft and tax fraud.\n\nRead more\n\nPreview\n\n"
    text = "Newsroom\n\n" + "".join(entry.format(day=d, title=t) for d, t in [(9, "Lawmakers seek tougher penalties for ID thieves"),
                                                                         (2, "New report raises questions about air traffic"),
                                                                         (1, "Nelson bill on liquid nicotine clears hurdle")])
    releases, errors = read(text)
    assert errors == [] and [(r.title, r.date.day) for r in releases] == [
        ("Lawmakers seek tougher penalties for ID thieves", 9), ("New report raises questions about air traffic", 2),
        ("Nelson bill on liquid nicotine clears hurdle", 1)]
    assert all("Preview" not in r.summary for r in releases)


def test_numeric_dates_follow_the_page_and_an_undecidable_page_is_refused_with_the_reason():
    rows = "".join(f"{d}\n\nRelease {i}: the senator speaks on the floor\n\n" for i, d in enumerate(["05/01/13", "04/25/13", "04/17/13"]))
    releases, errors = read("Press\n\n" + rows)
    assert [r.date for r in releases] == [dt.date(2013, 5, 1), dt.date(2013, 4, 25), dt.date(2013, 4, 17)]
    rows = "".join(f"{d}\n\nRelease {i}: the senator speaks on the floor\n\n" for i, d in enumerate(["05/01/13", "04/02/13", "03/03/13"]))
    releases, errors = read("Press\n\n" + rows)
    assert releases == [] and len(errors) == 3 and all("ambiguous" in e.reason for e in errors)


def test_a_page_without_dated_entries_is_a_clear_error():
    with pytest.raises(SourceError, match="no dated entries"):
        read("Newsroom\n\nOur latest news\n\nSee all releases\n")


def _as_text():
    spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "benchmarks" / "bench_pages.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (dataclasses look their module up there)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_the_real_listings_saved_as_text_are_read_with_their_own_dates():
    """The six real listings as text: every entry read is right (no neighbour's date), few are lost."""
    bench = _as_text()
    scores = bench.run(PAGES, text=True)
    text = [s for s in scores if s.reading == "text"]
    assert len(text) == 6
    right, total = sum(s.right for s in text), sum(s.truth for s in text)
    for score in text:  # (sanford: title, date and type, then the teaser repeating the title in capitals)
        assert score.right == score.truth and score.wrong_date == 0, score.notes
    assert right / total >= 0.90
    assert sum(s.extras for s in text) <= 0.05 * right


def test_a_type_line_above_the_date_belongs_to_the_entry_below_it():
    kinds = ["Press Release", "Report", "Statement", "Update"]
    text = HEADER + "".join(f"{k}\n\n{d.strftime('%d %B %Y')}\n\n{t}\n\n{s}\n\n" for k, d, (t, s) in zip(kinds, DATES, ENTRIES)) + FOOTER
    releases, errors = read(text)
    assert errors == []
    assert [(r.title, r.date, r.type) for r in releases] == [
        (t, d, slug) for (t, _), d, slug in zip(ENTRIES, DATES, ["press-release", "report", "statement", "update"])
    ]


def test_a_country_tag_above_each_date_is_not_a_title():
    text = HEADER + "".join(f"{c}\n{d.strftime('%d %B %Y')}\n{t}\n{s}\n\n" for c, d, (t, s) in zip(["Hong Kong", "Kenya", "Brazil", "Saudi Arabia"], DATES, ENTRIES)) + FOOTER
    releases, errors = read(text)
    assert errors == [] and [(r.title, r.date) for r in releases] == [(t, d) for (t, _), d in zip(ENTRIES, DATES)]
    assert [r.summary for r in releases] == [s for _, s in ENTRIES]


def test_a_reliefweb_style_entry_with_metadata_fields_and_two_dates_is_one_entry():
    lines = [f"{t}\n\nFormat: News and Press Release · Source: OCHA · Posted: {d:%d %b %Y} · Originally published: {d:%d %b %Y}\n\n{s}\n\n"
             for (t, s), d in zip(ENTRIES, DATES)]
    releases, errors = read(HEADER + "".join(lines) + FOOTER)
    assert errors == [] and [(r.title, r.date) for r in releases] == [(t, d) for (t, _), d in zip(ENTRIES, DATES)]
    lines = [f"{t}\n\nPosted {d:%d %b %Y}\nOriginally published {d:%d %b %Y}\n\n{s}\n\n" for (t, s), d in zip(ENTRIES, DATES)]
    releases, errors = read(HEADER + "".join(lines) + FOOTER)
    assert errors == [] and [(r.title, r.date) for r in releases] == [(t, d) for (t, _), d in zip(ENTRIES, DATES)]


@pytest.mark.parametrize("order", ["first", "last", "middle"])
@pytest.mark.parametrize("where", ["above the title", "below the date", "beside the date"])
def test_a_type_line_anywhere_in_the_entry_leaves_each_entry_its_own_date(order, where):
    kinds = ["Press Release", "Statement", "Report", "News"]
    out = [HEADER]
    for k, d, (t, s) in zip(kinds, DATES, ENTRIES):
        when = f"{d:%d %B %Y} • {k}" if where == "beside the date" else f"{d:%d %B %Y}"
        typed = [k] if where != "beside the date" else []
        if order == "first":
            parts = [when, *(typed if where == "below the date" else []), *(typed if where == "above the title" else []), t, s]
        elif order == "last":
            parts = [*typed, t, s, when] if where != "beside the date" else [t, s, when]
        else:
            parts = [t, when, *typed, s]
        out.append("\n\n".join(parts) + "\n\n")
    releases, errors = read("".join(out) + FOOTER)
    assert errors == [] and [(r.title, r.date, r.summary) for r in releases] == [(t, d, s) for (t, s), d in zip(ENTRIES, DATES)]


def test_a_teaser_repeating_the_headline_in_capitals_marks_the_title_above_the_date():
    """Drupal 'congress' pages: title, date, type, furniture, the headline again, the opening text;
    some entries have no teaser at all. Under date-first each entry would end with the next title."""
    entries = []
    for i, ((title, summary), d) in enumerate(zip(ENTRIES, DATES)):
        teaser = [title.upper(), summary] if i % 2 == 0 else []
        entries.append("\n\n".join([title, f"{d:%b %d, %Y}\nPress Release", "Contact: Amy Lazenby", "FOR IMMEDIATE RELEASE", *teaser]))
    releases, errors = read(HEADER + "\n\n".join(entries) + "\n\nPages\n\n1\n\n2\n\nnext ›\n\n" + FOOTER)
    assert errors == [] and [(r.title, r.date, r.type) for r in releases] == [(t, d, "press-release") for (t, _), d in zip(ENTRIES, DATES)]
    assert [r.summary for r in releases] == [s if i % 2 == 0 else "" for i, (_, s) in enumerate(ENTRIES)]


@pytest.mark.parametrize("blank", [True, False])
def test_a_type_line_under_each_date_and_no_summaries_still_gives_each_title_its_date_when_cut(blank):
    sep = "\n\n" if blank else "\n"
    entries = "".join(sep.join([t, f"{d:%d %B %Y}", "Press Release"]) + "\n\n" for (t, _), d in zip(ENTRIES, DATES))
    cut = "Yemen: civilians killed in air strike" + sep + "An air strike hit a market on Tuesday, killing twelve.\n\n"
    releases, errors = read(HEADER + entries + cut + FOOTER)
    assert [(r.title, r.date) for r in releases] == [(t, d) for (t, _), d in zip(ENTRIES, DATES)]
    assert len(errors) == 1 and "Yemen" in errors[0].reason


def test_metadata_labels_on_lines_of_their_own_are_joined_to_their_values():
    """ReliefWeb saved as text: "Posted" / "12 Mar 2024" / "Originally published" / "10 Mar 2024"."""
    lines = [f"{t}\n\nFormat\nNews and Press Release\nSource\nOCHA\nPosted\n{d:%d %b %Y}\nOriginally published\n{d:%d %b %Y}\n\n{s}\n\n"
             for (t, s), d in zip(ENTRIES, DATES)]
    releases, errors = read(HEADER + "".join(lines) + FOOTER)
    assert errors == [] and [(r.title, r.date, r.summary) for r in releases] == [(t, d, s) for (t, s), d in zip(ENTRIES, DATES)]


def test_a_drupal_submitted_by_line_is_the_entrys_date():
    lines = [f"{t}\n\nSubmitted by admin on {d:%d %B %Y}\n\n{s}\n\nRead more\n\n" for (t, s), d in zip(ENTRIES, DATES)]
    releases, errors = read("TAPOL\n\nNews\n\n" + "".join(lines))
    assert errors == [] and [(r.title, r.date) for r in releases] == [(t, d) for (t, _), d in zip(ENTRIES, DATES)]


@pytest.mark.parametrize("sep", [" – ", " - ", ": ", " | "])
def test_one_line_entries_of_a_date_then_a_headline_are_split(sep):
    lines = "".join(f"• {d:%B %d, %Y}{sep}{t}\n" for (t, _), d in zip(ENTRIES, DATES))
    releases, errors = read("Latest Updates\n\n" + lines + "\nMore updates\n")
    assert errors == [] and [(r.title, r.date) for r in releases] == [(t, d) for (t, _), d in zip(ENTRIES, DATES)]
    # a type or a byline after the date is metadata, not a headline
    assert date_line("12 March 2024 | Press release").type == "press-release" and date_line("12 March 2024 – by Jane Doe")


@pytest.mark.parametrize("order", ["first", "last"])
def test_where_both_ends_fit_the_blank_lines_tell_which_title_a_date_goes_with(order):
    """No summaries, a long heading above the first date, long footer lines after the last:
    both readings fit the page's ends; each date is printed in one block with its own title."""
    blocks = "".join((f"{d:%B %d, %Y}\n{t}" if order == "first" else f"{t}\n{d:%B %d, %Y}") + "\n\n" for (t, _), d in zip(ENTRIES, DATES))
    text = ("Main menu\n\nLatest news and statements from our offices\n\n" + blocks +
            "Sign up for our newsletter today\n\nGet the latest news in your inbox every week\n\nPrivacy policy\n")
    releases, errors = read(text)
    got = [(r.title, r.date) for r in releases]
    assert all(pair in got for pair in ((t, d) for (t, _), d in zip(ENTRIES, DATES))), got
    assert not any(d in DATES and (t, d) not in zip([t for t, _ in ENTRIES], DATES) for t, d in got)  # no neighbour's date


@pytest.mark.parametrize("text, day", [
    ("Montag, 3. Juli 2018", dt.date(2018, 7, 3)), ("29. April 2024", dt.date(2024, 4, 29)), ("12. Dez. 2020", dt.date(2020, 12, 12)),
    ("Veröffentlicht am 15. Dezember 2020", dt.date(2020, 12, 15)), ("lundi 12 mars 2024", dt.date(2024, 3, 12)),
    ("1er mars 2024", dt.date(2024, 3, 1)), ("martes, 12 de marzo de 2024", dt.date(2024, 3, 12)),
    ("12 giugno 2023", dt.date(2023, 6, 12)), ("12 maart 2024", dt.date(2024, 3, 12)), ("12 de março de 2024", dt.date(2024, 3, 12)),
])
def test_dates_in_the_other_languages_newsrooms_publish_in_are_date_lines(text, day):
    from newsindex.dates import parse_date

    assert parse_date(date_line(text).text) == day
    assert date_line("12 Mar 2024").text == "12 Mar 2024" and date_line("Mars rovers 2024") is None


def test_a_german_listing_saved_as_text_gives_each_entry_its_date():
    titles = ["Stadt eröffnet neues Reparaturcafé im Zentrum", "Polizei sucht Zeugen nach Unfall auf der B 54",
              "Bürgermeister empfängt Delegation aus der Partnerstadt"]
    days = ["27. Januar 2020", "15. Dezember 2019", "3. Juli 2019"]
    text = "Aktuelles\n\n" + "".join(f"{d}\n\n{t}\n\nDie Stadtverwaltung informiert über die neuesten Entwicklungen in der Stadt.\n\n" for t, d in zip(titles, days))
    releases, errors = read(text + "Impressum\n")
    assert errors == [] and [(r.title, r.date) for r in releases] == list(zip(titles, [dt.date(2020, 1, 27), dt.date(2019, 12, 15), dt.date(2019, 7, 3)]))
