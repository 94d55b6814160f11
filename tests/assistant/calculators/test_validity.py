"""Validity: read from the ingested documents only; the last valid day, the day after."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.calculators import validity
from assistant.calculators.result import CalculationError
from assistant.settings import PROJECT_ROOT

CASES = yaml.safe_load((Path(__file__).parent / "validity_cases.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def register(parsed):
    documents, clauses, _ = parsed
    by_doc: dict[str, list] = {}
    for clause in clauses:
        by_doc.setdefault(clause.doc_id, []).append(clause)
    aliases = validity.load_aliases(PROJECT_ROOT / "corpus" / "aliases.yaml")
    return validity.Register.from_documents(documents.values(), lambda doc_id: by_doc.get(doc_id, []), aliases)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['doc']}@{c['date']}" for c in CASES])
def test_status_case(case, register):
    result = validity.status(case["doc"], case["date"], register)
    assert result.value == case["expect"]


def test_every_rule_is_in_the_register_with_its_dates_and_notes_are_not(register, parsed):
    documents, _, _ = parsed
    rules = [d for d in documents.values() if d.kind != "说明"]
    assert len(register) == len(rules) == len(documents) - 1
    for document in rules:
        entry = register.find(document.canonical_number or document.title)
        assert (entry.valid_from, entry.valid_until, entry.issued) == (document.valid_from, document.valid_until, document.date)


def test_a_stated_validity_cites_the_corpus_words(register, parsed):
    _, clauses, _ = parsed
    texts = [c.text for c in clauses]
    stated = [e for e in register if e.rule != "none"]
    assert stated and all(e.references for e in stated)
    for entry in stated:
        for reference in entry.references:
            assert any(reference.quote in text for text in texts), reference.quote


def test_rules_are_read_from_the_words(register):
    assert register.find("明政规〔2023〕6号").rule == "years" and register.find("明政规〔2023〕6号").years == 5
    assert register.find("明政办规〔2023〕5号").rule == "until_date"
    assert register.find("福建省人民政府令第227号").rule == "in_force_from"
    assert register.find("闽政〔2022〕24号").rule == "none"


@pytest.mark.parametrize("named", ["福建省人民政府第228号令", "第228号令", "令第228号"])
def test_an_order_is_found_however_its_number_is_written(register, named):
    assert register.find(f"{named}什么时候开始施行").number == "福建省人民政府令第228号"


def test_expiring_by_lists_documents_in_date_order(register):
    result = validity.expiring_by(date(2025, 12, 31), register=register)
    assert result.value == ["明政规〔2023〕5号", "明政办规〔2023〕5号", "明政办规〔2023〕6号"]
    assert validity.expiring_by(date(2025, 12, 31), since=date(2025, 1, 1), register=register).value == ["明政办规〔2023〕6号"]


def test_repeal_is_reported(register):
    result = validity.status("禁用区", date(2024, 1, 1), register)
    assert any("明政〔2020〕5号" in step for step in result.steps)


def test_unknown_document_lists_examples(register):
    with pytest.raises(CalculationError, match="已收录"):
        validity.status("火星移民条例", date(2024, 1, 1), register)


def test_a_name_two_documents_share_is_asked_about():
    entry = validity.Validity("甲〔2023〕1号", "甲〔2023〕1号", "甲方案", None, "none", None, None, (), ())
    other = validity.Validity("甲〔2023〕2号", "甲〔2023〕2号", "乙方案", None, "none", None, None, (), ())
    register = validity.Register([entry, other], {"甲〔2023〕1号": ("方案",), "甲〔2023〕2号": ("方案",)})
    with pytest.raises(CalculationError, match="请说明是哪一份"):
        register.find("这个方案还有效吗")


def test_reversed_range_is_refused(register):
    with pytest.raises(CalculationError, match="晚于截止日期"):
        validity.expiring_by(date(2024, 1, 1), since=date(2025, 1, 1), register=register)


def _version(doc_id: str, issued: date) -> validity.Validity:
    return validity.Validity(doc_id, "国务院令第306号", "专利法实施细则", issued, "in_force_from", issued, None, (), ())


def test_versions_sharing_a_number_are_kept_and_the_one_in_force_is_meant():
    register = validity.Register([_version("专利法实施细则(2010-01-09)", date(2010, 1, 9)), _version("专利法实施细则(2023-12-11)", date(2023, 12, 11))])
    assert len(register) == 2
    assert register.find("国务院令第306号", date(2020, 1, 1)).key == "专利法实施细则(2010-01-09)"
    assert register.find("专利法实施细则还有效吗", date(2025, 1, 1)).key == "专利法实施细则(2023-12-11)"
    assert register.find("国务院令第306号").key == "专利法实施细则(2023-12-11)"


def test_a_document_without_a_number_is_named_by_title_and_date_never_by_id():
    entry = validity.Validity("上海航运交易所管理规定(1996-10-03)", None, "上海航运交易所管理规定", date(1996, 10, 3), "none", None, None, (), ())
    result = validity.status("上海航运交易所管理规定", date(2024, 1, 1), validity.Register([entry]))
    assert result.inputs["document"] == "上海航运交易所管理规定（1996-10-03）"
    assert not any("(1996-10-03)" in step for step in result.steps)


def test_repealing_the_earlier_namesake_says_so(register):
    result = validity.status("福建省人民政府令第228号", date(2024, 1, 1), register)
    assert any("此前施行的同名文件" in step for step in result.steps)


def test_the_router_asks_about_the_version_in_force_on_the_date_named():
    from assistant.router import Router

    old = validity.Validity("专利法实施细则(2010-01-09)", "国务院令第306号", "专利法实施细则", date(2010, 1, 9), "in_force_from", date(2010, 2, 1), None, (), ())
    new = validity.Validity("专利法实施细则(2023-12-11)", "国务院令第306号", "专利法实施细则", date(2023, 12, 11), "in_force_from", date(2024, 1, 20), None, (), ())
    routed = Router(validity.Register([old, new])).route("专利法实施细则在2015年6月1日还有效吗？", [], date(2026, 1, 1))
    assert routed.calculation.value == "有效" and any("2010-01-09" in step for step in routed.calculation.steps)


def test_a_revision_is_meant_only_once_it_takes_effect():
    old = validity.Validity("条例(2010-01-09)", None, "某条例", date(2010, 1, 9), "in_force_from", date(2010, 2, 1), None, (), ())
    new = validity.Validity("条例(2023-12-11)", None, "某条例", date(2023, 12, 11), "in_force_from", date(2024, 1, 20), None, (), ())
    register = validity.Register([old, new])
    assert register.find("某条例", date(2024, 1, 1)).key == "条例(2010-01-09)"
    assert register.find("某条例", date(2024, 1, 20)).key == "条例(2023-12-11)"


def test_the_longest_title_named_is_meant():
    short = validity.Validity("甲法", None, "烟草专卖法", None, "none", None, None, (), ())
    long = validity.Validity("甲法实施条例", None, "烟草专卖法实施条例", None, "none", None, None, (), ())
    assert validity.Register([short, long]).find("烟草专卖法实施条例还有效吗").key == "甲法实施条例"
