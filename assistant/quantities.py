"""Amounts, percentages and dates written the way people type them in Chinese.

"3.86万元", "38600元", "三万八千六百元", "3万8" → 38600; "25%", "百分之二十五" → 0.25;
"2024年3月5日", "3月5日", "2024-03-05", "明天", "下周一" → a date (relative ones resolved
against the question's date). Chinese numerals go through cn2an, but only where a unit
follows: a place name like "三明" must stay a name.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

import cn2an

from assistant.boundary import EARLIEST, LATEST
from assistant.calculators.result import CalculationError

_CN_NUM = "零〇一二两三四五六七八九十百千万亿点"
# Digits with their unit ("3.86万", "3万8", "38600元"), or a Chinese numeral read whole, 万 and 千
# inside it ("两万五", "三万八千六百元"): it is an amount when it holds 万 or 千 or a 元 follows.
AMOUNT = re.compile(
    rf"(?P<sign>-|－|−|﹣|‐|‑|–|负)?"
    rf"(?:(?P<num>\d+(?:[.,，．]\d+)*)\s*(?P<unit>万亿元|万亿|亿元|亿|万元|万块|万|千元|千块|千|元|块钱|块)(?:零(?P<small>\d{{1,7}})(?:元|块钱|块)?|(?P<rest>\d))?"
    rf"|(?P<cn>[{_CN_NUM}]+)\s*(?P<cnunit>元|块钱|块)?)"
)
_CN_DIGIT = "一二两三四五六七八九"
_NEXT_UNIT = {"万": "千", "千": "百", "百": "十"}
_PERCENT = re.compile(rf"(?P<num>\d+(?:\.\d+)?)\s*[%％]|百分之(?P<cn>[{_CN_NUM}]+|\d+(?:\.\d+)?)")
_FULL_DATE = re.compile(r"(?<![\d.])(?P<y>\d{4})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})\s*[日号]?")
_YEAR_END = re.compile(r"(?<![\d.])(?P<y>\d{4})\s*年\s*(?:底|末|年底|年末)")
_MONTH_DAY = re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "昨天": -1, "昨日": -1, "前天": -2}
_WEEK = re.compile(r"(?P<which>上上|下下|上|下|这|本)?(?:周|星期|礼拜)(?P<day>[一二三四五六日天])")


def amounts(text: str) -> list[float]:
    """Every money amount in the text, in yuan, in reading order.

    >>> amounts("自付两万五，另付三万八千六百元、3万8 和 一万二；第三阶段不是钱")
    [25000.0, 38600.0, 38000.0, 12000.0]
    """
    found = []
    for match in AMOUNT.finditer(text):
        value = amount_of(match)
        if value is not None:
            found.append(value)
    return found


def amount_of(match: re.Match) -> float | None:
    """The yuan of one ``AMOUNT`` match; None for a Chinese numeral that is no amount ("三明", "第三")."""
    if match.group("cn") is not None:
        raw = match.group("cn")
        if not match.group("cnunit") and not re.search(f"[{_CN_DIGIT}十百][万千]", raw):
            return None  # a number with no money unit: a place name, an ordinal, a count
        value = _number(_colloquial(raw))
    else:
        value = _number(match.group("num"))
        if value is not None:
            unit = match.group("unit")
            if unit.startswith("万亿"):
                value *= 1_000_000_000_000
            elif unit.startswith("亿"):
                value *= 100_000_000
                if match.group("small") and unit == "亿":  # "1亿零1元"
                    value += int(match.group("small"))
            elif unit.startswith("万"):
                value *= 10_000
                rest = match.group("rest")  # "3万8" = 38000
                if rest and value.is_integer():
                    value += int(rest) * 1000
                if match.group("small") and unit == "万" and len(match.group("small")) <= 3:  # "1万零1元" = 10001
                    value += int(match.group("small"))
            elif unit.startswith("千"):
                value *= 1_000
    if value is None:
        return None
    return round(-value if match.group("sign") else value, 2)


def _colloquial(raw: str) -> str:
    """A trailing digit after 万, 千 or 百 counts in the next unit down, as people say it:
    "两万五" is 两万五千, "三万八千六" is 三万八千六百.

    >>> _colloquial("两万五"), _colloquial("三万八千六"), _colloquial("一万零五"), _colloquial("五百")
    ('两万五千', '三万八千六百', '一万零五', '五百')
    """
    if len(raw) >= 3 and raw[-1] in _CN_DIGIT and raw[-2] in _NEXT_UNIT:
        return raw + _NEXT_UNIT[raw[-2]]
    return raw


def percent(text: str) -> float | None:
    """The first percentage in the text as a fraction (25% → 0.25)."""
    match = _PERCENT.search(text)
    if not match:
        return None
    raw = match.group("num") or match.group("cn")
    value = _number(raw)
    return None if value is None else value / 100


def dates(text: str, today: date) -> list[date]:
    """Dates in the text, in reading order; impossible ones (2月30日) raise with a plain message."""
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []
    for match in _FULL_DATE.finditer(text):
        found.append((match.start(), _checked(int(match["y"]), int(match["m"]), int(match["d"]))))
        taken.append(match.span())
    for match in _YEAR_END.finditer(text):
        found.append((match.start(), _checked(int(match["y"]), 12, 31)))
        taken.append(match.span())
    for match in _MONTH_DAY.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        found.append((match.start(), _checked(today.year, int(match["m"]), int(match["d"]))))
    for word, offset in _RELATIVE_DAYS.items():
        for match in re.finditer(word, text):
            found.append((match.start(), today + timedelta(days=offset)))
    for match in _WEEK.finditer(text):
        weeks = {"上上": -2, "上": -1, "下": 1, "下下": 2}.get(match["which"] or "", 0)
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)
        found.append((match.start(), monday + timedelta(days=_WEEKDAYS[match["day"]])))
    return [d for _, d in sorted(found, key=lambda item: item[0])]


def _checked(year: int, month: int, day: int) -> date:
    """The date, or a plain CalculationError for one that does not exist or lies outside
    1949–2100 (the years the gazettes and the holiday calendars can speak of)."""
    if not EARLIEST.year <= year <= LATEST.year:
        raise CalculationError(f"日期有误：{year} 年超出可以计算的范围，请使用 {EARLIEST.year} 年到 {LATEST.year} 年之间的日期。")
    if not 1 <= month <= 12:
        raise CalculationError(f"日期有误：没有 {month} 月。")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise CalculationError(f"日期有误：{year} 年 {month} 月只有 {last} 天，没有 {day} 日。")
    return date(year, month, day)


def _number(raw: str) -> float | None:
    raw = raw.replace(",", "").replace("，", "").replace("．", ".")
    try:
        return float(raw)
    except ValueError:
        pass
    try:
        return float(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError):
        return None
