"""A local faceted search page and JSON API over an index: ``newsindex serve INDEX``.

    import uvicorn, newsindex.web
    uvicorn.run(newsindex.web.app("releases.idx"), host="127.0.0.1", port=8750)

Needs the ``web`` extra (``pip install 'newsindex[web]'``: Starlette, uvicorn, Jinja2). The
app is a thin layer over the public NewsIndex API, like the CLI: state.py reads the URL,
pages.py and api.py ask the index, asgi.py wires routes, errors and safety, and the templates
and static files ship inside the package (no CDN, no build step).
"""

from __future__ import annotations

from typing import Any

__all__ = ["app"]


def __getattr__(name: str) -> Any:
    # Lazy, so `newsindex serve`'s command can be registered without importing Starlette.
    if name == "app":
        from .asgi import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
