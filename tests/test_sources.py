"""Sources: the newsroom listing, JSON Lines and CSV, and every kind of bad input issue 4 lists.

Bad input gets a SourceError naming the file and line; in lenient mode (``errors=[]``) the
other records still come through; nothing is dropped without a report.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsindex import NewsIndexError, SourceError, load_releases, load_sample
from newsindex.sources import FORMATS

FIXTURE = Path(__file__).parent / "fixtures" / "newsroom_sample.txt"

SAMPLE = [  # read off the page: title start, type, date, photo credit
    ("WTA’s Decision Should Push", "press-release", "2021-12-02", "Minas Panagiotakis/Getty Images"),
    ("Biden Administration Must Prioritize", "press-release", "2021-11-15", ""),
    ("#MeToo journalist and labor activist", "press-release", "2021-11-09", "NOEL CELIS/AFP via Getty Images"),
    ("Release Jailed Wuhan Activist", "press-release", "2021-11-04", "Isaac Wong/SOPA Images/LightRocket via Getty Images"),
    ("Amnesty International to Close its Hong Kong Offices", "press-release", "2021-10-25", ""),
    ("Tiananmen Vigil Convictions", "press-release", "2021-09-15", "NICOLAS ASFOURI/AFP via Getty Images"),
    ("National Security Law has created", "press-release", "2021-06-29", "ISAAC LAWRENCE/AFP via Getty Images"),
    ("Draconian repression of Muslims in Xinjiang", "report", "2021-06-10", "Molly Crabapple"),
    ("Governments Must Stop Conniving", "report", "2021-06-06", "Kena Betancur/VIEWpress/Corbis via Getty Images"),
    ("United States Takes Historic Step", "press-release", "2020-06-17", "Pierre Crom/Getty Images"),
    ("Death penalty 2019", "report", "2020-04-20", ""),
    ("Disturbing expulsion of U.S. journalists", "press-release", "2020-03-18", "Christophe Licoppe © Photo News via Getty Images"),
]


def load(data: bytes | str, fmt: str | None, name: str = "input.txt", strict: bool = False):
    stream = io.BytesIO(data.encode("utf-8") if isinstance(data, str) else data)
    stream.name = name
    errors: list[SourceError] | None = None if strict else []
    releases = list(load_releases(stream, format=fmt, errors=errors))
    return releases, errors


def test_the_sample_newsroom_gives_its_twelve_releases():
    releases = list(load_releases(FIXTURE))
    assert len(releases) == 12
    for release, (title, kind, date, credit) in zip(releases, SAMPLE):
        assert release.title.startswith(title)
        assert (release.type, release.date.isoformat(), release.credit) == (kind, date, credit)
        assert release.summary
    assert [r.title for r in load_sample()] == [r.title for r in releases]


def test_the_landing_page_layout_with_the_date_first():
    page = (
        "Newsroom\n\nDecember 3, 2021 • Press Release\n\nHong Kong: vigil organisers jailed\n\n"
        "Three organisers of the Tiananmen vigil were jailed today…\n\n"
        "November 30, 2021 • Update\n\nChina: lawyer released\n\nThe lawyer was released after…\n"
    )
    releases, errors = load(page, "newsroom")
    assert errors == []
    assert [(r.title, r.type, r.date) for r in releases] == [
        ("Hong Kong: vigil organisers jailed", "press-release", dt.date(2021, 12, 3)),
        ("China: lawyer released", "update", dt.date(2021, 11, 30)),
    ]


def test_an_entry_cut_off_before_its_date_is_reported_not_invented():
    page = FIXTURE.read_text(encoding="utf-8").rstrip() + "\n\nPress Release\n\nA release whose page was cut\n\nThe text stops here\n"
    releases, errors = load(page, "newsroom", name="saved.txt")
    assert len(releases) == 12
    assert len(errors) == 1 and "incomplete" in errors[0].reason and errors[0].path == "saved.txt" and errors[0].line
    with pytest.raises(SourceError, match="incomplete"):
        load(page, "newsroom", strict=True)


def test_jsonl_and_csv_fields_and_aliases():
    jsonl = '{"headline": "A", "published": "December 2, 2021", "text": "Body", "link": "https://e.org/a", "countries": "CN; HK", "desk": "Asia"}\n'
    (release,), errors = load(jsonl, "jsonl")
    assert errors == [] and (release.title, release.date, release.body, release.url) == ("A", dt.date(2021, 12, 2), "Body", "https://e.org/a")
    assert release.countries == ("CN", "HK") and release.extra["desk"] == "Asia"
    csv_text = 'title,date,summary,issues\r\n"Vigil, jailed",2021-12-03,"Three jailed",freedom-of-assembly\r\n'
    (row,), errors = load(csv_text, "csv", name="x.csv")
    assert errors == [] and (row.title, row.summary, row.issues) == ("Vigil, jailed", "Three jailed", ("freedom-of-assembly",))


def test_every_bad_jsonl_line_is_named_and_the_rest_kept():
    lines = [
        '{"title": "Good one", "date": "2021-12-02"}',
        "[1, 2]",
        '{"body": "no title"}',
        '{"title": "Impossible", "date": "February 30, 2021"}',
        '{"title": "Good two"}',
        '{"title": "Cut off", "bo',
    ]
    releases, errors = load("\n".join(lines), "jsonl", name="export.jsonl")
    assert [r.title for r in releases] == ["Good one", "Good two"]
    assert [(e.path, e.line) for e in errors] == [("export.jsonl", 2), ("export.jsonl", 3), ("export.jsonl", 4), ("export.jsonl", 6)]
    assert "JSON object" in errors[0].reason and "title" in errors[1].reason
    assert "February 30, 2021" in errors[2].reason and "cut off" in errors[3].reason
    with pytest.raises(SourceError, match=r"export\.jsonl:2: "):
        load("\n".join(lines), "jsonl", name="export.jsonl", strict=True)


def test_a_csv_row_with_a_missing_column_and_a_file_without_a_title_column():
    releases, errors = load("title,date,body\nA,2021-12-02,x\nB,2021-12-03\n", "csv", name="x.csv")
    assert [r.title for r in releases] == ["A"]
    assert errors[0].line == 3 and "2 columns" in errors[0].reason
    with pytest.raises(SourceError, match="no title column"):
        load("label,date\nA,2021-12-02\n", "csv", name="y.csv")


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_encodings_bom_crlf_nul_and_latin1(fmt, caplog):
    if fmt == "jsonl":
        data = b'\xef\xbb\xbf{"title": "BOM first"}\r\n{"title": "caf\xe9 cr\xe8me"}\r\n{"title": "nul\x00byte"}\r\n'
    else:
        data = b"\xef\xbb\xbftitle\r\nBOM first\r\ncaf\xe9 cr\xe8me\r\nnul\x00byte\r\n"
    releases, errors = load(data, fmt, name=f"mixed.{fmt}")
    assert errors == []
    assert [r.title for r in releases] == ["BOM first", "café crème", "nulbyte"]
    assert "mixed.%s:%d" % (fmt, 2 if fmt == "jsonl" else 3) in caplog.text  # the latin-1 line is named


def test_utf16_is_detected_and_binary_is_refused():
    releases, _ = load('{"title": "Sixteen"}\n'.encode("utf-16"), "jsonl")
    assert [r.title for r in releases] == ["Sixteen"]
    with pytest.raises(SourceError, match="binary"):
        load(b"\x00\x01\x02\x03PK\x00\x00" * 50, "jsonl", name="a.zip", strict=True)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "newsroom"])
def test_an_empty_file_has_no_releases_and_no_error(fmt):
    assert load(b"", fmt) == ([], [])


def test_a_truncated_last_line_is_still_read_when_complete():
    releases, errors = load('{"title": "A"}\n{"title": "B"}', "jsonl")
    assert [r.title for r in releases] == ["A", "B"] and errors == []


def test_a_5_mb_body_is_kept_and_a_record_over_10_mb_is_reported():
    big = json.dumps({"title": "Big", "body": "words " * 900_000})
    huge = json.dumps({"title": "Huge", "body": "x" * 11_000_000})
    releases, errors = load(f"{big}\n{huge}\n{{\"title\": \"After\"}}\n", "jsonl", name="big.jsonl")
    assert [r.title for r in releases] == ["Big", "After"] and len(releases[0].body) >= 5_000_000
    assert [(e.line, "10 MB" in e.reason) for e in errors] == [(2, True)]
    releases, errors = load(b"title,body\nHuge," + b"x" * 11_000_000 + b"\nAfter,y\n", "csv", name="big.csv")
    assert [r.title for r in releases] == ["After"] and [e.line for e in errors] == [2]


def test_formats_are_detected_from_suffix_or_content(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"title": "J"}\n', encoding="utf-8")
    (tmp_path / "b.csv").write_text("title\nC\n", encoding="utf-8")
    (tmp_path / "c.data").write_text('{"title": "Sniffed"}\n', encoding="utf-8")
    assert [r.title for r in load_releases(tmp_path / "a.jsonl")] == ["J"]
    assert [r.title for r in load_releases(tmp_path / "b.csv")] == ["C"]
    assert [r.title for r in load_releases(tmp_path / "c.data")] == ["Sniffed"]
    with pytest.raises(ValueError, match="unknown format"):
        list(load_releases(tmp_path / "a.jsonl", format="xml"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400), fmt=st.sampled_from(FORMATS))
def test_any_bytes_parse_or_raise_our_error(data, fmt):
    """Whatever the bytes: releases and SourceErrors, never another exception, never a hang."""
    try:
        releases, errors = load(data, fmt)
    except NewsIndexError:
        return
    assert all(r.title.strip() for r in releases)
    assert all(isinstance(e, SourceError) and e.path for e in errors)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300), fmt=st.sampled_from(["jsonl", "csv", "newsroom"]))
def test_any_text_parses_or_raises_our_error_in_strict_mode(text, fmt):
    try:
        load(text, fmt, strict=True)
    except NewsIndexError:
        pass


OTHER_NEWSROOMS = {
    "ministry: type above the title, day-first dates": (
        "Ministry of Foreign Affairs\nPress releases\n\nStatement\nMinister condemns attack on aid convoy in Sudan\n"
        "The Minister today condemned the attack on a humanitarian convoy near El Fasher…\n12 March 2024\n\n"
        "News\nNew visa rules for seasonal workers\nFrom 1 April, seasonal workers can apply online…\n5 March 2024\n\nLoad more\n",
        [("Minister condemns attack on aid convoy in Sudan", "statement", "2024-03-12"), ("New visa rules for seasonal workers", "update", "2024-03-05")],
    ),
    "company: 'Mar 14, 2024 | Press Release' first": (
        "Newsroom\n\nMar 14, 2024 | Press Release\nAcme Corp reports record fourth-quarter earnings\n"
        "Revenue rose 12% to $4.2 billion.\n\nFeb 2, 2024 | Media Advisory\nAcme to host investor day in New York\n"
        "Executives will present the company's strategy.\n",
        [("Acme Corp reports record fourth-quarter earnings", "press-release", "2024-03-14"), ("Acme to host investor day in New York", "media-advisory", "2024-02-02")],
    ),
    "ISO date on its own line, then the type": (
        "Latest news\n\n2024-03-12\nReport\nBrazil: Indigenous land defenders under attack\nA new report documents 30 killings.\n\n"
        "2024-02-28\nPress release\nKenya: police must end excessive force at protests\nPolice fired tear gas, witnesses said.\n",
        [("Brazil: Indigenous land defenders under attack", "report", "2024-03-12"), ("Kenya: police must end excessive force at protests", "press-release", "2024-02-28")],
    ),
    "no type lines, a page heading": (
        "Our news\n\nMinister opens new hospital in Kumasi\nThe minister opened a 300-bed hospital on Monday.\n4 March 2024\n\n"
        "Budget statement delivered\nThe finance minister delivered the 2024 budget statement.\n1 March 2024\n",
        [("Minister opens new hospital in Kumasi", "", "2024-03-04"), ("Budget statement delivered", "", "2024-03-01")],
    ),
}


@pytest.mark.parametrize("name", list(OTHER_NEWSROOMS))
def test_other_newsroom_layouts(name):
    page, expected = OTHER_NEWSROOMS[name]
    releases, errors = load(page, "newsroom")
    assert errors == []
    assert [(r.title, r.type, r.date.isoformat()) for r in releases] == expected
    assert all(r.summary for r in releases)


@pytest.mark.parametrize("date_line", ["Published: 12 March 2024", "12.03.2024", "Tuesday, 12 March 2024", "March 12, 2024 10:00 AM ET", "Posted on Mar 12, 2024"])
def test_date_line_spellings(date_line):
    page = f"Press Release\nMinister condemns attack on aid convoy\nThe Minister condemned the attack on a humanitarian convoy.\n{date_line}\n"
    releases, errors = load(page, "newsroom")
    assert errors == [] and [(r.title, r.date) for r in releases] == [("Minister condemns attack on aid convoy", dt.date(2024, 3, 12))]


def test_a_month_without_a_day_is_not_a_date_line_so_the_entry_is_reported():
    page = "Press Release\nMinister condemns attack on aid convoy\nThe Minister condemned the attack on a convoy.\nMarch 2024\n"
    releases, errors = load(page, "newsroom", name="m.txt")
    assert releases == [] and len(errors) == 1 and "no date line" in errors[0].reason
