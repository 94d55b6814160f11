"""Each metric on hand-made cases, including unit normalisation and both date formats."""

from __future__ import annotations

import pytest

from eval import metrics


@pytest.mark.parametrize(
    ("expected", "text", "present"),
    [
        ("33600", "赔付 3.36万元", True),
        ("33600", "赔付 33,600 元", True),
        ("5000", "起付标准为 0.5万元", True),
        ("1500000", "保险金额 150万元", True),
        ("5000", "赔付 50000 元", False),
        ("70%", "赔偿比例 70%", True),
        ("70%", "赔偿比例 ７０％", True),
        ("70%", "赔偿比例 170%", False),
        ("2024-12-31", "有效期至 2024 年 12 月 31 日", True),
        ("2024-12-31", "截止日 2024-12-31", True),
        ("2024-12-31", "2024年12月30日", False),
        ("5个工作日", "压缩至 5 个工作日", True),
        ("第三方专业机构", "委托第三方专业机构", True),
    ],
)
def test_value_present(expected, text, present):
    assert metrics.value_present(expected, text) is present


def test_answer_ok_all_and_any():
    assert metrics.answer_ok(["市司法局", "卫健委"], "all", "牵头单位：市司法局、卫健委")
    assert not metrics.answer_ok(["市司法局", "卫健委"], "all", "牵头单位：市司法局")
    assert metrics.answer_ok(["市司法局", "卫健委"], "any", "牵头单位：市司法局")
    assert metrics.answer_ok([], "all", "anything")


def test_document_hits_and_reciprocal_rank_use_canonical_numbers():
    retrieved = ["闽政〔2022〕24号", "闽政〔2022〕24号", "闽政[2022]23号"]
    assert not metrics.doc_hits(["闽政〔2022〕23号"], retrieved, 1)
    assert metrics.doc_hits(["闽政〔2022〕23号"], retrieved, 2)  # duplicates count once
    assert metrics.reciprocal_rank(["闽政〔2022〕23号"], retrieved) == 0.5
    assert metrics.reciprocal_rank(["明政规〔2023〕5号"], retrieved) == 0.0


def test_evidence_at_k_folds_whitespace_and_width():
    texts = ["其他条款", "在 2 个工作日内完成整改反馈（ＡＢ）"]
    assert metrics.evidence_at(["在2个工作日内完成整改反馈(AB)"], texts, 2)
    assert not metrics.evidence_at(["在2个工作日内完成整改反馈"], texts, 1)


def test_citation_precision():
    assert metrics.citation_precision(["明政办规〔2023〕4号"], ["明政办规〔2023〕4号", "闽政〔2022〕24号"]) == 0.5
    assert metrics.citation_precision(["明政办规〔2023〕4号"], []) is None


def test_percentile_is_nearest_rank():
    assert metrics.percentile([10, 20, 30, 40, 100], 50) == 30
    assert metrics.percentile([10, 20, 30, 40, 100], 95) == 100


def test_limit_is_a_stratified_seeded_sample():
    from eval.runner import Item, sample

    items = [Item(f"q{i}", "问", t, (), (), (), "all", None, (), "", "d") for i, t in enumerate(["lookup"] * 80 + ["numeric"] * 15 + ["unanswerable"] * 5)]
    chosen = sample(items, 20, seed=1)
    assert len(chosen) == 20
    assert {t: sum(i.type == t for i in chosen) for t in ("lookup", "numeric", "unanswerable")} == {"lookup": 16, "numeric": 3, "unanswerable": 1}
    assert chosen == sample(items, 20, seed=1) and chosen != sample(items, 20, seed=2)
    assert [i.id for i in chosen] == sorted((i.id for i in chosen), key=lambda x: int(x[1:]))
