"""Questions people write that used to give confident wrong numbers: each now computes
the right value or asks (no calculator value from an ambiguous, negated or impossible input)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.router import Router
from assistant.slots import money, negated
from assistant.types import Turn

ROUTER = Router()
AS_OF = date(2024, 6, 1)


def route(question: str, history: list[tuple[str, str]] = ()):
    return ROUTER.route(question, [Turn(*turn) for turn in history], AS_OF)


@pytest.mark.parametrize(
    "question",
    [
        "普惠医联保住院能赔多少？",  # no amount: ask for it, do not quote the 起付标准
        "看病花了好多钱，能报多少",
        "我妈住院花了5万，医保报完还剩2万自己出，普惠医联保能赔多少？",  # no place named
        "我在三明住院自付了−5万，普惠医联保能赔多少",  # U+2212 minus
        "我在三明住院自付了3.86万美元，没有既往症，普惠医联保能赔多少",
        "我在三明住院花了10万，又花了4万，没有既往症，普惠医联保能赔多少",  # two amounts, no roles
    ],
)
def test_ambiguous_or_impossible_inputs_ask_instead_of_computing(question):
    routed = route(question)
    assert routed is not None and routed.calculation is None and routed.clarify


def test_self_paid_amount_is_used_not_the_total():
    routed = route("我妈在三明住院花了5万，医保报完还剩2万自己出，没有既往症，普惠医联保能赔多少？")
    assert routed.calculation.value == 15000  # (20000 − 5000) × 100%


def test_total_minus_reimbursed_is_derived_with_its_step():
    routed = route("在三明住院总共花了10万元，医保报了6万，没有既往症，普惠医联保能赔多少")
    assert routed.calculation.value == 35000  # (100000 − 60000 − 5000) × 100%
    assert "100,000" in routed.calculation.steps[0] and "60,000" in routed.calculation.steps[0]


def test_explicit_self_paid_wins_over_the_total():
    routed = route("在三明住院总共花了10万元，自己付了4万元，没有既往症，普惠医联保能赔多少")
    assert routed.calculation.value == 35000


@pytest.mark.parametrize("question", ["我在三明住院自付了3.86万，我没有冠心病，普惠医联保能赔多少？", "我在三明住院自付了3.86万，并非慢阻肺患者，普惠医联保能赔多少？"])
def test_a_denied_condition_is_not_a_preexisting_condition(question):
    routed = route(question)
    assert routed.calculation.value == 33600  # healthy: (38600 − 5000) × 100%


def test_not_a_relief_recipient_is_not_one():
    routed = route("我在三明住院自付了3.86万，我不是低保户，没有既往症，普惠医联保能赔多少")
    assert routed.inputs["relief_recipient"] is False


@pytest.mark.parametrize("city", ["南京", "杭州", "北京", "广州市", "赣州"])
def test_any_city_outside_sanming_is_out_of_area(city):
    routed = route(f"我在{city}住院自付了3.86万，没有既往症，普惠医联保能赔多少")
    assert routed.calculation.inputs["liability"] == "inpatient_out_of_area"


@pytest.mark.parametrize("place", ["三明", "永安市", "沙县", "尤溪县", "三元区"])
def test_places_inside_sanming_are_in_area(place):
    routed = route(f"我在{place}住院自付了3.86万，没有既往症，普惠医联保能赔多少")
    assert routed.calculation.inputs["liability"] == "inpatient_in_area"


def test_days_after_a_date_read_the_count_not_the_day():
    routed = route("2024年9月27日之后5个工作日是哪天？")
    assert routed.calculation.value == "2024-10-10"


def test_chinese_numeral_counts():
    routed = route("2024年9月27日之后十个工作日后是哪天？")
    assert routed.calculation.value == "2024-10-16"


def test_a_bare_year_is_that_whole_year():
    routed = route("2025年有哪些政策文件失效？")
    assert routed.calculation.inputs.get("since") in (date(2025, 1, 1), "2025-01-01")


def test_a_clarification_does_not_capture_the_next_unrelated_question():
    first = route("我在三明住院自付了3.86万，普惠医联保能赔多少？")
    assert first.clarify
    history = [("user", "我在三明住院自付了3.86万，普惠医联保能赔多少？"), ("assistant", first.clarify)]
    assert route("差评多久内要完成整改反馈？", history) is None
    assert route("福州的公积金怎么提取", history) is None
    assert route("没有", history).calculation.value == 33600


def test_dont_know_keeps_asking_and_says_why():
    first = route("我在三明住院自付了3.86万，普惠医联保能赔多少？")
    again = route("不知道", [("user", "我在三明住院自付了3.86万，普惠医联保能赔多少？"), ("assistant", first.clarify)])
    assert again.calculation is None and "不能替您假设" in again.clarify


def test_an_amount_asked_for_is_read_from_the_reply():
    first = route("普惠医联保在三明住院能赔多少？")
    history = [("user", "普惠医联保在三明住院能赔多少？"), ("assistant", first.clarify)]
    second = route("自付2万，没有既往症", history)
    assert second.calculation.value == 15000


@pytest.mark.parametrize(
    "text, expected",
    [
        ("总共花了10万元，自己付了4万元", [(100000, "total"), (40000, "self_paid")]),
        ("医保报了6万，还剩2万", [(60000, "reimbursed"), (20000, "self_paid")]),
        ("自付3.86万", [(38600, "self_paid")]),
        ("3万8", [(38000, "unknown")]),
    ],
)
def test_amount_roles(text, expected):
    assert [(a.value, a.role) for a in money(text)] == expected


def test_negation_is_scoped_to_its_clause():
    text = "我没有冠心病，有慢阻肺"
    assert negated(text, text.index("冠心病"))
    assert not negated(text, text.index("慢阻肺"))


def test_whether_a_cost_is_covered_is_a_lookup_not_a_calculation():
    assert route("我感冒去社区医院看普通门诊，普惠医联保能报销吗？") is None
    assert route("基本医保欠费断了，普惠医联保还能赔吗？") is None


@pytest.mark.parametrize("text", ["公安的综合窗口安排了几个人？", "资源整合要多久", "比如说住院", "南部山区的养老床位"])
def test_everyday_words_are_not_read_as_counties(text):
    from assistant.places import Gazetteer

    assert [p.full for p in Gazetteer.load().find(text) if p.level == "county"] == []


@pytest.mark.parametrize("text, place", [("公安县的政务中心", "公安县"), ("在永安住院", "永安市"), ("沙县区", "沙县区"), ("清流县", "清流县")])
def test_counties_are_still_read_by_name(text, place):
    from assistant.places import Gazetteer

    assert place in [p.full for p in Gazetteer.load().find(text)]


def test_an_impossible_participation_rate_is_explained_not_computed():
    routed = route("我在三明住院自付了3万元没有既往症，全市参保率150%，普惠医联保能赔多少")
    assert routed is not None and routed.calculation is None and "参保率" in routed.clarify


@pytest.mark.parametrize(
    "question",
    [
        "三明普惠医联保里，到三明以外的公立医院住院那一项，每年要先自己扛多少才开始赔？",  # the rule's threshold
        "我老公上个月在三明住院花了八万多，医保报完还剩不少。普惠医联保理赔要打哪个电话，多少天能到账？",
    ],
)
def test_a_question_about_the_claim_or_its_threshold_is_not_a_payout_sum(question):
    assert route(question) is None  # the clauses answer these; no amount is computed or asked for


def test_another_provinces_rule_is_not_ours_to_judge():
    assert route("浙江省地方政府储备粮安全管理办法自哪天起施行？") is None
    assert route("福建省地方政府储备粮安全管理办法自哪天起施行？").calculator == "validity"


@pytest.mark.parametrize(
    "question",
    [
        "我住院自付了3.86万，普惠医联保能赔多少？",  # asks where, then about 既往症
        "我自付了3.86万，普惠医联保能赔多少？",  # asks which kind of cost first
        "我用了肿瘤药，自付3万，没有既往症，普惠医联保能赔多少？",  # asks the drug class
    ],
)
def test_every_quick_reply_is_understood_as_an_answer(question):
    """A button under a question sends its words; each must answer that question and move on
    (the next reply is another question or a value), never ask the same again or start anew."""
    from assistant.router import QUICK_REPLIES

    first = route(question)
    assert first.clarification is not None and first.clarification.choices == QUICK_REPLIES[first.clarification.field]
    for choice in first.clarification.choices:
        history = [("user", question), ("assistant", first.clarify)]
        reply = route(choice, history)
        assert reply is not None, choice
        if reply.clarification is not None:
            assert reply.clarification.field != first.clarification.field, (choice, reply.clarify)


def test_quick_replies_reach_the_value_they_name():
    question = "我住院自付了3.86万，没有既往症，普惠医联保能赔多少？"
    first = route(question)
    assert first.clarification.field == "area"
    inside = route("在三明市内住院", [("user", question), ("assistant", first.clarify)])
    outside = route("在三明市外住院", [("user", question), ("assistant", first.clarify)])
    assert inside.inputs["liability"] == "inpatient_in_area" and outside.inputs["liability"] == "inpatient_out_of_area"
    assert ("医保报销后自付", "38,600 元") in inside.understood and ("特定既往症", "无") in inside.understood
    assert "3.86万" in inside.restated and "在三明市内住院" in inside.restated


def test_one_amount_called_a_bill_is_asked_about_by_name_with_a_reply_button():
    question = "我住院花了3.86万，医保报完自付的，能赔多少"
    first = route(question)
    assert first.clarification.field == "amount"
    assert "您说的3.86万是看病的总花费" in first.clarify and "几笔金额" not in first.clarify
    assert first.clarification.choices == ("报销后自付3.86万",)
    reply = route(first.clarification.choices[0], [("user", question), ("assistant", first.clarify)])
    assert reply.clarification is not None and reply.clarification.field != "amount"
