"""三明市 + 三元区 政务服务中心 outsourced staffing plan (明政办规〔2023〕4号): totals, sum checks, a queueing model.

The plan is data in ``staffing.yaml``: every role and window with the headcount the
text prints and the clause it is printed in. Three things are computed from it:

* ``total(by, key)`` — headcount of the whole plan, a level (市级 / 三元区), a
  group (窗口 / 咨询导办运营), a numbered role, a window or a phase::

      >>> total("window", "police").value
      10

* ``consistency_check()`` — every sum the text prints, recomputed from its parts,
  each reported as passed or not with the clause that prints it.
* ``recommend_windows(...)`` — beyond the document: the fewest open windows an
  Erlang C (M/M/c) queue needs to meet a waiting-time target. The text only says
  staffing is adjusted dynamically at peaks (“动态调整”); the result says it is a
  model's estimate, not a rule.

Readings of the text, all stated in the results:

* Which level (市级 or 三元区) a post belongs to is printed only for the four
  phase-two windows (公安、税务、公积金、婚姻登记: “19 名工作人员（市本级）”).
  Every other post's level is reported as not stated; the level totals are the
  printed 52 and 23, checked against the phase figures, not split by window.
* “窗口配置约 66 名” is an approximate figure; it is checked against 52 + 4 + 10
  like the exact ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.calculators import queueing
from assistant.calculators.parameters import Parameter, ParameterError, Reference, load_parameters
from assistant.calculators.result import Calculation, CalculationError, Trace

HERE = Path(__file__).parent
ROOT = "staff"
UNIT = "名"

# What callers may ask a total of, with the words accepted for each choice.
BY_CHOICES = ("all", "level", "group", "role", "window", "phase")
LEVELS = {"市级": ("市级", "市本级", "city"), "三元区": ("三元区", "sanyuan")}
PHASES = {"第一阶段": ("第一阶段", "1", "one"), "第二阶段": ("第二阶段", "2", "two")}

# Entries the calculators read by name, besides the `staff…` tree.
REQUIRED = (
    ROOT, "staff.windows", "staff.support", "staff.windows.special_field", "staff.windows.general",
    "staff.windows.special_purpose", "staff.support.front_desk_guides",
    "guide_floors", "guides_per_floor", "special_field_category_count", "level_city", "level_sanyuan",
    "phase_one_total", "phase_one_city", "phase_one_sanyuan", "phase_one_deadline", "phase_one_excluded_windows",
    "phase_two_total", "phase_two_level", "phase_two_windows", "phase_two_category_count", "phase_two_deadline",
    "dynamic_adjustment", "maintenance_fund_outsourced", "one_window_model",
)

# Bounds beyond which an input is a slip (wrong unit, extra zero), not a service hall.
MAX_ARRIVALS_PER_HOUR = 10_000
MAX_MINUTES = 480  # a whole working day
DEFAULT_MAX_WINDOWS = 100
MAX_WINDOWS_CAP = 500


@lru_cache(maxsize=1)
def parameters() -> dict[str, Parameter]:
    """The bundled staffing plan, loaded and validated once."""
    return load_parameters(HERE / "staffing.yaml")


# ---------------------------------------------------------------------------
# The plan as a tree of posts


@dataclass(frozen=True)
class Post:
    """One role or window of the plan: the headcount printed for it and where it sits.

    ``key`` is the last part of the parameter name (``police``), ``label`` its
    description (公安综合窗口); ``children`` are the keys of its itemised parts.
    """

    key: str
    name: str
    label: str
    printed: int
    parent: str | None
    children: tuple[str, ...]
    parameter: Parameter

    @property
    def depth(self) -> int:
        return self.name.count(".")


@dataclass(frozen=True)
class Plan:
    """The staffing tree read from the parameters, with the phase and level facts beside it."""

    posts: dict[str, Post]
    params: dict[str, Parameter]

    def post(self, key: str) -> Post:
        return self.posts[key]

    def itemised(self, key: str) -> int:
        """Headcount from the most detailed figures printed under a post."""
        post = self.posts[key]
        if not post.children:
            return post.printed
        return sum(self.itemised(child) for child in post.children)

    def leaves(self, key: str) -> list[Post]:
        post = self.posts[key]
        if not post.children:
            return [post]
        return [leaf for child in post.children for leaf in self.leaves(child)]

    def ancestors(self, key: str) -> list[str]:
        chain = []
        parent = self.posts[key].parent
        while parent is not None:
            chain.append(parent)
            parent = self.posts[parent].parent
        return chain

    def roles(self) -> list[Post]:
        """The numbered items 1.–6. of （二）合理配备工作人员, in printed order."""
        return [self.posts[key] for group in self.posts[ROOT].children for key in self.posts[group].children]

    def groups(self) -> list[Post]:
        return [self.posts[key] for key in self.posts[ROOT].children]

    def windows(self) -> list[Post]:
        """Every window: the posts under 窗口 below the numbered items, and numbered items that are one window."""
        found = []
        for role in self.roles():
            if role.parent != "windows":
                continue
            if not role.children:
                found.append(role)
            else:
                found.extend(self.below(role.key))
        return found

    def below(self, key: str) -> list[Post]:
        """Posts under ``key``, each followed by its own parts (printed order)."""
        found = []
        for child in self.posts[key].children:
            found.append(self.posts[child])
            found.extend(self.below(child))
        return found

    def full_label(self, key: str) -> str:
        """A window's label with the windows it is part of: 公安综合窗口 › 出入境管理支队."""
        post = self.posts[key]
        chain = [self.posts[a] for a in reversed(self.ancestors(key)) if self.posts[a].depth >= 3]
        return " › ".join([p.label for p in chain] + [post.label])

    def phase_two_keys(self) -> tuple[str, ...]:
        return tuple(_value(self.params["phase_two_windows"]))

    def in_phase_two(self, key: str) -> bool:
        marked = set(self.phase_two_keys())
        return key in marked or any(a in marked for a in self.ancestors(key))


