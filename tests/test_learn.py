"""Issues learned from an archive's own labels (tagging/learn.py and NewsIndex.learn_issues)."""

import dataclasses
import datetime as dt
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from newsindex import IssueModel, IssueTag, ModelError, NewsIndex, Release, learn_issues, load_releases
from newsindex.cli import main
from newsindex.tagging.learn import _terms
from newsindex.tagging.learned import MODEL_FILE

#: Three newsroom categories, each with words of its own; every release also carries shared filler.
TOPICS = {
    "axe-desk": ["execution", "executed", "death row", "hanged", "death sentence", "clemency", "gallows", "firing squad"],
    "press": ["journalist", "newspaper", "censorship", "reporter", "editor", "broadcaster", "media outlet", "blogger"],
    "environment": ["emissions", "carbon", "warming", "drought", "glacier", "renewable energy", "heatwave", "coal plant"],
}
FILLER = ["the authorities said on Monday", "officials in the capital", "according to a statement", "the government responded",
          "campaigners urged the minister", "the report was published", "a spokesperson added", "lawyers for the group"]


def _release(n: int, issues: tuple[str, ...], words: list[str], given: bool = True) -> Release:
    body = ". ".join(f"{FILLER[(n + k) % len(FILLER)]} about the {word}" for k, word in enumerate(words)) + "."
    return Release(title=f"Update {n}: {words[0]} case", body=body, date=dt.date(2021, 1, 1) + dt.timedelta(days=n),
                   issues=issues if given else ())


def labelled(per_topic: int = 8) -> list[Release]:
    out = []
    for t, (slug, words) in enumerate(TOPICS.items()):
        for i in range(per_topic):
            pick = [words[(i + k) % len(words)] for k in range(5)]
            out.append(_release(t * 100 + i, (slug,), pick))
    return out


@pytest.fixture(scope="module")
def model() -> IssueModel:
    return learn_issues(labelled())


def test_a_learned_model_tags_new_text_with_the_newsrooms_own_slugs_and_evidence(model):
    tags = model.tag("The reporter and her editor were arrested after the newspaper criticised the censorship law.",
                     title="Journalist detained")
    assert [t.slug for t in tags] == ["press"]
    tag = tags[0]
    assert isinstance(tag, IssueTag) and tag.label == "Press" and tag.score > 0
    # evidence: words of this text, as written, that weighed most for the tag
    assert {"reporter", "editor", "newspaper", "journalist"} & set(tag.evidence)
    assert set(tag.evidence) <= {"the", "reporter", "and", "her", "editor", "were", "arrested", "after", "newspaper",
                                 "criticised", "censorship", "law", "journalist", "detained"}


def test_a_release_about_two_issues_gets_both_and_an_unrelated_one_none(model):
    both = model.tag("A journalist and a reporter were executed by firing squad; the newspaper editor faces a death sentence"
                     " for censorship offences.")
    assert {t.slug for t in both} == {"press", "axe-desk"}
    assert model.tag("The football club won the cup final on Saturday.") == []
    assert model.tag("") == []


def test_an_issue_with_too_few_examples_is_reported_not_learned():
    releases = labelled() + [_release(900 + i, ("floods",), ["river", "flooding", "rainfall"]) for i in range(3)]
    learned = learn_issues(releases)
    assert "floods" not in learned.labels
    assert learned.report.too_few == (("floods", 3),)
    assert learn_issues(releases, min_examples=3).labels == ("axe-desk", "environment", "floods", "press")


def test_releases_without_labels_are_not_learned_from(model):
    unlabelled = [_release(500 + i, (), ["football", "goal", "stadium"]) for i in range(10)]
    assert learn_issues(labelled() + unlabelled).report.releases == model.report.releases == 24


