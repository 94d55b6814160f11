"""How an answer is put together from its clauses."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.answering import UNSURE, Composer, Evidence, table_reading
from ingest.types import Clause, Document, Span


def _row(context: str, kind: str = "table_row") -> Clause:
    return Clause("d/表/3#x", "d", ("表", "3"), ("表", "3"), "3\t床位\t万张\t24.75\t30", (), kind=kind, context=context)


def test_a_table_row_is_read_against_its_header_with_its_unit():
    reading = table_reading(_row("表2：目标｜序号：3；指标名称：养老服务床位总量；单位：万张；2020年完成值：24.75；2025年目标值：30；备注：--"))
    assert reading == "序号：3；指标名称：养老服务床位总量；2020年完成值：24.75万张；2025年目标值：30万张；备注：--"


def test_cells_before_the_unit_column_keep_no_unit_and_long_cells_are_left_to_the_quote():
    reading = table_reading(_row("表｜序号：3；单位：%；2025年：60；说明：" + "很长" * 30))
    assert reading == "序号：3；2025年：60%"


def test_prose_has_no_table_reading():
    assert table_reading(_row("表｜单位：%", kind="item")) == ""


def test_a_unit_written_after_the_rows_name_holds_for_its_numbers():
    reading = table_reading(_row("表1：完成情况｜主要指标：65岁及以上老年人健康管理率（%）；目标值：≥75；完成值：71.26；完成率：95%"))
    assert reading == "主要指标：65岁及以上老年人健康管理率（%）；目标值：≥75%；完成值：71.26%；完成率：95%"


class _Words:
    """A tokenizer that splits on nothing but known words (enough for sentence choice)."""

    def tokens(self, text: str) -> list[str]:
        return [w for w in ("质量奖", "评审", "一次") if w in text]


def _evidence() -> list[Evidence]:
    document = Document(
        doc_id="d", title="质量奖管理办法", doc_number=None, canonical_number=None, issuer="省政府", date=date(2022, 1, 1),
        kind="notice", valid_from=None, valid_until=None, validity_note="", repeals=(), attachments=(), source="",
        source_sha256="", span=Span(0, 0), content_hash="",
    )
    clause = Clause("d/第五条#x", "d", ("第五条",), ("第五条",), "第五条 质量奖每两年评审一次。", (), kind="article")
    return [Evidence(clause, document, 1.0, 0.9, 1.0)]


@pytest.mark.parametrize(("confidence", "hedged"), [(0.5, True), (0.79, True), (0.8, False), (0.95, False)])
def test_an_answer_the_judge_is_unsure_of_says_so_and_still_quotes(confidence, hedged):
    composer = Composer(_Words(), lambda w: 1.0, min_confidence=0.3, judge=lambda q, e: confidence, sure=0.8)
    answer = composer.compose("质量奖多久评审一次？", "质量奖多久评审一次？", _evidence(), date(2024, 1, 1))
    assert answer.kind == "answer" and "质量奖每两年评审一次" in answer.answer
    assert (UNSURE in answer.answer) is hedged


def test_without_a_calibrated_judge_nothing_is_hedged():
    composer = Composer(_Words(), lambda w: 1.0, min_confidence=0.3, judge=lambda q, e: 0.4)
    assert UNSURE not in composer.compose("质量奖多久评审一次？", "质量奖多久评审一次？", _evidence(), date(2024, 1, 1)).answer


def _lapsing(note: str) -> list[Evidence]:
    """The 质量奖 evidence, its document valid 2022-01-01 to 2026-12-31 as ``note`` says."""
    [item] = _evidence()
    document = item.document.__class__(**{**item.document.__dict__, "valid_from": date(2022, 1, 1), "valid_until": date(2026, 12, 31), "validity_note": note})
    return [Evidence(item.clause, document, 1.0, 0.9, 1.0)]


def test_a_lapsed_documents_warning_quotes_and_cites_the_sentence_its_dates_come_from():
    stated = Clause("d/第三十条#y", "d", ("第三十条",), ("第三十条",), "第三十条 本办法自2022年1月1日起施行，有效期至 2026 年 12 月 31 日。", (), kind="article")
    composer = Composer(_Words(), lambda w: 1.0, min_confidence=0.3, judge=lambda q, e: 0.9, clauses_of=lambda doc_id: [stated])
    evidence = _lapsing("本办法自2022年1月1日起施行，有效期至2026年12月31日。")
    answer = composer.compose("质量奖多久评审一次？", "质量奖多久评审一次？", evidence, date(2027, 3, 1))
    assert "第三十条规定了施行和有效期" in answer.answer
    assert "原文：“本办法自2022年1月1日起施行，有效期至 2026 年 12 月 31 日。”" in answer.answer
    assert "按 2027-03-01 计已经失效" in answer.answer
    assert [c.clause_id for c in answer.citations] == ["d/第五条#x", "d/第三十条#y"]
    in_force = composer.compose("质量奖多久评审一次？", "质量奖多久评审一次？", evidence, date(2026, 12, 31))
    assert "注意" not in in_force.answer and len(in_force.citations) == 1


def test_a_warning_whose_sentence_cannot_be_quoted_shows_no_date_of_its_own():
    composer = Composer(_Words(), lambda w: 1.0, min_confidence=0.3, judge=lambda q, e: 0.9, clauses_of=lambda doc_id: [])
    answer = composer.compose("质量奖多久评审一次？", "质量奖多久评审一次？", _lapsing("本办法有效期至2026年12月31日。"), date(2027, 3, 1))
    assert "2027-03-01 时它已经失效" in answer.answer
    assert "2026" not in answer.answer and len(answer.citations) == 1
