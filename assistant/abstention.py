"""Answer or abstain: a calibrated probability that the corpus answers the question.

One threshold on one score did not hold across corpora (it refused a third of the
answerable regulation questions). Instead boosted decision trees read several signals of
the ranked evidence — how much of the question the best clauses cover (words and
character pairs, over the clause, its headings and its whole document), how similar
the vectors are and by what margin, whether the two retrievers agree, and things the
question names that the evidence lacks (a year, a place, a money amount, words the
corpus never uses), and how sure the ranking stage is of its first clause. It is
trained on the development question sets with cross-validation (``eval/abstention.py``)
and stored as plain numbers in ``abstention.json`` beside this file, so answering needs
no learning library.

Usage::

    model = load_model(MODEL_FILE, FEATURES)
    p = model.probability(signals(query, evidence, reader))
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.focus import unmet
from assistant.learned import Model, load_model, load_or_none
from ingest.chunking import reading_sentences
from ingest.tokenizer import normalise

MODEL_FILE = Path(__file__).with_name("abstention.json")

FEATURES: tuple[str, ...] = (
    "coverage_top1",
    "coverage_top3",
    "coverage_document",
    "bigram_top1",
    "unknown_words",
    "dense_top1",
    "dense_margin",
    "retrievers_agree",
    "year_absent",
    "place_absent",
    "money_absent",
    "clock_absent",
    "content_words",
    "focus_unmet_top1",
    "focus_unmet_top3",
    "missing_peak_top1",
    "missing_peak_top3",
    "focus_unmet_sentence",
    "listed_top1",
    "ranker_top1",
    "ranker_margin",
    "ranker_top3",
)

# Words of the asking, not of the thing asked about: they never appear in clauses.
ASKING_WORDS = frozenset(
    "现在 今年 目前 拿 做 去 还 里 要 能 会 哪 哪家 哪个 哪天 哪些 几号 几点 时候 什么 什么时候 最晚 最迟 多久 多长 长时间 多长时间 "
    "之后 以后 已经 自己 咱们 我家 我妈 我爸 老人 一下 还能 有用 有用吗 怎么办 能不能 会不会 不让 叫 说 指 没有 有没有 吗 "
    "想 问 请问 知道 告诉 办 弄 搞 交了 了解 我 我们 你 你们 他 她 是 的 了 呢 吧 啊 和 或 与 及 在 对 把 被 给 就 都 也 "
    "可以 怎么 怎样 如何 多少 几 为什么 是否 需要 应该 哪里 谁".split()
)
MONEY_QUESTION = re.compile(r"多少钱|罚(款)?多少|补贴多少|奖金|费(用)?是?多少|工资|价格|卖多少")
MONEY = re.compile(r"\d\s*(万|千)?\s*元")
CLOCK_QUESTION = re.compile(r"几点")
CLOCK = re.compile(r"\d{1,2}\s*[:：点时]")
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})\s*年?")
_HAN_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")
_SEGMENT_END = re.compile(r"[、，,；;。：:\n（）()]")


def listed_share(words: list[str], idf: Callable[[str], float], text: str) -> float:
    """How much of what the question shares with a clause the clause only names in a list
    ("…水表过户、公积金提取等相关系统平台"): a passing mention, not a rule about it. The
    idf-weighted share of matched words whose every occurrence is an item between 、.

    >>> listed_share(["公积金", "提取"], lambda w: 1.0, "优化对接交易、登记、公积金提取等相关系统平台。")
    1.0
    >>> listed_share(["公积金", "提取"], lambda w: 1.0, "职工可以提取住房公积金。")
    0.0
    """
    matched = [w for w in words if w in text]
    total = sum(idf(w) for w in matched)
    if not total:
        return 0.0
    listed = 0.0
    for word in matched:
        for match in re.finditer(re.escape(word), text):
            before = max((m.end() for m in _SEGMENT_END.finditer(text, 0, match.start())), default=0)
            after = _SEGMENT_END.search(text, match.end())
            if not ((before > 0 and text[before - 1] == "、") or (after is not None and after.group(0) == "、")):
                break
        else:
            listed += idf(word)
    return listed / total


@dataclass(frozen=True)
class EvidenceView:
    """What the signals read of one ranked clause."""

    text: str  # clause text with its title, section path and context, normalised
    body: str  # the clause text alone, normalised
    document_text: str  # the whole document, normalised
    doc_id: str
    dense: float | None
    lexical: float | None
    score: float = 0.0  # the ranking stage's score (the re-ranker's probability when it ran)


@dataclass(frozen=True)
class SignalReader:
    """The corpus facts signals need: word rarity, the vocabulary, a tokenizer, places."""

    tokens: Callable[[str], list[str]]
    idf: Callable[[str], float]
    vocabulary: frozenset[str]
    places: Callable[[str], list[str]] = lambda text: []


def signals(query: str, evidence: list[EvidenceView], reader: SignalReader) -> dict[str, float]:
    """The features of one question against its ranked evidence (all in 0–1 but ``content_words``)."""
    words = [w for w in dict.fromkeys(reader.tokens(query)) if w not in ASKING_WORDS and w.strip()]
    total = sum(reader.idf(w) for w in words) or 1.0

    def coverage(text: str) -> float:
        return sum(reader.idf(w) for w in words if w in text) / total if words else 0.0

    peak = max((reader.idf(w) for w in words), default=0.0) or 1.0

    def missing_peak(text: str) -> float:
        """How rare the rarest question word the text lacks is (1: the question's rarest word is missing)."""
        return max((reader.idf(w) for w in words if w not in text), default=0.0) / peak

    def best_sentence(text: str) -> str:
        """The sentence of the text that covers the most of the question."""
        return max(reading_sentences(text) or [text], key=coverage)

    top = evidence[:3]
    pairs = {query[i : i + 2] for i in range(len(query) - 1)}
    pairs = {p for p in pairs if _HAN_PAIR.fullmatch(p) and not any(w in p for w in ("什么", "多少", "怎么", "哪些", "可以", "是否"))}
    bigram = sum(1 for p in pairs if top and p in top[0].text) / len(pairs) if pairs and top else 0.0
    dense = [e.dense for e in evidence if e.dense is not None]
    dense_top = max(dense[:3]) if dense else 0.0
    margin = dense_top - (dense[4] if len(dense) > 4 else min(dense) if dense else 0.0)
    by_dense = max(evidence, key=lambda e: e.dense if e.dense is not None else -1.0) if evidence else None
    by_lexical = max(evidence, key=lambda e: e.lexical if e.lexical is not None else -1.0) if evidence else None
    evidence_text = "".join(e.text for e in top)
    years = set(_YEAR.findall(query))
    places = reader.places(query)
    return {
        "coverage_top1": coverage(top[0].text) if top else 0.0,
        "coverage_top3": max((coverage(e.text) for e in top), default=0.0),
        "coverage_document": coverage(top[0].document_text) if top else 0.0,
        "bigram_top1": bigram,
        "unknown_words": sum(reader.idf(w) for w in words if w not in reader.vocabulary) / total if words else 0.0,
        "dense_top1": dense_top,
        "dense_margin": margin,
        "retrievers_agree": float(bool(by_dense and by_lexical and by_dense.doc_id == by_lexical.doc_id)),
        "year_absent": float(any(y not in (top[0].document_text if top else "") for y in years)),
        "place_absent": float(any(p not in evidence_text and (not top or p not in top[0].document_text) for p in places)),
        "money_absent": float(bool(MONEY_QUESTION.search(query)) and not any(MONEY.search(e.text) for e in top)),
        "clock_absent": float(bool(CLOCK_QUESTION.search(query)) and not any(CLOCK.search(e.text) for e in top)),
        "content_words": math.log1p(len(words)),
        "focus_unmet_top1": unmet(query, top[0].text) if top else 1.0,
        "focus_unmet_top3": min((unmet(query, e.text) for e in top), default=1.0),
        "missing_peak_top1": missing_peak(top[0].text) if top else 1.0,
        "missing_peak_top3": min((missing_peak(e.text) for e in top), default=1.0),
        "focus_unmet_sentence": unmet(query, best_sentence(top[0].text)) if top else 1.0,
        "listed_top1": listed_share(words, reader.idf, top[0].body) if top else 0.0,
        # How sure ranking is of its first clause, and of it over the second.
        "ranker_top1": top[0].score if top else 0.0,
        "ranker_margin": top[0].score - top[1].score if len(top) > 1 else top[0].score if top else 0.0,
        "ranker_top3": sum(e.score for e in top),
    }


def view(clause, document, dense: float | None, lexical: float | None, document_text: str, score: float = 0.0) -> EvidenceView:
    """An ``EvidenceView`` of a clause and its document."""
    return EvidenceView(
        text=normalise(document.title + clause.section + clause.context + clause.text),
        body=normalise(clause.text),
        document_text=document_text,
        doc_id=document.doc_id,
        dense=dense,
        lexical=lexical,
        score=score,
    )


class Judge:
    """Scores how sure the assistant is that its evidence answers a question (0–1).

    With a trained model the score is its calibrated probability and ``threshold`` its
    decision point; without one, ``fallback(query, evidence)`` (the coverage score) and
    the configured minimum are used.
    """

    def __init__(self, index, tokens: Callable[[str], list[str]], fallback, fallback_threshold: float, model: Model | None = None):
        self.index = index
        model = model if model is not None else load_or_none(MODEL_FILE, FEATURES, load_model)
        if model is not None and not model.applies_to(index.embedder_fingerprint):
            model = None
        self.model = model
        self.fallback = fallback
        self.threshold = self.model.threshold if self.model else fallback_threshold
        self._document_text: dict[str, str] = {}
        self.reader = SignalReader(tokens=tokens, idf=index.idf, vocabulary=frozenset(index.bm25_vocab), places=_place_names)

    def document_text(self, doc_id: str) -> str:
        if doc_id not in self._document_text:
            document = self.index.documents[doc_id]
            self._document_text[doc_id] = normalise(document.title + "".join(c.text for c in self.index.clauses_of(doc_id)))
        return self._document_text[doc_id]

    def signals(self, query: str, evidence: list) -> dict[str, float]:
        views = [view(e.clause, e.document, e.dense, e.lexical, self.document_text(e.document.doc_id), e.score) for e in evidence]
        return signals(query, views, self.reader)

    def __call__(self, query: str, evidence: list) -> float:
        if not evidence:
            return 0.0
        if self.model is None:
            return self.fallback(query, evidence)
        return self.model.probability(self.signals(query, evidence))


def _place_names(text: str) -> list[str]:
    """Short names of the places a text names ("南京" for 南京市), as they would appear in a clause."""
    from assistant.places import Gazetteer

    names = []
    for place in Gazetteer.load().find(text):
        short = place.full
        for suffix in ("市", "省", "县", "区"):
            if short.endswith(suffix) and len(short) > 2:
                short = short[: -len(suffix)]
                break
        names.append(short)
    return names
