"""Every calculator behind one contract: a typed request, a pure computation, a typed result.

An entry names the calculator, says in plain Chinese what it computes, and holds its
request model (pydantic, ``extra="forbid"``: an unknown or misspelt input is an error that
names it). ``run(entry, request)`` returns a ``Calculation`` or, when an input is missing,
a ``Clarification`` — a value, not an exception. The LangChain tools are generated from
this list (``assistant.tools``); adding a calculator means one module, its YAML, its YAML
test cases and one entry here.

Usage::

    entry = get("sanming_payout")
    result = run(entry, {"liability": "inpatient_in_area", "eligible_amount": 38600, "preexisting": False})
    result.value  # 33600.0
"""

from __future__ import annotations

import math
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from assistant.boundary import EARLIEST, LATEST
from assistant.calculators import deadlines, payout, staffing, validity
from assistant.calculators.result import Calculation, CalculationError, Clarification


class Request(BaseModel):
    """Base of every calculator request: unknown inputs are refused, values are frozen, a
    number is a number (not true/false, NaN or infinity) and a date lies in 1949–2100."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_truth_values_for_numbers(cls, value, info: ValidationInfo):
        if isinstance(value, bool) and _number_kind(cls.model_fields[info.field_name].annotation):
            kind = _number_kind(cls.model_fields[info.field_name].annotation)
            raise PydanticCustomError(f"{kind}_type", "a number, not true/false")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _dates_in_range(cls, value, info: ValidationInfo):
        if isinstance(value, date) and not EARLIEST <= value <= LATEST:
            raise PydanticCustomError("date_out_of_range", "a date in 1949–2100")
        return value


def _number_kind(annotation) -> str | None:
    """"float" or "int" for a (possibly optional) number field, else None."""
    kinds = set(typing.get_args(annotation)) - {type(None)} if typing.get_args(annotation) else {annotation}
    return "float" if kinds == {float} else "int" if kinds == {int} else None


class PayoutRequest(Request):
    """One claim under 2024年三明普惠医联保."""

    liability: Literal["inpatient_in_area", "inpatient_out_of_area", "outpatient_special", "tumour_drugs", "rare_disease_drugs"] = Field(
        description="保险责任：统筹区内住院 / 统筹区外住院 / 门诊特殊病种 / 特定恶性肿瘤药品 / 特定罕见病药品",
        json_schema_extra={"labels": ["统筹区内住院", "统筹区外住院", "门诊特殊病种", "特定恶性肿瘤药品", "特定罕见病药品"]},
    )
    eligible_amount: float = Field(ge=0, description="经基本医保、大病保险报销后的合理费用（元）")
    preexisting: bool | None = Field(default=None, description="是否属于特定既往症人群；不知道时留空")
    conditions: tuple[str, ...] = Field(default=(), description="病名（如 慢阻肺、冠心病），会据此判断是否属于特定既往症")
    relief_recipient: bool = Field(default=False, description="是否为救助对象（低保、特困等）")
    drug_class: Literal["A", "B", "C"] | None = Field(default=None, description="特定恶性肿瘤药品类别")
    deductible_used: float = Field(default=0, ge=0, description="本年度该责任已抵扣的免赔额（元）")
    paid_this_year: float = Field(default=0, ge=0, description="本年度该责任已赔付金额（元）")
    self_paid_this_year: float = Field(default=0, ge=0, description="本年度此前已自付金额（元），用于兜底封顶")
    participation_rate: float | None = Field(default=None, ge=0, le=1, description="全市参保率（0–1），兜底保障需要")


class ValidityRequest(Request):
    """Is a document in force on a date."""

    document: str = Field(description="文号或文件简称，如 明政办规〔2023〕5号、普惠医联保")
    on: date = Field(description="判断日期 YYYY-MM-DD")


class ExpiringRequest(Request):
    """Which documents lapse in a period."""

    until: date = Field(description="截止日期 YYYY-MM-DD")
    since: date | None = Field(default=None, description="起始日期 YYYY-MM-DD（可选）")


class DeadlineRequest(Request):
    """The last day of a catalogued time limit."""

    rule: str = Field(description="期限的键或名称，如 bad_review_rectify_sanming、节能审查")
    start: date = Field(description="起算日 YYYY-MM-DD")


class DeadlineAfterRequest(Request):
    """The last day of N working days, days, months or years after a date."""

    start: date = Field(description="起算日 YYYY-MM-DD（当日不计入）")
    amount: int = Field(gt=0, le=3650, description="期限的数量")
    unit: Literal["工作日", "日", "个月", "年"] = Field(description="期限单位")


class WorkingDaysRequest(Request):
    """Working days after one date up to and including another."""

    start: date = Field(description="开始日期 YYYY-MM-DD（不计入）")
    end: date = Field(description="结束日期 YYYY-MM-DD（计入）")


class StaffingRequest(Request):
    """A headcount of the 一窗受理 staffing plan."""

    by: Literal["all", "level", "group", "role", "window", "phase"] = Field(
        default="all", description="统计口径", json_schema_extra={"labels": ["全部", "层级", "分组", "岗位", "窗口", "阶段"]}
    )
    key: str | None = Field(default=None, description="层级、分组、岗位、窗口或阶段，如 三元区、公安综合窗口、第二阶段")


class SumCheckRequest(Request):
    """Recompute every sum the staffing plan prints (no inputs)."""


class QueueRequest(Request):
    """Erlang C estimate of windows to open (a model, not a rule)."""

    arrivals_per_hour: float = Field(gt=0, description="高峰期每小时到达人数")
    mean_service_minutes: float = Field(gt=0, description="平均每人办理分钟数")
    target_mean_wait_minutes: float = Field(gt=0, description="希望的平均等待分钟数")


@dataclass(frozen=True)
class Entry:
    """One calculator: its name, the command-line word for it, what it computes (in Chinese),
    its request type and its function."""

    name: str
    command: str
    title: str
    description: str
    request: type[Request]
    compute: Callable[[Request], Calculation]


def _payout(request: PayoutRequest) -> Calculation:
    known = {c.name for c in payout.conditions()[0]}
    # Conditions come by their names (the chat has read them already) or in everyday words.
    named = tuple(dict.fromkeys(
        [n for n in request.conditions if n in known] + [c.name for c in payout.match_conditions("、".join(n for n in request.conditions if n not in known))]
    ))
    if request.conditions and not named:
        raise CalculationError(
            f"没有认出这些病名属于特定既往症：{'、'.join(request.conditions)}。请直接说明被保人是否属于特定既往症人群。"
        )
    values = request.model_dump()
    values["conditions"] = named
    return payout.compute(payout.PayoutRequest(**values))


REGISTRY: tuple[Entry, ...] = (
    Entry("sanming_payout", "payout", "普惠医联保赔付", "计算2024年三明普惠医联保一次理赔的赔付金额，返回金额、计算步骤和依据条款。", PayoutRequest,
          _payout),
    Entry("document_validity", "validity", "文件有效期", "判断某份公报文件在某日是否有效（有效、已失效、尚未施行、未载明）。", ValidityRequest,
          lambda r: validity.status(r.document, r.on)),
    Entry("documents_expiring", "expiring", "到期文件", "列出在某日期（及可选起始日期）之前到期的公报文件。", ExpiringRequest,
          lambda r: validity.expiring_by(r.until, r.since)),
    Entry("deadline", "deadline", "办理时限", "按公报中的办理时限计算截止日（工作日按法定节假日和调休计算）。", DeadlineRequest,
          lambda r: deadlines.compute(r.rule, r.start)),
    Entry("deadline_after", "deadline-after", "N个工作日后", "计算某日之后若干工作日、日、月或年的最后一天（当日不计入）。", DeadlineAfterRequest,
          lambda r: deadlines.deadline_after(r.start, r.amount, r.unit)),
    Entry("working_days_between", "working-days", "间隔工作日", "计算两个日期之间的工作日数（开始日之后到结束日，含结束日）。", WorkingDaysRequest,
          lambda r: deadlines.working_days_between(r.start, r.end)),
    Entry("staffing_total", "staffing", "窗口人员", "一窗受理改革窗口人员配置：按全部、层级、分组、岗位、窗口或阶段统计人数。", StaffingRequest,
          lambda r: staffing.total(r.by, r.key if r.by != "all" else None)),
    Entry("staffing_sum_check", "staffing-check", "人数核对", "重新计算一窗受理方案中印出的每个合计数，逐项说明是否相符及所在条款。", SumCheckRequest,
          lambda r: staffing.consistency_check()),
    Entry("window_queue_model", "queue", "窗口排队估算", "用排队模型（Erlang C）估算高峰期需要开放的窗口数；是模型估算，不是文件规定。", QueueRequest,
          lambda r: staffing.recommend_windows(r.arrivals_per_hour, r.mean_service_minutes, r.target_mean_wait_minutes)),
)


def get(name: str) -> Entry:
    """The entry of that name; the error lists the names there are."""
    for entry in REGISTRY:
        if entry.name == name:
            return entry
    raise CalculationError(f"没有名为“{name}”的计算器。可选：{'、'.join(e.name for e in REGISTRY)}。")


def label(entry: Entry, name: str) -> str:
    """A field's name in words: the head of its description ("起算日" for ``start``)."""
    field = entry.request.model_fields.get(name)
    return re.split(r"[（(，,；;：:\s]", field.description or name)[0] if field is not None else name


