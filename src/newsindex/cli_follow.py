"""The command line's sources: files and URLs for `index`, and the `update` command.

Kept out of cli.py so the index command stays a few lines: :class:`read_sources` turns the
SOURCE arguments into one stream of releases with the run's error policy, and remembers the
URLs it fetched so their validators are saved once the index has committed what they held.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any, Iterator

import click

from newsindex import NewsIndex, Release, SourceError, load_releases
from newsindex.sources.url import is_url


class read_sources:  # noqa: N801  (used like a function by cli.index_command)
    """The releases of ``sources`` (paths, ``-``, URLs), in order, with the run's error policy.

    Lenient (``strict=False``): a record that can't be read is appended to ``errors``, and so
    is a whole source that can't be read (missing, not the format, a URL that fails, a page
    with no releases): the run goes on with the next source. Strict: the first error is raised.
    """

    def __init__(self, sources: tuple[str, ...], index: NewsIndex, *, format_: str | None, strict: bool, errors: list[SourceError], name: str | None = None) -> None:
        self.sources = sources
        self.name = name
        self.index = index
        self.format = format_
        self.strict = strict
        self.errors = errors
        self.failed: list[str] = []  # sources that could not be read at all

    def releases(self) -> Iterator[Release]:
        from newsindex.follow import followed  # the follow store: loaded by the commands that read sources

        store = followed(self.index)
        policy = None if self.strict else self.errors
        for source in self.sources:
            try:
                if is_url(source):
                    for release in store.releases(source, errors=policy):  # --source names a feed too
                        yield dataclasses.replace(release, source=self.name) if self.name else release
                else:
                    stream: Any = sys.stdin.buffer if source == "-" else source
                    yield from load_releases(stream, format=self.format, errors=policy, name=self.name)
            except SourceError as exc:
                if self.strict:
                    raise
                self.errors.append(exc)  # a file-level reject: reported with the others
                self.failed.append(source)

    def committed(self) -> None:
        """The index has committed: save the validators of the URLs read."""
        from newsindex.follow import followed

        followed(self.index).save()


@click.command("update", short_help="Fetch the URLs of INDEX again; add what is new.")
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.option("--strict", is_flag=True, help="Stop at the first URL that fails or bad item.")
@click.option("--timeout", default=0.0, show_default=True, help="Seconds to wait for another writer's lock.")
@click.option("--list", "list_only", is_flag=True, help="List the followed URLs and their last fetch, fetch nothing.")
@click.option("--forget", "forget", metavar="URL", multiple=True, help="Stop following URL.")
def update_command(index_path: str, strict: bool, timeout: float, list_only: bool, forget: tuple[str, ...]) -> None:
    """Fetch again the URLs INDEX was built from; add what is new, update what changed.

    Each URL is fetched with the ETag/Last-Modified its server sent last time, so an unchanged
    feed costs one 304. A URL that fails is reported and the others are updated (exit code 1
    only when every URL failed).

    \b
    Examples:
      newsindex update releases.idx
      newsindex update releases.idx --list
    """
    from newsindex.follow import followed, update

    with NewsIndex.open(index_path) as index:
        store = followed(index)
        for url in forget:
            if not store.remove(url):
                raise click.UsageError(f"{url} is not followed by {index_path} (see --list)")
            click.echo(f"no longer following {url}")
        if forget:
            return
        if list_only or not len(store):
            for source in store:
                click.echo(f"{source.url}  last fetched {source.fetched or '-'}" + (f"  etag {source.etag}" if source.etag else ""))
            if not len(store):
                click.echo(f"{index_path} follows no URL: index one with `newsindex index {index_path} https://...`")
            return
        report = update(index, strict=strict, timeout=timeout)
    click.echo(f"{index_path}: {report.summary()}")
    for url, outcome in report.per_source.items():
        click.echo(f"  {url}: {outcome}", err=outcome.startswith("failed"))
    for error in report.rejected[:5]:
        click.echo(f"  rejected {error}", err=True)
    if report.failed and len(report.failed) == report.sources:
        click.echo("error: no followed URL could be fetched", err=True)
        sys.exit(1)
