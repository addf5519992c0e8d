"""`newsindex learn INDEX`: learn issue facets from the index's labelled releases (a command of its own module).

Kept apart from cli.py so the command is one file; cli.py adds it to ``main`` and wraps its
callback in its error handler, as for ``newsindex issues`` (this module can't import cli.py,
which imports it).
"""

from __future__ import annotations

import json

import click

from typing import TYPE_CHECKING

from newsindex import NewsIndex
from newsindex.index import MIN_EXAMPLES  # (the learner itself is imported when the command runs)

if TYPE_CHECKING:
    from newsindex import IssuesLearned

__all__ = ["learn_command", "render"]

#: Labels (too few examples, or tagged) listed by name, at most this many (then a count).
TOO_FEW_SHOWN = 12


@click.command("learn", short_help="Learn INDEX's own issue labels; tag the unlabelled releases.")
@click.argument("index_path", metavar="INDEX", type=click.Path(file_okay=False))
@click.option("--min-examples", default=MIN_EXAMPLES, show_default=True, type=click.IntRange(min=2),
              help="Labelled releases an issue needs to be learned.")
@click.option("--timeout", default=0.0, show_default=True, help="Seconds to wait for another writer's lock.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def learn_command(index_path: str, min_examples: int, timeout: float, as_json: bool) -> None:
    """Learn INDEX's own issue labels and tag its unlabelled releases with them.

    Fits a classifier per issue on the releases whose records carry issues, prints its
    cross-validated precision, recall and F1 per issue, and tags the releases without
    labels (given labels always win). The model is kept in INDEX: later `newsindex
    index` runs tag new releases with it. Needs scikit-learn: pip install 'newsindex[learn]'.

    \b
    Example:
      newsindex index archive.idx labelled.jsonl   # records with "issues", and some without
      newsindex learn archive.idx
      newsindex learn archive.idx --min-examples 10 --json
    """
    with NewsIndex.open(index_path) as index:
        learned = index.learn_issues(min_examples=min_examples, timeout=timeout)
    if as_json:
        click.echo(json.dumps(learned.to_dict(), ensure_ascii=False, indent=2))
        return
    render(learned, min_examples)


def render(learned: IssuesLearned, min_examples: int) -> None:
    report = learned.report
    click.echo(f"learned {len(report.issues)} issues from {report.releases:,} labelled releases "
               f"({report.folds}-fold cross-validated figures)")
    width = max([len(s.slug) for s in report.issues] + [5])
    click.echo(f"  {'issue':<{width}}  {'examples':>8}  {'precision':>9}  {'recall':>6}  {'F1':>5}")
    for s in report.issues:
        click.echo(f"  {s.slug:<{width}}  {s.examples:>8,}  {s.precision:>9.3f}  {s.recall:>6.3f}  {s.f1:>5.3f}")
    click.echo(f"  {'micro':<{width}}  {'':>8}  {report.micro_precision:>9.3f}  {report.micro_recall:>6.3f}  {report.micro_f1:>5.3f}"
               f"   (macro F1 {report.macro_f1:.3f})")
    if report.too_few:
        names = ", ".join(f"{slug} ({n})" for slug, n in report.too_few[:TOO_FEW_SHOWN])
        more = f" and {len(report.too_few) - TOO_FEW_SHOWN} more" if len(report.too_few) > TOO_FEW_SHOWN else ""
        click.echo(f"not learned, fewer than {min_examples} labelled releases: {names}{more}")
    counts = ", ".join(f"{slug} {n:,}" for slug, n in learned.counts[:TOO_FEW_SHOWN])
    more = f" and {len(learned.counts) - TOO_FEW_SHOWN} more" if len(learned.counts) > TOO_FEW_SHOWN else ""
    click.echo(f"tagged {learned.tagged:,} of {learned.unlabelled:,} unlabelled releases" + (f": {counts}{more}" if counts else ""))
    for release_id, title, tags in learned.examples:
        click.echo(f"  {', '.join(t.slug for t in tags):<16} {title[:70]}  (id {release_id})")
        # the words that weighed most, so a person can judge the tag
        for tag in tags:
            click.echo(f"  {'':<16}   {tag.slug}: {', '.join(tag.evidence)}")
