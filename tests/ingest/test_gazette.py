"""The two gazette issues parse into exactly the documents and clauses they print."""

from __future__ import annotations

import re
from datetime import date

from ingest.cleaning import span_text
from ingest.corpus import discover, parse
from tests.conftest import CORPUS

FURNITURE = {"2023.4", "市政府文件", "市政府办公室文件"}


def _doc_clauses(clauses, doc_id):
    return [c for c in clauses if c.doc_id == doc_id]


def test_document_numbers_are_exactly_the_printed_ones(parsed):
    documents, _, _ = parsed
    assert sorted(documents) == sorted(
        [
            "明政规〔2023〕5号", "明政规〔2023〕6号", "明政文〔2023〕47号", "明政办规〔2023〕4号",
            "明政办规〔2023〕5号", "明政办规〔2023〕6号", "明政办〔2023〕19号",
            "福建省人民政府令第227号", "福建省人民政府令第228号", "闽政〔2022〕22号", "闽政〔2022〕23号",
            "闽政〔2022〕24号", "闽政文〔2022〕354号", "闽政文〔2022〕355号", "闽政文〔2022〕356号",
            "闽政文〔2022〕357号", "闽政办〔2022〕43号", "闽政办〔2022〕45号", "fujian-2022-11/说明",
        ]
    )


def test_printed_number_is_kept_and_canonical_number_uses_lenticular_brackets(parsed):
    documents, _, _ = parsed
    assert documents["闽政〔2022〕23号"].doc_number == "闽政[2022]23号"
    assert documents["闽政〔2022〕23号"].canonical_number == "闽政〔2022〕23号"
    assert documents["闽政文〔2022〕354号"].doc_number == "闽政文〔2022〕354号"


def test_metadata_of_each_kind_of_document(parsed):
    documents, _, _ = parsed
    plan = documents["明政规〔2023〕5号"]
    assert plan.title == "三明市人民政府关于印发三明市深化集成创新持续优化营商环境实施方案的通知"
    assert (plan.issuer, plan.date, plan.kind) == ("三明市人民政府", date(2023, 7, 3), "通知")
    assert (plan.valid_from, plan.valid_until) == (date(2023, 7, 3), date(2024, 12, 31))

    notice = documents["明政规〔2023〕6号"]
    assert notice.kind == "通告"
    # 有效期 5 年 from publication (2023-07-12): the last valid day is 2028-07-11.
    assert (notice.valid_from, notice.valid_until) == (date(2023, 7, 12), date(2028, 7, 11))
    assert notice.repeals == ("明政〔2020〕5号",)

    order = documents["福建省人民政府令第227号"]
    assert order.title == "福建省地方政府储备粮安全管理办法"
    assert (order.issuer, order.date, order.kind) == ("福建省人民政府", date(2022, 9, 22), "政府规章")
    assert (order.valid_from, order.valid_until) == (date(2023, 1, 1), None)

    insurance = documents["明政办规〔2023〕5号"]
    assert insurance.issuer == "三明市人民政府办公室"
    assert (insurance.valid_from, insurance.valid_until) == (date(2023, 7, 20), date(2024, 12, 31))

    assert documents["明政办规〔2023〕4号"].valid_until == date(2028, 12, 31)
    assert documents["明政办规〔2023〕6号"].valid_until == date(2025, 12, 31)
    assert documents["闽政〔2022〕23号"].valid_from == date(2022, 9, 14)
    assert documents["闽政〔2022〕23号"].repeals == ("闽政〔2018〕3号",)
    assert documents["福建省人民政府令第228号"].valid_from == date(2022, 12, 1)
    assert documents["闽政文〔2022〕357号"].kind == "批复"
    assert documents["闽政办〔2022〕45号"].issuer == "福建省人民政府办公厅"


def test_documents_without_stated_validity_say_so(parsed):
    documents, _, _ = parsed
    for doc_id in ("明政文〔2023〕47号", "明政办〔2023〕19号", "闽政〔2022〕22号", "闽政文〔2022〕354号"):
        document = documents[doc_id]
        assert (document.valid_from, document.valid_until) == (None, None), doc_id
        assert document.validity_note == "文件未载明施行日期或有效期"


def test_attachments_are_listed(parsed):
    documents, _, _ = parsed
    assert documents["明政办规〔2023〕6号"].attachments[0] == "健康影响评估备案登记表"
    assert len(documents["明政办规〔2023〕6号"].attachments) == 8
    assert documents["闽政办〔2022〕43号"].attachments == ("重点流域、海域及美丽海湾样板湾区名单", "入河入海排污口分类整治要求")


def test_each_attachment_starts_at_its_number_and_is_named_by_its_title(parsed):
    _, clauses, _ = parsed
    forms = [c for c in clauses if c.doc_id == "明政办规〔2023〕6号" and c.kind == "annex"]
    assert [c.section for c in forms][:3] == ["附件1 健康影响评估备案登记表", "附件2 健康影响评估筛选清单", "附件3 健康影响评估分析评估表"]
    assert all(c.text.startswith(c.labels[0] + "\n") for c in forms)
    # A form's last row ("□是 □否" before the next form's page) stays with its form.
    assert forms[1].text.endswith("□否")
    # A title printed before the number (a plain-text issue) still names the attachment.
    assert any(c.section.startswith("附件2 入河入海排污口分类整治要求") for c in clauses if c.doc_id == "闽政办〔2022〕43号")


