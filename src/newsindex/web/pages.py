"""What the HTML pages show, as plain data built from the public NewsIndex API.

Each function here runs in a worker thread (the index is synchronous) and returns what a
template needs, already decided: labels, counts, which value is selected and the URL a click
leads to. The templates only lay it out, and Jinja escapes every value it prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import parse_qs, quote

from ..index import NewsIndex
from ..records import Release
from ..results import FacetCount, Hit, SearchResults
from ..tagging import country_name, issue_label, tag_countries, tag_issues
from .histogram import Histogram, bucket_range, choose_bucket, histogram
from .state import MAX_OFFSET, SearchState, StateError

__all__ = ["SIDEBAR", "NotFound", "search_page", "release_page", "release_data", "flag", "back_state"]

#: The facets of the sidebar, in this order; year narrows the date range, the others filter.
SIDEBAR: tuple[str, ...] = ("country", "issue", "type", "source", "speaker", "year")
TITLES = {"country": "Country", "issue": "Issue", "type": "Type", "source": "Source", "speaker": "Quoted", "year": "Year"}
#: Values listed per facet before "more", and at most in all (the rest are reachable by query).
SHOWN, LISTED = 8, 50
SIMILAR = 5


class NotFound(LookupError):
    """No release with that id (a 404, with this message)."""


def flag(code: str) -> str:
    """The flag emoji of an ISO 3166 alpha-2 code ("HK" -> the two regional indicator letters)."""
    if len(code) == 2 and code.isascii() and code.isalpha():
        return "".join(chr(0x1F1E6 + ord(ch) - ord("A")) for ch in code.upper())
    return ""


def _label(name: str, value: str, index: NewsIndex) -> str:
    if name == "country":
        return country_name(value)
    if name == "issue":
        return issue_label(value, index.taxonomy)
    if name in ("type", "source"):
        return value.replace("-", " ").capitalize()
    return value


@dataclass(frozen=True, slots=True)
class Option:
    """One value in the sidebar: its label, count, whether it is chosen, and the link that toggles it."""

    value: str
    label: str
    count: int
    selected: bool
    href: str
    flag: str = ""


@dataclass(frozen=True, slots=True)
class Facet:
    name: str
    title: str
    options: tuple[Option, ...]

    @property
    def shown(self) -> tuple[Option, ...]:
        return self.options[:SHOWN]

    @property
    def more(self) -> tuple[Option, ...]:
        return self.options[SHOWN:]


@dataclass(frozen=True, slots=True)
class Chip:
    """A filter in force, shown above the results; its link removes it."""

    title: str
    label: str
    href: str


@dataclass(frozen=True, slots=True)
class Result:
    hit: Hit
    href: str
    type_label: str
    countries: tuple[tuple[str, str], ...]  # (flag, name)
    issues: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PageLink:
    label: str
    href: str
    current: bool = False


def _options(name: str, counts: Sequence[FacetCount], state: SearchState, index: NewsIndex) -> tuple[Option, ...]:
    """Chosen values first (a chosen value that found nothing still shows, to be unchosen), then by count."""
    chosen = state.values(name)
    mark = flag if name == "country" else (lambda value: "")
    options = [Option(c.value, c.label or _label(name, c.value, index), c.count, c.value in chosen, state.toggled(name, c.value).url(), mark(c.value)) for c in counts[:LISTED]]
    listed = {o.value for o in options}
    missing = [Option(v, _label(name, v, index), 0, True, state.toggled(name, v).url(), mark(v)) for v in chosen if v not in listed]
    return tuple(missing + [o for o in options if o.selected] + [o for o in options if not o.selected])


def _years(counts: Sequence[FacetCount], state: SearchState) -> tuple[Option, ...]:
    options = []
    for c in sorted(counts, key=lambda c: c.value, reverse=True):
        if not c.count:
            continue
        start, end = (d.isoformat() for d in bucket_range("year", c.value))
        selected = state.since == start and state.until == end
        href = (state.dated() if selected else state.dated(start, end)).url()
        options.append(Option(c.value, c.value, c.count, selected, href))
    return tuple(options[:LISTED])


def _pages(results: SearchResults, state: SearchState, *, window: int = 2) -> tuple[PageLink, ...]:
    last = min(results.pages, 1 + MAX_OFFSET // max(state.limit, 1))
    if last <= 1:
        return ()
    numbers = sorted({1, last, *range(max(1, state.page - window), min(last, state.page + window) + 1)})
    links: list[PageLink] = []
    if state.page > 1:
        links.append(PageLink("‹ previous", state.at_page(state.page - 1).url()))
    previous = 0
    for n in numbers:
        if n - previous > 1:
            links.append(PageLink("…", ""))
        links.append(PageLink(str(n), state.at_page(n).url(), current=n == state.page))
        previous = n
    if state.page < last:
        links.append(PageLink("next ›", state.at_page(state.page + 1).url()))
    return tuple(links)


def search_page(index: NewsIndex, state: SearchState) -> dict[str, Any]:
    """Results, sidebar, chips, histogram and paging for one search state."""
    options = {"match": state.match, "fuzzy": state.fuzzy}
    results = index.search(
        state.q, **state.search_filters(), sort=state.sort, page=state.page, limit=state.limit,  # type: ignore[arg-type]
        facets=SIDEBAR + ("month",), **options,  # type: ignore[arg-type]
    )
    counts = dict(results.facets)
    # A chosen facet is counted as if it were not chosen, so each of its other values says how
    # many releases choosing it too (OR) would add: the way shop and archive sidebars count.
    for name, _ in state.filters:
        counts[name] = index.facets(state.q, fields=(name,), **state.search_filters(without=name), **options)[name]
    by = choose_bucket(counts["year"], counts["month"])
    buckets = counts[by] if by != "week" else index.facets(state.q, fields=("week",), **state.search_filters(), **options)["week"]
    facets = [Facet(name, TITLES[name], _years(counts[name], state) if name == "year" else _options(name, counts[name], state, index)) for name in SIDEBAR]
    chips = [Chip(TITLES[f.name], o.label, o.href) for f in facets if f.name != "year" for o in f.options if o.selected]
    if state.since or state.until:
        span = f"{state.since or '…'} – {state.until or '…'}"
        chips.append(Chip("Dates", span, state.dated().url()))
    back = state.query_string()
    hits = [
        Result(
            hit=hit,
            href=f"/release/{hit.id}" + (f"?back={quote(back, safe='')}" if back else ""),
            type_label=_label("type", hit.type, index) if hit.type else "",
            countries=tuple((flag(c), country_name(c)) for c in hit.countries),
            issues=tuple(issue_label(i, index.taxonomy) for i in hit.issues),
        )
        for hit in results.hits
    ]
    return {
        "state": state,
        "results": results,
        "hits": hits,
        "facets": [f for f in facets if f.options],
        "chips": chips,
        "histogram": histogram(by, buckets, since=state.since, until=state.until),
        "pages": _pages(results, state),
        "suggestions": [(s, state.asking(s).url()) for s in results.suggestions],
        "sorts": [(s, state.sorted_by(s).url(), s == state.sort) for s in ("relevance", "newest", "oldest")],
        "clear": SearchState(q=state.q).url() if state.narrowed else "",
    }


def back_state(raw: str) -> SearchState | None:
    """The search a release page was opened from (its ``back`` parameter), re-read and bounded."""
    if not raw:
        return None
    try:
        return SearchState.parse(parse_qs(raw))
    except StateError:
        return None


def _evidence(release: Release, index: NewsIndex) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Why each country and issue was extracted: the tagger re-read on the text the indexer read."""
    body_text = "\n\n".join(p for p in (release.summary, release.body) if p)
    countries = {t.code: list(t.evidence) for t in tag_countries(body_text, title=release.title)}
    issues = {t.slug: list(t.evidence) for t in tag_issues(body_text, title=release.title, taxonomy=index.taxonomy)}
    return countries, issues


