"""The `newsindex` command: a thin click layer over the public API.

It parses options, calls the library, and renders: a table for people, ``--json`` for
scripts. Errors the library raises on purpose (NewsIndexError) become one line on stderr and
exit code 1; bad option values exit 2 (click's usage convention); no tracebacks.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

import click

# Only what every command needs is imported here: the readers, the taggers, NLTK, the
# exporters are imported by the commands that use them, so `newsindex search` starts only the
# index and the query side (tests/test_cli_startup.py checks the modules a search loads).
from newsindex import Hit, NewsIndex, NewsIndexError, QueryError, Release, SearchResults, SourceError

from newsindex.cli_progress import Progress, Working, on_terminal
from newsindex.cli_rejects import RejectLog
from newsindex.index import DEFAULT_BATCH_SIZE

F = TypeVar("F", bound=Callable[..., Any])

FACET_CHOICES = ("country", "issue", "type", "source", "year", "month", "week", "speaker")
#: A query of this many words or more that finds (almost) nothing gets the --match any hint.
LONG_QUERY_WORDS = 5
#: `facets` without --field/--all shows this many values per field (the rest: --field NAME).
FACET_SUMMARY_TOP = 5


class _FormatChoice(click.Choice):
    """``click.Choice(sources.FORMATS)``, the package read when the option is parsed or shown:
    importing the readers' package is start-up time of every command (a search reads no source)."""

    def __init__(self) -> None:
        super().__init__(())

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        from newsindex.sources import FORMATS

        return FORMATS

    @choices.setter
    def choices(self, value: object) -> None:
        pass


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def handle_errors(func: F) -> F:
    """Turn library errors into one line on stderr: exit 1 for data/index errors, 2 for misuse."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except QueryError as exc:
            _fail(f"bad query: {exc}")
        except NewsIndexError as exc:
            _fail(str(exc))
        except (ValueError, TypeError) as exc:
            _fail(str(exc), code=2)
        except BrokenPipeError:  # `newsindex search ... | head`
            sys.stderr.close()
            sys.exit(0)

    return wrapper  # type: ignore[return-value]


def filter_options(func: F) -> F:
    """The facet filters shared by search, facets and timeline-like commands."""
    options = [
        click.option("--country", multiple=True, metavar="CODE", help="ISO country code, e.g. CN (repeat for OR)."),
        click.option("--issue", multiple=True, metavar="SLUG", help="Issue slug, e.g. death-penalty (repeat for OR)."),
        click.option("--type", "type_", multiple=True, metavar="TYPE", help="Release type, e.g. press-release, report."),
        click.option("--source", multiple=True, metavar="NAME", help="Source name (repeat for OR)."),
        click.option("--speaker", multiple=True, metavar="NAME", help="Who is quoted, e.g. 'Doriane Lau' (repeat for OR)."),
        click.option("--since", metavar="DATE", help="Only releases on or after DATE (2021-06-01, 'June 1, 2021')."),
        click.option("--until", metavar="DATE", help="Only releases on or before DATE."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filters(country: tuple[str, ...], issue: tuple[str, ...], type_: tuple[str, ...], source: tuple[str, ...], since: str | None, until: str | None, speaker: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"country": country or None, "issue": issue or None, "type": type_ or None, "source": source or None, "speaker": speaker or None, "since": since, "until": until}


def _bold(text: str) -> str:
    return click.style(text, bold=True)


def _render_hit(hit: Hit) -> None:
    date = hit.date.isoformat() if hit.date else "undated   "
    # On a terminal the query's words are bold yellow; piped output stays plain text.
    title = hit.marked_title("\x1b[1;33m", "\x1b[22;39m", escape=str) if sys.stdout.isatty() else hit.title
    click.echo(f"{hit.rank:>3}. {date}  {title}")
    meta = [hit.type or "-", ",".join(hit.countries) or "-", ",".join(hit.issues) or "-", f"id {hit.id}"]
    if hit.speakers:
        meta.insert(3, "quoting " + ", ".join(hit.speakers))
    if hit.score:
        meta.append(f"score {hit.score:.2f}")
    click.echo("     " + click.style(" | ".join(meta), dim=True))
    if hit.snippet:
        snippet = hit.marked_snippet("\x00", "\x01", escape=str)
        if sys.stdout.isatty():
            snippet = snippet.replace("\x00", "\x1b[1m").replace("\x01", "\x1b[22m")
        else:
            snippet = snippet.replace("\x00", "[").replace("\x01", "]")
        click.echo("     " + snippet)


def _render_facets(facets: Any, top: int = 8) -> None:
    for name, counts in facets.items():
        if not counts:
            click.echo(f"{name}: (none)")
            continue
        shown = counts if name in ("year", "month", "week") else counts[:top]
        parts = [f"{c.label or c.value} ({c.value}) {c.count}" if name in ("country",) else f"{c.label or c.value} {c.count}" for c in shown]
        more = f"  … {len(counts) - len(shown)} more" if len(counts) > len(shown) else ""
        click.echo(f"{_bold(name)}: " + ", ".join(parts) + more)


def _render_results(results: SearchResults, *, show_facets: bool = True) -> None:
    if not results.total:
        click.echo(f"No release matches {results.query!r}." if results.query else "No release matches these filters.")
    if results.suggestions:
        click.echo("Did you mean: " + " or ".join(repr(s) for s in results.suggestions) + "?" + ("" if results.total else "  (or search with --fuzzy)"))
        click.echo()
    elif results.total:
        first = (results.page - 1) * results.limit + 1
        last = first + len(results.hits) - 1
        shown = f"{first}-{last} of {results.total:,} releases" if results.hits else f"{results.total:,} releases in all"
        order = "newest first" if results.sort == "newest" or (not results.query.strip() and results.sort == "relevance") else "oldest first" if results.sort == "oldest" else "by relevance"
        beyond = f"; none on page {results.page} (pages: {results.pages})" if not results.hits and results.page > 1 else ""
        click.echo(shown + (f" for {results.query!r}" if results.query else "") + f" ({order}){beyond}")
        click.echo()
        for hit in results:
            _render_hit(hit)
            click.echo()
    if show_facets and results.facets and results.total:
        _render_facets(results.facets)


#: Commands kept in modules of their own: name -> (module, command). `newsindex search` never
#: imports them (the feed reader, the web command, the learner, the taxonomy listing: ~10 ms
#: of each start-up); `newsindex --help` and the command itself do.
_LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "issues": ("newsindex.cli_issues", "issues_command"),
    "serve": ("newsindex.web.serve", "serve_command"),  # Starlette is imported only when it runs
    "update": ("newsindex.cli_follow", "update_command"),
    "learn": ("newsindex.cli_learn", "learn_command"),
}


class _Commands(click.Group):
    """The `newsindex` group: the commands of _LAZY_COMMANDS are imported on first look-up,
    wrapped in handle_errors as the ones defined here are."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in _LAZY_COMMANDS:
            from importlib import import_module

            module, name = _LAZY_COMMANDS[cmd_name]
            command = getattr(import_module(module), name)
            command.callback = handle_errors(command.callback)  # type: ignore[arg-type]
            self.add_command(command, cmd_name)
        return command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="newsindex")
