"""Scoring one prediction against one benchmark item: pure functions, unit-tested on hand-made cases.

Values are compared the way a reader would: numbers in base units ("3.36万元" = 33600,
"0.5万元" = 5000, "70%" = "70%"), dates in either form ("2024 年 12 月 31 日" =
"2024-12-31"), phrases after removing whitespace and folding full-width forms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ingest.metadata import canonical_number

_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万|亿)?\s*(元|%|％)?")
_CN_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*[%％]$")
_PLAIN_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def fold(text: str) -> str:
    """NFKC (full-width → half-width), no whitespace, lower case: for containment checks."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def canonical_doc(number: str | None) -> str | None:
    """Document numbers compared with 〔〕 brackets and no spaces (as ingestion stores them)."""
    return None if number is None else canonical_number(number)


def numbers_in(text: str) -> set[float]:
    """Every number in a text in base units: 3.36万元 → 33600, 150万 → 1500000, 5,000元 → 5000."""
    found = set()
    for match in _NUMBER.finditer(unicodedata.normalize("NFKC", text or "")):
        value = float(match.group(1).replace(",", ""))
        if match.group(2) == "万":
            value *= 10_000
        elif match.group(2) == "亿":
            value *= 100_000_000
        found.add(round(value, 2))
    return found


def dates_in(text: str) -> set[str]:
    """Every date in a text as YYYY-MM-DD."""
    found = set()
    for match in _CN_DATE.finditer(unicodedata.normalize("NFKC", text or "")):
        year, month, day = (int(g) for g in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            found.add(f"{year:04d}-{month:02d}-{day:02d}")
    return found


def value_present(expected: str, text: str) -> bool:
    """Is one expected value in the answer text (number, percentage, date or phrase)?"""
    expected = str(expected).strip()
    if _ISO_DATE.match(expected):
        return expected in dates_in(text)
    percent = _PERCENT.match(expected)
    if percent:
        wanted = float(percent.group(1))
        return any(float(m.group(1)) == wanted for m in re.finditer(r"(\d+(?:\.\d+)?)\s*[%％]", unicodedata.normalize("NFKC", text)))
    if _PLAIN_NUMBER.match(expected):
        return round(float(expected), 2) in numbers_in(text)
    return fold(expected) in fold(text)


def answer_ok(expect: list, mode: str, text: str) -> bool:
    """All (or, with mode "any", at least one) expected values are present in the text."""
    if not expect:
        return True
    hits = [value_present(str(value), text) for value in expect]
    return any(hits) if mode == "any" else all(hits)


def doc_hits(gold: Iterable[str], retrieved_docs: list[str], k: int) -> bool:
    """Whether any gold document is among the first k retrieved (duplicates count once)."""
    gold = {canonical_doc(g) for g in gold}
    return any(canonical_doc(d) in gold for d in _unique(retrieved_docs)[:k])


def reciprocal_rank(gold: Iterable[str], retrieved_docs: list[str]) -> float:
    """1/rank of the first gold document among the distinct retrieved documents, 0 if absent."""
    gold = {canonical_doc(g) for g in gold}
    for rank, doc in enumerate(_unique(retrieved_docs), start=1):
        if canonical_doc(doc) in gold:
            return 1.0 / rank
    return 0.0


def evidence_at(evidence: Iterable[str], retrieved_texts: list[str], k: int) -> bool:
    """Whether every gold quote lies inside one of the first k retrieved texts (folded)."""
    texts = [fold(t) for t in retrieved_texts[:k]]
    return all(any(fold(quote) in text for text in texts) for quote in evidence)


def citation_precision(gold: Iterable[str], cited_docs: list[str]) -> float | None:
    """Share of cited documents that are gold; None when nothing was cited."""
    if not cited_docs:
        return None
    gold = {canonical_doc(g) for g in gold}
    return sum(canonical_doc(d) in gold for d in cited_docs) / len(cited_docs)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of a non-empty list."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1)))))
    return ordered[index]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
