"""RSS/Atom/RDF feeds: the 17 real feeds of ../shared/data/feeds against their TRUTH.tsv, and the
edge cases every feed reader meets (no date, relative links, categories, HTML, malformed XML)."""

import csv
import datetime as dt
import io
import logging
from collections import defaultdict
from pathlib import Path

import pytest

from newsindex import NewsIndex, SourceError, load_releases
from newsindex.sources.feed import feed_date, html_to_text

from shared_data import DATA  # noqa: E402  ($NEWSINDEX_DATA, else shared/data above the checkout)
FEEDS = DATA / "feeds"


def _truth() -> dict[str, list[dict[str, str]]]:
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    with open(FEEDS / "TRUTH.tsv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            rows[row["filename"]].append(row)
    return rows


def test_every_item_of_the_shared_feeds_has_the_right_title_date_and_url():
    truth = _truth()
    assert len(truth) == 17 and sum(map(len, truth.values())) == 356
    right, wrong = 0, []
    for name, rows in truth.items():
        errors: list[SourceError] = []
        releases = list(load_releases(FEEDS / name, errors=errors))  # format from the suffix / content
        assert not errors, (name, errors[:3])
        assert len(releases) == len(rows), name
        for release, row in zip(releases, rows):
            urls = {row["link"], row["link_resolved"], row["link_orig"]} - {""}
            titles = {row["title"], row["title_alt"]} - {""}
            if release.title in titles and release.date == dt.date.fromisoformat(row["date"]) and release.url in urls:
                right += 1
            else:
                wrong.append((name, release.title, release.date, release.url))
    assert right / 356 >= 0.99, wrong[:10]
    assert right == 356, wrong  # measured: 356/356


def test_feed_dates_are_the_day_written_in_the_feeds_own_offset():
    # late evening west of UTC: already the next day in UTC
    assert feed_date("Tue, 22 Mar 2022 22:02:31 -0400") == dt.date(2022, 3, 22)
    assert feed_date("Wed, 22 Aug 2012 22:24:49 EST") == dt.date(2012, 8, 22)
    assert feed_date("2017-11-08T23:15:58-05:00") == dt.date(2017, 11, 8)
    assert feed_date("Sat, Dec 16 2023 02:02:33 PM") == dt.date(2023, 12, 16)
    assert feed_date("Tue, 15 Nov 2022 20:15:04 Z") == dt.date(2022, 11, 15)
    with pytest.raises(ValueError):
        feed_date("Mon, 31 Feb 2022 10:00:00 GMT")
    with pytest.raises(ValueError):
        feed_date("sometime last week")


def test_un_news_late_evening_item_keeps_its_own_day():
    releases = {r.title: r for r in load_releases(FEEDS / "un-news_rss2.xml")}
    late = [r for r in releases.values() if r.date == dt.date(2022, 3, 22)]
    assert late, "the -0400 item written on 22 March must stay on 22 March"


def _rss(items: str, extra_channel: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Example Newsroom</title>'
        f"<link>https://example.org/news/</link>{extra_channel}{items}</channel></rss>"
    ).encode("utf-8")


def test_an_item_without_a_date_is_a_reject_with_its_line_never_today():
    data = _rss(
        "\n<item><title>Dated</title><link>https://example.org/a</link><pubDate>Mon, 06 Sep 2021 10:00:00 +0200</pubDate></item>"
        "\n<item><title>Undated</title><link>https://example.org/b</link></item>"
    )
    stream = io.BytesIO(data)
    stream.name = "news.rss"
    errors: list[SourceError] = []
    releases = list(load_releases(stream, errors=errors))
    assert [r.title for r in releases] == ["Dated"]
    assert len(errors) == 1 and "no date" in errors[0].reason and errors[0].line == 4
    stream.seek(0)
    with pytest.raises(SourceError, match="Undated"):
        list(load_releases(stream))  # strict: the error is raised


def test_item_fields_html_to_text_categories_to_issues_author_relative_links():
    data = _rss(
        "<item><title>Death row &amp; the courts</title><link>/news/2021/death-row</link>"
        "<pubDate>Mon, 06 Sep 2021 10:00:00 +0200</pubDate><author>press@example.org (Jo Bloggs)</author>"
        "<category>Death Penalty</category><category>Press releases</category>"
        "<description><![CDATA[<p>The <b>court</b> ruled&nbsp;today.</p><p>Second paragraph.</p><script>x()</script>]]></description>"
        "</item>"
    )
    (release,) = load_releases(io.BytesIO(data), format="feed")
    assert release.title == "Death row & the courts"
    assert release.url == "https://example.org/news/2021/death-row"  # resolved against the feed's link
    assert release.summary == "The court ruled today.\n\nSecond paragraph."
    assert release.source == "Example Newsroom"
    assert release.issues == ("death-penalty",)  # the category that names a taxonomy issue
    assert release.extra["categories"] == ["Death Penalty", "Press releases"]
    assert "Jo Bloggs" in release.extra["author"]
    again = list(load_releases(io.BytesIO(data), format="feed"))[0]
    assert again.id == release.id  # the id comes from the url: stable across reads


def test_atom_and_rdf_are_detected_from_the_content_whatever_the_name():
    atom = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        b'<entry><title>Atom entry</title><link href="https://example.org/e1"/><updated>2021-03-04T23:30:00-08:00</updated>'
        b"<content type=\"html\">&lt;p&gt;Body text&lt;/p&gt;</content></entry></feed>"
    )
    path_stream = io.BytesIO(atom)
    path_stream.name = "download"
    (entry,) = load_releases(path_stream)
    assert (entry.title, entry.date, entry.url, entry.body) == ("Atom entry", dt.date(2021, 3, 4), "https://example.org/e1", "Body text")
    rdf = (FEEDS / "golem_rdf.xml").read_bytes()
    stream = io.BytesIO(rdf)
    stream.name = "golem"
    (item,) = load_releases(stream)
    assert item.date == dt.date(2023, 1, 25) and item.title.startswith("Digitalministerium")