def main() -> None:
    """Search archives of press releases and news.

    \b
    Try it on the bundled sample newsroom, no files needed:
      newsindex demo "hong kong"
    Index your own archive and search it:
      newsindex index releases.idx newsroom.txt export.jsonl
      newsindex search releases.idx "vigil" --country HK --since 2021-01-01
      newsindex facets releases.idx
    Which issue slugs --issue takes:
      newsindex issues
    """


@main.command()
@click.argument("query", required=False, default="Hong Kong")
@click.option("--limit", default=5, show_default=True, help="Hits to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@handle_errors
def demo(query: str, limit: int, as_json: bool) -> None:
    """Search the bundled sample newsroom (12 releases, in memory).

    \b
    Example:
      newsindex demo "hong kong"
      newsindex demo "death penalty" --json
    """
    from newsindex.sources import load_sample
    with NewsIndex.in_memory() as index:
        index.add(load_sample())
        results = index.search(query, limit=limit, facets=("country", "issue", "year", "type"))
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"Bundled sample newsroom: {len(load_sample())} releases, indexed in memory.\n")
    _render_results(results)


@main.command("index", short_help="Add the releases of SOURCE files or URLs to INDEX.")
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.argument("sources", metavar="SOURCE...", nargs=-1, required=True)
@click.option("--format", "format_", type=_FormatChoice(), help="Input format (default: from the file's suffix or content).")
@click.option("--strict", is_flag=True, help="Refuse the whole run at the first bad record (index untouched).")
@click.option("--rejects", type=click.Path(dir_okay=False, writable=True), help="Write bad records and reasons here (JSON Lines).")
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True, help="Commit every N releases (lenient mode): a crash loses at most one batch.")
@click.option("--language", default="english", show_default=True, help="Stemming language of a new index.")
@click.option("--overwrite", is_flag=True, help="Replace an existing index instead of adding to it.")
@click.option("--taxonomy", type=click.Path(exists=True, dir_okay=False), help="Issue taxonomy (TOML or JSON) of a new index, instead of the shipped one.")
@click.option("--extend-taxonomy", is_flag=True, help="Add --taxonomy's issues to the shipped ones instead of replacing them.")
@click.option("--timeout", default=0.0, show_default=True, help="Seconds to wait for another writer's lock.")
@click.option("--source", "source_name", metavar="NAME", help="Name the source of these releases (the `source` facet), e.g. 'Amnesty USA'. Default: the site name the page states, else the file name.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
@handle_errors
def index_command(index_path: str, sources: tuple[str, ...], format_: str | None, strict: bool, rejects: str | None, batch_size: int, language: str, overwrite: bool, taxonomy: str | None, extend_taxonomy: bool, timeout: float, source_name: str | None, quiet: bool) -> None:
    """Add the releases of SOURCE files or URLs to INDEX (created if missing).

    Releases already in the index (same id: same url, or same title and date) are updated, not
    duplicated, so re-running a command is safe. By default bad records are reported and
    skipped; --strict refuses the whole run instead. SOURCE may be - for standard input, or
    an http(s) URL of a feed or page: fetched, and followed by `newsindex update INDEX`. A
    source that can't be read at all is reported and the others are indexed (exit code 0;
    1 when no source could be read, or with --strict at the first bad one).
    INDEX's parent directory must exist (a typo in a path is an error, not a new tree).

    \b
    Examples:
      newsindex index releases.idx newsroom.txt --source "Amnesty USA"
      newsindex index releases.idx newsroom.txt export.jsonl --rejects rejects.jsonl
    """
    from newsindex.cli_follow import read_sources
    from newsindex.sources import load_releases
    from newsindex.tagging import load_taxonomy
    started = time.monotonic()
    path = Path(index_path)
    if not path.exists() and not path.parent.is_dir():
        _fail(f"{path.parent} does not exist: `index` creates only the index directory itself ({path.name}); check the path, or create {path.parent} first")
    if overwrite or not path.exists() or not any(path.iterdir()):
        tax = load_taxonomy(taxonomy, extend=extend_taxonomy) if taxonomy else None
        index = NewsIndex.create(path, language=language, overwrite=overwrite, taxonomy=tax)
    else:
        if taxonomy:
            raise click.UsageError(f"{path} exists: its taxonomy was fixed when it was created; add --overwrite to rebuild it with {taxonomy}")
        index = NewsIndex.open(path)
    # Rejects are counted and streamed to --rejects as they come, not held (cli_rejects.py).
    log = RejectLog(rejects)
    unread = read_sources(sources, index, format_=format_, strict=strict, errors=log, name=source_name)  # type: ignore[arg-type]  # cli_follow.py

    progress = Progress("read", "releases", enabled=not quiet)
    before = len(index)
    with index, log:
        try:
            report = index.add(unread.releases(), strict=strict, batch_size=batch_size, timeout=timeout, progress=progress)
            unread.committed()
        except KeyboardInterrupt:
            progress.done()
            index.close()
            _interrupted(path, before, strict)
        finally:
            progress.done()
        log.add_rejections(report.rejected)
    elapsed = time.monotonic() - started
    click.echo(
        f"{path}: {report.added} added, {report.updated} updated, {log.count} rejected"
        + (f", {len(report.duplicates)} duplicate ids (last kept)" if report.duplicates else "")
        + f" from {len(sources)} file{'s' if len(sources) != 1 else ''} in {elapsed:.1f}s"
    )
    for where, reason in log.first:
        click.echo(f"  rejected {where}: {reason}", err=True)
    if log.count > len(log.first):
        click.echo(f"  … and {log.count - len(log.first)} more" + ("" if rejects else " (use --rejects FILE to keep them all)"), err=True)
    if unread.failed and len(unread.failed) == len(sources):
        _fail(f"none of the {len(sources)} sources could be read (see above)")


def _interrupted(path: Path, before: int, strict: bool) -> None:
    """Ctrl-C during `index`: say what is in the index and how to finish, exit 130 (SIGINT)."""
    try:
        with NewsIndex.open(path) as index:
            committed = len(index) - before
    except NewsIndexError:
        committed = 0
    new = "new releases" if before else "releases"
    click.echo(
        f"\ninterrupted: {max(committed, 0):,} {new} committed, the rest not indexed"
        + ("" if not strict else " (--strict: nothing of this run)")
        + "; run the same command again to continue",
        err=True,
    )
    sys.exit(130)


@main.command(short_help='Search INDEX: ranked hits, filters, facet counts.')
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.argument("query", default="")
@filter_options
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True)
@click.option("--match", type=click.Choice(["all", "any"]), default="all", show_default=True, help="Require all words, or any word.")
@click.option("--limit", default=10, show_default=True, help="Hits per page.")
@click.option("--page", default=1, show_default=True)
@click.option("--facet", "facet_names", multiple=True, type=click.Choice(FACET_CHOICES), help="Facets to count (default: country, issue, year).")
@click.option("--fuzzy", is_flag=True, help="Also match words within 1-2 letters of each query word (misspellings).")
@click.option("--boost-recent", type=click.FloatRange(min=0, min_open=True), metavar="DAYS", help="Favour recent releases: relevance halves its recency part every DAYS days.")
@click.option("--feedback", is_flag=True, help="Re-rank with words of the first hits (pseudo-relevance feedback; for long questions, off for news).")
@click.option("--json", "as_json", is_flag=True, help="One JSON document: query, total, hits, facets, suggestions.")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="JSON Lines: one hit object per line, nothing else (for jq -c, grep, line tools).")
@click.option("--csv", "as_csv", is_flag=True, help="Print the hits as CSV (one row per hit).")
@handle_errors
def search(index_path: str, query: str, country: tuple[str, ...], issue: tuple[str, ...], type_: tuple[str, ...], source: tuple[str, ...], speaker: tuple[str, ...], since: str | None, until: str | None, sort: str, match: str, limit: int, page: int, facet_names: tuple[str, ...], fuzzy: bool, boost_recent: float | None, feedback: bool, as_json: bool, as_jsonl: bool, as_csv: bool) -> None:
    """Search INDEX. An empty QUERY lists releases (newest first) matching the filters.

    \b
    Query syntax: words (all must match by default), "exact phrase",
    AND / OR / NOT, (groups), title:word, country:CN, speaker:gwen-lee,
    protest*, word~ (fuzzy). When few releases match, it suggests spellings
    the archive uses ("Did you mean").

    \b
    Example:
      newsindex search releases.idx "vigil OR assembly" --country HK --since 2021-01-01
      newsindex search releases.idx "tiananmin" --fuzzy
      newsindex search releases.idx "covid" --boost-recent 90 --csv > covid.csv
      newsindex search releases.idx "hong kong" --jsonl --limit 100
    """
    if as_json + as_jsonl + as_csv > 1:
        raise click.UsageError("choose one of --json and --csv, or --jsonl: each is a whole output of its own")
    with NewsIndex.open(index_path) as index:
        results = index.search(
            query, **_filters(country, issue, type_, source, since, until, speaker), sort=sort, match=match,  # type: ignore[arg-type]
            limit=limit, page=page, facets=facet_names or ("country", "issue", "year"), fuzzy=fuzzy, boost_recent=boost_recent,
            feedback=feedback,
        )
        hints = _filter_hints(index, index_path, country, issue) if not results.total else []
    if as_csv:
        from newsindex.export import write_csv

        write_csv(results.hits, sys.stdout)
        return
    if as_jsonl:
        for hit in results:
            click.echo(json.dumps(hit.to_dict(), ensure_ascii=False))
        return
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
    else:
        _render_results(results)
        if match == "all" and results.total < 3 and len(query.split()) >= LONG_QUERY_WORDS:
            # A question typed in full rarely has every word in one release (README: Ranking).
            click.echo("Every word must match by default; for a question like this, try --match any.")
        for hint in hints:
            click.echo(hint, err=True)


