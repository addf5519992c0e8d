"""How results are ranked: BM25F and its constants, each with the reason for its value.

Ties are broken in a fixed, documented order so the same query on the same index always
gives the same list: higher score first, then newer date first (undated last), then id.
"""

from __future__ import annotations

from whoosh import scoring

__all__ = ["TITLE_BOOST", "SUMMARY_BOOST", "BODY_BOOST", "BM25_K1", "BM25_B", "scorer"]

#: Headlines carry the topic, so a title match counts more — but modestly: on standard test
#: collections field boosts above ~1.5 hurt (one title word starts to outweigh a body that is
#: about the query). benchmarks/bench_ranking.py on Reuters-21578 TOPICS (MAP@100, 29 topics):
#: short queries 0.591 / 0.596 / 0.598 / 0.599 at boosts 1 / 1.5 / 2 / 3, long questions with
#: match="any" 0.583 / 0.572 / 0.563 / 0.553 — 1.5 takes most of the gain and little of the loss.
TITLE_BOOST = 1.5
#: The summary is the release's own abstract (its lead): a little above the body.
SUMMARY_BOOST = 1.2
BODY_BOOST = 1.0

#: Robertson's defaults, which are also Lucene's: term-frequency saturation and length
#: normalisation that work well for news-length documents without tuning.
BM25_K1 = 1.2
BM25_B = 0.75

#: match="any" has no coordination factor on purpose. Whoosh's (CoordMatcher) counts matching
#: *field terms* — "oil" in title and body counts twice — not query words, and its scores
#: disagreed between Whoosh's own collector and direct scoring on multi-segment indexes. BM25F
#: already ranks a release that matches more of the words higher (each word adds its score,
#: weighted by how rare it is), which is what a long natural-language query needs.


def scorer() -> scoring.WeightingModel:
    """The weighting model every search uses."""
    return scoring.BM25F(B=BM25_B, K1=BM25_K1)
