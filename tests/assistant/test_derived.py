"""A time limit in a cited clause becomes a date when the question gives the start."""

from __future__ import annotations

from datetime import date

from assistant.derived import clause_deadline
from assistant.parts import split_parts

CLAUSE = "申请人应当自收到通知之日起15日内提交补充材料。"


def test_one_limit_and_a_start_date_give_the_last_day_with_the_clause_cited():
    result = clause_deadline("我2024年3月1日收到通知，最晚哪天要交材料？", CLAUSE, "闽政〔2022〕23号", "第九条", date(2024, 6, 1))
    assert result.value == "2024-03-16"
    assert result.citations[0].quote == "15日内" and result.citations[0].section == "第九条"
    assert "15日内" in result.steps[0]


def test_working_days_across_a_holiday():
    result = clause_deadline("2024年9月27日受理，什么时候前办结？", "自受理之日起5个工作日内办结。", "x", "y", date(2024, 6, 1))
    assert result.value == "2024-10-10"


def test_no_start_date_two_different_limits_or_no_when_question_compute_nothing():
    assert clause_deadline("最晚哪天要交材料？", CLAUSE, "x", "y", date(2024, 6, 1)) is None
    assert clause_deadline("2024年3月1日收到，最晚哪天？", "15日内补正，30日内办结。", "x", "y", date(2024, 6, 1)) is None
    assert clause_deadline("2024年3月1日收到通知，要交什么材料？", CLAUSE, "x", "y", date(2024, 6, 1)) is None


def test_two_questions_are_two_parts_and_short_tails_stay_attached():
    assert split_parts("是按省里哪个文件部署的？省里要求综合窗口什么时候前建好？") == ["是按省里哪个文件部署的？", "省里要求综合窗口什么时候前建好？"]
    assert split_parts("起付线是5000元吗？对吗？") == ["起付线是5000元吗？对吗？"]
    assert len(split_parts("一？" * 2 + "第一个问题是什么？第二个问题是什么？第三个问题是什么？第四个问题是什么？")) == 3


def test_a_total_adds_one_figure_from_each_clause():
    from assistant.derived import quoted_arithmetic

    result = quoted_arithmetic(
        "两个方案加起来多少公顷？",
        [("闽政文〔2022〕355号", "一、", "成片开发总面积4.0424公顷。"), ("闽政文〔2022〕356号", "一、", "成片开发总面积8.2161公顷。")],
    )
    assert result.value == 12.2585 and result.unit == "公顷"
    assert [c.doc_number for c in result.citations] == ["闽政文〔2022〕355号", "闽政文〔2022〕356号"]


def test_a_list_inside_one_clause_is_never_summed():
    from assistant.derived import quoted_arithmetic

    clause = "对获中国质量奖、中国质量奖提名奖的组织,分别奖励500万元、300万元,并授予200万元奖励。"
    assert quoted_arithmetic("拿了中国质量奖总共奖多少钱？", [("闽政〔2022〕23号", "第二十五条", clause)]) is None


def test_a_difference_takes_exactly_two_figures():
    from assistant.derived import quoted_arithmetic

    result = quoted_arithmetic("压缩了多少个工作日？相差多少", [("x", "14.", "将跨度时长从13个工作日压缩至5个工作日。")])
    assert result.value == 8 and result.unit == "个工作日"
    assert quoted_arithmetic("相差多少天？", [("x", "y", "3天、5天或7天")]) is None
    result = quoted_arithmetic("目标比基数增加了多少张？", [("x", "表2", "2020年24.75万张，2025年30万张")])
    assert result.value == 5.25 and result.unit == "万张"
