"""Extractive answers: the best sentences of the best clause, quoted, with citations.

No language model: every sentence shown comes from a clause verbatim. When the
evidence is weak the answer says the corpus does not cover the question and lists
the nearest clauses instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.types import Answer, Citation, Retrieved
from ingest.chunking import split_sentences
from ingest.tokenizer import ChineseTokenizer, normalise
from ingest.types import Clause, Document

_ASKS_NUMBER = re.compile(r"多少|几|比例|金额|多久|多长|期限|时限|哪天|什么时候|何时|日期|标准")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Evidence:
    """A retrieved clause with its document and scores."""

    clause: Clause
    document: Document
    score: float
    dense: float | None
    lexical: float | None


class Composer:
    """Write the answer for a question from ranked evidence.

    ``min_confidence`` is the threshold below which the answer is ``not_found``;
    ``confidence()`` is exposed so it can be calibrated on labelled questions.
    """

    def __init__(self, tokenizer: ChineseTokenizer, min_confidence: float = 0.55, dense_floor: float = 0.78, dense_span: float = 0.1):
        self.tokenizer = tokenizer
        self.min_confidence = min_confidence
        self.dense_floor = dense_floor
        self.dense_span = dense_span

    def confidence(self, query: str, evidence: list[Evidence]) -> float:
        """How sure retrieval is that the top clause addresses the question (0–1).

        Half from the vector similarity of the top clause (rescaled: e5 puts unrelated
        Chinese text around 0.78), half from how many of the question's words the top
        clauses contain.
        """
        if not evidence:
            return 0.0
        top = evidence[0]
        dense = max((e.dense or 0.0) for e in evidence[:3])
        semantic = min(1.0, max(0.0, (dense - self.dense_floor) / self.dense_span))
        return 0.5 * semantic + 0.5 * self.coverage(query, evidence[:3] if top.dense is None else evidence[:1])

    def coverage(self, query: str, evidence: list[Evidence]) -> float:
        """Share of the question's distinct words (weighted by length) found in the clauses."""
        words = set(self.tokenizer.tokens(query))
        if not words:
            return 0.0
        text = normalise("".join(e.document.title + e.clause.section + e.clause.text for e in evidence))
        total = sum(len(w) for w in words)
        found = sum(len(w) for w in words if w in text)
        return found / total

    def compose(self, question: str, query: str, evidence: list[Evidence], as_of: date, notes: tuple[str, ...] = ()) -> Answer:
        retrieved = tuple(_retrieved(e) for e in evidence)
        confidence = self.confidence(query, evidence)
        prefix = "".join(f"（{note}）\n" for note in notes)
        if not evidence or confidence < self.min_confidence:
            nearest = "\n".join(f"· 《{e.document.title}》{_number(e.document)} {e.clause.section}" for e in evidence[:3])
            text = "现有公报中没有找到能回答这个问题的条款。"
            if nearest:
                text += f"\n最接近的条款是（仅供参考，未必相关）：\n{nearest}"
            return Answer(question=question, kind="not_found", answer=prefix + text, retrieved=retrieved, notes=notes)
        top = evidence[0]
        chosen = [top]
        if len(evidence) > 1 and evidence[1].score >= 0.97 * top.score and evidence[1].document.doc_id == top.document.doc_id:
            chosen.append(evidence[1])
        lines = []
        for item in chosen:
            sentences = self.best_sentences(query, item.clause)
            lines.append(f"根据《{item.document.title}》{_number(item.document)}{item.clause.section}：\n“{''.join(sentences).strip()}”")
        warning = _validity_warning(top.document, as_of)
        text = prefix + "\n".join(lines) + (f"\n{warning}" if warning else "")
        citations = tuple(_citation(item) for item in chosen)
        return Answer(question=question, kind="answer", answer=text, citations=citations, retrieved=retrieved, notes=notes)

    def best_sentences(self, query: str, clause: Clause, limit: int = 2) -> list[str]:
        """The clause's sentences that share most words with the question, in reading order."""
        sentences = split_sentences(clause.text)
        if len(sentences) <= limit:
            return sentences
        words = set(self.tokenizer.tokens(query))
        wants_number = bool(_ASKS_NUMBER.search(query))

        def score(sentence: str) -> float:
            folded = normalise(sentence)
            value = sum(len(w) for w in words if w in folded)
            if wants_number and _DIGIT.search(sentence):
                value += 1.5
            return value

        ranked = sorted(range(len(sentences)), key=lambda i: (-score(sentences[i]), i))
        keep = sorted(ranked[:limit])
        if score(sentences[keep[-1]]) == 0:
            keep = keep[:1]
        return [sentences[i] for i in keep]


def _validity_warning(document: Document, as_of: date) -> str:
    if document.valid_until and as_of > document.valid_until:
        return f"注意：该文件有效期至 {document.valid_until.isoformat()}，按 {as_of.isoformat()} 计已经失效，请以现行规定为准。"
    if document.valid_from and as_of < document.valid_from:
        return f"注意：该文件自 {document.valid_from.isoformat()} 起施行，{as_of.isoformat()} 时尚未施行。"
    return ""


def _number(document: Document) -> str:
    return f"（{document.doc_number}）" if document.doc_number else ""


def _citation(evidence: Evidence) -> Citation:
    return Citation(
        clause_id=evidence.clause.clause_id,
        doc_id=evidence.document.doc_id,
        doc_number=evidence.document.doc_number,
        title=evidence.document.title,
        section=evidence.clause.section,
        quote=evidence.clause.text,
    )


def _retrieved(evidence: Evidence) -> Retrieved:
    return Retrieved(
        clause_id=evidence.clause.clause_id,
        doc_id=evidence.document.doc_id,
        doc_number=evidence.document.doc_number,
        title=evidence.document.title,
        section=evidence.clause.section,
        score=evidence.score,
        text=evidence.clause.text,
        dense=evidence.dense,
        lexical=evidence.lexical,
    )
