"""三明普惠医联保 payout: YAML cases at every threshold, plus the stated readings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.calculators.payout import NeedsInput, PayoutRequest, compute, match_conditions
from assistant.calculators.result import CalculationError

CASES = yaml.safe_load((Path(__file__).parent / "payout_cases.yaml").read_text(encoding="utf-8"))
_CONTROL = {"name", "expect", "needs", "error", "warning"}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_payout_case(case):
    fields = {k: v for k, v in case.items() if k not in _CONTROL}
    if "conditions" in fields:
        fields["conditions"] = tuple(fields["conditions"])
    request = PayoutRequest(**fields)
    if "needs" in case:
        with pytest.raises(NeedsInput) as raised:
            compute(request)
        assert raised.value.field == case["needs"]
        return
    if "error" in case:
        with pytest.raises(CalculationError, match=case["error"]):
            compute(request)
        return
    result = compute(request)
    assert result.value == case["expect"]
    assert result.unit == "元"
    if "warning" in case:
        assert any(case["warning"] in w for w in result.warnings)


def test_every_result_cites_its_clauses_and_says_the_disclosure_prevails():
    result = compute(PayoutRequest("inpatient_in_area", 38600, preexisting=False))
    quotes = {c.quote for c in result.citations}
    assert "年免赔额 0.5万元 2万元 0.5万元 2万元 2万元" in quotes and "100% 70% 70%" in quotes
    assert any("当年度产品正式披露信息为准" in w for w in result.warnings)
    assert result.steps[-1] == "本次普惠医联保赔付 33,600 元；个人仍需负担 5,000 元。"
    assert result.not_modelled


def test_pre_existing_insured_amount_reading_is_stated():
    result = compute(PayoutRequest("inpatient_in_area", 38600, preexisting=True))
    assert any("/ 0.45万元 /" in w and "没有按保额封顶" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("我爸有慢阻肺", ["慢性阻塞性肺病"]),
        ("糖尿病伴并发症加上冠心病", ["糖尿病且伴有并发症", "缺血性心脏病（含冠心病、心肌梗死）"]),
        ("前年脑梗过", ["脑血管疾病（脑梗死、脑出血）"]),
        ("只是普通感冒", []),
    ],
)
def test_conditions_are_recognised_by_everyday_names(text, names):
    assert [c.name for c in match_conditions(text)] == names
