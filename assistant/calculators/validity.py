"""Is a document in force on a date, and which documents lapse by a date.

The dates are data (``validity.yaml``), each with the sentence it comes from; a test
keeps them in step with what ingestion reads from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from assistant.calculators.parameters import ParameterError, Reference, load_yaml
from assistant.calculators.result import Calculation, CalculationError

HERE = Path(__file__).parent
RULES = ("until_date", "years", "in_force_from", "none")
_KEYS = {"title", "aliases", "issued", "rule", "years", "valid_from", "valid_until", "repeals", "reference"}
_NONE_STATED = "文件未载明施行日期或有效期"


@dataclass(frozen=True)
class Validity:
    """One document's validity as its text states it."""

    doc_number: str
    title: str
    aliases: tuple[str, ...]
    issued: date
    rule: str
    valid_from: date | None
    valid_until: date | None
    repeals: tuple[str, ...]
    reference: Reference | None


@lru_cache(maxsize=1)
def table() -> dict[str, Validity]:
    """Load and check ``validity.yaml`` (unknown keys, rules and inconsistent dates are refused)."""
    path = HERE / "validity.yaml"
    data = load_yaml(path)
    entries = {}
    for number, entry in (data.get("documents") or {}).items():
        where = f"{path}: {number}"
        unknown = set(entry) - _KEYS
        if unknown:
            raise ParameterError(f"{where}: unknown keys {sorted(unknown)}. Valid keys: {sorted(_KEYS)}.")
        if entry.get("rule") not in RULES:
            raise ParameterError(f"{where}: rule {entry.get('rule')!r} is not one of {RULES}.")
        if entry["rule"] != "none" and not entry.get("reference"):
            raise ParameterError(f"{where}: a stated validity needs a reference quoting it.")
        valid_from, valid_until = entry.get("valid_from"), entry.get("valid_until")
        for value in (entry.get("issued"), valid_from, valid_until):
            if value is not None and not isinstance(value, date):
                raise ParameterError(f"{where}: bad date {value!r}; use YYYY-MM-DD.")
        if entry["rule"] == "years" and valid_until != _years_after(valid_from, entry.get("years", 0)):
            raise ParameterError(f"{where}: valid_until should be the day before the {entry.get('years')}th anniversary of valid_from.")
        reference = Reference(**entry["reference"]) if entry.get("reference") else None
        entries[number] = Validity(
            doc_number=number,
            title=entry["title"],
            aliases=tuple(entry.get("aliases") or ()),
            issued=entry["issued"],
            rule=entry["rule"],
            valid_from=valid_from,
            valid_until=valid_until,
            repeals=tuple(entry.get("repeals") or ()),
            reference=reference,
        )
    return entries


def _years_after(start: date | None, years: int) -> date | None:
    if start is None:
        return None
    try:
        return start.replace(year=start.year + years) - timedelta(days=1)
    except ValueError:
        return start.replace(year=start.year + years, day=28) - timedelta(days=1)


def find(text: str) -> Validity:
    """The document a text names, by number (〔〕 or []) or by an everyday alias."""
    normalised = re.sub(r"\s+", "", text).replace("[", "〔").replace("]", "〕")
    entries = table()
    for number, entry in entries.items():
        if number in normalised:
            return entry
    matches = [e for e in entries.values() if any(alias in normalised for alias in e.aliases)]
    if len(matches) == 1:
        return matches[0]
    names = "、".join(f"{e.doc_number}（{e.title}）" for e in entries.values())
    if matches:
        names = "、".join(f"{e.doc_number}（{e.title}）" for e in matches)
        raise CalculationError(f"问题可能指以下多份文件，请说明是哪一份：{names}")
    raise CalculationError(f"没有认出是哪份文件。已收录：{names}")


def status(doc: str, on: date) -> Calculation:
    """Whether ``doc`` (number or alias) is in force on ``on``, with the sentence that decides it."""
    entry = find(doc)
    steps = [f"文件：{entry.title}（{entry.doc_number}），{entry.issued.isoformat()} 印发。"]
    warnings: list[str] = []
    if entry.rule == "none":
        steps.append(f"{_NONE_STATED}，无法仅凭文件本身判断 {on.isoformat()} 是否仍然有效。")
        warnings.append("文件没有写明有效期，可能仍在执行，也可能已被后续文件替代，请向发文机关核实。")
        value = "未载明"
    else:
        steps.append(_rule_sentence(entry))
        if entry.valid_from and on < entry.valid_from:
            value = "尚未施行"
            steps.append(f"{on.isoformat()} 早于施行日期 {entry.valid_from.isoformat()}，尚未施行。")
        elif entry.valid_until and on > entry.valid_until:
            value = "已失效"
            steps.append(f"{on.isoformat()} 晚于有效期最后一天 {entry.valid_until.isoformat()}，已失效。")
        else:
            value = "有效"
            last = f"，有效期到 {entry.valid_until.isoformat()}（含当日）" if entry.valid_until else "，文件未规定终止日期"
            steps.append(f"{on.isoformat()} 在有效期内{last}。")
            if not entry.valid_until:
                warnings.append("文件未规定终止日期；是否已被修改或废止，文件本身无法说明。")
    if entry.repeals:
        steps.append("该文件同时废止：" + "、".join(entry.repeals) + "。")
    return Calculation(
        name="document_validity",
        inputs={"document": entry.doc_number, "date": on},
        value=value,
        unit="状态",
        steps=tuple(steps),
        citations=(entry.reference,) if entry.reference else (),
        warnings=tuple(warnings),
        not_modelled=("后续文件对本文件的修改、废止或延期（语料之外的文件不在判断范围内）",),
    )


def expiring_by(until: date, since: date | None = None) -> Calculation:
    """Documents whose last valid day falls on or before ``until`` (and on or after ``since``)."""
    if since and since > until:
        raise CalculationError(f"起始日期 {since.isoformat()} 晚于截止日期 {until.isoformat()}，请检查日期。")
    hits = sorted(
        (e for e in table().values() if e.valid_until and e.valid_until <= until and (since is None or e.valid_until >= since)),
        key=lambda e: e.valid_until,
    )
    steps = [f"{e.title}（{e.doc_number}）有效期至 {e.valid_until.isoformat()}。" for e in hits]
    undated = [e for e in table().values() if e.rule in ("none", "in_force_from")]
    if not hits:
        steps.append("没有文件在这段时间内到期。")
    steps.append(f"另有 {len(undated)} 份文件未规定终止日期，不在此列。")
    span = f"{since.isoformat()} 至 {until.isoformat()}" if since else f"{until.isoformat()} 及以前"
    return Calculation(
        name="documents_expiring",
        inputs={"until": until, "since": since},
        value=[e.doc_number for e in hits],
        unit="文件",
        steps=(f"查找有效期最后一天在 {span} 的文件：",) + tuple(steps),
        citations=tuple(e.reference for e in hits if e.reference),
        warnings=(),
        not_modelled=("后续文件对有效期的延长或提前废止",),
    )


def _rule_sentence(entry: Validity) -> str:
    quote = entry.reference.quote if entry.reference else ""
    if entry.rule == "until_date":
        return f"原文：“{quote}” 即 {entry.valid_from.isoformat()} 起，至 {entry.valid_until.isoformat()} 止（含当日）。"
    if entry.rule == "years":
        return (
            f"原文：“{quote}” 有效期自公布之日 {entry.valid_from.isoformat()} 起算，"
            f"最后一天是 {entry.valid_until.isoformat()}（届满周年的前一日）。"
        )
    return f"原文：“{quote}” 即自 {entry.valid_from.isoformat()} 起施行，未规定终止日期。"
