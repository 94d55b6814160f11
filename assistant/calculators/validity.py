"""Is a document in force on a date, and which documents lapse by a date.

One source of truth: what ingestion reads from each document's own words (the date it
takes effect, the last valid day, the sentence that says so, what it repeals), carried
by the ``Document`` records of the index. A ``Register`` holds them for a corpus; the
calculators are pure functions of a register and a date. The everyday names people use
for a document ("禁用区通告", "普惠医联保") are naming, not validity: they are data in
``corpus/aliases.yaml``.

Usage::

    register = Register.from_documents(index.documents.values(), index.clauses_of, load_aliases(path))
    status("普惠医联保", date(2025, 1, 1), register).value  # '已失效'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.calculators.parameters import Reference
from assistant.calculators.result import Calculation, CalculationError
from assistant.references import order_key, order_keys
from ingest.metadata import canonical_number
from ingest.types import Clause, Document

RULES = ("until_date", "years", "in_force_from", "none")
_NONE_STATED = "文件未载明施行日期或有效期"
_YEARS = re.compile(r"有效期\s*(\d+|[一二两三四五六七八九十]+)\s*年")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_INNER_TITLE = re.compile(r"《([^》]+)》")
_SHOWN = 12  # documents listed when a name matches none


# What a document's kind says it is not: an explanatory note printed in a gazette is no rule.
_NOT_RULES = frozenset({"说明"})


@dataclass(frozen=True)
class Validity:
    """One document's validity as its text states it."""

    key: str  # the document id (each dated version of a regulation has its own)
    number: str | None  # the 文号 in 〔〕 form, shared by the versions of one regulation
    title: str
    issued: date | None
    rule: str
    valid_from: date | None
    valid_until: date | None
    repeals: tuple[str, ...]
    references: tuple[Reference, ...]
    years: int | None = None

    @property
    def label(self) -> str:
        """How the document is named to a user: its 文号, else its title and date."""
        if self.number:
            return self.number
        return self.title + (f"（{self.issued.isoformat()}）" if self.issued else "")


def rule_of(document: Document) -> tuple[str, int | None]:
    """How the document states its validity: until a date, N years, from a date, or not at all."""
    if document.valid_until:
        years = _YEARS.search(document.validity_note or "")
        if years and "有效期至" not in (document.validity_note or ""):
            raw = years.group(1)
            return "years", int(raw) if raw.isdigit() else _cn_small(raw)
        return "until_date", None
    if document.valid_from:
        return "in_force_from", None
    return "none", None


def _cn_small(raw: str) -> int | None:
    """A Chinese numeral up to 99 ("五", "十二", "二十"); None for anything else."""
    if raw.startswith("十"):
        return 10 + _CN_DIGITS.get(raw[1:], 0)
    tens, ten, ones = raw.partition("十")
    if ten and tens in _CN_DIGITS and (not ones or ones in _CN_DIGITS):
        return _CN_DIGITS[tens] * 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS.get(raw)


def _verbatim(sentence: str, clauses: list[Clause]) -> tuple[Clause, str] | None:
    """The clause holding a sentence ingestion read with its spaces squeezed out, and the
    sentence as the clause prints it (spaces and all), for a quote that is the corpus text."""
    chars = [re.escape(ch) for ch in re.sub(r"\s+", "", sentence)]
    if not chars:
        return None
    pattern = re.compile(r"\s*".join(chars))
    for clause in clauses:
        match = pattern.search(clause.text)
        if match:
            return clause, match.group(0)
    return None


def stated_in(document: Document, clauses: list[Clause]) -> list[tuple[Clause, str]]:
    """The clauses that state a document's validity, each with its sentence verbatim."""
    if rule_of(document)[0] == "none":
        return []
    found = (_verbatim(sentence, clauses) for sentence in (document.validity_note or "").split("；"))
    return [pair for pair in found if pair]


