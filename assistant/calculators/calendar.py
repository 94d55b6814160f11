"""The Chinese working-day calendar: which days are 工作日, and counting days, months and years.

A day is a working day unless it is a Saturday or Sunday or a day off in the State
Council's holiday schedule — and a Saturday or Sunday the schedule declares a 调休
make-up working day *is* one. For the years the ``chinese_calendar`` package knows
(2004–2026 in version 1.11) its schedule is used as is. For any other year the
schedule is not yet published (or not recorded), so we fall back to the statutory
holidays the law fixes for every year (元旦, 春节 including 除夕 since 2025, 清明节,
劳动节, 端午节, 中秋节, 国庆节, from the ``holidays`` package) plus weekends, and
say so in a warning: when the real schedule comes out, 调休 will move days off and
add make-up working weekends, so a date computed now may shift.

    >>> from datetime import date
    >>> add_working_days(date(2024, 9, 30), 5)[0]
    datetime.date(2024, 10, 12)
    >>> working_days_between(date(2024, 9, 30), date(2024, 10, 12))
    5

Counting convention: the start day does not count unless ``count_start`` is set,
as 《民法典》第二百零一条 has it for periods in days, months and years (开始的当日不计入).
Every function takes ``datetime.date``; an impossible date such as 2月30日 never gets
here, the caller has already failed to build it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar
import holidays as _holidays

from assistant.calculators.result import CalculationError

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

# Caps that catch a typo (10000 instead of 10) before it becomes a date decades away.
MAX_WORKING_DAYS = 1000
MAX_CALENDAR_DAYS = 3660
MAX_MONTHS = 1200
MAX_SPAN_DAYS = 366 * 100

# chinese_calendar names its holidays in English; these are the names people use.
_CC_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

# The holidays the law fixes for every year (全国年节及纪念日放假办法), as the
# ``holidays`` package names them in zh_CN. Its other entries — "休息日（由…调休）"
# substitutions for past years and, unless observed=False, its own guesses at
# observed days — are not statutory and are left out of the fallback.
_STATUTORY = {"元旦", "农历除夕", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}

_KNOWN_YEARS = (
    min(chinese_calendar.holidays).year,
    max(chinese_calendar.holidays).year,
)


@dataclass(frozen=True)
class Day:
    """What the calendar says about one date.

    ``holiday`` is the festival a day off belongs to (or a make-up working day
    makes up for); ``makeup`` marks a Saturday or Sunday worked under 调休;
    ``fallback`` marks a year whose 调休 schedule is unknown, so only statutory
    holidays and weekends were applied.
    """

    day: date
    working: bool
    holiday: str | None = None
    makeup: bool = False
    fallback: bool = False

    @property
    def label(self) -> str:
        """The date as people write it, with what kind of day it is: '2024-10-12（周六，国庆节调休上班）'."""
        parts = [WEEKDAYS[self.day.weekday()]]
        if self.makeup:
            parts.append(f"{self.holiday}调休上班" if self.holiday else "调休上班")
        elif self.holiday and not self.working:
            parts.append(f"{self.holiday}假期")
        return f"{self.day.isoformat()}（{'，'.join(parts)}）"


def describe(d: date) -> Day:
    """Classify ``d``: working day or not, and why.

    >>> describe(date(2024, 2, 18)).label
    '2024-02-18（周日，春节调休上班）'
    """
    d = _as_date(d)
    if _covered(d.year):
        working = chinese_calendar.is_workday(d)
        _, name = chinese_calendar.get_holiday_detail(d)
        name = _CC_NAMES.get(name, name) if name else None
        makeup = working and d.weekday() >= 5
        return Day(d, working, holiday=name, makeup=makeup)
    name = _statutory_holidays(d.year).get(d)
    return Day(d, working=name is None and d.weekday() < 5, holiday=name, fallback=True)


def is_working_day(d: date) -> bool:
    """True when ``d`` is a 工作日 (make-up working weekends included, statutory days off excluded).

    >>> is_working_day(date(2024, 10, 12)), is_working_day(date(2024, 10, 7))
    (True, False)
    """
    return describe(d).working


def year_warning(year: int) -> str | None:
    """The warning for a year whose 调休 schedule is unknown, or None when it is known.

    >>> year_warning(2024) is None
    True
    """
    if _covered(year):
        return None
    first, last = _KNOWN_YEARS
    if not _statutory_holidays(year):
        return (
            f"{year}年的法定节假日无法推算，只排除了周六、周日；"
            f"该年实际的放假和调休安排可能使日期提前或推后，请以国务院办公厅的放假通知为准。"
        )
    if year > last:
        return (
            f"{year}年的放假调休安排国务院办公厅尚未公布（本程序收录到{last}年），"
            f"该年只按法定节假日（元旦、春节、清明节、劳动节、端午节、中秋节、国庆节的法定放假日）和周末推算；"
            f"公布后因调休放假或周末补班，日期可能提前或推后。"
        )
    return (
        f"{year}年早于本程序收录的放假调休安排（{first}—{last}年），"
        f"该年只按法定节假日和周末推算，可能与当年实际安排不同。"
    )


def span_warnings(first: date, last: date) -> list[str]:
    """The year warnings for every year from ``first`` to ``last`` (either order)."""
    low, high = sorted((_as_date(first).year, _as_date(last).year))
    return [w for w in (year_warning(y) for y in range(low, high + 1)) if w]


def add_working_days(start: date, n: int, count_start: bool = False) -> tuple[date, list[str]]:
    """The date of the ``n``-th working day counted from ``start``, with notes in Chinese.

    By default the start day does not count and the clock starts the next day; with
    ``count_start`` the start day is the first working day if it is one. The notes
    name the start day, every holiday skipped, every make-up working day counted,
    the number of ordinary weekend days skipped, the result, and (last) any
    fallback-year warning — the same strings :func:`span_warnings` returns.

    >>> add_working_days(date(2024, 9, 13), 2)[0]  # 9-14 Saturday is worked, 9-15..17 off
    datetime.date(2024, 9, 18)
    """
    start = _as_date(start)
    n = _count(n, "工作日", MAX_WORKING_DAYS)
    first = describe(start)
    notes: list[str] = []
    if count_start and first.working:
        counted, day = 1, start
        notes.append(f"起算日 {first.label}计入，为第1个工作日")
    else:
        counted, day = 0, start
        if count_start:
            notes.append(f"起算日 {first.label}不是工作日，从其后第一个工作日起算")
        else:
            notes.append(f"起算日 {first.label}不计入，自次日起算")
    while counted < n:
        day = _step(day, 1)
        if is_working_day(day):
            counted += 1
    notes.extend(_passage(start + timedelta(days=1), day))
    notes.append(f"第{n}个工作日是 {describe(day).label}")
    notes.extend(span_warnings(start, day))
    return day, notes


def working_days_between(a: date, b: date) -> int:
    """How many working days lie after ``a`` up to and including ``b``.

    ``a`` itself never counts, so the answer for ``a == b`` is 0, and for a
    working ``b`` it is the number you would reach counting ``b`` as the last
    day of a period starting after ``a``. ``b`` before ``a`` is an error.

    >>> working_days_between(date(2024, 2, 8), date(2024, 2, 19))  # 2-9, 2-18 (调休), 2-19
    3
    """
    a, b = _as_date(a), _as_date(b)
    if b < a:
        raise CalculationError(f"结束日 {b.isoformat()} 早于开始日 {a.isoformat()}；请把较早的日期放在前面。")
    if (b - a).days > MAX_SPAN_DAYS:
        raise CalculationError(f"{a.isoformat()} 至 {b.isoformat()} 跨度超过100年，请检查日期。")
    return sum(1 for offset in range(1, (b - a).days + 1) if is_working_day(a + timedelta(days=offset)))


def working_days_notes(a: date, b: date) -> list[str]:
    """What lies between ``a`` (exclusive) and ``b`` (inclusive): holidays, make-up days, weekends."""
    return _passage(_as_date(a) + timedelta(days=1), _as_date(b))


def add_calendar_days(start: date, n: int, count_start: bool = False) -> tuple[date, list[str]]:
    """The last day of a period of ``n`` calendar days (自然日) from ``start``.

    Start day not counted: start + n days. Counted: start + n − 1 days. Holidays
    and weekends count like any other day.

    >>> add_calendar_days(date(2024, 2, 27), 5)[0]
    datetime.date(2024, 3, 3)
    """
    start = _as_date(start)
    n = _count(n, "日", MAX_CALENDAR_DAYS)
    end = _step(start, n - 1 if count_start else n)
    how = "计入，为第1日" if count_start else "不计入，自次日起算"
    notes = [
        f"起算日 {describe(start).label}{how}",
        f"按自然日计算，节假日和周末照常计入；第{n}日是 {describe(end).label}",
    ]
    return end, notes


def subtract_calendar_days(end: date, n: int) -> tuple[date, list[str]]:
    """The day ``n`` calendar days before ``end`` (for limits such as 届满前十日).

    >>> subtract_calendar_days(date(2024, 10, 20), 10)[0]
    datetime.date(2024, 10, 10)
    """
    end = _as_date(end)
    n = _count(n, "日", MAX_CALENDAR_DAYS)
    day = _step(end, -n)
    return day, [f"自 {describe(end).label}向前推{n}日（自然日）是 {describe(day).label}"]


def add_months(start: date, n: int, count_start: bool = False) -> tuple[date, list[str]]:
    """The last day of a period of ``n`` months from ``start``.

    Start day not counted (《民法典》第二百零一条、第二百零二条): the day in the
    n-th month after with the same number as ``start``; when that month is too
    short, its last day. Start day counted (a period that begins on ``start``,
    such as insurance 起保): the day before that corresponding day, or the month's
    last day when it has no such day. Years are 12 months.

    >>> add_months(date(2024, 1, 31), 1)[0]
    datetime.date(2024, 2, 29)
    >>> add_months(date(2024, 1, 1), 12, count_start=True)[0]
    datetime.date(2024, 12, 31)
    """
    start = _as_date(start)
    n = _count(n, "个月", MAX_MONTHS)
    month_index = start.year * 12 + start.month - 1 + n
    year, month = divmod(month_index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise CalculationError(f"自 {start.isoformat()} 起{n}个月超出可计算的日期范围（公元1年至9999年）。")
    last_of_month = _days_in_month(year, month)
    has_same_day = start.day <= last_of_month
    corresponding = date(year, month, min(start.day, last_of_month))
    if count_start and has_same_day:
        end = _step(corresponding, -1)
    else:
        end = corresponding
    span = f"{n // 12}年" if n % 12 == 0 else f"{n}个月"
    if count_start:
        rule = "当日计入，期间至到期月对应日的前一日" if has_same_day else "当日计入；到期月没有对应日，以该月末日为最后一日"
    else:
        rule = "不计入，到期月的对应日为最后一日" if has_same_day else "不计入；到期月没有对应日，以该月末日为最后一日"
    notes = [f"起算日 {describe(start).label}{rule}", f"{span}期间的最后一日是 {describe(end).label}"]
    return end, notes


def next_working_day(d: date) -> date:
    """The first working day after ``d``."""
    day = _step(_as_date(d), 1)
    while not is_working_day(day):
        day = _step(day, 1)
    return day


# --- internals ---------------------------------------------------------------


def _as_date(d: object) -> date:
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    raise CalculationError(f"需要一个日期（datetime.date），收到 {d!r}；请写成 YYYY-MM-DD 并确认该日期存在。")


def _count(n: object, unit: str, cap: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise CalculationError(f"期限长度须为正整数，收到 {n!r}。")
    if n < 1:
        raise CalculationError(f"期限长度须至少为1{unit}，收到 {n}。")
    if n > cap:
        raise CalculationError(f"{n}{unit}不像是一个办事期限（本程序最多计算{cap}{unit}），请检查数字。")
    return n


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - timedelta(days=1)).day


def _step(d: date, days: int) -> date:
    try:
        return d + timedelta(days=days)
    except OverflowError:
        raise CalculationError(f"{d.isoformat()} 前后{abs(days)}日超出可计算的日期范围（公元1年至9999年）。") from None


@lru_cache(maxsize=None)
def _covered(year: int) -> bool:
    """Whether chinese_calendar knows the year's schedule (it raises NotImplementedError otherwise)."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=None)
