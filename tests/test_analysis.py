import pickle

import pytest

from newsindex.analysis import NewsTokenizer, analyze, news_analyzer, stopwords


def test_hashtags_stay_whole_and_are_also_searchable_as_the_word():
    assert analyze("#MeToo") == ["#metoo", "metoo"]
    assert analyze("#MeToo", mode="query") == ["#metoo"]


def test_dotted_acronyms_are_one_term():
    assert analyze("the U.S. government") == ["us", "govern"]


def test_capitalised_acronyms_survive_the_stopword_list_but_pronouns_do_not():
    assert analyze("US sanctions") == ["us", "sanction"]
    assert analyze("WHO warns") == ["who", "warn"]
    assert analyze("the IT sector") == ["it", "sector"]
    assert analyze("who told us it was") == ["told"]


def test_all_caps_headlines_are_not_mistaken_for_acronyms():
    assert analyze("TALKS TO RESUME IN GENEVA") == ["talk", "resum", "geneva"]


@pytest.mark.parametrize("text", ["Women’s rights", "Women's rights", "womens rights", "WOMEN’S RIGHTS"])
def test_curly_and_straight_apostrophes_are_the_same(text):
    assert analyze(text)[-1] == "right"
    assert analyze(text)[0] == "women"


def test_hyphenated_words_split_into_their_parts():
    assert analyze("tit-for-tat") == analyze("tit for tat") == ["tit", "tat"]
    assert analyze("COVID-19") == ["covid", "19"]


def test_accents_are_folded():
    assert analyze("Côte d’Ivoire") == analyze("Cote d'Ivoire")
    assert analyze("Türkiye") == ["turkiy"]


def test_stemming_conflates_inflections():
    assert len(set(analyze("executions executed execution"))) == 1


def test_other_snowball_languages_can_be_chosen():
    # French stemming, and no English stoplist applied to French ("les" is kept, stemmed "le")
    assert analyze("les exécutions", language="french") == ["le", "execu"]
    assert analyze("exécutions", language="english") == ["execut"]


def test_an_unknown_language_is_a_value_error():
    with pytest.raises(ValueError, match="klingon"):
        NewsTokenizer("klingon")


def test_the_analyzer_pickles_without_its_cache_and_still_works():
    tok = news_analyzer()
    tok.term("running")
    restored = pickle.loads(pickle.dumps(tok))
    assert restored == tok
    assert [t.text for t in restored("running dogs")] == ["run", "dog"]


def test_character_offsets_point_at_the_original_words():
    text = "Hong Kong’s vigil"
    tokens = [(t.text, text[t.startchar : t.endchar]) for t in news_analyzer()(text, chars=True)]
    assert tokens == [("hong", "Hong"), ("kong", "Kong’s"), ("vigil", "vigil")]


def test_the_shipped_english_stopwords_are_loaded_and_other_languages_get_none():
    assert {"the", "and", "us", "it"} <= stopwords("english")
    assert stopwords("german") == frozenset()


TERMS_SAMPLES = [
    "Women’s rights in the U.S. #MeToo COVID-19",
    "THE UN SAID IT WOULD ACT. The WHO and IT staff of the U.N. met in São Paulo.",
    "#BlackLivesMatter protesters' demands; #the #US it's tit-for-tat, Côte d'Ivoire's 2021 report",
    "", "   ", "a an the", "NATO NATO nato", "e.g. i.e. U.S.-China talks",
]


@pytest.mark.parametrize("text", TERMS_SAMPLES)
@pytest.mark.parametrize("mode", ["index", "query"])
def test_terms_lists_exactly_what_the_token_stream_yields(text, mode):
    tokenizer = news_analyzer()
    assert tokenizer.terms(text, mode=mode) == [t.text for t in tokenizer(text, mode=mode)]
    assert tokenizer.term_positions(text, mode=mode) == [(t.text, t.pos) for t in tokenizer(text, positions=True, mode=mode)]


