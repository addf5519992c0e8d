"""JSON Lines: one release per line as a JSON object (field names: see _fields.py).

Streams line by line, so a file of any size is read in constant memory. Blank lines are
skipped; a line that isn't valid JSON, isn't an object, lacks a title or has a bad date is a
record-level SourceError naming the line — the other lines are unaffected.
"""

from __future__ import annotations

import json
from typing import Iterator

from ..errors import SourceError
from ..records import Release
from ._common import MAX_RECORD_BYTES, Source, lines_of, source_label, source_name, too_big
from ._fields import to_release

__all__ = ["parse", "MAX_NESTING"]

#: A release is a flat object with a few lists (countries, issues); anything nested deeper than
#: this is not one, and refusing it early keeps later steps (tagging, export) from recursing.
MAX_NESTING = 32


def _depth_over(value: object, limit: int) -> bool:
    """True when ``value`` nests lists/objects more than ``limit`` levels (iterative: no recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def parse(source: Source) -> Iterator[Release | SourceError]:
    path, label = source_name(source), source_label(source)
    for line in lines_of(source):
        number, text = line.number, line.text
        if line.too_long:  # over the size limit: not kept in memory, reported
            yield too_big(path, number, line.size)
            continue
        if not text.strip():
            continue
        if len(text) > MAX_RECORD_BYTES:
            yield SourceError(path, number, f"record is {len(text) / 1e6:.1f} MB; the limit is {MAX_RECORD_BYTES // 2**20} MB per record", record=text[:1000])
            continue
        try:
            record = json.loads(text)
        except RecursionError:
            yield SourceError(path, number, "JSON nested too deeply to read (thousands of levels): not a release record", record=text[:1000])
            continue
        except json.JSONDecodeError as exc:
            cut_off = exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated string")
            cut = "; the line looks cut off" if cut_off else ""
            yield SourceError(path, number, f"not valid JSON ({exc.msg}, column {exc.colno}){cut}", record=text)
            continue
        if _depth_over(record, MAX_NESTING):
            yield SourceError(path, number, f"JSON nested more than {MAX_NESTING} levels deep: not a release record", record=text[:1000])
            continue
        if not isinstance(record, dict):
            yield SourceError(path, number, f"expected a JSON object {{...}}, got {type(record).__name__}", record=text)
            continue
        yield to_release(record, path=path, line=number, default_source=label, raw=text)
