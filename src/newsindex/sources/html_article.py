"""A single release or article page: title, date, canonical url, author and main text.

trafilatura finds the main text without navigation and the publication date (through htmldate:
the page's own date, not a sidebar's). Its title is the ``<title>``/``og:title`` reading, which
often carries the site's name ("... | DW | 19.01.2020") or a section name ("Aktuelle"), so the
headline the page *displays* is preferred: an element marked ``itemprop="headline"``, else the
first ``h1``-``h3`` that the page's own titles contain, else the heading the main text opens
with or stands under (a ``<title>`` of "Aktuelles" says nothing). The date is the one printed
with that headline (in the few elements after it, or just above it), as a reader takes it; a
"Latest news" box's dates are not it. Only a page showing no date beside its headline gets
trafilatura's (htmldate: meta tags, then the page's text). The main text loses a first line that
repeats the headline or is only a date. When trafilatura finds no text, the page's paragraphs
are used; a page with neither title nor text is a SourceError.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Iterator

from ..errors import SourceError
from ..records import Release
from ._common import Item, log
from .datelines import DATE_RE, date_in, date_line, date_of_element

__all__ = ["parse_article"]

_SPACE = re.compile(r"\s+")
_SITE_SUFFIX = re.compile(r"\s+[|–—·:-]\s+.*$")
#: A dateline opening the text: "GENEVA, 12 March 2024 –", "WASHINGTON (March 3, 2021) -".
_DATELINE = re.compile(rf"^[^\W\d][\w .'/-]{{1,40}}?(?:,\s*|\s*\()({DATE_RE.pattern})\)?\s*[–—:-]", re.I)


def _norm(text: str) -> str:
    return _SPACE.sub(" ", re.sub(r"[^\w\s]", " ", text.casefold())).strip()


def _headline(root, references: list[str]) -> str:
    """The headline the page displays (see the module doc), or ""."""
    for element in root.xpath('//*[@itemprop="headline"]'):
        text = _SPACE.sub(" ", element.text_content()).strip()
        if len(text.split()) >= 2 and element.tag not in ("meta", "link"):
            return text
    refs = [_norm(ref) for ref in references if ref]
    for tags in (("h1",), ("h1", "h2", "h3")):
        for element in root.iter(*tags):
            text = _SPACE.sub(" ", element.text_content()).strip()
            key = _norm(text)
            if len(key) >= 8 and any(key in ref for ref in refs):
                return text
    return ""


def _heading_above(root, body: str):
    """The last ``h1``-``h3`` before the paragraph the main text starts with (the headline a
    reader sees above the text), or None."""
    first_line = _norm(body.strip().split("\n", 1)[0])
    for element in root.iter("h1", "h2", "h3"):  # the text opens with a heading: that one
        if len(first_line.split()) >= 2 and _norm(element.text_content()) == first_line:
            return element
    start = _norm(body[:40])
    if len(start) < 10:
        return None
    heading = None
    for element in root.iter():
        if element.tag in ("h1", "h2", "h3") and len(_norm(element.text_content()).split()) >= 2:
            heading = element
        elif element.tag in ("p", "div") and _norm(element.text_content()).startswith(start) and len(element) <= 3:
            return heading
    return None


def _shown_date(root, headline) -> _dt.date | None:
    """The date printed with the headline: the first date within the few elements after it
    (before the text's first long paragraph), else right above it. A reader takes the date
    beside the headline, not a "Latest news" box's; None when there is none."""
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    at = elements.index(headline)
    inside = set(headline.iterdescendants())

    def date_of(element) -> _dt.date | None:
        found = date_of_element(element) if element.tag == "time" else None
        for piece in [element.text, element.tail] if found is None else []:
            found = date_in(piece or "")
            if found:
                break
        return found[0] if found else None

    steps = 0
    for element in elements[at + 1 :]:
        if element in inside:
            continue
        if element.tag == "p":
            opening = _DATELINE.match(_SPACE.sub(" ", element.text_content()).strip())
            found = date_in(opening.group(1)) if opening else None  # "GENEVA, 12 March 2024 – The…"
            if found:
                return found[0]
            if len(_norm(element.text_content())) > 200:
                break  # the text has begun
        day = date_of(element)
        if day is not None:
            return day
        steps += 1
        if steps > 25:
            break
    # above it: only the headline's own preceding siblings ("12 March 2024" over the <h1>)
    for sibling in list(headline.itersiblings(preceding=True))[:3]:
        for element in [sibling, *sibling.iterdescendants()]:
            if isinstance(element.tag, str) and (day := date_of(element)) is not None:
                return day
    return None


def _meta(root, *names: str) -> str:
    for name in names:
        values = root.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content')
        if values and str(values[0]).strip():
            return str(values[0]).strip()
    return ""


def _body(text: str, title: str) -> str:
    """The main text without a first line that repeats the headline or is only a date."""
    lines = [line.strip() for line in text.splitlines()]
    while lines and (not lines[0] or _norm(lines[0]) == _norm(title) or date_line(lines[0]) is not None):
        lines.pop(0)
    if lines and _norm(title) and _norm(lines[0]).startswith(_norm(title) + " "):
        lines[0] = lines[0][len(title) :].lstrip(" :.-–—")  # "Title Text starts..." on one line
    return "\n".join(lines).strip()


def _with_first_paragraph(root, body: str, description: str) -> str:
    """The body with its first paragraph put back when the extractor dropped it.

    A page's description is often its first paragraph or its standfirst, kept in a box of its own
    that extractors skip; when a visible ``<p>`` saying it comes before the paragraph the
    extracted body starts with, it is put in front of the body (a lead in front of the main text
    is how the page reads) and it is the summary too.
    """
    if not description or not body or _norm(description[:60]) in _norm(body[:400]):
        return body
    start = _norm(body[:40])
    paragraphs = [p for p in root.iter("p")]
    first = next((p for p in paragraphs if _norm(p.text_content()).startswith(start)), None)
    lead = next((p for p in paragraphs if _norm(p.text_content()).startswith(_norm(description[:60]))), None)
    if first is None or lead is None or paragraphs.index(lead) > paragraphs.index(first):
        return body
    return _SPACE.sub(" ", lead.text_content()).strip() + "\n" + body


def parse_article(text: str, root, path: str, label: str, *, base_url: str = "") -> Iterator[Item]:
    """Yield the one Release of an article page (or the SourceError saying why there is none)."""
    import trafilatura  # imported lazily: only article pages need it

    try:
        document = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False, favor_recall=True)
    except Exception as exc:  # trafilatura raises many kinds on broken markup; the page is the problem
        log.warning("%s: trafilatura failed (%s); reading the page's own paragraphs", path, exc)
        document = None
    data = (document.as_dict() if hasattr(document, "as_dict") else document) or {}
    page_title = " ".join(root.xpath("//title//text()")).strip()
    references = [data.get("title") or "", _meta(root, "og:title", "twitter:title"), page_title]
    main = data.get("text") or "\n".join(_SPACE.sub(" ", p.text_content()).strip() for p in root.iter("p"))
    headline = _headline(root, references)
    above = None if headline else _heading_above(root, main)
    if above is not None:  # the <title> says something else ("Aktuelles"): the heading over the text
        headline = _SPACE.sub(" ", above.text_content()).strip()
    title = headline or _SITE_SUFFIX.sub("", references[0] or references[1] or page_title).strip()
    body = _body(main, title)
    if not title:
        yield SourceError(path, None, "no headline found: neither a listing of dated entries nor an article page")
        return
    date = None
    shown = next((e for e in root.iter("h1", "h2", "h3") if _SPACE.sub(" ", e.text_content()).strip() == title), None)
    if shown is not None:
        date = _shown_date(root, shown)
    if date is None and data.get("date"):
        try:
            date = _dt.date.fromisoformat(str(data["date"])[:10])
        except ValueError:
            date = None
    summary = _meta(root, "description", "og:description")
    body = _with_first_paragraph(root, body, summary)
    url = data.get("url") or _meta(root, "og:url") or base_url
    extra = {"author": data["author"]} if data.get("author") else {}
    yield Release(title=title, date=date, body=body, summary=summary, url=url, source=label, extra=extra)
