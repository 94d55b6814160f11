"""The 窗口计算器 tab shows the calculators' own results, escaped, and errors as messages."""

from __future__ import annotations

import pytest

from ui import calculator_forms as forms


def test_payout_form_shows_value_steps_and_cited_quotes():
    html = forms.payout_result("inpatient_in_area", 38600, "healthy", "", False, "", 0, 0, 0, None)
    assert "计算结果：33,600 元" in html
    assert "年免赔额 0.5万元 2万元 0.5万元 2万元 2万元" in html
    assert "明政办规〔2023〕5号" in html


def test_payout_form_reads_conditions_and_reports_errors_plainly():
    assert "计算结果：16,800 元" in forms.payout_result("inpatient_in_area", 38600, "healthy", "慢阻肺", False, "", 0, 0, 0, None)
    error = forms.payout_result("inpatient_in_area", -5, "healthy", "", False, "", 0, 0, 0, None)
    assert "calc-error" in error and "不能小于 0" in error and "eligible_amount" not in error


@pytest.mark.parametrize("field", ["amount", "deductible", "rate"])
def test_payout_form_refuses_undefined_numbers_instead_of_skipping_them(field):
    values = {"amount": 38600, "deductible": 0, "rate": None} | {field: float("nan")}
    html = forms.payout_result("inpatient_in_area", values["amount"], "healthy", "", False, "", values["deductible"], 0, 0, values["rate"])
    assert "calc-error" in html and "确定的数" in html and "计算结果" not in html


def test_payout_form_without_an_amount_asks_for_it():
    html = forms.payout_result("inpatient_in_area", None, "healthy", "", False, "", 0, 0, 0, None)
    assert "calc-error" in html and "缺少" in html and "计算结果" not in html


def test_deadline_staffing_and_validity_forms():
    assert "2024-10-09" in forms.deadline_result("bad_review_rectify_sanming", "2024-09-30")
    assert "没有 30 日" in forms.deadline_result("bad_review_rectify_sanming", "2024-02-30")
    assert "计算结果：19 名" in forms.staffing_result("phase", "第二阶段")
    assert "计算结果：12 个窗口" in forms.queue_result(60, 10, 5)
    assert "已失效" in forms.validity_result("明政办规〔2023〕5号", "2025-01-01")


def test_quotes_are_escaped():
    html = forms.validity_result("闽政〔2022〕23号", "2024-01-01")
    assert "(闽政〔2018〕3号)" in html and "<script" not in html
