"""Questions in plain Chinese reach the right calculator with the right inputs and result."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.router import Router
from assistant.types import Turn

PATH = Path(__file__).parent / "routing_questions.yaml"
ITEMS = yaml.safe_load(PATH.read_text(encoding="utf-8")) if PATH.exists() else []
ROUTER = Router()


def _history(item: dict, as_of: date) -> list[Turn]:
    turns = []
    for turn in item.get("history") or []:
        content = turn["content"]
        if turn["role"] == "assistant" and content == "CLARIFY":
            # The harness asks the router the previous user turn and uses its real question.
            routed = ROUTER.route(turns[-1].content, turns[:-1], as_of)
            assert routed is not None and routed.clarify, f"{item['id']}: expected a clarifying question for {turns[-1].content!r}"
            content = routed.clarify
        turns.append(Turn(turn["role"], content))
    return turns


def _same(actual, expected) -> bool:
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return abs(actual - expected) < 0.005
    if isinstance(expected, date):
        return actual == expected.isoformat()
    return actual == expected


def test_there_are_enough_questions():
    calculators = [item["calculator"] for item in ITEMS]
    assert len(ITEMS) >= 40
    assert {"payout", "deadline", "staffing", "validity"} <= set(calculators)


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_question_is_routed_and_computed(item):
    as_of = item.get("as_of") or date(2024, 3, 1)
    routed = ROUTER.route(item["question"], _history(item, as_of), as_of)
    assert routed is not None, f"{item['question']!r} was not recognised as a {item['calculator']} question"
    if item.get("expect_error"):
        assert routed.clarify and item["expect_error"] in routed.clarify, routed
        return
    if item.get("expect_clarify"):
        assert routed.calculation is None and routed.clarify, routed
        return
    assert routed.calculator == item["calculator"]
    assert routed.calculation is not None, routed.clarify
    assert _same(routed.calculation.value, item["expect"]), (routed.calculation.value, item.get("note"))


@pytest.mark.parametrize("question", ["沙县区政务服务中心综合窗口要配多少人？", "永安市的一窗受理窗口要配几个人？"])
def test_another_countys_centre_is_outside_the_staffing_plan(question):
    routed = ROUTER.route(question, [], date(2024, 6, 1))
    assert routed is not None and routed.calculation is None and routed.clarify is None
    assert "市（三元区）" in routed.outside and "没有规定" in routed.outside


def test_the_plans_own_district_is_still_computed():
    routed = ROUTER.route("三元区政务服务中心综合窗口要配多少人？", [], date(2024, 6, 1))
    assert routed.calculation is not None and routed.outside is None


@pytest.mark.parametrize(
    "question", ["普惠医联保理赔申请后多少天能到账？", "三明普惠医联保客服电话多少，理赔找谁？", "医联保理赔要去哪里办？"]
)
def test_asking_about_a_claim_is_not_asking_its_amount(question):
    assert ROUTER.route(question, [], date(2024, 6, 1)) is None


def test_a_payout_without_an_amount_still_asks_for_it():
    routed = ROUTER.route("普惠医联保住院能赔多少？", [], date(2024, 6, 1))
    assert routed is not None and routed.clarify and "自己负担" in routed.clarify


@pytest.mark.parametrize(
    "question",
    [
        "健康人群在三明统筹区内住院，普惠医联保最高能赔多少？",
        "我家老人得了慢阻肺，买了普惠医联保，在三明住院能报多少比例？",
        "救助对象去统筹区外住院，普惠医联保按多少比例赔？",
        "普惠医联保住院，医保报销后自付的部分要超过多少才开始赔？",
        "普惠医联保的免赔额是多少？",
    ],
)
def test_asking_the_schemes_own_figure_is_a_lookup_not_a_sum(question):
    assert ROUTER.route(question, [], date(2024, 6, 1)) is None


@pytest.mark.parametrize("said", ["身体一直挺好", "身体很健康", "我没什么病"])
def test_saying_one_is_healthy_answers_the_preexisting_question(said):
    routed = ROUTER.route(f"{said}，在三明住院医保报销后自付了5万元，普惠医联保能赔多少？", [], date(2024, 6, 1))
    assert routed.calculation is not None and routed.calculation.value == 45000


@pytest.mark.parametrize(
    "said", ["身体还不错，就是有冠心病", "我没什么大病，就是有糖尿病伴并发症", "身体一直挺好，去年查出恶性肿瘤"]
)
def test_a_named_condition_outweighs_feeling_healthy(said):
    routed = ROUTER.route(f"{said}，在三明住院自付了5万元，普惠医联保能赔多少？", [], date(2024, 6, 1))
    assert routed.calculation is not None and routed.calculation.value == 22500


@pytest.mark.parametrize("question", ["福州市政务服务中心综合窗口要配多少人？", "厦门的一窗受理窗口要配几个人？"])
def test_another_citys_centre_is_outside_the_staffing_plan(question):
    routed = ROUTER.route(question, [], date(2024, 6, 1))
    assert routed is not None and routed.calculation is None and "没有规定" in routed.outside


def test_the_city_itself_is_inside_the_staffing_plan():
    routed = ROUTER.route("三明市政务服务中心综合窗口一共要配多少人？", [], date(2024, 6, 1))
    assert routed.calculation is not None
