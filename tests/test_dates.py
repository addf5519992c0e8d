import datetime as dt

import pytest

from newsindex.dates import parse_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("December 2, 2021", dt.date(2021, 12, 2)),
        ("2 Dec 2021", dt.date(2021, 12, 2)),
        ("2 December 2021", dt.date(2021, 12, 2)),
        ("2021-12-02", dt.date(2021, 12, 2)),
        ("Dec. 2, 2021", dt.date(2021, 12, 2)),
        ("26-FEB-1987 15:01:01.79", dt.date(1987, 2, 26)),
        ("  November 15,  2021 ", dt.date(2021, 11, 15)),
        ("March 3rd, 2020", dt.date(2020, 3, 3)),
        ("2021-12-02T10:00:00", dt.date(2021, 12, 2)),
    ],
)
def test_dates_newsrooms_print_are_parsed(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("February 30, 2021", "out of range"),
        ("December 2021", "no day"),
        ("2021", "no"),
        ("03/04/2021", "ambiguous"),
        ("yesterday-ish", "unrecognised"),
        ("", "empty"),
    ],
)
def test_untrustworthy_dates_raise_value_error_saying_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(text)


def test_a_missing_day_never_becomes_todays_day():
    with pytest.raises(ValueError):
        parse_date("June 2021")


def test_dates_and_datetimes_pass_through():
    assert parse_date(dt.date(2020, 1, 1)) == dt.date(2020, 1, 1)
    assert parse_date(dt.datetime(2020, 1, 1, 5)) == dt.date(2020, 1, 1)


def test_dotted_dates_are_day_first_and_impossible_ones_are_refused():
    import datetime as dt

    import pytest

    from newsindex.dates import parse_date

    assert parse_date("12.03.2024") == dt.date(2024, 3, 12)
    with pytest.raises(ValueError, match="impossible date '31.02.2024'"):
        parse_date("31.02.2024")
    with pytest.raises(ValueError, match="ambiguous"):
        parse_date("03/04/2021")
