"""What a CLI command starts: `newsindex search/show/facets/stats` load the index and the query
side only — no NLTK package, no source readers, no taggers, no writing pipeline, no web or
feeds — and the light stemmer they use instead of `import nltk` stems exactly as NLTK does.

Each check runs in a fresh interpreter (the test process has imported everything by now) on a
real on-disk index built here. Speed itself is measured in benchmarks/bench_cli.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsindex import NewsIndex, load_releases

SAMPLE = Path(__file__).parent / "fixtures" / "newsroom_sample.txt"

#: Modules no query-side command may import: what they cost is start-up time of every search.
NOT_ON_THE_QUERY_PATH = (
    "nltk",  # the package (its __init__ imports most of NLTK); the stemmer is loaded on its own
    "numpy",
    "regex",  # nltk.redos's engine, deferred until a stemmer really calls it
    "pycountry",  # its import pulls in importlib.metadata; labels read its data file instead
    "newsindex.sources.newsroom",
    "newsindex.sources.jsonl",
    "newsindex.sources.csvfile",
    "newsindex.sources.reuters",
    "newsindex.pipeline",
    "newsindex.writing",
    "newsindex.watch",
    "newsindex.similar",
    "newsindex.export",
    # the web app (`newsindex serve` registers its command from web/serve.py, which imports
    # none of these until it runs), the feed reader, the HTTP client
    "newsindex.web.asgi",
    "newsindex.web.api",
    "newsindex.web.pages",
    "newsindex.web.state",
    "starlette",
    "uvicorn",
    "jinja2",
    "newsindex.sources.feed",
    "httpx",
    "logging",  # ~7 ms with traceback and threading: the loggers import it when they first log (_log.py)
    "feedparser",
    # issue labels come from the shipped TOML's label lines (tagging/names.py), not the taxonomy
    "newsindex.tagging.issues",
    "tomllib",
    "importlib.resources",  # (data files are read beside the modules)
    # the readers' package (--format's choices are read when used) and the commands kept in
    # modules of their own (cli.py's _LAZY_COMMANDS: imported when they run or --help lists them)
    "newsindex.sources",
    "newsindex.cli_issues",
    "newsindex.cli_follow",
    "newsindex.cli_learn",
    "newsindex.web",
)

_REPORT = """
import json, sys
loaded = sorted(sys.modules)
gaz = sys.modules.get("newsindex.tagging.countries")
built = bool(gaz and gaz.gazetteer.cache_info().currsize)
sys.stderr.write("\\n@@" + json.dumps({"modules": loaded, "gazetteer_built": built}))
"""


def _run(code: str, *args: str) -> tuple[str, dict]:
    proc = subprocess.run([sys.executable, "-c", code + _REPORT, *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stderr.rpartition("\n@@")[2])
    return proc.stdout, report


def _forbidden(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == bad or m.startswith(bad + ".") for bad in NOT_ON_THE_QUERY_PATH)]


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory):
    path = tmp_path_factory.mktemp("startup") / "idx"
    with NewsIndex.create(path) as index:
        index.add(load_releases(SAMPLE))
    return path


def test_importing_the_cli_starts_no_reader_tagger_nltk_or_writer():
    _, report = _run("import newsindex.cli")
    assert _forbidden(report["modules"]) == []
    assert not any(m.startswith("newsindex.tagging.") and m != "newsindex.tagging.speakers" for m in report["modules"])


CLI = "import sys; from newsindex.cli import main; sys.argv[0] = 'newsindex'\ntry:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "{idx}", "hong kong"],
        ["search", "{idx}", "hong kong", "--facet", "country", "--facet", "issue", "--json"],
        ["facets", "{idx}"],
        ["stats", "{idx}"],
    ],
    ids=["search", "search-json-facets", "facets", "stats"],
)
def test_query_side_commands_load_only_the_query_side(sample_index, argv):
    out, report = _run(CLI, *[a.format(idx=sample_index) for a in argv])
    assert out.strip()  # the command did its work
    assert _forbidden(report["modules"]) == []
    assert not report["gazetteer_built"]  # country labels need names, not the tagger's gazetteer
    assert "newsindex.tagging.countries" not in report["modules"]  # (labels: tagging/names.py)
    if argv[0] != "stats":  # (stats counts the index's files: integrity.live_size)
        assert "newsindex.integrity" not in report["modules"]  # checksums and damage: index.py imports it on first use


def test_show_loads_only_the_query_side(sample_index):
    with NewsIndex.open(sample_index) as index:
        first = next(iter(index.releases()))
    out, report = _run(CLI, "show", str(sample_index), first.id)
    assert first.title in out
    assert _forbidden(report["modules"]) == []


def test_a_search_process_analyses_queries_as_the_index_was_analysed(sample_index):
    """Every word of every title, searched in a fresh CLI process (light stemmer), finds its
    release in the index this process wrote (this test process has imported NLTK whole)."""
    import nltk  # noqa: F401  - the index side: NLTK imported the ordinary way

    with NewsIndex.open(sample_index) as index:
        titles = {r.id: r.title for r in index.releases()}
    words = sorted({w for t in titles.values() for w in re.findall(r"[A-Za-z]{4,}", t)})
    code = (
        "import json, sys\n"
        "from newsindex import NewsIndex\n"
        "with NewsIndex.open(sys.argv[1]) as index:\n"
        "    found = {w: [h.id for h in index.search(w, limit=100, highlight=False).hits] for w in json.loads(sys.argv[2])}\n"
        "print(json.dumps(found))\n"
    )
    out, report = _run(code, str(sample_index), json.dumps(words))
    assert "nltk" not in report["modules"]
    found = json.loads(out)
    for release_id, title in titles.items():
        for word in re.findall(r"[A-Za-z]{4,}", title):
            if found[word]:  # (a stop word finds nothing, on both sides alike)
                assert release_id in found[word], (word, title)
    assert sum(1 for ids in found.values() if ids) > len(words) // 2


LANGUAGES = ("english", "porter", "german", "french", "spanish", "arabic")
WORDS = {
    "arabic": ["الكتاب", "والمكتبات", "يكتبون", "المدرسة"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_light_stemmer_is_nltks_stemmer(language):
    """The stemmer a search loads (analysis.snowball_stemmer, without `import nltk`) gives the
    stem NLTK's SnowballStemmer gives, word for word, then NLTK is imported whole to compare."""
    text = SAMPLE.read_text(encoding="utf-8")
    words = sorted({w.lower() for w in re.findall(r"\w+", text)} | {"running", "generously", "happiness", "national", "überall", "naïve"})
    words += WORDS.get(language, [])
    code = (
        "import json, sys\n"
        "from newsindex.analysis import snowball_stemmer\n"
        "words = json.loads(sys.argv[2])\n"
        "stem = snowball_stemmer(sys.argv[1])\n"
        "light_without_nltk = 'nltk' not in sys.modules\n"
        "light = [stem(w) for w in words]\n"
        "from nltk.stem.snowball import SnowballStemmer\n"
        "full = [SnowballStemmer(sys.argv[1]).stem(w) for w in words]\n"
        "print(json.dumps({'light_without_nltk': light_without_nltk, 'light': light, 'full': full}))\n"
    )
    out, _ = _run(code, language, json.dumps(words))
    got = json.loads(out)
    assert got["light_without_nltk"]
    assert len(got["light"]) == len(words) > 100
    mismatches = [(w, a, b) for w, a, b in zip(words, got["light"], got["full"]) if a != b]
    assert mismatches == []