def _filter_hints(index: NewsIndex, index_path: str, country: tuple[str, ...], issue: tuple[str, ...]) -> list[str]:
    """Why a filtered search found nothing, when a filter value is one no release has."""
    if not country and not issue:
        return []
    known = index.facets(fields=("country", "issue"))
    codes = {c.value for c in known["country"]}
    slugs = {c.value for c in known["issue"]} | {i.slug for i in index.taxonomy.issues}
    hints = [
        f"No release has country {value!r}: --country takes ISO codes such as CN, HK, US; `newsindex facets {index_path} --field country` lists this index's."
        for value in country if value.strip().upper() not in codes
    ]
    hints += [
        f"{value!r} is no issue slug of this index: `newsindex issues {index_path}` lists them."
        for value in issue if value.strip().lower().replace(" ", "-") not in slugs
    ]
    return hints


@main.command(short_help='Count releases per country, issue, year, source and more.')
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.argument("query", default="")
@filter_options
@click.option("--field", "fields", multiple=True, type=click.Choice(FACET_CHOICES), help="Facet fields to count, every value listed (repeat; default: a summary of all).")
@click.option("--all", "show_all", is_flag=True, help="Every value of every field, not the top ones.")
@click.option("--json", "as_json", is_flag=True, help="The counts as JSON (every value, time periods with zero included).")
@handle_errors
def facets(index_path: str, query: str, country: tuple[str, ...], issue: tuple[str, ...], type_: tuple[str, ...], source: tuple[str, ...], speaker: tuple[str, ...], since: str | None, until: str | None, fields: tuple[str, ...], show_all: bool, as_json: bool) -> None:
    """Count releases per country, issue, type, source, year, month, week and speaker.

    By default a summary: the top values of each field, most releases first.
    --field NAME lists every value of that field (periods in time order),
    --all every value of every field. Values with no release are never listed
    (see `newsindex timeline` for gaps in coverage).

    \b
    Examples:
      newsindex facets releases.idx
      newsindex facets releases.idx "torture" --field country --field year
      newsindex facets releases.idx --all
    """
    with NewsIndex.open(index_path) as index:
        counts = index.facets(query, fields=fields or FACET_CHOICES, **_filters(country, issue, type_, source, since, until, speaker))
    if as_json:
        click.echo(json.dumps({name: [c.to_dict() for c in values] for name, values in counts.items()}, ensure_ascii=False, indent=2))
        return
    summary = not fields and not show_all
    for name, values in counts.items():
        present = [c for c in values if c.count]
        if summary:
            present = sorted(present, key=lambda c: -c.count)  # stable: ties keep time or name order
        shown = present[:FACET_SUMMARY_TOP] if summary else present
        click.echo(_bold(name) + f"  ({len(present)} value{'s' if len(present) != 1 else ''})")
        if not present:
            click.echo("       -  (none)")
        for c in shown:
            label = f"{c.label} ({c.value})" if c.label and c.label != c.value else c.value
            click.echo(f"  {c.count:>6}  {label}")
        if len(present) > len(shown):
            click.echo(f"       …  {len(present) - len(shown)} more: --field {name}")
    if summary:
        click.echo(f"\nThe top {FACET_SUMMARY_TOP} values of each field; every value of one: --field NAME; of all: --all.")


