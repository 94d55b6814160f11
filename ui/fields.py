"""What the forms of the web app share: reading a date box, and showing each problem next to its box.

A form's checker returns one problem (a sentence in Chinese) or None per input box, in the
order of the event's inputs; ``validator`` turns it into the Gradio validator that paints
each problem under its own box and stops the event before it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from assistant.errors import AssistantError


def parse_date(text: str | None) -> date:
    """The one date a box holds: 2024-06-01, 2024/6/1, 2024年6月1日, 今天 …; an error a person can act on otherwise."""
    from assistant.quantities import dates

    found = dates(text or "", date.today())
    if not found:
        raise AssistantError(f"日期“{text}”无法识别，请按 YYYY-MM-DD 填写，例如 {date.today().isoformat()}。")
    return found[0]


def optional_date(text: str | None) -> date | None:
    """An empty box is no date; otherwise as ``parse_date``."""
    return parse_date(text) if (text or "").strip() else None


def date_problem(text: str | None, required: bool = True) -> str | None:
    """What is wrong with a date box, or None."""
    if not (text or "").strip():
        return f"请填写日期，例如 {date.today().isoformat()}" if required else None
    try:
        parse_date(text)
    except AssistantError as error:
        return str(error)
    return None


def validator(check: Callable[..., list[str | None]]) -> Callable:
    """A Gradio validator from a checker: each problem shown next to its own box."""
    import gradio as gr

    def validate(*values):
        return [gr.validate(problem is None, problem or "") for problem in check(*values)]

    return validate
