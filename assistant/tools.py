"""The calculators as LangChain StructuredTools with typed input schemas.

The same pure functions back the chat router, the ``policy-assistant calc`` command
and the web form; these wrappers let an agent framework call them too. Each tool
returns the calculation as a JSON-ready dict.

Usage::

    from assistant.tools import calculator_tools
    tools = {t.name: t for t in calculator_tools()}
    tools["sanming_payout"].invoke({"liability": "inpatient_in_area", "eligible_amount": 38600, "preexisting": False})
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from assistant.calculators import deadlines, payout, staffing, validity


class PayoutInput(BaseModel):
    """Inputs of the 三明普惠医联保 2024 payout calculation."""

    liability: Literal["inpatient_in_area", "inpatient_out_of_area", "outpatient_special", "tumour_drugs", "rare_disease_drugs"] = Field(
        description="保险责任：统筹区内住院 / 统筹区外住院 / 门诊特殊病种 / 特定恶性肿瘤药品 / 特定罕见病药品"
    )
    eligible_amount: float = Field(ge=0, description="经基本医保、大病保险报销后的合理费用（元）")
    preexisting: bool | None = Field(default=None, description="是否属于特定既往症人群；不知道时留空")
    conditions: list[str] = Field(default_factory=list, description="病名（如 慢阻肺、冠心病），会据此判断是否属于特定既往症")
    relief_recipient: bool = Field(default=False, description="是否为救助对象（低保、特困等）")
    drug_class: Literal["A", "B", "C"] | None = Field(default=None, description="特定恶性肿瘤药品类别")
    deductible_used: float = Field(default=0, ge=0, description="本年度该责任已抵扣的免赔额（元）")
    paid_this_year: float = Field(default=0, ge=0, description="本年度该责任已赔付金额（元）")
    self_paid_this_year: float = Field(default=0, ge=0, description="本年度此前已自付金额（元），用于兜底封顶")
    participation_rate: float | None = Field(default=None, ge=0, le=1, description="全市参保率（0–1），兜底保障需要")


class ValidityInput(BaseModel):
    """Is a document in force on a date."""

    document: str = Field(description="文号或文件简称，如 明政办规〔2023〕5号、普惠医联保")
    on: date = Field(description="判断日期 YYYY-MM-DD")


class ExpiringInput(BaseModel):
    """Which documents lapse in a period."""

    until: date = Field(description="截止日期 YYYY-MM-DD")
    since: date | None = Field(default=None, description="起始日期 YYYY-MM-DD（可选）")


class DeadlineInput(BaseModel):
    """The last day of a catalogued time limit."""

    rule: str = Field(description="期限的键或名称，如 bad_review_rectify_sanming、节能审查")
    start: date = Field(description="起算日 YYYY-MM-DD")


class WorkingDaysInput(BaseModel):
    """Working days after one date up to and including another."""

    start: date
    end: date


class StaffingInput(BaseModel):
    """A headcount of the 一窗受理 staffing plan."""

    by: Literal["all", "level", "group", "role", "window", "phase"] = "all"
    key: str | None = Field(default=None, description="层级、分组、岗位、窗口或阶段，如 三元区、police、第二阶段")


class QueueInput(BaseModel):
    """Erlang C estimate of windows to open (a model, not a rule)."""

    arrivals_per_hour: float = Field(gt=0)
    mean_service_minutes: float = Field(gt=0)
    target_mean_wait_minutes: float = Field(gt=0)


def _payout(**kwargs) -> dict:
    names = tuple(c.name for c in payout.match_conditions("、".join(kwargs.pop("conditions", []) or [])))
    return payout.compute(payout.PayoutRequest(**kwargs, conditions=names)).to_dict()


def calculator_tools() -> list[StructuredTool]:
    """Every calculator as a StructuredTool."""
    tools = [
        StructuredTool.from_function(
            func=_payout,
            name="sanming_payout",
            description="计算2024年三明普惠医联保一次理赔的赔付金额，返回金额、计算步骤和依据条款。",
            args_schema=PayoutInput,
        ),
        StructuredTool.from_function(
            func=lambda document, on: validity.status(document, on).to_dict(),
            name="document_validity",
            description="判断某份公报文件在某日是否有效（有效、已失效、尚未施行、未载明）。",
            args_schema=ValidityInput,
        ),
        StructuredTool.from_function(
            func=lambda until, since=None: validity.expiring_by(until, since).to_dict(),
            name="documents_expiring",
            description="列出在某日期（及可选起始日期）之前到期的公报文件。",
            args_schema=ExpiringInput,
        ),
        StructuredTool.from_function(
            func=lambda rule, start: deadlines.compute(rule, start).to_dict(),
            name="deadline",
            description="按公报中的办理时限计算截止日（工作日按法定节假日和调休计算）。",
            args_schema=DeadlineInput,
        ),
        StructuredTool.from_function(
            func=lambda start, end: deadlines.working_days_between(start, end).to_dict(),
            name="working_days_between",
            description="计算两个日期之间的工作日数（开始日之后到结束日，含结束日）。",
            args_schema=WorkingDaysInput,
        ),
        StructuredTool.from_function(
            func=lambda by="all", key=None: staffing.total(by, key if by != "all" else None).to_dict(),
            name="staffing_total",
            description="一窗受理改革窗口人员配置：按全部、层级、分组、岗位、窗口或阶段统计人数。",
            args_schema=StaffingInput,
        ),
        StructuredTool.from_function(
            func=lambda **kw: staffing.recommend_windows(**kw).to_dict(),
            name="window_queue_model",
            description="用排队模型（Erlang C）估算高峰期需要开放的窗口数；是模型估算，不是文件规定。",
            args_schema=QueueInput,
        ),
    ]
    return tools
