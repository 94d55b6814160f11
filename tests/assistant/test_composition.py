"""How an answer is put together from its clauses."""

from __future__ import annotations

from assistant.answering import table_reading
from ingest.types import Clause


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
