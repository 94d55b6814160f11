"""A clerk's exact references answered from exactly that clause (real model and index)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "question, doc_number, section_end",
    [
        ("福建省人民政府令第227号第三十五条", "福建省人民政府令第227号", "第三十五条"),
        ("储备粮安全管理办法第20条", "福建省人民政府令第227号", "第二十条"),
        ("闽政〔2022〕24号附件第二项任务", "闽政[2022]24号", "全面实行行政许可事项清单管理"),
    ],
)
def test_named_clause_is_quoted(real_assistant, question, doc_number, section_end):
    reply = real_assistant.ask(question)
    assert reply.kind == "answer" and reply.confidence == 1.0
    assert reply.citations[0].doc_number == doc_number and reply.citations[0].section.endswith(section_end)


def test_missing_article_is_said_plainly(real_assistant):
    reply = real_assistant.ask("令第228号第四十条")
    assert reply.kind == "not_found" and "没有第四十条" in reply.answer and "第十八条" in reply.answer


def test_unknown_document_number_is_said_plainly(real_assistant):
    reply = real_assistant.ask("明政规〔2023〕9号讲了什么")
    assert reply.kind == "not_found" and "明政规〔2023〕9号" in reply.answer


def test_number_named_keeps_search_inside_that_document(real_assistant):
    reply = real_assistant.ask("明政办规〔2023〕5号的起付标准是多少")
    assert reply.retrieved and {r.doc_number for r in reply.retrieved} == {"明政办规〔2023〕5号"}


def test_json_carries_confidence_and_titles(real_assistant):
    data = real_assistant.ask("差评多久内要完成整改反馈？").to_dict()
    assert 0.0 <= data["confidence"] <= 1.0
    assert all(r["title"] for r in data["retrieved"])


@pytest.mark.parametrize("question", ["明政办规〔2023〕5号", "闽政[2022]24号是什么文件"])
def test_a_document_named_alone_gets_its_overview(real_assistant, question):
    reply = real_assistant.ask(question)
    assert reply.kind == "answer" and reply.confidence == 1.0
    assert "发文机关" in reply.answer and "主要内容" in reply.answer


def test_question_about_a_numbered_document_is_judged_on_what_it_asks(real_assistant):
    reply = real_assistant.ask("明政办规〔2023〕5号的起付标准是多少")
    assert reply.kind == "answer" and "5000" in reply.answer


def test_a_topic_the_gazettes_only_list_is_not_answered(real_assistant):
    assert real_assistant.ask("福州的公积金怎么提取").kind == "not_found"


def test_an_amount_no_clause_gives_is_not_answered_with_a_headcount(real_assistant):
    # "额度" asks for money; the clause naming 公积金综合窗口 gives "4 名".
    assert real_assistant.ask("三明公积金贷款最高额度").kind == "not_found"


def test_another_countys_staffing_is_not_computed_from_the_citys_plan(real_assistant):
    reply = real_assistant.ask("沙县区政务服务中心综合窗口要配多少人？")
    assert reply.kind == "not_found" and reply.calculation is None and "市（三元区）" in reply.answer


def test_the_shipped_learned_models_apply_to_the_installed_embedding_model(real_assistant):
    # Both are keyed by the embedding model's fingerprint; a fingerprint that changed with
    # the machine or the install path switched them off silently on every fresh clone.
    assert real_assistant.searcher.reranker.model is not None
    assert real_assistant.judge.model is not None
