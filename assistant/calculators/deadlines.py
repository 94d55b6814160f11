"""The time limits (时限) the gazettes set, and the day each one ends.

The limits are data (``deadlines.yaml``): amount, unit, what starts the clock,
whether the start day counts, and the clause they come from. The calculation is
pure: given a limit and the day its trigger happened, count on the Chinese
working-day calendar (``calendar.py``) and say, step by step, which days were
skipped or counted and why.

    >>> from datetime import date
    >>> compute("online_pre_review", date(2024, 9, 30)).value
    '2024-10-08'
    >>> find("一次性告知").key
    'incomplete_materials_notice'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.calculators import calendar
from assistant.calculators.parameters import Parameter, ParameterError, Reference, load_yaml

# The entry-level validation of parameters.py (values keyed by dates, a complete
# reference) is reused as is, so both kinds of YAML are held to the same rules.
from assistant.calculators.parameters import parse_parameter as _validated_parameter
from assistant.calculators.result import Calculation, CalculationError, Trace

PATH = Path(__file__).with_name("deadlines.yaml")

UNITS = ("工作日", "日", "个月", "年")
KINDS = {
    "最长期限": "须在期限内完成",
    "最短期限": "至少要持续或等待这么久",
    "提前期限": "在某个日期之前若干日",
    "期间": "一段持续的期间",
    "参考年限": "到期后应考虑采取行动的参考长度",
}
_PARAMETER_KEYS = {"description", "unit", "values", "reference", "note"}
_REQUIRED = {"name", "description", "trigger", "unit", "kind", "count_start", "counting", "values", "aliases", "reference"}
_ENTRY_KEYS = _REQUIRED | {"note", "not_modelled"}
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")

# What no limit's calculation models, whatever the limit.
_GENERAL_NOT_MODELLED = (
    "只按全国统一的法定节假日和调休安排计算；地方或单位另行安排的休息日（如妇女节半天假）不在内",
    "期限的中止、中断或延长（补正材料、特殊环节、经批准延期等）一律未计入",
    "当日几点前办理算当天，文件未写，本计算不涉及",
)


@dataclass(frozen=True)
class Limit:
    """One time limit of the catalogue.

    The amount lives in ``parameter`` (keyed by the date the rule took effect, with
    the clause it quotes), so a calculation cites it like any other constant.
    """

    key: str
    name: str
    trigger: str
    unit: str
    kind: str
    count_start: bool
    counting: str
    aliases: tuple[str, ...]
    parameter: Parameter
    not_modelled: tuple[str, ...] = ()

    @property
    def reference(self) -> Reference:
        return self.parameter.reference

    @property
    def amount(self) -> int:
        """The amount in force now (the latest value)."""
        return self.parameter.values[-1][1]

    @property
    def description(self) -> str:
        return self.parameter.description


def load_limits(path: Path = PATH) -> dict[str, Limit]:
    """Load and validate a deadline catalogue; every problem names the file and the entry.

    Unknown or missing keys, duplicate keys, bad dates, a missing reference, a unit or
    kind outside the known ones, a non-positive amount and an alias claimed by two
    limits are all refused.
    """
    try:
        data = load_yaml(path)
    except ValueError as error:
        # PyYAML builds dates itself, so 2024-02-30 fails inside the parser, before
        # any check of ours, with a bare ValueError that names no file.
        raise ParameterError(f"{path}: bad date in the file ({error}); use a real date, YYYY-MM-DD.") from None
    if not isinstance(data, dict) or not data:
        raise ParameterError(f"{path}: expected a mapping of limit keys to entries.")
    limits = {key: _limit(path, key, entry) for key, entry in data.items()}
    owner: dict[str, str] = {}
    for limit in limits.values():
        for word in (limit.key, limit.name, *limit.aliases):
            if owner.get(word, limit.key) != limit.key:
                raise ParameterError(f"{path}: {word!r} names both {owner[word]!r} and {limit.key!r}; make the alias specific.")
            owner[word] = limit.key
    return limits


def catalogue() -> list[Limit]:
    """Every time limit in the corpus, in file order."""
    return list(_limits().values())


def find(key_or_alias: str) -> Limit:
    """The limit with this key, name or alias (exact match, surrounding spaces ignored).

    >>> find("差评回访").key
    'bad_review_revisit_fujian'
    """
    if not isinstance(key_or_alias, str):
        raise CalculationError(f"期限名称须为文字，收到 {key_or_alias!r}。")
    wanted = key_or_alias.strip()
    index = _index()
    if wanted in index:
        return _limits()[index[wanted]]
    choices = "；".join(limit.name for limit in catalogue())
    raise CalculationError(f"没有名为“{wanted}”的期限。可选：{choices}")


def compute(limit_key: str, start: date, *, count_start: bool | None = None) -> Calculation:
    """The day a limit ends, counted from the day its trigger happened.

    ``count_start`` overrides the catalogue's reading of whether the start day
    counts (it is noted in the steps when it differs). The value is the ISO date
    of the last day (for 最短期限, the earliest day the period may end; for
    提前期限, the first day of the window before ``start``).

    >>> compute("bad_review_rectify_sanming", date(2024, 9, 13)).value
    '2024-09-18'
    """
    limit = find(limit_key)
    start = _as_date(start, "起算日")
    counts = limit.count_start if count_start is None else _as_bool(count_start)
    amount = limit.parameter.at(start)
    trace = Trace()
    reference = limit.reference
    trace.step(
        f"期限：{limit.name}，{_amount_text(amount, limit.unit)}（{limit.kind}）。"
        f"依据 {reference.doc_number} {reference.section}：“{reference.quote}”",
        limit.parameter,
    )
    if start < limit.parameter.first_date:
        trace.warn(
            f"起算日 {start.isoformat()} 早于该规定的施行（印发）日期 {limit.parameter.first_date.isoformat()}，"
            f"当时可能尚不适用这一期限。"
        )
    trace.step(f"起算：{limit.trigger}。{limit.counting}")
    if counts != limit.count_start:
        trace.step(f"按所给条件，起算日当日{'计入' if counts else '不计入'}（与上述默认读法不同）。")

    if limit.kind == "提前期限":
        end, notes = calendar.subtract_calendar_days(start, amount)
    else:
        end, notes = _count(start, amount, limit.unit, counts)
    warnings = calendar.span_warnings(start, end) if limit.unit == "工作日" else []
    for note in notes:
        if note not in warnings:
            trace.step(note)
    for warning in warnings:
        trace.warn(warning)

    _conclude(limit, start, end, trace)
    return Calculation(
        name="deadline",
        inputs={"limit": limit.key, "start": start, "count_start": counts},
        value=end.isoformat(),
        unit="日期",
        steps=tuple(trace.steps),
        citations=trace.citations(),
        warnings=tuple(trace.warnings),
        not_modelled=(*limit.not_modelled, *_GENERAL_NOT_MODELLED),
    )


def deadline_after(start: date, amount: int, unit: str, *, count_start: bool = False) -> Calculation:
    """The last day of ``amount`` ``unit`` from ``start``, for a limit the catalogue does not hold.

    For questions such as “10个工作日后是哪天”. No clause is cited because none is
    involved; absurd amounts (10000个工作日) and unknown units are refused.

    >>> deadline_after(date(2024, 1, 31), 1, "个月").value
    '2024-02-29'
    """
    start = _as_date(start, "起算日")
    if unit not in UNITS:
        raise CalculationError(f"不认识的期限单位“{unit}”。可选：{'、'.join(UNITS)}。")
    counts = _as_bool(count_start)
    end, notes = _count(start, amount, unit, counts)
    warnings = calendar.span_warnings(start, end) if unit == "工作日" else []
    steps = [n for n in notes if n not in warnings]
    return Calculation(
        name="deadline",
        inputs={"start": start, "amount": amount, "unit": unit, "count_start": counts},
        value=end.isoformat(),
        unit="日期",
        steps=tuple(steps),
        citations=(),
        warnings=tuple(warnings),
        not_modelled=_GENERAL_NOT_MODELLED,
    )


def working_days_between(start: date, end: date) -> Calculation:
    """How many working days lie after ``start`` up to and including ``end``.

    ``start`` itself never counts (so the same day twice gives 0); this is the
    count to compare with a limit of N个工作日 that started on ``start``.

    >>> working_days_between(date(2024, 9, 30), date(2024, 10, 12)).value
    5
    """
    start, end = _as_date(start, "开始日"), _as_date(end, "结束日")
    count = calendar.working_days_between(start, end)  # refuses end < start and absurd spans
    steps = [f"自 {calendar.describe(start).label}次日起，至 {calendar.describe(end).label}（含当日）"]
    if (end - start).days <= 366:
        steps.extend(calendar.working_days_notes(start, end))
    else:
        steps.append("跨度超过一年，节假日和调休不逐一列出")
    steps.append(f"共 {count} 个工作日")
    return Calculation(
        name="working_days_between",
        inputs={"start": start, "end": end},
        value=count,
        unit="工作日",
        steps=tuple(steps),
        citations=(),
        warnings=tuple(calendar.span_warnings(start, end)),
        not_modelled=_GENERAL_NOT_MODELLED[:1],
    )


# --- internals ---------------------------------------------------------------


@lru_cache(maxsize=1)
def _limits() -> dict[str, Limit]:
    return load_limits(PATH)


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for limit in _limits().values():
        for word in (limit.key, limit.name, *limit.aliases):
            index[word] = limit.key
    return index


def _limit(path: Path, key: Any, entry: Any) -> Limit:
    where = f"{path}: limit {key!r}"
    if not isinstance(key, str) or not _KEY.match(key):
        raise ParameterError(f"{where}: keys must be ASCII snake_case (a-z, 0-9, _).")
    if not isinstance(entry, dict):
        raise ParameterError(f"{where}: expected a mapping with keys {sorted(_ENTRY_KEYS)}.")
    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        raise ParameterError(f"{where}: unknown keys {sorted(unknown)}. Valid keys: {sorted(_ENTRY_KEYS)}.")
    missing = _REQUIRED - set(entry)
    if missing:
        raise ParameterError(f"{where}: missing {sorted(missing)}.")
    for field in ("name", "trigger", "counting"):
        if not isinstance(entry[field], str) or not entry[field].strip():
            raise ParameterError(f"{where}: {field!r} must be a non-empty string.")
    if entry["unit"] not in UNITS:
        raise ParameterError(f"{where}: unit {entry['unit']!r} is not one of {list(UNITS)}.")
    if entry["kind"] not in KINDS:
        raise ParameterError(f"{where}: kind {entry['kind']!r} is not one of {list(KINDS)}.")
    if entry["kind"] == "提前期限" and entry["unit"] != "日":
        raise ParameterError(f"{where}: a 提前期限 is counted back in 日; unit {entry['unit']!r} is not supported.")
    if not isinstance(entry["count_start"], bool):
        raise ParameterError(f"{where}: 'count_start' must be true or false.")
    aliases = _strings(where, entry, "aliases", required=True)
    not_modelled = _strings(where, entry, "not_modelled", required=False)
    parameter = _validated_parameter(path, key, {k: v for k, v in entry.items() if k in _PARAMETER_KEYS})
    for when, amount in parameter.values:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
            raise ParameterError(f"{where}: the amount for {when.isoformat()} must be a positive whole number, not {amount!r}.")
    return Limit(
        key=key,
        name=entry["name"].strip(),
        trigger=entry["trigger"].strip(),
        unit=entry["unit"],
        kind=entry["kind"],
        count_start=entry["count_start"],
        counting=entry["counting"].strip(),
        aliases=aliases,
        parameter=parameter,
        not_modelled=not_modelled,
    )


def _strings(where: str, entry: dict, field: str, *, required: bool) -> tuple[str, ...]:
    value = entry.get(field, [])
    if not isinstance(value, list) or (required and not value):
        raise ParameterError(f"{where}: {field!r} must be a {'non-empty ' if required else ''}list of strings.")
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise ParameterError(f"{where}: every item of {field!r} must be a non-empty string.")
    if len(set(value)) != len(value):
        raise ParameterError(f"{where}: {field!r} lists the same item twice.")
    return tuple(v.strip() for v in value)


def _count(start: date, amount: int, unit: str, count_start: bool) -> tuple[date, list[str]]:
    if unit == "工作日":
        return calendar.add_working_days(start, amount, count_start)
    if unit == "日":
        return calendar.add_calendar_days(start, amount, count_start)
    if unit == "个月":
        return calendar.add_months(start, amount, count_start)
    # Years are counted as 12 months, but checked in years so the message speaks of years.
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise CalculationError(f"期限长度须为正整数（年），收到 {amount!r}。")
    if amount > 100:
        raise CalculationError(f"{amount}年不像是一个办事期限（本程序最多计算100年），请检查数字。")
    return calendar.add_months(start, amount * 12, count_start)


def _conclude(limit: Limit, start: date, end: date, trace: Trace) -> None:
    """The closing step and the warnings that depend on what kind of limit it is."""
    label = calendar.describe(end).label
    amount_text = _amount_text(limit.parameter.at(start), limit.unit)
    if limit.kind == "最长期限":
        trace.step(f"结论：最晚在 {label}当日内完成。")
        if limit.unit != "工作日":
            _rollover_warning(end, trace)
    elif limit.kind == "最短期限":
        trace.step(f"结论：最早到 {label}届满（当日仍在期内），此前结束即不足{amount_text}。")
        trace.warn(
            f"“不少于{amount_text}”是最短期限：算出的是最早可以结束的日期，不是截止日期；"
            f"持续更久不违反规定。"
        )
    elif limit.kind == "提前期限":
        trace.step(f"结论：提醒窗口自 {label}开始，至 {start.isoformat()} 届满为止。")
    elif limit.kind == "期间":
        trace.step(f"结论：期间至 {label}当日结束。")
    else:
        trace.step(f"结论：至 {label}满参考年限。")
        trace.warn("参考年限不是强制期限：到期后是否需要行动还要看文件规定的其他条件。")


def _rollover_warning(end: date, trace: Trace) -> None:
    """A calendar-day limit ending on a day off: say what the general rule on 顺延 would give."""
    day = calendar.describe(end)
    if day.fallback:
        # The date itself does not move, but whether it is a day off (and so whether
        # 顺延 could apply) waits on the year's schedule.
        trace.warn(
            f"{end.year}年的放假调休安排尚未公布（或未收录），{day.label}是否为休息日可能改变；"
            f"若届时是法定休假日，按《民法典》第二百零三条可能顺延。"
        )
    if day.working:
        return
    later = calendar.next_working_day(end)
    trace.warn(
        f"最后一日 {day.label}不是工作日。按《民法典》第二百零三条，期间的最后一日是法定休假日的，"
        f"以法定休假日结束的次日为最后一日，即顺延至 {calendar.describe(later).label}；"
        f"本文件未写明是否顺延，稳妥起见按 {end.isoformat()} 办理。"
    )


def _amount_text(amount: int, unit: str) -> str:
    return f"{amount}个工作日" if unit == "工作日" else f"{amount}{unit}"


def _as_date(value: Any, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise CalculationError(f"{what}须为日期（datetime.date），收到 {value!r}；请写成 YYYY-MM-DD 并确认该日期存在。")


def _as_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise CalculationError(f"起算日是否计入须为 true 或 false，收到 {value!r}。")
    return value
