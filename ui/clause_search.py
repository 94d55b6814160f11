"""The 条款检索 tab: search the clauses, with filters, for window staff.

A query that names a document by its number and a section ("明政办规〔2023〕4号 四（五）",
"福建省人民政府令第227号 第十条") jumps straight to that clause: it is listed first, marked
直达, with its permalink. Anything else is searched with the chat's own hybrid retrieval,
inside the documents the filters leave (document, issuer, date range, in force on a date),
and the query's words are highlighted in each hit.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from assistant.calculators import validity
from assistant.references import clauses_for
from ingest.types import Clause, Document
from ui import render
from ui.fields import date_problem, optional_date, parse_date
from ui.library import ANY, number_forms

if TYPE_CHECKING:
    from assistant.service import Assistant

SHOWN = 20  # hits listed
# "In force on a date" keeps what the documents' own text says is in force, and the many that
# state no validity but were issued by then (the 文件库 tab's "有效及未载明有效期的").
IN_FORCE_OR_UNSTATED = ("有效", "未载明")


@dataclass(frozen=True)
class ClauseFilter:
    """Which documents to search; empty fields do not filter."""

    doc_id: str = ANY
    issuer: str = ANY
    since: date | None = None
    until: date | None = None
    in_force_on: date | None = None  # only documents in force that day

    @property
    def empty(self) -> bool:
        return self == ClauseFilter()


@dataclass(frozen=True)
class Found:
    """One clause in the results, and whether the query named it (直达)."""

    clause: Clause
    document: Document
    direct: bool = False


@dataclass(frozen=True)
class Results:
    found: tuple[Found, ...]
    note: str = ""  # said above the hits: a named document the corpus lacks, an empty filter


def allowed_documents(assistant: Assistant, wanted: ClauseFilter) -> list[Document]:
    """The documents the filters leave."""
    documents = list(assistant.index.documents.values())
    states = validity.states_on(assistant.validity, wanted.in_force_on) if wanted.in_force_on else {}
    return [
        d
        for d in documents
        if (wanted.doc_id == ANY or d.doc_id == wanted.doc_id)
        and (wanted.issuer == ANY or d.issuer == wanted.issuer)
        and (wanted.since is None or (d.date is not None and d.date >= wanted.since))
        and (wanted.until is None or (d.date is not None and d.date <= wanted.until))
        and (wanted.in_force_on is None or states.get(d.doc_id) in IN_FORCE_OR_UNSTATED)
    ]


def search(assistant: Assistant, query: str, wanted: ClauseFilter = ClauseFilter(), k: int = SHOWN) -> Results:
    """The clauses for a query: the one it names by 文号 and section first, then the best hits."""
    query = query.strip()
    allowed = allowed_documents(assistant, wanted)
    if not allowed:
        return Results((), "没有文件符合筛选条件，请放宽筛选条件。")
    allowed_ids = {d.doc_id for d in allowed}
    reference = assistant.catalogue.read(query, wanted.in_force_on or date.today())
    note = ""
    if reference.unknown_numbers:
        note = f"已收录的文件中没有{'、'.join(reference.unknown_numbers)}。"
    direct: list[Found] = []
    scope: tuple[str, ...] = ()
    if reference.by_number:
        named = [d for d in reference.documents if d.doc_id in allowed_ids]
        if not named:
            why = _left_out(assistant, reference.documents[0], wanted)
            return Results((), f"{'、'.join(d.doc_number or d.title for d in reference.documents)}不在筛选范围内{why}。")
        scope = tuple(d.doc_id for d in named)
        if reference.section is not None:
            for document in named:
                direct += [Found(c, document, True) for c in clauses_for(reference.section, assistant.index.clauses_of(document.doc_id))]
            if not direct:
                note += f"{'、'.join(d.doc_number or d.title for d in named)}中没有找到“{reference.section.written}”，下面是检索结果。"
    elif not wanted.empty:
        scope = tuple(sorted(allowed_ids))
    words = (reference.remainder(query).strip() if reference.by_number else query) or query
    if not words:
        return Results(tuple(direct), note)
    seen = {f.clause.clause_id for f in direct}
    hits = []
    ranked = assistant.searcher.search(words, k=k + len(direct), doc_ids=scope)
    for hit in ranked:
        clause = assistant.index.clauses[hit.clause_id]
        if hit.clause_id not in seen and clause.doc_id in allowed_ids:
            hits.append(Found(clause, assistant.index.documents[clause.doc_id]))
    if hits and not direct and not any(hit.lexical for hit in ranked):
        note += "没有条款包含这些字词，下面只是意思上最接近的条款，仅供参考。"
    return Results(tuple(direct + hits)[: max(k, len(direct))], note)


def _left_out(assistant: Assistant, document: Document, wanted: ClauseFilter) -> str:
    """Why the filters leave out a document the query names, in words."""
    if wanted.in_force_on is not None:
        state = validity.states_on(assistant.validity, wanted.in_force_on).get(document.doc_id)
        if state not in IN_FORCE_OR_UNSTATED:
            return f"：它在 {wanted.in_force_on.isoformat()} {state or '不是有效文件'}"
    return "（请检查所选的文件、发文机关或成文日期）"


def highlight(text: str, terms: list[str]) -> str:
    """The text, escaped, with every occurrence of the terms in <mark> (overlaps merged).

    >>> highlight("差评整改<反馈>", ["整改", "反馈"])
    '差评<mark>整改</mark>&lt;<mark>反馈</mark>&gt;'
    """
    spans: list[tuple[int, int]] = []
    for term in {t for t in terms if t}:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(term), text)]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        out += [html.escape(text[at:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)


def terms_of(assistant: Assistant, query: str) -> list[str]:
    """The words to highlight: the query's search tokens of two characters or more."""
    return [t for t in assistant.tokenizer.tokens(query) if len(t) >= 2]


