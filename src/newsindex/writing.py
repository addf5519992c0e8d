"""The Whoosh writer newsindex writes segments with: Whoosh's own, minus per-posting overheads.

Text fields: Whoosh's Positions format asks the analyzer for Token objects, collects their
positions, and pickles each term's position deltas; this writer takes (term, position) pairs
from NewsTokenizer.term_positions and builds the same postings in one loop (add_document
0.52 -> ~0.35 ms a Reuters release).

When a segment is committed, Whoosh writes every posting with its document's field length
(blocks keep the shortest and longest length, for BM25's block skipping) and gets that length
from the segment's length column with a seek and a read per posting: a fifth of the commit
on Reuters (0.55 → 0.44 ms a release). The column is one byte per document, so this writer
reads each field's column once into a list and looks the lengths up there. Postings are byte for byte what Whoosh writes (tests/test_writing.py),
with one exception, the next paragraph.

A term found in one document of a segment keeps its posting in its term entry instead of a
block of its own in the postings file (half of all terms; a block costs ~60 bytes of header
and pickling). Whoosh's W3 codec means to do this (``inlinelimit=1``) but never does: its test
is off by one and calls a method W3TermInfo doesn't have. Readers need nothing new: W3 reads
inlined postings. On Reuters (11,000 stories, two segments) the index is 4% smaller.

Both writing processes (this one and pipeline.SubWriter's) use :func:`segment_writer`.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from whoosh import formats
from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.writing import SegmentWriter

from . import integrity
from .analysis import NewsTokenizer
from .ranking import length_column

__all__ = ["segment_writer"]

#: Posting lists this short are kept in the term entry (Whoosh's W3 meant to inline lists of one).
INLINE_UP_TO = 1


def segment_writer(ix: Any, **options: Any) -> SegmentWriter:
    """A writer for ``ix``, as ``ix.writer(**options)`` would make, with the faster commit."""
    return _SegmentWriter(ix, codec=_Codec(), **options)


class _Codec(W3Codec):
    """Whoosh's W3 codec, writing single-posting lists inline."""

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        return _PostingsWriter(dbfile, self._blocklimit, byteids, self._compression, self._inlinelimit)

    def new_segment(self, storage: Any, indexname: str) -> Any:
        # The segment (pickled into the table of contents) names plain W3: any Whoosh reads it.
        return W3Codec().new_segment(storage, indexname)


class _PostingsWriter(W3PostingsWriter):
    def finish_postings(self) -> Any:
        if self.written() or len(self) > INLINE_UP_TO:
            return super().finish_postings()
        terminfo = self._terminfo
        terminfo.add_block(self)
        # A format without values (ID, KEYWORD) reads as None from a block: the same here
        # (W3's own inline path gave "", which Whoosh's merge rejects).
        terminfo.set_inlined(self._ids, self._weights, self._values or [None] * len(self._ids))
        self._terminfo = None
        return terminfo


