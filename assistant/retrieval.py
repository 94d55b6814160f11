"""Hybrid clause retrieval: BM25 over jieba tokens and e5 vectors in Chroma, fused.

Both retrievers rank chunks; a clause takes the best rank of its chunks. Reciprocal
rank fusion (``rrf``) is the default because the two score scales are unrelated;
``weighted`` blends min-max-normalised scores instead (the benchmark compares them).
``assistant/clause_retriever.py`` offers the searcher as a LangChain retriever.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from assistant.thesaurus import Thesaurus
from ingest.embedding import Embedder
from ingest.index import ClauseIndex
from ingest.tokenizer import ChineseTokenizer

MODES = ("hybrid", "dense", "bm25")
RESCORED = 20  # the top fused candidates whose dense similarity is always known (the re-ranker's pool)
# "第十六条", "第二阶段", "第三章": a clerk citing a clause by its number.
_LABEL_MENTION = re.compile(r"第[一二三四五六七八九十百零〇两]+[条章节阶段]+")


@dataclass(frozen=True)
class Hit:
    """A clause and why it was retrieved."""

    clause_id: str
    score: float
    dense: float | None  # cosine similarity of the best chunk
    lexical: float | None  # BM25 score of the best chunk
    dense_rank: int | None
    lexical_rank: int | None


class HybridSearcher:
    """Rank clauses for a question.

    Usage::

        searcher = HybridSearcher(index, embedder, tokenizer)
        hits = searcher.search("普惠医联保住院起付线多少", k=10)
    """

    def __init__(
        self,
        index: ClauseIndex,
        embedder: Embedder,
        tokenizer: ChineseTokenizer,
        fusion: str = "rrf",
        candidates: int = 60,
        rrf_k: int = 60,
        thesaurus: Thesaurus | None = None,
        reranker: Callable[[str, list[Hit]], list[Hit]] | None = None,
    ):
        if fusion not in ("rrf", "weighted"):
            raise ValueError(f"Invalid fusion: {fusion!r}. Choose from 'rrf', 'weighted'.")
        if embedder.fingerprint != index.embedder_fingerprint:
            from ingest.errors import IndexMissingError

            raise IndexMissingError(
                f"索引是用另一个嵌入模型（{index.embedder_fingerprint}）建立的，当前模型是 {embedder.fingerprint}。"
                "请运行 policy-assistant ingest 重新建立索引。"
            )
        self.index = index
        self.embedder = embedder
        self.tokenizer = tokenizer
        self.fusion = fusion
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.thesaurus = thesaurus or Thesaurus({})
        self.reranker = reranker
        self._chunk_clause = index.chunk_clauses

    def search(self, query: str, k: int = 10, mode: str = "hybrid", doc_ids: tuple[str, ...] = ()) -> list[Hit]:
        """The k best clauses for a query; ``doc_ids`` keeps the search inside those documents
        (a question that names its document)."""
        if mode not in MODES:
            raise ValueError(f"Invalid mode: {mode!r}. Choose from {', '.join(repr(m) for m in MODES)}.")
        vector = self.embedder.embed_query(query) if mode in ("hybrid", "dense") else None
        dense = self._dense(vector, doc_ids) if vector is not None else {}
        lexical = self._lexical(query, doc_ids) if mode in ("hybrid", "bm25") else {}
        ids = set(dense) | set(lexical)
        dense_rank = _ranks(dense)
        lexical_rank = _ranks(lexical)
        hits = []
        for clause_id in ids:
            score = self._fuse(clause_id, dense, lexical, dense_rank, lexical_rank, mode)
            hits.append(
                Hit(
                    clause_id=clause_id,
                    score=score,
                    dense=dense.get(clause_id),
                    lexical=lexical.get(clause_id),
                    dense_rank=dense_rank.get(clause_id),
                    lexical_rank=lexical_rank.get(clause_id),
                )
            )
        hits.sort(key=lambda h: (-h.score, h.clause_id))
        if mode == "hybrid":
            hits = self._prefer_cited_labels(query, hits)
            hits = self._with_dense(vector, hits)
            if self.reranker is not None:
                hits = self.reranker(query, hits)
        return hits[:k]

    def _prefer_cited_labels(self, query: str, hits: list[Hit]) -> list[Hit]:
        """Candidates whose own number the question names ("第一阶段") get one more fused vote."""
        mentioned = set(_LABEL_MENTION.findall(query))
        if not mentioned:
            return hits
        named = [h for h in hits if mentioned & set(self.index.clauses[h.clause_id].labels)]
        bonus = {h.clause_id: 1.0 / (self.rrf_k + rank) for rank, h in enumerate(named, start=1)}
        boosted = [Hit(h.clause_id, h.score + bonus.get(h.clause_id, 0.0), h.dense, h.lexical, h.dense_rank, h.lexical_rank) for h in hits]
        return sorted(boosted, key=lambda h: (-h.score, h.clause_id))

    def _fuse(self, clause_id, dense, lexical, dense_rank, lexical_rank, mode) -> float:
        if mode == "dense":
            return dense[clause_id]
        if mode == "bm25":
            return lexical[clause_id]
        if self.fusion == "rrf":
            score = 0.0
            for ranks in (dense_rank, lexical_rank):
                if clause_id in ranks:
                    score += 1.0 / (self.rrf_k + ranks[clause_id])
            return score
        return 0.5 * _minmax(dense).get(clause_id, 0.0) + 0.5 * _minmax(lexical).get(clause_id, 0.0)

    def _with_dense(self, vector, hits: list[Hit]) -> list[Hit]:
        """A clause found by words alone still gets its dense similarity (not its dense rank):
        the re-ranker and the answer/abstain judge compare like with like."""
        missing = [h.clause_id for h in hits[:RESCORED] if h.dense is None]
        if not missing:
            return hits
        known = self.index.similarities(vector, missing)
        return [replace(h, dense=known.get(h.clause_id)) if h.clause_id in known else h for h in hits]

    def _dense(self, vector, doc_ids: tuple[str, ...] = ()) -> dict[str, float]:
        total = self.index.collection.count()
        if total == 0:
            return {}
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids else None
        found = self.index.collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=min(self.candidates, total),
            include=["metadatas", "distances"],
            where=where,
        )
        best: dict[str, float] = {}
        for metadata, distance in zip(found["metadatas"][0], found["distances"][0]):
            similarity = 1.0 - float(distance)
            clause_id = metadata["clause_id"]
            best[clause_id] = max(best.get(clause_id, -1.0), similarity)
        return best

    def _lexical(self, query: str, doc_ids: tuple[str, ...] = ()) -> dict[str, float]:
        tokens = [t for t in self.tokenizer.tokens(self.thesaurus.rewrite(query)) if t in self.index.bm25_vocab]
        if not tokens:
            return {}
        count = len(self._chunk_clause)
        wanted = count if doc_ids else min(self.candidates, count)
        documents, scores = self.index.bm25.retrieve([tokens], k=wanted, show_progress=False, n_threads=1)
        best: dict[str, float] = {}
        for position, score in zip(documents[0], scores[0]):
            if score <= 0:
                continue
            clause_id = self._chunk_clause[int(position)]
            if doc_ids and self.index.clauses[clause_id].doc_id not in doc_ids:
                continue
            best[clause_id] = max(best.get(clause_id, 0.0), float(score))
        return best


def _ranks(scores: dict[str, float]) -> dict[str, int]:
    ordered = sorted(scores, key=lambda key: (-scores[key], key))
    return {key: rank for rank, key in enumerate(ordered, start=1)}


def _minmax(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    span = (high - low) or 1.0
    return {key: (value - low) / span for key, value in scores.items()}
