"""Amounts, percentages and dates as people type them."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.calculators.result import CalculationError
from assistant.quantities import amounts, dates, percent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我在三明住院自付了3.86万，普惠医联保能赔多少？", [38600]),
        ("自付38600元", [38600]),
        ("三万八千六百元", [38600]),
        ("花了3万8", [38000]),
        ("1,200元和五千块", [1200, 5000]),
        ("三明市的规定", []),
    ],
)
def test_amounts(text, expected):
    assert amounts(text) == expected


def test_percentages():
    assert percent("参保率25%") == 0.25
    assert percent("百分之三十") == 0.3
    assert percent("没有比例") is None


def test_dates_absolute_relative_and_impossible():
    today = date(2024, 9, 25)  # a Wednesday
    assert dates("9月30日报的", today) == [date(2024, 9, 30)]
    assert dates("2024年2月8日到2024-03-01", today) == [date(2024, 2, 8), date(2024, 3, 1)]
    assert dates("明天", today) == [date(2024, 9, 26)]
    assert dates("下周一提交", today) == [date(2024, 9, 30)]
    assert dates("2025年底前", today) == [date(2025, 12, 31)]
    with pytest.raises(CalculationError, match="2 月只有 29 天"):
        dates("2月30日", today)


@pytest.mark.parametrize(
    "text, yuan",
    [
        ("自付了两万五", 25_000),  # the trailing 五 counts in 千, as people say it
        ("两万五千元", 25_000),  # not 两万五 × 千
        ("三万八千六", 38_600),
        ("三万八千六百元", 38_600),
        ("一万二", 12_000),
        ("两千五", 2_500),
        ("一万零五元", 10_005),
    ],
)
def test_chinese_amounts_are_read_as_said(text, yuan):
    assert amounts(text) == [yuan]


def test_a_chinese_numeral_without_a_money_unit_is_no_amount():
    assert amounts("三明第三阶段十四五规划") == []
