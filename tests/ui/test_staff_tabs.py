"""The 文件库 and 条款检索 tabs, over the fake-embedder index (no browser, no model)."""

from __future__ import annotations

from datetime import date

from assistant.calculators import validity
from ui import clause_search as search
from ui import library
from ui.library import DocumentFilter


def _documents(assistant):
    return list(assistant.index.documents.values())


def test_the_library_filters_by_words_in_either_bracket_form_issuer_kind_and_dates(staff_assistant):
    documents = _documents(staff_assistant)
    states = validity.states_on(staff_assistant.validity, date(2024, 6, 1))
    assert len(library.matching(documents, states, DocumentFilter())) == len(documents)
    for words in ("闽政〔2022〕24号", "闽政[2022]24号"):
        assert [d.doc_id for d in library.matching(documents, states, DocumentFilter(words=words))] == ["闽政〔2022〕24号"]
    fujian = library.matching(documents, states, DocumentFilter(issuer="福建省人民政府办公厅"))
    assert fujian and all(d.issuer == "福建省人民政府办公厅" for d in fujian)
    dated = library.matching(documents, states, DocumentFilter(since=date(2023, 1, 1), until=date(2023, 12, 31)))
    assert dated and all(date(2023, 1, 1) <= d.date <= date(2023, 12, 31) for d in dated)
    assert [d.date for d in dated] == sorted((d.date for d in dated), reverse=True)


def test_in_force_on_a_date_follows_each_documents_own_validity(staff_assistant):
    documents = _documents(staff_assistant)
    before = validity.states_on(staff_assistant.validity, date(2024, 6, 1))
    after = validity.states_on(staff_assistant.validity, date(2025, 6, 1))
    # 普惠医联保 2024 runs 2024-01-01 to 2024-12-31.
    assert before["明政办规〔2023〕5号"] == "有效" and after["明政办规〔2023〕5号"] == "已失效"
    in_force = library.matching(documents, before, DocumentFilter(state="有效"))
    assert "明政办规〔2023〕5号" in [d.doc_id for d in in_force]
    assert "明政办规〔2023〕5号" not in [d.doc_id for d in library.matching(documents, after, DocumentFilter(state="有效"))]
    page = library.library_html(in_force, before, date(2024, 6, 1), len(documents))
    assert "2024-06-01 是否有效" in page and f"符合条件 {len(in_force)} 份" in page


def test_the_library_shows_both_bracket_forms_and_links_each_title(staff_assistant):
    documents = _documents(staff_assistant)
    states = validity.states_on(staff_assistant.validity, date(2024, 6, 1))
    page = library.library_html(documents, states, date(2024, 6, 1), len(documents))
    assert "闽政〔2022〕24号<br><small class='other-form'>闽政[2022]24号</small>" in page
    assert 'href="/doc/%E9%97%BD%E6%94%BF%E3%80%942022%E3%80%9524%E5%8F%B7"' in page
    assert "没有符合条件的文件" in library.library_html([], states, date(2024, 6, 1), len(documents))


def test_a_later_version_replaces_an_earlier_one():
    def entry(key, start):
        return validity.Validity(key, "国务院令第1号", "某条例", start, "in_force_from", start, None, (), ())

    register = validity.Register([entry("v1", date(2001, 1, 1)), entry("v2", date(2011, 1, 1))])
    assert validity.states_on(register, date(2005, 1, 1)) == {"v1": "有效", "v2": "尚未施行"}
    assert validity.states_on(register, date(2012, 1, 1)) == {"v1": "已被新版本取代", "v2": "有效"}


def test_library_date_boxes_are_checked_next_to_the_box():
    problems = library.check_filters("", "", "", "2023-02-30", "2022-01-01", "", "")
    assert "没有 30 日" in problems[3] and problems[4] is None
    problems = library.check_filters("", "", "", "2023-01-01", "2022-01-01", "", "")
    assert problems[4] == "结束日期 2022-01-01 早于开始日期 2023-01-01"
    assert library.check_filters("", "", "", "", "", "", "") == [None] * 7


def test_a_number_and_a_section_jump_straight_to_the_clause(staff_assistant):
    results = search.search(staff_assistant, "明政办规〔2023〕4号 四（五）")
    first = results.found[0]
    assert first.direct and first.document.doc_id == "明政办规〔2023〕4号"
    assert first.clause.labels[-2:] == ("四", "（五）")
    assert sum(f.direct for f in results.found) == 1
    page = search.results_html(results, [])
    assert page.index("直达") < page.index(first.clause.text[:10])
    assert "#clause-" in page


def test_other_brackets_and_an_order_number_jump_too(staff_assistant):
    assert search.search(staff_assistant, "明政办规[2023]4号四（五）").found[0].direct
    order = search.search(staff_assistant, "福建省人民政府令第227号 第十条").found[0]
    assert order.direct and "第十条" in order.clause.labels


