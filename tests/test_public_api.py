"""Guards the public interface apps call: `from newsindex import ...`."""

import newsindex


def test_every_name_in_all_is_importable():
    for name in newsindex.__all__:
        assert hasattr(newsindex, name), name


def test_the_interface_named_in_the_issues_is_exported():
    expected = {"Release", "load_releases", "NewsIndex", "SearchResults", "Hit", "FacetCount", "tag_countries",
                "tag_issues", "CountryTag", "IssueTag", "NewsIndexError", "SourceError", "QueryError",
                "IndexNotFoundError", "IndexExistsError", "IndexLockedError", "IndexVersionError", "analyze"}
    assert expected <= set(newsindex.__all__)


def test_errors_form_one_family():
    for name in ("SourceError", "QueryError", "IndexNotFoundError", "IndexExistsError", "IndexLockedError", "IndexVersionError"):
        assert issubclass(getattr(newsindex, name), newsindex.NewsIndexError)


def test_the_package_ships_type_information():
    from importlib import resources

    assert resources.files("newsindex").joinpath("py.typed").is_file()


def test_hit_has_id_and_score():
    fields = newsindex.Hit.__dataclass_fields__
    assert {"id", "score", "title", "date", "snippet"} <= set(fields)
