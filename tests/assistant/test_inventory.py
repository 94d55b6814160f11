"""Questions about which documents the corpus holds, over the parsed gazettes."""

from __future__ import annotations

import pytest

from assistant import inventory


@pytest.fixture(scope="module")
def documents(parsed):
    return list(parsed[0].values())


def test_which_documents_lists_every_document_but_the_gazettes_note(documents):
    listing = inventory.read("你收录了哪些文件？", documents)
    assert len(listing.documents) == 18 and listing.scope == ""
    text = inventory.answer_text(listing, 18)
    assert text.startswith("已收录的文件共 18 份（按成文日期从新到旧）：")
    assert "1. 《三明市人民政府办公室关于印发三明市林业碳汇试点建设实施方案（2023—2025年）的通知》（明政办〔2023〕19号，三明市人民政府办公室，2023-07-31）" in text


@pytest.mark.parametrize(
    "question, issuers",
    [
        ("福建省人民政府办公厅发了哪些文件", {"福建省人民政府办公厅"}),
        ("福建省政府办公厅印发了哪些文件？", {"福建省人民政府办公厅"}),
        ("福建省人民政府发布了哪些文件", {"福建省人民政府"}),
        ("三明市出台了哪些文件？", {"三明市人民政府", "三明市人民政府办公室"}),
    ],
)
def test_an_issuer_or_its_place_narrows_the_list(documents, question, issuers):
    listing = inventory.read(question, documents)
    assert listing.documents and {d.issuer for d in listing.documents} == issuers


def test_a_year_narrows_the_list(documents):
    listing = inventory.read("2022年福建省人民政府发了多少份文件？", documents)
    assert listing.documents and all(d.date.year == 2022 and d.issuer == "福建省人民政府" for d in listing.documents)
    assert inventory.answer_text(listing, 18).startswith(f"已收录福建省人民政府2022年印发的文件共 {len(listing.documents)} 份")
    none = inventory.read("2019年三明市发了哪些文件", documents)
    assert none.documents == () and "没有三明市2019年印发的文件" in inventory.answer_text(none, 18)


@pytest.mark.parametrize(
    "question, named",
    [
        ("北京市人民政府发了哪些文件？", "北京市人民政府"),
        ("请问福州市人民政府办公厅印发了哪些文件？", "福州市人民政府办公厅"),
        ("我想知道厦门市政府发了哪些文件", "厦门市政府"),
    ],
)
def test_an_issuer_the_corpus_lacks_is_said(documents, question, named):
    listing = inventory.read(question, documents)
    assert listing.unknown_issuer == named
    assert inventory.answer_text(listing, 18).startswith(f"已收录的文件中没有{named}印发的文件")


def test_a_kind_asked_for_narrows_the_list(documents):
    rules = inventory.read("有哪些规章？", documents)
    assert [d.kind for d in rules.documents] == ["政府规章", "政府规章"]
    assert inventory.answer_text(rules, 18).startswith("已收录的政府规章共 2 份")
    issued = inventory.read("福建省人民政府发布了哪些规章", documents)
    assert {d.kind for d in issued.documents} == {"政府规章"}


@pytest.mark.parametrize(
    "question",
    [
        "储备粮管理有哪些规章？", "差评处理有哪些规定？", "普惠医联保有哪些保障责任？", "办理不动产登记需要哪些材料？",
        "三明市政务服务中心有哪些窗口？", "覆盖哪些人？", "都涵盖什么？", "涵盖哪些病", "要哪些文件？", "带哪些文件",
        "交哪些文件？", "是哪些文件", "需要有哪些文件", "省里发了哪些文件",
    ],
)
def test_a_question_about_a_topic_is_not_a_listing(documents, question):
    assert inventory.read(question, documents) is None
