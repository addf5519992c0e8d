"""Timelines: date-bucket facets (year, month, ISO week) with empty buckets filled, and charts.

A timeline is the ``year``/``month``/``week`` facet of a search: counts per bucket over the whole
result set, in time order. Buckets with no release between the first and the last are filled
with zero, so a chart shows the quiet months too (a gap in coverage is news).

    >>> [(c.value, c.count) for c in fill_gaps("month", [FacetCount("2021-11", 2), FacetCount("2022-01", 1)])]
    [('2021-11', 2), ('2021-12', 0), ('2022-01', 1)]

:func:`bars` draws a Unicode bar chart for terminals; :func:`plot` writes a PNG or SVG when
matplotlib is installed (``pip install 'newsindex[plot]'``; it is not a dependency).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from typing import Literal, Sequence

from .results import FacetCount
from .schema import TIME_FACETS, iso_week

__all__ = ["By", "BUCKETS", "bucket_of", "buckets_between", "fill_gaps", "bars", "plot"]

By = Literal["year", "month", "week"]
BUCKETS: tuple[str, ...] = TIME_FACETS
_PATTERNS = {"year": re.compile(r"^\d{4}$"), "month": re.compile(r"^\d{4}-\d{2}$"), "week": re.compile(r"^\d{4}-W\d{2}$")}
#: A filled timeline longer than this is refused rather than built (e.g. weeks over 1000 years
#: of bad dates): nobody reads it, and it would take the memory of a query.
MAX_BUCKETS = 20_000
_EIGHTHS = " ▏▎▍▌▋▊▉"


def _check(by: str) -> None:
    if by not in BUCKETS:
        raise ValueError(f"timeline buckets are {', '.join(BUCKETS)}, not {by!r}")


def bucket_of(by: By, date: _dt.date) -> str:
    """The bucket a date falls in: "2021", "2021-12" or "2021-W48"."""
    _check(by)
    if by == "year":
        return f"{date.year:04d}"
    if by == "month":
        return f"{date.year:04d}-{date.month:02d}"
    return iso_week(date)


def _start(by: By, bucket: str) -> _dt.date:
    if not _PATTERNS[by].match(bucket):
        raise ValueError(f"{bucket!r} is not a {by} bucket")
    if by == "year":
        return _dt.date(int(bucket), 1, 1)
    if by == "month":
        return _dt.date(int(bucket[:4]), int(bucket[5:7]), 1)
    return _dt.date.fromisocalendar(int(bucket[:4]), int(bucket[6:8]), 1)


def _next(by: By, day: _dt.date) -> _dt.date:
    if by == "year":
        return _dt.date(day.year + 1, 1, 1)
    if by == "month":
        return _dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return day + _dt.timedelta(days=7)


def buckets_between(by: By, first: str, last: str) -> list[str]:
    """Every bucket from ``first`` to ``last``, inclusive ("2021-11", "2022-01" → three months)."""
    _check(by)
    day, end = _start(by, first), _start(by, last)
    out: list[str] = []
    while day <= end:
        out.append(bucket_of(by, day))
        if len(out) > MAX_BUCKETS:
            raise ValueError(f"a timeline from {first} to {last} by {by} has more than {MAX_BUCKETS} buckets; choose a coarser one")
        day = _next(by, day)
    return out


def fill_gaps(by: By, counts: Sequence[FacetCount], *, start: _dt.date | None = None, end: _dt.date | None = None) -> tuple[FacetCount, ...]:
    """``counts`` in time order with a zero for every empty bucket between the first and last.

    ``start``/``end`` widen the span to those dates (a timeline "since 2021-01-01" starts in
    January even when the first hit is in March); they never narrow it.
    """
    _check(by)
    by_value = {c.value: c for c in counts}
    values = sorted(by_value)
    if start is not None:
        values.insert(0, bucket_of(by, start))
    if end is not None:
        values.append(bucket_of(by, end))
    if not values:
        return ()
    first, last = min(values), max(values)
    return tuple(by_value.get(b) or FacetCount(value=b, count=0, label=b) for b in buckets_between(by, first, last))


def bars(counts: Sequence[FacetCount], *, width: int = 40) -> list[str]:
    """A horizontal bar chart, one line per bucket: "2021-06  ███████▌ 5".

    Bars are scaled so the largest count is ``width`` characters, with eighth-block precision;
    a non-zero count always shows at least a sliver.
    """
    if not counts:
        return []
    top = max(c.count for c in counts) or 1
    label_width = max(len(c.label or c.value) for c in counts)
    count_width = len(str(top))
    lines = []
    for c in counts:
        eighths = round(c.count / top * width * 8)
        if c.count and not eighths:
            eighths = 1
        bar = "█" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")
        lines.append(f"{(c.label or c.value):<{label_width}}  {c.count:>{count_width}} {bar}".rstrip())
    return lines


def plot(counts: Sequence[FacetCount], path: str | os.PathLike[str], *, title: str = "", by: str = "") -> None:
    """Write a bar chart of ``counts`` to ``path`` (PNG or SVG, from the suffix) with matplotlib.

    Raises ImportError with the install command when matplotlib is missing.
    """
    suffix = os.fspath(path).rsplit(".", 1)[-1].lower()
    if suffix not in ("png", "svg"):
        raise ValueError(f"a chart is written as .png or .svg, not {os.fspath(path)!r}")
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display needed
        from matplotlib import pyplot
    except ImportError as exc:
        raise ImportError("charts need matplotlib: pip install 'newsindex[plot]' (or pip install matplotlib)") from exc
    labels = [c.label or c.value for c in counts]
    figure, axes = pyplot.subplots(figsize=(max(6.0, min(0.35 * len(labels), 24.0)), 4.0))
    try:
        axes.bar(range(len(labels)), [c.count for c in counts], color="#d4a017")
        step = max(1, len(labels) // 24)  # at most ~24 tick labels stay readable
        axes.set_xticks(range(0, len(labels), step))
        axes.set_xticklabels(labels[::step], rotation=60, ha="right", fontsize=8)
        axes.set_ylabel("releases")
        if by:
            axes.set_xlabel(by)
        if title:
            axes.set_title(title)
        figure.tight_layout()
        figure.savefig(os.fspath(path), format=suffix)
    finally:
        pyplot.close(figure)