def plan(params: dict[str, Parameter] | None = None) -> Plan:
    """Build the tree from ``staff…`` parameters, refusing a malformed plan (naming the entry)."""
    params = params or parameters()
    missing = [name for name in REQUIRED if name not in params]
    if missing:
        raise ParameterError(f"staffing plan: missing entries {missing}; staffing.yaml must define {list(REQUIRED)}.")
    posts: dict[str, Post] = {}
    names = sorted((n for n in params if n == ROOT or n.startswith(ROOT + ".")), key=lambda n: n.count("."))
    keys_by_name: dict[str, str] = {}
    for name in names:
        parameter = params[name]
        value = _value(parameter)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ParameterError(f"staffing plan: {name!r} must be a whole number of people, got {value!r}.")
        key = name.rsplit(".", 1)[-1]
        if key in posts:
            raise ParameterError(f"staffing plan: key {key!r} is used by both {posts[key].name!r} and {name!r}.")
        parent_name = name.rsplit(".", 1)[0] if "." in name else None
        if parent_name is not None and parent_name not in keys_by_name:
            raise ParameterError(f"staffing plan: {name!r} has no parent entry {parent_name!r}.")
        keys_by_name[name] = key
        posts[key] = Post(key, name, parameter.description, value, keys_by_name.get(parent_name), (), parameter)
    # Children in the order the YAML lists them, which is the printed order.
    order = [n for n in params if n in keys_by_name]
    for key, post in list(posts.items()):
        children = tuple(keys_by_name[n] for n in order if n.rsplit(".", 1)[0] == post.name and n != post.name)
        posts[key] = Post(post.key, post.name, post.label, post.printed, post.parent, children, post.parameter)
    built = Plan(posts, params)
    window_keys = {w.key for w in built.windows()}
    for list_name in ("phase_one_excluded_windows", "phase_two_windows"):
        unknown = [k for k in _value(params[list_name]) if k not in window_keys]
        if unknown:
            raise ParameterError(
                f"staffing plan: {list_name!r} names unknown windows {unknown}. Valid: {sorted(window_keys)}."
            )
    return built


# ---------------------------------------------------------------------------
# Totals


def total(by: str = "all", key: str | int | None = None, params: dict[str, Parameter] | None = None) -> Calculation:
    """Headcount of the plan, or of one level, group, numbered role, window or phase.

    ``by`` is one of ``all``, ``level`` (市级 / 三元区), ``group`` (windows 窗口人员 /
    support 咨询导办运营人员), ``role`` (items 1.–6.), ``window``, ``phase``
    (第一阶段 / 第二阶段, or 1 / 2). ``key`` is the English key or the Chinese label;
    an unknown one raises ``CalculationError`` listing the valid choices.

    >>> total("phase", "第二阶段").value
    19
    """
    built = plan(params)
    if by not in BY_CHOICES:
        raise CalculationError(f"无法按“{by}”统计。可选：全部、层级、分组、岗位、窗口、阶段。")
    trace = Trace()
    inputs = {"by": by, "key": key}
    if by == "all":
        if key is not None:
            raise CalculationError(f"统计全部人数时不用选具体项（收到“{key}”）；要统计某一项，请按层级、阶段或窗口统计。")
        value = _total_all(built, trace)
    elif by == "level":
        value = _total_level(built, _choose(key, LEVELS, "层级"), trace)
    elif by == "phase":
        value = _total_phase(built, _choose(key, PHASES, "实施阶段"), trace)
    else:
        candidates = {"group": built.groups(), "role": built.roles(), "window": built.windows()}[by]
        post = _choose_post(key, candidates, {"group": "分组", "role": "岗位", "window": "窗口"}[by])
        value = _total_post(built, post, trace)
    trace.cite(built.params["one_window_model"])
    return Calculation(
        name="staffing_total",
        inputs=inputs,
        value=value,
        unit=UNIT,
        steps=tuple(trace.steps),
        citations=trace.citations(),
        warnings=tuple(trace.warnings),
        not_modelled=(
            "后台审核审批人员（第 7. 项：由各入驻部门单位配齐，没有人数，不在 75 名之内）",
            "住宅专项维修资金缴纳事项（由银行承担，不纳入统一服务外包）",
            "高峰期的动态调整（文件未给出数字；告诉我高峰期每小时来办事的人数和每件平均办理分钟数，可用排队模型估算需要开几个窗口）",
        ),
    )


