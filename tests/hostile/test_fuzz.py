"""Property-based fuzzing of what reads input: the question boundary and router, and every
calculator's request. Whatever comes in, no exception escapes except the plain-message errors
meant for people, and nothing is computed from a request that is not valid.

Runs are derandomised (the same examples every run), so a failure here is reproducible.
"""

from __future__ import annotations

import math
import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.boundary import InputError, question_request
from assistant.calculators.registry import REGISTRY, run
from assistant.calculators.result import Calculation, CalculationError, Clarification
from assistant.router import Router

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
_HAN = re.compile(r"[\u4e00-\u9fff]")
_ROUTER = Router()

# Pieces people (and attackers) put in questions, mixed with arbitrary text.
_PIECES = st.sampled_from(
    [
        "我在三明住院", "医保报销后自付了", "普惠医联保能赔多少？", "不是特定既往症人群", "有冠心病", "统筹区外",
        "3.86万", "−5万", "-5万", "1e30元", "1亿零1元", "九千亿亿", "3.86万美元", "两万五", "０．５万", "38,600元",
        "参保率-25%", "参保率150%", "百分之二十五", "2024年9月30日", "起-5个工作日后是哪天？", "0000年1月1日", "99999年1月1日",
        "2月30日", "5个工作日后", "差评多久整改", "明政办规〔2023〕5号", "令第227号第99条", "第三阶段", "窗口要几个人",
        "\u202e", "\u200b", "\x00", "\ud800", "\u2028", "😀", "\u0336", "⁸",
    ]
)
_ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)
QUESTIONS = st.lists(st.one_of(_PIECES, _ANY_TEXT), min_size=1, max_size=6).map("".join)

# Values a calculator field might be sent, right or wrong.
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.dates(min_value=date(1949, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat),
    st.sampled_from(["inpatient_in_area", "tumour_drugs", "A", "工作日", "个月", "all", "phase", "第二阶段", "明政办规〔2023〕5号", "节能审查", ""]),
    _ANY_TEXT,
    st.lists(st.text(max_size=5), max_size=3),
)


@FUZZ
@given(question=QUESTIONS)
def test_any_question_is_read_or_refused_in_words(question):
    try:
        request = question_request({"question": question, "as_of": "2024-06-01"})
    except InputError as error:
        assert _HAN.search(str(error))
        return
    assert not re.search("[\ud800-\udfff\x00]", request.question)
    routed = _ROUTER.route(request.question, [], request.as_of)
    if routed is not None and routed.calculation is not None:
        _sane(routed.calculation)
    if routed is not None and routed.clarify:
        assert _HAN.search(routed.clarify)


@FUZZ
@given(question=QUESTIONS)
def test_the_assistant_answers_any_question_without_an_error_escaping(fake_assistant, question):
    answer = fake_assistant.ask(question, as_of=date(2024, 6, 1))
    assert _HAN.search(answer.answer)
    if answer.calculation is not None:
        _sane(answer.calculation)


def _request_of(entry):
    names = list(entry.request.model_fields)
    return st.fixed_dictionaries({}, optional={name: _VALUES for name in names})


@FUZZ
@given(data=st.data())
def test_every_calculator_computes_only_from_a_valid_request(data):
    for entry in REGISTRY:
        fields = data.draw(_request_of(entry), label=entry.name)
        try:
            result = run(entry, fields, name_of=str)
        except CalculationError as error:
            assert _HAN.search(str(error))
            continue
        if isinstance(result, Clarification):
            assert _HAN.search(result.question)
            continue
        entry.request.model_validate(fields)  # computed, so the request was valid
        _sane(result)


def _sane(calculation: Calculation) -> None:
    """A computed value is a finite number or a date, from finite inputs in range."""
    value = calculation.value
    if isinstance(value, float | int) and not isinstance(value, bool):
        assert math.isfinite(value), calculation
    for name, given_value in calculation.inputs.items():
        if isinstance(given_value, float):
            assert math.isfinite(given_value), (name, given_value)
        if isinstance(given_value, date):
            assert date(1949, 1, 1) <= given_value <= date(2100, 12, 31), (name, given_value)
