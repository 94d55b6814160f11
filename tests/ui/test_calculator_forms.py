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
    assert "calc-error" in html and "确定的数" in html and "计算结果" not in html and "nan" not in html


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


def _payout_check(**changed):
    values = dict(liability="inpatient_in_area", amount=38600, group="healthy", conditions="", relief=False, drug_class=None,
                  deductible_used=0, paid=0, self_paid=0, rate=None) | changed
    return forms.check_payout(*values.values())


def test_each_payout_problem_is_named_next_to_its_own_box_in_chinese():
    assert _payout_check() == [None] * 10
    problems = _payout_check(amount=-5000, rate=150)
    assert problems[1] == "经基本医保、大病保险报销后的合理费用不能小于 0（收到 -5000）"
    assert problems[9].startswith("参保率请填 0 到 100 之间的百分数") and "150" in problems[9]
    assert [i for i, p in enumerate(problems) if p] == [1, 9]
    assert "请填写" in _payout_check(amount=None)[1]
    assert "确定的数" in _payout_check(paid=float("nan"))[7]
    assert not any(p and ("eligible" in p or "Value" in p) for p in problems)


def test_the_drug_class_only_counts_for_tumour_drugs():
    assert forms.payout_result("inpatient_in_area", 38600, "healthy", "", False, "A", 0, 0, 0, None) == forms.payout_result(
        "inpatient_in_area", 38600, "healthy", "", False, None, 0, 0, 0, None
    )


def test_deadline_rules_are_offered_per_document_and_a_choice_is_required():
    numbers = [number for number, _ in forms.deadline_documents()]
    assert "明政办规〔2023〕4号" in numbers and len(numbers) == len(set(numbers))
    rules = forms.deadline_rules("明政办规〔2023〕4号")
    assert [key for _, key in rules] == ["bad_review_contact_sanming", "bad_review_rectify_sanming"]
    assert all("_" not in label for label, _ in rules)
    assert forms.check_deadline(None, None, "2024-09-30")[0] == "请先选择规定期限的文件"
    assert forms.check_deadline("明政办规〔2023〕4号", None, "2024-09-30")[1] == "请选择期限"
    assert "没有 30 日" in forms.check_deadline("明政办规〔2023〕4号", "bad_review_rectify_sanming", "2024-02-30")[2]
    assert forms.check_deadline("明政办规〔2023〕4号", "bad_review_rectify_sanming", "2024-09-30") == [None, None, None]
    assert forms.check_deadline("明政办规〔2023〕4号", "energy_saving_review", "2024-09-30")[1] == "请从列表中选择这份文件规定的期限"


def test_staffing_offers_only_the_items_of_the_chosen_grouping():
    assert forms.staffing_keys("all") == []
    assert [label for label, _ in forms.staffing_keys("level")] == ["市级", "三元区"]
    windows = forms.staffing_keys("window")
    assert "公安综合窗口 › 出入境管理支队" in [label for label, _ in windows]
    assert not {label for label, _ in windows} & {"市级", "第一阶段"}
    assert forms.check_staffing("window", None) == [None, "请选择要统计的窗口"]
    assert forms.check_staffing("all", None) == [None, None]
    assert forms.check_staffing("window", "市级") == [None, "请从列表中选择要统计的窗口"]
    for label, key in windows:
        assert "计算结果" in forms.staffing_result("window", key), label


def test_queue_and_date_checks():
    assert forms.check_queue(0, 10, 5)[0] == "高峰期每小时到达人数必须大于 0（收到 0）"
    assert forms.check_working_days("2024-09-30", "")[1].startswith("请填写日期")
    assert forms.check_validity("明政办规〔2023〕5号", "") == [None, None]
    assert "无法识别" in forms.check_expiring("下辈子")[0]


def test_cited_clauses_link_to_their_document_when_found():
    from assistant.types import Citation

    def cite(reference):
        return Citation("明政办规〔2023〕5号/x#1", "doc-1", reference.doc_number, "t", reference.section, reference.quote)

    html = forms.payout_result("inpatient_in_area", 38600, "healthy", "", False, None, 0, 0, 0, None, cite=cite)
    assert '<a href="/doc/doc-1#clause-' in html
    unlinked = forms.payout_result("inpatient_in_area", 38600, "healthy", "", False, None, 0, 0, 0, None)
    assert "<a " not in unlinked and "明政办规〔2023〕5号" in unlinked


def test_an_empty_participation_rate_is_not_known_not_an_error():
    assert _payout_check(rate=0)[9] is None and _payout_check(rate=None)[9] is None
    assert _payout_check(rate=float("nan"))[9] is not None


def test_an_illness_the_plan_does_not_name_is_said_under_the_box_not_dropped():
    problem = _payout_check(conditions="慢组肺")[3]
    assert problem.startswith("没有认出“慢组肺”属于特定既往症") and "慢性阻塞性肺病" in problem
    assert _payout_check(conditions="慢阻肺、冠心病")[3] is None
    assert "高血压" in _payout_check(conditions="高血压 和 慢阻肺")[3]


def test_a_value_the_calculator_still_needs_points_to_its_box():
    html = forms.payout_result("inpatient_in_area", 300000, "preexisting", "", False, None, 0, 0, 0, None)
    assert "calc-question" in html and "参保率" in html and "请在“全市参保率”一栏填写后再算。" in html
    assert "计算结果" not in html