def bare(annotation):
    """``X | None`` as ``X``; any other annotation unchanged.

    >>> bare(int | None), bare(str)
    (<class 'int'>, <class 'str'>)
    """
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


def _choices(entry: Entry, name: str, in_words: bool = True) -> str:
    """The values a Literal field takes: in words where the field names them (its ``labels``)
    and ``in_words``, else as they are typed on the command line."""
    field = entry.request.model_fields.get(name)
    annotation = bare(field.annotation) if field is not None else None
    if typing.get_origin(annotation) is not typing.Literal:
        return ""
    labels = (field.json_schema_extra or {}).get("labels") if isinstance(field.json_schema_extra, dict) else None
    return "、".join(str(o) for o in ((labels if in_words else None) or typing.get_args(annotation)))


def _allowed(item: dict) -> str:
    """What the value should have been, in words."""
    context = {key: _plain(value) for key, value in (item.get("ctx") or {}).items()}
    kind = item["type"]
    if kind == "greater_than_equal":
        return f"不能小于 {context.get('ge')}"
    if kind == "greater_than":
        return f"必须大于 {context.get('gt')}"
    if kind == "less_than_equal":
        return f"不能大于 {context.get('le')}"
    if kind == "finite_number":
        return "必须是一个确定的数"
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type", "int_from_float"):
        return "必须是数字" if kind.startswith("float") else "必须是整数"
    if kind == "date_out_of_range":
        return f"必须在 {EARLIEST.year} 年到 {LATEST.year} 年之间"
    if kind.startswith("date"):
        return "必须是日期，如 2024-06-01"
    if kind == "literal_error":
        return f"只能是 {context['choices']}" if context.get("choices") else "不在可选范围内"
    return "取值无效"


