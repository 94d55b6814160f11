"""Recognise calculator questions in plain Chinese, pull out their inputs, ask for what is missing.

A question goes to a calculator only when it carries what the calculator needs to be
useful (an amount for a payout, a document for validity…); otherwise it is left to
retrieval. When one input is missing, the router returns the calculator's own question
(kind ``clarify``); on the next turn it reads the answer against that question and
the original question together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from assistant import quantities
from assistant.calculators import payout, staffing, validity
from assistant.calculators.result import Calculation, CalculationError
from assistant.types import Turn

_INSURANCE = re.compile(r"普惠医联保|医联保|惠民保|普惠保|补充医疗保险")
_PAYOUT_ASK = re.compile(r"赔|报销|报多少|能报|理赔|给付|能拿回|能拿多少")
_OUT_OF_AREA = re.compile(r"统筹区外|外地|省外|市外|异地|外省|外市|福州|厦门|上海")
_OUTPATIENT = re.compile(r"门诊特殊病种|门特|特殊病种|门诊特病|慢特病")
_TUMOUR_DRUG = re.compile(r"肿瘤药|抗癌药|靶向药|化疗药|恶性肿瘤药品|特药")
_RARE_DRUG = re.compile(r"罕见病")
_INPATIENT = re.compile(r"住院|住了|开刀|手术")
_RELIEF = re.compile(r"救助对象|低保|特困|五老|孤儿|困难群体")
_NO = re.compile(r"^(没有|没|无|否|不是|都没有|没得过|健康|身体健康|没病)")
_YES = re.compile(r"^(有|是|对|得过|有的)")
_DRUG_CLASS = re.compile(r"([ABCabc])\s*类")

_STAFF_CONTEXT = re.compile(r"窗口|工作人员|人员|导办|运营管理|外包|一窗|政务服务中心|办事大厅|专窗")
_HEADCOUNT_ASK = re.compile(r"多少人|几个人|几名|多少名|配多少|配几|人数|几人|多少个人|多少工作人员|配备多少|招多少|要多少人")
_SUM_CHECK = re.compile(r"加起来.{0,6}(对|一致)|核对.{0,6}(人数|合计)|(人数|合计).{0,6}(对不对|一致吗|对得上)")
_PHASE = re.compile(r"第([一二])阶段")
# (by, pattern, key): the longest, most specific names first ("社医保" before "医保").
_STAFF_KEYS: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (by, re.compile(pattern), key)
    for by, pattern, key in (
        ("window", r"社医保", "social_medical_insurance"),
        ("window", r"出入境", "exit_entry"),
        ("window", r"治安", "public_order"),
        ("window", r"驾管|驾驶证", "driver_management"),
        ("window", r"交通违法|违章", "traffic_violations"),
        ("window", r"公安", "police"),
        ("window", r"商事登记|企业开办", "business_registration"),
        ("window", r"工程建设", "construction_approval"),
        ("window", r"税务", "tax"),
        ("window", r"社保", "social_insurance"),
        ("window", r"医保", "medical_insurance"),
        ("window", r"不动产", "real_estate"),
        ("window", r"公积金", "housing_fund"),
        ("window", r"市政公用|水电气|供水|供电|燃气", "public_utilities"),
        ("window", r"婚姻登记|结婚登记", "marriage_registration"),
        ("window", r"无差别", "general"),
        ("window", r"办不成事|找茬", "complaints"),
        ("window", r"一件事一次办", "one_thing_once"),
        ("window", r"跨省通办|省内通办", "cross_region"),
        ("window", r"帮办代办|惠企政策", "assisted_and_policy"),
        ("window", r"公证|法律援助", "notary_legal_aid"),
        ("group", r"咨询服务、?导办、?运营|导办.{0,2}运营|运营.{0,2}导办", "support"),
        ("role", r"现场运营|运营管理", "on_site_management"),
        ("role", r"咨询导办|导办", "front_desk_guides"),
        ("role", r"智能体验|自助服务|自助区", "self_service_guide"),
        ("role", r"专项领域|分领域", "special_field"),
        ("role", r"特殊用途|专窗", "special_purpose"),
        ("group", r"窗口(工作)?人员(一共|总共|合计)|窗口.{0,4}(一共|总共|合计)", "windows"),
    )
)
_ARRIVALS = re.compile(r"(?:每小时|一小时|每个小时)[^\d]{0,6}(\d+(?:\.\d+)?)\s*(?:个|位|名)?人|(\d+(?:\.\d+)?)\s*人\s*/\s*小?时")
_SERVICE = re.compile(r"(?:平均|每人|每件|每个人|办一件|办理).{0,8}?(\d+(?:\.\d+)?)\s*分钟")
_WAIT = re.compile(r"(?:等|排队|等候|等待).{0,10}?(\d+(?:\.\d+)?)\s*分钟")


def _queue_inputs(text: str) -> tuple[float, float, float] | None:
    arrivals, service, wait = _ARRIVALS.search(text), _SERVICE.search(text), _WAIT.search(text)
    if not (arrivals and service and wait):
        return None
    rate = float(arrivals.group(1) or arrivals.group(2))
    return rate, float(service.group(1)), float(wait.group(1))


_VALIDITY_ASK = re.compile(r"有效|失效|过期|到期|还能用|还管用|作废|废止|还在执行|还执行|生效|施行|还算数")
_EXPIRING_LIST = re.compile(r"哪些.{0,12}(到期|失效|过期)|(到期|失效|过期)的.{0,6}(有哪些|是哪些)")


@dataclass(frozen=True)
class Routed:
    """A calculator's answer, or the one question it needs answered first."""

    calculator: str
    calculation: Calculation | None = None
    clarify: str | None = None
    inputs: dict = field(default_factory=dict)


