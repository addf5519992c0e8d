"""Facet extraction: the countries and issues a release is about, from its text.

Used by the indexer when a record carries no country/issue metadata (metadata always wins, and
the two are stored apart). Each tag carries its evidence, so a user can see why it was given.
"""

from .countries import CountryTag, country_name, tag_countries
from .issues import Issue, IssueTag, Taxonomy, default_taxonomy, issue_label, load_taxonomy, tag_issues

__all__ = ["CountryTag", "IssueTag", "Issue", "Taxonomy", "country_name", "default_taxonomy", "issue_label", "load_taxonomy", "tag_countries", "tag_issues"]