def test_a_section_the_document_lacks_is_said(staff_assistant):
    results = search.search(staff_assistant, "227号令 第99条")
    assert not any(f.direct for f in results.found)
    assert "福建省人民政府令第227号中没有找到“第99条”" in results.note


def test_a_number_the_corpus_lacks_is_said(staff_assistant):
    results = search.search(staff_assistant, "闽政〔2099〕1号 第三条")
    assert "已收录的文件中没有闽政〔2099〕1号" in results.note


def test_search_keeps_inside_the_filters_and_highlights_the_words(staff_assistant):
    wanted = search.ClauseFilter(doc_id="明政办规〔2023〕4号")
    results = search.search(staff_assistant, "差评整改", wanted)
    assert results.found and all(f.document.doc_id == "明政办规〔2023〕4号" for f in results.found)
    page = search.results_html(results, search.terms_of(staff_assistant, "差评整改"))
    assert "<mark>整改</mark>" in page or "<mark>差评整改</mark>" in page
    issuer = search.search(staff_assistant, "差评", search.ClauseFilter(issuer="福建省人民政府办公厅"))
    assert issuer.found and all(f.document.issuer == "福建省人民政府办公厅" for f in issuer.found)
    nothing = search.search(staff_assistant, "差评", search.ClauseFilter(since=date(2099, 1, 1)))
    assert not nothing.found and "没有文件符合筛选条件" in nothing.note


def test_in_force_filter_drops_expired_documents(staff_assistant):
    expired = search.search(staff_assistant, "普惠医联保 起付标准", search.ClauseFilter(in_force_on=date(2025, 6, 1)))
    assert expired.found and all(f.document.doc_id != "明政办规〔2023〕5号" for f in expired.found)
    # A document stating no validity is kept once issued; one named but expired is said to be.
    kept = search.search(staff_assistant, "闽政〔2022〕24号 政务服务", search.ClauseFilter(in_force_on=date(2024, 6, 1)))
    assert kept.found and kept.found[0].document.doc_id == "闽政〔2022〕24号"
    named = search.search(staff_assistant, "明政办规〔2023〕5号 起付标准", search.ClauseFilter(in_force_on=date(2025, 6, 1)))
    assert not named.found and "它在 2025-06-01 已失效" in named.note
    current = search.search(staff_assistant, "普惠医联保 起付标准", search.ClauseFilter(in_force_on=date(2024, 6, 1)))
    assert any(f.document.doc_id == "明政办规〔2023〕5号" for f in current.found)


def test_an_empty_query_is_asked_for_next_to_the_box():
    problems = search.check_search("  ", "", "", "", "", "", False)
    assert problems[0].startswith("请输入") and problems[1:] == [None] * 6
    assert search.check_search("差评", "", "", "", "", "", True)[5].startswith("请填写日期")


def test_a_document_stating_no_validity_is_listed_with_those_in_force_once_issued(staff_assistant):
    documents = _documents(staff_assistant)
    on = date(2023, 7, 5)
    states = validity.states_on(staff_assistant.validity, on)
    wider = library.matching(documents, states, DocumentFilter(state=library.STATED_OR_NOT))
    strict = library.matching(documents, states, DocumentFilter(state=library.IN_FORCE))
    assert set(strict) < set(wider)
    assert all(d.date is None or d.date <= on for d in wider)
    assert "明政规〔2023〕6号" not in [d.doc_id for d in wider]  # issued 2023-07-12
    assert "未载明" in {states[d.doc_id] for d in wider}


def test_validity_before_a_document_was_issued():
    entry = validity.Validity("k", "闽政〔2022〕24号", "t", date(2022, 9, 1), "none", None, None, (), ())
    early = validity.status(entry, date(2022, 1, 1))
    assert early.value == "尚未施行" and "还没有印发" in early.steps[-1]
    assert validity.status(entry, date(2023, 1, 1)).value == "未载明"


def test_a_query_no_clause_contains_says_the_hits_are_only_near(staff_assistant):
    results = search.search(staff_assistant, "asdfgh")
    assert "没有条款包含这些字词" in results.note
    assert "没有条款包含这些字词" not in search.search(staff_assistant, "差评整改").note


def test_the_library_counts_documents_and_the_gazettes_note_apart(staff_assistant):
    documents = _documents(staff_assistant)
    states = validity.states_on(staff_assistant.validity, date(2024, 6, 1))
    page = library.library_html(library.matching(documents, states, DocumentFilter()), states, date(2024, 6, 1), 18)
    assert "共 18 份文件，符合条件 18 份，另有公报附载的说明 1 则。" in page