@main.command(short_help='Print one release in full, with its facets.')
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.argument("release_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def show(index_path: str, release_id: str, as_json: bool) -> None:
    """Print one stored release in full, with its given and extracted facets.

    \b
    Example:
      newsindex show releases.idx 55b7539339975352
    """
    with NewsIndex.open(index_path) as index:
        release = index.get(release_id)
        facet_values = index.get_facets(release_id)
    if release is None or facet_values is None:
        _fail(f"no release with id {release_id!r} in {index_path}")
        return
    data = release.to_dict()
    data["countries_extracted"] = list(facet_values.countries_extracted)
    data["issues_extracted"] = list(facet_values.issues_extracted)
    data["speakers"] = [s.to_dict() for s in facet_values.speakers]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(_bold(release.title))
    for key in ("id", "date", "type", "source", "url", "credit"):
        if data.get(key):
            click.echo(f"{key + ':':<21}{data[key]}")
    click.echo(f"{'countries:':<21}{', '.join(release.countries) or '-'} (given)   {', '.join(facet_values.countries_extracted) or '-'} (extracted)")
    click.echo(f"{'issues:':<21}{', '.join(release.issues) or '-'} (given)   {', '.join(facet_values.issues_extracted) or '-'} (extracted)")
    for speaker in facet_values.speakers:
        click.echo(f"{'speaker:':<21}{speaker.describe()}")
    for key in ("caption", "summary", "body"):
        if data.get(key):
            click.echo(f"\n{data[key]}")


@main.command()
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def stats(index_path: str, as_json: bool) -> None:
    """Size, date coverage and facet vocabulary of INDEX.

    \b
    Example:
      newsindex stats releases.idx
    """
    with NewsIndex.open(index_path) as index:
        figures = index.stats()
    if as_json:
        click.echo(json.dumps(figures.to_dict(), indent=2))
        return
    click.echo(f"{'releases:':<16}{figures.releases:,}")
    span = f"{figures.first_date} … {figures.last_date}" if figures.first_date else "-"
    click.echo(f"{'dates:':<16}{span}" + (f" ({figures.undated} undated)" if figures.undated else ""))
    click.echo(f"{'size:':<16}{figures.size_bytes / 1e6:.1f} MB in {figures.segments} segment{'s' if figures.segments != 1 else ''}")
    click.echo(f"{'language:':<16}{figures.language}")
    click.echo(f"{'schema:':<16}v{figures.schema_version} (newsindex {figures.library_version})")
    click.echo(f"{'facet values:':<16}" + ", ".join(f"{k} {v}" for k, v in figures.facet_values.items()))


@main.command(short_help="Verify INDEX's files: checksums, stamp, every segment readable.")
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False, exists=True))
@handle_errors
def check(index_path: str) -> None:
    """Verify every segment of INDEX against the checksum recorded at its commit, the version
    stamp, and that each segment's releases and terms can be read. Exit 1 if anything is damaged.

    \b
    Example:
      newsindex check releases.idx
    """
    from newsindex.integrity import check as check_index

    result = check_index(index_path)
    for problem in result.problems:
        click.echo(f"damaged: {problem}", err=True)
    notes = []
    if result.unrecorded:
        notes.append(f"{len(result.unrecorded)} file(s) without a recorded checksum (written before checksums): read through instead")
    if result.orphans:
        notes.append(f"{result.orphans} file(s), {result.orphan_bytes / 1e6:.1f} MB, left by an interrupted write (removed at the next write)")
    if result.ok:
        click.echo(
            f"{index_path}: ok, {result.releases:,} releases in {result.segments} segment{'s' if result.segments != 1 else ''}, "
            f"{result.verified} file checksum{'s' if result.verified != 1 else ''} match" + "".join(f"; {n}" for n in notes)
        )
        return
    _fail(
        f"{index_path} is damaged ({len(result.problems)} problem{'s' if len(result.problems) != 1 else ''} above). "
        f"Rebuild it from its sources: `newsindex index {index_path} SOURCE... --overwrite` (README: Recovering a damaged index)"
    )


