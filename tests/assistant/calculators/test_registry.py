"""One contract for every calculator: typed requests, results or clarifications as values."""

from __future__ import annotations

import pytest

from assistant.calculators.registry import REGISTRY, get, run
from assistant.calculators.result import Calculation, CalculationError, Clarification
from assistant.tools import calculator_tools


def test_every_entry_refuses_unknown_inputs():
    for entry in REGISTRY:
        with pytest.raises(CalculationError, match="输入有误"):
            run(entry, {"no_such_input": 1})


def test_a_missing_input_is_a_clarification_value():
    result = run(get("sanming_payout"), {"liability": "inpatient_in_area", "eligible_amount": 38600})
    assert isinstance(result, Clarification) and result.field == "preexisting" and "病史" in result.question


def test_a_complete_request_computes():
    result = run(get("sanming_payout"), {"liability": "inpatient_in_area", "eligible_amount": 38600, "preexisting": False})
    assert isinstance(result, Calculation) and result.value == 33600


def test_bad_values_are_named_in_words_and_say_what_is_allowed():
    with pytest.raises(CalculationError, match="合理费用不能小于 0（收到 -5）") as refused:
        run(get("sanming_payout"), {"liability": "inpatient_in_area", "eligible_amount": -5})
    assert "eligible_amount" not in str(refused.value)  # no internal key for a window clerk
    with pytest.raises(CalculationError, match=r"合理费用（eligible_amount）必须是一个确定的数"):
        run(get("sanming_payout"), {"liability": "inpatient_in_area", "eligible_amount": float("nan")}, name_of=str)


def test_unknown_calculator_lists_the_choices():
    with pytest.raises(CalculationError, match="sanming_payout"):
        get("payout")


def test_tools_are_generated_from_the_registry():
    tools = calculator_tools()
    assert [t.name for t in tools] == [e.name for e in REGISTRY]
    assert all(t.args_schema is e.request for t, e in zip(tools, REGISTRY))


def test_choices_and_unknown_conditions_are_explained_in_words():
    with pytest.raises(CalculationError, match="只能是 全部、层级、分组、岗位、窗口、阶段") as refused:
        run(get("staffing_total"), {"by": "bogus"})
    assert " or " not in str(refused.value)
    # On the command line the choices are what the option takes.
    with pytest.raises(CalculationError, match="只能是 all、level、group、role、window、phase"):
        run(get("staffing_total"), {"by": "bogus"}, name_of=lambda field: "--" + field)
    with pytest.raises(CalculationError, match="没有认出这些病名属于特定既往症：感冒"):
        run(get("sanming_payout"), {"liability": "inpatient_in_area", "eligible_amount": 100, "conditions": ("感冒",)})
