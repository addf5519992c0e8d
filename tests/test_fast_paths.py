"""The query-time fast paths give exactly what the straightforward computation gives, on a real
on-disk index of Reuters stories: facet counts (snapshot.DocValues beside one intersection per
value, every-document counts from the value sets' sizes, labels remembered per snapshot) and
snippets (NewsTokenizer.spans skipping words that can't match, the process's shared analyzer)
against the Token stream of the index's own analyzer."""

import random
from collections import Counter

import pytest

from newsindex import NewsIndex, load_releases
from newsindex import facets as facets_module
from newsindex import search as search_module
from newsindex.highlight import highlight
from newsindex.schema import from_stored
from newsindex.spelling import expanded_terms

from shared_data import DATA  # noqa: E402  ($NEWSINDEX_DATA, else shared/data above the checkout)

QUERIES = (
    "oil prices", "crude oil", "interest rates", "trade deficit", "wheat exports", "coffee", "bank", "shares",
    "quarterly loss", "federal reserve", "dollar", "yen", "tax", "opec", '"oil prices"', "US trade", "the U.S. dollar",
    "IT WHO", "us", "japan", "grain OR corn", "oil NOT prices", "export*", "dividend~", "",
)
FIELDS = ("country", "issue", "year", "month", "week", "type", "source")


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    stories = []
    for name in ("reut2-000.sgm", "reut2-001.sgm"):
        stories += [r for r in load_releases(DATA / "reuters21578" / name) if r.title.strip()]
    idx = NewsIndex.create(tmp_path_factory.mktemp("fast") / "ix")
    idx.add(stories)
    yield idx
    idx.close()


def _plain_counts(snap, name, docs):
    """Every (value, document) pair of the facet, tested one by one."""
    counter = Counter()
    for value, value_docs in snap.docs_by_value[name].items():
        for n in docs:
            if n in value_docs:
                counter[value] += 1
    return counter


def _matched(snap, query):
    parsed = search_module.prepare(snap, query, match="all", fuzzy=False)
    return frozenset(snap.live) if parsed is None else search_module.matching(snap, parsed, None)


@pytest.mark.parametrize("walk_cost", [0, 2, 10**9])  # always the values, the default choice, always the documents
def test_facet_counts_are_the_plain_count_whichever_walk_is_taken(index, monkeypatch, walk_cost):
    monkeypatch.setattr(facets_module, "DOC_WALK_COST", walk_cost)
    snap = index._current()
    nonempty = 0
    for query in QUERIES:
        docs = _matched(snap, query)
        for name in FIELDS:
            expected = _plain_counts(snap, name, docs)
            assert facets_module.count_values(snap, name, docs) == expected, (query, name)
            nonempty += bool(expected)
    assert nonempty > len(QUERIES) * 4  # the comparison saw real counts


def test_search_facets_match_the_stored_facets_of_the_matching_releases(index):
    for query in ("oil prices", "bank", ""):
        results = index.search(query, facets=("country", "issue", "year"), limit=0)
        countries, issues, years = Counter(), Counter(), Counter()
        for release_id in index.ids(query):
            facets = index.get_facets(release_id)
            countries.update(facets.countries)
            issues.update(facets.issues)
            release = index.get(release_id)
            if release.date:
                years[str(release.date.year)] += 1
        assert {fc.value: fc.count for fc in results.facets["country"]} == countries
        assert {fc.value: fc.count for fc in results.facets["issue"]} == issues
        assert {fc.value: fc.count for fc in results.facets["year"]} == years
        ordered = [(-fc.count, fc.value) for fc in results.facets["country"]]
        assert ordered == sorted(ordered)  # most frequent first, then by value
        assert all(fc.label == facets_module.facet_label("country", fc.value) for fc in results.facets["country"])


def test_a_taxonomy_of_its_own_gets_its_own_labels(index):
    snap = index._current()
    docs = _matched(snap, "oil")
    default = facets_module.count(snap, "issue", docs, None)

    class Relabelled:  # any object with .label(slug), as Taxonomy has
        def label(self, slug):
            return slug.upper()

    other = facets_module.count(snap, "issue", docs, Relabelled())  # type: ignore[arg-type]
    assert [fc.label for fc in other] == [fc.value.upper() for fc in default]
    assert facets_module.count(snap, "issue", docs, None) == default


def test_counts_after_deletions_are_the_plain_count(tmp_path, monkeypatch):
    monkeypatch.setattr("newsindex.index._merge_policy", lambda writer, segments: segments)  # keep the deletions
    stories = [r for r in load_releases(DATA / "reuters21578" / "reut2-002.sgm") if r.title.strip()][:400]
    with NewsIndex.create(tmp_path / "ix") as idx:
        idx.add(stories, strict=False, batch_size=150)
        idx.delete([r.id for r in stories[::3]])
        snap = idx._current()
        assert snap.has_deletions
        for query in ("", "oil", "shares"):
            docs = _matched(snap, query)
            for name in ("country", "issue", "year"):
                assert facets_module.count_values(snap, name, docs) == _plain_counts(snap, name, docs)
        everything = idx.search("", facets=("country",), limit=0)
        assert sum(fc.count for fc in everything.facets["country"]) == sum(len(idx.get_facets(i).countries) for i in idx.ids(""))


class _TokenStream:
    """The index's analyzer seen only as a Whoosh analyzer: highlight.py's Token-stream path."""

    def __init__(self, analyzer):
        self.analyzer = analyzer

    def __call__(self, *args, **kwargs):
        return self.analyzer(*args, **kwargs)


def test_snippets_and_marks_are_those_of_the_token_stream(index):
    snap = index._current()
    schema = snap.searcher.schema
    reference = {"body": type("Field", (), {"analyzer": _TokenStream(schema["body"].analyzer)})}
    rng = random.Random(18)
    vocabulary = [t.decode() if isinstance(t, bytes) else t for t in snap.searcher.reader().lexicon("body")]
    queries = [q for q in QUERIES if q] + rng.sample(vocabulary, 60) + [" ".join(rng.sample(vocabulary, 2)) for _ in range(40)]
    compared = marked = 0
    for query in queries:
        parsed = search_module.prepare(snap, query, match="any", fuzzy=False)
        marks = expanded_terms(parsed, snap.searcher.reader())
        for docnum in sorted(search_module.matching(snap, parsed, None))[:8]:
            release, _ = from_stored(snap.searcher.stored_fields(docnum))
            fast = highlight(release, marks, schema)
            assert fast == highlight(release, marks, reference), (query, release.id)
            compared += 1
            marked += bool(fast[1] or fast[2])
    assert compared > 500 and marked > compared // 2


def test_lengths_of_a_field_no_document_has_are_whooshs_zeros(index):
    from newsindex.ranking import field_lengths

    searcher = index._current().searcher
    assert not any(index.get(i).summary for i in index.ids("")[:50])  # Reuters stories have no summary
    lengths = field_lengths(searcher, "summary")
    assert lengths == [searcher.doc_field_length(n, "summary", 0) or 0 for n in range(searcher.doc_count_all())]
    assert len(lengths) == searcher.doc_count_all() > 1000
