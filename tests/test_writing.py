"""writing.segment_writer must write what Whoosh's own writer writes, only faster."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from whoosh import index as windex
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage

from newsindex import Release
from newsindex.pipeline import extract_facets
from newsindex.schema import build_schema, to_document
from newsindex.writing import segment_writer

TRICKY = [
    "The U.S. and the #MeToo movement: women’s rights, COVID-19, tit-for-tat.",
    "IT staff of the WHO met in São Paulo; it was the 2nd #metoo rally of the year in the U.K.",
    "THE UN SAID IT WOULD ACT", "", "a an the of",
]
WORDS = "oil price bank rate Hong Kong vigil court jailed protest China trade deficit wheat export minister said".split()


def _documents(n: int) -> list[dict]:
    docs = []
    for i in range(n):
        # lengths from 1 to ~60 words, so the length bytes and block min/max lengths vary
        body = " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(1 + i % 60))
        body += " " + TRICKY[i % len(TRICKY)]  # stopwords, hashtags, acronyms, accents: positions and extra terms
        release = Release(title=f"{WORDS[i % len(WORDS)]} {WORDS[(i * 5) % len(WORDS)]} {i}", body=body, date=dt.date(2020, 1 + i % 12, 1 + i % 28))
        docs.append(to_document(release, extract_facets(release)))
    return docs


def _segment_files(path: Path) -> dict[str, bytes]:
    """Each file inside the index's one compound segment, by its name without the segment id."""
    storage = FileStorage(str(path))
    (segment,) = [name for name in storage.list() if name.endswith(".seg")]
    compound = CompoundStorage(storage.open_file(segment), use_mmap=False)
    try:
        files = {}
        for name in compound.list():
            with compound.open_file(name) as file:
                files[name.split(".", 1)[1]] = file.read()
        return files
    finally:
        compound.close()


@pytest.mark.parametrize("limitmb", [128, 0.05])  # 0.05: the postings pool spills to sorted runs on disk
def test_segment_writer_writes_byte_for_byte_what_whoosh_writes(tmp_path, limitmb):
    docs = _documents(700)  # > one 128-posting block for the common words
    files = {}
    for kind in ("whoosh", "ours"):
        path = tmp_path / kind
        path.mkdir()
        ix = windex.create_in(str(path), build_schema())
        writer = ix.writer(limitmb=limitmb) if kind == "whoosh" else segment_writer(ix, limitmb=limitmb)
        for doc in docs:
            writer.add_document(**doc)
        writer.commit()
        files[kind] = _segment_files(path)
    assert set(files["ours"]) == set(files["whoosh"]) and "pst" in files["ours"]
    for name, data in files["whoosh"].items():
        assert files["ours"][name] == data, name


def test_segment_writer_merges_segments_like_whoosh(tmp_path):
    """A merge re-writes the postings of the merged segments through the same flush."""
    docs = _documents(300)
    files = {}
    for kind in ("whoosh", "ours"):
        path = tmp_path / kind
        path.mkdir()
        ix = windex.create_in(str(path), build_schema())
        new_writer = ix.writer if kind == "whoosh" else lambda: segment_writer(ix)
        for part in (docs[:150], docs[150:]):
            writer = new_writer()
            for doc in part:
                writer.add_document(**doc)
            writer.commit(merge=False)
        assert len(ix._segments()) == 2
        new_writer().commit(optimize=True)
        files[kind] = _segment_files(path)  # one segment again
    assert files["ours"] == files["whoosh"]
