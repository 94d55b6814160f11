"""Staffing plan of 明政办规〔2023〕4号: YAML cases, the quotes against the gazette, Erlang C against the textbook."""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import date
from pathlib import Path

import pytest

from assistant.calculators import queueing
from assistant.calculators.parameters import ParameterError, load_parameters, load_yaml
from assistant.calculators.result import CalculationError
from assistant.calculators.staffing import consistency_check, parameters, plan, recommend_windows, total

HERE = Path(__file__).parent
ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "corpus" / "gazettes" / "sanming-2023-04.txt"
PLAN_FILE = ROOT / "assistant" / "calculators" / "staffing.yaml"
FURNITURE = {"2023.4", "市政府文件", "市政府办公室文件"}
DOC_NUMBER_LINE = re.compile(r"^明政\S*〔\d{4}〕\d+号$")

CASES = load_yaml(HERE / "staffing_cases.yaml")
CALLS = {
    "total": total,
    "consistency_check": consistency_check,
    "recommend_windows": recommend_windows,
    "erlang_c": queueing.erlang_c,
}


def _lines_containing(lines, fragment):
    return [line for line in lines if fragment in line]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_staffing_case(case):
    call = CALLS[case["call"]]
    args = case.get("args") or {}
    if "error" in case:
        with pytest.raises(CalculationError) as raised:
            call(**args)
        for fragment in case["error"]:
            assert fragment in str(raised.value)
        return
    result = call(**args)
    if "approx" in case:
        assert result == pytest.approx(case["approx"], rel=1e-9)
        return
    if "expect" in case:
        assert result.value == case["expect"]
    if "unit" in case:
        assert result.unit == case["unit"]
    if "calc" in case:
        assert result.name == case["calc"]
    for fragment in case.get("step", []):
        assert _lines_containing(result.steps, fragment), f"no step contains {fragment!r}: {result.steps}"
    for fragment in case.get("warning", []):
        assert _lines_containing(result.warnings, fragment), f"no warning contains {fragment!r}: {result.warnings}"
    for fragment in case.get("not_modelled", []):
        assert _lines_containing(result.not_modelled, fragment), f"not_modelled lacks {fragment!r}"
    if case.get("no_warnings"):
        assert result.warnings == ()
    quotes = {c.quote for c in result.citations}
    for quote in case.get("cites", []):
        assert quote in quotes, f"{quote!r} not cited: {sorted(quotes)}"
    if "checks" in case:
        assert {c["id"]: c["passed"] for c in result.value} == case["checks"]


# --- the references: every quote is in the gazette, under the section it names


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _source_lines() -> list[str]:
    return [line for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.strip() not in FURNITURE]


def _documents() -> dict[str, str]:
    """Each document of the Sanming issue as one string, furniture lines and whitespace removed."""
    lines = _source_lines()
    starts = [(i, line.strip()) for i, line in enumerate(lines) if DOC_NUMBER_LINE.match(line.strip())]
    documents = {}
    for n, (start, number) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        documents[number] = _flat("".join(lines[start:end]))
    return documents


SOURCE_TEXT = _flat("".join(_source_lines()))
DOCUMENTS = _documents()
PLAN = load_parameters(PLAN_FILE)


@pytest.mark.parametrize("name", list(PLAN), ids=list(PLAN))
def test_reference_quote_is_in_the_gazette_under_its_section(name):
    reference = PLAN[name].reference
    quote = _flat(reference.quote)
    assert quote in SOURCE_TEXT, f"{name}: quote {reference.quote!r} is not in {SOURCE.name}"
    assert reference.doc_number in DOCUMENTS, f"{reference.doc_number} is not in {SOURCE.name}"
    text = DOCUMENTS[reference.doc_number]
    # Each heading of the section path appears in order, and the quote after the last.
    position = 0
    for heading in reference.section.split(" › "):
        found = text.find(_flat(heading), position)
        assert found >= 0, f"{name}: heading {heading!r} not found after the previous one in {reference.doc_number}"
        position = found
    assert text.find(quote, position) >= 0, f"{name}: quote {reference.quote!r} not under {reference.section!r}"


def test_every_plan_figure_is_dated_from_the_documents_issue_date():
    assert {p.first_date for p in PLAN.values()} == {date(2023, 7, 3)}


# --- printed figures that disagree are reported, not hidden


def _with_value(params, name, value):
    changed = dict(params)
    parameter = params[name]
    changed[name] = dataclasses.replace(parameter, values=((parameter.first_date, value),))
    return changed


def test_a_printed_figure_that_does_not_add_up_is_named():
    params = _with_value(parameters(), "staff.windows.special_field.police.exit_entry", 4)
    result = consistency_check(params)
    failed = {c["id"]: c for c in result.value if not c["passed"]}
    assert sorted(failed) == ["phase_two_windows", "police"]
    assert failed["police"]["printed"] == 10 and failed["police"]["computed"] == 11
    assert failed["police"]["reference"]["quote"] == "公安综合窗口 10 名"
    assert any("“公安综合窗口 10 名”" in w and "印 10" in w and "计算为 11" in w for w in result.warnings)
    assert result.steps[-1] == "共核对 19 项：17 项一致，2 项不一致。"
    police = total("window", "police", params=params)
    assert police.value == 11
    assert any("印 10 名，但分项合计 11 名" in w for w in police.warnings)


