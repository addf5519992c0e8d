"""Saved HTML pages: a newsroom listing (many releases) or a single release/article page.

A page is read as a **listing** when it has repeated entries (title links, each with its date
inside its own block); otherwise as an **article**, whose title, date, canonical url, author and
main text come from trafilatura (the best-measured main-text extractor), checked against the
page's own headings.

Listing entries are found by structure, not per-site rules:

1. *Title links*: ``<a href>`` with a few words of text, outside ``nav``/``footer``/``aside``.
2. Links are grouped by their *shape*: the tag and class path of the link and its three nearest
   ancestors (numbers and odd/even/first/last dropped from classes, so ``views-row-1`` and
   ``views-row-2`` match). The releases of a listing are the group with the most dated
   members; tag links, pagers and menus form other groups.
3. Each member's *block* is its highest ancestor that holds no other member: the table row, the
   list item, the card. Its date is the date inside that block (``<time datetime>``, or a text
   that is a date line: "Apr 17, 2015", "Posted in Press Releases on April 17, 2015 |", a
   stacked "Mar / 9 / 2015" date box). Because a block never holds another entry, an entry can
   never get its neighbour's date; when members are bare siblings with no block of their own,
   the siblings are split at the titles, before or after each title, whichever reading gives
   every entry exactly one date.
4. A member whose block shows no date is a reject ("shows no date"), never given one; a page
   of such links and no article text is a file-level error.

A link wrapping a whole card gives the heading inside it as the title. Numeric dates (04/25/13)
are read day- or month-first as the page's own numeric dates show. A headline link of another
shape that owns a date of its own (a featured post above the river) joins the listing; a
release linked twice is read once.

Charset: the bytes are read as UTF-8 when they are valid UTF-8, whatever the page declares
(a UTF-8 page under a wrong iso-8859-1 declaration is common); else as the declared charset;
else as Windows-1252.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import urljoin

from ..errors import SourceError
from ..records import Release
from ._common import MAX_RECORD_BYTES, Item, Source, log, read_head, source_label
from .datelines import date_in as _date_in, date_line, date_of_element as _date_of_element, numeric_order, type_of

__all__ = ["parse", "parse_listing", "decode_html", "looks_like_html"]

#: Pages over this size are refused: a saved page is a few MB at most.
_MAX_PAGE_BYTES = 4 * MAX_RECORD_BYTES
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_SPACE = re.compile(r"\s+")
_NUMERIC_DATE = re.compile(r"(?<![\d./])\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})(?![\d./])")
_VARIANT_CLASS = re.compile(r"\d|(?:^|[-_])(?:odd|even|first|last|active|current|alt|clearfix)(?:$|[-_])|^(?:is|has)-")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TEXT_BLOCKS = frozenset({"p", "div", "span", "strong", "b", "em"})
_CHROME_AREAS = frozenset({"nav", "footer", "aside", "select", "button"})
#: Class or id of a page's sidebars, widgets, menus and footers (their dated links are not entries).
_CHROME_CLASSES = frozenset(
    "sidebar side-bar widget widget-area widgets related related-posts related-content recent-posts popular-posts "
    "most-read most-popular footer site-footer page-footer menu main-menu breadcrumb breadcrumbs".split()
)
_DROP = ("script", "style", "noscript", "template", "svg", "iframe", "object")
#: A title link has at least this many characters and two words ("Budget statement delivered").
_MIN_TITLE = 12
#: An article's main text has at least this many characters; less, on a page of many
#: headline links, means a listing whose entries show no dates.
_MIN_ARTICLE = 300
#: A page with this many dated entries is a listing even with an introduction in prose.
_LONG_LISTING = 8


def looks_like_html(head: bytes) -> bool:
    """Whether the first bytes of a file are an HTML page (``<!doctype html``, ``<html``)."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()[:2048].lower()
    return text.startswith((b"<!doctype html", b"<html")) or (text.startswith((b"<!--", b"<?xml")) and b"<html" in text)


