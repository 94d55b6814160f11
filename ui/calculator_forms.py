"""The 窗口计算器 tab: one form per calculator, for window staff.

Each form only gathers inputs and shows the calculator's own result (value, steps,
citations, warnings). Inputs go through the calculator registry (``registry.run``), so a
form checks them exactly as the chat, the tools and ``policy-assistant calc`` do: a
negative or undefined amount is refused in words, a missing one is asked for.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

from assistant.calculators import deadlines, payout, registry, staffing, validity
from assistant.calculators.result import Calculation, Clarification
from assistant.errors import AssistantError
from assistant.service import render_calculation

LIABILITY_CHOICES = [(label, key) for key, label in payout.LIABILITIES.items()]
GROUP_CHOICES = [("健康人群（无特定既往症）", "healthy"), ("特定既往症人群", "preexisting")]


def calculation_html(calculation: Calculation) -> str:
    """A calculation as HTML: the rendered text, then each cited clause with its quote."""
    body = html.escape(render_calculation(calculation)).replace("\n", "<br>")
    cited = "".join(
        f"<li>{html.escape(c.doc_number)} · {html.escape(c.section)}：<q>{html.escape(c.quote)}</q></li>" for c in calculation.citations
    )
    return f"<div class='calculation'>{body}<p><b>依据条款</b></p><ul>{cited}</ul></div>"


def _safely(compute: Callable[[], Calculation | Clarification]) -> str:
    try:
        result = compute()
    except AssistantError as error:
        return f"<p class='calc-error'>{html.escape(str(error))}</p>"
    if isinstance(result, Clarification):
        return f"<p class='calc-question'>{html.escape(result.question)}</p>"
    return calculation_html(result)


def _run(name: str, inputs: dict) -> Calculation | Clarification:
    """An empty box is an input not given (the calculator says it is missing or asks)."""
    return registry.run(registry.get(name), {key: value for key, value in inputs.items() if value is not None})


def _parse_date(text: str) -> date:
    from assistant.quantities import dates

    found = dates(text or "", date.today())
    if not found:
        raise AssistantError(f"日期“{text}”无法识别，请按 YYYY-MM-DD 填写，例如 {date.today().isoformat()}。")
    return found[0]


def payout_result(liability, amount, group, conditions, relief, drug_class, deductible_used, paid, self_paid, rate) -> str:
    def compute() -> Calculation | Clarification:
        names = tuple(c.name for c in payout.match_conditions(conditions or ""))
        return _run(
            "sanming_payout",
            {
                "liability": liability,
                "eligible_amount": amount,
                "preexisting": bool(names) or group == "preexisting",
                "conditions": names,
                "relief_recipient": bool(relief),
                "drug_class": drug_class or None,
                "deductible_used": deductible_used or 0,
                "paid_this_year": paid or 0,
                "self_paid_this_year": self_paid or 0,
                # The box holds a percentage; an empty box means "not known".
                "participation_rate": rate / 100 if rate else None,
            },
        )

    return _safely(compute)


def deadline_result(rule_key: str, start_text: str) -> str:
    return _safely(lambda: _run("deadline", {"rule": rule_key, "start": _parse_date(start_text)}))


def working_days_result(start_text: str, end_text: str) -> str:
    return _safely(lambda: _run("working_days_between", {"start": _parse_date(start_text), "end": _parse_date(end_text)}))


def staffing_result(by: str, key: str) -> str:
    return _safely(lambda: _run("staffing_total", {"by": by, "key": key or None}))


def queue_result(arrivals, service_minutes, wait_minutes) -> str:
    return _safely(
        lambda: _run(
            "window_queue_model",
            {"arrivals_per_hour": arrivals, "mean_service_minutes": service_minutes, "target_mean_wait_minutes": wait_minutes},
        )
    )


def validity_result(document: str, on_text: str, register: validity.Register | None = None) -> str:
    return _safely(lambda: validity.status(document, _parse_date(on_text) if on_text else date.today(), register))


def expiring_result(until_text: str, register: validity.Register | None = None) -> str:
    return _safely(lambda: validity.expiring_by(_parse_date(until_text), register=register))


def calculator_forms(register: validity.Register | None = None) -> None:
    """Lay out the forms inside the current Gradio context; ``register`` is the validity of
    the documents the chat answers from (the configured index when not given)."""
    from functools import partial

    import gradio as gr

    register = register or validity.configured_register()

    with gr.Accordion("普惠医联保赔付（2024年三明普惠医联保）", open=True):
        with gr.Row():
            liability = gr.Dropdown(LIABILITY_CHOICES, value="inpatient_in_area", label="保险责任", scale=3)
            amount = gr.Number(label="医保、大病保险报销后的合理费用（元）", value=38600, minimum=0, scale=2)
        with gr.Row():
            group = gr.Radio(GROUP_CHOICES, value="healthy", label="人群")
            conditions = gr.Textbox(label="病史（可填病名，如 慢阻肺、冠心病）", max_lines=1)
            relief = gr.Checkbox(label="救助对象（低保、特困等）")
            drug_class = gr.Dropdown(["", "A", "B", "C"], value="", label="肿瘤药品类别")
        with gr.Row():
            deductible_used = gr.Number(label="本年度已抵扣免赔额（元）", value=0, minimum=0)
            paid = gr.Number(label="本年度该责任已赔付（元）", value=0, minimum=0)
            self_paid = gr.Number(label="本年度此前已自付（元）", value=0, minimum=0)
            rate = gr.Number(label="全市参保率（%，兜底保障用）", value=None, minimum=0, maximum=100)
        out = gr.HTML()
        gr.Button("计算赔付", variant="primary", elem_id="calc-payout").click(
            payout_result,
            inputs=[liability, amount, group, conditions, relief, drug_class, deductible_used, paid, self_paid, rate],
            outputs=out,
            api_visibility="private",
        )

    with gr.Accordion("办理期限（工作日、自然日）", open=False):
        rules = [(f"{limit.name}（{limit.amount}{limit.unit}）", limit.key) for limit in deadlines.catalogue()]
        with gr.Row():
            rule = gr.Dropdown(rules, value=rules[0][1], label="期限", scale=3)
            start = gr.Textbox(label="起算日（YYYY-MM-DD）", value=lambda: date.today().isoformat(), scale=1)
        out_deadline = gr.HTML()
        gr.Button("计算截止日", variant="primary").click(deadline_result, inputs=[rule, start], outputs=out_deadline, api_visibility="private")
        with gr.Row():
            between_start = gr.Textbox(label="开始日期", value=lambda: date.today().isoformat())
            between_end = gr.Textbox(label="结束日期")
        out_between = gr.HTML()
        gr.Button("计算间隔工作日").click(
            working_days_result, inputs=[between_start, between_end], outputs=out_between, api_visibility="private"
        )

    with gr.Accordion("窗口人员配置（一窗受理改革）", open=False):
        window_choices = [(post.label, post.key) for post in staffing.plan().windows()]
        with gr.Row():
            by = gr.Radio(
                [("全部", "all"), ("层级", "level"), ("阶段", "phase"), ("窗口", "window")], value="all", label="统计口径"
            )
            key = gr.Dropdown(
                [("市级", "市级"), ("三元区", "三元区"), ("第一阶段", "第一阶段"), ("第二阶段", "第二阶段")] + window_choices,
                value=None,
                label="具体项（按层级、阶段或窗口统计时选择）",
                allow_custom_value=False,
            )
        out_staff = gr.HTML()
        gr.Button("统计人数", variant="primary").click(staffing_result, inputs=[by, key], outputs=out_staff, api_visibility="private")
        gr.Markdown("**高峰期开窗估算（排队模型，不是文件规定）**")
        with gr.Row():
            arrivals = gr.Number(label="每小时到达人数", value=60, minimum=0)
            service = gr.Number(label="平均办理时长（分钟）", value=10, minimum=0)
            wait = gr.Number(label="目标平均等候（分钟）", value=5, minimum=0)
        out_queue = gr.HTML()
        gr.Button("估算窗口数").click(queue_result, inputs=[arrivals, service, wait], outputs=out_queue, api_visibility="private")

    with gr.Accordion("文件有效期", open=False):
        documents = [(f"{entry.number} {entry.title}" if entry.number else entry.label, entry.number or entry.title) for entry in register]
        with gr.Row():
            document = gr.Dropdown(documents, value=documents[0][1] if documents else None, label="文件", scale=3)
            on = gr.Textbox(label="判断日期", value=lambda: date.today().isoformat(), scale=1)
        out_valid = gr.HTML()
        gr.Button("判断是否有效", variant="primary").click(partial(validity_result, register=register), inputs=[document, on], outputs=out_valid, api_visibility="private")
        until = gr.Textbox(label="列出在此日期前到期的文件", value=lambda: date.today().isoformat())
        out_expiring = gr.HTML()
        gr.Button("列出到期文件").click(partial(expiring_result, register=register), inputs=[until], outputs=out_expiring, api_visibility="private")
