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
from assistant.calculators import payout, validity
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
            for attempt in (self._payout, self._validity):
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
