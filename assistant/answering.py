"""Extractive answers: the best sentences of the best clause, quoted, with citations.

No language model: every sentence shown comes from a clause verbatim. When the
evidence is weak the answer says the corpus does not cover the question and lists
the nearest clauses instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from assistant.calculators.validity import rule_sentence, state_on, stated_in, validity_of
from assistant.abstention import CLOCK, CLOCK_QUESTION, MONEY, MONEY_QUESTION, ASKING_WORDS
from assistant.focus import focus, gives, unlabelled
from assistant.types import Answer, Citation, Retrieved
from ingest.tokenizer import ChineseTokenizer, normalise
from ingest.chunking import reading_sentences
from ingest.types import Clause, Document

_ASKS_WHO = re.compile(r"谁|哪个部门|哪些部门|哪个单位|哪些单位|哪家单位|牵头|负责|配合")
_DUTY_LINE = re.compile(r"^\s*[〔（(]?(牵头单位|责任单位)")
_ASKS_NUMBER = re.compile(r"多少|几|比例|金额|多久|多长|期限|时限|哪天|什么时候|何时|日期|标准")
_DIGIT = re.compile(r"\d")
# A second clause is quoted when its re-ranker probability is at least this share of the
# first's (chosen on a fresh validation set with the tree re-ranker: 0.8 quoted too few).
RUNNER_UP_RATIO = 0.5
# Questions after several things at once: "A和B分别…", "两个…都", "各是多少".
_SEVERAL = re.compile(r"分别|各(是|为|要|有|需)|都(是|要|有)|两(个|者|项|类)|哪两|有什么不同|有何不同|区别")


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

    def __init__(
        self,
        tokenizer: ChineseTokenizer,
        idf: Callable[[str], float],
        min_confidence: float = 0.35,
        rewrite: Callable[[str], str] = lambda text: text,
        judge: Callable[[str, list[Evidence]], float] | None = None,
        rerank_scores: bool = False,
        sure: float | None = None,
        clauses_of: Callable[[str], list[Clause]] | None = None,
    ):
        self.tokenizer = tokenizer
        self.idf = idf
        self.min_confidence = min_confidence
        self.rewrite = rewrite
        self.judge = judge or self.confidence
        self.rerank_scores = rerank_scores  # evidence scores are re-ranker probabilities
        # Below this calibrated confidence an answer says it is unsure (None: never).
        self.sure = sure
        # A document's clauses, where a validity warning finds the sentence it rests on.
        self.clauses_of = clauses_of or (lambda doc_id: [])

    def confidence(self, query: str, evidence: list[Evidence]) -> float:
        """How sure retrieval is that the corpus answers the question (0–1).

        The share of the question's words, weighted by how rare they are in the
        corpus, that the best of the top three clauses contains: a question about
        "高龄津贴每个月领多少" is near the 老龄 clauses, but "每个月" and "领" are
        nowhere in them. A question asking for money or a clock time whose clauses
        hold no amount or time is marked down by half.
        """
        if not evidence:
            return 0.0
        best = max(self.coverage(query, item) for item in evidence[:3])
        if MONEY_QUESTION.search(query) and not any(MONEY.search(e.clause.text) for e in evidence[:3]):
            best *= 0.5
        if CLOCK_QUESTION.search(query) and not any(CLOCK.search(e.clause.text) for e in evidence[:3]):
            best *= 0.5
        return best

    def coverage(self, query: str, evidence: Evidence) -> float:
        """IDF-weighted share of the question's words found in one clause (with its title and path)."""
        words = {w for w in self.tokenizer.tokens(self.rewrite(query)) if w not in ASKING_WORDS}
        if not words:
            return 0.0
        text = normalise(evidence.document.title + evidence.clause.section + evidence.clause.context + evidence.clause.text)
        total = sum(self.idf(w) for w in words)
        found = sum(self.idf(w) for w in words if w in text)
        return found / total if total else 0.0

    def compose(
        self, question: str, query: str, evidence: list[Evidence], as_of: date, notes: tuple[str, ...] = (), exact: int = 0
    ) -> Answer:
        """The answer from ranked evidence; ``exact`` leading clauses are the ones the
        question named (quoted without a relevance judgement)."""
        retrieved = tuple(to_retrieved(e) for e in evidence)
        confidence = 1.0 if exact else self.judge(query, evidence)
        prefix = "".join(f"（{note}）\n" for note in notes)
        if not evidence or confidence < self.min_confidence:
            nearest = "\n".join(f"· 《{e.document.title}》{_number(e.document)} {e.clause.section}" for e in evidence[:3])
            text = "已收录的文件中没有找到能回答这个问题的条款。"
            if nearest:
                text += f"\n最接近的条款是（仅供参考，未必相关）：\n{nearest}"
            return Answer(question=question, kind="not_found", answer=prefix + text, retrieved=retrieved, notes=notes, confidence=confidence)
        top = evidence[0]
        if exact:
            chosen = evidence[: min(exact, 3)]
        elif _SEVERAL.search(query):
            chosen = self.covering(query, evidence)
        else:
            chosen = [top] + self.runner_up(evidence)
        lines = []
        for item in chosen:
            sentences = self.best_sentences(query, item.clause, item.document.title)
            lines.append(f"根据《{item.document.title}》{_number(item.document)}{item.clause.section}：\n“{''.join(sentences).strip()}”")
            reading = table_reading(item.clause)
            if reading:
                lines.append(f"（按表头对应：{reading}）")
        warning, stated = self.validity_warning(top.document, as_of)
        if not exact and self.sure is not None and confidence < self.sure:
            prefix += UNSURE + "\n"
        text = prefix + "\n".join(lines) + (f"\n{warning}" if warning else "")
        quoted = {item.clause.clause_id for item in chosen}
        stated = [Evidence(clause, top.document, 0.0, None, None) for clause in stated if clause.clause_id not in quoted]
        citations = tuple(citation_of(item) for item in [*chosen, *stated])
        return Answer(question=question, kind="answer", answer=text, citations=citations, retrieved=retrieved, notes=notes, confidence=confidence)

    def validity_warning(self, document: Document, as_of: date) -> tuple[str, list[Clause]]:
        """A warning when the document quoted has lapsed or is not yet in force on ``as_of``,
        and the clauses stating its validity (cited with the answer, so every date the warning
        shows is in a quoted sentence or worked out from one in words). Where no sentence can
        be quoted, the warning names no date but the one the answer was judged on."""
        entry = validity_of(document, self.clauses_of(document.doc_id))
        state = state_on(entry, as_of) if entry.rule != "none" else "未载明"
        if state not in ("已失效", "尚未施行"):
            return "", []
        plainly = "已经失效，请以现行规定为准" if state == "已失效" else "尚未施行"
        if not entry.references:
            return f"注意：按该文件关于施行和有效期的规定，{as_of.isoformat()} 时它{plainly}。", []
        stated = stated_in(document, self.clauses_of(document.doc_id))
        where = "、".join(dict.fromkeys(clause.section for clause, _ in stated if clause.section))
        return f"注意：该文件{where}规定了施行和有效期。{rule_sentence(entry)}按 {as_of.isoformat()} 计{plainly}。", [c for c, _ in stated]

    def runner_up(self, evidence: list[Evidence], ratio: float = RUNNER_UP_RATIO) -> list[Evidence]:
        """The second clause too, when ranking could hardly tell it from the first: same
        document, a re-ranker probability within ``ratio`` of the best, and not a preamble."""
        if len(evidence) < 2 or not self.rerank_scores:
            return []
        first, second = evidence[0], evidence[1]
        if second.document.doc_id != first.document.doc_id or second.clause.kind == "notice":
            return []
        return [second] if first.score > 0 and second.score >= ratio * first.score else []

    def covering(self, query: str, evidence: list[Evidence], limit: int = 3, pool: int = 5, gain: float = 0.2) -> list[Evidence]:
        """For a question that asks after several things ("A和B分别…"), the few clauses that
        together cover it: the best clause first, then each clause that adds at least
        ``gain`` of the question's (rarity-weighted) words the chosen ones lack."""
        words = {w for w in self.tokenizer.tokens(self.rewrite(query)) if w not in ASKING_WORDS}
        total = sum(self.idf(w) for w in words) or 1.0
        texts = [normalise(e.clause.section + e.clause.text) for e in evidence[:pool]]
        chosen, covered = [0], {w for w in words if w in texts[0]} if texts else set()
        while len(chosen) < limit:
            best, best_gain = None, 0.0
            for i, text in enumerate(texts):
                if i in chosen:
                    continue
                added = sum(self.idf(w) for w in words - covered if w in text) / total
                if added > best_gain:
                    best, best_gain = i, added
            if best is None or best_gain < gain:
                break
            chosen.append(best)
            covered |= {w for w in words if w in texts[best]}
        return [evidence[i] for i in chosen]

    def best_sentences(self, query: str, clause: Clause, title: str = "", limit: int = 2, whole: int = 350) -> list[str]:
        """What to quote from a clause: all of a short clause, else the sentences that share
        most words with the question (plus its 牵头/责任单位 lines when the question asks who),
        in reading order."""
        sentences = reading_sentences(clause.text)
        if len(sentences) <= limit or len(clause.text) <= whole:
            return sentences
        duty = [i for i, s in enumerate(sentences) if _DUTY_LINE.match(s)] if _ASKS_WHO.search(query) else []
        # Words that only name the clause or its document (they are in its heading or the
        # title: "质量奖" in a 质量奖 rule) do not pick the answer.
        heading = normalise(title + clause.section)
        words = {w for w in self.tokenizer.tokens(self.rewrite(query)) if w not in heading} or set(self.tokenizer.tokens(query))
        wants_number = bool(_ASKS_NUMBER.search(query))
        kinds = focus(query)

        def score(sentence: str) -> float:
            folded = normalise(sentence)
            value = sum(len(w) for w in words if w in folded)
            if wants_number and _DIGIT.search(unlabelled(sentence)):
                value += 1.5
            # A sentence that gives what is asked (a date for when, a unit for who) counts more.
            value += 2.0 * sum(1 for kind in kinds if gives(kind, sentence))
            return value

        ranked = sorted(range(len(sentences)), key=lambda i: (-score(sentences[i]), i))
        best = score(sentences[ranked[0]])
        # A second sentence only when it is nearly as relevant and not a table fragment.
        keep = [ranked[0]] + [i for i in ranked[1:limit] if score(sentences[i]) >= 0.6 * best and len(sentences[i]) >= 12]
        return [sentences[i] for i in sorted(set(keep) | set(duty))]


