"""Following newsrooms: the URLs an index was built from, re-read with a conditional GET.

``newsindex index INDEX https://example.org/feed/`` indexes what the URL holds and remembers
the URL in the index with the validators its server sent (``ETag``, ``Last-Modified``).
``newsindex update INDEX`` (:func:`update`) fetches every remembered URL again, sending those
validators: a server that has nothing new answers 304 and costs nothing; otherwise the releases
whose id is not in the index are added, those whose text or date changed are updated, and the
others are left alone (so an update is cheap and its counts mean something).

Decisions:

* **Stored with the index** as ``sources.json`` in its directory, written atomically (a
  temporary file, then ``os.replace``), like saved searches: the list moves with the index.
  An in-memory index keeps it in memory, for as long as the index object lives.
* **Validators are saved only after the releases they came with are committed.** Saved
  earlier, a crash between the two would make the next update get a 304 and never index them.
* **One URL failing never stops the others**: it is reported (``UpdateReport.failed``) and the
  next one is fetched; ``strict=True`` raises at the first failure instead.
"""

from __future__ import annotations

import datetime as _dt
import json
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from .errors import NewsIndexError, SourceError
from .integrity import write_atomic
from .records import Release
from .sources.url import Fetched, fetch, parse_fetched

if TYPE_CHECKING:
    from .index import NewsIndex

__all__ = ["SOURCES_FILE", "FollowedSource", "Followed", "followed", "UpdateReport", "update"]

SOURCES_FILE = "sources.json"
_FORMAT = "newsindex-sources/1"


@dataclass(frozen=True, slots=True)
class FollowedSource:
    """A URL the index follows, with what its server said at the last fetch."""

    url: str
    etag: str = ""
    last_modified: str = ""
    fetched: str = ""  # ISO time of the last fetch (UTC)
    final_url: str = ""  # after redirects, when it differs

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("url", self.url), ("etag", self.etag), ("last_modified", self.last_modified), ("fetched", self.fetched), ("final_url", self.final_url)) if v}