def _total_all(built: Plan, trace: Trace) -> int:
    root = built.post(ROOT)
    roles = built.roles()
    value = sum(built.itemised(r.key) for r in roles)
    parts = " + ".join(f"{r.label} {built.itemised(r.key)}" for r in roles)
    trace.step(f"按 6 类岗位合计：{parts} = {value} 名。", *(r.parameter for r in roles))
    trace.step(f"原文：整合后配备工作人员 {root.printed} 名。{_agreement(root.printed, value)}", root.parameter)
    city, sanyuan = built.params["level_city"], built.params["level_sanyuan"]
    trace.step(f"按层级：市级 {_value(city)} 名 + 三元区 {_value(sanyuan)} 名 = {_value(city) + _value(sanyuan)} 名。", city, sanyuan)
    one, two = built.params["phase_one_total"], built.params["phase_two_total"]
    trace.step(f"按阶段：第一阶段 {_value(one)} 名 + 第二阶段 {_value(two)} 名 = {_value(one) + _value(two)} 名。", one, two)
    _warn_if_disagrees(trace, root, value)
    return value


def phase_level(phase: str, level: str, params: dict[str, Parameter] | None = None) -> Calculation:
    """Headcount of one level (市级 / 三元区) within one phase, as the text prints it.

    >>> phase_level("第一阶段", "市级").value
    33
    """
    built = plan(params)
    phase, level = _choose(phase, PHASES, "实施阶段"), _choose(level, LEVELS, "层级")
    p = built.params
    trace = Trace()
    if phase == "第一阶段":
        parameter = p["phase_one_city"] if level == "市级" else p["phase_one_sanyuan"]
        value = _value(parameter)
        trace.step(f"原文：第一阶段 {_value(p['phase_one_total'])} 名，其中{'市本级' if level == '市级' else '三元区'} {value} 名。", parameter, p["phase_one_total"])
    else:
        value = _value(p["phase_two_total"]) if level == "市级" else 0
        trace.step(
            f"原文：第二阶段 {_value(p['phase_two_total'])} 名工作人员均为市本级，{level} {value} 名。",
            p["phase_two_total"],
            p["phase_two_level"],
        )
    return Calculation(
        name="staffing_total",
        inputs={"by": "phase_level", "key": f"{phase}·{level}"},
        value=value,
        unit=UNIT,
        steps=tuple(trace.steps),
        citations=trace.citations(),
        warnings=tuple(trace.warnings),
    )


def combined(calculations: list[Calculation], sign: list[int] | None = None) -> Calculation:
    """Several staffing totals added (or subtracted, sign −1) into one answer, steps kept."""
    sign = sign or [1] * len(calculations)
    value = sum(s * c.value for s, c in zip(sign, calculations))
    parts = " ".join(f"{'+' if s > 0 else '−'} {c.value}" for s, c in zip(sign, calculations)).lstrip("+ ")
    steps = tuple(step for c in calculations for step in c.steps) + (f"合计：{parts} = {value} 名。",)
    citations: dict[tuple[str, str, str], Reference] = {}
    for c in calculations:
        for reference in c.citations:
            citations.setdefault((reference.doc_number, reference.section, reference.quote), reference)
    return Calculation(
        name="staffing_total",
        inputs={"parts": [c.inputs for c in calculations], "sign": sign},
        value=value,
        unit=UNIT,
        steps=steps,
        citations=tuple(citations.values()),
        warnings=tuple(dict.fromkeys(w for c in calculations for w in c.warnings)),
        not_modelled=calculations[0].not_modelled if calculations else (),
    )


