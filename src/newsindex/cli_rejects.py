"""The bad records of one `newsindex index` run: counted, the first few kept, all streamed to --rejects.

A fault campaign fed `index` 1,000,000 records without a title: it worked, at a peak of 800 MB,
because every reject (with its raw record, for the rejects file) was kept in a list and the
file was written at the end. :class:`RejectLog` is what ``load_releases(errors=...)`` appends
to instead: it writes each reject to the --rejects file as it arrives and keeps only a count
and the first ``KEEP`` for the summary, so memory no longer grows with the rejects.
"""

from __future__ import annotations

import json
from typing import IO, Any, Iterable

from .errors import SourceError
from .results import Rejection

__all__ = ["RejectLog"]


class RejectLog:
    """A sink for rejects (``append`` is what ``load_releases(errors=...)`` calls)."""

    #: Rejects kept in memory for the run's summary (the --rejects file has every one).
    KEEP = 5

    def __init__(self, path: str | None) -> None:
        self.count = 0
        self.first: list[tuple[str, str]] = []  # (where, reason)
        self._out: IO[str] | None = open(path, "w", encoding="utf-8") if path else None  # noqa: SIM115 - closed by close()

    def append(self, error: SourceError) -> None:
        where = f"{error.path}:{error.line}" if error.line else error.path
        self._note(where, error.reason, error.record)

    def add_rejections(self, rejections: Iterable[Rejection]) -> None:
        """Releases ``add()`` refused (no title after all), after the source's own rejects."""
        for rejection in rejections:
            self._note(rejection.where, rejection.reason, None)

    def _note(self, where: str, reason: str, record: str | None) -> None:
        self.count += 1
        if len(self.first) < self.KEEP:
            self.first.append((where, reason))
        if self._out is not None:
            self._out.write(json.dumps({"where": where, "reason": reason, "record": record}, ensure_ascii=False) + "\n")

    @property
    def path(self) -> str | None:
        return self._out.name if self._out is not None else None

    def close(self) -> None:
        if self._out is not None:
            self._out.close()

    def __enter__(self) -> RejectLog:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
