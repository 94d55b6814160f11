"""Hostile input, as data (cases.jsonl): nothing crashes, nothing impossible is computed, every
refusal is a plain Chinese sentence.

Each case reaches the program the way it would in use:
- ``ask``: a question object from a web form or a JSONL line, through the input boundary to the
  assistant, and (when it is text) through the web chat's handler too;
- ``batch``: a JSONL file given to ``policy-assistant ask --jsonl IN --out OUT``;
- ``argv``: a command line (``ask`` or ``calc``);
- ``calc``: a request straight to a calculator, and the same through its LangChain tool.

The assistant runs over the fake-embedder index: what is checked here is reading and computing,
not ranking. Long inputs are stored compactly and expanded by ``expand``.
"""

from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path

import pytest

from assistant.boundary import InputError, question_request
from assistant.calculators.registry import get, run
from assistant.calculators.result import Calculation, CalculationError
from assistant.tools import calculator_tools
from assistant.types import Answer

CASES = [json.loads(line) for line in (Path(__file__).parent / "cases.jsonl").read_text(encoding="ascii").splitlines()]
_HAN = re.compile(r"[\u4e00-\u9fff]")
_TOOLS = {tool.name: tool for tool in calculator_tools()}


def expand(value):
    """A case's input with its compact forms written out: {"concat": [...]}, {"repeat": s,
    "times": n}, a list element {"cycle": [...], "count": n}, and history_repeat."""
    if isinstance(value, dict):
        if set(value) == {"concat"}:
            return "".join(expand(part) for part in value["concat"])
        if set(value) == {"repeat", "times"}:
            return value["repeat"] * value["times"]
        expanded = {key: expand(item) for key, item in value.items()}
        if "history_repeat" in expanded:
            turn = expanded.pop("history_repeat")
            expanded["history"] = [{"role": turn["role"], "content": turn["content"]}] * turn["times"]
        return expanded
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, dict) and set(item) == {"cycle", "count"}:
                items = [expand(i) for i in item["cycle"]]
                out += [items[i % len(items)] for i in range(item["count"])]
            else:
                out.append(expand(item))
        return out
    return value


class Outcome:
    """What the program did: a calculated value, or a message (an answer, a refusal, an error)."""

    def __init__(self, value: float | None = None, message: str = "", calculated: bool = False, refused: bool = False):
        self.value, self.message, self.calculated, self.refused = value, message, calculated, refused

    @classmethod
    def of(cls, answer: Answer) -> Outcome:
        calculated = answer.kind == "calculation" and answer.calculation is not None
        value = answer.calculation.value if calculated else None
        return cls(value, answer.answer, calculated, refused=answer.kind in ("not_found", "clarify"))


def check(case: dict, outcome: Outcome) -> None:
    expect = case["expect"]
    assert "Traceback" not in outcome.message, outcome.message
    if expect in ("refuse", "no_calculation"):
        assert not outcome.calculated, f"{case['note']} — computed {outcome.value}: {outcome.message[:200]}"
    if expect == "refuse":
        assert _HAN.search(outcome.message), f"not a Chinese sentence: {outcome.message[:200]!r}"
    if expect == "calculation":
        assert outcome.calculated, f"{case['note']} — no calculation: {outcome.message[:300]}"
        if "value" in case:
            assert outcome.value == pytest.approx(case["value"]), outcome.message[:300]
        if "warning" in case:
            assert case["warning"] in outcome.message, outcome.message[:300]


def _ids(surface: str) -> list[dict]:
    return [pytest.param(c, id=c["id"]) for c in CASES if c["surface"] == surface]


@pytest.mark.parametrize("case", _ids("ask"))
def test_question(case, fake_assistant):
    raw = expand(case["input"])
    try:
        request = question_request(raw)
    except InputError as error:
        outcome = Outcome(message=str(error), refused=True)
    else:
        answer = fake_assistant.ask(request.question, history=request.history, as_of=request.as_of, question_id=request.id)
        json.dumps(answer.to_dict(), ensure_ascii=False, allow_nan=False).encode("utf-8")  # serialisable as sent
        outcome = Outcome.of(answer)
    check(case, outcome)
    if isinstance(raw, dict) and isinstance(raw.get("question"), str):
        _through_the_web_chat(case, raw, fake_assistant)


def _through_the_web_chat(case: dict, raw: dict, assistant) -> None:
    from ui.app import APOLOGY, _reply

    as_of = raw.get("as_of") if isinstance(raw.get("as_of"), str) else ""
    turns = [{"role": t.get("role"), "text": t.get("content")} for t in raw.get("history") or [] if isinstance(t, dict)] if isinstance(raw.get("history"), list) else []
    text, markup, answer = _reply(assistant, raw["question"], as_of, turns)
    assert text != APOLOGY, "the web chat hit an unexpected error (see the captured stderr)"
    markup.encode("utf-8")  # no lone surrogates reach the page
    if case["expect"] in ("refuse", "no_calculation"):
        assert answer is None or answer.kind != "calculation", text[:200]


