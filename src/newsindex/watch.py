"""Saved searches (watches): a named query with filters, and "what is new since I last looked".

A press officer's morning: re-index the newsroom page, then ``newsindex watch run releases.idx``
to see the releases that match each saved search and were not there at its previous run.

Watches live in the index directory as ``watches.json`` (written atomically: a temporary file,
then ``os.replace``), so they move with the index; an in-memory index keeps them in memory.
"New" is decided by ids, not clocks: each watch remembers the ids it matched at its last run
(or when it was added), and a run reports the matching ids it had not seen. So re-indexing the
same page every morning reports nothing twice, an updated release is not "new", and a release
that newly matches (re-tagged, or edited to mention the subject) is.
"""

from __future__ import annotations

import datetime as _dt
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from .errors import NewsIndexError
from .integrity import write_atomic
from .records import Release

if TYPE_CHECKING:
    from .index import NewsIndex

__all__ = ["Watch", "WatchRun", "Watches", "WATCH_FILE", "WATCH_FILTERS", "watches_of"]

WATCH_FILE = "watches.json"
#: The search() keywords a watch may keep (the same names as everywhere else).
WATCH_FILTERS: tuple[str, ...] = ("country", "issue", "type", "source", "speaker", "since", "until", "match")
_FORMAT = 1


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True, slots=True)
class Watch:
    """A saved search: ``name``, ``query`` and ``filters`` (keywords of ``NewsIndex.search``).

    ``last_run`` is when it last ran (UTC, ISO 8601; None if never); ``seen`` the ids it matched then.
    """

    name: str
    query: str = ""
    filters: Mapping[str, Any] = field(default_factory=dict)
    created: str = ""
    last_run: str | None = None
    seen: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not isinstance(self.filters, MappingProxyType):
            object.__setattr__(self, "filters", MappingProxyType(dict(self.filters)))

    def describe(self) -> str:
        """ "hong kong (country=HK)"."""
        parts = [f"{k}={','.join(v) if isinstance(v, (list, tuple)) else v}" for k, v in self.filters.items()]
        text = repr(self.query) if self.query else "(all releases)"
        return text + (f" ({'; '.join(parts)})" if parts else "")

    def to_dict(self, *, seen: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "query": self.query, "filters": dict(self.filters), "created": self.created, "last_run": self.last_run}
        if seen:
            data["seen"] = sorted(self.seen)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Watch:
        return cls(
            name=str(data["name"]),
            query=str(data.get("query", "")),
            filters=dict(data.get("filters") or {}),
            created=str(data.get("created", "")),
            last_run=data.get("last_run"),
            seen=frozenset(data.get("seen") or ()),
        )


@dataclass(frozen=True, slots=True)
class WatchRun:
    """The result of running a watch: the releases new since its last run (newest first) and how many match in all."""

    watch: Watch
    new: tuple[Release, ...]
    total: int
    previous_run: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "watch": self.watch.to_dict(),
            "previous_run": self.previous_run,
            "total": self.total,
            "new": [release.to_dict() for release in self.new],
        }


def _clean_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in filters.items():
        if key not in WATCH_FILTERS:
            raise TypeError(f"a watch takes the filters {', '.join(WATCH_FILTERS)}, not {key!r}")
        if value is None or value == "" or value == () or value == []:
            continue
        if key == "match":
            if value not in ("all", "any"):
                raise ValueError(f"match must be 'all' or 'any', not {value!r}")
            if value == "all":
                continue
            out[key] = value
        elif key in ("since", "until"):
            out[key] = value.isoformat() if isinstance(value, _dt.date) else str(value)
        else:
            out[key] = [value] if isinstance(value, str) else [str(v) for v in value]
    return out


