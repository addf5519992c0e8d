"""Did you mean (spelling.py): corrections from the index's own words, and opt-in fuzzy matching."""

import datetime as dt

import pytest

from newsindex import NewsIndex, QueryError, Release
from newsindex.spelling import max_edits, query_words

D = dt.date

RELEASES = [
    Release(title="Tiananmen vigil convictions", date=D(2021, 9, 15), summary="Twelve people who marked the Tiananmen crackdown were jailed.", countries=("HK",)),
    Release(title="Tiananmen anniversary: mothers detained", date=D(2020, 6, 4), summary="The Tiananmen Mothers were placed under house arrest.", countries=("CN",)),
    Release(title="Uyghurs face mass internment", date=D(2021, 6, 10), summary="Uyghur families describe persecution in Xinjiang.", countries=("CN",)),
    Release(title="Uyghur Human Rights Policy Act signed", date=D(2020, 6, 17), summary="The law condemns the detention of Uyghurs.", countries=("US",)),
    Release(title="Uyghur scholar sentenced", date=D(2019, 12, 1), summary="A Uyghur economist was sentenced to life.", countries=("CN",)),
    Release(title="One old Uighur spelling", date=D(2018, 1, 1), summary="An older text spelled it Uighur.", countries=("CN",)),
    Release(title="Hong Kong offices close", date=D(2021, 10, 25), summary="The government pressure forced the closure.", countries=("HK",)),
]


@pytest.fixture
def index(tmp_path):
    with NewsIndex.create(tmp_path / "idx") as ix:
        ix.add(RELEASES)
        yield ix


def test_a_misspelled_word_gets_the_archives_spelling(index):
    results = index.search("Tiananmin")
    assert results.total == 0
    assert results.suggestions == ("Tiananmen",)
    assert index.search(results.suggestions[0]).total == 2


def test_a_rare_variant_is_corrected_to_the_usual_indexed_spelling(index):
    # "Uighur" is indexed once, "Uyghur" in three releases: the usual spelling is suggested,
    # as a word people write (not the stem "uyghur" nor the plural "Uyghurs").
    results = index.search("Uighur")
    assert results.total == 1
    assert results.suggestions == ("Uyghur",)


def test_only_the_misspelled_word_changes_and_the_query_syntax_is_kept(index):
    assert index.search("tiananmin vigil").suggestions == ("tiananmen vigil",)
    assert index.search('"tiananmin vigil"').suggestions == ('"tiananmen vigil"',)
    assert index.search("title:tiananmin").suggestions == ("title:tiananmen",)
    assert index.search("TIANANMIN AND vigil").suggestions == ("TIANANMEN AND vigil",)


def test_suggestions_respect_the_filters(index):
    # With country=US no Tiananmen release exists, so correcting the word finds nothing more.
    assert index.search("Tiananmin", country="US").suggestions == ()
    assert index.search("Tiananmin", country="HK").suggestions == ("Tiananmen",)


def test_queries_with_enough_hits_or_nothing_near_get_no_suggestions(index):
    assert index.search("uyghur").suggestions == ()  # 4 hits: nothing to correct
    assert index.search("zzzzqqq").suggestions == ()
    assert index.search("country:XX").suggestions == ()  # facet values are not spelling


def test_short_and_facet_words_are_not_corrected():
    assert max_edits("war") == 0 and max_edits("vigil") == 1 and max_edits("tiananmen") == 2
    words = [w for _, _, w in query_words('hong kong country:CN "tiananmin vigil" protest* word~ NOT (title:abc OR issue:torture)')]
    assert words == ["hong", "kong", "tiananmin", "vigil", "abc"]


def test_fuzzy_matching_is_opt_in_and_ranks_exact_matches_first(index):
    assert index.search("Tiananmin").total == 0
    fuzzy = index.search("Tiananmin", fuzzy=True)
    assert fuzzy.total == 2
    assert all("Tiananmen" in h.title for h in fuzzy)
    # the fuzzy match is highlighted as the word it matched
    assert "[Tiananmen]" in fuzzy.hits[0].marked_title("[", "]")
    # "uighur" exactly beats the one-edit "uyghur"
    ranked = index.search("uighur", fuzzy=True, limit=10)
    assert ranked.total == 3 + 1
    assert ranked.hits[0].title == "One old Uighur spelling"


def test_the_tilde_syntax_is_fuzzy_per_word(index):
    assert index.search("tiananmin~").total == 2
    assert index.search("tiananmin~ vigil").total == 1


def test_prefix_queries_highlight_the_words_they_matched(index):
    hit = index.search("persecut*").hits[0]
    assert "[persecution]" in hit.marked_snippet("[", "]")


def test_bad_syntax_is_still_a_query_error_with_fuzzy(index):
    with pytest.raises(QueryError):
        index.search('"tiananmin', fuzzy=True)


