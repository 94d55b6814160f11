"""Follow-up questions rewritten against the question before them.

"一窗通办第一阶段多少人" then "那第二阶段呢？" asks the same thing of another phase: the
follow-up's slot replaces the same kind of slot in the previous question ("一窗通办第二阶段
多少人"). Without a slot to swap, a short or elliptical follow-up borrows the previous
question's words.

>>> rewrite("那第二阶段呢？", "一窗通办第一阶段多少人")
'一窗通办第二阶段多少人'
>>> rewrite("城外的呢？", "统筹区内住院起付线是多少")
'统筹区外住院起付线是多少'
>>> rewrite("差评多久内要整改？", "一窗通办第一阶段多少人")
'差评多久内要整改？'
>>> rewrite("那得在什么时候之前交？", "2024年普惠医联保的保费是多少？")
'2024年普惠医联保的保费 那得在什么时候之前交？'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from assistant.focus import focus

# Finds the spans of one kind of slot the patterns below cannot list (a document the
# catalogue knows, a place): ``(kind, start, end)`` for each.
SlotFinder = Callable[[str], Iterable[tuple[str, int, int]]]

_HAN = re.compile(r"[\u4e00-\u9fff]")
_ELLIPTICAL = re.compile(r"^(那|那么|那如果|如果是|要是|这个|那个|它|其中|换成|改成)|呢[？?]?$")
# "还有…" / "另外…" leans on the question before only when what follows is too short to
# stand alone ("还有第二阶段？"); "另外老板说…政府投资项目要在什么节点前做完评估？" is new.
_ALSO = re.compile(r"^(还有|另外)")
_ALSO_SHORT = 12
# Words that point back at something said before, wherever they stand.
_POINTING = re.compile(r"这个|那个|这些|那些|这项|这类|这种|这笔|这份|该文件|该办法|它|剩下|剩余|上述|前面说的|刚才")
_SHORT = 8  # a question with fewer Chinese characters than this leans on the one before

# Slots of one kind: the follow-up's value replaces the previous question's value.
_SLOTS: tuple[re.Pattern[str], ...] = (
    re.compile(r"第[一二三四五六七八九十\d]+(?:阶段|批次|批)"),
    re.compile(r"第[一二三四五六七八九十百零\d]+条"),
    re.compile(r"(?:19|20)\d{2}年"),
    re.compile(r"[ABC]类"),
    re.compile(r"责任[一二三四五六]"),
    re.compile(r"\d+(?:\.\d+)?\s*[%％]"),
    re.compile(r"统筹区[内外]|[市省]内|[市省]外|城[内外]|本地|外地|异地"),
    re.compile(r"市本级|市级|三元区|区级|县级|省级"),
    re.compile(r"(?:门诊|住院)"),
    re.compile(r"提名奖|质量奖"),
)
# The words that make a sentence a question, not what it is about.
_ASKING = re.compile(r"(?:是|有|要|需要)?(?:为什么|多少钱|多少元|多少|(?<!第)几[个名天年月日号项次类]?|什么时候|何时|哪天|哪一天|哪些|哪个|哪几个|什么|怎么样|怎么|如何|谁|是否|吗|呢)[？?]?|[？?]")
_OUTSIDE = {"城外": "统筹区外", "城内": "统筹区内", "市外": "统筹区外", "市内": "统筹区内", "外地": "统筹区外", "异地": "统筹区外", "本地": "统筹区内"}


def is_follow_up(question: str) -> bool:
    """Does the question lean on the one before (elliptical, or too short to stand alone)?

    >>> is_follow_up("还有第二阶段？"), is_follow_up("那第二阶段呢？")
    (True, True)
    >>> is_follow_up("另外老板说市里搞健康影响评估，政府投资的工程项目要在什么节点前做完评估？")
    False
    """
    question = question.strip()
    if _ALSO.search(question) and len(_HAN.findall(question)) < _ALSO_SHORT:
        return True
    return bool(_ELLIPTICAL.search(question) or _POINTING.search(question)) or len(_HAN.findall(question)) < _SHORT


def rewrite(question: str, previous: str | None, finders: tuple[SlotFinder, ...] = ()) -> str:
    """The question as it would stand alone, given the previous one. ``finders`` add slot
    kinds known from data: "那社科优秀成果奖励办法呢？" after a question about 储备粮办法
    asks the same of the other document.

    >>> places = lambda text: [("place", m.start(), m.end()) for m in re.finditer("惠安县|诏安县", text)]
    >>> rewrite("诏安县那个呢？", "惠安县成片开发总面积多少？", (places,))
    '诏安县成片开发总面积多少？'
    """
    if not previous or not is_follow_up(question):
        return question
    for find in finders:
        new = {kind: (start, end) for kind, start, end in reversed(list(find(question)))}
        for kind, start, end in find(previous):
            value = question[slice(*new[kind])] if kind in new else None
            # "惠安县呢？" after "诏安县、惠安县…" already asked of it: nothing to swap.
            if value is not None and value != previous[start:end] and value not in previous:
                return previous[:start] + value + previous[end:]
    for slot in _SLOTS:
        new, old = slot.search(question), slot.search(previous)
        if new and old and new.group(0) != old.group(0):
            value = new.group(0)
            if old.group(0).startswith("统筹区"):
                value = _OUTSIDE.get(value, value)
            return previous[: old.start()] + value + previous[old.end() :]
    if focus(question):
        # "那得在什么时候之前交？" after "保费是多少？" asks when, not how much: keep the
        # previous question's subject, not its question words.
        previous = _ASKING.sub("", previous).strip(" ，,") or previous
    return f"{previous.strip()} {question}"


def standalone(questions: list[str], finders: tuple[SlotFinder, ...] = ()) -> str | None:
    """The last of a conversation's questions as it stands alone, each read against the one
    before it: "它什么时候开始施行？" after "令第227号是什么规章？" is about 令第227号.

    >>> standalone(["一窗通办第一阶段多少人？", "那第二阶段呢？"])
    '一窗通办第二阶段多少人？'
    >>> standalone([]) is None
    True
    """
    resolved = None
    for question in questions:
        resolved = rewrite(question, resolved, finders)
    return resolved