def _total_level(built: Plan, level: str, trace: Trace) -> int:
    p = built.params
    city, sanyuan = p["level_city"], p["level_sanyuan"]
    one_city, one_sanyuan, two = p["phase_one_city"], p["phase_one_sanyuan"], p["phase_two_total"]
    if level == "市级":
        value = _value(city)
        trace.step(f"原文：整合后 {built.post(ROOT).printed} 名中市级 {value} 名。", city)
        by_phase = _value(one_city) + _value(two)
        trace.step(
            f"按阶段核对：第一阶段市本级 {_value(one_city)} 名 + 第二阶段 {_value(two)} 名（市本级）= {by_phase} 名。"
            f"{_agreement(value, by_phase)}",
            one_city,
            two,
            p["phase_two_level"],
        )
        known = [built.post(k) for k in built.phase_two_keys()]
        known_total = sum(built.itemised(w.key) for w in known)
        listed = "、".join(f"{w.label} {built.itemised(w.key)}" for w in known)
        trace.step(
            f"写明属于市级的窗口：{listed}，共 {known_total} 名（第二阶段，原文“（市本级）”）；"
            f"其余 {value - known_total} 名文件没有说明在哪些岗位或窗口。",
            p["phase_two_windows"],
            p["phase_two_level"],
        )
        if by_phase != value:
            trace.warn(f"原文市级 {value} 名，与第一阶段市本级 {_value(one_city)} + 第二阶段 {_value(two)} = {by_phase} 名不一致。")
    else:
        value = _value(sanyuan)
        trace.step(f"原文：整合后 {built.post(ROOT).printed} 名中三元区 {value} 名。", sanyuan)
        trace.step(
            f"按阶段核对：三元区人员全部在第一阶段（第一阶段三元区 {_value(one_sanyuan)} 名，第二阶段 {_value(two)} 名均为市本级）。"
            f"{_agreement(value, _value(one_sanyuan))}",
            one_sanyuan,
            p["phase_two_level"],
        )
        trace.step("文件没有说明三元区这些人员分别在哪些岗位或窗口。")
        if _value(one_sanyuan) != value:
            trace.warn(f"原文三元区 {value} 名，与第一阶段三元区 {_value(one_sanyuan)} 名不一致。")
    trace.warn("除公安、税务、公积金、婚姻登记（第二阶段，市本级）外，文件没有写明各岗位、窗口属于市级还是三元区；层级合计取原文数字，不按窗口拆分。")
    _warn_level_coincidence(built, trace)
    return value


def _warn_level_coincidence(built: Plan, trace: Trace) -> None:
    # The figures happen to fit one split; say so, so nobody takes it for the rule.
    special_field = built.itemised("special_field")
    others = built.itemised("support") + built.itemised("general") + built.itemised("special_purpose")
    if special_field == _value(built.params["level_city"]) and others == _value(built.params["level_sanyuan"]):
        trace.warn(
            f"数字上，专项领域综合窗口 {special_field} 名恰好等于市级人数，咨询导办运营 {built.itemised('support')} + "
            f"无差别 {built.itemised('general')} + 特殊用途专窗 {built.itemised('special_purpose')} = {others} 名恰好等于三元区人数；"
            "但文件没有这样分配，不能据此推断各窗口的层级。"
        )


def _total_phase(built: Plan, phase: str, trace: Trace) -> int:
    p = built.params
    phase_two = [built.post(k) for k in built.phase_two_keys()]
    two_total = sum(built.itemised(w.key) for w in phase_two)
    everyone = sum(built.itemised(r.key) for r in built.roles())
    if phase == "第二阶段":
        printed = p["phase_two_total"]
        value = two_total
        listed = " + ".join(f"{w.label} {built.itemised(w.key)}" for w in phase_two)
        trace.step(f"第二阶段的窗口：{listed} = {value} 名。", p["phase_two_windows"], *(w.parameter for w in phase_two))
        trace.step(f"原文：第二阶段 {_value(printed)} 名工作人员（市本级）。{_agreement(_value(printed), value)}", printed, p["phase_two_level"])
        trace.step(f"完成时限：{_value(p['phase_two_deadline'])} 前（2024 年底前）。", p["phase_two_deadline"])
    else:
        printed = p["phase_one_total"]
        value = everyone - two_total
        excluded = "、".join(built.post(k).label for k in _value(p["phase_one_excluded_windows"]))
        trace.step(
            f"第一阶段是除{excluded}以外的全部岗位：{everyone} − {two_total} = {value} 名。",
            p["phase_one_excluded_windows"],
        )
        trace.step(_phase_one_listing(built, value))
        one_city, one_sanyuan = p["phase_one_city"], p["phase_one_sanyuan"]
        trace.step(
            f"原文：第一阶段 {_value(printed)} 名（其中市本级 {_value(one_city)} 名，三元区 {_value(one_sanyuan)} 名）。"
            f"{_agreement(_value(printed), value)}",
            printed,
            one_city,
            one_sanyuan,
        )
        trace.step(f"完成时限：{_value(p['phase_one_deadline'])} 前（2023 年底前），市和区两级。", p["phase_one_deadline"])
        trace.warn("文件只给出第一阶段市本级、三元区的人数，没有说明各岗位、窗口属于哪一级。")
    if _value(printed) != value:
        trace.warn(f"原文{phase} {_value(printed)} 名，按分项计算为 {value} 名，两者不一致。")
    return value


