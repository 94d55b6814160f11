"""Documents and sections named in a question resolve deterministically to their clauses."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.references import Catalogue, aliases_from, clauses_for, pick_version, read_section
from ingest.types import Document, Span


@pytest.fixture(scope="module")
def catalogue(parsed):
    documents, clauses, _ = parsed
    return Catalogue(documents.values(), aliases_from(clauses))


@pytest.fixture(scope="module")
def clauses_of(parsed):
    _, clauses, _ = parsed
    return lambda doc_id: [c for c in clauses if c.doc_id == doc_id]


@pytest.mark.parametrize(
    "question, doc_id, section",
    [
        ("福建省人民政府令第227号第三十五条", "福建省人民政府令第227号", "第三十五条"),
        ("省政府令第227号第35条怎么规定的", "福建省人民政府令第227号", "第三十五条"),
        ("省政府227号令第35条", "福建省人民政府令第227号", "第三十五条"),
        ("储备粮安全管理办法第20条", "福建省人民政府令第227号", "第二十条"),
        ("储备粮办法第二十条", "福建省人民政府令第227号", "第二十条"),
        ("质量奖办法第五条", "闽政〔2022〕23号", "第五条"),
        ("《福建省政府质量奖管理办法》第五条", "闽政〔2022〕23号", "第五条"),
    ],
)
def test_document_and_article_resolve_to_that_clause(catalogue, clauses_of, question, doc_id, section):
    reference = catalogue.read(question)
    assert [d.doc_id for d in reference.documents] == [doc_id]
    found = clauses_for(reference.section, clauses_of(doc_id))
    assert len(found) == 1 and found[0].labels[-1] == section


@pytest.mark.parametrize(
    "question, doc_id",
    [
        ("明政办规〔2023〕5号", "明政办规〔2023〕5号"),
        ("明政办规[2023]5号", "明政办规〔2023〕5号"),
        ("明政办规（2023）5号讲什么", "明政办规〔2023〕5号"),
        ("闽政[2022]24号", "闽政〔2022〕24号"),
        ("闽政〔2022〕24号", "闽政〔2022〕24号"),
        ("闽政办【2022】43号", "闽政办〔2022〕43号"),
        ("普惠医联保方案里住院怎么赔", "明政办规〔2023〕5号"),
        ("标准地改革的指导意见", "闽政办〔2022〕45号"),
    ],
)
def test_numbers_in_any_bracket_titles_and_short_names(catalogue, question, doc_id):
    assert [d.doc_id for d in catalogue.read(question).documents] == [doc_id]


def test_5hao_is_not_4hao(catalogue):
    assert [d.doc_id for d in catalogue.read("明政办规〔2023〕5号").documents] != ["明政办规〔2023〕4号"]


def test_a_number_the_corpus_does_not_hold_is_reported(catalogue):
    reference = catalogue.read("明政规〔2023〕9号讲了什么")
    assert reference.documents == () and reference.unknown_numbers == ("明政规〔2023〕9号",)


def test_an_article_the_document_lacks_finds_nothing(catalogue, clauses_of):
    reference = catalogue.read("令第228号第四十条")
    assert clauses_for(reference.section, clauses_of(reference.documents[0].doc_id)) == []


def test_annex_item_is_the_nth_task_row(catalogue, clauses_of):
    reference = catalogue.read("闽政〔2022〕24号附件第二项任务")
    found = clauses_for(reference.section, clauses_of("闽政〔2022〕24号"))
    assert len(found) == 1 and found[0].kind == "table_row" and "行政许可事项清单" in found[0].text


def test_outline_path(catalogue, clauses_of):
    reference = catalogue.read("明政办规〔2023〕4号三、（三）")
    found = clauses_for(reference.section, clauses_of("明政办规〔2023〕4号"))
    assert {c.labels[:2] for c in found} == {("三", "（三）")}


@pytest.mark.parametrize(
    "text, labels",
    [("第35条", ("第三十五条",)), ("第一百零五条", ("第一百零五条",)), ("第110条", ("第一百一十条",)), ("第二阶段", ("第二阶段",)), ("二、（一）2.", ("二", "（一）", "2"))],
)
def test_section_numbers_in_either_numeral(text, labels):
    section, _ = read_section(text)
    assert section.labels == labels


def _version(day: str, valid_from: str | None = None) -> Document:
    return Document(
        doc_id=f"发票管理办法({day})", title="发票管理办法", doc_number=None, canonical_number=None, issuer="国务院",
        date=date.fromisoformat(day), kind="regulation", valid_from=date.fromisoformat(valid_from or day), valid_until=None,
        validity_note="", repeals=(), attachments=(), source="", source_sha256="", span=Span(0, 0), content_hash="",
    )


def test_version_by_named_year_then_as_of_then_newest():
    versions = [_version("2010-12-20"), _version("2019-03-02"), _version("2023-07-20")]
    assert pick_version(versions, "2019年修订的发票管理办法", None).date.year == 2019
    assert pick_version(versions, "发票管理办法", date(2021, 1, 1)).date.year == 2019
    assert pick_version(versions, "发票管理办法", None).date.year == 2023


def test_an_item_numbered_through_the_document_is_that_item(catalogue, clauses_of):
    reference = catalogue.read("明政规〔2023〕5号第14项，联合验收等待前置事项的时长压缩到几个工作日？")
    found = clauses_for(reference.section, clauses_of(reference.documents[0].doc_id))
    assert [c.labels for c in found] == [("二", "（三）", "14")]


def test_another_regions_document_of_the_same_name_is_not_ours(catalogue):
    assert catalogue.read("浙江省地方政府储备粮安全管理办法第20条").documents == ()
    assert catalogue.read("浙江的储备粮安全管理办法第20条").documents == ()
    assert [d.doc_id for d in catalogue.read("福建省地方政府储备粮安全管理办法第20条").documents] == ["福建省人民政府令第227号"]


@pytest.mark.parametrize(
    "question, labels",
    [
        ("明政办规〔2023〕4号 四（五）", ("四", "（五）")),  # as staff write it
        ("　十二（三）", ("十二", "（三）")),
        ("三（一）、四（二）有什么不同", ("三", "（一）")),  # two sections, not one four-level path
        ("统一（二）是什么要求", ("（二）",)),  # the end of a word is no level
        ("十四五（二）", ("（二）",)),
    ],
)
def test_a_bare_numeral_opens_a_path_only_before_its_bracketed_item(question, labels):
    section, _ = read_section(question)
    assert section.labels == labels