def decode_html(raw: bytes) -> str:
    """The text of a page's bytes (see the module doc for the charset rule)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    found = _CHARSET.search(raw[:4096])
    if found:
        try:
            return raw.decode(found.group(1).decode("ascii", "replace"))
        except (LookupError, UnicodeDecodeError):
            pass
    return raw.decode("cp1252", errors="replace")


def _read(source: Source) -> tuple[str, str]:
    path, data = read_head(source, _MAX_PAGE_BYTES)
    if len(data) > _MAX_PAGE_BYTES:
        raise SourceError(path, None, f"page over {_MAX_PAGE_BYTES // 1048576} MB: not a saved web page")
    return path, decode_html(data) if isinstance(data, bytes) else data


def _tree(text: str, path: str = "<stream>"):  # -> lxml.html.HtmlElement
    import lxml.etree
    import lxml.html  # imported lazily: only HTML sources need it

    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise SourceError(path, None, f"not an HTML page ({exc}): pass format='newsroom' for a page saved as text") from exc
    for element in list(root.iter(*_DROP)):
        if element.getparent() is not None:
            element.drop_tree()
    return root


def _text(element) -> str:
    return _SPACE.sub(" ", element.text_content()).strip()


def _shape(element) -> tuple[str, ...]:
    """The tag/class path of an element and its three nearest ancestors (the entry's template)."""
    parts = []
    for node in [element, *list(element.iterancestors())[:3]]:
        classes = sorted(c for c in (node.get("class") or "").split() if not _VARIANT_CLASS.search(c))
        parts.append(node.tag + "." + ".".join(classes))
    return tuple(parts)


def _in_chrome(element) -> bool:
    """Inside navigation, a footer or a sidebar: by tag, ARIA role, or the class/id words every
    CMS theme uses for them (whole words only: "sidebar", not "content-with-sidebar")."""
    for node in element.iterancestors():
        if node.tag in _CHROME_AREAS or (node.get("role") or "") in ("navigation", "complementary", "contentinfo"):
            return True
        words = set((node.get("class") or "").casefold().split()) | {(node.get("id") or "").casefold()}
        if words & _CHROME_CLASSES:
            return True
    return False


def _title_links(root) -> list:
    links = []
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        text = _text(link)
        if len(text) < _MIN_TITLE or len(text.split()) < 2 or _in_chrome(link):
            continue
        if date_line(text) is not None:  # a date that links to its post is not a title
            continue
        links.append(link)
    return links


@dataclass(frozen=True, slots=True)
class _Found:
    """A date found in the page: the element that shows it, and the date."""

    element: object
    date: _dt.date
    text: str


def _dates(root, titles: set) -> list[_Found]:
    """Every date shown outside the title links: the lowest element or text that is a date line."""
    found: list[_Found] = []
    covered: set = set()
    # "04/25/13": the page's own numeric dates say which number is the month
    order = numeric_order(m.group(0) for m in _NUMERIC_DATE.finditer(root.text_content()))
    # Reverse document order visits descendants before their ancestors: the lowest date wins.
    for element in reversed(list(root.iter())):
        if not isinstance(element.tag, str) or element in covered:
            continue
        if element in titles and len(element) == 0:
            continue  # a title link's own text is its title (dates in a whole-card link are found)
        result = _date_of_element(element, order)
        pieces = [element.text] + [child.tail for child in element]
        if result is None:
            for piece in pieces:
                if piece and (result := _date_in(piece, order)) is not None:
                    break
        if result is None:
            continue
        found.append(_Found(element, result[0], result[1]))
        covered.update(element.iterancestors())
    found.reverse()
    return found


@dataclass(slots=True)
class _Entry:
    """One listing entry: its title link, its block, and the dates inside the block."""

    link: object
    block: object
    dates: list[_Found]
    #: bare siblings: the elements between this title and the next one, dates aside (its teaser)
    span: tuple = ()


def _ancestry(element) -> list:
    return [element, *element.iterancestors()]


def _blocks(members: list, dates: list[_Found]) -> list[_Entry]:
    """Each member's block (its highest ancestor holding no other member) and the dates in it."""
    hrefs: dict = defaultdict(set)
    for link in members:
        for node in _ancestry(link):
            hrefs[node].add((link.get("href") or "").strip())
    where: dict = defaultdict(list)  # element -> the dates at or under it
    for found in dates:
        for node in _ancestry(found.element):
            where[node].append(found)
    entries = []
    for link in members:
        block = link
        for node in link.iterancestors():
            if len(hrefs[node]) > 1:
                break
            block = node
        entries.append(_Entry(link, block, list(where.get(block, ()))))
    _split_siblings(entries, where)
    return entries


def _split_siblings(entries: list[_Entry], where: dict) -> None:
    """Entries that are bare siblings (title, date, title, date... in one parent): split the run.

    The dates before each title or after it: the reading that gives more entries exactly one
    date wins (a tie is ambiguous and leaves those entries undated, to be rejected).
    """
    by_parent: dict = defaultdict(list)
    for entry in entries:
        if not entry.dates and entry.block.getparent() is not None:
            by_parent[entry.block.getparent()].append(entry)
    for parent, flat in by_parent.items():
        if len(flat) < 2:
            continue
        children = list(parent)
        index = {id(child): i for i, child in enumerate(children)}
        starts = [index[id(e.block)] for e in flat]
        dated = [(i, found) for i, child in enumerate(children) if i not in starts for found in where.get(child, ())]

        def reading(after: bool) -> list[list[_Found]]:
            out = []
            for k, start in enumerate(starts):
                if after:
                    lo, hi = start, starts[k + 1] if k + 1 < len(starts) else len(children)
                else:
                    lo, hi = starts[k - 1] if k else -1, start
                out.append([found for i, found in dated if lo < i < hi])
            return out

        after, before = reading(True), reading(False)
        score_after = sum(len(d) == 1 for d in after)
        score_before = sum(len(d) == 1 for d in before)
        if score_after == score_before:
            log.debug("sibling entries under <%s>: dates before and after fit equally; left undated", parent.tag)
            continue
        chosen = after if score_after > score_before else before
        holding = {i for i, _ in dated}
        for k, (entry, found) in enumerate(zip(flat, chosen)):
            entry.dates = found
            end = starts[k + 1] if k + 1 < len(starts) else len(children)
            # the last entry's teaser is what follows it up to the next heading (the page's own text after)
            entry.span = tuple(
                child for i, child in enumerate(children[starts[k] + 1 : end], starts[k] + 1)
                if i not in holding and (k + 1 < len(starts) or child.tag == "p")
            )
            if k + 1 == len(starts):
                entry.span = entry.span[:1]


def _page_url(root) -> str:
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content', "//base/@href"):
        values = root.xpath(xpath)
        if values and str(values[0]).strip().startswith(("http://", "https://")):
            return str(values[0]).strip()
    return ""


def _title(entry: _Entry) -> str:
    """The entry's title: its link's text, or the heading inside a link that wraps a whole card."""
    heading = next((node for node in entry.link.iterdescendants() if node.tag in _HEADINGS), None)
    if heading is not None:
        return _text(heading)
    # a card link of text blocks ("Press Release" / the title / "December 3, 2021"): the first
    # block that is neither the date nor the type label
    link = entry.link
    blocks = not (link.text or "").strip() and all(not (child.tail or "").strip() for child in link)  # (not "<a>A <em>b</em> c</a>")
    parts = [_text(node) for node in link.iterdescendants() if node.tag in _TEXT_BLOCKS and len(node) == 0] if blocks else []
    titles = [part for part in parts if len(part.split()) >= 2 and date_line(part) is None and type_of(part) is None]
    if len(parts) >= 2 and titles:
        return titles[0]
    text = _text(entry.link)
    for found in entry.dates:
        if entry.link in _ancestry(found.element) and found.text in text:
            text = _SPACE.sub(" ", text.replace(found.text, " ")).strip(" |•·-–—")
    return text


def _summary(entry: _Entry) -> str:
    """The entry's teaser: its paragraphs, else its block's text without title and date."""
    parts = [_text(p) for p in entry.block.iter("p") if entry.link not in p.iter("a")]
    parts += [_text(element) for element in entry.span]
    text = " ".join(part for part in parts if part)
    if not text:
        skip = {entry.link} | {found.element for found in entry.dates}
        pieces: list[str] = []

        def walk(element) -> None:
            if element in skip:
                return
            pieces.append(element.text or "")
            for child in element:
                walk(child)
                pieces.append(child.tail or "")

        walk(entry.block)
        text = _SPACE.sub(" ", " ".join(pieces)).strip()
    return text[:2000] if len(text.split()) >= 5 else ""


def _listing_entries(root) -> list[_Entry]:
    """The entries of the page's main listing (the link group with the most dated blocks), or []."""
    links = _title_links(root)
    dates = _dates(root, set(links))
    if not dates:
        return []
    groups: dict = defaultdict(list)
    for link in links:
        groups[_shape(link)].append(link)
    best: list[_Entry] = []
    best_score = (1, 0, 0)
    for members in groups.values():
        if len(members) < 2:
            continue
        entries = _blocks(members, dates)
        dated = sum(1 for e in entries if e.dates)
        # ties ("Read more about <title>" links beside the titles): the links in headings win
        headed = sum(1 for e in entries if any(n.tag in _HEADINGS for n in _ancestry(e.link)))
        score = (dated, headed, -len(entries))
        if dated >= 2 and score > best_score:
            best, best_score = entries, score
    if best:
        best = _with_headlines(best, links, dates)
    return best


def _with_headlines(entries: list[_Entry], links: list, dates: list[_Found]) -> list[_Entry]:
    """Add the headline links of another shape (a featured post above the river) that own a date.

    A headline link (inside ``h1``-``h4``) joins the listing when, with it counted as an entry,
    its own block holds exactly one date that no other entry's block holds.
    """
    members = [entry.link for entry in entries]
    taken = {id(found) for entry in entries for found in entry.dates}
    chosen = set(members)
    extra = []
    for link in links:
        if link in chosen or not any(node.tag in ("h1", "h2", "h3", "h4") for node in link.iterancestors()):
            continue
        trial = _blocks(members + [link], dates)[-1]
        if len(trial.dates) == 1 and id(trial.dates[0]) not in taken:
            extra.append(link)
            taken.add(id(trial.dates[0]))
    if not extra:
        return entries
    order = {element: i for i, element in enumerate(entries[0].link.getroottree().iter())}
    return sorted(_blocks(members + extra, dates), key=lambda entry: order[entry.link])


def _is_article(root, entries: list[_Entry]) -> bool:
    """An article page with a list of related (dated) items, rather than a listing page.

    An article has a body: a run of paragraphs (at least 2, 500 characters) outside every entry
    block. A listing's text is in its entries. Blocks holding most of the page are not entries.
    """
    blocks = {entry.block for entry in entries}
    spanned = {element for entry in entries for element in entry.span}
    sizes = sorted(len(_text(e.block)) for e in entries)
    whole = len(_text(root))
    if whole and sizes[len(sizes) // 2] > whole / 2:
        return True
    dated = sum(1 for e in entries if e.dates)
    for element in root.iter():
        paragraphs = [child for child in element if child.tag == "p" and child not in spanned]
        prose = sum(len(_text(p)) for p in paragraphs)
        if len(paragraphs) < 2 or prose < 500 or any(node in blocks for node in _ancestry(element)):
            continue
        # a long listing with an introduction is still a listing: its entries hold more text
        if dated < _LONG_LISTING or prose >= sum(sizes):
            return True
    return False


def parse_listing(root, path: str, label: str, entries: list[_Entry] | None = None, *, base_url: str = "") -> Iterator[Item]:
    """Yield the releases of a listing page's entries, and a SourceError per undated entry."""
    entries = _listing_entries(root) if entries is None else entries
    base = urljoin(base_url, _page_url(root)) if base_url else _page_url(root)  # (a fetched page: its URL)
    seen: set[str] = set()
    for entry in entries:
        title = _title(entry)
        href = (entry.link.get("href") or "").strip()
        url = urljoin(base, re.sub(r"\s+", "", href)) if base else re.sub(r"\s+", "", href)
        line = entry.link.sourceline
        days = sorted({found.date for found in entry.dates})
        if not days:
            yield SourceError(path, line, f"entry {title[:60]!r} shows no date: not indexed (a date is never guessed)", record=title)
            continue
        if len(days) > 1:
            log.debug("%s:%s: entry %r shows %d dates; the first is taken", path, line, title[:60], len(days))
        if url in seen:  # the same release linked twice (a featured box above the list)
            log.debug("%s:%s: %r is listed twice; read once", path, line, title[:60])
            continue
        seen.add(url)
        yield Release(title=title, date=entry.dates[0].date, url=url, summary=_summary(entry), source=label)


def parse(source: Source, *, base_url: str = "") -> Iterator[Item]:
    """Yield the releases of a saved HTML page: a listing's entries, or the one article.

    ``base_url``: the address the page was fetched from (sources/url.py), against which relative
    links are resolved when the page states no canonical url of its own."""
    path, text = _read(source)
    label = source_label(source)
    if not text.strip():
        return
    root = _tree(text, path)
    entries = _listing_entries(root)
    if entries and not _is_article(root, entries):
        yield from parse_listing(root, path, label, entries, base_url=base_url)
        return
    from .html_article import parse_article

    items = list(parse_article(text, root, path, label, base_url=base_url))
    undated = 0 if entries else _undated_listing(root)
    thin = not items or isinstance(items[0], SourceError) or len(items[0].body) < _MIN_ARTICLE
    if undated and thin:
        raise SourceError(
            path, None,
            f"a listing page ({undated} links to releases) but no entry shows a date: nothing indexed "
            "(dates are never guessed); save a listing that shows dates, or the release pages themselves",
        )
    if len(items) == 1 and isinstance(items[0], SourceError) and not entries:
        raise items[0]  # neither a listing nor an article: the whole file is the problem
    for item in items:
        if isinstance(item, Release) and item.date is None:
            log.warning("%s: article %r shows no publication date; indexed without one", path, item.title[:60])
    yield from items


def _undated_listing(root) -> int:
    """The size of the page's biggest group of same-shaped headline links (0 under 5)."""
    groups: dict = defaultdict(list)
    for link in _title_links(root):
        if len(_text(link).split()) >= 4:
            groups[_shape(link)].append(link)
    size = max((len(members) for members in groups.values()), default=0)
    return size if size >= 5 else 0