def _phase_one_listing(built: Plan, value: int) -> str:
    parts = []
    for role in built.roles():
        if built.in_phase_two(role.key):
            continue
        if role.children and any(built.in_phase_two(c) for c in role.children):
            kept = [built.post(c) for c in role.children if not built.in_phase_two(c)]
            parts.append(f"{role.label}（{'、'.join(f'{c.label} {built.itemised(c.key)}' for c in kept)}）")
        else:
            parts.append(f"{role.label} {built.itemised(role.key)}")
    return f"第一阶段包括：{'；'.join(parts)}；共 {value} 名。"


def _total_post(built: Plan, post: Post, trace: Trace) -> int:
    value = built.itemised(post.key)
    label = built.full_label(post.key) if post.depth >= 4 else post.label
    if post.children:
        parts = " + ".join(f"{built.post(c).label} {built.itemised(c)}" for c in post.children)
        children = [built.post(c).parameter for c in post.children]
        trace.step(f"{label}：按分项 {parts} = {value} 名。", *children)
        note = "（原文为约数）" if "约" in post.parameter.reference.quote else ""
        trace.step(f"原文印 {post.printed} 名{note}。{_agreement(post.printed, value)}", post.parameter)
        _warn_if_disagrees(trace, post, value)
    else:
        trace.step(f"{label}：原文印 {value} 名。", post.parameter)
    if post.key == "front_desk_guides":
        floors, per_floor = built.params["guide_floors"], built.params["guides_per_floor"]
        trace.step(f"办事大厅一至三层各设咨询导办台：{_value(floors)} 层 × 每层 {_value(per_floor)} 名 = "
                   f"{_value(floors) * _value(per_floor)} 名。", floors, per_floor)
    _phase_and_level(built, post, trace)
    if post.key == "public_utilities" or "public_utilities" in [p.key for p in built.below(post.key)]:
        fund = built.params["maintenance_fund_outsourced"]
        trace.step("住宅专项维修资金缴纳事项由市城市管理局委托银行承担，不纳入统一服务外包，不计在市政公用服务窗口人数内。", fund)
    return value


def _phase_and_level(built: Plan, post: Post, trace: Trace) -> None:
    p = built.params
    leaves = built.leaves(post.key)
    two = sum(leaf.printed for leaf in leaves if built.in_phase_two(leaf.key))
    one = sum(leaf.printed for leaf in leaves) - two
    deadline_one, deadline_two = _value(p["phase_one_deadline"]), _value(p["phase_two_deadline"])
    if one and not two:
        trace.step(f"实施阶段：第一阶段，{deadline_one} 前完成服务外包。", p["phase_one_deadline"])
        trace.step("层级：文件没有说明属于市级还是三元区。")
        trace.warn("文件没有说明这一岗位（窗口）属于市级还是三元区。")
    elif two and not one:
        trace.step(f"实施阶段：第二阶段，{deadline_two} 前完成服务外包。", p["phase_two_windows"], p["phase_two_deadline"])
        trace.step(f"层级：{_value(p['phase_two_level'])}（第二阶段 {_value(p['phase_two_total'])} 名工作人员为市本级）。", p["phase_two_level"])
    else:
        names = "、".join(built.post(k).label for k in built.phase_two_keys() if k in [p.key for p in built.below(post.key)])
        trace.step(
            f"实施阶段：其中{names}共 {two} 名在第二阶段（{deadline_two} 前，市本级），其余 {one} 名在第一阶段（{deadline_one} 前）。",
            p["phase_two_windows"],
            p["phase_two_level"],
            p["phase_one_deadline"],
            p["phase_two_deadline"],
        )
        trace.step(f"层级：第二阶段的 {two} 名为市级；其余 {one} 名文件没有说明属于市级还是三元区。")
        trace.warn(f"其中 {one} 名，文件没有说明属于市级还是三元区。")


def _choose(key: Any, choices: dict[str, tuple[str, ...]], what: str) -> str:
    text = "" if key is None else str(key).strip()
    for canonical, words in choices.items():
        if text in words:
            return canonical
    raise CalculationError(f"{_unknown(text, what)}可选：{'、'.join(choices)}。")


def _choose_post(key: Any, candidates: list[Post], what: str) -> Post:
    text = "" if key is None else str(key).strip()
    for post in candidates:
        if text in (post.key, post.label):
            return post
    raise CalculationError(f"{_unknown(text, what)}可选：{'、'.join(dict.fromkeys(p.label for p in candidates))}。")


def _unknown(text: str, what: str) -> str:
    return f"没有“{text}”这个{what}。" if text else f"请指明统计哪个{what}。"


def _agreement(printed: int, computed: int) -> str:
    if printed == computed:
        return "与原文一致。"
    return f"与原文 {printed} 名不一致（相差 {computed - printed} 名）。"


def _warn_if_disagrees(trace: Trace, post: Post, computed: int) -> None:
    if post.printed != computed:
        ref = post.parameter.reference
        trace.warn(
            f"原文“{ref.quote}”印 {post.printed} 名，但分项合计 {computed} 名；这里取分项合计。"
            f"（{ref.doc_number} {ref.section}）"
        )


