"""Validity: the last valid day, the day after, and agreement with what ingestion reads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.calculators import validity
from assistant.calculators.result import CalculationError

CASES = yaml.safe_load((Path(__file__).parent / "validity_cases.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['doc']}@{c['date']}" for c in CASES])
def test_status_case(case):
    result = validity.status(case["doc"], case["date"])
    assert result.value == case["expect"]


def test_table_agrees_with_what_ingestion_reads(parsed):
    documents, _, _ = parsed
    for number, entry in validity.table().items():
        document = documents[number]
        assert (document.valid_from, document.valid_until) == (entry.valid_from, entry.valid_until), number
        assert document.date == entry.issued, number
    gazette_numbers = {d.canonical_number for d in documents.values() if d.canonical_number}
    assert gazette_numbers == set(validity.table())


def test_expiring_by_lists_documents_in_date_order():
    result = validity.expiring_by(date(2025, 12, 31))
    assert result.value == ["明政规〔2023〕5号", "明政办规〔2023〕5号", "明政办规〔2023〕6号"]
    assert validity.expiring_by(date(2025, 12, 31), since=date(2025, 1, 1)).value == ["明政办规〔2023〕6号"]


def test_repeal_is_reported():
    result = validity.status("禁用区", date(2024, 1, 1))
    assert any("明政〔2020〕5号" in step for step in result.steps)


def test_unknown_document_lists_the_choices():
    with pytest.raises(CalculationError, match="已收录"):
        validity.status("火星移民条例", date(2024, 1, 1))


def test_reversed_range_is_refused():
    with pytest.raises(CalculationError, match="晚于截止日期"):
        validity.expiring_by(date(2024, 1, 1), since=date(2025, 1, 1))
