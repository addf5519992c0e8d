"""Export: stored releases as JSON Lines (the format ``newsindex index`` reads) and hits as CSV.

JSON Lines is the archive format: one ``Release.to_dict()`` per line, with the facets *as the
source gave them* (extracted countries, issues and speakers are recomputed when the file is
indexed again), so an index can be rebuilt with a newer newsindex, moved, or diffed.

CSV is for spreadsheets: one row per hit, multi-valued fields joined with "; ".
"""

from __future__ import annotations

import csv
import json
from typing import IO, Iterable

from .records import Release
from .results import Hit

__all__ = ["write_jsonl", "write_csv", "CSV_COLUMNS"]

CSV_COLUMNS: tuple[str, ...] = (
    "rank", "score", "id", "date", "title", "type", "source", "countries", "issues", "speakers", "url", "snippet",
)


def write_jsonl(releases: Iterable[Release], out: IO[str]) -> int:
    """Write one JSON object per release to ``out``; returns how many were written."""
    count = 0
    for release in releases:
        out.write(json.dumps(release.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(hits: Iterable[Hit], out: IO[str]) -> int:
    """Write a header and one row per hit (columns: CSV_COLUMNS); returns the number of rows.

    Open ``out`` with ``newline=""`` as the csv module asks.
    """
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for hit in hits:
        writer.writerow(
            [
                hit.rank,
                f"{hit.score:.4f}" if hit.score else "",
                hit.id,
                hit.date.isoformat() if hit.date else "",
                hit.title,
                hit.type,
                hit.source,
                "; ".join(hit.countries),
                "; ".join(hit.issues),
                "; ".join(hit.speakers),
                hit.url,
                hit.snippet,
            ]
        )
        count += 1
    return count
