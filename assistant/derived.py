"""Numbers derived from a cited clause: a time limit it states, counted from a date the
question gives.

"我2024年3月1日提交了申请，最晚哪天要办结？" answered with a clause saying
"自受理之日起10个工作日内办结" gets the date, computed by the deadline calculator, with
the clause's own words as the citation and the counting convention stated. Only a clause
with exactly one such limit is used; two different limits mean the question must say
which, so the clause is quoted instead.
"""

from __future__ import annotations

import re
from datetime import date

import cn2an

from assistant import quantities
from assistant.calculators import deadlines
from assistant.calculators.parameters import Reference
from assistant.calculators.result import Calculation, CalculationError

_LIMIT = re.compile(r"(\d+|[一二两三四五六七八九十百]+)\s*(个工作日|工作日|日|天|个月|年)内")
_WHEN = re.compile(r"哪天|哪一天|几号|几月几日|最晚|最迟|截止|什么时候|何时|之前|前要|到期")
_UNIT = {"个工作日": "工作日", "工作日": "工作日", "日": "日", "天": "日", "个月": "个月", "年": "年"}


def clause_deadline(question: str, clause_text: str, doc_number: str, section: str, as_of: date) -> Calculation | None:
    """The last day of the one time limit a clause states, from the date the question gives."""
    if not _WHEN.search(question):
        return None
    try:
        starts = quantities.dates(question, as_of)
    except CalculationError:
        return None
    if len(starts) != 1:
        return None
    limits = {(match.group(1), _UNIT[match.group(2)], match.group(0)) for match in _LIMIT.finditer(clause_text)}
    if len({(amount, unit) for amount, unit, _ in limits}) != 1:
        return None
    raw, unit, words = next(iter(limits))
    amount = int(raw) if raw.isdigit() else int(cn2an.cn2an(raw, "smart"))
    result = deadlines.deadline_after(starts[0], amount, unit)
    reference = Reference(doc_number=doc_number, section=section, quote=words)
    steps = (f"条款规定“{words}”，从问题给出的 {starts[0].isoformat()} 起算。", *result.steps)
    warnings = (*result.warnings, "起算日按您给出的日期、次日开始计算；条款所说的起算事件（受理、收到材料等）是否就是这一天，请以实际为准。")
    return Calculation(
        name="clause_deadline",
        inputs={**result.inputs, "clause": section},
        value=result.value,
        unit=result.unit,
        steps=steps,
        citations=(reference,),
        warnings=warnings,
        not_modelled=result.not_modelled,
    )


_TOTAL = re.compile(r"一共|总共|合计|加起来|共计|总计|累计|加在一起|总额|总数")
_DIFFERENCE = re.compile(r"相差|差多少|差了多少|多多少|少多少|多出|增加了?多少|提高了?多少|减少了?多少|增长了?多少|下降了?多少")
# Longest first: "个工作日" must not be read as "个".
_UNITS = ("个工作日", "工作日", "个百分点", "个月", "公顷", "平方米", "万元", "亿元", "元", "万张", "张", "万人", "人", "名", "个", "项", "家", "所", "亩", "吨", "天", "年", "%")
_QUANTITY = re.compile(r"(\d+(?:\.\d+)?)\s*(" + "|".join(map(re.escape, _UNITS)) + ")")


def quoted_arithmetic(question: str, quotes: list[tuple[str, str, str]]) -> Calculation | None:
    """The total or the difference a question asks of figures in the quoted clauses.

    ``quotes`` are (doc_number, section, quoted text). Only figures in the unit the question
    names (or the one unit the quotes use) count. A total adds one figure from each of two to
    four clauses, each of which holds exactly one such figure: within one clause, a list
    ("分别奖励500万元、300万元……200万元") says which figure belongs to whom, and adding it
    all up would be a confident wrong number. A difference takes exactly two figures. Each
    step names where its figure stands."""
    total, difference = _TOTAL.search(question), _DIFFERENCE.search(question)
    if not (total or difference):
        return None
    found = [
        (float(m.group(1)), m.group(2), m.group(0), doc, section)
        for doc, section, text in quotes
        for m in _QUANTITY.finditer(text)
        if not (m.group(2) == "年" and re.fullmatch(r"(19|20)\d{2}", m.group(1)))  # a year, not a count of years
    ]
    units = {u for _, u, _, _, _ in found}
    asked = next((u for u in _UNITS if u in question), None)
    if asked is not None and asked not in units:
        asked = next((u for u in units if u.endswith(asked)), None)  # "多少张" asks of "万张"
    unit = asked if asked in units else (next(iter(units)) if len(units) == 1 else None)
    figures = [f for f in found if f[1] == unit]
    if unit is None or not (2 <= len(figures) <= 4) or (difference and len(figures) != 2):
        return None
    per_clause: dict[tuple[str, str], int] = {}
    for figure in figures:
        per_clause[(figure[3], figure[4])] = per_clause.get((figure[3], figure[4]), 0) + 1
    if total and (len(per_clause) < 2 or max(per_clause.values()) > 1):
        return None
    citations = tuple(Reference(doc_number=doc, section=section, quote=words) for _, _, words, doc, section in figures)
    sources = [f"{words}（{doc} {section}）" for _, _, words, doc, section in figures]
    if difference:
        high, low = sorted((figures[0][0], figures[1][0]), reverse=True)
        value, steps = round(high - low, 6), (f"两个数字：{sources[0]}；{sources[1]}。", f"相差 {_plain(high)} − {_plain(low)} = {_plain(high - low)}{unit}。")
    else:
        value = round(sum(f[0] for f in figures), 6)
        steps = ("相加的数字：" + "；".join(sources) + "。", " + ".join(_plain(f[0]) for f in figures) + f" = {_plain(value)}{unit}。")
    return Calculation(
        name="quoted_arithmetic",
        inputs={"figures": [f[2] for f in figures], "operation": "difference" if difference else "total"},
        value=value,
        unit=unit,
        steps=steps,
        citations=citations,
        warnings=("只对引用条款中列出的数字做了加减；请核对这些数字是否正是您要合计或比较的范围。",),
    )


def _plain(number: float) -> str:
    return f"{number:,.6f}".rstrip("0").rstrip(".")