def test_terms_and_positions_agree_with_the_token_stream_on_any_text():
    from hypothesis import given, settings, strategies as st

    tokenizer = news_analyzer()
    alphabet = st.sampled_from(list("aAbBzZ .,'’-#éÉ19\n") + ["US", "U.S.", "the", "THE", "#MeToo", "it's"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(alphabet, max_size=30).map("".join), st.sampled_from(["index", "query"]))
    def check(text, mode):
        assert tokenizer.terms(text, mode=mode) == [t.text for t in tokenizer(text, mode=mode)]
        assert tokenizer.term_positions(text, mode=mode) == [(t.text, t.pos) for t in tokenizer(text, positions=True, mode=mode)]

    check()


def _generator_spans(tokenizer, text):
    return [(t.startchar, t.endchar, t.text) for t in tokenizer(text, chars=True, mode="index", removestops=False)]


@pytest.mark.parametrize("text", TERMS_SAMPLES)
def test_spans_list_exactly_what_the_token_stream_yields_for_highlighting(text):
    tokenizer = news_analyzer()
    assert list(tokenizer.spans(text)) == _generator_spans(tokenizer, text)


def test_spans_agree_with_the_token_stream_on_any_text():
    from hypothesis import given, settings, strategies as st

    tokenizer = news_analyzer()
    alphabet = st.sampled_from(list("aAbBzZ .,'’-#éÉ19\n") + ["US", "U.S.", "the", "THE", "#MeToo", "it's", "IT", "WHO"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(alphabet, max_size=30).map("".join))
    def check(text):
        assert list(tokenizer.spans(text)) == _generator_spans(tokenizer, text)

    check()
def _filtered(spans, starts):
    return [s for s in spans if s[2][:1] in starts]


def test_spans_with_starts_and_removestops_agree_with_the_token_stream_on_any_text():
    from hypothesis import given, settings, strategies as st

    tokenizer = news_analyzer()
    alphabet = st.sampled_from(list("aAbBzZ .,'’-#éÉ19\n") + ["US", "U.S.", "the", "THE", "#MeToo", "it's", "IT", "WHO", "Berlin", "ℌ"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(alphabet, max_size=30).map("".join), st.sets(st.sampled_from(list("abzuti#1éh")), min_size=1), st.booleans())
    def check(text, starts, removestops):
        starts = frozenset(starts)
        stream = [(t.startchar, t.endchar, t.text) for t in tokenizer(text, chars=True, mode="index", removestops=removestops)]
        assert list(tokenizer.spans(text, removestops=removestops)) == stream
        assert _filtered(tokenizer.spans(text, starts=starts, removestops=removestops), starts) == _filtered(stream, starts)

    check()


def test_english_terms_begin_with_the_first_letter_of_the_ascii_word():
    """What spans(starts=...) relies on (analysis._KEEPS_FIRST_LETTER), on every word of Reuters."""
    import re

    from shared_data import DATA

    tokenizer = NewsTokenizer("english")  # a cache of its own: every word really stemmed
    words: set[str] = set()
    for path in sorted((DATA / "reuters21578").glob("*.sgm")):
        words.update(re.findall(r"\w+(?:'\w+)*", path.read_text(encoding="latin-1")))
    words |= {"dying", "lying", "tying", "skies", "skis", "idly", "gently", "ugly", "early", "only", "singly", "news", "yelling", "ies", "sses"}
    checked = 0
    for word in sorted(w for w in words if w.isascii()):
        term = tokenizer.term(word)
        if term:
            assert term[0] == word[0].lower(), (word, term)
            checked += 1
    assert checked > 30_000


def test_readings_are_the_index_reading_and_the_stopword_free_query_reading_in_one_pass():
    from newsindex.analysis import NewsTokenizer, news_analyzer

    analyzer, whole = news_analyzer(), NewsTokenizer("english", stoplist=frozenset())
    texts = [
        "same-sex marriage", "Data by age and sex", "TALKS TO RESUME IN THE U.S.", "#MeToo in the US and IT",
        "Women’s rights, don't stop", "WHO said it", "", "The E.U. and the U.N. met in São Paulo on 3 March",
    ]
    for text in texts:
        index_reading, terms = analyzer.readings(text)
        assert index_reading == analyzer._index_positions(text), text  # not the cache readings() fills
        assert terms == whole.terms(text, mode="query"), text
    assert analyzer.readings("same-sex")[1] == ["same", "sex"] and analyzer.term_positions("same-sex") == [("sex", 0)]