@main.command(short_help="Merge INDEX's segments into one (after a big import).")
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.option("--timeout", default=0.0, show_default=True, help="Seconds to wait for another writer's lock.")
@handle_errors
def optimize(index_path: str, timeout: float) -> None:
    """Merge INDEX's segments into one: smaller, and deleted releases gone for good.

    Takes about as long as indexing did; searches keep working meanwhile.

    \b
    Example:
      newsindex optimize releases.idx
    """
    with NewsIndex.open(index_path) as index:
        before = index.stats()
        started = time.perf_counter()
        with Working("merging segments"):
            merged = index.optimize(timeout=timeout)
        after = index.stats()
    if merged <= 1 and after.size_bytes == before.size_bytes:
        click.echo(f"{index_path}: already one segment ({after.size_bytes / 1e6:.1f} MB), nothing to do")
        return
    click.echo(
        f"{index_path}: {merged} segment{'s' if merged != 1 else ''} merged into {after.segments}, "
        f"{before.size_bytes / 1e6:.1f} MB -> {after.size_bytes / 1e6:.1f} MB, {after.releases:,} releases, in {time.perf_counter() - started:.1f} s"
    )


@main.command("analyze")
@click.argument("text")
@click.option("--language", default="english", show_default=True)
@click.option("--query", "as_query", is_flag=True, help="Analyze as a query is read (no extra hashtag terms).")
@handle_errors
def analyze_command(text: str, language: str, as_query: bool) -> None:
    """Print the index terms TEXT becomes (tokenize, fold, stop, stem).

    \b
    Example:
      newsindex analyze "Women’s rights in the U.S. #MeToo COVID-19"
    """
    from newsindex.analysis import analyze
    click.echo(" ".join(analyze(text, language=language, mode="query" if as_query else "index")))


