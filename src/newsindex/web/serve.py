"""``newsindex serve INDEX``: the search page on http://127.0.0.1:8750, until Ctrl-C.

Kept apart from cli.py so the CLI imports Starlette and uvicorn only when this command runs:
every other command works without the ``web`` extra.
"""

from __future__ import annotations

import ipaddress

import click

__all__ = ["serve_command", "serve", "is_loopback"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750
#: Connections served at once; past it uvicorn answers 503 instead of queueing without end.
LIMIT_CONCURRENCY = 64


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` ("localhost", 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(index_path: str, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, log_level: str = "warning") -> None:
    """Open ``index_path`` read-only and serve the app with uvicorn until interrupted."""
    try:
        import uvicorn

        from .asgi import app
    except ImportError as exc:  # pragma: no cover - the extra is installed in tests
        raise click.ClickException(f"`newsindex serve` needs the web extra: pip install 'newsindex[web]' ({exc})") from None
    site = app(index_path)
    if not is_loopback(host):
        click.echo(f"warning: serving on {host}: anyone who can reach this machine on port {port} can read the index", err=True)
    click.echo(f"serving {index_path} on http://{host if ':' not in host else f'[{host}]'}:{port}/ (read-only; Ctrl-C stops)", err=True)
    uvicorn.run(site, host=host, port=port, log_level=log_level, limit_concurrency=LIMIT_CONCURRENCY,
                timeout_keep_alive=5, server_header=False, access_log=False)


@click.command("serve", short_help="A search page and JSON API over INDEX, on 127.0.0.1.")
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on (other than 127.0.0.1/localhost: reachable from the network).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535))
def serve_command(index_path: str, host: str, port: int) -> None:
    """Serve a search page and JSON API over INDEX (read-only), on 127.0.0.1 by default.

    New releases indexed into INDEX meanwhile show up without a restart.
    \b
    Example:
      newsindex serve releases.idx
      curl 'http://127.0.0.1:8750/api/search?q=vigil&country=HK'
    """
    serve(index_path, host=host, port=port)  # cli.py wraps this command in its error handling
