"""Facet extraction: the countries and issues a release is about, from its text.

Used by the indexer when a record carries no country/issue metadata (metadata always wins, and
the two are stored apart). Each tag carries its evidence, so a user can see why it was given.

The names are loaded on first use (PEP 562): a search needs ``tagging.speakers`` (speaker
slugs) and, for facet labels, ``country_name``/``issue_label``; the taggers' gazetteer and
taxonomy code is start-up time of every command that imports the package otherwise.
"""

from typing import TYPE_CHECKING, Any

_HOMES: dict[str, str] = {
    "CountryTag": "countries", "country_name": "names", "tag_countries": "countries",
    "Issue": "issues", "IssueTag": "issues", "Taxonomy": "issues", "default_taxonomy": "issues",
    "issue_label": "issues", "load_taxonomy": "issues", "tag_issues": "issues",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))


if TYPE_CHECKING:
    from .countries import CountryTag, tag_countries
    from .names import country_name
    from .issues import Issue, IssueTag, Taxonomy, default_taxonomy, issue_label, load_taxonomy, tag_issues

__all__ = ["CountryTag", "IssueTag", "Issue", "Taxonomy", "country_name", "default_taxonomy", "issue_label", "load_taxonomy", "tag_countries", "tag_issues"]
