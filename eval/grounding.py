"""Is every number an answer shows backed by something the user can check?

A number in an answer must come from one of: the clauses it cites (their verbatim
text, title, 文号 and section), a calculation it shows (value, inputs, steps, warnings),
the question itself (the user's own figures echoed back), a note it prints, or the
metadata of a document it names (date, in-force dates). Anything else is a number the
assistant made up, which a government assistant must never show.

>>> from assistant.types import Answer, Citation
>>> cited = Citation("c", "d", "明政办规〔2023〕5号", "方案", "三、", "起付标准为1.5万元。")
>>> ungrounded_numbers(Answer("起付线多少？", "answer", "起付标准为1.5万元。", citations=(cited,)))
[]
>>> ungrounded_numbers(Answer("起付线多少？", "answer", "起付标准为2万元。", citations=(cited,)))
['2']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from assistant.types import Answer
from ingest.types import Document

# Digits with thousands separators or a decimal part: "33,600", "1.5", "2024-10-10" gives three.
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_LABELS = re.compile(r"【第\d+问】|^\s*\d+\.\s", re.MULTILINE)
_EXAMPLE = re.compile(r"例如[：:，,]?[^。\n]*")


def numbers(text: str) -> list[str]:
    """The numbers written in digits in a text, canonical ("33,600" → "33600", "05" → "5")."""
    found = []
    for match in _NUMBER.finditer(unicodedata.normalize("NFKC", text or "")):
        raw = match.group(0).replace(",", "")
        whole, _, fraction = raw.partition(".")
        fraction = fraction.rstrip("0")
        found.append((whole.lstrip("0") or "0") + ("." + fraction if fraction else ""))
    return found


def sources(answer: Answer, index=None, context: Iterable[str] = ()) -> list[str]:
    """Every text an answer's numbers may come from; ``context`` adds what the asker supplied
    besides the question (the date validity is judged on)."""
    texts = [answer.question, *answer.notes, *context]
    clauses = getattr(index, "clauses", {})
    documents: Mapping[str, Document] = getattr(index, "documents", {})
    for citation in answer.citations:
        texts += [citation.quote, citation.title, citation.doc_number or "", citation.section]
        clause = clauses.get(citation.clause_id)
        if clause is not None:  # a table row is read against its header, which the clause holds
            texts += [clause.text, clause.context]
    for retrieved in answer.retrieved:
        texts += [retrieved.title, retrieved.doc_number or "", retrieved.section]
    calculation = answer.calculation
    if calculation is not None:
        texts += [str(calculation.value), *map(str, calculation.inputs.values()), *calculation.steps]
        texts += [*calculation.warnings, *calculation.not_modelled]
        texts += [t for reference in calculation.citations for t in (reference.quote, reference.doc_number, reference.section)]
    named = {c.doc_id for c in answer.citations} | {r.doc_id for r in answer.retrieved}
    for doc_id in named:
        document = documents.get(doc_id)
        if document is not None:
            texts += [document.title, document.doc_number or "", _iso(document.date), _iso(document.valid_from), _iso(document.valid_until)]
    return texts


def ungrounded_numbers(answer: Answer, index=None, context: Iterable[str] = ()) -> list[str]:
    """The numbers of the answer text found in none of its sources (empty when all are backed).

    Not data, so not checked: the labels of a multi-part answer (【第2问】), the numbering of
    listed steps ("3. "), and the example a clarifying question gives of what to type.
    """
    allowed = set(_all(sources(answer, index, context)))
    text = _LABELS.sub("", answer.answer)
    if answer.kind == "clarify":
        text = _EXAMPLE.sub("", text)
    return [n for n in dict.fromkeys(numbers(text)) if n not in allowed]


def _all(texts: Iterable[str]) -> Iterable[str]:
    for text in texts:
        yield from numbers(text)


def _iso(value) -> str:
    return value.isoformat() if value else ""