class Watches:
    """The saved searches of one index: ``index.watches.add("hk", "hong kong", country="HK")``.

    Iterating gives the watches by name. Changes are saved at once (``watches.json``).
    """

    def __init__(self, index: NewsIndex, path: Path | None) -> None:
        self._index = index
        self._path = path
        self._lock = threading.RLock()
        self._memory: dict[str, Watch] = {}

    # -------------------------------------------------------------- storage

    def _load(self) -> dict[str, Watch]:
        if self._path is None:
            return dict(self._memory)
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise NewsIndexError(f"{self._path} is unreadable ({exc}); fix or delete it (it holds only saved searches)") from exc
        if not isinstance(data, dict) or not isinstance(data.get("watches"), list):
            raise NewsIndexError(f"{self._path} is not a watches file; fix or delete it (it holds only saved searches)")
        watches = [Watch.from_dict(item) for item in data["watches"]]
        return {w.name: w for w in watches}

    def _save(self, watches: Mapping[str, Watch]) -> None:
        if self._path is None:
            self._memory = dict(watches)
            return
        data = {"format": _FORMAT, "watches": [watches[name].to_dict(seen=True) for name in sorted(watches)]}
        write_atomic(self._path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    # -------------------------------------------------------------- reading

    def __iter__(self) -> Iterator[Watch]:
        watches = self._load()
        return iter([watches[name] for name in sorted(watches)])

    def __len__(self) -> int:
        return len(self._load())

    def __contains__(self, name: object) -> bool:
        return name in self._load()

    def __getitem__(self, name: str) -> Watch:
        watches = self._load()
        if name not in watches:
            raise KeyError(name)
        return watches[name]

    def get(self, name: str) -> Watch | None:
        return self._load().get(name)

    # -------------------------------------------------------------- changing

    def add(self, name: str, query: str = "", *, replace: bool = False, **filters: Any) -> Watch:
        """Save a search under ``name``; releases already matching are its starting point.

        ``filters`` are ``NewsIndex.search`` keywords (country, issue, type, source, speaker,
        since, until, match). The query is checked now, so a typo fails here, not at the
        morning run. ``replace=True`` overwrites a watch of the same name.
        """
        if not isinstance(name, str) or not name.strip():
            raise ValueError("a watch needs a name")
        name = name.strip()
        cleaned = _clean_filters(filters)
        ids = self._index.ids(query, **cleaned)  # raises QueryError / ValueError now
        with self._lock:
            watches = self._load()
            if name in watches and not replace:
                raise ValueError(f"there is already a watch named {name!r}; remove it first, or pass replace=True (--replace)")
            watch = Watch(name=name, query=query, filters=cleaned, created=_now(), last_run=None, seen=frozenset(ids))
            watches[name] = watch
            self._save(watches)
        return watch

    def remove(self, name: str) -> None:
        """Delete a watch; KeyError if there is none of that name."""
        with self._lock:
            watches = self._load()
            if name not in watches:
                raise KeyError(name)
            del watches[name]
            self._save(watches)

    def run(self, name: str, *, update: bool = True) -> WatchRun:
        """The releases matching watch ``name`` now that did not at its last run, newest first.

        ``update=False`` only looks (the next run reports the same releases again).
        """
        with self._lock:
            watch = self[name]
            previous = watch.last_run
            ids = self._index.ids(watch.query, **watch.filters)
            fresh = [i for i in ids if i not in watch.seen]
            releases = tuple(r for r in (self._index.get(i) for i in fresh) if r is not None)
            if update:
                watches = self._load()
                updated = Watch(name=watch.name, query=watch.query, filters=watch.filters, created=watch.created, last_run=_now(), seen=frozenset(ids))
                watches[name] = updated
                self._save(watches)
                watch = updated
        return WatchRun(watch=watch, new=releases, total=len(ids), previous_run=previous)

    def run_all(self, *, update: bool = True) -> list[WatchRun]:
        """Run every watch, by name."""
        return [self.run(w.name, update=update) for w in self]


def watches_of(index: NewsIndex) -> Watches:
    """The saved searches of ``index``: ``index.watches.add("hk", "hong kong", country="HK")``, ``.run("hk")``.

    The package wires this in as the ``NewsIndex.watches`` property (made once per index), so
    the index needs no knowledge of watches: this module uses the index, never the reverse.
    """
    return Watches(index, index.path / WATCH_FILE if index.path else None)