def _plain(value):
    """0.0 as 0, 1.0 as 1, True as 是: values read as people write them."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return int(value) if isinstance(value, float) and value.is_integer() else value


def problems(entry: Entry, error: ValidationError, name_of: Callable[[str], str] | None) -> str:
    """Each invalid input in words: the field's own label (and, where the caller names fields
    its own way, that name), what was given, what is allowed. No internal key is shown
    unless ``name_of`` asks for it."""
    return "；".join(problem for _, problem in _each_problem(entry, error, name_of))


def field_problems(entry: Entry, inputs: dict) -> dict[str, str]:
    """What is wrong with each input, by field name ({} when the request is valid): for a
    form that shows each problem next to its own box.

    >>> field_problems(get("sanming_payout"), {"liability": "inpatient_in_area", "eligible_amount": -5})
    {'eligible_amount': '经基本医保、大病保险报销后的合理费用不能小于 0（收到 -5）'}
    """
    try:
        entry.request.model_validate(inputs)
    except ValidationError as error:
        found: dict[str, str] = {}
        for name, problem in _each_problem(entry, error, None):
            found[name] = f"{found[name]}；{problem}" if name in found else problem
        return found
    return {}


def _each_problem(entry: Entry, error: ValidationError, name_of: Callable[[str], str] | None) -> list[tuple[str, str]]:
    fields = entry.request.model_fields
    problems = []
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else ""
        called = f"（{name_of(name)}）" if name_of else ""
        if item["type"] == "extra_forbidden":
            known = "、".join(name_of(f) for f in fields) if name_of else "、".join(label(entry, f) for f in fields)
            problems.append((name, f"不认识的输入{called or '“' + name + '”'}（可用：{known}）"))
            continue
        if item["type"] == "missing":
            problems.append((name, f"缺少{label(entry, name)}{called}"))
            continue
        given = item.get("input")
        unreadable = isinstance(given, float) and not math.isfinite(given)  # "收到 nan" says nothing to a person
        shown = "" if given is None or given == "" or isinstance(given, dict) or unreadable else f"（收到 {_plain(given)}）"
        if item["type"] == "literal_error":
            item = {**item, "ctx": {"choices": _choices(entry, name, in_words=name_of is None)}}
        problems.append((name, f"{label(entry, name)}{called}{_allowed(item)}{shown}"))
    return problems


def run(entry: Entry, inputs: dict | Request, name_of: Callable[[str], str] | None = None) -> Calculation | Clarification:
    """Validate the inputs against the entry's request type and compute.

    Bad inputs raise ``CalculationError`` with every problem named (by its label, and by
    ``name_of(field)`` where the caller has its own names, such as command-line options);
    a missing input comes back as a ``Clarification``."""
    try:
        request = inputs if isinstance(inputs, entry.request) else entry.request.model_validate(inputs)
    except ValidationError as error:
        raise CalculationError(f"{entry.title}的输入有误：{problems(entry, error, name_of)}。") from None
    try:
        return entry.compute(request)
    except payout.NeedsInput as needed:
        return Clarification(needed.field, needed.question)