def results_html(results: Results, terms: list[str]) -> str:
    """The hits as a list: each with its document, section and permalink; 直达 hits first."""
    note = f"<p class='search-note'>{html.escape(results.note)}</p>" if results.note else ""
    if not results.found:
        return note + ("" if results.note else "<p>没有找到相关条款，请换个说法或放宽筛选条件。</p>")
    items = []
    for found in results.found:
        document, clause = found.document, found.clause
        label = render.citation_summary_of(document.title, document.doc_number, clause.section)
        badge = "<span class='direct'>直达</span> " if found.direct else ""
        text = html.escape(clause.text).replace("\n", "<br>") if found.direct else highlight(clause.text, terms).replace("\n", "<br>")
        items.append(
            f"<li class='hit{' hit-direct' if found.direct else ''}'>{badge}"
            f"<a href=\"{html.escape(render.doc_url(document.doc_id, clause.clause_id))}\" target=\"_blank\" rel=\"noopener\">{html.escape(label)}</a>"
            f"<div class='hit-text'>{text}</div></li>"
        )
    return note + f"<p class='search-count'>找到 {len(results.found)} 条。</p><ol class='hits'>{''.join(items)}</ol>"


def check_search(query, doc_id, issuer, since_text, until_text, on_text, in_force) -> list[str | None]:
    problems: list[str | None] = [None if (query or "").strip() else "请输入要查找的字词，或“文号 + 条款”（如 明政办规〔2023〕4号 四（五））"]
    problems += [None, None, date_problem(since_text, False), date_problem(until_text, False), date_problem(on_text, bool(in_force)), None]
    return problems


def search_tab(assistant: Assistant) -> None:
    """Lay out the 条款检索 tab inside the current Gradio context."""
    import gradio as gr

    from ui.fields import validator
    from ui.library import choices

    documents = sorted(assistant.index.documents.values(), key=lambda d: (d.date or date.min, d.doc_id), reverse=True)

    def show(query, doc_id, issuer, since_text, until_text, on_text, in_force) -> str:
        problems = [p for p in check_search(query, doc_id, issuer, since_text, until_text, on_text, in_force) if p]
        if problems:  # the boxes say so too
            return f"<p class='calc-error'>{html.escape('；'.join(problems))}</p>"
        on = (parse_date(on_text) if (on_text or "").strip() else date.today()) if in_force else None
        wanted = ClauseFilter(doc_id or ANY, issuer or ANY, optional_date(since_text), optional_date(until_text), on)
        return results_html(search(assistant, query or "", wanted), terms_of(assistant, query or ""))

    gr.Markdown("输入字词查找条款；输入“文号 + 条款”（如 明政办规〔2023〕4号 四（五）、福建省人民政府令第227号 第十条）直接定位到该条。")
    with gr.Row():
        query = gr.Textbox(label="查找", placeholder="如 差评整改 或 明政办规〔2023〕4号 四（五）", max_lines=1, scale=4, elem_id="search-query")
        go = gr.Button("检索", variant="primary", scale=1, elem_id="search-go")
    with gr.Accordion("筛选", open=False, elem_id="search-filters"):
        with gr.Row():
            doc_choices = [("全部文件", ANY)] + [(_document_label(d), d.doc_id) for d in documents]
            document = gr.Dropdown(doc_choices, value=ANY, label="文件", scale=3)
            issuer = gr.Dropdown(choices(documents, "issuer", "全部发文机关"), value=ANY, label="发文机关", scale=2)
        with gr.Row():
            since = gr.Textbox(label="成文日期从", placeholder="如 2022-01-01", max_lines=1)
            until = gr.Textbox(label="成文日期到", placeholder="如 2023-12-31", max_lines=1)
            on = gr.Textbox(label="有效日期", value=lambda: date.today().isoformat(), max_lines=1)
            in_force = gr.Checkbox(label="只查在该日有效的文件（含未载明有效期的）", value=False)
    out = gr.HTML(elem_id="search-results")
    inputs = [query, document, issuer, since, until, on, in_force]
    run = dict(fn=show, inputs=inputs, outputs=out, validator=validator(check_search), api_visibility="private", concurrency_id="ask")
    # The old hits are cleared first: a refused query must not leave them standing as its answer.
    clear = dict(fn=lambda: "", outputs=out, queue=False, api_visibility="private")
    query.submit(**clear).then(**run)
    go.click(**clear).then(**run)


def _document_label(document: Document) -> str:
    forms = number_forms(document.doc_number) or ((document.date.isoformat(),) if document.date else ("",))
    return f"{forms[0]} {render.short_title(document.title)}" + "".join(f"（{other}）" for other in forms[1:])
