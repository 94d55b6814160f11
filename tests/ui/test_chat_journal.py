"""The web chat logs each question, refusal and rating as masked JSON lines (fake-embedder index)."""

from __future__ import annotations

import json

from assistant.journal import Journal
from ui.app import build_app, serve_warning


def _ask(app):
    return next(block.fn for block in app.fns.values() if block.api_name == "ask")


def test_each_question_is_logged_with_its_kind_and_clauses_and_no_identity_number(staff_assistant, tmp_path):
    journal = Journal(tmp_path / "serve.jsonl", stream=None)
    ask = _ask(build_app(staff_assistant, journal))
    *_, (_, chat, kept, _) = list(ask("我手机13800138000，在三明住院自付了3.86万，不是特定既往症人群，普惠医联保能赔多少？", "2026-11-30", []))
    list(ask("差评多久内要完成整改反馈？", "2026年13月1日", kept))
    journal.close()
    text = (tmp_path / "serve.jsonl").read_text(encoding="utf-8")
    answered, refused = [json.loads(line) for line in text.splitlines()]
    assert "13800138000" not in text and answered["question"].startswith("我手机[手机号]")
    assert answered["event"] == "answer" and answered["channel"] == "web"
    assert answered["kind"] == "calculation" and answered["calculator"] and answered["clause_ids"] and answered["latency_ms"] > 0
    assert refused["event"] == "refused" and "无法识别" in refused["message"]


def test_listening_beyond_this_machine_is_said_plainly():
    assert serve_warning("127.0.0.1") is None and serve_warning("localhost") is None
    warning = serve_warning("0.0.0.0")
    assert warning and "0.0.0.0" in warning and "127.0.0.1" in warning
