"""CSV with a header row (field names: see _fields.py). Quoted multi-line fields are fine.

A file without a title column is refused as a whole (listing the columns it has); a row with
the wrong number of columns is a record-level error naming the line where the row starts.
"""

from __future__ import annotations

import csv
from typing import Iterator

from ..errors import SourceError
from ..records import Release
from ._common import MAX_RECORD_BYTES, Source, lines_of, source_label, source_name, too_big
from ._fields import ALIASES, to_release

__all__ = ["parse"]


def parse(source: Source) -> Iterator[Release | SourceError]:
    path, label = source_name(source), source_label(source)
    # csv's default field limit (128 KB) would reject a long body with an obscure csv.Error.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_BYTES))
    starts: list[int] = []
    oversize: list[SourceError] = []  # over-long lines, reported in their place among the rows

    def feed() -> Iterator[str]:
        for line in lines_of(source):
            starts.append(line.number)
            if line.too_long:
                oversize.append(too_big(path, line.number, line.size))
                yield "\n"  # an empty row: skipped below, reported from `oversize`
            else:
                yield line.text + "\n"

    reader = csv.reader(feed())
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise SourceError(path, 1, f"unreadable CSV header: {exc}") from exc
    names = [h.strip() for h in header]
    if not any(n.lower() in ALIASES["title"] for n in names):
        raise SourceError(path, 1, f"no title column (columns: {', '.join(names) or 'none'}); name one 'title' or 'headline'")
    consumed = len(starts)
    while True:
        row_start = consumed + 1
        try:
            row = next(reader)
        except StopIteration:
            yield from oversize
            return
        except csv.Error as exc:
            consumed = len(starts)
            yield SourceError(path, row_start, f"unreadable CSV row: {exc}")
            continue
        while oversize:
            yield oversize.pop(0)
        consumed = len(starts)
        line = starts[row_start - 1] if row_start - 1 < len(starts) else row_start
        if not any(cell.strip() for cell in row):
            continue
        raw = ",".join(row)
        if len(row) != len(names):
            yield SourceError(path, line, f"row has {len(row)} columns, the header has {len(names)}", record=raw)
            continue
        yield to_release(dict(zip(names, row)), path=path, line=line, default_source=label, raw=raw)
