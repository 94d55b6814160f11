"""Input handling, follow-ups and answer shape, on the fake-embedder index (fast)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant import settings
from assistant.service import Assistant
from assistant.types import Turn
from ingest.embedding import HashingEmbedder
from ingest.index import ClauseIndex


@pytest.fixture(scope="module")
def assistant(fake_index_dir, tokenizer):
    config = settings.load({"index_dir": str(fake_index_dir)}, environ={})
    return Assistant(ClauseIndex.open(fake_index_dir), HashingEmbedder(), tokenizer, config)


def test_empty_question_asks_for_one(assistant):
    answer = assistant.ask("   \n ")
    assert answer.kind == "clarify"
    assert answer.answer.startswith("请输入您想问的问题")


def test_question_without_chinese_is_asked_again_in_chinese(assistant):
    answer = assistant.ask("What is the deductible?")
    assert answer.kind == "clarify"
    assert "中文" in answer.answer


def test_overlong_question_is_cut_and_the_answer_says_so(assistant):
    answer = assistant.ask("普惠医联保起付标准是多少" * 10_000)
    assert answer.answer.startswith("（问题太长，只按前 300 个字查找）")
    assert len(answer.retrieved) == 10


def test_answer_quotes_the_clause_verbatim_and_cites_it(assistant):
    answer = assistant.ask("“三明普惠医联保”的起付标准为多少元？", as_of=date(2024, 3, 1))
    assert answer.kind == "answer"
    citation = answer.citations[0]
    clause = assistant.index.clauses[citation.clause_id]
    assert citation.quote == clause.text
    assert citation.doc_number == "明政办规〔2023〕5号"
    quoted = answer.answer.split("：\n“", 1)[1].rsplit("”", 1)[0]
    assert quoted.strip() and quoted.strip() in clause.text


def test_expired_document_is_flagged_on_the_as_of_date(assistant):
    answer = assistant.ask("“三明普惠医联保”的起付标准为多少元？", as_of=date(2025, 1, 1))
    assert "至 2024-12-31 止" in answer.answer and "按 2025-01-01 计已经失效" in answer.answer
    # The sentence the dates come from is quoted verbatim and its clause is cited.
    stated = "本方案自印发之日起试行，有效期至 2024 年 12 月 31 日。"
    assert f"原文：“{stated}”" in answer.answer
    assert any(stated in citation.quote for citation in answer.citations)


def test_a_document_in_force_on_the_date_carries_no_warning(assistant):
    answer = assistant.ask("“三明普惠医联保”的起付标准为多少元？", as_of=date(2024, 3, 1))
    assert "注意：" not in answer.answer and "原文：“本方案" not in answer.answer


def test_follow_up_is_rewritten_against_the_previous_question(assistant):
    history = [Turn("user", "一窗通办第一阶段多少人？"), Turn("assistant", "……")]
    assert assistant.query_for("那第二阶段呢？", history) == "一窗通办第二阶段多少人？"
    assert assistant.query_for("还有呢？", history) == "一窗通办第一阶段多少人？ 还有呢？"
    assert assistant.query_for("火星移民补贴怎么申请？", history) == "火星移民补贴怎么申请？"


def test_a_follow_up_naming_another_document_or_place_swaps_it(assistant):
    asked = [Turn("user", "《福建省地方政府储备粮安全管理办法》什么时候开始施行？"), Turn("assistant", "……")]
    assert assistant.query_for("那社科优秀成果奖励办法呢？", asked) == "社科优秀成果奖励办法什么时候开始施行？"
    placed = [Turn("user", "惠安县2022年度土地征收成片开发总面积多少？"), Turn("assistant", "……")]
    assert assistant.query_for("诏安县那个呢？", placed) == "诏安县2022年度土地征收成片开发总面积多少？"


def test_a_follow_up_is_read_through_the_questions_before_it(assistant):
    asked = [
        Turn("user", "《福建省地方政府储备粮安全管理办法》是哪年通过的？"), Turn("assistant", "……"),
        Turn("user", "它什么时候开始施行？"), Turn("assistant", "……"),
    ]
    query = assistant.query_for("那社科优秀成果奖励办法呢？", asked)
    assert "社科优秀成果奖励办法" in query and "施行" in query and "储备粮" not in query


def test_a_question_pointing_back_reads_the_one_before(assistant):
    asked = [Turn("user", "惠安县第四批次土地征收成片开发方案省政府批了吗？"), Turn("assistant", "……")]
    assert assistant.query_for("如果这个方案实施不下去需要调整，怎么办？", asked).startswith("惠安县第四批次")
    assert assistant.query_for("福建省政府质量奖每届评选多少个？", asked) == "福建省政府质量奖每届评选多少个？"


def test_a_calculator_follow_up_swaps_its_slot(assistant):
    history = [Turn("user", "全市参保率达到30%时，普惠医联保在统筹区内看病自付封顶多少？"), Turn("assistant", "10万元")]
    reply = assistant.ask("那要是参保率只到20%呢？", history=history)
    assert "12万元" in reply.answer


def test_contract_fields(assistant):
    data = assistant.ask("质量奖多久评审一次？", question_id="q1").to_dict()
    assert list(data) == ["id", "question", "kind", "confidence", "answer", "citations", "calculation", "clarification", "understood", "retrieved"]
    assert 0.0 <= data["confidence"] <= 1.0
    assert data["id"] == "q1" and data["calculation"] is None
    assert set(data["retrieved"][0]) == {"clause_id", "doc_number", "title", "section", "score", "text"}
    if data["citations"]:
        assert set(data["citations"][0]) == {"clause_id", "doc_number", "title", "section", "quote"}


def test_a_follow_up_about_another_document_is_answered_from_that_document(assistant):
    asked = [Turn("user", "《福建省地方政府储备粮安全管理办法》什么时候开始施行？"), Turn("assistant", "……")]
    reply = assistant.ask("那社科优秀成果奖励办法呢？", history=asked)
    assert "2022年12月1日" in reply.answer and "2023年1月1日" not in reply.answer
    numbered = [Turn("user", "明政办规〔2023〕5号的保费是多少？"), Turn("assistant", "……")]
    gathered = assistant.gather("那明政办规〔2023〕6号呢？", numbered, date(2024, 1, 1))
    assert gathered.reference.documents[0].doc_number == "明政办规〔2023〕6号"
    assert gathered.about == "的保费是多少？"  # cut from the same string the reference was read from


def test_a_place_inside_a_document_title_is_not_swapped(assistant):
    asked = [Turn("user", "福建省政府质量奖多久评一次？"), Turn("assistant", "……")]
    assert "福州政府质量奖" not in assistant.query_for("那福州呢？", asked)
    both = [Turn("user", "诏安县、惠安县成片开发总面积多少？"), Turn("assistant", "……")]
    assert "惠安县、惠安县" not in assistant.query_for("惠安县呢？", both)


def test_a_calculator_question_names_the_input_it_asks_for(assistant):
    data = assistant.ask("差评整改反馈的截止日是哪天？").to_dict()
    assert data["kind"] == "clarify" and data["clarification"]["field"] == "start_date"
    assert data["answer"].endswith(data["clarification"]["question"])
    payout = assistant.ask("我在三明住院自付了3.86万，普惠医联保能赔多少？").to_dict()
    assert payout["kind"] == "clarify" and payout["clarification"]["field"] == "preexisting"


def test_langchain_retriever_returns_clauses_with_metadata(assistant):
    from assistant.clause_retriever import ClauseRetriever

    documents = ClauseRetriever(searcher=assistant.searcher, k=3).invoke("福建省政府质量奖每年评审一次")
    assert len(documents) == 3
    first = documents[0]
    clause = assistant.index.clauses[first.metadata["clause_id"]]
    assert first.page_content == clause.text
    assert first.metadata["section"] == clause.section and first.metadata["rank"] == 1
    assert first.metadata["doc_number"] == assistant.index.documents[clause.doc_id].doc_number


def test_missing_model_says_how_to_get_it(tmp_path):
    from ingest.embedding import SentenceTransformerEmbedder
    from ingest.errors import ModelMissingError

    with pytest.raises(ModelMissingError, match="make setup"):
        SentenceTransformerEmbedder(tmp_path / "no-model")


def test_payout_question_is_clarified_then_calculated_with_cited_clauses(assistant):
    question = "我在三明住院自付了3.86万，普惠医联保能赔多少？"
    first = assistant.ask(question)
    assert first.kind == "clarify" and "特定既往症" in first.answer
    second = assistant.ask("没有", history=[Turn("user", question), Turn("assistant", first.answer)])
    assert second.kind == "calculation"
    assert second.calculation.value == 33600 and second.calculation.unit == "元"
    assert second.answer.startswith("计算结果：33,600 元")
    clause = assistant.index.clauses[second.citations[0].clause_id]
    assert second.citations[0].quote.replace(" ", "") in clause.text.replace(" ", "").replace("\n", "")


def test_impossible_date_gets_a_plain_message(assistant):
    answer = assistant.ask("2月30日收到的差评，最晚哪天要整改反馈？", as_of=date(2024, 3, 1))
    assert answer.kind == "clarify"
    assert "没有 30 日" in answer.answer


def test_two_questions_in_one_are_answered_part_by_part(assistant):
    answer = assistant.ask("福建省人民政府令第227号第三十五条讲什么？令第228号第二条讲什么？")
    assert "【第1问】" in answer.answer and "【第2问】" in answer.answer
    assert [c.section.split(" › ")[-1] for c in answer.citations] == ["第三十五条", "第二条"]


def test_breaking_a_named_article_is_answered_by_the_clause_that_punishes_it(assistant):
    answer = assistant.ask("承储企业违反福建省人民政府令第227号第十六条的，逾期不改正罚多少？", as_of=date(2024, 6, 1))
    assert answer.kind == "answer"
    assert answer.citations[0].section.endswith("第四十八条")
    assert "3000元以上1万元以下" in answer.answer


def test_asking_what_a_named_article_says_still_quotes_that_article(assistant):
    answer = assistant.ask("福建省人民政府令第227号第十六条规定了什么？", as_of=date(2024, 6, 1))
    assert answer.citations[0].section.endswith("第十六条")

