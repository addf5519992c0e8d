"""The date histogram of a result set: which bucket size, and each bar's date range.

The page draws it as inline SVG on the server (no script, no chart library): one bar per year,
month or ISO week, each a link that narrows the search to that bar's dates. The bucket size
follows the span of the result set, so a decade shows years, a season shows weeks: about 5 to
60 bars whatever the archive.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import dataclass
from typing import Sequence

from ..results import FacetCount

__all__ = ["Bar", "Histogram", "bucket_range", "choose_bucket", "histogram"]

#: More filled years than this: year bars; fewer months than WEEKS_BELOW: weeks; else months.
YEARS_ABOVE = 4
WEEKS_BELOW = 4
#: The drawing's coordinate box (the SVG scales to the page's width).
WIDTH, HEIGHT = 600.0, 120.0


@dataclass(frozen=True, slots=True)
class Bar:
    """One bucket: its label ("2021-03"), count, the dates it covers, and its box in the drawing."""

    label: str
    count: int
    since: str
    until: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Histogram:
    by: str
    bars: tuple[Bar, ...]
    peak: int
    width: float = WIDTH
    height: float = HEIGHT

    @property
    def first(self) -> Bar:
        return self.bars[0]

    @property
    def last(self) -> Bar:
        return self.bars[-1]


def choose_bucket(years: Sequence[FacetCount], months: Sequence[FacetCount]) -> str:
    """"year", "month" or "week" for a result set spanning these (gap-filled) year and month buckets."""
    if len(years) > YEARS_ABOVE:
        return "year"
    if len(months) < WEEKS_BELOW:
        return "week"
    return "month"


def bucket_range(by: str, bucket: str) -> tuple[_dt.date, _dt.date]:
    """The first and last day of a bucket: ("month", "2021-02") -> (2021-02-01, 2021-02-28)."""
    if by == "year":
        year = int(bucket)
        return _dt.date(year, 1, 1), _dt.date(year, 12, 31)
    if by == "month":
        year, month = int(bucket[:4]), int(bucket[5:7])
        return _dt.date(year, month, 1), _dt.date(year, month, calendar.monthrange(year, month)[1])
    if by == "week":
        start = _dt.date.fromisocalendar(int(bucket[:4]), int(bucket[6:8]), 1)
        return start, start + _dt.timedelta(days=6)
    raise ValueError(f"no date range for buckets of {by!r}")


def _clip(day: _dt.date, low: str, high: str) -> str:
    text = day.isoformat()
    if low and text < low:
        text = low
    if high and text > high:
        text = high
    return text


def histogram(by: str, counts: Sequence[FacetCount], *, since: str = "", until: str = "") -> Histogram | None:
    """Bars for gap-filled bucket counts in time order; None when there is nothing to draw.

    ``since``/``until`` (ISO dates): the range already searched; a bar's range is clipped to it,
    so clicking a bar only ever narrows the search.
    """
    if not counts or not any(c.count for c in counts):
        return None
    peak = max(c.count for c in counts)
    step = WIDTH / len(counts)
    gap = min(2.0, step * 0.15)
    bars = []
    for i, c in enumerate(counts):
        start, end = bucket_range(by, c.value)
        height = (HEIGHT - 4) * c.count / peak if c.count else 0.0
        bars.append(
            Bar(
                label=c.value, count=c.count, since=_clip(start, since, until), until=_clip(end, since, until),
                x=round(i * step + gap / 2, 2), y=round(HEIGHT - height, 2), width=round(step - gap, 2), height=round(height, 2),
            )
        )
    return Histogram(by=by, bars=tuple(bars), peak=peak)