def test_malformed_feeds_are_read_where_the_reader_recovers_and_refused_where_not(caplog, tmp_path):
    caplog.set_level(logging.WARNING, "newsindex.sources")
    releases = list(load_releases(FEEDS / "dbengines_rss2.xml"))  # &nbsp; without a DTD
    assert len(releases) == 1 and "malformed feed" in caplog.text
    cut = tmp_path / "cut.rss"  # a download cut off inside its last item: that item is a reject
    cut.write_bytes(b"<rss><channel><title>x</title><item><title>Whole</title><pubDate>2021-01-02</pubDate></item><item><title>Cut")
    errors: list[SourceError] = []
    assert [r.title for r in load_releases(cut, errors=errors)] == ["Whole"]
    assert len(errors) == 1 and "cut-off" in errors[0].reason and errors[0].line == 1
    broken = tmp_path / "broken.rss"  # not a feed at all: a file-level error, even when lenient
    broken.write_bytes(b"<html><body>Service unavailable</body></html>")
    with pytest.raises(SourceError, match="broken.rss"):
        list(load_releases(broken, errors=[]))


def test_html_to_text():
    assert html_to_text("<p>One &amp; two</p><ul><li>three</li></ul>") == "One & two\n\nthree"
    assert html_to_text("plain   text") == "plain text"
    assert html_to_text("<style>p{}</style>visible") == "visible"


def test_a_feed_indexes_and_searches_by_its_categories_issue(tmp_path):
    with NewsIndex.create(tmp_path / "idx") as index:
        report = index.add(load_releases(FEEDS / "guardian_rss2.rss"))
        assert report.added == 55 and not report.rejected
        results = index.search("state of the union", facets=("source",))
        assert results.total >= 3
        assert results.facets["source"][0].value == "The Guardian"
