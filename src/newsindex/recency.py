"""Opt-in recency boost for "latest on X" searches: ``search("xinjiang", boost_recent=90)``.

``sort="relevance"`` stays pure BM25F. With ``boost_recent=H`` (a half-life in days) each score
is multiplied by a factor that halves its *recency part* every H days::

    factor = (1 - RECENCY_WEIGHT) + RECENCY_WEIGHT * 2 ** (-age_days / H)
    score  = bm25f * factor

``age_days`` is counted back from the newest dated release in the index, not from today, so the
same index and query always give the same order (and an archive of 2019 still ranks sensibly).
With RECENCY_WEIGHT = 0.5 the newest release keeps its whole score and a very old one half of
it: recency breaks near-ties and lifts recent coverage, but a release that is much more about
the query still wins. Undated releases get the floor (1 - RECENCY_WEIGHT).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Mapping

__all__ = ["RECENCY_WEIGHT", "recency_factor", "rank_by_recency"]

RECENCY_WEIGHT = 0.5


def recency_factor(age_days: float | None, half_life: float) -> float:
    """The multiplier for a release ``age_days`` older than the newest one (None: undated)."""
    if age_days is None:
        return 1.0 - RECENCY_WEIGHT
    return (1.0 - RECENCY_WEIGHT) + RECENCY_WEIGHT * 2.0 ** (-max(age_days, 0.0) / half_life)


def check_half_life(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"boost_recent is a half-life in days (a number > 0), not {value!r}")
    return float(value)


def rank_by_recency(scores: Mapping[int, float], *, half_life: float, ids: list[str], dates: list[str], newest: str | None) -> tuple[list[int], dict[int, float]]:
    """Every match (docnum → BM25F score in ``scores``) ordered by boosted score, then newer first, then id.

    All matches are scored (not just the top of the page) because the boost can lift a lower
    BM25F score above a higher one.
    """
    newest_day = _dt.date.fromisoformat(newest) if newest else None
    boosted: dict[int, float] = {}
    for docnum, score in scores.items():
        day = dates[docnum]
        age = (newest_day - _dt.date.fromisoformat(day)).days if day and newest_day else None
        boosted[docnum] = score * recency_factor(age, half_life)
    order = sorted(boosted, key=lambda n: ids[n])
    order.sort(key=lambda n: dates[n], reverse=True)
    order.sort(key=lambda n: boosted[n], reverse=True)
    return order, boosted
