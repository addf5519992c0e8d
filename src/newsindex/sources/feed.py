"""RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom feeds, read with feedparser.

feedparser is the field's standard reader: it knows every dialect and namespace, honours the
declared encoding (and falls back when a feed lies about it), and recovers from the malformed
XML real feeds ship (a blank line before the declaration, ``&nbsp;`` without a DTD). What we
decide here, once for every dialect:

* **One item → one Release**: title (markup dropped, entities decoded); ``link`` as ``url``,
  so the id is stable across re-reads (a relative link is resolved against ``xml:base`` or the
  feed's own link; no link: a permalink guid); ``summary`` and ``content:encoded`` turned from
  HTML into plain text (summary and body); ``source`` = the feed's title.
* **The date is the calendar day the feed wrote, in the feed's own offset** — never converted
  to UTC first ("Tue, 22 Mar 2022 22:02:31 -0400" is 22 March, though it is 23 March in UTC).
  RSS ``pubDate``, Atom ``published``, else ``updated``/``dc:date``. An item with no date (or
  a date that can't be read) is a record-level SourceError with the reason: never today.
* **Categories** go to ``extra["categories"]`` as written, and the ones that name an issue of
  the taxonomy (by slug, label or alias, see facets.py) become the release's ``issues``: a
  feed's "Refugees" category is the publisher saying so, while "post" or "TC" say nothing.
* **Author** → ``extra["author"]``; the feed's own guid/id → ``extra["guid"]``.
* **Malformed feeds**: where feedparser recovers, a warning names the problem and the items are
  read; where it finds no feed at all, a file-level SourceError says why.

Line numbers in errors are those of the item's start tag in the file (found by a scan of the
raw bytes), so a rejected item can be found in the feed.
"""

from __future__ import annotations

import html
import re
from email.utils import parsedate_tz
from html.parser import HTMLParser
from typing import Any, Iterator
from urllib.parse import urljoin, urlsplit

from ..dates import parse_date
from ..errors import SourceError
from ..records import Release
from ._common import Item, Source, log, read_head, source_label

__all__ = ["parse", "parse_bytes", "html_to_text", "looks_like_feed", "MAX_FEED_BYTES"]

#: A feed larger than this is refused (real feeds are well under 5 MB; a bigger one is a dump
#: or an attack, and feedparser holds the whole document in memory).
MAX_FEED_BYTES = 50 * 1024 * 1024