def test_labels_given_as_names_are_learned_as_the_slugs_the_index_stores_and_filters_by():
    """As the index reads given issues: a taxonomy issue by its slug, others by their own slug and name."""
    names = {"axe-desk": "Executions", "press": "Media Watch", "environment": "Our Climate Desk"}
    model = learn_issues([dataclasses.replace(r, issues=(names[r.issues[0]],)) for r in labelled()])
    assert dict(zip(model.labels, model.names)) == {
        "death-penalty": "Death penalty", "media-watch": "Media watch", "our-climate-desk": "Our climate desk"}
    assert [(t.slug, t.label) for t in model.tag("The editor and the reporter of the newspaper faced censorship.")] == [
        ("media-watch", "Media watch")]


def test_no_learnable_issue_is_a_clear_model_error():
    few = [_release(i, ("press",), ["journalist", "editor", "reporter"]) for i in range(4)]
    with pytest.raises(ModelError, match="no issue has 5 labelled releases"):
        learn_issues(few)
    with pytest.raises(ModelError, match="no issue has 5 labelled releases"):
        learn_issues([_release(1, (), ["journalist"])])


def test_the_report_gives_cross_validated_figures_per_issue_and_micro(model):
    report = model.report
    assert report.folds == 3 and report.releases == 24
    assert [(s.slug, s.examples) for s in report.issues] == [("axe-desk", 8), ("environment", 8), ("press", 8)]
    assert report.micro_f1 == 1.0  # separable vocabularies: every held-out release right
    noisy = [r if i % 3 else Release(title=r.title, body=r.body, date=r.date, issues=("press",))
             for i, r in enumerate(labelled())]  # a third of the labels moved to "press"
    worse = learn_issues(noisy).report
    assert worse.micro_f1 < 0.9
    assert {s.slug: s.precision for s in worse.issues}["press"] < 0.9


