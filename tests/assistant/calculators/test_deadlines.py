"""Deadlines: the cases in deadline_cases.yaml, the catalogue's quotes, and the loader's strictness."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
import yaml

from assistant.calculators import calendar, deadlines
from assistant.calculators.parameters import ParameterError
from assistant.calculators.result import CalculationError

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
CASES = yaml.safe_load((HERE / "deadline_cases.yaml").read_text(encoding="utf-8"))
GAZETTES = ROOT / "corpus" / "gazettes"
# Page furniture the Sanming PDF extraction leaves between the lines of a sentence.
FURNITURE = {"2023.4", "市政府文件", "市政府办公室文件"}


def _run(case: dict):
    call = case["call"]
    if call == "compute":
        options = {"count_start": case["count_start"]} if "count_start" in case else {}
        return deadlines.compute(case["limit"], case["start"], **options)
    if call == "after":
        return deadlines.deadline_after(case["start"], case["amount"], case["unit"], count_start=case.get("count_start", False))
    if call == "between":
        return deadlines.working_days_between(case["start"], case["end"])
    if call == "find":
        return deadlines.find(case["text"])
    raise AssertionError(f"unknown call {call!r} in case {case['id']}")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    if "error" in case:
        with pytest.raises(CalculationError) as raised:
            _run(case)
        for words in case["error"]:
            assert words in str(raised.value)
        return
    result = _run(case)
    if case["call"] == "find":
        assert result.key == case["expect"]
        return
    expected = case["expect"]
    assert result.value == (expected.isoformat() if isinstance(expected, date) else expected)
    for words in case.get("steps", []):
        assert any(words in step for step in result.steps), (words, result.steps)
    for words in case.get("warnings", []):
        assert any(words in warning for warning in result.warnings), (words, result.warnings)
    if case.get("no_warnings"):
        assert result.warnings == ()
    if case["call"] == "compute":
        limit = deadlines.find(case["limit"])
        assert result.unit == "日期"
        assert result.citations == (limit.reference,)


def _cc_add_working_days(start: date, n: int, count_start: bool) -> date:
    """Independent of our code: count straight off chinese_calendar."""
    day, counted = start, 0
    if count_start and chinese_calendar.is_workday(start):
        counted = 1
    while counted < n:
        day += timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    return day


_CHECKABLE = [
    c
    for c in CASES
    if "expect" in c
    and c["call"] in ("compute", "after", "between")
    and max(c["start"].year, c.get("end", c["start"]).year, c["expect"].year if isinstance(c["expect"], date) else 0) <= 2026
    and (c["call"] == "between" or (c.get("unit") or deadlines.find(c["limit"]).unit) == "工作日")
]


@pytest.mark.parametrize("case", _CHECKABLE, ids=[c["id"] for c in _CHECKABLE])
def test_expectation_agrees_with_chinese_calendar(case):
    """The hand-counted expectation must match a plain count on chinese_calendar."""
    if case["call"] == "between":
        days = (case["end"] - case["start"]).days
        count = sum(chinese_calendar.is_workday(case["start"] + timedelta(days=i)) for i in range(1, days + 1))
        assert count == case["expect"]
        return
    amount = case["amount"] if case["call"] == "after" else deadlines.find(case["limit"]).amount
    count_start = case.get("count_start", False if case["call"] == "after" else deadlines.find(case["limit"]).count_start)
    assert _cc_add_working_days(case["start"], amount, count_start) == case["expect"]


def test_enough_cases_at_the_boundaries():
    ids = {c["id"] for c in CASES}
    assert len(CASES) >= 25
    assert any("spring_festival_2024" in i for i in ids) and any("2027" in i for i in ids)
    assert any(c["call"] == "between" for c in CASES) and any("error" in c for c in CASES)


# --- the catalogue --------------------------------------------------------------------


def _squashed_source(name: str) -> str:
    lines = (GAZETTES / name).read_text(encoding="utf-8").splitlines()
    return re.sub(r"\s+", "", "".join(line for line in lines if line.strip() not in FURNITURE))


SOURCES = {"明": _squashed_source("sanming-2023-04.txt"), "闽": _squashed_source("fujian-2022-11.txt")}
SOURCES["福"] = SOURCES["闽"]  # 福建省人民政府令第227号 / 第228号
LIMITS = deadlines.catalogue()
_CN_NUMERALS = {1: "一", 2: "二", 3: "三", 5: "五", 6: "六", 7: "七", 10: "十", 15: "十五", 30: "三十"}


@pytest.mark.parametrize("limit", LIMITS, ids=[limit.key for limit in LIMITS])
def test_quote_is_in_its_gazette(limit):
    quote = re.sub(r"\s+", "", limit.reference.quote)
    source = SOURCES[limit.reference.doc_number[0]]
    assert quote in source, f"{limit.key}: {limit.reference.quote!r} not in the gazette of {limit.reference.doc_number}"
    # The quote must state the amount itself, so a typo in 'values' cannot hide behind it.
    assert str(limit.amount) in quote or _CN_NUMERALS.get(limit.amount, "?") in quote, limit.key


def test_catalogue_holds_the_limits_the_issue_names():
    by_key = {limit.key: limit for limit in LIMITS}
    expected = {
        "bad_review_contact_sanming": (1, "工作日", "明政办规〔2023〕4号"),
        "bad_review_rectify_sanming": (2, "工作日", "明政办规〔2023〕4号"),
        "health_impact_screening": (3, "工作日", "明政办规〔2023〕6号"),
        "health_impact_assessment": (7, "工作日", "明政办规〔2023〕6号"),
        "health_impact_assessment_major": (15, "工作日", "明政办规〔2023〕6号"),
        "energy_saving_review": (1, "工作日", "明政规〔2023〕5号"),
        "joint_acceptance_prerequisites": (5, "工作日", "明政规〔2023〕5号"),
        "incomplete_materials_notice": (3, "工作日", "闽政〔2022〕24号"),
        "e_license_supplement": (5, "工作日", "闽政〔2022〕24号"),
        "quality_award_acceptance_publicity": (5, "工作日", "闽政〔2022〕23号"),
        "social_science_award_objection": (30, "日", "福建省人民政府令第228号"),
        "quality_award_incident_report": (15, "日", "闽政〔2022〕23号"),
        "grain_emergency_approval": (3, "日", "福建省人民政府令第227号"),
    }
    for key, (amount, unit, doc_number) in expected.items():
        limit = by_key[key]
        assert (limit.amount, limit.unit, limit.reference.doc_number) == (amount, unit, doc_number), key


def test_every_alias_finds_its_own_limit():
    for limit in LIMITS:
        for word in (limit.key, limit.name, *limit.aliases):
            assert deadlines.find(word) is limit


# --- the calendar ---------------------------------------------------------------------


def test_fallback_year_uses_statutory_days_only():
    # 2027: 除夕 to 初三 are off; the holidays package would also mark 2-9/2-10 and 5-3/5-4
    # as "observed" days off unless told not to — those are not Chinese law.
    assert [calendar.is_working_day(date(2027, 2, d)) for d in range(4, 11)] == [True, False, False, False, False, True, True]
    assert calendar.is_working_day(date(2027, 5, 3)) and not calendar.is_working_day(date(2027, 5, 1))
    assert calendar.describe(date(2027, 10, 1)).fallback
    assert calendar.year_warning(2026) is None and "2027年" in calendar.year_warning(2027)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1949, 10, 1), date(2003, 5, 1), date(2101, 1, 1), date(9999, 12, 31)])
def test_any_valid_date_is_classified_without_error(day):
    assert isinstance(calendar.is_working_day(day), bool)
    assert calendar.year_warning(day.year)


def test_make_up_days_named_in_chinese():
    assert calendar.describe(date(2024, 2, 18)).label == "2024-02-18（周日，春节调休上班）"
    assert calendar.describe(date(2024, 10, 3)).label == "2024-10-03（周四，国庆节假期）"


# --- the loader refuses malformed catalogues ----------------------------------------------

_GOOD = """\
sample_limit:
  name: 样例期限
  description: 样例
  trigger: 收到申请
  unit: 工作日
  kind: 最长期限
  count_start: false
  counting: 次日起算
  values:
    2024-01-01: 3
  aliases: [样例]
  reference:
    doc_number: 闽政〔2022〕24号
    section: 某节
    quote: 3个工作日
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("  aliases:", "  colour: red\n  aliases:"), "unknown keys ['colour']"),
        (lambda t: t.replace("  unit: 工作日\n", "  unit: 工作日\n  unit: 日\n"), "duplicate key 'unit'"),
        (lambda t: t.replace("2024-01-01: 3", "2024-02-30: 3"), "bad date"),
        (lambda t: t.split("  reference:")[0], "missing ['reference']"),
        (lambda t: t.replace("unit: 工作日", "unit: 周"), "unit '周' is not one of"),
        (lambda t: t.replace("kind: 最长期限", "kind: 期限"), "kind '期限' is not one of"),
        (lambda t: t.replace("2024-01-01: 3", "2024-01-01: 0"), "positive whole number"),
        (lambda t: t + t.replace("sample_limit", "other_limit").replace("name: 样例期限", "name: 另一个"), "'样例' names both"),
        (lambda t: t.replace("sample_limit", "Sample-Limit"), "ASCII snake_case"),
    ],
    ids=["unknown-key", "duplicate-key", "bad-date", "no-reference", "bad-unit", "bad-kind", "zero", "shared-alias", "bad-key"],
)
def test_loader_is_strict(tmp_path, change, message):
    path = tmp_path / "deadlines.yaml"
    path.write_text(_GOOD, encoding="utf-8")
    assert deadlines.load_limits(path)["sample_limit"].amount == 3
    path.write_text(change(_GOOD), encoding="utf-8")
    with pytest.raises(ParameterError) as raised:
        deadlines.load_limits(path)
    assert str(path) in str(raised.value) and message in str(raised.value)
