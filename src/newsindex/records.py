"""The Release record: what every source yields and the index stores.

A Release is plain, frozen data. Facet metadata (``countries``, ``issues``) holds only what the
*source* said; values extracted from the text are kept apart by the indexer, so a user can always
see which is which (metadata wins over extraction when both exist).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping

from .errors import ReleaseError

if TYPE_CHECKING:
    from .schema import Facets

__all__ = ["Release", "release_id", "normalize_type", "RELEASE_TYPES"]

#: The canonical type slugs and the words newsrooms use for them. The listing page says
#: "Sheet of paper Report" because the icon's alt text ("Sheet of paper") is glued to "Report".
RELEASE_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "press-release": ("press release", "press releases", "news release", "media release", "release"),
        "report": ("report", "reports", "sheet of paper report", "research", "briefing", "policy briefing"),
        "update": ("update", "updates", "news", "news update", "campaign update", "victory"),
        "statement": ("statement", "statements", "public statement", "joint statement"),
        "speech": ("speech", "speeches", "remarks", "testimony"),
        "letter": ("letter", "open letter"),
        "op-ed": ("op-ed", "opinion", "op ed", "commentary", "blog", "blog post"),
        "story": ("story", "article", "feature", "newswire"),
        "action": ("urgent action", "action", "petition"),
    }
)
_TYPE_BY_WORDS = {words: slug for slug, variants in RELEASE_TYPES.items() for words in variants}
_TYPE_BY_WORDS.update({slug: slug for slug in RELEASE_TYPES})


def _fold(text: str) -> str:
    """Casefold and strip accents: the comparison key for titles, urls and type names."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def normalize_type(raw: str) -> str:
    """Map a newsroom's type label to a canonical slug ("Press Release" -> "press-release").

    Unknown labels become their own slug ("Fact Sheet" -> "fact-sheet") rather than being
    dropped: a newsroom's own vocabulary is still a useful facet.
    """
    words = " ".join(re.sub(r"[^\w\s-]", " ", _fold(raw)).split())
    if not words:
        return ""
    if words in _TYPE_BY_WORDS:
        return _TYPE_BY_WORDS[words]
    return re.sub(r"[\s_]+", "-", words)


def _normalize_url(url: str) -> str:
    """Scheme, "www.", case of the host, a trailing slash and fragments do not make another release."""
    url = url.strip()
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.I)
    url = re.sub(r"#.*$", "", url)
    host, _, rest = url.partition("/")
    host = host.lower().removeprefix("www.")
    return f"{host}/{rest}".rstrip("/")


def _normalize_title(title: str) -> str:
    """Punctuation, quotes (curly or straight), case and spacing do not make another release."""
    return " ".join(re.sub(r"[^\w]+", " ", _fold(title)).split())


def release_id(*, title: str, date: _dt.date | None, url: str = "") -> str:
    """The stable id of a release: from its url when it has one, else from title and date.

    Re-ingesting the same release (even re-typed with other quotes or spacing) gives the same
    id, so the index updates it instead of holding a duplicate. 16 hex digits of SHA-1 make
    accidental collisions negligible for any archive (2**64 space).
    """
    if url.strip():
        key = "url:" + _normalize_url(url)
    else:
        key = "title:" + _normalize_title(title) + "|" + (date.isoformat() if date else "")
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Release:
    """One press release or news story.

    Only ``title`` is required. ``id`` is derived when not given (see :func:`release_id`).
    ``countries`` are ISO 3166-1 alpha-2 codes and ``issues`` topic slugs, *as given by the
    source*; ``extra`` keeps source fields newsindex has no column for, so nothing is lost.
    ``date`` is a ``datetime.date`` (a ``datetime`` is reduced to its date; text is refused
    with the call to write instead, since "03/04/2021" has two readings: parse text with
    ``newsindex.parse_date``).

    ``facets`` is filled in on the releases an index gives back (``get``, ``releases``): the
    countries and issues the source gave and those extracted from the text, told apart, so
    ``index.get(id).facets.countries`` is what a search hit shows as ``hit.countries``.
    It is ignored by ``add`` (facets are always recomputed) and by equality.
    """

    title: str
    date: _dt.date | None = None
    summary: str = ""
    body: str = ""
    type: str = ""
    countries: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    source: str = ""
    url: str = ""
    credit: str = ""
    caption: str = ""
    id: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    facets: Facets | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.title, str):
            raise TypeError(f"Release.title must be str, not {type(self.title).__name__}")
        if self.date is not None and not isinstance(self.date, _dt.date):
            raise ReleaseError(_date_advice(self.date))
        if isinstance(self.date, _dt.datetime):
            object.__setattr__(self, "date", self.date.date())
        # Accept any iterable of strings, store a tuple with duplicates removed in order:
        # countries as ISO codes ("USA", "west-germany", "Japan" → US, DE, JP; an unknown one
        # goes to extra["unknown_countries"]), issues as slugs (see facets.py).
        from .facet_values import given_countries, issue_slug

        countries, issues = self.countries, self.issues
        countries = (countries,) if isinstance(countries, str) else countries
        issues = (issues,) if isinstance(issues, str) else issues
        codes, extra = given_countries(countries, self.extra) if countries else ((), None)
        object.__setattr__(self, "countries", codes)
        object.__setattr__(self, "issues", tuple(dict.fromkeys(s for s in (issue_slug(v) for v in issues if v) if s)))
        if extra is not None:
            object.__setattr__(self, "extra", extra)
        if not self.id:
            object.__setattr__(self, "id", release_id(title=self.title, date=self.date, url=self.url))
        if not isinstance(self.extra, MappingProxyType):
            object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    def __reduce__(self) -> tuple[Any, ...]:
        # Picklable (multiprocessing, caches) although ``extra`` is a read-only mappingproxy.
        return (_rebuild_release, (tuple((f.name, getattr(self, f.name)) for f in fields(self) if f.name != "extra"), dict(self.extra)))

    @property
    def text(self) -> str:
        """Title, summary and body as one text: what analysis and tagging read."""
        return "\n\n".join(part for part in (self.title, self.summary, self.body) if part)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict in the field names the JSON Lines source reads back."""
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "summary": self.summary,
            "body": self.body,
            "type": self.type,
            "countries": list(self.countries),
            "issues": list(self.issues),
            "source": self.source,
            "url": self.url,
            "credit": self.credit,
            "caption": self.caption,
        }
        if self.extra:
            out["extra"] = dict(self.extra)
        return out


def _date_advice(value: object) -> str:
    """What to write instead of ``date=value``: the exact call when the text is an ISO date."""
    if isinstance(value, str):
        try:
            parsed = _dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            parsed = None
        if parsed is not None:
            return (
                f"Release.date takes a datetime.date, not the text {value!r}: "
                f"pass date=datetime.date({parsed.year}, {parsed.month}, {parsed.day}) or date=datetime.date.fromisoformat({value.strip()[:10]!r})"
            )
        return f"Release.date takes a datetime.date, not the text {value!r}: parse it first with newsindex.parse_date({value!r})"
    return f"Release.date takes a datetime.date or None, not {type(value).__name__}"


def _rebuild_release(values: tuple[tuple[str, Any], ...], extra: dict[str, Any]) -> Release:
    return Release(**dict(values), extra=extra)
