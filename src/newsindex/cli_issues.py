"""`newsindex issues`: which issue slugs exist, what they are called, how many releases have each.

``--issue SLUG`` and ``issue:SLUG`` need a slug, and nobody can guess "refugee-migrant-rights"
from "refugees". This command lists the slugs of the shipped taxonomy (or of a taxonomy file,
or of an index's own, which may differ), with labels and, when an index is given, the releases
of each; issues the sources gave that the taxonomy does not know are listed too, marked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from newsindex import NewsIndex

if TYPE_CHECKING:  # the taxonomy code is imported when the command runs, not when the CLI starts
    from newsindex.tagging import Taxonomy

__all__ = ["IssueRow", "issue_rows", "issues_command"]


@dataclass(frozen=True, slots=True)
class IssueRow:
    slug: str
    label: str
    count: int | None  # None: no index was given
    in_taxonomy: bool = True

    def to_dict(self) -> dict[str, object]:
        return {"slug": self.slug, "label": self.label, "count": self.count, "in_taxonomy": self.in_taxonomy}


def issue_rows(taxonomy: Taxonomy, counts: dict[str, int] | None = None, labels: dict[str, str] | None = None) -> list[IssueRow]:
    """The taxonomy's issues in its order, then the counted slugs it lacks (most releases first)."""
    rows = [IssueRow(i.slug, i.label, None if counts is None else counts.get(i.slug, 0)) for i in taxonomy.issues]
    known = {i.slug for i in taxonomy.issues}
    for slug, count in sorted((counts or {}).items(), key=lambda sc: (-sc[1], sc[0])):
        if slug not in known:
            rows.append(IssueRow(slug, (labels or {}).get(slug) or taxonomy.label(slug), count, in_taxonomy=False))
    return rows


@click.command("issues", short_help="List the issue slugs, with labels and counts.")
@click.argument("index_path", metavar="[INDEX]", required=False, type=click.Path(file_okay=False))
@click.option("--taxonomy", type=click.Path(exists=True, dir_okay=False), help="List this taxonomy file (TOML or JSON) instead of the shipped one.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of {slug, label, count, in_taxonomy}.")
def issues_command(index_path: str | None, taxonomy: str | None, as_json: bool) -> None:
    """List the issue slugs (for --issue and issue:SLUG) with their labels.

    With INDEX: the index's own taxonomy, and how many releases have each issue
    (given by the source or extracted from the text). Issues a source gave that
    the taxonomy lacks are listed after it, marked "(from the source)".

    \b
    Examples:
      newsindex issues
      newsindex issues releases.idx
    """
    from newsindex.tagging import default_taxonomy, load_taxonomy

    counts: dict[str, int] | None = None
    labels: dict[str, str] = {}
    if index_path is not None:
        if taxonomy:
            raise click.UsageError("give INDEX or --taxonomy, not both: an index lists the taxonomy it was built with")
        with NewsIndex.open(index_path) as index:
            tax = index.taxonomy
            found = index.facets(fields=("issue",))["issue"]
        counts = {c.value: c.count for c in found}
        labels = {c.value: c.label for c in found}
    else:
        tax = load_taxonomy(taxonomy) if taxonomy else default_taxonomy()
    rows = issue_rows(tax, counts, labels)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    width = max((len(r.slug) for r in rows), default=0)
    for row in rows:
        count = "" if row.count is None else f"{row.count:>6}  "
        mark = "" if row.in_taxonomy else "  (from the source)"
        click.echo(f"{count}{row.slug:<{width}}  {row.label}{mark}")
    where = f"the taxonomy of {index_path}" if index_path else (taxonomy or "the shipped taxonomy")
    known = sum(1 for r in rows if r.in_taxonomy)
    on_releases = f"; {sum(1 for r in rows if r.count and r.in_taxonomy)} of them on releases" if counts is not None else ""
    click.echo(f"\n{known} issues in {where}{on_releases}. Filter with --issue SLUG, or search issue:SLUG.")
