"""The 文件库 tab: every indexed document in a table, with filters, for window staff.

``matching`` filters the documents (words of the number or title, issuer, kind, a date
range, in force on a date); ``library_html`` draws them (文号 in both bracket forms, title
linked to its page, issuer, date, kind, state on the chosen date). The states come from
``assistant.calculators.validity.states_on``: what each document's own text says.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from datetime import date

from assistant.calculators import validity
from ingest.metadata import canonical_number
from ingest.types import Document
from ui import render
from ui.fields import date_problem, optional_date, parse_date

SHOWN = 300  # rows drawn at most; the count above the table says how many matched
ANY = ""
IN_FORCE = "有效"
STATED_OR_NOT = "有效或未载明"  # in force, or issued by then and stating no validity (most notices)
SCOPES = [("全部文件", ANY), ("在该日有效的", IN_FORCE), ("有效及未载明有效期的", STATED_OR_NOT)]


@dataclass(frozen=True)
class DocumentFilter:
    """What the staff member asked for; empty fields do not filter."""

    words: str = ""
    issuer: str = ANY
    kind: str = ANY
    since: date | None = None
    until: date | None = None
    state: str = ANY  # a state of ``validity.states_on`` ("有效"), STATED_OR_NOT, or ANY


def number_forms(number: str | None) -> tuple[str, ...]:
    """A 文号 as it is printed either way: 〔〕 first, then []; one form for a number without brackets.

    >>> number_forms("闽政[2022]24号"), number_forms("福建省人民政府令第227号"), number_forms(None)
    (('闽政〔2022〕24号', '闽政[2022]24号'), ('福建省人民政府令第227号',), ())
    """
    if not number:
        return ()
    core = canonical_number(number)
    if "〔" not in core:
        return (number,)
    return (core, core.replace("〔", "[").replace("〕", "]"))


def matching(documents: list[Document], states: dict[str, str], wanted: DocumentFilter) -> list[Document]:
    """The documents that pass every filter, newest first."""
    words = wanted.words.split()

    def passes(document: Document) -> bool:
        named = " ".join((document.title, *number_forms(document.doc_number)))
        return (
            all(word in named or word.replace("[", "〔").replace("]", "〕") in named for word in words)
            and (wanted.issuer == ANY or document.issuer == wanted.issuer)
            and (wanted.kind == ANY or document.kind == wanted.kind)
            and (wanted.since is None or (document.date is not None and document.date >= wanted.since))
            and (wanted.until is None or (document.date is not None and document.date <= wanted.until))
            and (
                wanted.state == ANY
                or states.get(document.doc_id) == wanted.state
                or (wanted.state == STATED_OR_NOT and states.get(document.doc_id) in (IN_FORCE, "未载明"))
            )
        )

    return sorted((d for d in documents if passes(d)), key=lambda d: (d.date or date.min, d.doc_id), reverse=True)


def choices(documents: list[Document], attribute: str, everything: str) -> list[tuple[str, str]]:
    """A filter's choices: "everything" first, then each value with its count, most common first."""
    counted = Counter(getattr(d, attribute) for d in documents if getattr(d, attribute))
    return [(everything, ANY)] + [(f"{value}（{count}）", value) for value, count in counted.most_common()]


def library_html(found: list[Document], states: dict[str, str], on: date, total: int) -> str:
    """The documents as a table; a state no document text decides is said as such. ``total``
    counts documents; a note the gazette prints (kind 说明) is listed but counted apart."""
    rows = "\n".join(
        "<tr>"
        f"<td>{_number_html(d)}</td>"
        f'<td><a href="{html.escape(render.doc_url(d.doc_id))}" target="_blank" rel="noopener">{html.escape(d.title)}</a></td>'
        f"<td>{html.escape(d.issuer or '未载明')}</td>"
        f"<td>{d.date.isoformat() if d.date else '未载明'}</td>"
        f"<td>{html.escape(d.kind or '')}</td>"
        f"<td class='state-cell'>{html.escape(states.get(d.doc_id, '不适用'))}</td>"
        "</tr>"
        for d in found[:SHOWN]
    )
    shown = f"，显示最新的 {SHOWN} 份，请用筛选缩小范围" if len(found) > SHOWN else ""
    notes = sum(1 for d in found if d.kind == "说明")
    matched = f"符合条件 {len(found) - notes} 份" + (f"，另有公报附载的说明 {notes} 则" if notes else "")
    head = f"<p class='library-count'>共 {total} 份文件，{matched}{shown}。</p>"
    if not found:
        return head + "<p>没有符合条件的文件，请放宽筛选条件。</p>"
    return (
        head + "<div class='library-wrap'><table class='library'><thead><tr>"
        f"<th>文号</th><th>标题</th><th>发文机关</th><th>成文日期</th><th>文种</th><th>{on.isoformat()} 是否有效</th>"
        f"</tr></thead><tbody>\n{rows}\n</tbody></table></div>"
    )