def test_a_level_total_that_disagrees_with_the_phases_is_named():
    params = _with_value(parameters(), "level_city", 50)
    failed = [c for c in consistency_check(params).value if not c["passed"]]
    assert {c["id"] for c in failed} == {"levels", "city_level_by_phase"}
    city = total("level", "市级", params=params)
    assert city.value == 50
    assert any("原文市级 50 名" in w and "= 52 名不一致" in w for w in city.warnings)


def test_a_phase_list_naming_an_unknown_window_is_refused():
    params = _with_value(parameters(), "phase_two_windows", ["police", "taxi"])
    with pytest.raises(ParameterError, match="unknown windows \\['taxi'\\]"):
        plan(params)


def test_levels_are_stated_only_where_the_text_states_them():
    built = plan()
    city = {w.key for w in built.windows() if built.in_phase_two(w.key)}
    assert city == {
        "police", "exit_entry", "public_order", "driver_management", "traffic_violations",
        "tax", "housing_fund", "marriage_registration",
    }


def test_calculation_serialises_to_plain_data():
    data = consistency_check().to_dict()
    assert data["value"][0]["reference"]["doc_number"] == "明政办规〔2023〕4号"
    assert recommend_windows(60, 10, 5).to_dict()["inputs"]["arrivals_per_hour"] == 60


# --- Erlang C against independent formulas


def textbook_erlang_c(servers: int, load: float) -> float:
    """Erlang C as printed in textbooks, with factorials (fine for small c)."""
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    return top / (sum(load**k / math.factorial(k) for k in range(servers)) + top)


def log_space_erlang_c(servers: int, load: float) -> float:
    """The same sum evaluated in logarithms, for c in the hundreds."""
    terms = [k * math.log(load) - math.lgamma(k + 1) for k in range(servers)]
    top = servers * math.log(load) - math.lgamma(servers + 1) + math.log(servers / (servers - load))
    peak = max(terms + [top])
    return math.exp(top - peak) / (sum(math.exp(t - peak) for t in terms) + math.exp(top - peak))


def textbook_windows(arrivals_per_hour, mean_service_minutes, target_mean_wait_minutes,
                     service_level=None, service_level_minutes=None, max_windows=100):
    load = arrivals_per_hour / 60 * mean_service_minutes
    for c in range(math.floor(load) + 1, max_windows + 1):
        p_wait = log_space_erlang_c(c, load) if c > 150 else textbook_erlang_c(c, load)
        wait = p_wait * mean_service_minutes / (c - load)
        level_ok = service_level is None or (
            1 - p_wait * math.exp(-(c - load) * service_level_minutes / mean_service_minutes) >= service_level
        )
        if wait <= target_mean_wait_minutes and level_ok:
            return c
    return None


@pytest.mark.parametrize("servers", [1, 2, 3, 5, 8, 13, 21, 34, 60])
def test_erlang_c_matches_the_textbook_formula(servers):
    for fraction in (0.05, 0.3, 0.6, 0.85, 0.95, 0.999):
        load = servers * fraction
        assert queueing.erlang_c(servers, load) == pytest.approx(textbook_erlang_c(servers, load), rel=1e-9)


@pytest.mark.parametrize(("servers", "load"), [(300, 280.0), (450, 449.5), (500, 120.0)])
def test_erlang_c_stays_finite_for_hundreds_of_windows(servers, load):
    value = queueing.erlang_c(servers, load)
    assert 0 < value < 1
    assert value == pytest.approx(log_space_erlang_c(servers, load), rel=1e-9)


def test_metrics_follow_from_erlang_c():
    m = queueing.mmc(arrival_rate=1.0, mean_service_time=10.0, servers=12)
    assert m.utilisation == pytest.approx(10 / 12)
    assert m.p_wait == pytest.approx(textbook_erlang_c(12, 10.0), rel=1e-12)
    assert m.mean_wait == pytest.approx(m.p_wait * 10 / 2, rel=1e-12)
    assert m.wait_within(0) == pytest.approx(1 - m.p_wait)
    assert m.wait_within(10) == pytest.approx(1 - m.p_wait * math.exp(-2 * 10 / 10))
    with pytest.raises(ValueError):
        queueing.mmc(1.0, 10.0, 10)  # utilisation exactly 1


RECOMMENDATIONS = [c for c in CASES if c["call"] == "recommend_windows" and "expect" in c]


@pytest.mark.parametrize("case", RECOMMENDATIONS, ids=[c["name"] for c in RECOMMENDATIONS])
def test_expected_window_counts_agree_with_the_textbook_formula(case):
    assert textbook_windows(**case["args"]) == case["expect"]