@pytest.mark.parametrize("coups, expected", [(5, ("cop",)), (60, ())])
def test_a_word_common_in_the_archive_is_not_corrected_even_when_a_filter_leaves_few_hits(coups, expected):
    """"coup" in 60 releases is a word of the archive, however common "cop" is; in 5, it may be a typo."""
    from newsindex.spelling import COMMON_WORD_RELEASES

    assert 5 < COMMON_WORD_RELEASES <= 60
    releases = [Release(title=f"Coup report {i}", summary="Soldiers staged a coup.", countries=("FJ" if i == 0 else "TH",)) for i in range(coups)]
    releases += [Release(title=f"Cop report {i}", summary="A cop was hurt; another cop spoke.", countries=("FJ",)) for i in range(coups * 3)]
    with NewsIndex.in_memory() as idx:
        idx.add(releases)
        results = idx.search("coup", country="FJ")
        assert results.total == 1
        assert results.suggestions == expected


def test_the_kept_lexicon_finds_what_whooshs_terms_within_finds(tmp_path):
    """spelling._Lexicon reads the lexicon once per snapshot; its answers must be Whoosh's."""
    from whoosh.reading import IndexReader

    from newsindex import load_sample
    from newsindex.spelling import _lexicon

    with NewsIndex.create(tmp_path / "idx") as ix:
        ix.add(load_sample() + RELEASES)
        reader = ix._current().searcher.reader()
        lexicon = _lexicon(reader)
        words = {t.decode() if isinstance(t, bytes) else t for _, t in reader.all_terms()}
        checked = 0
        for word in sorted(words)[::7] + ["tiananmin", "uighur", "detaned", "hnog", "x"]:
            for field in ("title", "summary", "body"):
                for maxdist, prefix in ((1, 1), (2, 1), (2, 2), (1, 0)):
                    # Whoosh's lexicon walk (what it does for an index of several segments)
                    expected = sorted(IndexReader.terms_within(reader, field, word, maxdist, prefix=prefix))
                    assert lexicon.within(reader, field, word, maxdist, prefix) == expected, (word, field, maxdist, prefix)
                    checked += bool(expected)
        assert checked > 100  # most lookups found something: the comparison is not vacuous


def test_kept_corrections_are_dropped_when_the_index_changes(tmp_path):
    with NewsIndex.create(tmp_path / "idx") as ix:
        ix.add(RELEASES)
        assert ix.search("Tibetens").suggestions == ()  # nothing near it yet
        ix.add([Release(title=f"Tibetan monks detained {n}", date=D(2021, 3, n), summary="Tibetan monks were held.") for n in range(1, 4)])
        # the same word again, on the new snapshot: its corrections are looked for afresh
        assert ix.search("Tibetens").suggestions == ("Tibetan",)
        assert ix.search("Tibetans").total == 3


def test_two_swapped_letters_are_one_edit_whatever_the_segments(index):
    # "Uyhgur": one swap from "Uyghur". Whoosh's automaton for a one-segment index counted it as
    # two edits (too many for a 6-letter word), its lexicon walk for several segments as one.
    assert len(index._current().searcher.reader().leaf_readers()) == 1
    assert index.search("Uyhgur").suggestions == ("Uyghur",)


def test_the_kept_lexicon_goes_with_its_snapshot(tmp_path):
    import gc

    from newsindex.spelling import _LEXICONS

    with NewsIndex.create(tmp_path / "idx") as ix:
        ix.add(RELEASES)
        ix.search("Tiananmin")
        assert len(_LEXICONS) >= 1
        before = set(map(id, _LEXICONS.keys()))
        for n in range(3):  # each add makes a new snapshot; the old ones must not be kept alive
            ix.add([Release(title=f"Vigil {n}", date=D(2021, 6, 4 + n))])
            ix.search("Tiananmin")
        gc.collect()
        assert len(_LEXICONS) <= len(before) + 1


def test_the_kept_lexicon_stays_within_its_budget_and_still_answers(tmp_path, monkeypatch):
    from whoosh.reading import IndexReader

    from newsindex import spelling

    monkeypatch.setattr(spelling, "LEXICON_BUDGET", 40)
    with NewsIndex.create(tmp_path / "idx") as ix:
        ix.add(RELEASES + [Release(title=f"Word{n} tally {n}", date=D(2021, 1, 1 + n % 28)) for n in range(60)])
        reader = ix._current().searcher.reader()
        lexicon = spelling._Lexicon()
        for word in ("tiananmin", "uighur", "tally", "word12", "hong", "tiananmen", "word1"):
            for field in ("title", "summary"):
                expected = sorted(IndexReader.terms_within(reader, field, word, 1, prefix=1))
                assert lexicon.within(reader, field, word, 1, 1) == expected
                assert lexicon.kept <= 40
        assert ix.search("Tiananmin").suggestions == ("Tiananmen",)