def _number_html(document: Document) -> str:
    forms = number_forms(document.doc_number)
    if not forms:
        return "无"
    return html.escape(forms[0]) + "".join(f"<br><small class='other-form'>{html.escape(other)}</small>" for other in forms[1:])


def check_filters(words, issuer, kind, since_text, until_text, on_text, state) -> list[str | None]:
    """One problem (or None) per box of the library filters."""
    problems: list[str | None] = [None, None, None, date_problem(since_text, False), date_problem(until_text, False), date_problem(on_text, False), None]
    if problems[3] is None and problems[4] is None:
        since, until = optional_date(since_text), optional_date(until_text)
        if since and until and since > until:
            problems[4] = f"结束日期 {until.isoformat()} 早于开始日期 {since.isoformat()}"
    return problems


def library_tab(documents: list[Document], register: validity.Register) -> None:
    """Lay out the 文件库 tab inside the current Gradio context."""
    import gradio as gr

    from ui.fields import validator

    def show(words, issuer, kind, since_text, until_text, on_text, state) -> str:
        problems = [p for p in check_filters(words, issuer, kind, since_text, until_text, on_text, state) if p]
        if problems:  # the boxes say so too; the table must not stay as if it answered
            return f"<p class='calc-error'>{html.escape('；'.join(problems))}</p>"
        on = parse_date(on_text) if (on_text or "").strip() else date.today()
        states = validity.states_on(register, on)
        wanted = DocumentFilter(words or "", issuer or ANY, kind or ANY, optional_date(since_text), optional_date(until_text), state or ANY)
        return library_html(matching(documents, states, wanted), states, on, sum(1 for d in documents if d.kind != "说明"))

    gr.Markdown("按文号、标题、发文机关、文种和成文日期筛选已收录的文件；“是否有效”按所选日期和文件自身的施行、有效期规定判断。")
    with gr.Row():
        words = gr.Textbox(label="文号或标题中的字词", placeholder="如 闽政〔2022〕24号、好差评", max_lines=1, scale=2, elem_id="library-words")
        issuer = gr.Dropdown(choices(documents, "issuer", "全部发文机关"), value=ANY, label="发文机关", scale=2)
        kind = gr.Dropdown(choices(documents, "kind", "全部文种"), value=ANY, label="文种", scale=1)
    with gr.Row():
        since = gr.Textbox(label="成文日期从", placeholder="如 2022-01-01", max_lines=1)
        until = gr.Textbox(label="成文日期到", placeholder="如 2023-12-31", max_lines=1)
        on = gr.Textbox(label="判断是否有效的日期", value=lambda: date.today().isoformat(), max_lines=1, elem_id="library-on")
        state = gr.Radio(SCOPES, value=ANY, label="范围", elem_id="library-scope", scale=2)
        go = gr.Button("筛选", variant="primary", elem_id="library-filter", scale=0, min_width=100)
    table = gr.HTML(value=lambda: show("", ANY, ANY, "", "", "", ANY), elem_id="library-table")
    inputs = [words, issuer, kind, since, until, on, state]
    refresh = dict(fn=show, inputs=inputs, outputs=table, validator=validator(check_filters), api_visibility="private")
    for box in (issuer, kind, state):
        box.change(**refresh)
    for box in (words, since, until, on):
        box.submit(**refresh)
    go.click(**refresh)