# ---------------------------------------------------------------------------
# Consistency of the printed sums


@dataclass(frozen=True)
class SumCheck:
    """One printed figure recomputed from its parts; ``reference`` is where the figure is printed."""

    id: str
    statement: str
    printed: int | str
    computed: int | str
    passed: bool
    reference: Reference

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "statement": self.statement,
            "printed": self.printed,
            "computed": self.computed,
            "passed": self.passed,
            "reference": self.reference.to_dict(),
        }


def sum_checks(params: dict[str, Parameter] | None = None) -> tuple[SumCheck, ...]:
    """Every printed sum of the plan, recomputed; the typed form of ``consistency_check``."""
    built = plan(params)
    p = built.params
    checks: list[SumCheck] = []

    def add(check_id: str, parameter: Parameter, parts: list[tuple[str, int]], joiner: str = " + ") -> None:
        printed = _value(parameter)
        computed = sum(n for _, n in parts)
        listed = joiner.join(f"{label} {n}" for label, n in parts)
        checks.append(
            SumCheck(check_id, f"{parameter.description} {printed} = {listed} = {computed}", printed, computed,
                     printed == computed, parameter.reference)
        )

    # Each printed parent against its printed parts, root first (the YAML's order).
    for post in sorted(built.posts.values(), key=lambda x: x.depth):
        if post.children:
            add(post.key, post.parameter, [(built.post(c).label, built.post(c).printed) for c in post.children])
    root = built.post(ROOT)
    add("six_items", root.parameter, [(r.label, r.printed) for r in built.roles()])

    floors, per_floor = _value(p["guide_floors"]), _value(p["guides_per_floor"])
    guides = built.post("front_desk_guides")
    checks.append(
        SumCheck("guides_per_floor", f"{guides.label} {guides.printed} = {floors} 层 × 每层 {per_floor} 名 = {floors * per_floor}",
                 guides.printed, floors * per_floor, guides.printed == floors * per_floor, guides.parameter.reference)
    )
    categories = p["special_field_category_count"]
    listed = built.post("special_field").children
    checks.append(
        SumCheck("special_field_categories",
                 f"{categories.description} {_value(categories)} 类 = 4. 中列出的专项领域窗口 {len(listed)} 类",
                 _value(categories), len(listed), _value(categories) == len(listed), categories.reference)
    )
    add("levels", root.parameter, [("市级", _value(p["level_city"])), ("三元区", _value(p["level_sanyuan"]))])
    add("phase_one_levels", p["phase_one_total"],
        [("市本级", _value(p["phase_one_city"])), ("三元区", _value(p["phase_one_sanyuan"]))])
    add("phases", root.parameter, [("第一阶段", _value(p["phase_one_total"])), ("第二阶段", _value(p["phase_two_total"]))])
    add("city_level_by_phase", p["level_city"],
        [("第一阶段市本级", _value(p["phase_one_city"])), ("第二阶段（市本级）", _value(p["phase_two_total"]))])
    add("sanyuan_in_phase_one", p["level_sanyuan"], [("第一阶段三元区", _value(p["phase_one_sanyuan"]))])
    add("phase_two_windows", p["phase_two_total"],
        [(built.post(k).label, built.itemised(k)) for k in built.phase_two_keys()])
    phase_one_parts = []
    for role in built.roles():
        if role.children and any(built.in_phase_two(c) for c in role.children):
            phase_one_parts += [(built.post(c).label, built.itemised(c)) for c in role.children if not built.in_phase_two(c)]
        elif not built.in_phase_two(role.key):
            phase_one_parts.append((role.label, built.itemised(role.key)))
    add("phase_one_posts", p["phase_one_total"], phase_one_parts)

    excluded = _value(p["phase_one_excluded_windows"])
    phase_two = list(built.phase_two_keys())
    checks.append(
        SumCheck("phase_lists_agree",
                 "第一阶段不含的窗口 = 第二阶段的窗口",
                 "、".join(built.post(k).label for k in excluded),
                 "、".join(built.post(k).label for k in phase_two),
                 sorted(excluded) == sorted(phase_two), p["phase_one_excluded_windows"].reference)
    )
    count = p["phase_two_category_count"]
    checks.append(
        SumCheck("phase_two_categories", f"{count.description} {_value(count)} 类 = 列出的 {len(phase_two)} 类",
                 _value(count), len(phase_two), _value(count) == len(phase_two), count.reference)
    )
    return tuple(checks)


