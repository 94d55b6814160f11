"""Learned re-ranking of the fused candidates: which clause holds the answer.

Reciprocal rank fusion puts the right document first almost always, but the right
clause first only about three times in four: the retrievers see a clause's words,
not whether it says what the question asks (a number, a unit, who leads). This stage
scores each of the top fused candidates with boosted decision trees over features of the
pair — both retrievers' scores and ranks, how much of the question the clause text
and, separately, its headings cover (words and character pairs), whether it holds a
number when a number is asked or a 牵头单位 line when "who" is asked, its length and
kind — learnt as the probability that a candidate holds the answer on the development
questions, with grouped cross-validation (``eval/ranking.py``), and stored as plain
numbers in ``ranking.json`` beside this file.

Usage::

    reranker = Reranker.load(index, tokens)
    hits = reranker(query, hits)  # same hits, best first
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from assistant.abstention import ASKING_WORDS
from assistant.focus import unlabelled, unmet
from assistant.learned import Model, load_model, load_or_none
from assistant.retrieval import RESCORED
from ingest.chunking import reading_sentences
from ingest.tokenizer import normalise

MODEL_FILE = Path(__file__).with_name("ranking.json")
POOL = RESCORED  # how many fused candidates are re-scored (each with its dense similarity)

FEATURES: tuple[str, ...] = (
    "fused",
    "fused_rank",
    "dense",
    "dense_gap",
    "dense_rank",
    "lexical",
    "lexical_rank",
    "coverage_text",
    "coverage_heading",
    "bigram_text",
    "number_asked_and_given",
    "who_asked_and_given",
    "when_asked_and_given",
    "focus_unmet",
    "length",
    "is_preamble",
    "is_table_row",
    "coverage_sentence",
    "coverage_vs_best",
    "bigram_heading",
    "coverage_title",
)

_ASKS_NUMBER = re.compile(r"多少|几|比例|金额|多久|多长|期限|时限|标准|上限|下限|最高|最低|面积|人数|费用")
_ASKS_WHO = re.compile(r"谁|哪个部门|哪些部门|哪个单位|哪些单位|哪家|牵头|负责|配合|主管")
_ASKS_WHEN = re.compile(r"什么时候|何时|哪天|哪一天|几月|哪年|日期|时间|截止|之前|前完成")
_DIGIT = re.compile(r"\d|[一二三四五六七八九十百千万]+(?:个|年|日|天|名|人|元|%|倍|次|项)")
_WHO_LINE = re.compile(r"牵头单位|责任单位|负责|主管部门|由[\u4e00-\u9fff]{2,12}(?:部门|机构|单位|局|委|厅|办)")
_DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月|年底|年内|日前|日起")
_HAN_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")
_PREAMBLE = {"印发通知", "前言", "结语", "notice"}


def pair_features(
    query: str, words: list[str], idf: Callable[[str], float], clause, document, hit, pool: list, best_coverage: float | None = None
) -> dict[str, float]:
    """Features of one (question, candidate clause) pair; ``pool`` is the fused list it sits in
    and ``best_coverage`` the highest word coverage of any clause in it."""
    text = normalise(clause.text)
    heading = normalise(document.title + clause.section + clause.context)
    total = sum(idf(w) for w in words) or 1.0
    pairs = {query[i : i + 2] for i in range(len(query) - 1) if _HAN_PAIR.fullmatch(query[i : i + 2])}
    best_fused = max(h.score for h in pool) or 1.0
    best_dense = max((h.dense for h in pool if h.dense is not None), default=0.0)
    best_lexical = max((h.lexical for h in pool if h.lexical is not None), default=0.0) or 1.0
    rank = next(i for i, h in enumerate(pool, start=1) if h.clause_id == hit.clause_id)

    def coverage(part: str) -> float:
        return sum(idf(w) for w in words if w in part) / total if words else 0.0

    title = normalise(document.title)
    covered = coverage(text)
    return {
        "fused": hit.score / best_fused,
        "fused_rank": 1.0 / rank,
        "dense": hit.dense or 0.0,
        "dense_gap": (best_dense - hit.dense) if hit.dense is not None else 1.0,
        "dense_rank": 1.0 / hit.dense_rank if hit.dense_rank else 0.0,
        "lexical": (hit.lexical or 0.0) / best_lexical,
        "lexical_rank": 1.0 / hit.lexical_rank if hit.lexical_rank else 0.0,
        "coverage_text": covered,
        "coverage_heading": sum(idf(w) for w in words if w in heading) / total if words else 0.0,
        "bigram_text": sum(1 for p in pairs if p in text) / len(pairs) if pairs else 0.0,
        "number_asked_and_given": float(bool(_ASKS_NUMBER.search(query)) and bool(_DIGIT.search(unlabelled(clause.text)))),
        "who_asked_and_given": float(bool(_ASKS_WHO.search(query)) and bool(_WHO_LINE.search(clause.text))),
        "when_asked_and_given": float(bool(_ASKS_WHEN.search(query)) and bool(_DATE.search(clause.text))),
        "focus_unmet": unmet(query, clause.text),
        "length": math.log1p(len(clause.text)),
        "is_preamble": float(bool(set(clause.labels) & _PREAMBLE) or clause.kind == "notice"),
        "is_table_row": float(clause.kind == "table_row"),
        "coverage_sentence": max((coverage(sentence) for sentence in reading_sentences(text)), default=0.0),
        "coverage_vs_best": covered - best_coverage if best_coverage is not None else 0.0,
        "bigram_heading": sum(1 for p in pairs if p in heading) / len(pairs) if pairs else 0.0,
        "coverage_title": coverage(title),
    }


class Reranker:
    """Re-orders the top fused candidates by the learned model (a no-op without one)."""

    def __init__(self, index, tokens: Callable[[str], list[str]], model: Model | None):
        self.index = index
        self.tokens = tokens
        self.model = model if model is not None and model.applies_to(index.embedder_fingerprint) else None

    @classmethod
    def load(cls, index, tokens: Callable[[str], list[str]], path: Path = MODEL_FILE) -> Reranker:
        return cls(index, tokens, load_or_none(path, FEATURES, load_model))

    def features(self, query: str, pool: list) -> list[dict[str, float]]:
        words = [w for w in dict.fromkeys(self.tokens(query)) if w not in ASKING_WORDS and w.strip()]
        total = sum(self.index.idf(w) for w in words) or 1.0
        texts = [normalise(self.index.clauses[hit.clause_id].text) for hit in pool]
        best = max((sum(self.index.idf(w) for w in words if w in text) / total for text in texts), default=0.0) if words else 0.0
        rows = []
        for hit in pool:
            clause = self.index.clauses[hit.clause_id]
            rows.append(pair_features(query, words, self.index.idf, clause, self.index.documents[clause.doc_id], hit, pool, best))
        return rows

    def __call__(self, query: str, hits: list) -> list:
        if self.model is None or len(hits) < 2:
            return hits
        pool = hits[:POOL]
        scored = [(self.model.probability(row), hit) for row, hit in zip(self.features(query, pool), pool)]
        scored.sort(key=lambda pair: (-pair[0], pair[1].clause_id))
        # The score becomes the model's probability that the clause holds the answer.
        return [replace(hit, score=probability) for probability, hit in scored] + [replace(hit, score=0.0) for hit in hits[POOL:]]