def test_article_and_task_counts(parsed):
    _, clauses, _ = parsed

    def articles(doc_id):
        return [c for c in _doc_clauses(clauses, doc_id) if c.kind == "article"]

    def tasks(doc_id, top):
        return [c for c in _doc_clauses(clauses, doc_id) if c.labels[0] == top and c.labels[-1].isdigit()]

    assert len(articles("福建省人民政府令第227号")) == 52
    assert len(articles("福建省人民政府令第228号")) == 18
    assert len(articles("闽政〔2022〕23号")) == 36
    assert [int(c.labels[-1]) for c in tasks("明政规〔2023〕5号", "二")] == list(range(1, 40))
    assert [int(c.labels[-1]) for c in tasks("明政文〔2023〕47号", "二")] == list(range(1, 20))


def test_exact_text_of_known_clauses(parsed):
    _, clauses, _ = parsed
    by_id = {c.clause_id.split("#")[0]: c for c in clauses}
    phase_two = by_id["明政办规〔2023〕4号/三/（三）/第二阶段"]
    assert phase_two.text == "第二阶段：2024 年底前参照第一阶段步骤实施，完成公安、税务、公积金、婚姻登记等 4类综合服务窗口 19 名工作人员（市本级）服务外包等工作。"
    assert phase_two.section == "三、改革内容 › （三）分阶段实施 › 第二阶段"
    # A sentence the PDF split over a page break and a furniture block.
    bad_review = by_id["明政办规〔2023〕4号/四/（五）"]
    assert bad_review.text.endswith("不能当场解决的，在1个工作日内沟通了解情况，并在 2 个工作日内完成整改反馈。")
    assert "根据评价内容，明确责任主体" in bad_review.text
    article = by_id["福建省人民政府令第227号/第三章/第十九条"]
    assert article.section == "第三章 储存管理 › 第十九条"
    assert "质量安全档案保存期限自销售出库之日起,不少于5年。" in article.text  # "5" + "年。" rejoined
    # A word cut in two by a blank line: "…方式进行;实" + "" + "行不同品种轮换的，…".
    assert "实物兑换的方式进行;实行不同品种轮换的，" in by_id["福建省人民政府令第227号/第四章/第三十条"].text
    assert "负责拟定本行政区域地方政府粮食储备规模" in by_id["福建省人民政府令第227号/第一章/第五条"].text
    task = by_id["明政规〔2023〕5号/二/（二）/4"]
    assert task.section == "二、重点任务 › （二）优化政务服务 › 4. 整合“一窗通办”"
    assert task.text.splitlines()[-1] == "责任单位：市直有关单位，各县（市、区）人民政府"


def test_no_page_furniture_survives_in_any_clause(parsed):
    _, clauses, _ = parsed
    for clause in clauses:
        for line in clause.text.splitlines():
            assert line.strip() not in FURNITURE, clause.clause_id
        assert "<p>" not in clause.text and "</h3>" not in clause.text, clause.clause_id


def test_every_clause_maps_back_to_its_source_verbatim(parsed):
    _, clauses, sources = parsed
    documents, _, _ = parsed
    for clause in clauses:
        source = sources[documents[clause.doc_id].source]
        assert span_text(source, clause.spans) == re.sub(r"\s+", "", clause.text), clause.clause_id


def test_clause_ids_are_unique_and_stable_across_parses(parsed):
    _, clauses, _ = parsed
    again = [c for source in discover(CORPUS) for c in parse(source).clauses]
    assert [c.clause_id for c in clauses] == [c.clause_id for c in again]
    assert len({c.clause_id for c in clauses}) == len(clauses)


def test_task_table_rows_carry_header_and_join_rows_split_by_page_breaks(parsed):
    _, clauses, _ = parsed
    rows = {c.clause_id.split("#")[0]: c for c in clauses if c.kind == "table_row"}
    row = rows["闽政〔2022〕24号/附件/表/一/（一）/4"]
    # The row continues after a repeated header on the next page.
    assert "省政务服务事项与《国家基本目录》的对应关系" in row.text
    assert "序号：4；事项内容：加强与《国家基本目录》事项对接" in row.context
    assert row.section.startswith("附件 福建省加快推进政务服务标准化规范化便利化的具体任务分工 › 一 推进政务服务标准化 › (一) 推进政务服务事项标准化")
    # Section rows given as HTML headings open the third part of the table.
    assert "闽政〔2022〕24号/附件/表/三/（一）/1" in rows


def test_indicator_table_rows_inherit_their_category(parsed):
    _, clauses, _ = parsed
    rows = {c.clause_id.split("#")[0]: c for c in clauses if c.kind == "table_row"}
    row = rows["闽政〔2022〕22号/二/（三）/表2/2"]
    assert row.text.split("\t")[:2] == ["2", "最低生活保障标准占当地最低工资标准的比例"]
    assert "分类：老年 社会 保障 体系" in row.context
    assert "表1" in rows["闽政〔2022〕22号/一/（一）/表1/1"].labels
