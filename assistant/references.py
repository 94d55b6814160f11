"""Documents and sections a question names, resolved against the indexed catalogue.

A clerk writes "闽政[2022]24号附件第二项", "福建省人民政府令第227号第三十五条",
"储备粮办法第20条" or "《三明市…方案》二、（三）". This module reads those references
deterministically — 文号 in any bracket form, 令 numbers, titles with or without 《》,
short names, 第X条/章/阶段/项 in Chinese or Arabic numerals, 附件 and 一、（一）1. paths —
so the assistant can answer from that exact clause before any semantic search, and
say so plainly when the document has no such section.

Usage::

    catalogue = Catalogue(index.documents.values())
    reference = catalogue.read("闽政〔2022〕24号第三项任务")
    reference.documents[0].doc_id, reference.section.labels
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import cn2an

from assistant.places import Gazetteer
from ingest.numbering import cn_to_int
from ingest.types import Clause, Document

_CN = "〇零一二三四五六七八九十百千两"
_OPEN = "〔[［(（【"
_CLOSE = "〕]］)）】"
_DOC_NUMBER = re.compile(
    rf"(?P<prefix>[\u4e00-\u9fff]{{1,12}})\s*[{re.escape(_OPEN)}]\s*(?P<year>\d{{4}})\s*[{re.escape(_CLOSE)}]\s*第?\s*(?P<n>\d{{1,4}})\s*号"
)
# 令第227号, 第227号令, and the everyday 227号令 (not the tail of a 文号: 〔2023〕5号令).
_ORDER = re.compile(rf"令\s*第\s*(?P<n>\d{{1,4}}|[{_CN}]+)\s*号|第\s*(?P<m>\d{{1,4}}|[{_CN}]+)\s*号\s*令|(?<![〕\]）\d])(?P<k>\d{{1,4}})\s*号\s*令")
_QUOTED_TITLE = re.compile(r"《([^》]{2,80})》")
_SUFFIXES = ("实施细则", "实施办法", "实施条例", "办法", "条例", "规定", "方案", "意见", "通知", "细则", "规则", "决定", "批复", "规划", "措施", "计划")
# Characters that say nothing about which document is meant.
_GENERIC = set("的关于印发省市县区人民政府办公厅国务院中华人民共和国国家管理暂行实施若干有关工作进一步加强全面推进")

_SECTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("article", re.compile(rf"第\s*(\d{{1,4}}|[{_CN}]+)\s*条")),
    ("chapter", re.compile(rf"第\s*(\d{{1,3}}|[{_CN}]+)\s*章")),
    ("phase", re.compile(rf"第\s*(\d{{1,2}}|[{_CN}]+)\s*阶段")),
    ("annex", re.compile(r"附\s*件\s*(\d{1,2}|[一二三四五六七八九十])?")),
    ("item", re.compile(rf"第\s*(\d{{1,3}}|[{_CN}]+)\s*(?:项|个任务|条任务)")),
)
# 一、 / （一） / 1. — and, opening a path, a bare 四 right before its （五）, as staff write
# "四（五）" (not the end of a word: "统一（二）", "十四五（二）").
_PATH_PART = re.compile(
    r"([一二三四五六七八九十]{1,3})、|[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）]|(?<![\d.])(\d{1,2})\s*[.．](?!\d)"
    r"|(?<![\u4e00-\u9fff])((?:[二三四五六七八九]?十)?[一二三四五六七八九]|[二三四五六七八九]?十)(?=\s*[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）])"
)


@dataclass(frozen=True)
class SectionRef:
    """A section the question names: its kind and the labels a clause must carry."""

    kind: str  # article | chapter | phase | item | annex | path
    labels: tuple[str, ...]
    written: str
    number: int | None = None  # the ordinal for "第二项"

    def describe(self) -> str:
        return self.written


@dataclass(frozen=True)
class DocumentReference:
    """What a question names: documents (several versions of one title), a section, leftovers."""

    documents: tuple[Document, ...] = ()
    section: SectionRef | None = None
    unknown_numbers: tuple[str, ...] = ()  # 文号 the question names that the corpus does not hold
    spans: tuple[tuple[int, int], ...] = field(default=())  # where the references stand in the question
    by_number: bool = False

    @property
    def named(self) -> bool:
        return bool(self.documents or self.unknown_numbers)

    def remainder(self, question: str) -> str:
        """The question without the reference text (what is asked about the clause)."""
        keep = [True] * len(question)
        for start, end in self.spans:
            for i in range(start, min(end, len(question))):
                keep[i] = False
        return "".join(ch for ch, k in zip(question, keep) if k)


def _to_chinese(number: str) -> str:
    """"35" → "三十五", "三十五" → "三十五" (the form clause labels use)."""
    if number.isdigit():
        return cn2an.an2cn(int(number))
    return number.replace("两", "二")


def _to_int(number: str) -> int | None:
    if number.isdigit():
        return int(number)
    try:
        return cn_to_int(number)
    except ValueError:
        return None


def read_section(question: str) -> tuple[SectionRef | None, tuple[int, int] | None]:
    """The first section reference in a question, with where it stands."""
    for kind, pattern in _SECTION_PATTERNS:
        match = pattern.search(question)
        if not match:
            continue
        raw = match.group(1) or ""
        if kind == "article":
            return SectionRef(kind, (f"第{_to_chinese(raw)}条",), match.group(0), _to_int(raw)), match.span()
        if kind == "chapter":
            return SectionRef(kind, (f"第{_to_chinese(raw)}章",), match.group(0), _to_int(raw)), match.span()
        if kind == "phase":
            return SectionRef(kind, (f"第{_to_chinese(raw)}阶段",), match.group(0), _to_int(raw)), match.span()
        if kind == "item":
            return SectionRef(kind, (), match.group(0), _to_int(raw)), match.span()
        if kind == "annex":
            number = str(_to_int(raw)) if raw else ""
            # "附件第二项": the item inside the annex is the finer reference.
            item = _SECTION_PATTERNS[4][1].search(question, match.end())
            if item:
                return SectionRef("item", (f"附件{number}",), question[match.start() : item.end()], _to_int(item.group(1))), (match.start(), item.end())
            return SectionRef(kind, (f"附件{number}",), match.group(0)), match.span()
    parts, start, end = [], None, None
    for match in _PATH_PART.finditer(question):
        if end is not None and match.start() - end > 1:
            break
        if parts and match.group(4):
            break  # a new top level: "三（一）、四（二）" names two sections, not one path
        label = match.group(1) or match.group(4) or (f"（{match.group(2)}）" if match.group(2) else match.group(3))
        parts.append(label)
        start = match.start() if start is None else start
        end = match.end()
    # A bare "1." alone is too weak to be a reference; a path needs a Chinese level.
    if parts and (len(parts) > 1 or not parts[0].isdigit()):
        return SectionRef("path", tuple(parts), question[start:end]), (start, end)
    return None, None


class Catalogue:
    """The indexed documents, searchable by number, title and short name."""

    def __init__(self, documents: Iterable[Document], aliases: dict[str, tuple[str, ...]] | None = None):
        self.documents = list(documents)
        self._aliases = [(alias, d) for d in self.documents for alias in (aliases or {}).get(d.doc_id, ())]
        self._by_number: dict[str, list[Document]] = {}
        for document in self.documents:
            for number in {document.canonical_number, order_key(document.doc_number)} - {None}:
                self._by_number.setdefault(number, []).append(document)
        self._prefixes = sorted(
            {re.match(r"^(.*?)〔", d.canonical_number).group(1) for d in self.documents if d.canonical_number and "〔" in d.canonical_number},
            key=len,
            reverse=True,
        )
        self._titles = [(_core_title(d.title), d) for d in self.documents if d.title]

    def read(self, question: str, as_of: date | None = None) -> DocumentReference:
        """Every document and section reference in the question."""
        found: list[Document] = []
        unknown: list[str] = []
        spans: list[tuple[int, int]] = []
        by_number = False
        for match in _DOC_NUMBER.finditer(question):
            prefix = match.group("prefix")
            known = next((p for p in self._prefixes if prefix.endswith(p)), None)
            written = f"{known or prefix}〔{match.group('year')}〕{int(match.group('n'))}号"
            hits = self._by_number.get(written, [])
            if hits:
                found += hits
                start = match.start("prefix") + len(prefix) - len(known)
                spans.append((start, match.end()))
                by_number = True
            else:
                unknown.append(written)
                spans.append(match.span())
        for match in _ORDER.finditer(question):
            number = _to_int(match.group("n") or match.group("m") or match.group("k"))
            hits = self._by_number.get(f"令{number}", []) if number else []
            if hits:
                found += hits
                spans.append(match.span())
                by_number = True
        if not found:
            titled = self._by_title(question)
            # "浙江省地方政府储备粮安全管理办法" shares its name with Fujian's rule but is not it.
            outside = Gazetteer.load().outside
            if titled and (kept := [d for d in titled[0] if not outside(question, d.title)]):
                found += kept
                spans.append(titled[1])
        section, section_span = read_section(_blank(question, spans))
        if section_span:
            spans.append(section_span)
        documents = tuple(dict.fromkeys(found))
        return DocumentReference(_choose_version(documents, question, as_of), section, tuple(unknown), tuple(spans), by_number)

    def document_spans(self, text: str) -> list[tuple[str, int, int]]:
        """Where the text names an indexed document (by number, title or short name), as
        ``("document", start, end)``: the slot a follow-up can swap."""
        reference = self.read(text)
        if not reference.documents:
            return []
        spans = reference.spans[:-1] if reference.section is not None and len(reference.spans) > 1 else reference.spans
        return [("document", start, end) for start, end in spans[:1]]

    def _by_title(self, question: str) -> tuple[list[Document], tuple[int, int]] | None:
        """Documents named by title: 《…》, the title itself, or a short name ending in its kind."""
        for match in _QUOTED_TITLE.finditer(question):
            inner = match.group(1)
            exact = [d for core, d in self._titles if inner in (core, d.title) or _core_title(inner) == core]
            if exact:
                return exact, match.span()
        whole = [(len(core), core, d) for core, d in self._titles if len(core) >= 4 and core in question]
        if whole:
            longest = max(length for length, _, _ in whole)
            best = [d for length, _, d in whole if length == longest]
            core = next(c for length, c, _ in whole if length == longest)
            start = question.find(core)
            return best, (start, start + len(core))
        return self._by_short_name(question) or self._by_alias(question)

    def _by_alias(self, question: str) -> tuple[list[Document], tuple[int, int]] | None:
        """A name the document gives itself ("以下简称“三明普惠医联保”"), or its last four or
        more characters ("普惠医联保")."""
        best: tuple[int, list[Document], tuple[int, int]] | None = None
        for alias, document in self._aliases:
            for cut in range(0, max(1, len(alias) - 3)):
                tail = alias[cut:]
                start = question.find(tail)
                if start >= 0:
                    if best is None or len(tail) > best[0]:
                        best = (len(tail), [document], (start, start + len(tail)))
                    elif len(tail) == best[0] and document not in best[1]:
                        best[1].append(document)
                    break
        return (best[1], best[2]) if best else None

    def _by_short_name(self, question: str) -> tuple[list[Document], tuple[int, int]] | None:
        """"储备粮办法" → 《福建省地方政府储备粮管理办法》: the characters before a kind word
        appear in that order in one title, and say more than "管理" or "实施"."""
        best: tuple[int, list[Document], tuple[int, int]] | None = None
        for suffix in _SUFFIXES:
            for match in re.finditer(suffix, question):
                window_start = max(0, match.start() - 12)
                window = question[window_start : match.start()]
                for core, document in self._titles:
                    if not core.endswith(suffix):
                        continue
                    common, first = _in_order_overlap(window, core[: -len(suffix)])
                    specific = sum(1 for ch in common if ch not in _GENERIC)
                    if specific < 2 or len(common) < 3:
                        continue
                    score = len(common) * 10 + specific
                    span = (window_start + first, match.end())
                    if best is None or score > best[0]:
                        best = (score, [document], span)
                    elif score == best[0]:
                        best[1].append(document)
        if best is None:
            return None
        return best[1], best[2]


_SHORT_NAME = re.compile(r"(?:以下)?简称\s*[“\"]([^”\"]{2,12})[”\"]")


def aliases_from(clauses: Iterable[Clause], head: int = 30) -> dict[str, tuple[str, ...]]:
    """The short names documents define for themselves in their first clauses."""
    found: dict[str, list[str]] = {}
    seen: dict[str, int] = {}
    for clause in clauses:
        seen[clause.doc_id] = seen.get(clause.doc_id, 0) + 1
        if seen[clause.doc_id] > head:
            continue
        for match in _SHORT_NAME.finditer(clause.text):
            found.setdefault(clause.doc_id, [])
            if match.group(1) not in found[clause.doc_id]:
                found[clause.doc_id].append(match.group(1))
    return {doc_id: tuple(names) for doc_id, names in found.items()}


def clauses_for(section: SectionRef, clauses: list[Clause]) -> list[Clause]:
    """The clauses of one document that a section reference points to, in reading order."""
    if section.kind == "item":
        scope = [c for c in clauses if not section.labels or section.labels[0] in c.labels or _in_annex(c, section.labels[0])]
        number = section.number or 0
        # Items numbered through the document ("14." under 二、（三）): the one clause so numbered.
        numbered = [c for c in scope if c.labels and c.labels[-1] == str(number)]
        if len(numbered) == 1:
            return numbered
        rows = [c for c in scope if c.kind == "table_row"] or [c for c in scope if c.labels and c.labels[-1] not in section.labels]
        return [rows[number - 1]] if 0 < number <= len(rows) else []
    if section.kind == "annex":
        return [c for c in clauses if _in_annex(c, section.labels[0])]
    wanted = section.labels
    matched = [c for c in clauses if _contains_run(c.labels, wanted)]
    if section.kind == "path":
        # "二、（三）" names a heading and everything under it; prefer the heading's own clause.
        exact = [c for c in matched if tuple(c.labels[-len(wanted) :]) == wanted]
        return exact or matched
    return matched


def _in_annex(clause: Clause, label: str) -> bool:
    return any(l == label or (label == "附件" and l.startswith("附件")) for l in clause.labels)


def _contains_run(labels: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    n = len(wanted)
    return any(tuple(labels[i : i + n]) == wanted for i in range(len(labels) - n + 1))


def _in_order_overlap(window: str, title: str) -> tuple[str, int]:
    """The longest run of the window's last characters found in the title in order
    (characters of the window may be skipped, "储备粮安全管理" ~ "储备粮管理"), and
    where that run starts in the window."""
    common = []
    position = len(title)
    first = len(window)
    misses = 0
    for i in range(len(window) - 1, -1, -1):
        ch = window[i]
        found = title.rfind(ch, 0, position)
        if found < 0:
            misses += 1
            if misses > 2:
                break
            continue
        common.append(ch)
        position = found
        first = i
    return "".join(reversed(common)), first


def _core_title(title: str) -> str:
    """The name people use: the 《…》 inside "关于印发《X》的通知", without spaces."""
    title = re.sub(r"\s+", "", title)
    wrapped = re.search(r"关于(?:印发|转发|发布)(.+?)的通知$", title)
    if wrapped:
        return wrapped.group(1).strip("《》")
    return re.sub(r"^.{0,20}?关于", "", title).strip("《》")


def order_keys(text: str) -> set[str]:
    """The orders a text cites, however written: "第228号令", "228号令", "令第二百二十八号" → {"令228"}.

    >>> sorted(order_keys("福建省人民政府第228号令和令第二百二十七号"))
    ['令227', '令228']
    >>> sorted(order_keys("227号令，不是明政办规〔2023〕5号令"))
    ['令227']
    """
    numbers = (_to_int(m.group("n") or m.group("m") or m.group("k")) for m in _ORDER.finditer(text))
    return {f"令{n}" for n in numbers if n}


def order_key(number: str | None) -> str | None:
    """"福建省人民政府令第227号" → "令227": orders are cited with or without their issuer."""
    if not number:
        return None
    match = re.search(r"令\s*第\s*(\d+)\s*号", number)
    return f"令{int(match.group(1))}" if match else None


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, min(end, len(chars))):
            chars[i] = "　"
    return "".join(chars)


_YEAR = re.compile(r"(\d{4})\s*年")


def _choose_version(documents: tuple[Document, ...], question: str, as_of: date | None) -> tuple[Document, ...]:
    """Of several dated versions of one title, the one the question means: the year it
    names, else the version in force on ``as_of``, else the newest. Different titles stay."""
    by_title: dict[str, list[Document]] = {}
    for document in documents:
        by_title.setdefault(document.title, []).append(document)
    chosen = []
    for versions in by_title.values():
        if len(versions) == 1:
            chosen.append(versions[0])
            continue
        chosen.append(pick_version(versions, question, as_of))
    return tuple(chosen)


# "按2023年修订的…", "2013年版", "2024年新修订版": words that choose a version, not words of its text.
_VERSION_PHRASE = re.compile(
    r"(?:按照?|依照|根据)?(?:19|20)\d{2}\s*年(?:\d{1,2}\s*月(?:\d{1,2}\s*日)?)?(?:第?[一二三四五六七八九十\d]次)?新?"
    r"(?:修订|修改|修正|版本|版|颁布|发布|公布|施行)(?:后|版)?的?"
)


def without_version(question: str) -> str:
    """The question without the words that pick a version of its regulation: the version is
    chosen from them (``pick_version``), and left in the search they match the dates of a
    promulgation notice rather than the rule asked about.

    >>> without_version("按2023年修订的收养登记办法，民政部门多少天内要审查完？")
    '收养登记办法，民政部门多少天内要审查完？'
    >>> without_version("全国年节放假办法2013年版和2024年新修订版，春节分别放几天假？")
    '全国年节放假办法和，春节分别放几天假？'
    >>> without_version("2025年的保费是多少？")
    '2025年的保费是多少？'
    """
    return _VERSION_PHRASE.sub("", question)


def pick_version(versions: list[Document], question: str, as_of: date | None) -> Document:
    """The version of one regulation a question means (see ``_choose_version``)."""
    dated = sorted(versions, key=lambda d: d.date or date.min)
    years = [int(y) for y in _YEAR.findall(question)]
    for year in years:
        exact = [d for d in dated if d.date and d.date.year == year]
        if exact:
            return exact[-1]
    cutoff = date(years[0], 12, 31) if years else as_of
    if cutoff is not None:
        in_force = [d for d in dated if (d.valid_from or d.date or date.min) <= cutoff]
        if in_force:
            return in_force[-1]
    return dated[-1]