@pytest.mark.parametrize("case", _ids("calc"))
def test_calculator_request(case):
    raw = expand(case["input"])
    try:
        entry = get(raw["calculator"])
    except CalculationError as error:
        check(case, Outcome(message=str(error), refused=True))
        return
    for call in (lambda: run(entry, raw["fields"], name_of=str), lambda: _TOOLS[entry.name].invoke(raw["fields"])):
        try:
            result = call()
        except Exception as error:  # noqa: BLE001 — any escape is checked for being a plain message
            assert type(error).__module__.split(".")[0] in ("assistant", "pydantic"), repr(error)
            outcome = Outcome(message=str(error), refused=True)
        else:
            if isinstance(result, str):  # the tool's own refusal
                outcome = Outcome(message=result, refused=True)
            elif isinstance(result, dict):
                outcome = Outcome(result.get("value"), json.dumps(result, ensure_ascii=False, allow_nan=False), calculated="value" in result)
            elif isinstance(result, Calculation):
                outcome = Outcome(result.value, json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False), calculated=True)
            else:  # a Clarification: the input still needed
                outcome = Outcome(message=result.question, refused=True)
        check(case, outcome)


@pytest.mark.parametrize("case", _ids("argv"))
def test_command_line(case, fake_assistant, tmp_path, monkeypatch, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in expand(case["input"])]
    (tmp_path / "in.jsonl").write_text('{"id": "q1", "question": "三明普惠医联保的保费是多少？"}\n', encoding="utf-8")
    outcome = _run_cli(argv, fake_assistant, monkeypatch, capsys)
    check(case, outcome)


@pytest.mark.parametrize("case", _ids("batch"))
def test_batch_file(case, fake_assistant, tmp_path, monkeypatch, capsys):
    source = tmp_path / "in.jsonl"
    if "input_b64" in case:
        source.write_bytes(base64.b64decode(case["input_b64"]))
    else:
        source.write_bytes(expand(case["input"]).encode("utf-8", "surrogatepass"))
    out = tmp_path / "out.jsonl"
    outcome = _run_cli(["ask", "--jsonl", str(source), "--out", str(out)], fake_assistant, monkeypatch, capsys)
    if out.exists():
        answers = [json.loads(line, parse_constant=_no_constant) for line in out.read_text(encoding="utf-8").split("\n") if line]
        calculated = [a for a in answers if a["kind"] == "calculation" and a.get("calculation")]
        if case["expect"] == "calculation":
            assert calculated, [a["answer"][:100] for a in answers]
            outcome = Outcome(calculated[0]["calculation"]["value"], outcome.message, calculated=True)
        else:
            outcome = Outcome(calculated[0]["calculation"]["value"] if calculated else None, outcome.message or "已回答", bool(calculated))
    check(case, outcome)


def _no_constant(name: str):
    raise AssertionError(f"the output holds {name}, which is not JSON")


def _run_cli(argv: list[str], assistant, monkeypatch, capsys) -> Outcome:
    """``policy-assistant ARGV`` in this process, answering with the fake-index assistant."""
    from assistant.service import Assistant
    from cli.main import main

    monkeypatch.setattr(Assistant, "from_config", classmethod(lambda cls, config: assistant))
    monkeypatch.setattr(sys, "argv", ["policy-assistant", *argv])
    try:
        status = main(argv)
    except SystemExit as exit:  # argparse refusing an argument
        status = exit.code
    captured = capsys.readouterr()
    message = captured.err.strip() or captured.out.strip()
    if status == 0:
        calculated, value = _calculated(captured.out)
        return Outcome(value, message, calculated)
    assert status == 2, f"exit status {status}: {message[:300]}"
    return Outcome(message=message, refused=True)


def _calculated(out: str) -> tuple[bool, float | None]:
    """Whether a command's output is a calculation, and its value."""
    try:
        data = json.loads(out, parse_constant=_no_constant)
    except ValueError:
        found = re.search(r"计算结果：\s*(\S+)", out)
        if found is None:
            return False, None
        number = re.fullmatch(r"-?[\d,]+(?:\.\d+)?", found.group(1))
        return True, float(number.group(0).replace(",", "")) if number else None
    if isinstance(data, dict) and data.get("kind") == "calculation" and data.get("calculation"):
        return True, data["calculation"]["value"]
    if isinstance(data, dict) and "value" in data and "steps" in data:
        return True, data["value"]
    return False, None