def test_scores_are_scikit_learns_tfidf_and_linear_svm(model):
    """The model's own arithmetic (numpy, no scikit-learn) gives what scikit-learn computes."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    releases = labelled()
    docs = [_terms(r.body, r.title, "english") for r in releases]
    vectorizer = TfidfVectorizer(analyzer=lambda terms: terms, sublinear_tf=True, min_df=2)
    matrix = vectorizer.fit_transform(docs)
    text, title = "The editor of the newspaper was hanged after a drought.", "Censorship"
    ours = model.scores(text, title=title)
    x = vectorizer.transform([_terms(text, title, "english")])
    for slug in model.labels:
        svm = LinearSVC(C=1.0, random_state=0).fit(matrix, [slug in r.issues for r in releases])
        assert ours[slug] == pytest.approx(float(svm.decision_function(x)[0]), abs=1e-4)


def test_a_saved_model_loads_back_the_same_without_pickle(model, tmp_path):
    path = tmp_path / "model.npz"
    model.save(path)
    assert not list(tmp_path.glob("*.tmp"))  # written beside, then renamed
    with np.load(path, allow_pickle=False) as data:  # plain arrays: loading runs no code
        assert set(data.files) >= {"terms", "weights", "thresholds"}
    again = IssueModel.load(path)
    text = "Carbon emissions from the coal plant rose during the heatwave."
    assert again.tag(text) == model.tag(text) and again.labels == model.labels
    assert again.report == model.report


def test_a_damaged_model_file_is_a_model_error_naming_it(model, tmp_path):
    path = tmp_path / "model.npz"
    model.save(path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ModelError, match="model.npz: unreadable issue model"):
        IssueModel.load(path)
    with zipfile.ZipFile(tmp_path / "other.npz", "w") as z:
        z.writestr("meta.npy", b"")
    with pytest.raises(ModelError, match="other.npz"):
        IssueModel.load(tmp_path / "other.npz")


# ----------------------------------------------------------------------------- in the index


def _archive() -> list[Release]:
    """Labelled releases, unlabelled ones of each category, and a labelled one whose text says otherwise."""
    unlabelled = [_release(600 + t * 10 + i, (), [w[(i + 4) % 8], w[(i + 5) % 8], w[(i + 6) % 8]], given=False)
                  for t, w in enumerate(TOPICS.values()) for i in range(2)]
    contrary = _release(700, ("axe-desk",), ["journalist", "newspaper", "editor"])
    return labelled() + unlabelled + [contrary]


def test_learn_issues_tags_the_unlabelled_releases_and_given_labels_win():
    with NewsIndex.in_memory() as index:
        index.add(_archive())
        before = index.facets("", fields=("issue",))["issue"]
        learned = index.learn_issues()
        assert learned.labelled == 25 and learned.unlabelled == 6 and learned.tagged == 6
        assert dict(learned.counts) == {"axe-desk": 2, "environment": 2, "press": 2}
        for release in index.releases():
            facets = index.get_facets(release.id)
            if release.issues:
                assert facets.issues == release.issues  # given labels win, whatever the text says
        contrary = next(r for r in index.releases() if r.title.startswith("Update 700"))
        assert index.get_facets(contrary.id).issues == ("axe-desk",)
        press = index.search("", issue="press")
        assert press.total == 8 + 2
        assert index.facets("", fields=("issue",))["issue"] != before
        # a later add is tagged by the model, not by the taxonomy
        index.add([_release(800, (), ["blogger", "censorship", "broadcaster"], given=False)])
        new = next(r for r in index.releases() if r.title.startswith("Update 800"))
        assert index.get_facets(new.id).issues_extracted == ("press",)


def test_the_model_is_kept_in_the_index_and_used_after_reopening(tmp_path):
    with NewsIndex.create(tmp_path / "idx") as index:
        index.add(_archive())
        index.learn_issues()
    assert (tmp_path / "idx" / MODEL_FILE).is_file()
    with NewsIndex.open(tmp_path / "idx") as index:
        report = index.add([_release(801, (), ["glacier", "warming", "drought"], given=False)])
        assert report.added == 1
        new = next(r for r in index.releases() if r.title.startswith("Update 801"))
        assert index.get_facets(new.id).issues == ("environment",)


def test_a_large_add_tags_with_the_model_in_the_second_process_too(tmp_path):
    with NewsIndex.create(tmp_path / "idx") as index:
        index.add(_archive())
        index.learn_issues()
        words = list(TOPICS["axe-desk"])
        many = [_release(1000 + i, (), [words[i % 8], words[(i + 3) % 8], words[(i + 5) % 8]], given=False) for i in range(1100)]
        index.add(many, workers=1)  # > 1,000 releases on disk: a SubWriter writes part of them
        found = {index.get_facets(r.id).issues for r in many}
    assert found == {("axe-desk",)}


def test_an_in_memory_index_tags_a_large_add_with_its_model_in_worker_processes():
    with NewsIndex.in_memory() as index:
        index.add(_archive())
        index.learn_issues()
        words = list(TOPICS["environment"])
        many = [_release(3000 + i, (), [words[i % 8], words[(i + 2) % 8], words[(i + 6) % 8]], given=False) for i in range(1100)]
        index.add(many, workers=1)  # > 1,000 releases: facets extracted in a worker process, the model sent to it
        assert {index.get_facets(r.id).issues for r in many} == {("environment",)}


def test_a_failed_learn_leaves_the_index_as_it_was_and_unlocked(tmp_path):
    with NewsIndex.create(tmp_path / "idx") as index:
        index.add([_release(i, (), ["journalist", "editor", "reporter"], given=False) for i in range(6)])
        extracted = {r.id: index.get_facets(r.id).issues_extracted for r in index.releases()}
        with pytest.raises(ModelError):
            index.learn_issues()
        assert not (tmp_path / "idx" / MODEL_FILE).exists()
        assert {r.id: index.get_facets(r.id).issues_extracted for r in index.releases()} == extracted
        assert index.add([_release(99, ("press",), ["journalist"])]).added == 1  # the lock was released


# ----------------------------------------------------------------- real stories, the command line

#: 36 Reuters-21578 stories (tests/fixtures): 30 carry their TOPICS as issues, 10 each of crude,
#: earn and acq; the last 6 carry none. Their true topics, which the index never sees:
REUTERS = Path(__file__).parent / "fixtures" / "reuters_labelled.jsonl"
TRUE_TOPICS = {"reuters-56": ("earn",), "reuters-66": ("earn",), "reuters-260": ("acq",),
               "reuters-302": ("acq",), "reuters-273": ("crude",), "reuters-349": ("crude",)}


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_on_real_stories_the_unlabelled_ones_get_their_true_topics_with_evidence_a_person_reads(tmp_path):
    with NewsIndex.create(tmp_path / "idx") as index:
        index.add(load_releases(REUTERS))
        learned = index.learn_issues()
        assert (learned.labelled, learned.unlabelled, learned.tagged) == (30, 6, 6)
        assert {i: tuple(t.slug for t in tags) for i, _, tags in learned.examples} == TRUE_TOPICS
        evidence = {i: tags[0].evidence for i, _, tags in learned.examples}
        assert {"oil", "opec"} <= set(evidence["reuters-349"])  # GULF ARAB DEPUTY OIL MINISTERS TO MEET
        assert "stake" in evidence["reuters-302"]  # WALLENBERGS FIGHT BID FOR SWEDISH MATCH STAKE
        for release_id, topics in TRUE_TOPICS.items():
            facets = index.get_facets(release_id)
            assert facets.issues == facets.issues_extracted == topics and facets.issues_given == ()
        assert index.search("", issue="crude").total == 12


def test_cli_learn_prints_the_report_and_what_it_tagged_and_later_imports_use_the_model(tmp_path):
    idx = str(tmp_path / "archive.idx")
    extra = tmp_path / "more.jsonl"
    rare = '{{"title": "Gold output rises {n}", "body": "Gold mine output rose.", "date": "1987-03-0{n}", "issues": ["gold"]}}\n'
    extra.write_text(rare.format(n=1) + rare.format(n=2), encoding="utf-8")
    assert _cli("index", idx, str(REUTERS), str(extra))[0] == 0
    code, out = _cli("learn", idx)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "learned 3 issues from 32 labelled releases (3-fold cross-validated figures)"
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:6]}
    assert set(rows) == {"acq", "crude", "earn", "micro"} and rows["crude"][0] == "10"
    assert all(0.5 < float(row[-1]) <= 1.0 for name, row in rows.items() if name != "micro")
    assert "not learned, fewer than 5 labelled releases: gold (2)" in out
    assert "tagged 6 of 6 unlabelled releases: acq 2, crude 2, earn 2" in out
    assert any(line.strip().startswith("crude: ") and "oil" in line for line in lines)

    code, out = _cli("learn", idx, "--json")
    report = json.loads(out)
    assert report["tagged"] == 6 and report["report"]["too_few"] == [{"slug": "gold", "examples": 2}]
    assert 0.5 < report["report"]["micro"]["f1"] <= 1.0

    new = tmp_path / "new.jsonl"
    new.write_text('{"id": "n1", "title": "OPEC ministers meet on crude oil output", "date": "1987-04-01",'
                   ' "body": "OPEC oil ministers will meet to discuss crude production quotas and prices."}\n', encoding="utf-8")
    assert _cli("index", idx, str(new))[0] == 0
    with NewsIndex.open(idx) as index:
        assert index.get_facets("n1").issues == ("crude",)  # the learned model, not the shipped taxonomy


def test_cli_learn_without_labels_is_a_clear_error(tmp_path):
    idx = str(tmp_path / "plain.idx")
    assert _cli("index", idx, str(Path(__file__).parent / "fixtures" / "newsroom_sample.txt"))[0] == 0
    code, out = _cli("learn", idx)
    assert code == 1
    assert out.startswith("error: no issue has 5 labelled releases to learn from (0 labelled releases")
    assert not (tmp_path / "plain.idx" / MODEL_FILE).exists()
    code, out = _cli("learn", str(tmp_path / "missing.idx"))
    assert code == 1 and "no index at" in out


def test_the_index_keeps_the_learners_minimum_of_examples():
    """index.py holds a copy of MIN_EXAMPLES so opening an index doesn't import the learner."""
    from newsindex import index
    from newsindex.tagging import learn

    assert index.MIN_EXAMPLES == learn.MIN_EXAMPLES
