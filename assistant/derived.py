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