@main.command("tag", short_help='What country/issue extraction finds, with evidence.')
@click.argument("source", required=False, default="-", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "format_", type=_FormatChoice(), help="Read SOURCE as releases in this format (default: plain text for '-', else from the suffix or content).")
@click.option("--taxonomy", type=click.Path(exists=True, dir_okay=False), help="Issue taxonomy (TOML or JSON) to use instead of the shipped one.")
@click.option("--extend", is_flag=True, help="Add --taxonomy's issues to the shipped ones instead of replacing them.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per release.")
@handle_errors
def tag_command(source: str, format_: str | None, taxonomy: str | None, extend: bool, as_json: bool) -> None:
    """Print the countries and issues that indexing would extract, with their evidence.

    SOURCE is a releases file in any input format, or '-' (the default) for plain text on stdin
    (its first line is read as the title). Metadata the records carry is shown apart.

    \b
    Examples:
      echo "LAGOS, Nigeria - Police fired on protesters..." | newsindex tag
      newsindex tag export.jsonl --json
    """
    from newsindex.sources import load_releases
    from newsindex.tagging import load_taxonomy, tag_countries, tag_issues
    tax = load_taxonomy(taxonomy, extend=extend) if taxonomy else None
    rejected: list[SourceError] = []
    if source == "-" and format_ is None:
        text = sys.stdin.read()
        title, _, body = text.strip().partition("\n")
        releases: Iterable[Release] = [Release(title=title.strip() or "(stdin)", body=body.strip())]
    else:  # lenient: an entry cut off at the end of a saved page is reported, not fatal
        releases = load_releases(sys.stdin.buffer if source == "-" else source, format=format_, errors=rejected)
    for release in releases:
        text = "\n\n".join(p for p in (release.summary, release.body) if p)
        countries = tag_countries(text, title=release.title)
        issues = tag_issues(text, title=release.title, taxonomy=tax)
        if as_json:
            click.echo(json.dumps({
                "id": release.id, "title": release.title,
                "countries_given": list(release.countries), "issues_given": list(release.issues),
                "countries": [{"code": t.code, "name": t.name, "score": t.score, "evidence": list(t.evidence)} for t in countries],
                "issues": [{"slug": t.slug, "label": t.label, "score": t.score, "evidence": list(t.evidence)} for t in issues],
            }, ensure_ascii=False))
            continue
        click.echo(_bold(release.title))
        if release.countries or release.issues:
            click.echo(f"  given:     countries {', '.join(release.countries) or '-'}; issues {', '.join(release.issues) or '-'}")
        for t in countries:
            click.echo(f"  country    {t.code}  {t.name}  score {t.score:g}  ({', '.join(t.evidence)})")
        for t in issues:
            click.echo(f"  issue      {t.slug}  score {t.score:g}  ({', '.join(t.evidence)})")
        if not countries and not issues:
            click.echo("  (no country or issue found)")
        click.echo()
    for error in rejected:
        click.echo(f"  rejected {error}", err=True)


# ----------------------------------------------------------------------------- beyond keyword search