class Router:
    """Send calculator questions to the right calculator with the right inputs.

    Usage::

        routed = Router().route("我在三明住院自付了3.86万，普惠医联保能赔多少？", [], date.today())
        routed.clarify  # asks about 特定既往症 first
    """

    def route(self, question: str, history: list[Turn], as_of: date) -> Routed | None:
        original, answers = _clarify_chain(question, history)
        try:
            for attempt in (self._payout, self._staffing, self._validity):
                routed = attempt(original, answers, as_of)
                if routed is not None:
                    return routed
        except payout.NeedsInput as needed:
            return Routed("payout", clarify=needed.question, inputs={"field": needed.field})
        except CalculationError as error:
            return Routed("error", clarify=str(error))
        return None

    # -- payout ---------------------------------------------------------------

    def _payout(self, text: str, answers: dict[str, str], as_of: date) -> Routed | None:
        if not (_INSURANCE.search(text) and _PAYOUT_ASK.search(text)):
            return None
        money = quantities.amounts(text)
        if not money:
            return None
        liability = _liability(text)
        conditions = tuple(c.name for c in payout.match_conditions(text + answers.get("preexisting", "")))
        preexisting = None
        if conditions:
            preexisting = True
        elif "preexisting" in answers:
            preexisting = _yes_no(answers["preexisting"])
        elif re.search(r"既往症|病史", text) and re.search(r"没有|无", text):
            preexisting = False
        drug = _DRUG_CLASS.search(text + answers.get("drug_class", ""))
        rate = quantities.percent(text + " " + answers.get("participation_rate", ""))
        if rate is None and "participation_rate" in answers:
            number = re.search(r"\d+(?:\.\d+)?", answers["participation_rate"])
            rate = float(number.group()) / 100 if number else None
        request = payout.PayoutRequest(
            liability=liability,
            eligible_amount=money[0],
            preexisting=preexisting,
            relief_recipient=bool(_RELIEF.search(text)),
            drug_class=drug.group(1).upper() if drug else None,
            participation_rate=rate,
            conditions=conditions,
        )
        return Routed("payout", calculation=payout.compute(request), inputs=request.__dict__)

    # -- staffing ---------------------------------------------------------------

    def _staffing(self, text: str, answers: dict[str, str], as_of: date) -> Routed | None:
        queue = _queue_inputs(text)
        if queue is not None:
            return Routed("staffing", calculation=staffing.recommend_windows(*queue), inputs={"queue": queue})
        named = _STAFF_CONTEXT.search(text) or any(pattern.search(text) for by, pattern, _ in _STAFF_KEYS if by == "window")
        if not (named and (_HEADCOUNT_ASK.search(text) or _SUM_CHECK.search(text))):
            return None
        if _SUM_CHECK.search(text):
            return Routed("staffing", calculation=staffing.consistency_check())
        phase = _PHASE.search(text)
        if phase:
            return Routed("staffing", calculation=staffing.total("phase", f"第{phase.group(1)}阶段"))
        for by, pattern, key in _STAFF_KEYS:
            if pattern.search(text):
                return Routed("staffing", calculation=staffing.total(by, key))
        if re.search(r"三元区", text):
            return Routed("staffing", calculation=staffing.total("level", "三元区"))
        if re.search(r"市级|市本级", text):
            return Routed("staffing", calculation=staffing.total("level", "市级"))
        return Routed("staffing", calculation=staffing.total("all"))

    # -- validity ---------------------------------------------------------------

    def _validity(self, text: str, answers: dict[str, str], as_of: date) -> Routed | None:
        if not _VALIDITY_ASK.search(text):
            return None
        mentioned = quantities.dates(text, as_of)
        if _EXPIRING_LIST.search(text):
            until = mentioned[-1] if mentioned else as_of
            since = mentioned[0] if len(mentioned) > 1 else None
            return Routed("validity", calculation=validity.expiring_by(until, since))
        try:
            document = validity.find(text)
        except CalculationError:
            return None
        on = mentioned[0] if mentioned else as_of
        return Routed("validity", calculation=validity.status(document.doc_number, on))