def consistency_check(params: dict[str, Parameter] | None = None) -> Calculation:
    """Recompute every sum the text prints and report each as passed or not, with its clause.

    The value is a list of checks (``SumCheck.to_dict()``); a failed check also
    becomes a warning that names the printed figure which disagrees.

    >>> all(c["passed"] for c in consistency_check().value)
    True
    """
    checks = sum_checks(params)
    trace = Trace()
    for check in checks:
        ref = check.reference
        where = f"（{ref.doc_number} {ref.section}）"
        if check.passed:
            trace.steps.append(f"【通过】{check.statement}。{where}")
        else:
            trace.steps.append(
                f"【不一致】{check.statement}：原文“{ref.quote}”印 {check.printed}，按分项应为 {check.computed}。{where}"
            )
            trace.warn(f"原文数字对不上：“{ref.quote}”（{ref.section}）印 {check.printed}，按分项计算为 {check.computed}。")
    failed = sum(not c.passed for c in checks)
    trace.steps.append(f"共核对 {len(checks)} 项：{len(checks) - failed} 项一致，{failed} 项不一致。")
    unique: dict[tuple[str, str, str], Reference] = {}
    for check in checks:
        r = check.reference
        unique.setdefault((r.doc_number, r.section, r.quote), r)
    return Calculation(
        name="staffing_consistency_check",
        inputs={},
        value=[c.to_dict() for c in checks],
        unit="项",
        steps=tuple(trace.steps),
        citations=tuple(unique.values()),
        warnings=tuple(trace.warnings),
        not_modelled=("“约 66 名”是约数，按精确数核对",),
    )


# ---------------------------------------------------------------------------
# Beyond the document: an Erlang C estimate for peaks


def recommend_windows(
    arrivals_per_hour: float,
    mean_service_minutes: float,
    target_mean_wait_minutes: float,
    *,
    service_level: float | None = None,
    service_level_minutes: float | None = None,
    max_windows: int = DEFAULT_MAX_WINDOWS,
    params: dict[str, Parameter] | None = None,
) -> Calculation:
    """The fewest open windows that keep the average wait (and optionally a service level) on target.

    An Erlang C (M/M/c) estimate, not a rule: the document only says window
    staffing is adjusted dynamically when queues grow. ``service_level`` is a share
    (0.8 for 80%) of people whose service should start within
    ``service_level_minutes``; give both or neither. No count above
    ``max_windows`` is considered.

    >>> recommend_windows(60, 10, 5).value
    12
    """
    params = params or parameters()
    arrivals = _number("每小时到达人数", arrivals_per_hour, upper=MAX_ARRIVALS_PER_HOUR, unit="人/小时",
                       hint="请确认单位是每小时，而不是每天")
    service = _number("平均办理时长", mean_service_minutes, upper=MAX_MINUTES, unit="分钟")
    target = _number("目标平均等候时间", target_mean_wait_minutes, upper=MAX_MINUTES, unit="分钟",
                     zero_hint="排队模型里只要有人排队，平均等候就不会正好是 0 分钟")
    level = _service_level(service_level, service_level_minutes)
    if isinstance(max_windows, bool) or not isinstance(max_windows, int) or not 1 <= max_windows <= MAX_WINDOWS_CAP:
        raise CalculationError(f"窗口上限应为 1 到 {MAX_WINDOWS_CAP} 之间的整数，收到 {max_windows!r}。")

    per_minute = arrivals / 60
    load = per_minute * service
    if load >= max_windows:
        raise CalculationError(
            f"按每小时 {_num(arrivals)} 人、每人平均办理 {_num(service)} 分钟，平均同时在办约 {load:.1f} 人；"
            f"开到上限 {max_windows} 个窗口利用率仍不低于 100%，队伍会越排越长。请核对输入，或提高窗口上限（max_windows）。"
        )
    best, tried = queueing.smallest_servers(
        per_minute, service, max_servers=max_windows, max_mean_wait=target, service_level=level
    )

    trace = Trace()
    trace.step(
        f"到达率：每小时 {_num(arrivals)} 人，即每分钟 {_num(per_minute, 3)} 人；平均办理时长 {_num(service)} 分钟。"
    )
    trace.step(f"平均同时在办的人数（负荷）= 每分钟到达人数 × 办理时长 = {_num(per_minute, 3)} × {_num(service)} = {load:.2f}。")
    minimum = math.floor(load) + 1
    trace.step(f"窗口数必须多于负荷，否则队伍越排越长：至少 {minimum} 个。")
    goal = f"平均等候不超过 {_num(target, 3)} 分钟"
    if level is not None:
        goal += f"，且 {level[0] * 100:g}% 的人在 {_num(level[1])} 分钟内开始办理"
    trace.step(f"目标：{goal}。从 {minimum} 个窗口起逐个计算（Erlang C 公式）：")
    shown = tried if len(tried) <= 8 else tried[:3] + tried[-4:]
    for index, metrics in enumerate(shown):
        if len(tried) > 8 and index == 3:
            trace.step(f"……（中间 {len(tried) - 7} 个窗口数略）")
        met = best is not None and metrics.servers == best.servers
        trace.step(_metrics_line(metrics, level) + ("——达到目标。" if met else "——未达目标。"))
    if best is None:
        last = tried[-1]
        raise CalculationError(
            f"开到上限 {max_windows} 个窗口仍达不到目标（{goal}）：{max_windows} 个窗口时平均等候 {_num(last.mean_wait, 2)} 分钟"
            + (f"，{_num(level[1])} 分钟内开始办理的比例 {_pct(last.wait_within(level[1]))}" if level else "")
            + "。请放宽目标或提高窗口上限（max_windows）。"
        )
    trace.step(
        f"结论：至少开 {best.servers} 个窗口。此时窗口利用率 {_pct(best.utilisation)}，"
        f"需要排队的概率 {_pct(best.p_wait)}，平均等候 {_num(best.mean_wait, 2)} 分钟"
        + (f"，{_num(level[1])} 分钟内开始办理的比例 {_pct(best.wait_within(level[1]))}。" if level else "。"),
        params["dynamic_adjustment"],
    )
    trace.warn(
        "这是排队模型的估算，不是文件规定：明政办规〔2023〕4号只规定群众排长队、等候时间长、办事高峰期时"
        "综合受理窗口工作人员配置实行动态调整，没有规定开多少个窗口。"
    )
    trace.warn("结果只对能互相替代的一组窗口成立（例如无差别综合受理窗口）；专项窗口、不同事项要分开估算。")
    inputs = {
        "arrivals_per_hour": arrivals,
        "mean_service_minutes": service,
        "target_mean_wait_minutes": target,
        "service_level": service_level,
        "service_level_minutes": service_level_minutes,
        "max_windows": max_windows,
    }
    return Calculation(
        name="window_staffing_model",
        inputs=inputs,
        value=best.servers,
        unit="个窗口",
        steps=tuple(trace.steps),
        citations=trace.citations(),
        warnings=tuple(trace.warnings),
        not_modelled=(
            "假设到达是泊松过程：随机、相互独立，且这段时间内平均到达率不变（没有整点、开门时的集中到达）",
            "假设办理时长服从指数分布",
            "假设没有人因等太久离开或改天再来（不考虑放弃排队），也不考虑预约",
            "假设所有窗口等同，任何人可到任何一个窗口办理，排一条队",
            "按长期稳定状态计算，不反映高峰开始、结束时的过渡过程",
            "不考虑窗口人员休息、交接班和后台审批时间",
        ),
    )