class Followed:
    """The URLs of one index and their validators (``sources.json``); :meth:`note` then :meth:`save`."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._memory: dict[str, FollowedSource] = {}
        self._pending: dict[str, FollowedSource] = {}

    def _load(self) -> dict[str, FollowedSource]:
        if self._path is None:
            return dict(self._memory)
        if not self._path.exists():
            return {}
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            if data.get("format") != _FORMAT:
                raise ValueError(f"format {data.get('format')!r}")
            return {item["url"]: FollowedSource(**item) for item in data["sources"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise NewsIndexError(f"{self._path} is unreadable ({exc}); fix or delete it (it holds only the followed URLs)") from exc

    def __iter__(self) -> Iterator[FollowedSource]:
        sources = self._load()
        return iter([sources[url] for url in sorted(sources)])

    def __len__(self) -> int:
        return len(self._load())

    def get(self, url: str) -> FollowedSource | None:
        return self._load().get(url)

    def note(self, url: str, fetched: Fetched) -> None:
        """Remember this fetch's validators, to be written by :meth:`save` (after the commit)."""
        now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
        self._pending[url] = FollowedSource(url, fetched.etag, fetched.last_modified, now, fetched.url if fetched.url != url else "")

    def save(self) -> None:
        """Write the noted fetches (atomically: a crash leaves the old file or the new one)."""
        if not self._pending:
            return
        sources = self._load()
        sources.update(self._pending)
        self._pending.clear()
        self._write(sources)

    def _write(self, sources: dict[str, FollowedSource]) -> None:
        if self._path is None:
            self._memory = sources
            return
        data = {"format": _FORMAT, "sources": [sources[url].to_dict() for url in sorted(sources)]}
        write_atomic(self._path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")  # read-only etc.: one line

    def remove(self, url: str) -> bool:
        """Stop following ``url``; False if it was not followed."""
        sources = self._load()
        if sources.pop(url, None) is None:
            return False
        self._pending.pop(url, None)
        self._write(sources)
        return True

    def releases(self, url: str, *, errors: list[SourceError] | None = None) -> Iterator[Release]:
        """Fetch ``url`` (unconditionally) and yield its releases, noting its validators.

        The error policy is that of ``load_releases``: ``errors=None`` raises the first bad
        record's SourceError, a list collects them. Fetch failures always raise (FetchError).
        """
        fetched = fetch(url)
        yield from _apply(parse_fetched(fetched, asked=url), errors)
        self.note(url, fetched)


_BY_INDEX: "weakref.WeakKeyDictionary[Any, Followed]" = weakref.WeakKeyDictionary()


def followed(index: NewsIndex) -> Followed:
    """The followed URLs of ``index`` (one object per index, so an in-memory index keeps them)."""
    store = _BY_INDEX.get(index)
    if store is None:
        store = Followed(index.path / SOURCES_FILE if index.path is not None else None)
        _BY_INDEX[index] = store
    return store


def _apply(items: Iterator[Release | SourceError], errors: list[SourceError] | None) -> Iterator[Release]:
    for item in items:
        if isinstance(item, SourceError):
            if errors is None:
                raise item
            errors.append(item)
        else:
            yield item


@dataclass(frozen=True)
class UpdateReport:
    """What :func:`update` did, per followed URL and in all."""

    sources: int = 0
    not_modified: int = 0  # answered 304 (or the same body): nothing to read
    added: int = 0
    updated: int = 0
    unchanged: int = 0  # releases fetched again, already indexed as they are
    rejected: tuple[SourceError, ...] = ()  # bad items, and whole files that could not be read
    failed: tuple[tuple[str, str], ...] = ()  # (url, reason): could not be fetched
    per_source: Mapping[str, str] = field(default_factory=dict)  # url -> one-line outcome

    def summary(self) -> str:
        parts = [f"{self.sources} sources", f"{self.not_modified} not modified", f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.rejected:
            parts.append(f"{len(self.rejected)} rejected")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        return ", ".join(parts)


def _differs(old: Release, new: Release) -> bool:
    return any(getattr(old, name) != getattr(new, name) for name in ("title", "date", "summary", "body", "type", "url"))


def update(index: NewsIndex, *, strict: bool = False, timeout: float = 0.0) -> UpdateReport:
    """Re-read every URL ``index`` follows with a conditional GET; add what is new, update what changed.

    ``strict``: raise at the first URL that fails or bad item (what was committed before stays);
    else report them and go on. ``timeout``: seconds to wait for another writer's lock.
    """
    store = followed(index)
    counts = {"sources": 0, "not_modified": 0, "added": 0, "updated": 0, "unchanged": 0}
    rejected: list[SourceError] = []
    failed: list[tuple[str, str]] = []
    outcome: dict[str, str] = {}
    for source in list(store):
        counts["sources"] += 1
        url = source.url
        try:
            fetched = fetch(url, etag=source.etag, last_modified=source.last_modified)
            if fetched.not_modified:
                counts["not_modified"] += 1
                store.note(url, fetched)
                store.save()
                outcome[url] = "not modified"
                continue
            errors: list[SourceError] | None = None if strict else []
            fresh = list(_apply(parse_fetched(fetched, asked=url), errors))
        except SourceError as exc:  # FetchError, or a response that is no feed/page at all
            if strict:
                raise
            failed.append((url, exc.reason))
            outcome[url] = f"failed: {exc.reason}"
            continue
        changed = []
        unchanged = 0
        for release in fresh:
            old = index.get(release.id)
            if old is None or _differs(old, release):
                changed.append(release)
            else:
                unchanged += 1
        report = index.add(changed, strict=strict, timeout=timeout) if changed else None
        store.note(url, fetched)
        store.save()  # after the commit: see the module docstring
        added = report.added if report else 0
        updated = report.updated if report else 0
        counts["added"] += added
        counts["updated"] += updated
        counts["unchanged"] += unchanged
        rejected.extend(errors or ())
        if report is not None:
            rejected.extend(SourceError(r.where, None, r.reason) for r in report.rejected)
        outcome[url] = f"{added} added, {updated} updated, {unchanged} unchanged" + (f", {len(errors)} rejected" if errors else "")
    return UpdateReport(**counts, rejected=tuple(rejected), failed=tuple(failed), per_source=outcome)