@main.command()
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.argument("release_id", metavar="ID")
@filter_options
@click.option("--limit", default=10, show_default=True, help="Releases to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the hits as CSV.")
@handle_errors
def similar(index_path: str, release_id: str, country: tuple[str, ...], issue: tuple[str, ...], type_: tuple[str, ...], source: tuple[str, ...], speaker: tuple[str, ...], since: str | None, until: str | None, limit: int, as_json: bool, as_csv: bool) -> None:
    """Releases on the same subject as release ID (more like this).

    Shared significant words make the score; the same countries and issues add
    to it. The release itself is not listed. Snippets mark the shared words.

    \b
    Example:
      newsindex similar releases.idx 55b7539339975352 --limit 5 --since 2021-01-01
    """
    with NewsIndex.open(index_path) as index:
        if release_id not in index:
            _fail(f"no release with id {release_id!r} in {index_path} (ids are shown by `newsindex search`)")
        source_release = index.get(release_id)
        results = index.similar(release_id, limit=limit, **_filters(country, issue, type_, source, since, until, speaker))
    if as_csv:
        from newsindex.export import write_csv

        write_csv(results.hits, sys.stdout)
        return
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return
    assert source_release is not None
    click.echo(f"Like: {source_release.date or 'undated'}  {_bold(source_release.title)}")
    click.echo()
    if not results.total:
        click.echo("No other release shares its subject.")
    for hit in results:
        _render_hit(hit)
        click.echo()


@main.command(short_help='Releases per year, month or week, as a bar chart.')
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.argument("query", default="")
@filter_options
@click.option("--by", type=click.Choice(["year", "month", "week"]), default="month", show_default=True, help="Bucket size.")
@click.option("--width", default=40, show_default=True, help="Width of the longest bar, in characters.")
@click.option("--png", "png", type=click.Path(dir_okay=False, writable=True), help="Also write the chart as PNG (needs matplotlib).")
@click.option("--svg", "svg", type=click.Path(dir_okay=False, writable=True), help="Also write the chart as SVG (needs matplotlib).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@handle_errors
def timeline(index_path: str, query: str, country: tuple[str, ...], issue: tuple[str, ...], type_: tuple[str, ...], source: tuple[str, ...], speaker: tuple[str, ...], since: str | None, until: str | None, by: str, width: int, png: str | None, svg: str | None, as_json: bool) -> None:
    """How many releases match QUERY per year, month or week, as a bar chart.

    Empty buckets between the first and last release are shown (a gap in
    coverage is news). --png/--svg write a chart image if matplotlib is
    installed (pip install 'newsindex[plot]').

    \b
    Example:
      newsindex timeline releases.idx "hong kong" --by month --since 2021-01-01
      newsindex timeline releases.idx --country CN --by year --png china.png
    """
    from newsindex.timeline import bars
    from newsindex.timeline import plot as plot_timeline
    with NewsIndex.open(index_path) as index:
        counts = index.timeline(query, by=by, **_filters(country, issue, type_, source, since, until, speaker))
    total = sum(c.count for c in counts)
    title = f"Releases per {by}" + (f" for {query!r}" if query else "")
    for path in (png, svg):
        if path:
            try:
                plot_timeline(counts, path, title=title, by=by)
            except ImportError as exc:
                _fail(str(exc))
    if as_json:
        click.echo(json.dumps({"query": query, "by": by, "total": total, "counts": [c.to_dict() for c in counts]}, ensure_ascii=False, indent=2))
        return
    if not total:
        click.echo(f"No release matches {query!r}." if query else "No release matches these filters.")
        return
    click.echo(f"{title}: {total} in all")
    click.echo()
    for line in bars(counts, width=max(width, 1)):
        click.echo(line)
    for path in (png, svg):
        if path:
            click.echo(f"\nchart written to {path}")


@main.command("export", short_help='Write releases as JSON Lines (what `index` reads).')
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.argument("query", default="")
@filter_options
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, allow_dash=True), default="-", help="Write to FILE instead of standard output.")
@handle_errors
def export_command(index_path: str, query: str, country: tuple[str, ...], issue: tuple[str, ...], type_: tuple[str, ...], source: tuple[str, ...], speaker: tuple[str, ...], since: str | None, until: str | None, output: str) -> None:
    """Write the stored releases of INDEX as JSON Lines (what `index` reads).

    With a QUERY or filters, only the matching releases. Facets are written as
    the source gave them; extracted ones are recomputed when re-indexed, so an
    index can be rebuilt, moved or upgraded:

    \b
    Example:
      newsindex export releases.idx -o releases.jsonl
      newsindex index new.idx releases.jsonl
      newsindex export releases.idx "hong kong" --since 2021-01-01 > hk.jsonl
    """
    from newsindex.export import write_jsonl
    filters = _filters(country, issue, type_, source, since, until, speaker)
    with NewsIndex.open(index_path) as index:
        if query or any(v for v in filters.values()):
            releases: Iterable[Release] = [r for r in (index.get(i) for i in reversed(index.ids(query, **filters))) if r is not None]
        else:
            releases = list(index.releases())
    progress = Progress("wrote", "releases")

    def counted() -> Iterator[Release]:
        for number, release in enumerate(releases, 1):
            if number % 100 == 0:
                progress(number)
            yield release

    if output == "-":
        count = write_jsonl(counted(), sys.stdout)
        progress.done()
        if on_terminal() and not sys.stdout.isatty():  # the data is piped; a person watches stderr
            click.echo(f"{count:,} releases written", err=True)
    else:
        with open(output, "w", encoding="utf-8") as out:
            count = write_jsonl(counted(), out)
        progress.done()
        click.echo(f"{count:,} releases written to {output}", err=True)