def release_data(index: NewsIndex, release_id: str) -> dict[str, Any]:
    """A release as `newsindex show --json` prints it, plus the evidence of each extracted facet."""
    release = index.get(release_id)
    facets = index.get_facets(release_id)
    if release is None or facets is None:
        raise NotFound(f"no release with id {release_id!r} in {index.path or 'this index'}")
    data = release.to_dict()
    data["countries_extracted"] = list(facets.countries_extracted)
    data["issues_extracted"] = list(facets.issues_extracted)
    data["speakers"] = [s.to_dict() for s in facets.speakers]
    countries, issues = _evidence(release, index)
    data["evidence"] = {"countries": {c: countries.get(c, []) for c in facets.countries_extracted},
                        "issues": {i: issues.get(i, []) for i in facets.issues_extracted}}
    return data


def release_page(index: NewsIndex, release_id: str, back: SearchState | None) -> dict[str, Any]:
    """The full text of one release, its facets with evidence, and releases like it."""
    data = release_data(index, release_id)
    release = index.get(release_id)
    if release is None:  # deleted between the two reads
        raise NotFound(f"no release with id {release_id!r} in {index.path or 'this index'}")
    similar = index.similar(release_id, limit=SIMILAR)
    home = back or SearchState()

    def facet_rows(name: str, given: Sequence[str], extracted: Sequence[str], evidence: dict[str, list[str]]) -> list[dict[str, Any]]:
        rows = [{"value": v, "label": _label(name, v, index), "how": "given", "evidence": [], "href": SearchState().toggled(name, v).url(), "flag": flag(v) if name == "country" else ""} for v in given]
        rows += [{"value": v, "label": _label(name, v, index), "how": "extracted", "evidence": evidence.get(v, []), "href": SearchState().toggled(name, v).url(), "flag": flag(v) if name == "country" else ""} for v in extracted]
        return rows

    url = release.url if re.match(r"^https?://", release.url, re.I) else ""  # never a javascript: link
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", release.body) if p.strip()]
    return {
        "release": release,
        "url": url,
        "paragraphs": paragraphs,
        "type_label": _label("type", release.type, index) if release.type else "",
        "countries": facet_rows("country", release.countries, data["countries_extracted"], data["evidence"]["countries"]),
        "issues": facet_rows("issue", release.issues, data["issues_extracted"], data["evidence"]["issues"]),
        "speakers": [(s, SearchState().toggled("speaker", s["name"]).url()) for s in data["speakers"]],
        "similar": [(hit, f"/release/{hit.id}") for hit in similar.hits],
        "back": home.url() if back else "",
        "state": home,
    }