_ITEM_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s>/]")
_ROOT = re.compile(rb"<(?:[\w.-]+:)?(rss|feed|RDF)[\s>]")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def looks_like_feed(head: bytes) -> bool:
    """True if the first bytes of a document are an RSS, RDF or Atom feed (after an optional
    XML declaration, comments and processing instructions)."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: look at the ASCII of it
        text = text.replace(b"\x00", b"")
    if not text.startswith(b"<"):
        return False
    # skip the declaration, stylesheet PIs, comments and a DOCTYPE to the root element
    rest = re.sub(rb"^(?:\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>))*\s*", b"", text, flags=re.S)
    return _ROOT.match(rest) is not None


def parse(source: Source) -> Iterator[Item]:
    """Yield a Release (or a record-level SourceError) per item of the feed ``source``."""
    path, data = read_head(source, MAX_FEED_BYTES)
    if isinstance(data, str):
        data = data.encode("utf-8")
    yield from parse_bytes(data, path=path, label=source_label(source))


def parse_bytes(data: bytes, *, path: str, label: str = "feed", base_url: str = "", headers: dict[str, str] | None = None) -> Iterator[Item]:
    """The items of a feed given as bytes (a file's, or an HTTP response's with its headers:
    ``base_url`` resolves relative links, a ``Content-Type`` charset is honoured)."""
    import feedparser  # imported here: only feeds need it

    if len(data) > MAX_FEED_BYTES:
        raise SourceError(path, None, f"feed is over the {MAX_FEED_BYTES // 2**20} MB limit (newsindex.sources.feed.MAX_FEED_BYTES)")
    # A blank line before the XML declaration (the WordPress bug) makes strict XML refuse the
    # feed; feedparser then falls back to its loose parser, which loses namespaced fields.
    # The declaration must come first: removing the blank is the repair every reader makes.
    stripped = data.lstrip(b" \t\r\n")
    if stripped.startswith(b"<?xml"):
        data = stripped
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    if base_url:
        response_headers.setdefault("content-location", base_url)
    parsed = feedparser.parse(data, response_headers=response_headers or None, resolve_relative_uris=True, sanitize_html=False)
    if parsed.get("bozo") and not parsed.entries and not parsed.feed:
        problem = parsed.get("bozo_exception")
        raise SourceError(path, None, f"not a readable RSS/Atom feed ({_problem(problem)})")
    if not parsed.get("version") and not parsed.entries:
        raise SourceError(path, None, "not an RSS/Atom feed: no <rss>, <feed> or <rdf:RDF> with items (pass another format=...)")
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        if type(exc).__name__ not in ("CharacterEncodingOverride",):
            log.warning("%s: malformed feed (%s); read the %d items the reader recovered", path, _problem(exc), len(parsed.entries))
        else:
            log.warning("%s: %s", path, _problem(exc))
    feed = parsed.feed
    feed_title = " ".join(_text(feed.get("title_detail"), feed.get("title", "")).split())
    source_title = feed_title or label
    base = base_url or feed.get("link", "") or ""
    lines = _item_lines(data)
    last = len(parsed.entries) - 1
    for number, entry in enumerate(parsed.entries):
        line = lines[number] if number < len(lines) else None
        item = _item(entry, path=path, line=line, source=source_title, base=base)
        if isinstance(item, SourceError) and number == last and parsed.get("bozo"):
            item = SourceError(path, line, f"{item.reason}; the feed breaks off in this item (a cut-off download?)", record=item.record)
        yield item


def _problem(exc: Any) -> str:
    text = str(exc) if exc is not None else "unknown problem"
    return " ".join(text.split())[:200]


def _item_lines(data: bytes) -> list[int]:
    """The 1-based line of each item's/entry's start tag, in document order."""
    out = []
    newlines, last = 0, 0
    for match in _ITEM_TAG.finditer(data):
        newlines += data.count(b"\n", last, match.start())
        last = match.start()
        out.append(newlines + 1)
    return out


def _item(entry: Any, *, path: str, line: int | None, source: str, base: str) -> Item:
    raw = _raw(entry)
    title = " ".join(_text(entry.get("title_detail"), entry.get("title", "")).split())
    if not title:
        return SourceError(path, line, "feed item without a title", record=raw)
    url = _url(entry, base)
    written = ""
    for key in ("published", "updated", "created"):
        value = dict.get(entry, key)  # not entry.get: feedparser maps a missing "updated" to "published", with a warning
        if value:
            written = str(value).strip()
            break
    if not written:
        return SourceError(path, line, f"feed item {title[:80]!r} has no date (no pubDate, published, updated or dc:date)", record=raw)
    try:
        date = feed_date(written)
    except ValueError as exc:
        return SourceError(path, line, f"feed item {title[:80]!r}: {exc}", record=raw)
    summary = html_to_text(entry.get("summary", "") or "")
    body = ""
    for content in entry.get("content", ()) or ():
        text = html_to_text(content.get("value", "") or "") if "html" in (content.get("type") or "html") else " ".join(str(content.get("value", "")).split())
        if text:
            body = text
            break
    if summary and body and (body == summary or body.startswith(summary.rstrip(".… "))):
        # feedparser copies the content into a missing summary; a summary that is the start of
        # the content says nothing more: the text is kept once, as the body
        summary = ""
    categories = [" ".join(str(t.get("term") or t.get("label") or "").split()) for t in entry.get("tags", ()) or ()]
    categories = [c for c in dict.fromkeys(categories) if c]
    extra: dict[str, Any] = {}
    if categories:
        extra["categories"] = categories
    author = " ".join(str(entry.get("author", "") or "").split())
    if author:
        extra["author"] = author
    guid = str(entry.get("id", "") or "")
    if guid and guid != url:
        extra["guid"] = guid
    from ..facet_values import taxonomy_issues  # the issues a category names

    return Release(
        title=title,
        date=date,
        summary=summary,
        body=body,
        url=url,
        source=source,
        issues=taxonomy_issues(categories),
        extra=extra,
    )


def feed_date(written: str) -> Any:
    """The calendar day of a feed's date string, in the offset it is written in.

    ISO 8601 (Atom, dc:date): its date part. RFC 822 (RSS): the day as written, whatever the
    zone (``EST``, ``-0400``, ``Z``). Anything else: :func:`newsindex.dates.parse_date`, which
    refuses dates missing a part rather than inventing it.
    """
    import datetime as _dt

    iso = _ISO_DAY.match(written)
    if iso:
        try:
            return _dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            raise ValueError(f"impossible date {written!r}") from None
    parts = parsedate_tz(written)
    if parts is not None and parts[0] > 0:
        try:
            return _dt.date(parts[0], parts[1], parts[2])
        except ValueError:
            raise ValueError(f"impossible date {written!r}") from None
    # the zone name (if any) would only move the time, never the day as written: drop it so
    # dateutil does not warn about zone names it doesn't know
    return parse_date(re.sub(r"\s+[A-Z]{2,5}$", "", written))


def _url(entry: Any, base: str) -> str:
    link = str(entry.get("link", "") or "").strip()
    if not link:
        for candidate in entry.get("links", ()) or ():
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = str(candidate["href"]).strip()
                break
    if not link and entry.get("guidislink"):
        link = str(entry.get("id", "") or "").strip()
    if not link:
        guid = str(entry.get("id", "") or "").strip()
        if urlsplit(guid).scheme in ("http", "https"):
            link = guid
    if link and not urlsplit(link).scheme and base:
        link = urljoin(base, link)
    return link


def _raw(entry: Any) -> str:
    """A short plain-text rendering of an item for a rejects file."""
    keys = ("title", "link", "id", "published", "updated")
    return "\n".join(f"{k}: {dict.get(entry, k)}" for k in keys if dict.get(entry, k))


def _text(detail: Any, fallback: str) -> str:
    """A feed text construct as plain text: markup dropped, entities decoded."""
    value = (detail or {}).get("value", fallback) if detail else fallback
    value = str(value or "")
    kind = (detail or {}).get("type", "") if detail else ""
    if "html" in kind or "<" in value:
        return html_to_text(value)
    # plain text may still carry character references written inside CDATA ("5 &#8364;")
    return html.unescape(value) if "&" in value else value


# --------------------------------------------------------------------------- HTML to text

_BLOCK = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul".split()
)
_SKIP = frozenset(("script", "style", "noscript", "template", "iframe", "object", "svg"))


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, one paragraph per block.

    Feed summaries are HTML fragments (often escaped inside CDATA); the index wants the words.
    """
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", text))
    return "\n\n".join(p for p in paragraphs if p)
