"""The chat sends and keeps a bounded conversation, however long it gets (fake-embedder index)."""

from __future__ import annotations

import json

from ui.app import KEPT_TURNS, _restored, build_app


def _ask(app):
    """The chat's question handler, as Gradio runs it for the `ask` endpoint."""
    return next(block.fn for block in app.fns.values() if block.api_name == "ask")


def _turn(role: str, number: int) -> dict:
    text = f"第{number}个{'问题' if role == 'user' else '回答'}"
    return {"role": role, "text": text, "html": f"<p>{text}</p>" + "字" * 2000}


def test_a_long_conversation_sends_and_keeps_only_the_last_turns(staff_assistant):
    ask = _ask(build_app(staff_assistant))
    turns = [_turn("user" if i % 2 == 0 else "assistant", i) for i in range(600)]  # 300 exchanges
    *_, (box, chat, kept, saved) = list(ask("差评多久内要完成整改反馈？", "2026-11-30", turns))
    assert len(chat) == len(kept) == len(saved) == KEPT_TURNS
    assert kept[-2]["text"] == "差评多久内要完成整改反馈？" and kept[-1]["role"] == "assistant"
    assert [t["role"] for t in kept] == ["user", "assistant"] * (KEPT_TURNS // 2)
    sent = len(json.dumps(chat, ensure_ascii=False).encode("utf-8"))
    assert sent < KEPT_TURNS * 8_000, sent  # bounded, not growing with the 600 earlier messages


def test_the_first_yield_is_bounded_too(staff_assistant):
    ask = _ask(build_app(staff_assistant))
    turns = [_turn("user" if i % 2 == 0 else "assistant", i) for i in range(600)]
    box, chat, pending, saved = next(ask("差评多久内要完成整改反馈？", "2026-11-30", turns))
    assert len(chat) <= KEPT_TURNS + 2 and len(pending) <= KEPT_TURNS + 1


def test_a_stored_conversation_is_cut_to_the_last_turns():
    saved = [_turn("user" if i % 2 == 0 else "assistant", i) for i in range(100)] + ["junk", {"role": "system"}]
    chat, turns = _restored(saved)
    assert len(chat) == len(turns) == KEPT_TURNS
    assert turns[-1]["text"] == "第99个回答"