# What an answer says first when the judge is only moderately sure: it still quotes, but the
# reader knows to check. On the development sets (the judge's own training questions, so
# the real figures are worse) 60 of 107 answers under 0.8 were right, 197 of 225 above.
UNSURE = "（不太确定：以下是最接近的条款，未必直接回答您的问题，请核对原文。）"

_NUMERIC_CELL = re.compile(r"^[≥≤><]?-?\d+(?:\.\d+)?$")
_UNIT_AFTER_NAME = re.compile(r"[\u4e00-\u9fff][（(](%|‰|万?元|万?人|个|张|家|所|项|天|年|岁|公顷|亩|平方米|万张|万人|次)[)）]$")


def table_reading(clause: Clause, longest: int = 40) -> str:
    """A table row read against its header ("2025年目标值：30万张"): each short cell after its
    column name, numbers with the row's unit. Empty for anything but a table row."""
    if clause.kind != "table_row" or "｜" not in clause.context:
        return ""
    pairs = []
    unit = ""
    for cell in clause.context.split("｜", 1)[1].split("；"):
        name, sep, value = cell.partition("：")
        if not sep or not value.strip() or len(value) > longest:
            continue
        value = value.strip()
        if name.strip() == "单位":
            unit = value
            continue
        # "健康管理率（%）": the unit written after the row's name holds for its numbers.
        named_unit = _UNIT_AFTER_NAME.search(value)
        if named_unit and not unit:
            unit = named_unit.group(1)
        pairs.append(f"{name.strip()}：{value}{unit if unit and _NUMERIC_CELL.match(value) else ''}")
    return "；".join(pairs)




def _number(document: Document) -> str:
    return f"（{document.doc_number}）" if document.doc_number else ""


def citation_of(evidence: Evidence) -> Citation:
    """The citation of a clause: its ids, title, section and full text as the quote."""
    return Citation(
        clause_id=evidence.clause.clause_id,
        doc_id=evidence.document.doc_id,
        doc_number=evidence.document.doc_number,
        title=evidence.document.title,
        section=evidence.clause.section,
        quote=evidence.clause.text,
    )


def to_retrieved(evidence: Evidence) -> Retrieved:
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