class _SegmentWriter(SegmentWriter):
    def __init__(self, ix: Any, **options: Any) -> None:
        super().__init__(ix, **options)
        # Spelling and term-vector fields (none in our schema) take Whoosh's own add_document.
        self._whoosh_adds = any(field.separate_spelling() or field.vector for _, field in self.schema.items())

    def add_document(self, **fields: Any) -> None:
        # SegmentWriter.add_document (whoosh3 3.54.0), with text analysed by _text_postings.
        if self._whoosh_adds:
            super().add_document(**fields)
            return
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        # The document's postings go to the pool at once, not one by one through PostingPool.add
        # (its checks and size sum per posting); the pool's order is re-sorted at commit anyway.
        posts: list[tuple[str, bytes, int, float, bytes]] = []
        size = 0
        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    items = _text_postings(field, value)
                    if items is None:
                        items = field.index(value)
                    scorable = field.scorable
                    for tbytes, freq, weight, vbytes in items:
                        if scorable:
                            length += freq
                        posts.append((fieldname, tbytes, docnum, weight * fieldboost, vbytes))
                        # PostingPool.add's estimate of the posting's memory
                        size += 150 + len(fieldname) + 2 * len(tbytes) + len(vbytes or b"")
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except ValueError:
            perdocwriter.cancel_doc()
            raise
        pool = self.pool
        pool.fieldnames.update(post[0] for post in posts)
        pool.current.extend(posts)
        pool.currentsize += size
        if pool.currentsize > pool.limit:
            pool.save()
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def cancel(self) -> None:
        """Cancel, and delete the files of the segment begun: a cancelled (or failed) add
        leaves the directory as at its last commit, with no orphan segment files."""
        super().cancel()
        self._remove_own_files()

    def _remove_own_files(self) -> None:
        """Delete the files of the segment begun (one mechanism for cancel and a failed commit;
        what a killed process leaves, integrity.sweep removes at the next write)."""
        try:
            for name in self.newsegment.list_files(self.storage):
                self.storage.delete_file(name)
        except OSError:  # best effort: integrity.sweep at the next write removes what is left
            pass

    def uncommitted_bytes(self) -> int:
        """Bytes written for this writer's segment and scratch files so far (what a full disk refused)."""
        total = 0
        for storage, names in ((self.storage, self.newsegment.list_files(self.storage)), (self._tempstorage, None)):
            try:
                for name in names if names is not None else storage.list():
                    total += storage.file_length(name)
            except (OSError, AttributeError):
                continue
        return total

    def _cleanup_on_error(self) -> None:
        """Whoosh's cleanup of a failed commit, and the segment files it wrote (unless its TOC
        was already written: then the segment is committed, and its files are the index)."""
        self.refused_bytes = self.uncommitted_bytes()
        super()._cleanup_on_error()
        if not getattr(self, "_toc_written", False):
            self._remove_own_files()

    def _commit_toc(self, segments: list[Any]) -> None:
        # Whoosh's, with checksums and fsync around the TOC (integrity.py).
        integrity.before_toc(self.storage, segments)
        super()._commit_toc(segments)
        self._toc_written = True
        integrity.after_toc(self.storage, self.indexname, self.generation)

    def _flush_segment(self) -> None:
        # SegmentWriter._flush_segment (whoosh3 3.54.0), with the lengths read per field.
        self.perdocwriter.close()
        perdoc = self.per_document_reader() if self.codec.length_stats else None
        lengths = _SegmentLengths(perdoc, self.docnum) if perdoc is not None else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if perdoc is not None:
            perdoc.close()


def _text_postings(field: Any, value: Any) -> Iterable[tuple[bytes, int, float, bytes]] | None:
    """``field.index(value)`` for a NewsTokenizer text field with positions, else None."""
    analyzer = field.analyzer
    if not isinstance(field.format, formats.Positions) or not isinstance(analyzer, NewsTokenizer) or not isinstance(value, str):
        return None
    encode = field.format.encode
    positions: dict[str, list[int]] = {}
    for text, pos in analyzer.term_positions(value):
        found = positions.get(text)
        if found is None:
            positions[text] = [pos]
        else:
            found.append(pos)
    boost = field.format.field_boost
    items = []
    for text, poslist in positions.items():
        # as Positions.word_values: the weight is the tokens' boosts (1.0 each) times the format's
        items.append((text.encode("utf-8"), len(poslist), float(len(poslist)) * boost, encode(poslist)))
    return items


class _SegmentLengths:
    """What ``FieldWriter.add_postings`` asks of its ``lengths``: a per-field length lookup."""

    def __init__(self, perdoc: Any, count: int) -> None:
        self._perdoc = perdoc
        self._count = count

    def doc_field_length_reader(self, fieldname: str, default: int = 0) -> Callable[[int], int | None]:
        column = length_column(self._perdoc, fieldname, self._count)
        if column is None:  # no column to read in one piece: Whoosh's own per-posting reader
            reader: Callable[[int], int | None] = self._perdoc.doc_field_length_reader(fieldname, default)
            return reader
        return column.__getitem__

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        length: int | None = self._perdoc.doc_field_length(docnum, fieldname, default)
        return length
