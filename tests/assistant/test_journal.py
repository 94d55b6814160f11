"""Operational logs: JSON lines, masked, rotated, to a file and to stderr."""

from __future__ import annotations

import io
import json
import re

from assistant import journal as journal_module
from assistant.journal import Journal
from assistant.types import Answer, Citation

CLEAR = re.compile(r"350402199001011234|13800138000|6222021234567890|138 0013 8000")
QUESTION = "我身份证350402199001011234，手机13800138000，卡6222021234567890，住院自付3.86万能赔多少"


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_an_answer_is_one_masked_json_line_in_the_file_and_on_stderr(tmp_path):
    stream = io.StringIO()
    journal = Journal(tmp_path / "logs" / "serve.jsonl", stream=stream)
    citation = Citation(clause_id="c-1", doc_id="d", doc_number="明政办规〔2023〕4号", title="t", section="四（五）", quote="q")
    answer = Answer(question=QUESTION, kind="answer", answer="…", citations=(citation,), confidence=0.8123)
    written = journal.answered("web", "abc123", QUESTION, answer, seconds=0.1234)
    journal.close()
    (line,) = _lines(tmp_path / "logs" / "serve.jsonl")
    assert line == written
    assert line["event"] == "answer" and line["kind"] == "answer" and line["confidence"] == 0.812
    assert line["clause_ids"] == ["c-1"] and line["latency_ms"] == 123.4 and line["request_id"] == "abc123"
    assert line["question"].startswith("我身份证[身份证号]，手机[手机号]，卡[银行卡号]")
    assert json.loads(stream.getvalue()) == line
    assert not CLEAR.search((tmp_path / "logs" / "serve.jsonl").read_text(encoding="utf-8") + stream.getvalue())


def test_identity_numbers_are_masked_in_every_field_errors_included(tmp_path):
    journal = Journal(tmp_path / "j.jsonl", stream=None)
    journal.failed("web", "r1", "问题", ValueError("bad input 13800138000 / 350402199001011234"), seconds=0.5)
    journal.refused("web", "r2", "电话138 0013 8000", "日期“6222021234567890”无法识别", seconds=0.01)
    journal.event("rating", answer_id="a1", comment="卡号6222 0212 3456 7890")
    journal.close()
    text = (tmp_path / "j.jsonl").read_text(encoding="utf-8")
    assert not CLEAR.search(text) and "6222 0212" not in text
    error, refused, rating = _lines(tmp_path / "j.jsonl")
    assert error["level"] == "ERROR" and error["error"] == "ValueError" and "[手机号]" in error["message"]
    assert refused["event"] == "refused" and rating["event"] == "rating"


def test_the_file_rotates_and_keeps_a_bounded_number_of_old_files(tmp_path, monkeypatch):
    monkeypatch.setattr(journal_module, "MAX_BYTES", 2_000)
    monkeypatch.setattr(journal_module, "BACKUPS", 2)
    journal = Journal(tmp_path / "j.jsonl", stream=None)
    for number in range(200):
        journal.event("tick", number=number)
    journal.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["j.jsonl", "j.jsonl.1", "j.jsonl.2"]
    assert _lines(tmp_path / "j.jsonl")[-1]["number"] == 199
    assert all(path.stat().st_size <= 2_200 for path in tmp_path.iterdir())


def test_long_questions_are_cut_and_nan_is_never_written(tmp_path):
    journal = Journal(tmp_path / "j.jsonl", stream=None)
    answer = Answer(question="问" * 5000, kind="not_found", answer="…", confidence=None)
    line = journal.answered("web", "r", "问" * 5000, answer, seconds=0.0)
    journal.close()
    assert len(line["question"]) == journal_module.QUESTION_CHARS and line["confidence"] is None
