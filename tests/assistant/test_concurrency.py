"""Answering is thread-safe: many questions at once get exactly the answers they get one by one."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

DEV = Path(__file__).resolve().parents[2] / "eval" / "datasets" / "gazettes.jsonl"
AS_OF = date(2026, 11, 30)


def _questions(count: int) -> list[str]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["question"] for row in rows[:count]]


def _same_at_once(assistant, questions: list[str], threads: int) -> None:
    one_by_one = [assistant.ask(q, as_of=AS_OF).to_dict() for q in questions]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        at_once = list(pool.map(lambda q: assistant.ask(q, as_of=AS_OF).to_dict(), questions * 2))
    for number, (alone, together) in enumerate(zip(one_by_one * 2, at_once)):
        assert together == alone, (number, questions[number % len(questions)])


def test_many_questions_at_once_get_the_answers_they_get_alone(fake_assistant):
    _same_at_once(fake_assistant, _questions(60), threads=8)


@pytest.mark.integration
def test_the_real_model_and_index_answer_the_same_at_once(real_assistant, monkeypatch):
    from collections import OrderedDict

    embedder = real_assistant.searcher.embedder
    monkeypatch.setattr(embedder, "QUERY_CACHE", 0)  # every call runs the model, at once
    monkeypatch.setattr(embedder, "_queries", OrderedDict())
    _same_at_once(real_assistant, _questions(40), threads=6)


@pytest.mark.integration
def test_a_question_asked_again_reuses_its_vector(real_assistant):
    embedder = real_assistant.searcher.embedder
    first = embedder.embed_query("普惠医联保的起付标准是多少？")
    again = embedder.embed_query("普惠医联保的起付标准是多少？")
    assert again is first and not first.flags.writeable
    assert embedder.embed_query("普惠医联保的封顶线是多少？") is not first
