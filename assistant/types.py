"""What the assistant hands back: answers, citations, retrieved clauses (the CLI/JSON contract)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from assistant.calculators.result import Calculation, Clarification

AnswerKind = Literal["answer", "calculation", "clarify", "not_found"]


@dataclass(frozen=True)
class Citation:
    """A clause an answer relies on, with its verbatim text as the quote."""

    clause_id: str
    doc_id: str
    doc_number: str | None
    title: str
    section: str
    quote: str

    def to_dict(self) -> dict:
        return {
            "clause_id": self.clause_id,
            "doc_number": self.doc_number,
            "title": self.title,
            "section": self.section,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Retrieved:
    """One ranked clause from retrieval, with the scores that put it there."""

    clause_id: str
    doc_id: str
    doc_number: str | None
    title: str
    section: str
    score: float
    text: str
    dense: float | None = None
    lexical: float | None = None

    def to_dict(self) -> dict:
        return {
            "clause_id": self.clause_id,
            "doc_number": self.doc_number,
            "title": self.title,
            "section": self.section,
            "score": round(self.score, 6),
            "text": self.text,
        }


@dataclass(frozen=True)
class Answer:
    """The assistant's reply to one question."""

    question: str
    kind: AnswerKind
    answer: str
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[Retrieved, ...] = ()
    calculation: Calculation | None = None
    clarification: Clarification | None = None  # kind "clarify" from a calculator: the input it asks for
    id: str | None = None
    notes: tuple[str, ...] = field(default=())
    confidence: float | None = None  # 0–1: how sure the assistant is that it answers the question asked
    understood: tuple[tuple[str, str], ...] = ()  # a calculation's inputs as read, in words, to check and correct
    restated: str = ""  # the question a calculation answered, with the replies to its questions joined in

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "question": self.question,
            "kind": self.kind,
            "confidence": None if self.confidence is None else round(self.confidence, 3),
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "calculation": self.calculation.to_dict() if self.calculation is not None else None,
            "clarification": self.clarification.to_dict() if self.clarification is not None else None,
            "understood": [{"label": label, "value": value} for label, value in self.understood],
            "retrieved": [r.to_dict() for r in self.retrieved[:10]],
        }


@dataclass(frozen=True)
class Turn:
    """One earlier message of a conversation."""

    role: Literal["user", "assistant"]
    content: str


def json_safe(value):
    """A ``to_dict()`` value that strict JSON can carry: NaN and infinities become null, and
    lone surrogates (which UTF-8 cannot encode) are dropped from strings."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, str) and any("\ud800" <= ch <= "\udfff" for ch in value):
        from assistant.boundary import clean_text

        return clean_text(value)
    return value