@main.group(short_help='Saved searches: what is new since the last run.')
def watch() -> None:
    """Saved searches: name a query once, see what is new every morning.

    \b
    Example:
      newsindex watch add releases.idx hk "vigil OR assembly" --country HK
      newsindex index releases.idx newsroom.txt      # the morning's new releases
      newsindex watch run releases.idx               # only what is new since the last run
    """


@watch.command("add")
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.argument("name")
@click.argument("query", default="")
@filter_options
@click.option("--match", type=click.Choice(["all", "any"]), default="all", show_default=True, help="Require all words, or any word.")
@click.option("--replace", is_flag=True, help="Overwrite a watch of the same name.")
@handle_errors
def watch_add(index_path: str, name: str, query: str, country: tuple[str, ...], issue: tuple[str, ...], type_: tuple[str, ...], source: tuple[str, ...], speaker: tuple[str, ...], since: str | None, until: str | None, match: str, replace: bool) -> None:
    """Save QUERY and filters as watch NAME in INDEX.

    Releases that match now are its starting point: `watch run` reports only
    releases that match later.

    \b
    Example:
      newsindex watch add releases.idx china-researcher --speaker "Doriane Lau"
    """
    with NewsIndex.open(index_path) as index:
        saved = index.watches.add(name, query, replace=replace, match=match, **_filters(country, issue, type_, source, since, until, speaker))
    matching = len(saved.seen)
    click.echo(f"watch {saved.name!r} saved: {saved.describe()}; {matching} release{'s match' if matching != 1 else ' matches'} now")


@watch.command("list")
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def watch_list(index_path: str, as_json: bool) -> None:
    """List the watches of INDEX.

    \b
    Example:
      newsindex watch list releases.idx
    """
    with NewsIndex.open(index_path) as index:
        watches = list(index.watches)
    if as_json:
        click.echo(json.dumps([w.to_dict() for w in watches], ensure_ascii=False, indent=2))
        return
    if not watches:
        click.echo("No watches. Add one with `newsindex watch add INDEX NAME QUERY`.")
    for w in watches:
        click.echo(f"{_bold(w.name)}: {w.describe()}  (last run: {w.last_run or 'never'})")


@watch.command("run", short_help='Print what is new to a watch (or all) since its last run.')
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.argument("name", required=False)
@click.option("--dry-run", is_flag=True, help="Show what is new without marking it seen.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def watch_run(index_path: str, name: str | None, dry_run: bool, as_json: bool) -> None:
    """Print the releases new to watch NAME (or every watch) since its last run.

    \b
    Example:
      newsindex watch run releases.idx
      newsindex watch run releases.idx hk --dry-run
    """
    with NewsIndex.open(index_path) as index:
        if name is not None and name not in index.watches:
            _fail(f"no watch named {name!r} in {index_path}; see `newsindex watch list {index_path}`")
        runs = [index.watches.run(name, update=not dry_run)] if name else index.watches.run_all(update=not dry_run)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in runs], ensure_ascii=False, indent=2))
        return
    if not runs:
        click.echo("No watches. Add one with `newsindex watch add INDEX NAME QUERY`.")
    for run in runs:
        since_text = f"since {run.previous_run}" if run.previous_run else "since it was added"
        click.echo(f"{_bold(run.watch.name)}: {len(run.new)} new {since_text} ({run.total} match in all)")
        for release in run.new:
            click.echo(f"  {release.date.isoformat() if release.date else 'undated   '}  {release.title}")
            click.echo("  " + click.style(" " * 12 + " | ".join(x for x in (f"id {release.id}", release.url) if x), dim=True))
        click.echo()


@watch.command("remove")
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.argument("name")
@handle_errors
def watch_remove(index_path: str, name: str) -> None:
    """Delete watch NAME from INDEX.

    \b
    Example:
      newsindex watch remove releases.idx hk
    """
    with NewsIndex.open(index_path) as index:
        if name not in index.watches:
            _fail(f"no watch named {name!r} in {index_path}; see `newsindex watch list {index_path}`")
        index.watches.remove(name)
    click.echo(f"watch {name!r} removed")


# ----------------------------------------------------------------------- commands in their own modules
# (registered by name in _LAZY_COMMANDS above: imported when they run or a --help lists them)


if __name__ == "__main__":  # pragma: no cover
    main()