def _statutory_holidays(year: int) -> dict[date, str]:
    """The statutory days off of ``year`` (festival names in Chinese), without any 调休."""
    # observed=False: by default the package shifts a festival that falls on a weekend
    # to the next weekday (2027-02-09/10, 05-03/04, 10-04/05), which is not Chinese law.
    table = _holidays.China(years=year, observed=False, language="zh_CN")
    days = {}
    for day, names in table.items():
        kept = [n for n in names.split("; ") if n in _STATUTORY]
        if kept:
            days[day] = "春节" if kept == ["农历除夕"] else "、".join(dict.fromkeys(kept))
    return days


def _passage(first: date, last: date) -> list[str]:
    """Notes for the days from ``first`` to ``last`` inclusive: holiday runs, make-up days, weekends."""
    notes: list[str] = []
    weekend_days = 0
    run: list[Day] = []

    def close_run() -> None:
        nonlocal weekend_days
        if not run:
            return
        names = list(dict.fromkeys(d.holiday for d in run if d.holiday))
        if names:
            notes.append(f"{_span_text(run[0].day, run[-1].day, first.year)}{'、'.join(names)}假期不计")
        else:
            weekend_days += len(run)
        run.clear()

    day = first
    while day <= last:
        info = describe(day)
        if info.working:
            close_run()
            if info.makeup:
                notes.append(f"{_day_text(day, first.year)}（{WEEKDAYS[day.weekday()]}）{info.holiday or ''}调休上班，计为工作日")
        else:
            run.append(info)
        day += timedelta(days=1)
    close_run()
    if weekend_days:
        notes.append(f"其间另有{weekend_days}个周末休息日不计")
    return notes


def _day_text(d: date, year: int) -> str:
    return f"{d.month}月{d.day}日" if d.year == year else f"{d.year}年{d.month}月{d.day}日"


def _span_text(a: date, b: date, year: int) -> str:
    if a == b:
        return _day_text(a, year)
    if a.year == b.year and a.month == b.month:
        return f"{_day_text(a, year)}至{b.day}日"
    if a.year == b.year:
        return f"{_day_text(a, year)}至{b.month}月{b.day}日"
    return f"{_day_text(a, year)}至{b.year}年{b.month}月{b.day}日"
