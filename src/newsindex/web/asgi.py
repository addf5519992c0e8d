"""The ASGI app: routes, errors, security headers and time limits around pages.py and api.py.

Safe by default, because a search page over a press archive is easily left running:

- read-only: every route is a GET (anything else is a 405) and only reading methods of the
  index are called; new commits by an ``index``/``update`` run beside it show up at the next
  request (the index re-reads its table of contents when it changed).
- every value from a release is escaped (Jinja2 autoescape; snippets are escaped before the
  match marks go in), and a Content-Security-Policy allows only this server's own CSS and
  script: no inline script runs, even if some value slipped through.
- static files come from a fixed table read from the package at start-up: no path from a
  URL ever reaches the file system.
- bounded work: query length, page size and paging depth (state.py), and a time limit per
  request (503 past it; the search thread finishes in the background, the client is freed).
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
from importlib import resources
from typing import Any, AsyncIterator, Callable
from urllib.parse import parse_qs

import anyio
import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import NewsIndexError, QueryError
from ..index import NewsIndex
from . import api
from .pages import NotFound, back_state, release_page, search_page
from .state import MAX_QUERY_CHARS, SearchState, StateError

__all__ = ["app", "REQUEST_TIMEOUT", "CSP"]

#: Seconds one request may take; a search on 100k releases takes well under one.
REQUEST_TIMEOUT = 15.0
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-resource-policy", "same-origin"),
)
#: A query string longer than this is refused before it is parsed (the query itself is bounded lower).
MAX_QUERY_STRING = 8 * 1024


class _SecurityHeaders:
    """Adds the headers above to every response (pages, JSON, errors and static files alike)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _static_files() -> dict[str, tuple[bytes, str]]:
    folder = resources.files("newsindex.web") / "static"
    table = {}
    for entry in folder.iterdir():
        if entry.is_file() and not entry.name.startswith("."):
            media = mimetypes.guess_type(entry.name)[0] or "application/octet-stream"
            table[entry.name] = (entry.read_bytes(), media + ("; charset=utf-8" if media.startswith("text/") or media.endswith("javascript") else ""))
    return table


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newsindex.web", "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["marked_snippet"] = lambda hit: Markup(hit.marked_snippet())  # escaped, then marked
    env.filters["marked_title"] = lambda hit: Markup(hit.marked_title())
    env.globals["max_query"] = MAX_QUERY_CHARS
    return env


def _message(exc: BaseException) -> tuple[int, str]:
    """HTTP status and message of an error, worded as the CLI words it."""
    if isinstance(exc, QueryError):
        return 400, f"bad query: {exc}"
    if isinstance(exc, NotFound):
        return 404, str(exc.args[0])
    if isinstance(exc, (StateError, ValueError, TypeError)):
        return 400, str(exc)
    if isinstance(exc, TimeoutError):
        return 503, "the request took too long and was stopped; narrow the search (fewer words, a filter or a date range)"
    if isinstance(exc, NewsIndexError):
        return 500, str(exc)
    raise exc


def app(index: NewsIndex | str | os.PathLike[str], *, timeout: float = REQUEST_TIMEOUT) -> Starlette:
    """The search page and JSON API over ``index`` (a NewsIndex, or the path of one to open).

    An index given by path is opened here and closed when the app shuts down; a NewsIndex
    passed in stays the caller's to close. Mount it in another app or serve it with uvicorn:
    ``uvicorn.run(newsindex.web.app("releases.idx"), host="127.0.0.1", port=8750)``.
    """
    owned = not isinstance(index, NewsIndex)
    ix = NewsIndex.open(index) if owned else index  # type: ignore[arg-type]
    templates = _templates()
    static = _static_files()

    async def run(func: Callable[..., Any], *args: Any) -> Any:
        # The index is synchronous: a worker thread, abandoned (not killed) past the time limit.
        with anyio.fail_after(timeout):
            return await anyio.to_thread.run_sync(func, *args, abandon_on_cancel=True)

    def params(request: Request) -> dict[str, list[str]]:
        raw = request.url.query
        if len(raw) > MAX_QUERY_STRING:
            raise StateError(f"the query string is {len(raw):,} bytes long; at most {MAX_QUERY_STRING:,} are read")
        return parse_qs(raw, keep_blank_values=False, max_num_fields=200)

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(**context), status_code=status)

    def json_error(exc: BaseException) -> JSONResponse:
        status, message = _message(exc)
        return JSONResponse({"error": message, "status": status}, status_code=status)

    async def home(request: Request) -> Response:
        try:
            state = SearchState.parse(params(request))
        except (StateError, ValueError) as exc:
            return page("error.html", 400, state=SearchState(), message=str(exc), title="Bad request")
        try:
            context = await run(search_page, ix, state)
        except Exception as exc:
            status, message = _message(exc)
            return page("search.html", status, state=state, error=message, **_empty())
        return page("search.html", error="", **context)

    async def release(request: Request) -> Response:
        release_id = request.path_params["release_id"]
        back = back_state((request.query_params.get("back") or "")[:MAX_QUERY_STRING])
        try:
            context = await run(release_page, ix, release_id, back)
        except Exception as exc:
            status, message = _message(exc)
            return page("error.html", status, state=back or SearchState(), message=message, title="Not found" if status == 404 else "Error")
        return page("release.html", **context)

    def endpoint(func: Callable[..., dict[str, Any]], with_id: bool = False) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            try:
                args = (request.path_params["release_id"],) if with_id else ()
                body = await run(func, ix, *args, params(request))
            except Exception as exc:
                return json_error(exc)
            return JSONResponse(body)

        return handler

    async def static_file(request: Request) -> Response:
        entry = static.get(request.path_params["name"])
        if entry is None:
            raise HTTPException(404)
        return Response(entry[0], media_type=entry[1], headers={"cache-control": "public, max-age=3600"})

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        detail = {404: "no such page", 405: "this server is read-only: only GET requests"}.get(status, "error")
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": detail, "status": status}, status_code=status)
        return page("error.html", status, state=SearchState(), message=detail, title=detail.capitalize())

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owned:
                ix.close()

    routes = [
        Route("/", home),
        Route("/release/{release_id}", release),
        Route("/static/{name}", static_file),
        Route("/api/search", endpoint(api.search)),
        Route("/api/facets", endpoint(api.facets)),
        Route("/api/timeline", endpoint(api.timeline)),
        Route("/api/release/{release_id}", endpoint(api.release, with_id=True)),
        Route("/api/similar/{release_id}", endpoint(api.similar, with_id=True)),
    ]
    site = Starlette(routes=routes, exception_handlers={HTTPException: not_found}, middleware=[Middleware(_SecurityHeaders)], lifespan=lifespan)
    site.state.index = ix
    return site


def _empty() -> dict[str, Any]:
    """The search page's context with no results (shown beside an error)."""
    return {"results": None, "hits": [], "facets": [], "chips": [], "histogram": None, "pages": (), "suggestions": [], "sorts": [], "clear": ""}
