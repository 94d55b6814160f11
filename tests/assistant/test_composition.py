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
