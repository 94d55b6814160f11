"""The 窗口计算器 tab: one form per calculator, for window staff.

Each form only gathers inputs and shows the calculator's own result (value, steps,
citations with links to their clauses, warnings). Inputs go through the calculator
registry, so a form checks them exactly as the chat, the tools and ``policy-assistant
calc`` do. Before a calculation runs, a form's checker (``check_*``: one problem or None per
box, in the form's order) puts each problem in Chinese next to its own box and the
previous result is cleared, so a stale value never stays on screen under an error. Choice
boxes offer only what the calculator accepts for the choices made above them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date

from assistant.calculators import deadlines, payout, registry, staffing, validity
from assistant.calculators.parameters import Reference
from assistant.calculators.result import Calculation, Clarification
from assistant.errors import AssistantError
from assistant.service import render_calculation
from assistant.types import Citation
from ui import render
from ui.fields import date_problem, parse_date, validator

LIABILITY_CHOICES = [(label.split("：", 1)[-1], key) for key, label in payout.LIABILITIES.items()]
GROUP_CHOICES = [("健康人群（无特定既往症）", "healthy"), ("特定既往症人群", "preexisting")]
DRUG_CLASSES = ["A", "B", "C"]
BY_CHOICES = [("全部", "all"), ("层级", "level"), ("阶段", "phase"), ("岗位", "role"), ("窗口", "window")]

Cite = Callable[[Reference], Citation]


def calculation_html(calculation: Calculation, cite: Cite | None = None) -> str:
    """A calculation as HTML: the rendered text, then each cited clause with its quote and,
    where ``cite`` finds the clause in the index, a link to it in its document."""
    body = html.escape(render_calculation(calculation)).replace("\n", "<br>")
    cited = "".join(_reference_html(reference, cite) for reference in calculation.citations)
    return f"<div class='calculation'>{body}<p><b>依据条款</b></p><ul>{cited}</ul></div>"


def _reference_html(reference: Reference, cite: Cite | None) -> str:
    label = html.escape(" · ".join(part for part in (reference.doc_number, reference.section) if part))
    found = cite(reference) if cite is not None else None
    if found is not None and found.doc_id:
        url = html.escape(render.doc_url(found.doc_id, found.clause_id or None))
        label = f'<a href="{url}" target="_blank" rel="noopener">{label}</a>'
    return f"<li>{label}：<q>{html.escape(reference.quote)}</q></li>"


def _safely(compute: Callable[[], Calculation | Clarification], cite: Cite | None = None) -> str:
    try:
        result = compute()
    except AssistantError as error:
        return f"<p class='calc-error'>{html.escape(str(error))}</p>"
    if isinstance(result, Clarification):
        box = FORM_BOXES.get(result.field)
        where = f"请在“{box}”一栏填写后再算。" if box else ""
        return f"<p class='calc-question'>{html.escape(result.question + where)}</p>"
    return calculation_html(result, cite)


# The box of a form that answers what a calculator asks for (its question is asked in chat words).
FORM_BOXES = {"participation_rate": "全市参保率", "drug_class": "肿瘤药品类别", "preexisting": "人群"}


def _run(name: str, inputs: dict) -> Calculation | Clarification:
    """An empty box is an input not given (the calculator says it is missing or asks)."""
    return registry.run(registry.get(name), {key: value for key, value in inputs.items() if value is not None})


def _field_problems(name: str, inputs: dict, fields: list[str | None]) -> list[str | None]:
    """The registry's problems with ``inputs``, one per form box (``fields`` names the
    request field each box fills, None for a box checked otherwise)."""
    problems = registry.field_problems(registry.get(name), {k: v for k, v in inputs.items() if v is not None})
    return [problems.get(field) if field else None for field in fields]


# -- 普惠医联保赔付 ----------------------------------------------------------------


def _payout_inputs(liability, amount, group, conditions, relief, drug_class, deductible_used, paid, self_paid, rate) -> dict:
    names = tuple(c.name for c in payout.match_conditions(conditions or ""))
    return {
        "liability": liability,
        "eligible_amount": amount,
        "preexisting": bool(names) or group == "preexisting",
        "conditions": names,
        "relief_recipient": bool(relief),
        "drug_class": (drug_class or None) if liability == "tumour_drugs" else None,
        "deductible_used": deductible_used or 0,
        "paid_this_year": paid or 0,
        "self_paid_this_year": self_paid or 0,
        # The box holds a percentage; an empty box means "not known".
        "participation_rate": rate / 100 if rate else None,
    }


def unrecognised_conditions(text: str | None) -> list[str]:
    """The illnesses typed in the 病史 box that are no 特定既往症 the plan names (a typo, 高血压)."""
    parts = [part for part in re.split(r"[、，,；;\s和及与]+", text or "") if part.strip()]
    return [part for part in parts if not payout.match_conditions(part)]


PAYOUT_FIELDS = [
    "liability", "eligible_amount", None, None, None, "drug_class", "deductible_used", "paid_this_year", "self_paid_this_year", None,
]


def check_payout(liability, amount, group, conditions, relief, drug_class, deductible_used, paid, self_paid, rate) -> list[str | None]:
    """One problem (or None) per box of the payout form."""
    problems = _field_problems(
        "sanming_payout",
        _payout_inputs(liability, amount, group, conditions, relief, drug_class, deductible_used, paid, self_paid, None),
        PAYOUT_FIELDS,
    )
    if amount is None:
        problems[1] = "请填写医保、大病保险报销后的合理费用（元）"
    unknown = unrecognised_conditions(conditions)
    if unknown:
        names = "、".join(c.name for c in payout.conditions()[0])
        problems[3] = (
            f"没有认出“{'、'.join(unknown)}”属于特定既往症。名单上的病有：{names}；"
            "不在名单上的病不影响赔付比例，请删去，或改写成名单上的病名"
        )
    if rate and not (rate == rate and 0 < rate <= 100):  # empty or 0 is "not known"; rate == rate: not NaN
        problems[9] = f"参保率请填 0 到 100 之间的百分数，例如 85（收到 {rate:g}）"
    return problems


def payout_result(liability, amount, group, conditions, relief, drug_class, deductible_used, paid, self_paid, rate, cite: Cite | None = None) -> str:
    return _safely(
        lambda: _run(
            "sanming_payout",
            _payout_inputs(liability, amount, group, conditions, relief, drug_class, deductible_used, paid, self_paid, rate),
        ),
        cite,
    )


# -- 办理期限 -------------------------------------------------------------------


def deadline_documents() -> list[tuple[str, str]]:
    """The documents with a catalogued time limit: (文号, 文号), in catalogue order."""
    return [(number, number) for number in dict.fromkeys(limit.reference.doc_number for limit in deadlines.catalogue())]


def deadline_rules(doc_number: str | None) -> list[tuple[str, str]]:
    """The time limits one document sets, as (name and length, key)."""
    return [
        (f"{limit.name}（{limit.amount}{limit.unit}）", limit.key)
        for limit in deadlines.catalogue()
        if limit.reference.doc_number == doc_number
    ]


def check_deadline(doc_number, rule_key, start_text) -> list[str | None]:
    offered = [key for _, key in deadline_rules(doc_number)]
    return [
        None if doc_number else "请先选择规定期限的文件",
        None if not doc_number or rule_key in offered else "请选择期限" if not rule_key else "请从列表中选择这份文件规定的期限",
        date_problem(start_text),
    ]


def deadline_result(rule_key: str, start_text: str, cite: Cite | None = None) -> str:
    return _safely(lambda: _run("deadline", {"rule": rule_key, "start": parse_date(start_text)}), cite)


def check_working_days(start_text, end_text) -> list[str | None]:
    return [date_problem(start_text), date_problem(end_text)]


def working_days_result(start_text: str, end_text: str, cite: Cite | None = None) -> str:
    return _safely(lambda: _run("working_days_between", {"start": parse_date(start_text), "end": parse_date(end_text)}), cite)


# -- 窗口人员配置 -----------------------------------------------------------------


def staffing_keys(by: str) -> list[tuple[str, str]]:
    """The items one can count by ``by`` (层级, 阶段, 岗位 or 窗口): (label, value)."""
    built = staffing.plan()
    if by == "level":
        return [(level, level) for level in staffing.LEVELS]
    if by == "phase":
        return [(phase, phase) for phase in staffing.PHASES]
    if by == "role":
        return [(post.label, post.key) for post in built.roles()]
    if by == "window":
        return [(built.full_label(post.key), post.key) for post in built.windows()]
    return []


def check_staffing(by, key) -> list[str | None]:
    wanted = dict((value, label) for label, value in BY_CHOICES).get(by)
    if wanted is None:
        return ["请选择统计口径", None]
    if by != "all" and not key:
        return [None, f"请选择要统计的{wanted}"]
    if by != "all" and key not in [value for _, value in staffing_keys(by)]:
        return [None, f"请从列表中选择要统计的{wanted}"]
    return [None, None]


def staffing_result(by: str, key: str, cite: Cite | None = None) -> str:
    return _safely(lambda: _run("staffing_total", {"by": by, "key": (key or None) if by != "all" else None}), cite)


def check_queue(arrivals, service_minutes, wait_minutes) -> list[str | None]:
    return _field_problems(
        "window_queue_model",
        {"arrivals_per_hour": arrivals, "mean_service_minutes": service_minutes, "target_mean_wait_minutes": wait_minutes},
        ["arrivals_per_hour", "mean_service_minutes", "target_mean_wait_minutes"],
    )


def queue_result(arrivals, service_minutes, wait_minutes, cite: Cite | None = None) -> str:
    return _safely(
        lambda: _run(
            "window_queue_model",
            {"arrivals_per_hour": arrivals, "mean_service_minutes": service_minutes, "target_mean_wait_minutes": wait_minutes},
        ),
        cite,
    )


# -- 文件有效期 -------------------------------------------------------------------


def check_validity(document, on_text) -> list[str | None]:
    return [None if document else "请选择文件", date_problem(on_text, required=False)]


def validity_result(document: str, on_text: str, register: validity.Register | None = None, cite: Cite | None = None) -> str:
    return _safely(lambda: validity.status(document, parse_date(on_text) if on_text else date.today(), register), cite)


def check_expiring(until_text) -> list[str | None]:
    return [date_problem(until_text)]


def expiring_result(until_text: str, register: validity.Register | None = None, cite: Cite | None = None) -> str:
    return _safely(lambda: validity.expiring_by(parse_date(until_text), register=register), cite)


# -- layout ------------------------------------------------------------------------


def calculator_forms(register: validity.Register | None = None, cite: Cite | None = None) -> None:
    """Lay out the forms inside the current Gradio context. ``register`` is the validity of
    the documents the chat answers from (the configured index when not given); ``cite``
    finds the clause a constant quotes, so 依据条款 link to it."""
    from functools import partial

    import gradio as gr

    register = register or validity.configured_register()

    def button(label: str, compute, check, inputs, out, **kwargs):
        """The result is cleared first, so an input refused by ``check`` leaves no stale value."""
        gr.Button(label, **kwargs).click(lambda: "", outputs=out, queue=False, api_visibility="private").then(
            compute, inputs=inputs, outputs=out, validator=validator(check), api_visibility="private"
        )

    with gr.Accordion("普惠医联保赔付（2024年三明普惠医联保）", open=True):
        with gr.Row():
            liability = gr.Dropdown(LIABILITY_CHOICES, value="inpatient_in_area", label="保险责任", scale=3)
            amount = gr.Number(label="医保、大病保险报销后的合理费用（元）", value=38600, scale=2, elem_id="payout-amount")
        with gr.Row():
            group = gr.Radio(GROUP_CHOICES, value="healthy", label="人群")
            conditions = gr.Textbox(label="病史（可填病名，如 慢阻肺、冠心病）", max_lines=1)
            relief = gr.Checkbox(label="救助对象（低保、特困等）")
            drug_class = gr.Dropdown(DRUG_CLASSES, value=None, label="肿瘤药品类别", visible=False)
        with gr.Row():
            deductible_used = gr.Number(label="本年度已抵扣免赔额（元）", value=0)
            paid = gr.Number(label="本年度该责任已赔付（元）", value=0)
            self_paid = gr.Number(label="本年度此前已自付（元）", value=0)
            rate = gr.Number(label="全市参保率（%，兜底保障用，不知道可不填）", value=None, elem_id="payout-rate")
        out = gr.HTML(elem_id="payout-result")
        # The drug class only applies to 特定恶性肿瘤药品.
        liability.change(
            lambda chosen: gr.update(visible=chosen == "tumour_drugs", value=None),
            inputs=liability, outputs=drug_class, queue=False, api_visibility="private",
        )
        button(
            "计算赔付", partial(payout_result, cite=cite), check_payout,
            [liability, amount, group, conditions, relief, drug_class, deductible_used, paid, self_paid, rate], out,
            variant="primary", elem_id="calc-payout",
        )

    with gr.Accordion("办理期限（工作日、自然日）", open=False):
        with gr.Row():
            rule_document = gr.Dropdown(deadline_documents(), value=None, label="文件", scale=1, elem_id="deadline-document")
            # Its choices follow the document picked; the checker, not Gradio, holds the list to compare with.
            rule = gr.Dropdown([], value=None, label="期限（先选文件）", scale=2, elem_id="deadline-rule", allow_custom_value=True)
            start = gr.Textbox(label="起算日（如 2024-09-30）", value=lambda: date.today().isoformat(), scale=1, max_lines=1)
        out_deadline = gr.HTML(elem_id="deadline-result")
        rule_document.change(
            lambda number: (gr.update(choices=deadline_rules(number), value=None, label="期限"), ""),
            inputs=rule_document, outputs=[rule, out_deadline], queue=False, api_visibility="private",
        )
        button(
            "计算截止日", lambda _doc, key, text: deadline_result(key, text, cite), check_deadline,
            [rule_document, rule, start], out_deadline, variant="primary", elem_id="calc-deadline",
        )
        with gr.Row():
            between_start = gr.Textbox(label="开始日期（不计入）", value=lambda: date.today().isoformat(), max_lines=1)
            between_end = gr.Textbox(label="结束日期（计入）", max_lines=1, elem_id="between-end")
        out_between = gr.HTML()
        button("计算间隔工作日", partial(working_days_result, cite=cite), check_working_days, [between_start, between_end], out_between, elem_id="calc-between")

    with gr.Accordion("窗口人员配置（一窗受理改革）", open=False):
        with gr.Row():
            by = gr.Radio(BY_CHOICES, value="all", label="统计口径", elem_id="staffing-by")
            key = gr.Dropdown([], value=None, label="具体项", visible=False, allow_custom_value=True, elem_id="staffing-key")
        out_staff = gr.HTML(elem_id="staffing-result")
        by.change(
            lambda chosen: (
                gr.update(choices=staffing_keys(chosen), value=None, visible=chosen != "all",
                          label="具体" + dict((v, k) for k, v in BY_CHOICES).get(chosen, "项")),
                "",
            ),
            inputs=by, outputs=[key, out_staff], queue=False, api_visibility="private",
        )
        button("统计人数", partial(staffing_result, cite=cite), check_staffing, [by, key], out_staff, variant="primary", elem_id="calc-staffing")
        gr.Markdown("**高峰期开窗估算（排队模型，不是文件规定）**")
        with gr.Row():
            arrivals = gr.Number(label="每小时到达人数", value=60)
            service = gr.Number(label="平均办理时长（分钟）", value=10)
            wait = gr.Number(label="目标平均等候（分钟）", value=5)
        out_queue = gr.HTML()
        button("估算窗口数", partial(queue_result, cite=cite), check_queue, [arrivals, service, wait], out_queue, elem_id="calc-queue")

    with gr.Accordion("文件有效期", open=False):
        documents = [(f"{entry.number} {entry.title}" if entry.number else entry.label, entry.number or entry.title) for entry in register]
        with gr.Row():
            document = gr.Dropdown(documents, value=documents[0][1] if documents else None, label="文件", scale=3)
            on = gr.Textbox(label="判断日期（不填为今天）", value=lambda: date.today().isoformat(), scale=1, max_lines=1)
        out_valid = gr.HTML()
        button(
            "判断是否有效", partial(validity_result, register=register, cite=cite), check_validity, [document, on], out_valid,
            variant="primary", elem_id="calc-validity",
        )
        until = gr.Textbox(label="列出在此日期前到期的文件", value=lambda: date.today().isoformat(), max_lines=1)
        out_expiring = gr.HTML()
        button("列出到期文件", partial(expiring_result, register=register, cite=cite), check_expiring, [until], out_expiring, elem_id="calc-expiring")
