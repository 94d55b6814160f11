"""Paraphrased questions find the clause that answers them, with the real model and Chroma."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

# (question as a citizen or clerk would type it, clause id without its content hash)
CASES = [
    ("差评当场解决不了的话，多久要沟通、多久要整改完？", "明政办规〔2023〕4号/四/（五）"),
    ("一窗通办第二阶段要外包多少个窗口人员？", "明政办规〔2023〕4号/三/（三）/第二阶段"),
    ("市政务服务中心一共配多少个工作人员，市里和三元区各多少？", "明政办规〔2023〕4号/三/（二）"),
    ("公安综合窗口配几个人，出入境那边几个？", "明政办规〔2023〕4号/三/（二）/4"),
    ("普惠医联保什么时候之前要交钱，什么时候开始保？", "明政办规〔2023〕5号/三/（四）"),
    ("参保率到了30%，自己掏的医药费最多封顶多少？", "明政办规〔2023〕5号/三/（六）/3"),
    ("低保户这种救助对象有既往症，赔付比例怎么算？", "明政办规〔2023〕5号/三/（六）/4"),
    ("健康影响评估专家审核确认要几个工作日？", "明政办规〔2023〕6号/五/（三）/1"),
    ("评估对象特别重大的，评估过程最长可以多少个工作日？", "明政办规〔2023〕6号/五/（三）/3"),
    ("节能审查的审批时间控制在多久？", "明政规〔2023〕5号/二/（三）/13"),
    ("联合验收等前置事项压缩到几个工作日？", "明政规〔2023〕5号/二/（三）/14"),
    ("抢险救灾用的挖掘机冒黑烟也不能在禁用区用吗？", "明政规〔2023〕6号/三/（三）"),
    ("沙县小吃要建什么标准体系？", "明政文〔2023〕47号/二/（一）/3"),
    ("乡土固碳树种要筛选多少种，试验林建多少亩？", "明政办〔2023〕19号/二/（一）/1"),
    ("储备粮稻谷、小麦一般存几年要轮换？", "福建省人民政府令第227号/第四章/第二十七条"),
    ("储备粮管理办法从哪天开始实行？", "福建省人民政府令第227号/第九章/第五十二条"),
    ("社科优秀成果奖获奖者和自然科学奖获奖者待遇一样吗？", "福建省人民政府令第228号/第十四条"),
    ("福建省政府质量奖多久评一次，每次最多几个？", "闽政〔2022〕23号/第一章/第四条"),
    ("质量奖获奖企业过几年才能再申请？", "闽政〔2022〕23号/第四章/第十一条"),
    ("企业排污口是不是一个单位只能保留一个？", "闽政办〔2022〕43号/附件2/表/1"),
    ("地方政府规章在公报上登的文本算不算标准文本？", "fujian-2022-11/说明/全文"),
    ("新建居家社区养老服务照料中心原来目标多少个，实际建了多少？", "闽政〔2022〕22号/一/（一）/表1/14"),
]

# Paraphrases the hybrid retriever still misses (expected clause outside the top 5);
# kept here so the benchmark can report them and a fix can move them up.
KNOWN_MISSES = [
    ("普惠医联保一年交多少钱？", "明政办规〔2023〕5号/三/（三）/1"),
    ("中心城区禁止高排放非道路移动机械的区域范围包括哪些地方？", "明政规〔2023〕6号/一"),
    ("储备粮承储企业不能干哪些事？", "福建省人民政府令第227号/第三章/第二十二条"),
    ("工业用地标准地出让前政府要先做哪些区域评估？", "闽政办〔2022〕45号/二/（一）"),
]


def _prefix(clause_id: str) -> str:
    return clause_id.split("#")[0]


@pytest.mark.parametrize(("question", "expected"), CASES, ids=[c[1] for c in CASES])
def test_question_retrieves_its_clause_in_top_5(real_assistant, question, expected):
    hits = real_assistant.searcher.search(question, k=5)
    found = [_prefix(h.clause_id) for h in hits]
    assert expected in found, f"top 5 for {question!r}: {found}"


def test_expected_clause_ids_exist(real_assistant):
    known = {_prefix(c) for c in real_assistant.index.clauses}
    assert [e for _, e in CASES + KNOWN_MISSES if e not in known] == []


def test_follow_up_uses_the_previous_question(real_assistant):
    from assistant.types import Turn

    history = [Turn("user", "一窗通办第一阶段要外包多少个工作人员？"), Turn("assistant", "56 名")]
    answer = real_assistant.ask("那第二阶段呢？", history=history)
    # Rewritten as "一窗通办第二阶段要外包多少个工作人员？", it reaches the staffing calculator.
    assert answer.kind == "calculation" and answer.calculation.value == 19
    assert any(c.section.endswith("第二阶段") for c in answer.citations)
    assert answer.retrieved[0].clause_id.startswith("明政办规〔2023〕4号/三/（三）/第二阶段")
