"""What a question asks for — who, when, how much money, how long, how many, where, a phone
number — and whether a piece of text gives that kind of thing.

A clause can share every word of "普惠医联保的客服电话是多少" and still not answer it: it
holds no phone number. The focus decides which sentences of a clause to quote, helps rank
clauses, and is a signal that the corpus does not answer a question at all.

>>> sorted(focus("差评多久内要完成整改？"))
['how_long']
>>> sorted(focus("公积金贷款最高额度")), sorted(focus("托运行李免费额度是多少公斤"))
(['money'], [])
>>> gives("how_long", "在2个工作日内完成整改反馈")
True
>>> gives("phone", "由市医保局负责解释")
False
>>> gives("how_many", "2. 保费缴纳：参保人可使用微信缴纳保费")
False
"""

from __future__ import annotations

import re

_ASKS: dict[str, re.Pattern[str]] = {
    "who": re.compile(r"谁|哪个部门|哪些部门|哪个单位|哪些单位|哪家|哪个机构|哪些机构|牵头|负责部门|主管部门|由哪"),
    "when": re.compile(r"什么时候|何时|哪天|哪一天|几月|哪年|哪一年|日期|截止|之前要|前要完成|几号|起施行|开始实施"),
    "money": re.compile(r"多少钱|多少元|几元|费用是?多少|金额|额度(?!.{0,4}(?:公斤|千克|吨|个|人(?!民币)|名|次|天|平方米))|罚款?多少|罚多少|补贴多少|奖励多少|奖金|保费|价格|收费|赔多少|报多少|多少万"),
    "how_long": re.compile(r"多久|多长时间|几天|多少天|几个工作日|多少个工作日|几个月|多少个月|几年|多少年|期限|时限|有效期"),
    "how_many": re.compile(r"多少(个|名|人|家|项|条|次|所|张|台|户|亩|公顷|平方米|吨|个百分点)|几(个|名|人|家|项|次|所|张|户|类)|人数|数量|比例|百分之|多大比例|几成"),
    "where": re.compile(r"在哪|哪里|什么地方|地址|地点|哪个窗口|去哪"),
    "phone": re.compile(r"电话|热线|手机号|联系方式|客服"),
    "url": re.compile(r"网址|网站|链接|网页|公众号|小程序|app|APP"),
}
_GIVES: dict[str, re.Pattern[str]] = {
    "who": re.compile(r"牵头单位|责任单位|负责|主管|由[\u4e00-\u9fff]{2,16}(部门|机构|单位|局|委|厅|办|中心|政府|公司)|[\u4e00-\u9fff]{1,10}(局|委员会|厅|办公室|中心)"),
    "when": re.compile(r"\d{4}\s*年|\d{1,2}\s*月|年底|年内|年前|日前|之日起|起施行|起实施|起执行|前完成|月底"),
    "money": re.compile(r"\d[\d,.]*\s*(万|亿|千)?\s*元|元/|万元|费用由|免费|不收取"),
    "how_long": re.compile(r"(\d+|[一二两三四五六七八九十百]+)\s*(个)?(工作日|日|天|个月|月|年|小时|周)|当日|当天|即时|立即|有效期"),
    "how_many": re.compile(r"\d|[一二两三四五六七八九十百千万]+\s*(个|名|人|家|项|次|所|张|户|类|倍|成)|百分之|全部|所有"),
    "where": re.compile(r"地址|路\d*号|大厅|窗口|中心|场所|所在地|地点|网上|线上"),
    "phone": re.compile(r"\d{3,4}[-－]?\d{7,8}|1\d{10}|12345|热线"),
    "url": re.compile(r"https?://|www\.|\.gov\.cn|网站|公众号|小程序|闽政通|APP|App"),
}

# The numbering that opens a clause ("第三条", "一、", "（二）", "2.", "(3)", "①") is not content:
# "2. 保费缴纳" gives no number.
_LABEL = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇两\d]+条|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]"
    r"|\d{1,2}\s*[.．、](?!\d)|[①-⑳])\s*"
)


def unlabelled(text: str) -> str:
    """The text without the item number it opens with.

    >>> unlabelled("（二）2.起付标准：5000 元")
    '起付标准：5000 元'
    >>> unlabelled("2.5万元")
    '2.5万元'
    """
    while (match := _LABEL.match(text)) and match.end():
        text = text[match.end() :]
    return text


def focus(question: str) -> set[str]:
    """The kinds of thing a question asks for (empty when it asks for an explanation)."""
    return {kind for kind, pattern in _ASKS.items() if pattern.search(question)}


def gives(kind: str, text: str) -> bool:
    """Does the text hold a thing of that kind?"""
    return bool(_GIVES[kind].search(unlabelled(text)))


def unmet(question: str, text: str) -> float:
    """Share of the question's focus kinds that the text does not give (0 when there are none)."""
    kinds = focus(question)
    return sum(1 for kind in kinds if not gives(kind, text)) / len(kinds) if kinds else 0.0
