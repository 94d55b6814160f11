"""The ingest report: what each source became, what was left out and why, and what looks wrong.

Every character of a source is either inside some clause or accounted for here as skipped
text with a reason — page furniture, the cover and table of contents, a title block or
signature (kept as document metadata), a heading (kept in its clauses' section paths), a
table header or caption (kept in each row's context), markup. Text no reason explains is
"unaccounted" and becomes a warning on its document: nothing is dropped silently.

Usage::

    report = build_report([(source, parsed), ...])
    report.write(Path("ingest-report.json"))
    print(report.summary())
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from ingest.cleaning import split_lines
from ingest.corpus import SourceFile, discover, parse
from ingest.gazette import is_furniture
from ingest.metadata import DATE_LINE, DOC_NUMBER, ORDER_NUMBER
from ingest.numbering import numeral_value
from ingest.types import Clause, Document, ParsedSource

LONG_CLAUSE = 2000  # characters; longer clauses are reported (they read badly and embed poorly)
_MARKUP = re.compile(r"^(?:</?[a-zA-Z][^>]*>|<!--.*?-->|#+)+$")
_ORDER_HEAD = re.compile(r"^\S{2,12}人民政府令$")
_ARTICLE = re.compile(r"^第(.+)条$")
_STATES_IN_FORCE = re.compile(r"[^。\n]{0,40}(?:施行|生效)[^。\n]{0,10}")
_TINY_ATTACHMENT = 30


@dataclass(frozen=True)
class Skipped:
    """Source text that is in no clause, and why."""

    source: str
    line: int
    text: str
    why: str
    doc_id: str | None = None

    def to_dict(self) -> dict:
        return {"source": self.source, "line": self.line, "text": self.text, "why": self.why, "doc_id": self.doc_id}


@dataclass
class IngestReport:
    """Documents with their clauses and warnings, plus the skipped text of every source."""

    documents: list[dict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"documents": self.documents, "skipped": [s.to_dict() for s in self.skipped], "totals": self.totals()}

    def totals(self) -> dict:
        return {
            "documents": len(self.documents),
            "clauses": sum(len(d["clauses"]) for d in self.documents),
            "skipped": dict(Counter(s.why for s in self.skipped)),
            "warnings": sum(len(d["warnings"]) for d in self.documents),
        }

    def write(self, path: Path) -> None:
        path = Path(path)
        if path.is_dir():
            raise ValueError(f"--report names a folder ({path}); give a file name such as ingest-report.json.")
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        temporary.replace(path)

    def summary(self) -> str:
        """A few lines in Chinese for the person running ingest."""
        totals = self.totals()
        reasons = "，".join(f"{_REASON_NAMES.get(why, why)} {count}" for why, count in sorted(totals["skipped"].items()))
        lines = [
            f"解析：{totals['documents']} 份文件，{totals['clauses']} 个条款。",
            f"未进入条款的文字：{len(self.skipped)} 处（{reasons or '无'}）。",
        ]
        unaccounted = totals["skipped"].get("unaccounted", 0)
        if unaccounted:
            lines.append(f"其中 {unaccounted} 处无法归类，请查看报告中 why 为 unaccounted 的条目。")
        warned = [d for d in self.documents if d["warnings"]]
        if warned:
            lines.append(f"需要核对：{len(warned)} 份文件有 {totals['warnings']} 条提示，例如 {warned[0]['doc_id']}：{warned[0]['warnings'][0]}")
        return "\n".join(lines)


_REASON_NAMES = {
    "furniture": "页眉页脚",
    "page number": "页码",
    "cover": "封面与目录",
    "title block": "标题与文号",
    "signature": "落款",
    "heading": "标题行（保留在条款路径中）",
    "table header": "表头（保留在每行的说明中）",
    "markup": "标记",
    "unaccounted": "无法归类",
}


def report_for(corpus_dirs: Iterable[Path]) -> IngestReport:
    """Parse every source of the corpus folders and report on them (no model, no index)."""
    sources = [source for directory in corpus_dirs for source in discover(Path(directory))]
    return build_report((source, parse(source)) for source in sources)


def build_report(parsed: Iterable[tuple[SourceFile, ParsedSource]]) -> IngestReport:
    """The report over parsed sources (nothing embedded, no index touched)."""
    report = IngestReport()
    for source, result in parsed:
        text = source.path.read_text(encoding="utf-8")
        skipped = account(text, source, result)
        report.skipped.extend(skipped)
        by_document: dict[str | None, list[Skipped]] = {}
        for item in skipped:
            by_document.setdefault(item.doc_id, []).append(item)
        for document in result.documents:
            clauses = [c for c in result.clauses if c.doc_id == document.doc_id]
            report.documents.append(_document_entry(document, clauses, by_document.get(document.doc_id, []), source))
    return report


def account(text: str, source: SourceFile, result: ParsedSource) -> list[Skipped]:
    """Every run of non-space source text outside all clauses, with the reason it is not in one."""
    covered = bytearray(len(text))
    for clause in result.clauses:
        for span in clause.spans:
            covered[span.start : span.end] = b"\x01" * (span.end - span.start)
    documents = sorted(result.documents, key=lambda d: d.span.start)
    first_start = documents[0].span.start if documents else len(text)
    clauses_of: dict[str, list[Clause]] = {}
    for clause in result.clauses:
        clauses_of.setdefault(clause.doc_id, []).append(clause)
    found: list[Skipped] = []
    for line in split_lines(text):
        start = None
        for index in range(line.start, line.end + 1):
            inside = index < line.end and not covered[index] and not text[index].isspace()
            if inside and start is None:
                start = index
            elif not inside and start is not None and (index == line.end or covered[index]):
                run = text[start:index].strip()
                document = _document_at(documents, start)
                why = _why(run, line, source, start < first_start, document, clauses_of.get(document.doc_id, []) if document else [])
                found.append(Skipped(source.name, line.number, run, why, document.doc_id if document else None))
                start = None
    return found


def _document_at(documents: list[Document], offset: int) -> Document | None:
    """The document whose span holds ``offset``, else the last one that started before it."""
    before = [d for d in documents if d.span.start <= offset]
    inside = [d for d in before if offset < d.span.end]
    return (inside or before or [None])[-1]


def _why(run: str, line, source: SourceFile, on_cover: bool, document: Document | None, clauses: list[Clause]) -> str:
    squashed = _squash(run.lstrip("#")).rstrip(":：")
    if _MARKUP.match(run) or not squashed:
        return "markup"
    if source.layout is not None and is_furniture(line, source.layout):
        return "furniture"
    if re.fullmatch(r"\d{1,3}", squashed):
        return "page number"
    if on_cover:
        return "cover"
    if document is not None:
        if squashed in _squash(document.title) or _is_number_or_signature(squashed, document):
            return "title block" if not DATE_LINE.match(run) and squashed != _squash(document.issuer) else "signature"
        if any(squashed in _squash(part.rstrip("…")) or _squash(part.rstrip("…")) in squashed for c in clauses for part in c.path if len(_squash(part)) >= 2):
            return "heading"
        contexts = [_squash(c.context) for c in clauses if c.context]
        cells = [_squash(cell) for cell in run.split("\t") if _squash(cell)]
        if contexts and (any(squashed in c for c in contexts) or (len(cells) > 1 and all(any(cell in c for c in contexts) for cell in cells))):
            return "table header"
        if _resembles(squashed, _squash(document.title)):
            return "title block"  # the attached plan's own title, worded a little differently
    if DATE_LINE.match(run):
        return "signature"
    return "unaccounted"


def _is_number_or_signature(squashed: str, document: Document) -> bool:
    return bool(
        squashed == _squash(document.issuer)
        or (document.doc_number and squashed == _squash(document.doc_number))
        or DOC_NUMBER.match(squashed)
        or ORDER_NUMBER.match(squashed)
        or _ORDER_HEAD.match(squashed)
        or DATE_LINE.match(squashed)
    )


def _document_entry(document: Document, clauses: list[Clause], skipped: list[Skipped], source: SourceFile) -> dict:
    kinds = Counter(c.kind for c in clauses)
    longest = max(clauses, key=lambda c: len(c.text), default=None)
    tables = {_table_of(c) for c in clauses if c.kind == "table_row"}
    return {
        "doc_id": document.doc_id,
        "doc_number": document.doc_number,
        "title": document.title,
        "issuer": document.issuer,
        "date": _iso(document.date),
        "valid_from": _iso(document.valid_from),
        "valid_until": _iso(document.valid_until),
        "kind": document.kind,
        "repeals": list(document.repeals),
        "source": Path(document.source).name,
        "dates": [{"field": name, "sentence": words} for name, words in document.date_sources],
        "clause_counts": dict(kinds),
        "longest_clause": {"clause_id": longest.clause_id, "characters": len(longest.text)} if longest else None,
        "tables": len(tables),
        "warnings": warnings(document, clauses, skipped, source),
        "clauses": [{"clause_id": c.clause_id, "section": c.section, "kind": c.kind, "text": c.text, "flags": list(c.flags)} for c in clauses],
    }


def warnings(document: Document, clauses: list[Clause], skipped: list[Skipped], source: SourceFile) -> list[str]:
    """Anomalies a maintainer should look at, in words."""
    found: list[str] = []
    if not clauses:
        found.append("没有任何条款")
    numbers = [(c, _article_number(c)) for c in clauses if c.kind == "article"]
    for (before, first), (after, second) in zip(numbers, numbers[1:]):
        if first is not None and second is not None and second != first + 1:
            found.append(f"条文序号从{before.labels[-1]}跳到{after.labels[-1]}")
    for clause in clauses:
        if len(clause.text) > LONG_CLAUSE:
            found.append(f"条款超过 {LONG_CLAUSE:,} 字：{clause.section}（{len(clause.text):,} 字）")
        if clause.kind == "annex" and len(clause.text) < _TINY_ATTACHMENT and clause is clauses[-1]:
            found.append(f"附件几乎没有正文：{clause.section}「{clause.text}」")
        if re.search(r"</?(?:p|td|tr|br|span|div)\b", clause.text):
            found.append(f"条款中有 HTML 标记：{clause.section}")
        if "table_not_recovered" in clause.flags:
            found.append(f"表格被拆成一格一行，未能还原为行：{clause.section}")
    if document.valid_from is None:
        stated = [m.group(0).strip() for c in clauses for m in _STATES_IN_FORCE.finditer(c.text) if "本" in m.group(0)]
        if stated:
            found.append(f"文中似有施行日期但未读出：「{stated[-1]}」")
    for item in skipped:
        if item.why == "unaccounted":
            found.append(f"第 {item.line} 行的文字不在任何条款中：「{item.text[:40]}」")
    return found


def _table_of(row: Clause) -> tuple[str, ...]:
    """The labels up to and including the table's own (表, 表2) — one value per table."""
    at = next((i for i, label in enumerate(row.labels) if label.startswith("表")), len(row.labels) - 1)
    return row.labels[: at + 1]


def _article_number(clause: Clause) -> int | None:
    match = _ARTICLE.match(clause.labels[-1]) if clause.labels else None
    return numeral_value(match.group(1)) if match else None


def _squash(text: str) -> str:
    """Whitespace removed and full-width ASCII folded, for comparing source text with what was kept."""
    folded = "".join(chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in text or "")
    return re.sub(r"\s+", "", folded)


def _resembles(run: str, title: str) -> bool:
    """Nearly all of a line's characters appear in the title, in order (a title line reworded by a word)."""
    if len(run) < 8:
        return False
    matched = sum(block.size for block in SequenceMatcher(None, run, title, autojunk=False).get_matching_blocks())
    return matched >= 0.9 * len(run)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


