"""What comes in from outside, checked once before anything reads it.

The command line, a JSONL batch line, the web page and a tool call all hand the assistant a
question, maybe a date to judge validity on and maybe earlier turns. Each of them passes its
raw values to ``question_request``, which returns a ``QuestionRequest`` or raises ``InputError``
with a sentence the person who sent it can act on. Text is cleaned the same way everywhere
(``clean_text``): lone surrogates, control and invisible formatting characters are dropped,
line and paragraph separators become line breaks. Dates are refused outside 1949–2100; the
history keeps its last ``MAX_TURNS`` turns, each cut to ``MAX_TURN_CHARS``.

Usage::

    request = question_request({"question": "保费多少？", "as_of": "2024-06-01"})
    assistant.ask(request.question, history=request.history, as_of=request.as_of)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from assistant.errors import AssistantError
from assistant.types import Turn

EARLIEST = date(1949, 1, 1)
LATEST = date(2100, 12, 31)
MAX_QUESTION_CHARS = 20_000  # longer is refused; the assistant reads only the first few hundred anyway
MAX_TURNS = 20  # a follow-up leans on the last few turns; older ones are dropped
MAX_TURN_CHARS = 2_000
MAX_ID_CHARS = 200

# Lone surrogates; C0/C1 controls except tab and line breaks; zero-width and bidi formatting marks.
_DROPPED = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_LINE_BREAKS = re.compile("[\u2028\u2029\u0085]")
_DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ROLES = {"user", "assistant"}


class InputError(AssistantError):
    """Input that cannot be read as a question, date or turn; the message says what to send instead."""


@dataclass(frozen=True)
class QuestionRequest:
    """One question as the assistant takes it: clean text, a date in range, bounded history."""

    question: str
    as_of: date | None = None
    history: list[Turn] = field(default_factory=list)
    id: str | None = None


def clean_text(text: str) -> str:
    """The text without characters that carry no meaning a reader could see.

    >>> clean_text("3\\u200b86\\ud80000元\\u2028下一行\\x00")
    '38600元\\n下一行'
    """
    return _DROPPED.sub("", _LINE_BREAKS.sub("\n", text))


def question_request(raw: object) -> QuestionRequest:
    """A checked request from a mapping {question, as_of?, history?, id?} (a JSON line, a form)."""
    if not isinstance(raw, dict):
        raise InputError(f"每个提问应是一个对象，例如 {{\"question\": \"保费多少？\"}}，收到的是{_kind(raw)}。")
    if "question" not in raw:
        raise InputError("缺少 question（问题）。")
    return QuestionRequest(
        question=question_text(raw["question"]),
        as_of=as_of_date(raw.get("as_of")),
        history=history_turns(raw.get("history")),
        id=request_id(raw.get("id")),
    )


def question_text(value: object) -> str:
    """The question: text, cleaned, not longer than ``MAX_QUESTION_CHARS``. Text with direction
    overrides is refused: what it shows is not the order it is read in ("38600" shown, "00683" read)."""
    if not isinstance(value, str):
        raise InputError(f"问题应是一段文字，收到的是{_kind(value)}。")
    if len(value) > MAX_QUESTION_CHARS:
        raise InputError(f"问题太长（{len(value):,} 字），请控制在 {MAX_QUESTION_CHARS:,} 字以内，最好一次只问一件事。")
    if _DIRECTION.search(value):
        raise InputError("问题中夹有改变文字方向的控制字符，显示的内容和实际内容可能不同，请删除后重新输入。")
    return clean_text(value)


def as_of_date(value: object) -> date | None:
    """The date validity is judged on: None (today), a date, or text like 2024-06-01 / 2024年6月1日."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        return checked_date(value, "日期")
    if not isinstance(value, str):
        raise InputError(f"日期应写成 YYYY-MM-DD，例如 2024-06-01，收到的是{_kind(value)}。")
    from assistant.calculators.result import CalculationError
    from assistant.quantities import dates

    text = clean_text(value).strip()
    try:
        found = dates(text, date.today())
    except (CalculationError, ValueError, OverflowError) as error:
        raise InputError(f"日期“{_shown(text)}”有误：{str(error).removeprefix('日期有误：')}") from None
    if not found:
        raise InputError(f"日期“{_shown(text)}”无法识别，请写成 YYYY-MM-DD，例如 2024-06-01。")
    return checked_date(found[0], "日期")


def checked_date(value: date, what: str) -> date:
    """``value`` if it lies in 1949–2100, the years the gazettes and the calendars can speak of."""
    if not EARLIEST <= value <= LATEST:
        raise InputError(f"{what} {value.isoformat()} 超出可处理的范围：请使用 1949 年到 2100 年之间的日期。")
    return value


def history_turns(value: object) -> list[Turn]:
    """Earlier turns: a list of {role: user|assistant, content}; the last ``MAX_TURNS`` kept."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"history（对话记录）应是一个列表，每项为 {{\"role\": \"user\" 或 \"assistant\", \"content\": 文字}}，收到的是{_kind(value)}。")
    turns = []
    for number, item in enumerate(value[-MAX_TURNS:], start=max(1, len(value) - MAX_TURNS + 1)):
        if not isinstance(item, dict) or item.get("role") not in _ROLES or not isinstance(item.get("content"), str):
            raise InputError(f"history 第 {number} 项应为 {{\"role\": \"user\" 或 \"assistant\", \"content\": 文字}}。")
        turns.append(Turn(item["role"], clean_text(item["content"])[:MAX_TURN_CHARS]))
    return turns


def request_id(value: object) -> str | None:
    """A batch line's id, as text: a string or a whole number (NaN and the like are refused)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(f"id 应是文字或整数，收到的是{_kind(value)}。")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise InputError(f"id 应是文字或整数，收到的是 {value}。")
        value = int(value)
    text = clean_text(str(value))
    if len(text) > MAX_ID_CHARS:
        raise InputError(f"id 太长（{len(text)} 字），请不超过 {MAX_ID_CHARS} 字。")
    return text


def _kind(value: object) -> str:
    names = {bool: "真假值", int: "数字", float: "数字", list: "列表", dict: "对象", type(None): "空值", str: "文字"}
    return names.get(type(value), "其他类型的值")


def _shown(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
