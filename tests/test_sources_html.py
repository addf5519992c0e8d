"""Saved HTML pages (sources/html.py, html_article.py): listings of any layout and single articles.

The real pages of ../shared/data/html_pages are read against their TRUTH.tsv (what a careful
reader sees); small fixtures cut from them and synthetic pages pin each rule.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsindex import SourceError, load_releases
from newsindex.cli import main
from shared_data import DATA

PAGES = DATA / "html_pages"
FIXTURES = Path(__file__).parent / "fixtures" / "pages"


def key(title: str) -> str:
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("\xa0", " ")):
        title = title.replace(a, b)
    return " ".join(title.casefold().split())


def read(data: bytes | str | Path, name: str = "page.html", fmt: str | None = None):
    if isinstance(data, Path):
        errors: list[SourceError] = []
        return list(load_releases(data, format=fmt, errors=errors)), errors
    stream = io.BytesIO(data.encode("utf-8") if isinstance(data, str) else data)
    stream.name = name
    errors = []
    return list(load_releases(stream, format=fmt, errors=errors)), errors


def truth() -> dict[str, list[dict]]:
    with open(PAGES / "TRUTH.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    pages: dict[str, list[dict]] = {}
    for row in rows:
        pages.setdefault(row["filename"], []).append(row)
    return pages


LISTINGS = sorted(name for name, rows in truth().items() if rows[0]["kind"] == "listing")
ARTICLES = sorted(name for name, rows in truth().items() if rows[0]["kind"] == "article")


@pytest.mark.parametrize("page", LISTINGS)
def test_every_entry_of_each_real_listing_has_its_title_and_its_own_date(page):
    rows = truth()[page]
    releases, errors = read(PAGES / page)
    dated = [row for row in rows if row["date"]]
    assert [(key(r.title), r.date.isoformat()) for r in releases] == [(key(row["title"]), row["date"]) for row in dated]
    # the one entry the page shows no date for (wordpress-com) is a reject naming it, never given a date
    undated = [row for row in rows if not row["date"]]
    assert len(errors) == len(undated)
    for error, row in zip(errors, undated):
        assert "shows no date" in error.reason and row["title"][:30] in error.reason and error.line


@pytest.mark.parametrize("page", ARTICLES)
def test_each_real_article_gives_its_headline_date_and_main_text(page):
    (row,) = truth()[page]
    releases, errors = read(PAGES / page)
    assert errors == [] and len(releases) == 1
    release = releases[0]
    assert key(release.title) == key(row["title"])
    assert release.date == dt.date.fromisoformat(row["date"])
    lead = row["lead_start"]
    window = 120 + (release.body.find(lead[:40]) + len(lead) + 200 if lead and lead[:40] in release.body[:200] else 0)
    assert row["body_start"][:40] in release.body[:window]
    assert release.url.startswith("http")


def test_a_utf8_page_under_a_wrong_latin1_declaration_is_read_as_utf8():
    releases, _ = read(FIXTURES / "brady-house_listing.html")
    assert "President’s Veto Puts Unions Ahead of Workers and Local Businesses" in [r.title for r in releases]
    # the title link's href, made absolute by the page's own canonical/base url when it has one
    assert all("DocumentID=" in r.url for r in releases)


def test_stacked_date_boxes_time_elements_and_date_cells_are_read():
    nelson, _ = read(FIXTURES / "billnelson-senate_listing-2015.html")  # Mar / 9 / 2015 above the title
    assert (nelson[0].title, nelson[0].date) == ("Lawmakers seek tougher penalties for ID thieves", dt.date(2015, 3, 9))
    assert nelson[0].summary.startswith("WASHINGTON, D.C. -")
    cowan, _ = read(FIXTURES / "cowan-senate_listing.html")  # <time datetime="2013-05-01">05/01/13</time>
    assert cowan[0].date == dt.date(2013, 5, 1) and len(cowan) == 15
    assert not cowan[0].url.startswith((" ", "\n")) and "\n" not in cowan[0].url
    keating, _ = read(FIXTURES / "keating-house_listing.html")  # the date cell after the title
    assert [(r.title, r.date) for r in keating][:2] == [
        ("Keating Announces EPA Grant for New Bedford", dt.date(2015, 3, 13)),
        ("Keating Urges Expedited Resolution of H-2B Visa Suspension", dt.date(2015, 3, 12)),
    ]


CARDS = """<!doctype html><html><head><title>Newsroom | Example Org</title></head><body>
<nav><ul><li><a href="/about">About the organisation</a></li><li><a href="/news">All the news we have</a></li></ul></nav>
<h1>Newsroom</h1>
<div class="list">{cards}</div>
<aside><h3>Recent posts</h3><ul><li><a href="/x">A sidebar post with a date</a> <span>1 May 2020</span></li></ul></aside>
<footer><a href="/privacy">Privacy policy and cookies</a> 2024</footer></body></html>"""


def card(title: str, date: str | None, before: bool) -> str:
    when = f'<span class="date">{date}</span>' if date else ""
    link = f'<h2><a href="/news/{title[:10].replace(" ", "-")}">{title}</a></h2>'
    body = "<p>Summary of the release, a sentence or two long.</p>"
    return f'<div class="card">{when + link if before else link + when}{body}</div>'


@pytest.mark.parametrize("before", [True, False], ids=["date before the title", "date after the title"])
def test_an_entry_without_a_date_is_rejected_never_given_its_neighbours(before):
    cards = "".join(card(t, d, before) for t, d in [
        ("Hong Kong vigil organisers jailed", "December 3, 2021"),
        ("Lawyer released after two years", None),
        ("Kenya police must end excessive force", "2021-11-30"),
        ("Brazil land defenders under attack", "• Nov 2, 2021"),
    ])
    releases, errors = read(CARDS.format(cards=cards))
    assert [(r.title, r.date.isoformat()) for r in releases] == [
        ("Hong Kong vigil organisers jailed", "2021-12-03"),
        ("Kenya police must end excessive force", "2021-11-30"),
        ("Brazil land defenders under attack", "2021-11-02"),
    ]
    assert len(errors) == 1 and "Lawyer released" in errors[0].reason and "no date" in errors[0].reason


@pytest.mark.parametrize("before", [True, False], ids=["dates before titles", "dates after titles"])
def test_bare_siblings_are_split_at_the_titles_the_way_that_gives_each_one_date(before):
    items = [("Minister condemns attack on aid convoy", "12 March 2024"), ("New visa rules for seasonal workers", "5 March 2024"),
             ("Budget statement delivered to parliament", "1 March 2024")]
    parts = []
    for title, date in items:
        pair = [f'<p class="meta">Posted on {date}</p>', f'<h3><a href="/{date[:2]}">{title}</a></h3>']
        parts.extend(pair if before else pair[::-1])
    releases, errors = read(f"<html><body><div id='content'>{''.join(parts)}</div></body></html>")
    assert errors == []
    assert [(r.title, r.date.day) for r in releases] == [(t, int(d.split()[0])) for t, d in items]


def test_a_page_of_numeric_dates_reads_them_as_the_page_shows_them():
    rows = "".join(f'<tr><td>{d}</td><td><a href="/{i}">Release number {i} of the office</a></td></tr>'
                   for i, d in enumerate(["04/25/13", "04/17/13", "03/01/13"]))
    releases, _ = read(f"<html><body><table>{rows}</table></body></html>")
    assert [r.date for r in releases] == [dt.date(2013, 4, 25), dt.date(2013, 4, 17), dt.date(2013, 3, 1)]


def test_an_article_page_with_related_dated_links_is_one_article():
    related = "".join(f'<li><a href="/r{i}">Related story number {i} here</a> <time datetime="2019-07-2{i}">2{i} July 2019</time></li>' for i in range(4))
    body = "".join(f"<p>Paragraph {i} of the release, which goes on for a while to make a real body of text.</p>" for i in range(12))
    page = (f'<html><head><title>Big news | Org</title><meta property="og:title" content="Big news: the ministry acts"></head><body>'
            f'<h1>Big news: the ministry acts</h1><time datetime="2020-01-15">15 January 2020</time><div class="body">{body}</div>'
            f'<ul class="related">{related}</ul></body></html>')
    (release,), errors = read(page)
    assert errors == [] and release.title == "Big news: the ministry acts"
    assert release.body.startswith("Paragraph 0 of the release")


def test_formats_come_from_the_content_too(tmp_path):
    (tmp_path / "saved.txt").write_bytes((FIXTURES / "cowan-senate_listing.html").read_bytes())
    assert len(list(load_releases(tmp_path / "saved.txt"))) == 15  # HTML under a .txt name
    stream = io.BytesIO((FIXTURES / "cowan-senate_listing.html").read_bytes())
    assert len(list(load_releases(stream))) == 15  # a stream, sniffed
    (tmp_path / "page.htm").write_text("<html><body><p>nothing dated here</p></body></html>", encoding="utf-8")
    with pytest.raises(SourceError, match="page.htm"):
        list(load_releases(tmp_path / "page.htm"))


def test_tag_reports_a_cut_off_entry_and_goes_on(tmp_path):
    page = (FIXTURES.parent / "newsroom_sample.txt").read_text(encoding="utf-8") + "\n\nPress Release\n\nA release whose page was cut\n\nThe text stops\n"
    (tmp_path / "saved.txt").write_text(page, encoding="utf-8")
    result = CliRunner().invoke(main, ["tag", str(tmp_path / "saved.txt")])
    assert result.exit_code == 0, result.output
    assert "incomplete entry" in result.stderr and "saved.txt:" in result.stderr
    assert result.stdout.count("\n\n") >= 12  # the 12 releases were tagged


def test_whole_card_links_read_more_links_and_an_introduction_do_not_confuse_the_listing():
    intro = "".join(f"<p>Our newsroom publishes statements, reports and updates on human rights {i} around the world, "
                    "every week of the year, in several languages and for all audiences.</p>" for i in range(6))
    cards = "".join(
        f'<article class="card"><a class="card-link" href="/news/{i}"><h3>Release number {i} about the region</h3>'
        f'<time datetime="2024-03-{10 + i:02d}">{10 + i} March 2024</time><p>A teaser of the release, short.</p></a>'
        f'<a class="more" href="/news/{i}">Read more about Release number {i} about the region</a></article>'
        for i in range(9)
    )
    releases, errors = read(f"<html><body><div class='intro'>{intro}</div><main>{cards}</main></body></html>")
    assert errors == []
    assert [(r.title, r.date.day) for r in releases] == [(f"Release number {i} about the region", 10 + i) for i in range(9)]


def test_a_listing_whose_entries_show_no_dates_is_a_clear_error_not_an_article():
    rows = "".join(f'<li class="item"><h3><a href="/n/{i}">Release number {i} about the region</a></h3></li>' for i in range(8))
    with pytest.raises(SourceError, match=r"listing\.html: a listing page \(8 links to releases\) but no entry shows a date"):
        read(f"<html><head><title>News</title></head><body><h1>News</h1><ul>{rows}</ul></body></html>", name="listing.html")


def test_a_release_featured_above_the_list_and_in_it_is_read_once():
    featured = '<div class="hero"><h1><a href="/news/0">Release number 0 about the region</a></h1><time datetime="2024-03-10">10 March 2024</time></div>'
    items = "".join(f'<li class="row"><h3><a href="/news/{i}">Release number {i} about the region</a></h3><span>2024/03/{10 + i}</span></li>' for i in range(4))
    releases, errors = read(f"<html><body>{featured}<ul>{items}</ul></body></html>")
    assert errors == [] and [(r.url, r.date.day) for r in releases] == [(f"/news/{i}", 10 + i) for i in range(4)]


def test_a_blog_byline_with_category_links_after_the_date_dates_its_entry():
    items = "".join(
        f'<div class="item"><h2><a href="/p/{i}">Release number {i} about the region</a></h2>'
        f'<p class="byline">June {10 + i}, 2024 in <a href="/tag/a{i}">Human rights</a>, <a href="/tag/b{i}">Asia</a></p>'
        f'<p><a href="/p/{i}#c">3 Comments</a></p></div>'
        for i in range(4)
    )
    releases, errors = read(f"<html><body><main>{items}</main></body></html>")
    assert errors == [] and [(r.title, r.date) for r in releases] == [
        (f"Release number {i} about the region", dt.date(2024, 6, 10 + i)) for i in range(4)]


def test_bare_sibling_entries_keep_their_teasers_and_are_not_read_as_one_article():
    teasers = [f"The ministry said on Tuesday that measure number {i} would take effect next month, after a long "
               "consultation with unions, employers and local councils across the country." for i in range(3)]
    parts = "".join(f'<h4><a href="/n/{i}">Release number {i} about the region</a></h4><p class="date">{12 - i} March 2024</p>'
                    f"<p>{teaser}</p>" for i, teaser in enumerate(teasers))
    releases, errors = read(f"<html><body><main><h1>Press releases</h1>{parts}</main></body></html>")
    assert errors == []
    assert [(r.title, r.date.day, r.summary) for r in releases] == [
        (f"Release number {i} about the region", 12 - i, teasers[i]) for i in range(3)]


def test_a_dated_sidebar_widget_is_not_the_listing_even_when_it_is_longer():
    river = "".join(f'<div class="river-item"><h3><a href="/n/{i}">Release number {i} about the region</a></h3>'
                    f'<p class="d">{20 - i} May 2024</p></div>' for i in range(2))
    sidebar = "".join(f'<li><a href="/old/{i}">An older story number {i} of the site</a> <span>{i + 1} January 2023</span></li>'
                      for i in range(5))
    page = f'<html><body><main>{river}</main><div class="sidebar"><h3>Recent posts</h3><ul>{sidebar}</ul></div></body></html>'
    releases, errors = read(page)
    assert errors == [] and [(r.title, r.date.day) for r in releases] == [
        ("Release number 0 about the region", 20), ("Release number 1 about the region", 19)]


def test_a_date_box_of_unspaced_spans_is_one_date():
    rows = "".join(f'<div class="row"><div class="datebox"><span>Mar</span><span>{9 - i}</span><span>2015</span></div>'
                   f'<h2><a href="/n/{i}">Release number {i} about the region</a></h2></div>' for i in range(3))
    releases, errors = read(f"<html><body>{rows}</body></html>")
    assert errors == [] and [r.date for r in releases] == [dt.date(2015, 3, 9 - i) for i in range(3)]


ARTICLE_TEXT = "".join(f"<p>Paragraph {i}: the ministry said the measure would take effect next month after a consultation "
                       "with unions and employers.</p>" for i in range(8))
LATEST = '<div class="block"><h2>Latest news</h2><ul>' + "".join(
    f'<li><a href="/n/{k}">Another release number {k} of the ministry</a><span class="date">{k + 1} February 2024</span></li>'
    for k in range(10)) + "</ul></div>"


@pytest.mark.parametrize("where", ["after", "before"])
def test_an_article_takes_the_date_beside_its_headline_not_a_latest_news_boxs(where):
    article = f'<article><h1>Minister announces new measures</h1><p>Published: 12.03.2024</p>{ARTICLE_TEXT}</article>'
    body = article + LATEST if where == "after" else LATEST + article
    (release,), errors = read(f"<html><head><title>Minister acts | Ministry</title></head><body>{body}</body></html>")
    assert errors == [] and (release.title, release.date) == ("Minister announces new measures", dt.date(2024, 3, 12))


def test_an_article_headline_is_the_heading_over_its_text_when_the_title_tag_says_something_else():
    page = (f"<html><head><title>Aktuelles</title></head><body><h2>Minister announces new measures</h2>"
            f"<p>BERLIN, 12 March 2024 — The ministry said the measure would take effect next month, after a long consultation.</p>"
            f"{ARTICLE_TEXT}</body></html>")
    (release,), errors = read(page)
    assert errors == [] and (release.title, release.date) == ("Minister announces new measures", dt.date(2024, 3, 12))
    assert release.body.startswith("BERLIN, 12 March 2024")


def test_a_lenient_multi_file_run_reports_a_page_without_dated_entries_and_indexes_the_rest(tmp_path):
    from newsindex import NewsIndex

    rows = "".join(f'<li class="item"><h3><a href="/n/{i}">Release number {i} about the region</a></h3></li>' for i in range(8))
    (tmp_path / "undated.html").write_text(f"<html><body><h1>News</h1><ul>{rows}</ul></body></html>", encoding="utf-8")
    (tmp_path / "chrome.txt").write_text("Main menu\n\nAbout us\n\nContact\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(tmp_path / "idx"), str(tmp_path / "undated.html"), str(tmp_path / "chrome.txt"),
                                       str(FIXTURES / "cowan-senate_listing.html"), "-q"])
    assert result.exit_code == 0, result.output
    assert "undated.html" in result.output and "no entry shows a date" in result.output and "chrome.txt" in result.output
    with NewsIndex.open(tmp_path / "idx") as index:
        assert index.search("", limit=100).total == 15  # the listing that can be read is all there


def test_formats_are_told_by_content_whatever_the_suffix(tmp_path):
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Ministry</title><item><title>Budget statement delivered</title>'
            '<link>https://example.org/budget</link><pubDate>Tue, 12 Mar 2024 10:00:00 +0000</pubDate>'
            '<description><![CDATA[<html><p>The minister spoke.</p></html>]]></description></item></channel></rss>')
    (tmp_path / "saved-feed.html").write_text(feed, encoding="utf-8")  # a feed saved from the browser as .html
    (release,) = load_releases(tmp_path / "saved-feed.html")
    assert (release.title, release.url, release.date) == ("Budget statement delivered", "https://example.org/budget", dt.date(2024, 3, 12))
    stream = io.BytesIO(feed.encode())  # sniffed: a feed whose CDATA holds "<html" is still a feed
    assert [r.title for r in load_releases(stream)] == ["Budget statement delivered"]
    xhtml = ('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><body>'
             + "".join(f'<div class="row"><h2><a href="/n/{i}">Release number {i} about the region</a></h2><p>{10 + i} March 2024</p></div>'
                       for i in range(3)) + "</body></html>")
    (tmp_path / "page.xml").write_text(xhtml, encoding="utf-8")  # an XHTML page under .xml: not a feed
    assert [r.date.day for r in load_releases(tmp_path / "page.xml")] == [10, 11, 12]


def test_an_html_listing_fetched_by_url_is_read_by_the_html_reader_with_absolute_links():
    from test_sources_url import Server

    rows = "".join(f'<div class="row"><h2><a href="/news/{i}">Release number {i} about the region</a></h2><p>{10 + i} March 2024</p></div>'
                   for i in range(3))
    server = Server()
    server.routes["/newsroom/"] = (200, {"Content-Type": "text/html; charset=utf-8"}, f"<html><body>{rows}</body></html>".encode())
    server.thread.start()
    try:
        releases = list(load_releases(server.url("/newsroom/")))
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        server.thread.join(timeout=5)
    assert [(r.title, r.date.day) for r in releases] == [(f"Release number {i} about the region", 10 + i) for i in range(3)]
    assert [r.url for r in releases] == [server.url(f"/news/{i}") for i in range(3)]


def test_a_listing_served_as_plain_text_is_read_as_a_saved_text_page():
    from test_sources_url import Server

    server = Server()
    server.routes["/news.txt"] = (200, {"Content-Type": "text/plain; charset=utf-8"}, (FIXTURES.parent / "newsroom_sample.txt").read_bytes())
    server.thread.start()
    try:
        releases = list(load_releases(server.url("/news.txt")))
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        server.thread.join(timeout=5)
    assert len(releases) == 12


def test_a_card_link_of_type_title_and_date_blocks_gives_the_title_block():
    cards = "".join(f'<div class="card"><a class="card__link" href="/n/{i}"><p class="card__type">Press Release</p>'
                    f'<p class="card__title">Release number {i} about the region</p><p class="card__date">December {3 + i}, 2021</p></a></div>'
                    for i in range(3))
    emphasis = '<div class="card"><a class="card__link" href="/n/9">A release with <em>emphasised words</em> inside</a><p>December 9, 2021</p></div>'
    releases, errors = read(f"<html><body><main>{cards}{emphasis}</main></body></html>")
    assert errors == [] and [(r.title, r.date.day) for r in releases] == [
        *((f"Release number {i} about the region", 3 + i) for i in range(3)), ("A release with emphasised words inside", 9)]


def test_an_article_dated_only_by_its_dateline_is_not_given_a_latest_news_date():
    page = (f"<html><head><title>Experts call for inquiry | UN</title></head><body><article><h1>Experts call for inquiry</h1>"
            f"<p>GENEVA, 24 November 2022 – The experts said reports of torture must be investigated promptly.</p>{ARTICLE_TEXT}</article>"
            f"{LATEST}</body></html>")
    (release,), errors = read(page)
    assert errors == [] and (release.title, release.date) == ("Experts call for inquiry", dt.date(2022, 11, 24))
