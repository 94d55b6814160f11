"""2024年三明普惠医联保 payout: what the supplementary insurance pays for one claim.

Rules as data in ``payout.yaml`` (every ratio, deductible and cap with its clause)
and ``conditions.yaml`` (the 特定既往症 list). ``compute(request, params)`` is pure.

Readings of the printed table that are not obvious, all stated in the result:

* 特定既往症人群's insured-amount row is printed "/ 0.45万元 /": three cells for five
  columns. No cap is applied for that group and the result says what the cap would
  be if 0.45万元 were this liability's.
* 救助对象 in the 特定既往症人群 are said to follow the healthy group's ratios "即"
  100% (责任一) and 80% (责任二), while the healthy 责任二 ratio is 70%. The explicit
  80% is used and the contradiction is shown.
* 兜底保障 caps "统筹区内就医" out-of-pocket costs; it is applied to 责任一 (in-area
  inpatient) only, because the other liabilities' wording does not settle it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from assistant.calculators.parameters import Parameter, Reference, load_parameters, load_yaml
from assistant.calculators.result import Calculation, CalculationError, Trace, yuan

HERE = Path(__file__).parent
POLICY_YEAR_START = "2024-01-01"
MAX_AMOUNT = 100_000_000  # 1亿元: anything larger is a typing slip, not a medical bill
DEDUCTIBLE_MET = float(MAX_AMOUNT)  # "免赔额已经扣过": more than any deductible, so none is left

LIABILITIES: dict[str, str] = {
    "inpatient_in_area": "责任一：统筹区内住院医疗费用、高值耗材费用及高值药品费用保险金",
    "inpatient_out_of_area": "责任二：统筹区外医保范围内住院医疗费用保险金",
    "outpatient_special": "责任三：医保范围内门诊特殊病种医疗费用保险金",
    "tumour_drugs": "责任四：特定恶性肿瘤药品费用保险金",
    "rare_disease_drugs": "责任四：特定罕见病药品费用保险金",
}
_COLUMN = {name: index for index, name in enumerate(LIABILITIES)}
DRUG_CLASSES = ("A", "B", "C")


class NeedsInput(CalculationError):
    """An input the calculation cannot do without; ``question`` is what to ask the user, and
    ``choices`` the replies that would answer it (offered as buttons)."""

    def __init__(self, field: str, question: str, choices: tuple[str, ...] = ()):
        super().__init__(question)
        self.field = field
        self.question = question
        self.choices = choices


@dataclass(frozen=True)
class Condition:
    """A 特定既往症 with the words people use for it."""

    key: str
    category: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class PayoutRequest:
    """One claim. Amounts in yuan; ``eligible_amount`` is the reasonable cost left after
    basic medical insurance and 大病保险 (for 责任一) or the cost the liability covers."""

    liability: str
    eligible_amount: float
    preexisting: bool | None = None  # None: not known yet
    relief_recipient: bool = False
    drug_class: str | None = None  # A/B/C, for tumour drugs
    deductible_used: float = 0.0  # deductible already met this year for this liability
    paid_this_year: float = 0.0  # already paid by this liability this year
    self_paid_this_year: float = 0.0  # out-of-pocket already borne this year (for 兜底)
    participation_rate: float | None = None  # city-wide enrolment rate, 0–1
    conditions: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def parameters() -> dict[str, Parameter]:
    return load_parameters(HERE / "payout.yaml")


@lru_cache(maxsize=1)
def conditions() -> tuple[tuple[Condition, ...], Reference]:
    data = load_yaml(HERE / "conditions.yaml")
    reference = Reference(**data["reference"])
    items = tuple(
        Condition(c["key"], c["category"], c["name"], tuple(c["aliases"])) for c in data["conditions"]
    )
    return items, reference


def match_conditions(text: str) -> list[Condition]:
    """The 特定既往症 named in a text (by name or everyday alias), longest alias first."""
    found: list[Condition] = []
    items, _ = conditions()
    pairs = sorted(((alias, c) for c in items for alias in c.aliases), key=lambda p: -len(p[0]))
    consumed = text
    for alias, condition in pairs:
        if alias in consumed and condition not in found:
            found.append(condition)
            consumed = consumed.replace(alias, "　" * len(alias))
    return found


def compute(request: PayoutRequest, params: dict[str, Parameter] | None = None) -> Calculation:
    """The payout for one claim, with every step and its clause."""
    params = params or parameters()
    _validate(request)
    when = _policy_date()
    trace = Trace()
    column = _COLUMN[request.liability]
    trace.step(f"保险责任：{LIABILITIES[request.liability]}。")
    preexisting = _group(request, trace)
    ratio = _ratio(request, preexisting, column, params, trace, when)
    if ratio is None:
        trace.step("该人群在此项责任的赔偿比例印为“/”，即不予赔付。", params["ratios_preexisting"])
        trace.warn(f"特定既往症人群不在“{LIABILITIES[request.liability]}”的保障范围内（表中赔偿比例印为“/”），所以赔付为 0 元。")
        return _result(request, 0.0, trace, params)

    deductible = params["deductibles_table"].at(when)[column]
    if column == 0:
        trace.cite(params["deductible_inpatient_in_area"])
    remaining_deductible = max(0.0, deductible - request.deductible_used)
    used = "已全部抵扣" if request.deductible_used >= deductible else f"已抵扣 {yuan(request.deductible_used)}"
    trace.step(
        f"年免赔额 {yuan(deductible)}，本年度{used}，本次还需自付免赔 {yuan(remaining_deductible)}。",
        params["deductibles_table"],
    )
    base = max(0.0, request.eligible_amount - remaining_deductible)
    trace.step(f"可赔付金额 = {yuan(request.eligible_amount)} − {yuan(remaining_deductible)} = {yuan(base)}。")
    payout = round(base * ratio, 2)
    trace.step(f"按赔偿比例 {ratio:.0%}：{yuan(base)} × {ratio:.0%} = {yuan(payout)}。")
    payout = _apply_insured_cap(request, preexisting, column, payout, params, trace, when)
    if column == 0:
        payout = _apply_floor(request, payout, params, trace, when)
    return _result(request, payout, trace, params)


def _validate(request: PayoutRequest) -> None:
    if request.liability not in LIABILITIES:
        choices = "；".join(LIABILITIES.values())
        raise CalculationError(f"没有“{request.liability}”这项保险责任。可选：{choices}。")
    labels = {"eligible_amount": "自付费用", "deductible_used": "已用免赔额", "paid_this_year": "本年已赔金额", "self_paid_this_year": "本年已自付金额"}
    for name, label in labels.items():
        value = getattr(request, name)
        if not math.isfinite(value):
            raise CalculationError(f"{label}不是一个有效的数字，请填写具体金额（元）。")
        if value < 0:
            raise CalculationError(f"{label}不能为负数（收到 {value:,.2f} 元），请核对后再算。")
        if value > MAX_AMOUNT and name != "deductible_used":
            raise CalculationError(f"金额 {value:,.0f} 元超过 1 亿元，不像是一次医疗费用，请核对后再算。")
    if request.participation_rate is not None and not (math.isfinite(request.participation_rate) and 0 <= request.participation_rate <= 1):
        raise CalculationError(f"参保率应在 0% 到 100% 之间，收到 {request.participation_rate:.1%}。")
    if request.liability == "tumour_drugs" and request.drug_class not in DRUG_CLASSES:
        raise NeedsInput("drug_class", "特定恶性肿瘤药品分 A、B、C 三类，赔付比例分别为 70%、50%、30%。您用的药属于哪一类？")


def _group(request: PayoutRequest, trace: Trace) -> bool:
    if request.conditions:
        names = "、".join(request.conditions)
        trace.step(f"您提到的 {names} 属于特定既往症，按特定既往症人群计算。")
        trace.cite_reference("preexisting_conditions", conditions()[1])
        return True
    if request.preexisting is None:
        raise NeedsInput(
            "preexisting",
            "赔付比例取决于是否有特定既往症（如恶性肿瘤、慢阻肺、冠心病、脑梗、糖尿病伴并发症等）。请问被保人有这类病史吗？",
        )
    trace.step("按特定既往症人群计算。" if request.preexisting else "按健康人群计算（无特定既往症）。")
    return request.preexisting


def _ratio(request, preexisting, column, params, trace, when) -> float | None:
    if not preexisting:
        if column <= 2:
            ratio = params["ratios_healthy"].at(when)[column]
            trace.step(f"健康人群赔偿比例 {ratio:.0%}。", params["ratios_healthy"])
            return ratio
        if column == 3:
            ratio = params["ratios_tumour_drugs"].at(when)[request.drug_class]
            trace.step(f"特定恶性肿瘤药品 {request.drug_class} 类，赔偿比例 {ratio:.0%}。", params["ratios_tumour_drugs"])
            return ratio
        ratio = params["ratio_rare_disease_drugs"].at(when)
        trace.step(f"特定罕见病药品赔偿比例 {ratio:.0%}。", params["ratio_rare_disease_drugs"])
        return ratio
    if request.relief_recipient and column <= 1:
        ratio = params["relief_ratios_preexisting"].at(when)[column]
        trace.step(f"救助对象中的特定既往症人群，赔偿比例按 {ratio:.0%}。", params["relief_ratios_preexisting"])
        if column == 1:
            healthy = params["ratios_healthy"].at(when)[1]
            trace.cite(params["relief_rule_follows_healthy"], params["ratios_healthy"])
            trace.warn(
                f"原文前后不一致：救助对象“参照健康人群的赔偿比例”，但健康人群责任二比例为 {healthy:.0%}，"
                f"而同一句又写明“责任二……按 80%”。本计算采用写明的 {ratio:.0%}；以承保机构的理赔结果为准。"
            )
        return ratio
    ratio = params["ratios_preexisting"].at(when)[min(column, 3)]
    if ratio is not None:
        trace.step(f"特定既往症人群赔偿比例 {ratio:.0%}。", params["ratios_preexisting"])
        if request.relief_recipient:
            trace.step("救助对象的倾斜只针对责任一、责任二，其余保障内容不变。", params["relief_ratios_preexisting"])
    return ratio


def _apply_insured_cap(request, preexisting, column, payout, params, trace, when) -> float:
    if preexisting:
        printed = params["insured_amounts_preexisting_printed"]
        trace.cite(printed)
        trace.warn(
            f"特定既往症人群的保险金额一行原文印为“{printed.at(when)}”，无法对应到各项责任，本计算没有按保额封顶；"
            f"若 0.45 万元是本项责任的保额，则最多赔 {yuan(max(0.0, 4500 - request.paid_this_year))}。"
        )
        return payout
    insured = (params["insured_amounts_inpatient"].at(when) + params["insured_amounts_other"].at(when))[column]
    reference = params["insured_amounts_inpatient"] if column <= 1 else params["insured_amounts_other"]
    room = max(0.0, insured - request.paid_this_year)
    if payout > room:
        trace.step(
            f"保险金额 {yuan(insured)}，本年度已赔 {yuan(request.paid_this_year)}，剩余额度 {yuan(room)}，本次赔付以此为限。",
            reference,
        )
        return room
    trace.step(f"未超过保险金额 {yuan(insured)}（本年度已赔 {yuan(request.paid_this_year)}）。", reference)
    return payout


def _apply_floor(request, payout, params, trace, when) -> float:
    caps = params["floor_caps"].at(when)
    out_of_pocket = request.self_paid_this_year + request.eligible_amount - payout
    lowest = min(caps.values())
    if out_of_pocket <= lowest:
        trace.step(f"本年度个人自付合计 {yuan(out_of_pocket)}，未达到兜底封顶线，不涉及兜底保障。", params["floor_caps"])
        return payout
    if request.participation_rate is None:
        raise NeedsInput(
            "participation_rate",
            f"本年度个人自付约 {yuan(out_of_pocket)}，可能触发兜底保障：全市参保率达到 20% 时个人自付封顶 12 万元，达到 30% 时封顶 10 万元。"
            "请问全市参保率是多少（例如 25%）？",
        )
    applicable = [threshold for threshold in caps if request.participation_rate >= threshold]
    if not applicable:
        trace.step(
            f"全市参保率 {request.participation_rate:.1%}，未达到 20%，不触发兜底保障。", params["floor_caps"]
        )
        return payout
    cap = caps[max(applicable)]
    if out_of_pocket <= cap:
        trace.step(
            f"全市参保率 {request.participation_rate:.1%}，个人自付封顶 {yuan(cap)}；本年度个人自付 {yuan(out_of_pocket)} 未超过封顶线。",
            params["floor_caps"],
        )
        return payout
    extra = round(out_of_pocket - cap, 2)
    trace.step(
        f"全市参保率 {request.participation_rate:.1%}，个人自付封顶 {yuan(cap)}；本年度个人自付将达 {yuan(out_of_pocket)}，"
        f"超出部分 {yuan(extra)} 由兜底保障承担。",
        params["floor_caps"],
    )
    return round(payout + extra, 2)


def _result(request: PayoutRequest, payout: float, trace: Trace, params: dict[str, Parameter]) -> Calculation:
    when = _policy_date()
    trace.step(
        f"适用 2024 年度产品：保费 {params['premium'].at(when)} 元/人·年，{params['enrolment_deadline'].at(when)} 前集中参保缴费，"
        f"{params['coverage_start'].at(when)} 起保，保险期限一年。",
        params["premium"],
        params["enrolment_deadline"],
        params["coverage_start"],
    )
    trace.cite(params["disclosure_prevails"])
    trace.warn("文件规定保障范围“具体以当年度产品正式披露信息为准”，实际赔付以承保机构核定为准。")
    trace.step(f"本次普惠医联保赔付 {yuan(payout)}；个人仍需负担 {yuan(max(0.0, request.eligible_amount - payout))}。")
    return Calculation(
        name="sanming_huimin_payout_2024",
        inputs={k: v for k, v in request.__dict__.items() if v not in (None, (), 0.0) or k in ("liability", "eligible_amount")},
        value=round(payout, 2),
        unit="元",
        steps=tuple(trace.steps),
        citations=trace.citations(),
        warnings=tuple(trace.warnings),
        not_modelled=(
            "基本医保、大病保险、医疗救助的报销本身（输入金额应为这些报销之后的合理费用）",
            "是否属于合理、合规费用及指定医疗机构、药品清单的审核",
            "兜底保障是否适用于责任二至责任四（文件只写“统筹区内就医的人群”），本计算只用于责任一",
            "欠缴保费、中断参保等不享受待遇的情形",
        ),
    )


def _policy_date() -> date:
    return date.fromisoformat(POLICY_YEAR_START)
