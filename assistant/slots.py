"""What a question says about a claim, read as typed slots: amounts with their role,
negated conditions, and where the care took place.

"住院花了5万，医保报完还剩2万自己出" has two amounts: a total and the part left to the
patient. "我没有冠心病" names a condition only to deny it. "在南京住院" is outside
三明's 统筹区 although no word says so. Reading these wrong gives a confident wrong
payout, so each reader returns what it found and how sure it is, and the router asks
when a slot stays ambiguous.

Usage::

    [(a.value, a.role) for a in money("总共花了10万元，自己付了4万元")]
    # [(100000.0, 'total'), (40000.0, 'self_paid')]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from assistant import quantities
from assistant.calculators.result import CalculationError

Role = Literal["self_paid", "total", "reimbursed", "unknown"]

# Cues read in the few characters before (and, for 自付/自己出, after) an amount.
_SELF_PAID = re.compile(r"自付|自费|自己(出|付|掏|花|承担|负担)|个人(负担|支付|承担|自付)|(报|赔)(完|销完|销后|了以后|之后)(还)?(剩|要|得)?|还剩|剩下|剩余|掏了|合理费用")
_TOTAL = re.compile(r"总共|一共|总计|合计|总费用|总花费|花了|花费|医药费|医疗费|住院费|费用")
_REIMBURSED = re.compile(r"(医保|基本医保|大病保险|统筹)(报|报销|赔|支付)(了)?|报销了|已(经)?(报|赔)|报了")
_FOREIGN = re.compile(r"^\s*(美元|美金|欧元|日元|英镑|港币|港元|澳门币|新台币|韩元|卢布|澳元|加元|dollars?|usd|eur)", re.IGNORECASE)

_NEGATION = re.compile(r"(没有|没得过|没患过|没|无|不是|并非|不属于|不算|未)")


@dataclass(frozen=True)
class Amount:
    """A money amount in yuan and what it is: the patient's part, the whole bill, or what was reimbursed."""

    value: float
    role: Role
    start: int
    end: int


def money(text: str) -> list[Amount]:
    """Every yuan amount with its role, in reading order. A foreign currency raises
    a plain-language error: nothing here converts it."""
    found = []
    for match in quantities.AMOUNT.finditer(text):
        value = quantities.amount_of(match)
        cn = match.group("cn") or ""
        if value is None:
            if cn[:1] in "一二两三四五六七八九" and (match.group("cnunit") or re.search("[万亿]", cn)):
                raise CalculationError(f"金额“{match.group(0)}”无法识别，请写成普通数字，例如 38600 元或 3.86万元。")
            continue
        if _blurred(text, match):
            raise CalculationError("金额中夹有其他符号或换行，看不清是多少，请只用数字重新写一遍，例如 38600 元。")
        if re.search(r"[A-Za-z_]$", text[: match.start()]):  # "1E30元", "0x10元": not a number people write
            written = re.search(r"[A-Za-z0-9_.+-]*$", text[: match.start()]).group(0) + match.group(0)
            raise CalculationError(f"金额“{written}”无法识别，请写成普通数字，例如 38600 元或 3.86万元。")
        unit_end = match.end("unit") if match.group("unit") else match.end()
        if _FOREIGN.match(text[match.end() :]) or _FOREIGN.match(text[unit_end:]):
            raise CalculationError("这里只能按人民币（元）计算，请把金额换算成人民币后再问。")
        before = text[max(0, match.start() - 10) : match.start()]
        after = text[match.end() : match.end() + 6]
        # The nearest cue before the amount decides; "自己出/自付" right after it counts too.
        cues = []
        for role, pattern in (("self_paid", _SELF_PAID), ("total", _TOTAL), ("reimbursed", _REIMBURSED)):
            for cue in pattern.finditer(before):
                cues.append((cue.end(), role))
        role: Role = max(cues)[1] if cues else "unknown"
        if re.match(r"^\s*(元)?\s*(自己|个人)(出|付|掏|承担|负担)|^\s*(元)?\s*自付", after):
            role = "self_paid"
        found.append(Amount(value, role, match.start(), match.end()))
    return found


def _blurred(text: str, match: re.Match) -> bool:
    """An amount whose digits run into marks or other number signs ("3̶8̶6̶0̶0̶元", "3⁸600元"),
    or one split by a line break or space after a digit ("3\n8600元"): what it says is unclear."""
    before = text[max(0, match.start() - 2) : match.start()]
    inside_and_after = text[match.start() : match.end() + 1]
    odd = ("Mn", "Me", "No")
    if any(unicodedata.category(ch) in odd for ch in before[-1:] + inside_and_after):
        return True
    return bool(re.search(r"\d\s+$", before)) and match.group("num") is not None


def negated(text: str, start: int) -> bool:
    """Is the word at ``start`` governed by a negation in the same clause ("我没有冠心病",
    "不是低保户", "并非救助对象")? The negation must stand within six characters before
    it, with no comma or full stop between."""
    window = text[max(0, start - 6) : start]
    window = re.split(r"[，,。；;！!？?]", window)[-1]
    return bool(_NEGATION.search(window))
