"""writing.segment_writer must write what Whoosh's own writer writes, only faster."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from whoosh import index as windex
from whoosh.codec.whoosh3 import W3Codec
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


def _postings(ix) -> dict:
    """(field, term) -> (term statistics, [(docnum, weight, encoded value)]) of the whole index."""
    out = {}
    with ix.reader() as reader:
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight(), info.min_id(), info.max_id())
            matcher = reader.postings(fieldname, text)
            items = []
            while matcher.is_active():
                items.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            out[fieldname, text] = (stats, items)
    return out


def _inlined(path: Path) -> int:
    """How many terms keep their postings in the term entry."""
    from whoosh.codec.whoosh3 import W3TermInfo

    with windex.open_dir(str(path)).reader() as reader:
        return sum(W3TermInfo.from_bytes(raw).is_inlined() for raw in reader._terms._tindex.values())


def _build(path: Path, docs: list[dict], kind: str, limitmb: float = 128, parts: int = 1):
    path.mkdir()
    ix = windex.create_in(str(path), build_schema())
    size = -(-len(docs) // parts)
    for start in range(0, len(docs), size):
        writer = ix.writer(limitmb=limitmb) if kind == "whoosh" else segment_writer(ix, limitmb=limitmb)
        for doc in docs[start : start + size]:
            writer.add_document(**doc)
        writer.commit(merge=False)
    return ix


@pytest.mark.parametrize("limitmb", [128, 0.05])  # 0.05: the postings pool spills to sorted runs on disk
def test_segment_writer_writes_what_whoosh_writes_with_single_postings_inline(tmp_path, limitmb):
    docs = _documents(700)  # > one 128-posting block for the common words
    ixs = {kind: _build(tmp_path / kind, docs, kind, limitmb) for kind in ("whoosh", "ours")}
    files = {kind: _segment_files(tmp_path / kind) for kind in ixs}
    assert set(files["ours"]) == set(files["whoosh"]) and "pst" in files["ours"]
    for name, data in files["whoosh"].items():  # stored fields, lengths, columns: the same bytes
        if name not in ("trm", "pst"):
            assert files["ours"][name] == data, name
    # terms and postings: the same, read back; single postings inline, so a smaller postings file
    assert _postings(ixs["ours"]) == _postings(ixs["whoosh"])
    assert _inlined(tmp_path / "whoosh") == 0 and _inlined(tmp_path / "ours") > 100
    assert len(files["ours"]["pst"]) < len(files["whoosh"]["pst"])
    # the table of contents names Whoosh's own codec: any Whoosh reads the index
    assert type(ixs["ours"]._segments()[0].codec()) is W3Codec


def test_segment_writer_merges_segments_like_whoosh(tmp_path):
    """A merge re-writes the postings of the merged segments through the same flush."""
    docs = _documents(300)
    ixs = {kind: _build(tmp_path / kind, docs, kind, parts=2) for kind in ("whoosh", "ours")}
    for kind, ix in ixs.items():
        assert len(ix._segments()) == 2
        (ix.writer() if kind == "whoosh" else segment_writer(ix)).commit(optimize=True)
    assert len(ixs["ours"]._segments()) == 1
    assert _postings(ixs["ours"]) == _postings(ixs["whoosh"])
    with ixs["ours"].searcher() as searcher:
        assert [searcher.stored_fields(n) for n in range(300)] == [ixs["whoosh"].searcher().stored_fields(n) for n in range(300)]


def test_with_nothing_inline_the_term_and_postings_files_are_whooshs_bytes(tmp_path, monkeypatch):
    """The term-at-a-time add_postings fills blocks exactly as Whoosh's posting-at-a-time one."""
    import newsindex.writing as writing

    monkeypatch.setattr(writing, "INLINE_UP_TO", 0)
    docs = _documents(700)  # common words span several 128-posting blocks
    for kind in ("whoosh", "ours"):
        _build(tmp_path / kind, docs, kind, parts=2)
        ix = windex.open_dir(str(tmp_path / kind))
        (ix.writer() if kind == "whoosh" else segment_writer(ix)).commit(optimize=True)  # and a merge
    files = {kind: _segment_files(tmp_path / kind) for kind in ("whoosh", "ours")}
    assert files["ours"]["pst"] == files["whoosh"]["pst"]
    assert files["ours"]["trm"] == files["whoosh"]["trm"]
