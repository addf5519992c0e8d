"""Releases from a URL: fetched with httpx, then read by the parser its content calls for.

``load_releases("https://example.org/feed/")`` comes here. What fetching guarantees, so a
newsroom that misbehaves costs a clear error and never a hung or bloated run:

* **Bounded**: a connect/read timeout (:data:`TIMEOUT`), an overall deadline for the whole
  body (:data:`DEADLINE`: a server dribbling bytes can't hold a run), at most
  :data:`MAX_REDIRECTS` redirects (a loop is an error naming it), and at most
  :data:`MAX_BYTES` of body (checked on ``Content-Length`` and while reading, after gzip).
* **Polite**: a User-Agent naming newsindex and its version, gzip accepted, and a conditional
  GET (``If-None-Match`` / ``If-Modified-Since``) when the caller has the validators of the
  last fetch (``newsindex update``): a 304 costs the server nothing.
* **Clear errors**: network failures, HTTP errors (404, 500), loops, oversized and unreadable
  bodies raise :class:`~newsindex.errors.FetchError` (a SourceError naming the URL), which
  a lenient multi-source run reports as a file-level reject and goes on.
* **Dispatch on content**: a feed (an XML/RSS/Atom content type, or a body that starts like
  one) goes to :mod:`.feed`, with the final URL as the base of relative links; an HTML page
  (listing or article) to :mod:`.html`, likewise; plain text to the newsroom text reader; JSON
  Lines and CSV to theirs; anything else (an image, a PDF) is refused with its content type.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from ..errors import FetchError, SourceError
from ._common import Item

__all__ = ["is_url", "fetch", "parse", "parse_fetched", "Fetched", "TIMEOUT", "DEADLINE", "MAX_BYTES", "MAX_REDIRECTS"]

#: Seconds to connect, and between two reads of the body.
TIMEOUT = 20.0
#: Seconds for the whole response, body included.
DEADLINE = 120.0
#: The largest body read (after decompression). Real feeds and pages are well under 10 MB.
MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5

_ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
_FEED_TYPES = ("rss", "atom", "rdf", "xml")


def is_url(source: object) -> bool:
    """True for an http(s) URL given as a string."""
    return isinstance(source, str) and source[:8].lower().startswith(("http://", "https://"))


def user_agent() -> str:
    from .._version import __version__

    return f"newsindex/{__version__} (+https://pypi.org/project/newsindex/)"


@dataclass(frozen=True, slots=True)
class Fetched:
    """One fetch: the final url (after redirects), status, body and the validators to send next time."""

    url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    headers: Mapping[str, str] | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch(url: str, *, etag: str = "", last_modified: str = "", timeout: float = TIMEOUT, deadline: float = DEADLINE, max_bytes: int = MAX_BYTES, client: Any = None) -> Fetched:
    """GET ``url`` (conditionally, given the last fetch's validators); raise FetchError on failure."""
    import httpx

    headers = {"User-Agent": user_agent(), "Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own = client is None
    if own:
        client = httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True, max_redirects=MAX_REDIRECTS)
    started = time.monotonic()
    try:
        with client.stream("GET", url, headers=headers) as response:
            final = str(response.url)
            if response.status_code == 304:
                return Fetched(final, 304, etag=response.headers.get("etag", etag), last_modified=response.headers.get("last-modified", last_modified))
            if response.status_code >= 400:
                raise FetchError(url, f"HTTP {response.status_code} {response.reason_phrase or ''}".strip() + _moved(final, url))
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(url, f"the response is {int(declared) / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit (newsindex.sources.url.MAX_BYTES)")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(url, f"the response is over the {max_bytes / 2**20:.0f} MB limit (newsindex.sources.url.MAX_BYTES)")
                if time.monotonic() - started > deadline:
                    raise FetchError(url, f"the response took over {deadline:g} s (newsindex.sources.url.DEADLINE)")
                chunks.append(chunk)
            return Fetched(
                final,
                response.status_code,
                b"".join(chunks),
                response.headers.get("content-type", ""),
                response.headers.get("etag", ""),
                response.headers.get("last-modified", ""),
                dict(response.headers),
            )
    except httpx.TooManyRedirects:
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
    except httpx.TimeoutException:
        raise FetchError(url, f"no answer within {timeout:g} s (timed out)") from None
    except httpx.HTTPError as exc:  # connection refused, DNS, TLS, broken transfer, bad gzip
        raise FetchError(url, f"cannot fetch it ({type(exc).__name__}: {exc or 'network error'})") from None
    finally:
        if own:
            client.close()


def _moved(final: str, asked: str) -> str:
    return f" (at {final}, redirected from the URL given)" if final != asked else ""


def parse(url: str) -> Iterator[Item]:
    """Fetch ``url`` and yield its releases (the parser chosen from the response)."""
    yield from parse_fetched(fetch(url), asked=url)


def parse_fetched(fetched: Fetched, *, asked: str = "") -> Iterator[Item]:
    """The items of a fetched response, read by the parser its content type (or content) calls
    for; a listing's releases carry the page's own headings (headings.py), as from a file."""
    from .headings import page_headings, with_page_headings

    kind = _kind(fetched)
    items = _parse_fetched(fetched, kind, asked)
    if kind in ("feed", "html", "newsroom"):
        head = fetched.content[: 1 << 18]
        if kind == "html":
            from .html import decode_html

            text = decode_html(head)  # the page's own charset, as its reader decodes it
        else:
            text = head.decode("utf-8", "replace")
        items = with_page_headings(items, lambda first: page_headings(kind, text, first))
    yield from items


def _parse_fetched(fetched: Fetched, kind: str, asked: str) -> Iterator[Item]:
    from .feed import parse_bytes

    name = asked or fetched.url
    if kind == "feed":
        yield from parse_bytes(fetched.content, path=name, label=name, base_url=fetched.url, headers=dict(fetched.headers or {}))
    elif kind == "html":  # a newsroom listing or a release page: sources/html.py, links against the final URL
        from .html import parse as parse_html

        yield from parse_html(_stream(fetched.content, name), base_url=fetched.url)
    elif kind == "newsroom":  # a listing page served as plain text
        from .newsroom import parse as parse_text

        yield from parse_text(_stream(fetched.content, name))
    elif kind in ("jsonl", "csv"):
        from .csvfile import parse as parse_csv
        from .jsonl import parse as parse_jsonl

        yield from (parse_jsonl if kind == "jsonl" else parse_csv)(_stream(fetched.content, name))
    else:
        shown = fetched.content_type.split(";")[0].strip() or "none"
        raise SourceError(name, None, f"not a feed or a newsroom page (content type {shown}): give the URL of the newsroom's RSS/Atom feed or page")


def _stream(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name  # type: ignore[attr-defined]
    return stream


def _kind(fetched: Fetched) -> str:
    ctype = fetched.content_type.split(";")[0].strip().lower()
    head = fetched.content[:4096]
    from .feed import looks_like_feed

    if looks_like_feed(head):
        return "feed"
    from .html import looks_like_html

    if ctype in ("text/html", "application/xhtml+xml") or looks_like_html(head):
        return "html"
    if any(part in ctype for part in _FEED_TYPES):
        return "feed"  # declared a feed but doesn't start like one: the feed reader says what is wrong
    if ctype in ("application/json", "application/x-ndjson", "application/jsonl", "application/x-jsonlines"):
        return "jsonl"
    if ctype == "text/csv":
        return "csv"
    if ctype == "text/plain":
        return "newsroom"
    return ""
