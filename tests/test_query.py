import re

import pytest

from newsindex.errors import QueryError
from newsindex.query import check_syntax, parse_query
from newsindex.schema import build_schema

SCHEMA = build_schema()


def terms(q):
    return sorted({(f, t.decode() if isinstance(t, bytes) else t) for f, t in q.iter_all_terms()})


@pytest.mark.parametrize(
    "text, position, reason",
    [
        ("title:(unclosed", 6, "unclosed '('"),
        ('"hong kong', 0, "unclosed quote"),
        ("vigil AND", 6, "needs a term after"),
        ("OR vigil", 0, "needs a term before"),
        ("a AND OR b", 6, "needs a term before"),
        ("a )", 2, "unmatched ')'"),
        ("()", 0, "empty parentheses"),
        ("headline:china", 0, "unknown field 'headline'"),
        ("title: china", 6, "nothing to search for"),
        ("*ing", 0, "wildcard"),
        ('""', 0, "empty phrase"),
        ("date:[2021-01-01 2021-02-01]", 5, "range reads"),
        ("(a OR b", 0, "unclosed '('"),
        ("china NOT", 6, "needs a term after"),
    ],
)
def test_bad_syntax_raises_query_error_with_the_position(text, position, reason):
    with pytest.raises(QueryError, match=re.escape(reason)) as info:
        parse_query(text, SCHEMA)
    assert info.value.position == position
    assert info.value.pointer().splitlines()[1].index("^") == position


def test_an_empty_query_is_none():
    assert parse_query("   ", SCHEMA) is None


def test_match_all_requires_every_word_and_any_accepts_one():
    assert "AND" in str(parse_query("hong vigil", SCHEMA, match="all"))
    assert "AND" not in str(parse_query("hong vigil", SCHEMA, match="any"))


def test_query_words_are_analysed_like_the_text():
    assert ("body", "execut") in terms(parse_query("executions", SCHEMA))
    assert ("title", "us") in terms(parse_query("U.S.", SCHEMA))


def test_hyphenated_query_words_become_a_phrase():
    assert 'title:"tit tat"' in str(parse_query("tit-for-tat", SCHEMA, match="any"))


def test_facet_values_in_query_text_are_normalised():
    assert ("country", "CN") in terms(parse_query("country:cn", SCHEMA))
    assert ("issue", "death-penalty") in terms(parse_query("issue:Death-Penalty", SCHEMA))


def test_an_unknown_match_mode_is_a_value_error():
    with pytest.raises(ValueError):
        parse_query("x", SCHEMA, match="some")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ['"hong kong" AND (vigil OR assembly) NOT macau', "title:china", "protest*", "tiananmin~", "vigil^2",
     "date:[2021-01-01 TO 2021-06-30]", "women’s rights", "#MeToo", "country:HK OR country:CN", "note 10:30"],
)
def test_well_formed_queries_pass_the_check(text):
    check_syntax(text)


# --- property: any text a user types is a query or a QueryError, never a crash or a hang ---------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

QUERY_ALPHABET = st.sampled_from(list('abc xyz"()*~:-+^#.’\'AND OR NOT title:country:CNissue:') + ["AND", "OR", "NOT", " ", "é", "\u0000", "[", "]", "TO", "{", "}"])


@pytest.fixture(scope="module")
def small_index():
    from newsindex import NewsIndex, load_sample

    idx = NewsIndex.in_memory()
    idx.add(load_sample())
    yield idx
    idx.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=40), st.lists(QUERY_ALPHABET, max_size=15).map("".join)), match=st.sampled_from(["all", "any"]), fuzzy=st.booleans())
def test_any_query_text_searches_or_raises_query_error(small_index, text, match, fuzzy):
    try:
        results = small_index.search(text, match=match, fuzzy=fuzzy, facets=("country",))
    except QueryError as exc:
        assert str(exc)  # a message a user can read
        return
    assert results.total >= len(results.hits)
    assert sum(c.count for c in results.facets["country"]) >= 0


# --- -word: exclusion, the web-search habit ------------------------------------------------------


def test_a_leading_minus_excludes_and_a_hyphen_inside_a_word_does_not():
    assert str(parse_query("oil -price", SCHEMA)) == str(parse_query("oil NOT price", SCHEMA))
    assert str(parse_query('vigil -"hong kong"', SCHEMA)) == str(parse_query('vigil NOT "hong kong"', SCHEMA))
    assert str(parse_query("vigil -(macau OR taiwan)", SCHEMA)) == str(parse_query("vigil NOT (macau OR taiwan)", SCHEMA))
    assert str(parse_query("vigil -title:macau", SCHEMA)) == str(parse_query("vigil NOT title:macau", SCHEMA))
    assert str(parse_query("anti-war -covid-19", SCHEMA)) == str(parse_query("anti-war NOT covid-19", SCHEMA))
    # a dash standing alone is punctuation: both words are still required
    assert str(parse_query("oil - price", SCHEMA)) == str(parse_query("oil price", SCHEMA))


def test_minus_word_finds_the_releases_without_it(small_index):
    def ids(text):
        return set(small_index.ids(text))

    with_china = ids("china")
    assert with_china and ids("china -hong") == with_china - ids("hong")
    assert ids("china -hong") != with_china  # the sample has releases on both: the minus did something
    assert ids("-china") == set(small_index.ids("")) - with_china


@pytest.mark.parametrize("text", ["china -hong", "china NOT hong", "china police -hong"])
def test_an_exclusion_narrows_a_match_any_search_too(small_index, text):
    """Whoosh's parser made "a NOT b" with an OR group mean "a OR (anything without b)"."""
    found = set(small_index.ids(text, match="any"))
    words = [w for w in text.replace("NOT", "").split() if not w.startswith("-") and w != "hong"]
    anywhere = set().union(*(small_index.ids(w) for w in words))
    assert found and found <= anywhere
    assert not found & set(small_index.ids("hong"))


def test_a_query_longer_than_the_limit_is_refused_naming_the_limit(small_index):
    """A pasted document as a query (10,000 words took 55 s) is refused, naming the limit."""
    from newsindex.query import MAX_QUERY_WORDS

    words = ["hong", "kong", "vigil", "police", "journalist"] * (MAX_QUERY_WORDS // 5)
    assert len(words) == MAX_QUERY_WORDS
    assert small_index.search(" ".join(words), match="any").total > 0  # at the limit: answered
    with pytest.raises(QueryError, match=f"10,000 words; at most {MAX_QUERY_WORDS:,}"):
        small_index.search(" ".join(words * 10), match="any")
