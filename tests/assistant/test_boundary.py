"""The input boundary: one reading of a question, its date and its history for every entry point."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.boundary import MAX_TURNS, InputError, as_of_date, clean_text, question_request, request_id


def test_text_is_cleaned_of_what_no_reader_can_see():
    assert clean_text("3\u200b8600元\x00\ud800") == "38600元"
    assert clean_text("第一行\u2028第二行\u2029") == "第一行\n第二行\n"


@pytest.mark.parametrize(
    "raw, message",
    [
        (["保费？"], "每个提问应是一个对象"),
        ({}, "缺少 question"),
        ({"question": 5}, "问题应是一段文字，收到的是数字"),
        ({"question": "保费？", "as_of": "0000-01-01"}, "日期“0000-01-01”有误：0 年超出可以计算的范围"),
        ({"question": "保费？", "as_of": "1900-01-01"}, "1949 年到 2100 年"),
        ({"question": "保费？", "as_of": "2024年2月30日"}, "没有 30 日"),
        ({"question": "保费？", "as_of": 20240601}, "日期应写成 YYYY-MM-DD"),
        ({"question": "保费？", "history": 5}, "history（对话记录）应是一个列表"),
        ({"question": "保费？", "history": [{"role": "bot", "content": "x"}]}, "history 第 1 项"),
        ({"question": "保费？", "id": float("nan")}, "id 应是文字或整数"),
        ({"question": "自付\u202e00683元"}, "改变文字方向的控制字符"),
        ({"question": "问" * 20_001}, "问题太长"),
    ],
)
def test_bad_input_is_refused_with_what_to_send_instead(raw, message):
    with pytest.raises(InputError, match=message):
        question_request(raw)


def test_a_good_request_is_read_whatever_the_form_of_its_date_and_id():
    request = question_request({"question": " 保费多少？\u2028", "as_of": "2024年6月1日", "id": 7.0, "history": []})
    assert (request.question, request.as_of, request.id) == (" 保费多少？\n", date(2024, 6, 1), "7")
    assert as_of_date("") is None and request_id("q1") == "q1"


def test_a_long_history_keeps_its_last_turns():
    history = [{"role": "user" if n % 2 == 0 else "assistant", "content": f"第{n}句"} for n in range(60_000)]
    request = question_request({"question": "那门诊呢？", "history": history})
    assert len(request.history) == MAX_TURNS and request.history[-1].content == "第59999句"
