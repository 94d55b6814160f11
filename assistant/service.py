"""The assistant: validate a question, use the conversation, retrieve, answer.

Usage::

    assistant = Assistant.from_config(settings.load())
    reply = assistant.ask("普惠医联保住院起付线是多少？")
    print(reply.answer, reply.citations[0].section)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.boundary import MAX_TURNS, checked_date, clean_text
from assistant import inventory
from assistant.abstention import ASKING_WORDS, Judge
from assistant.answering import Composer, Evidence, citation_of, to_retrieved
from assistant.calculators import validity
from assistant.calculators.parameters import Reference
from assistant.calculators.result import Calculation
from assistant.derived import clause_deadline, quoted_arithmetic
from assistant.followups import rewrite, standalone
from assistant.parts import split_parts
from assistant.ranking import Reranker
from assistant.references import Catalogue, DocumentReference, aliases_from, clauses_for, pick_version, without_version
from assistant.router import Routed, Router
from assistant.retrieval import Hit, HybridSearcher
from assistant.settings import Config
from assistant.thesaurus import Thesaurus
from assistant.types import Answer, Citation, Turn
from ingest.embedding import Embedder, load_embedder
from ingest.index import ClauseIndex
from ingest.tokenizer import ChineseTokenizer

_HAN = re.compile(r"[\u4e00-\u9fff]")
# "违反第五十一条的，罚多少": the article named is what was broken; the answer is the clause
# that punishes breaking it.
_BREACH = re.compile(r"违反|违背|不(具备|符合|遵守|执行)|未(按|依照|执行|遵守|履行)")
_PENALTY_ASK = re.compile(r"罚|处罚|处分|责任|后果|怎么处理|会怎样|吊销|没收")
# Words that ask what a named document is, not something in it: "闽政〔2022〕24号是什么文件".
_ABOUT_DOCUMENT = frozenset("文件 内容 主要 讲 说 讲的 规定 介绍 概括 一下 全文 这个 哪个".split())

EXAMPLES: tuple[str, ...] = (
    "三明普惠医联保在统筹区内住院的起付标准是多少？",
    "“一窗受理”改革第一阶段要配多少工作人员？",
    "差评多久内要完成整改反馈？",
    "福建省政府质量奖多久评审一次？",
    "地方政府储备粮稻谷的参考储存年限是几年？",
    "工业用地“标准地”出让前要做哪些区域评估？",
)


def render_calculation(calculation: Calculation) -> str:
    """The calculation in words: the result first, then every step, warnings and limits."""
    value = calculation.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)) and calculation.unit == "元":
        headline = f"计算结果：{value:,} 元"
    elif isinstance(value, list) and value and isinstance(value[0], dict) and "passed" in value[0]:
        failed = [check for check in value if not check["passed"]]
        headline = f"核对结果：{len(value)} 项合计" + ("全部一致" if not failed else f"中有 {len(failed)} 项对不上")
    elif isinstance(value, list):
        headline = "计算结果：" + ("、".join(map(str, value)) if value else "无")
    else:
        headline = f"计算结果：{value}" + ("" if calculation.unit in ("日期", "状态", "文件") else f" {calculation.unit}")
    lines = [headline, "计算过程："] + [f"{i}. {step}" for i, step in enumerate(calculation.steps, start=1)]
    if calculation.warnings:
        lines += ["请注意："] + [f"· {w}" for w in calculation.warnings]
    if calculation.not_modelled:
        lines += ["本计算没有考虑：" + "；".join(calculation.not_modelled) + "。"]
    return "\n".join(lines)


SURE = 0.8  # the calibrated confidence under which an answer says it is unsure
FOLLOW_UP_DEPTH = 3  # how many earlier questions a follow-up is resolved through


def _calculator_fits(routed: Routed, evidence: list[Evidence]) -> bool:
    """A calculator answers only a question that retrieval also places in a document its
    constants cite. "多少人以上就算大型群众性活动？" names 公安 and asks 多少人, which reads like
    the window staffing plan, but nothing retrieved for it comes from that plan."""
    if routed.calculation is None or not routed.calculation.citations:
        return True
    cited = {c.doc_number.replace("[", "〔").replace("]", "〕") for c in routed.calculation.citations}
    return any(e.document.canonical_number in cited for e in evidence)


def search_scope(reference: DocumentReference) -> tuple[str, ...]:
    """The documents a search stays inside: those named by number (a looser title match does
    not confine it; measured on the dev set, confining by it cost more than it gained)."""
    return tuple(d.doc_id for d in reference.documents) if reference.by_number else ()


@dataclass(frozen=True)
class Gathered:
    """What retrieval found for one question: the query searched, the document it names,
    the ranked evidence (in-force version first), and the words the judge reads."""

    query: str
    reference: DocumentReference
    evidence: list[Evidence]
    version_note: str
    about: str


class Assistant:
    """Answers questions over the indexed corpus."""

    def __init__(self, index: ClauseIndex, embedder: Embedder, tokenizer: ChineseTokenizer, config: Config):
        self.index = index
        self.config = config
        self.tokenizer = tokenizer
        self.thesaurus = Thesaurus.load(config.thesaurus)
        tokens = lambda text: tokenizer.tokens(self.thesaurus.rewrite(text))  # noqa: E731
        reranker = Reranker.load(index, tokens)
        self.searcher = HybridSearcher(index, embedder, tokenizer, fusion=config.fusion, thesaurus=self.thesaurus, reranker=reranker)
        # Validity of the documents answered from, read by ingestion (the router and the forms use it).
        self.validity = validity.Register.from_documents(index.documents.values(), index.clauses_of, validity.load_aliases(config.aliases))
        self.router = Router(self.validity)
        fallback = Composer(tokenizer, index.idf, rewrite=self.thesaurus.rewrite).confidence
        self.judge = Judge(index, tokens, fallback, config.min_confidence)
        self.composer = Composer(
            tokenizer, index.idf, min_confidence=self.judge.threshold, rewrite=self.thesaurus.rewrite, judge=self.judge,
            rerank_scores=reranker.model is not None, sure=SURE if self.judge.model is not None else None,
            clauses_of=index.clauses_of,
        )
        self.catalogue = Catalogue(index.documents.values(), aliases_from(index.clauses.values()))
        by_title: dict[str, list] = {}
        for document in index.documents.values():
            by_title.setdefault(document.title, []).append(document)
        self.versions = {title: docs for title, docs in by_title.items() if len(docs) > 1}

    def current(self) -> Assistant:
        """The assistant answering now: this one (a ``LiveAssistant`` gives the live build's)."""
        return self

    @classmethod
    def from_config(cls, config: Config) -> Assistant:
        """Open the live index and load the embedding model (raises errors that say what to run)."""
        index = ClauseIndex.open(config.index_dir, config.chroma_url or None)
        embedder = load_embedder(config.model, config.embedding_backend)
        tokenizer = ChineseTokenizer(config.user_dict, config.jieba_cache)
        return cls(index, embedder, tokenizer, config)

    def ask(
        self,
        question: str,
        history: list[Turn] | None = None,
        as_of: date | None = None,
        question_id: str | None = None,
    ) -> Answer:
        """Answer one question; ``history`` holds earlier turns, ``as_of`` the date validity is judged on."""
        as_of = checked_date(as_of or date.today(), "日期")
        original = clean_text(question) if isinstance(question, str) else ""
        history = list(history or [])[-MAX_TURNS:]
        text = " ".join(original.split())
        if not text:
            return Answer(question=original, kind="clarify", id=question_id, answer="请输入您想问的问题，例如：" + EXAMPLES[0])
        notes: tuple[str, ...] = ()
        if len(text) > self.config.max_question_chars:
            text = text[: self.config.max_question_chars]
            notes = (f"问题太长，只按前 {self.config.max_question_chars} 个字查找",)
        if not _HAN.search(text):
            return Answer(
                question=original,
                kind="clarify",
                id=question_id,
                answer="目前只能回答中文问题，请用中文描述您想了解的政策，例如：" + EXAMPLES[0],
            )
        parts = split_parts(text)
        if len(parts) > 1:
            return self._combined(original, parts, history or [], as_of, notes, question_id)
        return self._answer(original, text, history or [], as_of, notes, question_id)

    def _combined(self, question: str, parts: list[str], history: list[Turn], as_of: date, notes, question_id) -> Answer:
        """A question that asks several things: each part answered on its own, then put together."""
        replies = []
        for number, part in enumerate(parts):
            # A later part may lean on the first ("那第二阶段呢？"): it reads it as history.
            earlier = history + ([Turn("user", parts[0])] if number else [])
            replies.append(self._answer(part, part, earlier, as_of, (), None))
        kinds = {reply.kind for reply in replies}
        kind = "clarify" if "clarify" in kinds else "answer" if kinds & {"answer", "calculation"} else "not_found"
        prefix = "".join(f"（{note}）\n" for note in notes)
        text = prefix + "\n\n".join(f"【第{n}问】{reply.question}\n{reply.answer}" for n, reply in enumerate(replies, start=1))
        retrieved = list(dict.fromkeys(r for reply in replies for r in reply.retrieved[:5]))
        calculation = next((reply.calculation for reply in replies if reply.calculation is not None), None)
        sure = [reply.confidence for reply in replies if reply.confidence is not None]
        return Answer(
            question=question,
            kind=kind,
            answer=text,
            citations=tuple(c for reply in replies for c in reply.citations),
            retrieved=tuple(retrieved),
            calculation=calculation,
            clarification=next((reply.clarification for reply in replies if reply.clarification is not None), None),
            id=question_id,
            notes=notes,
            confidence=min(sure) if sure else None,
        )

    def _answer(self, original: str, text: str, history: list[Turn], as_of: date, notes, question_id) -> Answer:
        """One question: a calculator, an exact lookup, or the best clause (or a plain refusal)."""
        listing = inventory.read(text, self.index.documents.values())
        if listing is not None:
            return self._listed(original, listing, notes, question_id)
        routed = self.router.route(text, history, as_of)
        gathered = self.gather(text, history, as_of)
        query, reference, evidence = gathered.query, gathered.reference, gathered.evidence
        if routed is None and query != text:
            routed = self.router.route(query, [], as_of)  # "那要是参保率只到20%呢？" after a payout
        notes = notes + ((gathered.version_note,) if gathered.version_note else ())
        if routed is not None and not _calculator_fits(routed, evidence):
            routed = None
        if routed is not None:
            return self._calculated(original, routed, evidence, notes, question_id)
        if reference.named:
            looked_up = self._looked_up(original, query, reference, evidence, as_of, notes)
            if looked_up is not None:
                return Answer(**{**looked_up.__dict__, "id": question_id})
        answer = self.composer.compose(original, gathered.about, evidence, as_of, notes)
        if answer.kind == "answer" and answer.citations:
            cited = answer.citations[0]
            derived = clause_deadline(text, cited.quote, cited.doc_number or "", cited.section, as_of) or quoted_arithmetic(
                text, [(c.doc_number or "", c.section, c.quote) for c in answer.citations]
            )
            if derived is not None:
                return Answer(
                    **{**answer.__dict__, "id": question_id, "kind": "calculation", "calculation": derived,
                       "answer": answer.answer + "\n\n" + render_calculation(derived)}
                )
        return Answer(**{**answer.__dict__, "id": question_id})

    def gather(self, text: str, history: list[Turn], as_of: date) -> Gathered:
        """The evidence for one question, exactly as answering sees it (training reads it too)."""
        query = self.query_for(text, history)
        # Read from the question as it stands alone: "那储备粮办法呢？" names its document
        # there, and "那第二十条呢？" gets its document from the question before.
        reference = self.catalogue.read(query, as_of)
        evidence = [self._evidence(hit) for hit in self.search(query, reference, k=10)]
        evidence, version_note = self._in_force_version(evidence, text, as_of)
        # A document named by its number is settled: judge and quote for what is asked about it.
        about = (reference.remainder(query).strip() or query) if reference.by_number else query
        return Gathered(query, reference, evidence, version_note, about)

    def search(self, query: str, reference: DocumentReference, k: int) -> list[Hit]:
        """The ranked clauses for a question as it stands alone, inside the documents it names
        by number; the words that only pick a version of a regulation do not search."""
        return self.searcher.search(without_version(query) or query, k=k, doc_ids=search_scope(reference))

    def _looked_up(self, question: str, query: str, reference: DocumentReference, evidence: list[Evidence], as_of: date, notes) -> Answer | None:
        """A question that names its document (and maybe its section), answered from exactly there."""
        if not reference.documents:
            missing = "、".join(reference.unknown_numbers)
            text = f"已收录的文件中没有文号为 {missing} 的文件。"
            if evidence:
                text += "\n最接近的条款是（仅供参考，未必相关）：\n" + "\n".join(
                    f"· 《{e.document.title}》{e.clause.section}" for e in evidence[:3]
                )
            return Answer(question=question, kind="not_found", answer=text, retrieved=tuple(to_retrieved(e) for e in evidence), notes=notes, confidence=1.0)
        document = reference.documents[0]
        if reference.section is None:
            rest = [w for w in self.tokenizer.tokens(reference.remainder(query)) if w not in ASKING_WORDS and w not in _ABOUT_DOCUMENT]
            if rest:
                return None  # a question about the document: the search stays inside it when named by number
            return self._overview(question, document, evidence, notes)
        clauses = clauses_for(reference.section, self.index.clauses_of(document.doc_id))
        if not clauses:
            labels = [c.labels[-1] for c in self.index.clauses_of(document.doc_id) if c.labels and c.labels[-1].endswith("条")]
            span = f"该文件的条文从{labels[0]}到{labels[-1]}。" if labels and reference.section.kind == "article" else ""
            number = f"（{document.doc_number}）" if document.doc_number else ""
            text = f"《{document.title}》{number}中没有{reference.section.describe()}。{span}"
            return Answer(question=question, kind="not_found", answer=text, retrieved=tuple(to_retrieved(e) for e in evidence), notes=notes, confidence=1.0)
        named = [Evidence(c, document, 1.0, None, None) for c in clauses]
        if reference.section.kind == "article" and _BREACH.search(query) and _PENALTY_ASK.search(query):
            label = reference.section.labels[-1]
            cites = re.compile(rf"(?<!》){label}")  # "《某某法》第十六条" is another law's article
            citing = [c for c in self.index.clauses_of(document.doc_id) if cites.search(c.text) and c not in clauses]
            named = [Evidence(c, document, 1.0, None, None) for c in citing] + named
        others = [e for e in evidence if e.clause.clause_id not in {c.clause_id for c in clauses}]
        remainder = reference.remainder(query).strip(" ，,。？?的是什么") or query
        return self.composer.compose(question, remainder, named + others, as_of, notes, exact=len(named))

    def _calculated(self, question: str, routed: Routed, evidence: list[Evidence], notes, question_id) -> Answer:
        """A calculator's result (or its clarifying question) as an answer with cited clauses."""
        retrieved = tuple(to_retrieved(e) for e in evidence)
        prefix = "".join(f"（{note}）\n" for note in notes)
        if routed.outside is not None:
            return Answer(question=question, kind="not_found", answer=prefix + routed.outside, retrieved=retrieved, id=question_id, notes=notes, confidence=1.0)
        if routed.calculation is None:
            return Answer(
                question=question, kind="clarify", answer=prefix + routed.clarify, retrieved=retrieved, clarification=routed.clarification,
                id=question_id, notes=notes,
            )
        calculation = routed.calculation
        citations = tuple(self.citation(reference) for reference in calculation.citations)
        return Answer(
            question=question,
            kind="calculation",
            answer=prefix + render_calculation(calculation),
            citations=citations,
            retrieved=retrieved,
            calculation=calculation,
            id=question_id,
            notes=notes,
            understood=routed.understood,
            restated=routed.restated,
        )

    def _in_force_version(self, evidence: list[Evidence], question: str, as_of: date) -> tuple[list[Evidence], str]:
        """Where several dated versions of the top clause's regulation are indexed, answer from
        the one the question means (the year it names, else the version in force on ``as_of``)
        and say which; clauses of the other versions step back."""
        if not evidence or evidence[0].document.title not in self.versions:
            return evidence, ""
        versions = self.versions[evidence[0].document.title]
        chosen = pick_version(versions, question, as_of)
        others = {d.doc_id for d in versions} - {chosen.doc_id}
        kept = [e for e in evidence if e.document.doc_id not in others]
        if not kept or kept[0].document.doc_id != chosen.doc_id:
            # The chosen version's own clause with the same number as the best match.
            labels = evidence[0].clause.labels
            twin = next((c for c in self.index.clauses_of(chosen.doc_id) if c.labels == labels), None)
            if twin is not None:
                kept.insert(0, Evidence(twin, chosen, evidence[0].score, evidence[0].dense, evidence[0].lexical))
        if not kept:
            return evidence, ""
        dates = "、".join(d.date.isoformat() for d in sorted(versions, key=lambda d: d.date or date.min) if d.date and d.doc_id != chosen.doc_id)
        when = chosen.date.isoformat() if chosen.date else "未载明日期的"
        return kept + [e for e in evidence if e.document.doc_id in others], f"按《{chosen.title}》{when}版本作答；已收录的其他版本：{dates}"

    def _overview(self, question: str, document, evidence: list[Evidence], notes) -> Answer:
        """A document named on its own: what it is, whether it is in force, what it contains."""
        clauses = self.index.clauses_of(document.doc_id)
        heads = list(dict.fromkeys(c.path[0] for c in clauses if c.path))
        lines = [f"《{document.title}》" + (f"（{document.doc_number}）" if document.doc_number else "")]
        lines.append("发文机关：" + (document.issuer or "未载明") + ("；成文日期：" + document.date.isoformat() if document.date else ""))
        if document.valid_from or document.valid_until:
            span = (document.valid_from.isoformat() if document.valid_from else "未载明") + " 至 " + (document.valid_until.isoformat() if document.valid_until else "未载明")
            lines.append(f"施行期间：{span}")
        lines.append("主要内容：" + "；".join(heads[:12]) + ("……" if len(heads) > 12 else ""))
        first = next((e for e in evidence if e.document.doc_id == document.doc_id), None)
        citations = (citation_of(first),) if first else ()
        return Answer(
            question=question, kind="answer", answer="\n".join(lines), citations=citations,
            retrieved=tuple(to_retrieved(e) for e in evidence), notes=notes, confidence=1.0,
        )

    def _listed(self, question: str, listing: inventory.Listing, notes, question_id) -> Answer:
        """Which documents the corpus holds (of an issuer, of a year), each linked to its text."""
        total = sum(1 for d in self.index.documents.values() if d.kind != "说明")
        prefix = "".join(f"（{note}）\n" for note in notes)
        firsts = [next(iter(self.index.clauses_of(d.doc_id)), None) for d in listing.documents[: inventory.SHOWN]]
        citations = tuple(
            Citation(c.clause_id, d.doc_id, d.doc_number, d.title, c.section, c.text)
            for d, c in zip(listing.documents, firsts) if c is not None
        )
        found = bool(listing.documents)
        return Answer(
            question=question, kind="answer" if found else "not_found", answer=prefix + inventory.answer_text(listing, total),
            citations=citations, id=question_id, notes=notes, confidence=1.0,
        )

    def citation(self, reference: Reference) -> Citation:
        """The clause a calculator constant cites; the quote is the cited words, verbatim."""
        squashed = re.sub(r"\s+", "", reference.quote)
        number = reference.doc_number.replace("[", "〔").replace("]", "〕")
        document = next((d for d in self.index.documents.values() if d.canonical_number == number), None)
        clause = None
        if document is not None:
            candidates = [c for c in self.index.clauses_of(document.doc_id) if squashed in re.sub(r"\s+", "", c.text)]
            clause = next((c for c in candidates if c.section == reference.section), candidates[0] if candidates else None)
        return Citation(
            clause_id=clause.clause_id if clause else "",
            doc_id=document.doc_id if document else "",
            doc_number=reference.doc_number,
            title=document.title if document else "",
            section=reference.section,
            quote=reference.quote,
        )

    def query_for(self, question: str, history: list[Turn]) -> str:
        """The retrieval query: a follow-up borrows the previous question's words."""
        return rewrite(question, self._previous(history), self._finders())

    def _previous(self, history: list[Turn]) -> str | None:
        """The last question asked before, as it stands alone (the last few are read)."""
        asked = [t.content for t in history if t.role == "user" and t.content.strip()]
        return standalone(asked[-FOLLOW_UP_DEPTH:], self._finders())

    def _finders(self):
        return (self.catalogue.document_spans, self._place_spans)

    def _place_spans(self, text: str) -> list[tuple[str, int, int]]:
        """Places a question names, as follow-up slots ("诏安县那个呢？" after 惠安县), by level;
        not a place inside a document's title."""
        from assistant.places import Gazetteer

        titles = [(start, end) for _, start, end in self.catalogue.document_spans(text)]
        # A county swaps for a county, a city for a city: "那福州呢？" does not turn the
        # province's 质量奖 into 福州's.
        return [
            (f"place:{place.level}", start, end)
            for place, start, end in Gazetteer.load().spans(text)
            if not any(start < title_end and end > title_start for title_start, title_end in titles)
        ]

    def _evidence(self, hit) -> Evidence:
        clause = self.index.clauses[hit.clause_id]
        return Evidence(clause, self.index.documents[clause.doc_id], hit.score, hit.dense, hit.lexical)