def _liability(text: str) -> str:
    if _TUMOUR_DRUG.search(text):
        return "tumour_drugs"
    if _RARE_DRUG.search(text):
        return "rare_disease_drugs"
    if _OUTPATIENT.search(text):
        return "outpatient_special"
    if _INPATIENT.search(text) and _OUT_OF_AREA.search(text):
        return "inpatient_out_of_area"
    if _INPATIENT.search(text):
        return "inpatient_in_area"
    raise payout.NeedsInput(
        "liability",
        "请问这笔费用是哪一类：在三明统筹区内住院、在统筹区外住院、门诊特殊病种，还是特定药品（肿瘤药或罕见病药）？",
    )


def _yes_no(answer: str) -> bool | None:
    answer = answer.strip()
    if _NO.search(answer):
        return False
    if _YES.search(answer):
        return True
    return None


# Each calculator question, recognised when it comes back in the history.
_QUESTIONS: dict[str, re.Pattern[str]] = {
    "preexisting": re.compile(r"请问被保人有这类病史吗"),
    "drug_class": re.compile(r"您用的药属于哪一类"),
    "participation_rate": re.compile(r"请问全市参保率是多少"),
    "liability": re.compile(r"请问这笔费用是哪一类"),
}


def _clarify_chain(question: str, history: list[Turn]) -> tuple[str, dict[str, str]]:
    """Rebuild (original question, {field: answer}) when the user is answering our questions."""
    answers: dict[str, str] = {}
    current = question
    turns = list(history)
    while len(turns) >= 2 and turns[-1].role == "assistant":
        field_name = next((name for name, pattern in _QUESTIONS.items() if pattern.search(turns[-1].content)), None)
        if field_name is None or turns[-2].role != "user":
            break
        answers.setdefault(field_name, current)
        current = turns[-2].content
        turns = turns[:-2]
    if not answers:
        return question, {}
    extra = " ".join(value for key, value in answers.items() if key == "liability")
    return f"{current} {extra}".strip(), answers