def validity_of(document: Document, clauses: list[Clause]) -> Validity:
    """A document's ``Validity`` from what ingestion read, citing the sentences it read."""
    rule, years = rule_of(document)
    references = [
        Reference(doc_number=document.doc_number or document.title, section=clause.section, quote=quote)
        for clause, quote in stated_in(document, clauses)
    ]
    return Validity(
        key=document.doc_id,
        number=document.canonical_number,
        title=document.title,
        issued=document.date,
        rule=rule,
        valid_from=document.valid_from,
        valid_until=document.valid_until,
        repeals=document.repeals,
        references=tuple(references),
        years=years,
    )


class Register:
    """The validity of every document of a corpus, found by 文号, title or everyday name."""

    def __init__(self, entries: Iterable[Validity], aliases: Mapping[str, tuple[str, ...]] | None = None):
        self.entries: dict[str, Validity] = {entry.key: entry for entry in entries}
        self.aliases = {canonical_number(k) or k: tuple(v) for k, v in (aliases or {}).items()}

    @classmethod
    def from_documents(
        cls, documents: Iterable[Document], clauses_of: Callable[[str], list[Clause]], aliases: Mapping[str, tuple[str, ...]] | None = None
    ) -> Register:
        return cls((validity_of(d, clauses_of(d.doc_id)) for d in documents if d.kind not in _NOT_RULES), aliases)

    def __iter__(self):
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str, on: date | None = None) -> Validity:
        """The document a text names: by number (〔〕 or []), by title, or by an everyday name.

        Where several dated versions share the number or title, the one in force on ``on`` is
        meant (the newest when ``on`` is not given)."""
        squashed = re.sub(r"\s+", "", text)
        normalised = canonical_number(squashed) or squashed.replace("[", "〔").replace("]", "〕")
        by_number = [e for e in self.entries.values() if e.number and e.number in normalised]
        if not by_number:  # an order however cited: "第228号令", "令第228号" without its issuer
            orders = order_keys(squashed)
            by_number = [e for e in self.entries.values() if order_key(e.number) in orders]
            if len({e.number for e in by_number}) > 1:
                by_number = []  # two issuers' orders share the number: not a guess
        if by_number:
            longest = max(len(e.number) for e in by_number)
            return _version([e for e in by_number if len(e.number) == longest], on)
        by_title = [e for e in self.entries.values() if any(t and t in squashed for t in _titles(e.title))]
        if by_title:  # "烟草专卖法实施条例" names that, not also a shorter title inside it
            longest = max(max(len(t) for t in _titles(e.title) if t in squashed) for e in by_title)
            by_title = [e for e in by_title if any(len(t) == longest and t in squashed for t in _titles(e.title))]
        if by_title and len({e.title for e in by_title}) == 1:
            return _version(by_title, on)
        by_alias = [e for e in self.entries.values() if any(a in squashed for a in self.aliases.get(e.number or "", ()))]
        matches = by_title or by_alias
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise CalculationError(f"问题可能指以下多份文件，请说明是哪一份：{_names(matches)}")
        raise CalculationError(f"没有认出是哪份文件。已收录 {len(self.entries)} 份，例如：{_names(list(self.entries.values())[:_SHOWN])}")


def _version(entries: list[Validity], on: date | None) -> Validity:
    """Of one document's dated versions, the last to take effect on or before ``on`` (else the
    newest): a revision published in December but in force from January is not yet meant."""
    started = lambda e: e.valid_from or e.issued or date.min  # noqa: E731
    dated = sorted(entries, key=started)
    before = [e for e in dated if on is None or started(e) <= on]
    return (before or dated)[-1]


def _titles(title: str) -> tuple[str, ...]:
    """A title and the title it publishes (《…》 inside "关于印发《…》的通知")."""
    inner = _INNER_TITLE.search(title)
    return (title, inner.group(1)) if inner else (title,)


