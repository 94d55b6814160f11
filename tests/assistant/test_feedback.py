"""Feedback on answers: stored in SQLite, identity numbers masked, nothing lost under load."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.feedback import Feedback, FeedbackError, FeedbackStore, mask_identity
from eval.runner import load_dataset


def _feedback(**changes) -> Feedback:
    values = dict(
        answer_id="a1",
        rating="down",
        question="我在三明住院自付了3.86万，能赔多少？",
        answer="计算结果：33,600 元",
        kind="calculation",
        confidence=None,
        clause_ids=("明政办规〔2023〕5号/三/（六）/2#abcd1234",),
        doc_numbers=("明政办规〔2023〕5号",),
        as_of="2024-06-01",
        settings={"fusion": "rrf"},
    )
    values.update(changes)
    return Feedback(**values)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证号35040219900101123X请查", "身份证号[身份证号]请查"),
        ("老身份证350402900101123", "老身份证[身份证号]"),
        ("手机13800138000", "手机[手机号]"),
        ("电话 +86 138-0013-8000 找我", "电话 [手机号] 找我"),
        ("自付了38600元，2024年6月1日住院", "自付了38600元，2024年6月1日住院"),
        ("文号闽政〔2022〕24号", "文号闽政〔2022〕24号"),
    ],
)
def test_identity_numbers_are_masked_and_amounts_are_not(text, masked):
    assert mask_identity(text) == masked


def test_a_rating_survives_a_restart_without_identity_numbers(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    record_id = FeedbackStore(path).record(_feedback(question="我身份证350402199001011234，住院自付3.86万"))
    FeedbackStore(path).comment(record_id, "电话13800138000，金额算错了")
    rows = FeedbackStore(path).rows()  # a new store object: as after a restart
    assert len(rows) == 1
    row = rows[0]
    assert row["question"] == "我身份证[身份证号]，住院自付3.86万"
    assert row["comment"] == "电话[手机号]，金额算错了"
    assert (row["rating"], row["kind"], row["as_of"]) == ("down", "calculation", "2024-06-01")
    assert row["clause_ids"] == ["明政办规〔2023〕5号/三/（六）/2#abcd1234"]
    assert row["settings"] == {"fusion": "rrf"}
    raw = path.read_bytes() + (tmp_path / "feedback.sqlite3-wal").read_bytes() if (tmp_path / "feedback.sqlite3-wal").exists() else path.read_bytes()
    assert "350402199001011234".encode() not in raw and b"13800138000" not in raw


def test_two_hundred_concurrent_ratings_lose_none(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(lambda n: store.record(_feedback(answer_id=f"a{n}", rating="up" if n % 2 else "down")), range(200)))
    assert len(set(ids)) == 200
    rows = store.rows()
    assert sorted(r["answer_id"] for r in rows) == sorted(f"a{n}" for n in range(200))


def test_bad_ratings_and_unknown_records_are_named(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    with pytest.raises(FeedbackError, match="评价只能是"):
        store.record(_feedback(rating="meh"))
    with pytest.raises(FeedbackError, match="没有编号为 7"):
        store.comment(7, "x")


def test_export_writes_benchmark_items_a_maintainer_completes(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.record(_feedback(rating="up"))
    complaint = store.record(_feedback(answer_id="a2", kind="not_found", doc_numbers=(), question="福州的公积金怎么提取"))
    store.comment(complaint, "应该说没有收录")
    out = tmp_path / "out" / "feedback.jsonl"
    assert store.export(out, only="down") == 1
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["id"] == f"feedback-{complaint}" and line["type"] == "unanswerable"
    assert line["feedback"]["comment"] == "应该说没有收录"
    (item,) = load_dataset(out)  # loads as a benchmark file once a maintainer fills in the gold answer
    assert item.question == "福州的公积金怎么提取"
    with pytest.raises(FeedbackError, match="文件夹"):
        store.export(tmp_path)