def _metrics_line(metrics: queueing.QueueMetrics, level: tuple[float, float] | None) -> str:
    line = (
        f"{metrics.servers} 个窗口：利用率 {_pct(metrics.utilisation)}，需要排队的概率 {_pct(metrics.p_wait)}，"
        f"平均等候 {_num(metrics.mean_wait, 2)} 分钟"
    )
    if level is not None:
        line += f"，{_num(level[1])} 分钟内开始办理的比例 {_pct(metrics.wait_within(level[1]))}"
    return line


def _number(
    what: str, value: Any, *, upper: float, unit: str, hint: str = "", zero_hint: str = ""
) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CalculationError(f"{what}应为数字，收到 {value!r}。")
    if not math.isfinite(value):
        raise CalculationError(f"{what}应为有限的数字，收到 {value!r}。")
    if value <= 0:
        extra = f"（{zero_hint}）" if zero_hint and value == 0 else ""
        raise CalculationError(f"{what}必须大于 0，收到 {_num(value)} {unit}{extra}。")
    if value > upper:
        extra = f"；{hint}" if hint else ""
        raise CalculationError(f"{what} {_num(value)} {unit} 超过 {_num(upper)} {unit}，不像是一个办事大厅的实际情况{extra}。")
    return float(value)


def _service_level(share: Any, minutes: Any) -> tuple[float, float] | None:
    if share is None and minutes is None:
        return None
    if share is None or minutes is None:
        raise CalculationError("服务水平目标要同时给出比例和时间，例如 service_level=0.8、service_level_minutes=10（80% 的人 10 分钟内开始办理）。")
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not math.isfinite(share):
        raise CalculationError(f"服务水平比例应为数字，收到 {share!r}。")
    if not 0 < share < 1:
        raise CalculationError(
            f"服务水平比例应在 0 到 1 之间（80% 写作 0.8），收到 {share!r}；100% 在排队模型中做不到。"
        )
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not math.isfinite(minutes):
        raise CalculationError(f"服务水平时间应为数字（分钟），收到 {minutes!r}。")
    if minutes < 0 or minutes > MAX_MINUTES:
        raise CalculationError(f"服务水平时间应在 0 到 {MAX_MINUTES} 分钟之间，收到 {minutes!r}。")
    return float(share), float(minutes)


def _value(parameter: Parameter) -> Any:
    # The plan has one version (2023-07-03); take the latest in case a revision is added.
    return parameter.values[-1][1]


def _num(value: float, digits: int = 2) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"