def _names(entries: list[Validity]) -> str:
    return "、".join(f"{e.number}（{e.title}）" if e.number else e.label for e in entries)


def load_aliases(path: Path) -> dict[str, tuple[str, ...]]:
    """``corpus/aliases.yaml``: 文号 → the everyday names people use for that document."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(v, list) and all(isinstance(a, str) for a in v) for v in data.values()):
        raise CalculationError(f"{path}: expected lines of the form `文号: [name, name]`.")
    return {str(k): tuple(v) for k, v in data.items()}


@lru_cache(maxsize=1)
def configured_register() -> Register:
    """The register of the configured live index (for the command line, the tools and the
    forms); before any index is built, of the configured corpus read by ingestion's parser."""
    from assistant import settings
    from ingest.corpus import discover, parse
    from ingest.errors import IndexMissingError
    from ingest.index import ClauseIndex

    config = settings.load()
    aliases = load_aliases(config.aliases)
    try:
        index = ClauseIndex.open(config.index_dir, config.chroma_url or None)
    except IndexMissingError:
        index = None
    if index is not None:
        return Register.from_documents(index.documents.values(), index.clauses_of, aliases)
    documents: list[Document] = []
    clauses: dict[str, list[Clause]] = {}
    for folder in config.corpus:
        for source in discover(folder):
            result = parse(source)
            documents += result.documents
            for clause in result.clauses:
                clauses.setdefault(clause.doc_id, []).append(clause)
    return Register.from_documents(documents, lambda doc_id: clauses.get(doc_id, []), aliases)


def status(doc: str | Validity, on: date, register: Register | None = None) -> Calculation:
    """Whether ``doc`` (a register entry, or its number, title or everyday name) is in force on
    ``on``, with the sentence that decides it."""
    entry = doc if isinstance(doc, Validity) else (register or configured_register()).find(doc, on)
    issued = f"，{entry.issued.isoformat()} 印发" if entry.issued else ""
    steps = [f"文件：{entry.title}" + (f"（{entry.number}）" if entry.number else "") + f"{issued}。"]
    warnings: list[str] = []
    value = state_on(entry, on)
    if entry.rule == "none" and value == "尚未施行":
        steps.append(f"{on.isoformat()} 早于印发日期 {entry.issued.isoformat()}，文件当时还没有印发。")
    elif value == "未载明":
        steps.append(f"{_NONE_STATED}，无法仅凭文件本身判断 {on.isoformat()} 是否仍然有效。")
        warnings.append("文件没有写明有效期，可能仍在执行，也可能已被后续文件替代，请向发文机关核实。")
    else:
        steps.append(rule_sentence(entry))
        if value == "尚未施行":
            steps.append(f"{on.isoformat()} 早于施行日期 {entry.valid_from.isoformat()}，尚未施行。")
        elif value == "已失效":
            steps.append(f"{on.isoformat()} 晚于有效期最后一天 {entry.valid_until.isoformat()}，已失效。")
        else:
            last = f"，有效期到 {entry.valid_until.isoformat()}（含当日）" if entry.valid_until else "，文件未规定终止日期"
            steps.append(f"{on.isoformat()} 在有效期内{last}。")
            if not entry.valid_until:
                warnings.append("文件未规定终止日期；是否已被修改或废止，文件本身无法说明。")
    if entry.repeals:
        own = set(_titles(entry.title)) | {f"《{t}》" for t in _titles(entry.title)}
        repealed = [f"此前施行的同名文件{r}" if r in own else r for r in entry.repeals]
        steps.append("该文件同时废止：" + "、".join(repealed) + "。")
    return Calculation(
        name="document_validity",
        inputs={"document": entry.label, "date": on},
        value=value,
        unit="状态",
        steps=tuple(steps),
        citations=entry.references,
        warnings=tuple(warnings),
        not_modelled=("后续文件对本文件的修改、废止或延期（语料之外的文件不在判断范围内）",),
    )


def state_on(entry: Validity, on: date) -> str:
    """What the document's own text says of ``on``: 有效, 尚未施行, 已失效, or 未载明 (it states
    no validity at all).

    >>> entry = Validity("k", "明政办规〔2023〕5号", "t", None, "until_date", date(2024, 1, 1), date(2024, 12, 31), (), ())
    >>> [state_on(entry, day) for day in (date(2023, 12, 31), date(2024, 12, 31), date(2025, 1, 1))]
    ['尚未施行', '有效', '已失效']
    """
    if entry.rule == "none":
        # Stating no validity, a document is still not in force before it was issued.
        return "尚未施行" if entry.issued and on < entry.issued else "未载明"
    if entry.valid_from and on < entry.valid_from:
        return "尚未施行"
    if entry.valid_until and on > entry.valid_until:
        return "已失效"
    return "有效"


def states_on(register: Register, on: date) -> dict[str, str]:
    """``state_on`` for every document of the register by its id, where a dated version of
    a regulation that a later version has replaced by ``on`` is 已被新版本取代."""
    started = lambda e: e.valid_from or e.issued or date.min  # noqa: E731
    versions: dict[str, list[Validity]] = {}
    for entry in register:
        versions.setdefault(entry.number or entry.title, []).append(entry)
    states = {}
    for entry in register:
        state = state_on(entry, on)
        newer = [e for e in versions[entry.number or entry.title] if started(entry) < started(e) <= on]
        states[entry.key] = "已被新版本取代" if newer and state != "尚未施行" else state
    return states


def expiring_by(until: date, since: date | None = None, register: Register | None = None) -> Calculation:
    """Documents whose last valid day falls on or before ``until`` (and on or after ``since``)."""
    if since and since > until:
        raise CalculationError(f"起始日期 {since.isoformat()} 晚于截止日期 {until.isoformat()}，请检查日期。")
    entries = list(register or configured_register())
    hits = sorted(
        (e for e in entries if e.valid_until and e.valid_until <= until and (since is None or e.valid_until >= since)),
        key=lambda e: (e.valid_until, e.issued or date.min, e.key),
    )
    steps = [f"{e.title}" + (f"（{e.number}）" if e.number else "") + f"有效期至 {e.valid_until.isoformat()}。" for e in hits]
    undated = [e for e in entries if e.rule in ("none", "in_force_from")]
    if not hits:
        steps.append("没有文件在这段时间内到期。")
    steps.append(f"另有 {len(undated)} 份文件未规定终止日期，不在此列。")
    span = f"{since.isoformat()} 至 {until.isoformat()}" if since else f"{until.isoformat()} 及以前"
    return Calculation(
        name="documents_expiring",
        inputs={"until": until, "since": since},
        value=[e.label for e in hits],
        unit="文件",
        steps=(f"查找有效期最后一天在 {span} 的文件：",) + tuple(steps),
        citations=tuple(r for e in hits for r in e.references),
        warnings=(),
        not_modelled=("后续文件对有效期的延长或提前废止",),
    )


def rule_sentence(entry: Validity) -> str:
    """The validity rule in words: the sentence quoted, then the dates it means."""
    quote = "".join(r.quote for r in entry.references)
    said = f"原文：“{quote}”" if quote else "原文的施行和有效期规定"
    if entry.rule == "until_date":
        start = f"{entry.valid_from.isoformat()} 起，" if entry.valid_from else ""
        return f"{said} 即 {start}至 {entry.valid_until.isoformat()} 止（含当日）。"
    if entry.rule == "years":
        start = entry.valid_from or entry.issued
        return (
            f"{said} 有效期自公布之日 {start.isoformat() if start else '（未载明）'} 起算，"
            f"最后一天是 {entry.valid_until.isoformat()}（届满周年的前一日）。"
        )
    return f"{said} 即自 {entry.valid_from.isoformat()} 起施行，未规定终止日期。"
